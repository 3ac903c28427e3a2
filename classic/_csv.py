"""Reading the user's CSV files for the command line.

A first row with any non-numeric cell is a header. Every problem is reported
as :class:`CSVError`, a ValueError whose message fits on one line.
"""

import csv

import numpy as np

__all__ = ["CSVError", "read_csv", "numeric_columns"]


class CSVError(ValueError):
    """A missing, unreadable or malformed CSV file."""


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def read_csv(path):
    """Return ``(header, rows)``: the header (list of str, or None) and the data rows (lists of str)."""
    try:
        with open(path, newline="") as handle:
            rows = [row for row in csv.reader(handle) if row and any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise CSVError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise CSVError(f"{path}: cannot read it as CSV ({err})") from None
    if not rows:
        raise CSVError(f"{path}: the file holds no data")
    header = None
    if not all(_is_number(cell) for cell in rows[0]):
        header, rows = [cell.strip() for cell in rows[0]], rows[1:]
    if not rows:
        raise CSVError(f"{path}: the file has a header but no data rows")
    width = len(header) if header is not None else len(rows[0])
    for line, row in enumerate(rows, start=2 if header else 1):
        if len(row) != width:
            raise CSVError(f"{path}: row {line} has {len(row)} fields, expected {width}")
    return header, rows


def numeric_columns(path, header, rows, columns):
    """The given column indices of ``rows`` as a float64 array, or CSVError naming the bad cell."""
    out = np.empty((len(rows), len(columns)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, col in enumerate(columns):
            cell = row[col].strip()
            try:
                out[i, j] = float(cell)
            except ValueError:
                name = header[col] if header else f"column {col + 1}"
                raise CSVError(f"{path}: non-numeric value {cell!r} in {name}, data row {i + 1}") from None
            if not np.isfinite(out[i, j]):
                name = header[col] if header else f"column {col + 1}"
                raise CSVError(f"{path}: non-finite value {cell!r} in {name}, data row {i + 1}")
    return out
