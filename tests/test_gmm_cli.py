"""``classic gmm FILE.csv -k K [--plot out.png]`` and the EM demo entry."""

import numpy as np
import pytest

from classic.cli import main


def write_mixture_csv(path, header=True, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (60, 2)), rng.normal(6, 0.5, (40, 2))])
    with open(path, "w") as handle:
        if header:
            handle.write("x,y\n")
        for row in X:
            handle.write(f"{float(row[0])!r},{float(row[1])!r}\n")
    return X


def test_gmm_command_prints_a_holding_certificate(tmp_path, capsys):
    path = tmp_path / "data.csv"
    write_mixture_csv(path)
    plot = tmp_path / "em.png"
    status = main(["gmm", str(path), "-k", "2", "--init", "random", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert status == 0
    assert "100 points, 2 features, k=2" in out
    assert "all claims hold" in out and "EM-4" in out
    assert plot.is_file() and plot.stat().st_size > 1000


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_gmm_command_with_prior_and_every_covariance_type(tmp_path, capsys, covariance_type):
    path = tmp_path / "data.csv"
    write_mixture_csv(path, header=False)
    status = main(["gmm", str(path), "-k", "3", "--init", "random", "--prior", "--covariance-type", covariance_type])
    out = capsys.readouterr().out
    assert status == 0 and out.startswith("MAP-EM")
    assert out.count("component ") == 3


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        ("", "holds no data"),
        ("a,b\n1,2\n3,x\n", "non-numeric"),
        ("1,2\n3\n", "fields"),
    ],
)
def test_gmm_command_bad_file_exits_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content)
    status = main(["gmm", str(path), "-k", "2", "--init", "random"])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and err.count("\n") == 1


def test_gmm_command_too_many_components_and_collapse(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("1,2\n3,4\n")
    assert main(["gmm", str(path), "-k", "5", "--init", "random"]) == 2
    assert "fewer than k=5" in capsys.readouterr().err
    dup = tmp_path / "dup.csv"
    dup.write_text("0,0\n0,0\n0,0\n1,1\n2,0\n5,5\n")
    assert main(["gmm", str(dup), "-k", "3", "--init", "random", "--max-iter", "500"]) == 2
    assert "prior" in capsys.readouterr().err


def test_gmm_command_default_k_means_plus_plus_init(tmp_path, capsys):
    path = tmp_path / "data.csv"
    write_mixture_csv(path, seed=1)
    assert main(["gmm", str(path), "-k", "2", "--n-init", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("EM Gaussian mixture") and "all claims hold" in out


def test_demo_lists_em():
    from classic.demo import DEMOS

    titles = [title for title, _ in DEMOS]
    assert any("Gaussian mixture" in t for t in titles)


def test_command_plots_name_the_method_and_the_certificate(tmp_path, capsys, saved_figures):
    """The plot of a command shows what the run's certificate says (it was only printed), MAP-EM's
    plot says MAP-EM (it said EM), and the one-vs-rest perceptron's title is two lines (cut off
    at the right edge on one; a student's review)."""
    path = tmp_path / "data.csv"
    write_mixture_csv(path)
    assert main(["gmm", str(path), "-k", "2", "--prior", "--plot", str(tmp_path / "map.png")]) == 0
    title = saved_figures[-1].axes[0].get_title()
    assert title.startswith("MAP-EM: stopped") and title.endswith("\ncertificate: every claim holds")
    labelled = tmp_path / "labelled.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    np.savetxt(labelled, np.column_stack([X, np.repeat([0, 1, 2], 30)]), delimiter=",", header="x,y,label",
               comments="")
    main(["perceptron", str(labelled), "--plot", str(tmp_path / "ovr.png")])
    title = saved_figures[-1].axes[0].get_title()
    assert title.startswith("perceptron, one vs rest (3 classes)\nstopped") and "\ncertificate: " in title
    capsys.readouterr()
