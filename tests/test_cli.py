"""The ``classic`` command: k-means on a CSV, and the demo."""

import re
import subprocess
import sys

import numpy as np
import pytest

from classic.cli import main


def test_kmeans_missing_file_exits_2_with_one_line(tmp_path, capsys):
    assert main(["kmeans", str(tmp_path / "nope.csv"), "-k", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


@pytest.mark.parametrize(
    "text, message",
    [("a,b\n1,2\n3\n", "row 3 has 1 fields"), ("a,b\n1,x\n", "non-numeric"), ("", "no data"), ("1,2\n", "fewer than k")],
)
def test_kmeans_malformed_csv_exits_2(tmp_path, capsys, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    assert main(["kmeans", str(path), "-k", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_kmeans_good_csv_writes_the_plot(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(size=(30, 2)), rng.normal(loc=6, size=(30, 2))])
    path = tmp_path / "good.csv"
    np.savetxt(path, X, delimiter=",", header="x,y", comments="")
    png = tmp_path / "out.png"
    assert main(["kmeans", str(path), "-k", "2", "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "k-means: 60 points, 2 features, k=2" in out and "all claims hold" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_kmeans_greedy_seeds_as_scikit_learn(tmp_path, capsys):
    """--greedy: k-means++ with scikit-learn's 2 + ln k candidates per step (n_local_trials=None, KPP-3);
    the same fit as KMeans with it, and the certificate still holds."""
    from classic import KMeans

    rng = np.random.default_rng(4)
    X = rng.normal(size=(12, 3))[rng.integers(0, 12, 240)] * 10 + rng.normal(size=(240, 3))
    path = tmp_path / "blobs.csv"
    np.savetxt(path, X, delimiter=",")
    for flags, trials in (([], 1), (["--greedy"], None)):
        assert main(["kmeans", str(path), "-k", "12", *flags]) == 0
        out = capsys.readouterr().out
        want = KMeans(12, n_local_trials=trials, random_state=0).fit(X)
        assert f"inertia {want.inertia_:.6g} after {want.n_iter_} iterations" in out and "all claims hold" in out


def test_kmeans_weight_column(tmp_path, capsys):
    """--weight-column: that column weights the rows (the same fit as KMeans with sample_weight) and is
    not a feature; the certificate is checked with the weights; bad weights or an unknown column exit 2."""
    from classic import KMeans

    rng = np.random.default_rng(1)
    X = np.concatenate([rng.normal(size=(30, 2)), rng.normal(loc=6, size=(30, 2))])
    w = rng.integers(0, 4, size=60).astype(float)
    w[:2] = 1.0
    path = tmp_path / "weighted.csv"
    np.savetxt(path, np.column_stack([X[:, 0], w, X[:, 1]]), delimiter=",", header="x,count,y", comments="")
    assert main(["kmeans", str(path), "-k", "2", "--weight-column", "count"]) == 0
    out = capsys.readouterr().out
    want = KMeans(2, random_state=0).fit(X, sample_weight=w)
    assert "60 points, 2 features, k=2, weighted by column count" in out and "all claims hold" in out
    assert f"inertia {want.inertia_:.6g}" in out
    assert main(["kmeans", str(path), "-k", "2", "--weight-column", "2"]) == 0  # by number
    capsys.readouterr()
    assert main(["kmeans", str(path), "-k", "2", "--weight-column", "mass"]) == 2
    assert "no weight column 'mass' (columns: x, count, y)" in capsys.readouterr().err
    np.savetxt(path, np.column_stack([X[:, 0], -w, X[:, 1]]), delimiter=",", header="x,count,y", comments="")
    assert main(["kmeans", str(path), "-k", "2", "--weight-column", "count"]) == 2
    assert "negative" in capsys.readouterr().err


def test_python_m_classic_demo(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "classic", "demo", "--out", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "every certificate holds" in result.stdout
    assert (tmp_path / "kmeans.png").read_bytes()[:4] == b"\x89PNG"
    # k-means: the one start's inertia and, beside it, the best of ten starts, which is no worse
    one = re.search(r"== k-means.*\ninertia ([0-9.e+-]+),", result.stdout)
    ten = re.search(r"the best of ten starts \(n_init=10\) reaches ([0-9.e+-]+)", result.stdout)
    assert one and ten and float(ten.group(1)) <= float(one.group(1))
