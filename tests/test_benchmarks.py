"""The benchmarks' own arithmetic (their timings are not tested: speed goes in benchmarks/, never
in timed tests)."""

import pytest

from benchmarks import gmm


def test_gmm_speedup_of_an_unresolved_time_is_not_available():
    """A per-iteration time is the difference of two whole fits' times; on data too small for the
    clock it can be 0, and the ratio was a ZeroDivisionError (an audit, 2026-12-05)."""
    assert gmm.speedup(2.0, 1.0) == "2.00x"
    assert gmm.speedup(1.0, 0.0) == "n/a" and gmm.speedup(0.0, 1.0) == "n/a"
    assert gmm.speedup(1.0, 0.0, 9) == "      n/a"


def test_gmm_iterations_below_two_are_refused_by_the_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        gmm.main(["--iters", "1"])
    assert exit_.value.code == 2
    assert "argument --iters: must be an integer >= 2" in capsys.readouterr().err
