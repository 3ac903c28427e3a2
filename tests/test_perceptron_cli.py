"""``classic perceptron FILE.csv``, the perceptron demo entry and the example script."""

import importlib.util
import pathlib

import numpy as np
import pytest

from classic.cli import main
from classic.demo import DEMOS, perceptron_demo

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture
def separable_csv(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(40, 2))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0.1, "spam", "ham")
    path = tmp_path / "mail.csv"
    lines = ["label,x1,x2"] + [f"{label},{float(a)!r},{float(b)!r}" for label, (a, b) in zip(y, X)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_perceptron_on_a_csv_prints_a_certificate_that_holds(separable_csv, tmp_path, capsys):
    plot = tmp_path / "updates.png"
    assert main(["perceptron", str(separable_csv), "--label-column", "label", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "40 examples, 2 features, 2 classes" in out
    assert "all claims hold" in out and "PC-5   yes" in out
    assert plot.stat().st_size > 0


def test_label_column_defaults_to_the_last_and_accepts_a_number(tmp_path, capsys):
    path = tmp_path / "xor.csv"
    path.write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n")       # no header, integer labels, not separable
    assert main(["perceptron", str(path), "--max-iter", "30"]) == 0
    out = capsys.readouterr().out
    assert "4 examples, 2 features, 2 classes" in out and "max_iter" in out
    assert "PC-10  yes" in out                              # integer data: the weights cycle
    assert main(["perceptron", str(path), "--label-column", "1", "--max-iter", "30"]) == 0
    capsys.readouterr()
    assert main(["perceptron", str(path), "--max-iter", "30", "--tol", "1e-3"]) == 0   # scikit-learn's rule
    assert "epochs (tol)" in capsys.readouterr().out


def test_weight_column_weighs_the_examples(tmp_path, capsys):
    """--weight-column: that column weights the examples (the same fit as Perceptron with sample_weight, the
    certificate given the weights) and is not a feature; by name or by number."""
    from classic import Perceptron

    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, size=(30, 2))
    y = (X[:, 0] - X[:, 1] > 0.2).astype(int)
    w = rng.uniform(0.5, 3.0, 30)
    path = tmp_path / "weighted.csv"
    lines = ["x1,w,x2,label"] + [f"{a!r},{c!r},{b!r},{label}" for (a, b), c, label in zip(X.tolist(), w.tolist(), y)]
    path.write_text("\n".join(lines) + "\n")
    assert main(["perceptron", str(path), "--weight-column", "w"]) == 0
    out = capsys.readouterr().out
    model = Perceptron().fit(X, y, sample_weight=w)
    assert f"30 examples, 2 features, 2 classes, weighted by column w; {model.n_updates_} update" in out
    assert "weighted training accuracy 1" in out and "all claims hold" in out
    assert main(["perceptron", str(path), "--weight-column", "2"]) == 0
    assert capsys.readouterr().out.split("\n")[0] == out.split("\n")[0].replace("column w", "column 2")


@pytest.mark.parametrize("content, args, message", [
    ("x,w,y\n1,1,0\n2,-1,1\n", ["--weight-column", "w"], r"negative weight -1 in w, data row 2; weights must be >= 0"),
    ("x,w,y\n1,0,0\n2,0,1\n", ["--weight-column", "w"], r"every weight in w is 0; give at least one row"),
    ("x,w,y\n1,1,0\n2,1,1\n", ["--weight-column", "y"], r"the weight column is the label column \(y\)"),
    ("w,y\n1,0\n2,1\n", ["--weight-column", "w"], "at least one feature column besides the label and weight"),
    ("x,w,y\n1,a,0\n2,1,1\n", ["--weight-column", "w"], "non-numeric value 'a' in w"),
])
def test_bad_weight_columns_get_one_line_and_status_2(tmp_path, capsys, content, args, message):
    import re

    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["perceptron", str(path), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and re.search(message, err), err


@pytest.mark.parametrize("content, args, message", [
    (None, [], "no such file"),
    ("a,b\n1,x\n", ["--label-column", "a"], "non-numeric value 'x' in b"),
    ("a,b\n1,2\n", ["--label-column", "c"], "no label column 'c'"),
    ("a\n1\n", [], "at least one feature column"),
    ("a,b\n1,2\n3\n", [], "row 3 has 1 fields"),
])
def test_bad_files_get_one_line_and_status_2(tmp_path, capsys, content, args, message):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content)
    assert main(["perceptron", str(path), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_demo_has_a_perceptron_entry(tmp_path, saved_figures):
    """The demo's perceptron is certified, and its plot draws Novikoff's bound, PC-5's (audit 71's
    D12: a plot without the line passed)."""
    assert any(fn is perceptron_demo for _, fn in DEMOS)
    certificate, summary, path = perceptron_demo(str(tmp_path))
    assert certificate and certificate["PC-5"].holds and "Novikoff bound" in summary
    assert pathlib.Path(path).stat().st_size > 0
    [figure] = saved_figures
    drawn = [line for ax in figure.axes for line in ax.lines if "(PC-5)" in line.get_label()]
    assert len(drawn) == 1 and set(drawn[0].get_ydata()) == {certificate["PC-5"].bound}


def test_example_script_draws_updates_below_the_bound(tmp_path):
    spec = importlib.util.spec_from_file_location("perceptron_novikoff", ROOT / "examples" / "perceptron_novikoff.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "novikoff.png"
    assert module.main(str(out)) == 0
    assert out.stat().st_size > 0


def write_labelled(path, labels, seed=0):
    """Two separable features, the given labels (strings, written as they are) alternating."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(len(labels), 2))
    X[:, 0] += np.where(np.arange(len(labels)) % 2 == 0, 3.0, -3.0)  # row parity decides the side
    path.write_text("x1,x2,label\n" + "".join(f"{a!r},{b!r},{label}\n" for (a, b), label in zip(X.tolist(), labels)))


@pytest.mark.parametrize("pair", [
    ("1e19", "-1e19"),                             # integers beyond int64, in exponent form
    ("9007199254740993", "9007199254740992"),      # 2**53 + 1 and 2**53: equal as float64, distinct as int64
    ("1e300", "0"),                                # beyond int64: no cast, no overflow warning
    ("99999999999999999999", "99999999999999999998"),  # beyond int64, one apart: equal as float64
])
def test_large_numeric_labels_stay_distinct(tmp_path, capsys, pair):
    """Labels are never merged or rewritten: two distinct numbers give two classes, and the fit
    separates them (training accuracy 1)."""
    import warnings

    path = tmp_path / "big.csv"
    write_labelled(path, list(pair) * 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["perceptron", str(path)]) == 0
    out = capsys.readouterr().out
    assert "20 examples, 2 features, 2 classes" in out and "training accuracy 1" in out


def test_label_values_are_exact():
    """The label column as the fit sees it: integers as int64 where they fit, as their exact
    decimal text beyond; text as text; ordinary integer labels are unchanged (1.0 and 1 are one class)."""
    from classic._csv import label_column

    def labels(*cells):
        return label_column("f.csv", ["label"], [[c] for c in cells], 0)

    assert labels("1", "1.0", "-2").tolist() == [1, 1, -2] and labels("1", "2").dtype == np.int64
    big = labels("9007199254740993", "9007199254740992")
    assert big.dtype == np.int64 and big.tolist() == [2**53 + 1, 2**53]
    assert labels("1e19", "-1e19", "10000000000000000000").tolist() == [str(10**19), str(-(10**19)), str(10**19)]
    assert labels("99999999999999999999", "1").tolist() == ["99999999999999999999", "1"]
    assert labels("1", "spam").tolist() == ["1", "spam"]
    assert labels(" spam", "ham ").tolist() == ["spam", "ham"]


@pytest.mark.parametrize("cells, message", [
    (["1", "", "0"], "empty label in label, data row 2"),
    (["1", "inf", "0"], "non-finite label 'inf' in label, data row 2"),
    (["nan", "1", "0"], "non-finite label 'nan' in label, data row 1"),
    (["1e400", "1", "0"], "non-finite label '1e400' in label, data row 1"),
    (["1", "0.5", "0"], "label '0.5' in label, data row 2 is not an integer"),
    (["1", "1.00000000000000000001", "0"], "is not an integer"),   # 1.0 in float64
])
def test_bad_labels_get_one_line_and_status_2(tmp_path, capsys, cells, message):
    path = tmp_path / "labels.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i},{-i},{label}\n" for i, label in enumerate(cells)))
    assert main(["perceptron", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
