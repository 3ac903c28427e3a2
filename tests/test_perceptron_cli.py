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


def test_demo_has_a_perceptron_entry(tmp_path):
    assert any(fn is perceptron_demo for _, fn in DEMOS)
    certificate, summary, path = perceptron_demo(str(tmp_path))
    assert certificate and certificate["PC-5"].holds and "Novikoff bound" in summary
    assert pathlib.Path(path).stat().st_size > 0


def test_example_script_draws_updates_below_the_bound(tmp_path):
    spec = importlib.util.spec_from_file_location("perceptron_novikoff", ROOT / "examples" / "perceptron_novikoff.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "novikoff.png"
    assert module.main(str(out)) == 0
    assert out.stat().st_size > 0
