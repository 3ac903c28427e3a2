"""classic.strategies: the public Hypothesis strategies draw what they promise."""

import numpy as np
from hypothesis import find, given, settings
from hypothesis import strategies as st

from classic._validation import check_sample_weight
from classic.strategies import DATA_KINDS, bounded_floats, clustering_data, kmeans_problems, sample_weights


@given(clustering_data(max_samples=20, max_features=3))
def test_clustering_data_is_finite_bounded_and_typed(X):
    assert X.ndim == 2 and 1 <= X.shape[0] <= 20 and 1 <= X.shape[1] <= 3
    assert X.dtype in (np.float64, np.float32)
    assert np.all(np.isfinite(X)) and np.all(np.abs(X) <= 100.1)
    assert np.all((X == 0) | (np.abs(X) >= 1e-6))


@given(kmeans_problems())
def test_kmeans_problems_are_valid(problem):
    X, k, init = problem
    assert 1 <= k <= len(X)
    if not isinstance(init, str):
        assert init.shape == (k, X.shape[1]) and init.dtype == X.dtype and np.all(np.isfinite(init))


def _has_duplicate_rows(X):
    return len(np.unique(X, axis=0)) < len(X)


def test_strategies_reach_the_degenerate_cases():
    """Each degenerate case the issue names is actually generated."""
    few = settings(max_examples=2000, database=None)
    assert _has_duplicate_rows(find(clustering_data(min_samples=3), _has_duplicate_rows, settings=few))
    assert find(clustering_data(dtypes=(np.float32,)), lambda X: X.dtype == np.float32, settings=few).dtype == np.float32
    n_is_k = find(kmeans_problems(), lambda p: p[1] == len(p[0]) and len(p[0]) > 2, settings=few)
    assert n_is_k[1] == len(n_is_k[0])
    coincident = find(
        kmeans_problems(),
        lambda p: not isinstance(p[2], str) and len(p[2]) > 1 and _has_duplicate_rows(p[2]),
        settings=few,
    )
    assert _has_duplicate_rows(coincident[2])
    assert len(DATA_KINDS) == 4
    for dtype in (np.float64, np.float32):  # "tiny": squared differences underflow

        def underflows(X):
            diffs = np.abs(X[:, None, :] - X[None, :, :])
            return bool(np.any((diffs > 0) & (diffs * diffs < np.finfo(dtype).tiny)))

        X = find(clustering_data(dtypes=(dtype,), kinds=("tiny",), min_samples=2), underflows, settings=few)
        assert X.dtype == dtype and underflows(X)


@given(bounded_floats(np.float32, bound=1.0))
def test_bounded_floats_fit_their_width(v):
    assert np.float32(v) == v and abs(v) <= 1.0


@given(st.integers(1, 40), st.integers(0, 5), st.data())
def test_sample_weights_are_valid(n, min_positive, data):
    """sample_weights: what check_sample_weight accepts, with at least min_positive positive weights."""
    min_positive = min(min_positive, n) or 1
    w = data.draw(sample_weights(n, min_positive=min_positive))
    assert w.shape == (n,) and w.dtype == np.float64
    assert np.array_equal(check_sample_weight(w, np.zeros((n, 1))), w)
    assert np.count_nonzero(w) >= min_positive


def test_sample_weights_reach_zeros_and_extremes():
    for wanted in (lambda w: np.any(w == 0), lambda w: np.any((w > 0) & (w < 1e-100)), lambda w: np.any(w > 1e20)):
        find(sample_weights(10), wanted)
