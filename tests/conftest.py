"""Hypothesis profiles, chosen by the HYPOTHESIS_PROFILE environment variable, and the
``numba_threads`` and ``saved_figures`` fixtures.

``ci`` (the default): deterministic (derandomised, no example database), no
deadline (first calls compile Numba kernels), a moderate number of examples.
``dev``: random, with the local example database, for exploring.
``thorough``: many examples, for long runs (``make test-thorough``). Tests that fix their own
count (each example fits a model) give ``examples(n)`` of tests/budget.py, which grows with it.
"""

import os

import numba
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def numba_threads():
    """``numba_threads(n)`` runs what follows with n Numba threads, restored when the test
    ends. A machine whose Numba has fewer (NUMBA_NUM_THREADS, by default the number of cores)
    skips the test, saying so: comparing one thread with itself would pass without checking
    anything (until 2026-12-05 four tests did that, and one raised numba's ValueError)."""
    previous = numba.get_num_threads()

    def use(n):
        if n > numba.config.NUMBA_NUM_THREADS:
            pytest.skip(f"needs {n} Numba threads; this machine allows {numba.config.NUMBA_NUM_THREADS} "
                        "(NUMBA_NUM_THREADS)")
        numba.set_num_threads(n)

    yield use
    numba.set_num_threads(previous)


@pytest.fixture
def saved_figures(monkeypatch):
    """The matplotlib Figures saved while the test runs, in order (each still written as asked):
    what a command or the demo drew, read back from the figure itself."""
    import matplotlib.figure

    saved, save = [], matplotlib.figure.Figure.savefig

    def recording(fig, *args, **kwargs):
        saved.append(fig)
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", recording)
    return saved
