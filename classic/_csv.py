"""Reading the user's CSV files for the command line.

The first row is a header when none of its cells is a number: every command needs a number in
each feature column of a data row, so such a row is never data that could be read (a second
row without numbers, "x,y" above "NA,NA", is reported as the bad data row it is, under its
column's name). So is pandas' header of a frame made from an array: an empty first cell (its
index's name), then the column numbers 0, 1, ... (two or more), above rows that start with a
row index. A first row that mixes numbers with an empty or misspelt cell (``1,,3``) is data,
and its bad cell is reported, never dropped as a header. Blank lines, and rows whose cells are
all empty (",,", as spreadsheets write for empty rows), are skipped: "data row i" counts the
rows read, "row j" of a ragged row is its line in the file. A UTF-8 byte-order mark (as
spreadsheets write) is not part of the first cell. The caller may settle the first row itself
(``header="yes"`` or ``"no"``, the command's ``--header`` and ``--no-header``): a first row that
numbers the columns, 0, 1, ..., as pandas' ``to_csv(index=False)`` writes for a frame made from
an array, can be data as well as a header, so it is read as data with a warning saying so.
Every problem is reported as :class:`CSVError`, a ValueError whose message fits on one line.
"""

import csv
import warnings
from decimal import Decimal, InvalidOperation

import numpy as np

__all__ = ["CSVError", "column_name", "read_csv", "separator_hint", "row_index_column", "numeric_columns",
           "label_column"]


class CSVError(ValueError):
    """A missing, unreadable or malformed CSV file."""


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _is_header(rows):
    """Whether ``rows[0]`` names the columns (see the module's docstring)."""
    return _is_pandas_header(rows) or not any(_is_number(cell) for cell in rows[0])


def _is_pandas_header(rows):
    """Whether ``rows[0]`` is pandas' header of a frame made from an array, written with its index:
    an empty cell (the index's name) and the column numbers 0, 1, ... (at least two: ",0" alone
    reads as a data row with a missing value, audit 51), above rows that start with a row index."""
    first = rows[0]
    if first[0].strip() or not _numbers_the_columns(first[1:]) or len(rows) < 2:
        return False
    return row_index_column([""] + [cell.strip() for cell in first[1:]], rows[1:]) == 0


def _numbers_the_columns(row):
    """Whether ``row`` is 0, 1, ..., (at least two cells), the header pandas writes without an index."""
    return len(row) >= 2 and [cell.strip() for cell in row] == [str(i) for i in range(len(row))]


def read_csv(path, header="auto"):
    """Return ``(header, rows)``: the header (list of str, or None) and the data rows (lists of str).
    ``header``: "auto" (the module's rules), "yes" (the first row is the header) or "no" (it is data)."""
    if header not in ("auto", "yes", "no"):
        raise ValueError(f"header must be 'auto', 'yes' or 'no', got {header!r}")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)   # blank lines are skipped; the line of each row is kept for messages
            numbered = [(reader.line_num, row) for row in reader if row and any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise CSVError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise CSVError(f"{path}: cannot read it as CSV ({err})") from None
    if not numbered:
        raise CSVError(f"{path}: the file holds no data")
    lines, rows = (list(column) for column in zip(*numbered))
    spanning = next((cell for row in rows for cell in row if "\n" in cell or "\r" in cell), None)
    if spanning is not None:
        start = spanning.splitlines()[0] if spanning.strip() else ""
        raise CSVError(f"{path}: a quoted field runs over several lines (from {start!r}): close its quote; "
                       "classic reads one row per line")
    named = header == "yes" or (header == "auto" and _is_header(rows))
    if header == "auto" and not named and len(rows) > 1 and _numbers_the_columns(rows[0]):
        warnings.warn(f"{path}: row 1 ({','.join(cell.strip() for cell in rows[0])}) numbers the columns, as the "
                      "header pandas' to_csv(index=False) writes: read as data; give --header to read it as the "
                      "header (--no-header: as data, without this warning)", UserWarning, stacklevel=2)
    header = None
    if named:
        header, rows, lines = [cell.strip() for cell in rows[0]], rows[1:], lines[1:]
    if not rows:
        raise CSVError(f"{path}: the file has a header but no data rows")
    width = len(header) if header is not None else len(rows[0])
    for line, row in zip(lines, rows):
        if len(row) != width:
            raise CSVError(f"{path}: row {line} has {len(row)} fields, expected {width}")
    return header, rows


def separator_hint(cell):
    """" (the file seems to separate values by ';' ...)" when ``cell`` holds a separator other than
    the comma, else ""."""
    return next((f" (the file seems to separate values by {sep!r}; classic reads comma-separated values)"
                 for sep in (";", "\t", "|") if sep in cell), "")


def row_index_column(header, rows):
    """0 when the first column is a row index as pandas' ``DataFrame.to_csv`` writes one by default:
    no name in the header (other columns named) above distinct integers >= 0 (0, 1, ..., n - 1; a
    filtered frame's in order; a shuffled or split frame's in any order); else None. Read as a
    feature it would cluster or classify the rows by their position in the file."""
    if not header or header[0] or len(header) < 2 or not any(header[1:]):
        return None
    try:
        values = [int(row[0].strip()) for row in rows]   # int("1.0") fails: pandas writes an index as integers
    except ValueError:
        return None
    return 0 if min(values) >= 0 and len(set(values)) == len(values) else None


def column_name(header, col):
    """Column ``col`` as messages name it: its header cell, or its number when that is empty."""
    return header[col] if header and header[col] else f"column {col + 1}"


def numeric_columns(path, header, rows, columns):
    """The given column indices of ``rows`` as a float64 array, or CSVError naming the bad cell."""
    every = list(columns) == list(range(len(rows[0])))
    try:  # NumPy parses each cell as float() does (whitespace, "1_000", "nan" alike), 3-4x as fast
        out = np.array(rows if every else [[row[col] for col in columns] for row in rows], dtype=np.float64)
    except ValueError:
        out = None  # a cell that is not a number: the loop below finds it, with its row and column
    if out is not None and np.all(np.isfinite(out)):
        return out
    out = np.empty((len(rows), len(columns)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, col in enumerate(columns):
            cell = row[col].strip()
            try:
                out[i, j] = float(cell)
            except ValueError:
                name = column_name(header, col)
                separator = separator_hint(cell)
                if not cell:
                    separator = (" (a comma at the end of each row?)" if col == len(row) - 1 and all(
                        not r[col].strip() for r in rows) else " (a missing value: fill it in or drop the row)")
                raise CSVError(f"{path}: non-numeric value {cell!r} in {name}, data row {i + 1}{separator}") from None
            if not np.isfinite(out[i, j]):
                name = column_name(header, col)
                raise CSVError(f"{path}: non-finite value {cell!r} in {name}, data row {i + 1}")
    return out


def label_column(path, header, rows, col):
    """Column ``col`` of ``rows`` as class labels, never merged or rewritten.

    Numbers are labels when every one is an integer (exactly: "1", "1.0" and "1e0" are one
    class); int64 when they fit, else the integers' decimal text (float64 would merge
    1e19 + 1 with 1e19, and scikit-learn reads integral floats beyond int64 as "continuous").
    A column with a non-numeric cell is text (stripped). CSVError for an empty cell, a
    non-finite number, or a number that is not an integer (a classifier's labels are classes).
    """
    cells = [row[col].strip() for row in rows]
    name = column_name(header, col)
    for i, cell in enumerate(cells):
        if not cell:
            raise CSVError(f"{path}: empty label in {name}, data row {i + 1}")
    if not all(_is_number(cell) for cell in cells):
        return np.array(cells)                     # text labels
    try:
        exact = [Decimal(cell) for cell in cells]  # float64 may round two labels to one number
    except InvalidOperation:
        return np.array(cells)                     # numbers to float() only: text
    integers = []
    for i, (cell, value) in enumerate(zip(cells, exact)):
        if not np.isfinite(float(cell)):           # also 1e400, beyond float64 (as for features)
            raise CSVError(f"{path}: non-finite label {cell!r} in {name}, data row {i + 1}; "
                           "labels must be finite numbers or text")
        if value != value.to_integral_value():
            raise CSVError(f"{path}: label {cell!r} in {name}, data row {i + 1} is not an integer; the "
                           "perceptron is a classifier: give class labels as integers or text (the label column "
                           "is the last unless --label-column names another)")
        integers.append(int(value))
    if all(-(2**63) <= v < 2**63 for v in integers):
        return np.array(integers, dtype=np.int64)
    return np.array([str(v) for v in integers])
