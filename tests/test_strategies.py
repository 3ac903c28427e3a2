"""classic.strategies: the public Hypothesis strategies draw what they promise."""

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from classic._validation import check_sample_weight
from classic.strategies import (DATA_KINDS, bounded_floats, clustering_data, initial_centers, kmeans_problems,
                                linearly_separable, sample_weights)


#: For ``find``: enough examples to reach each case a strategy promises.
FEW = settings(max_examples=2000, database=None)


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
    assert _has_duplicate_rows(find(clustering_data(min_samples=3), _has_duplicate_rows, settings=FEW))
    assert find(clustering_data(dtypes=(np.float32,)), lambda X: X.dtype == np.float32, settings=FEW).dtype == np.float32
    n_is_k = find(kmeans_problems(), lambda p: p[1] == len(p[0]) and len(p[0]) > 2, settings=FEW)
    assert n_is_k[1] == len(n_is_k[0])
    coincident = find(
        kmeans_problems(),
        lambda p: not isinstance(p[2], str) and len(p[2]) > 1 and _has_duplicate_rows(p[2]),
        settings=FEW,
    )
    assert _has_duplicate_rows(coincident[2])
    assert len(DATA_KINDS) == 4
    for dtype in (np.float64, np.float32):  # "tiny": squared differences underflow

        def underflows(X):
            diffs = np.abs(X[:, None, :] - X[None, :, :])
            return bool(np.any((diffs > 0) & (diffs * diffs < np.finfo(dtype).tiny)))

        X = find(clustering_data(dtypes=(dtype,), kinds=("tiny",), min_samples=2), underflows, settings=FEW)
        assert X.dtype == dtype and underflows(X)


@given(bounded_floats(np.float32, bound=1.0))
def test_bounded_floats_fit_their_width(v):
    assert float(np.float32(v)) == v and abs(v) <= 1.0   # (np.float32(v) == v compares in float32 under NumPy 2)


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


# --- what each strategy reaches and what it keeps (mutation audit 71: each of these passed every test
# with its guarantee broken: an offset of one sign or beyond r/2, one class only, an augmented separator
# not of unit norm, 2**-500 for the tiny scale, a grid without negatives, one dtype or width only, one
# blob, the bound ignored, init 'random' never drawn, max_clusters ignored, the 2**-600 weight, ones
# forced on weights that had enough positives)


@given(st.booleans(), st.floats(0.0, 8.0), st.data())
def test_linearly_separable_offset_and_augmented_separator(intercept, scale, data):
    """The offset lies in [-r/2, r/2] (0 without intercept); augmented_separator(s) is the unit
    vector along (v, b/s) ((v, 0) for s = 0), finite for a subnormal s too (b/s overflowed: NaN),
    and it separates the augmented data (x, s) with margin margin / |(v, b/s)|."""
    sample = data.draw(linearly_separable(intercept=intercept, radius=2.0))
    v, b = sample.direction, sample.offset
    assert abs(b) <= 1.0 and (intercept or b == 0.0)
    u = sample.augmented_separator(scale)
    assert np.all(np.isfinite(u)) and abs(np.linalg.norm(u) - 1) < 1e-12
    assert np.sign(u[-1]) == (np.sign(b) if scale else 0.0)
    along = np.max(np.abs(u[:-1])) / np.max(np.abs(v))   # u's first part is along v (norm() squares underflow)
    np.testing.assert_allclose(u[:-1], v * along, rtol=1e-12, atol=1e-300)
    if scale >= 1e-3:
        np.testing.assert_allclose(u, np.append(v, b / scale) / np.hypot(1.0, b / scale), rtol=1e-12, atol=1e-15)
        augmented = np.column_stack([sample.X, np.full(len(sample.X), scale)])
        assert np.min(sample.y * (augmented @ u)) >= sample.margin / np.hypot(1.0, b / scale) * (1 - 1e-12)


def test_linearly_separable_reaches_both_signs_of_offset_and_one_or_two_classes():
    samples = linearly_separable(intercept=True)
    assert find(samples, lambda s: s.offset < -0.5, settings=FEW).offset < -0.5
    assert find(samples, lambda s: s.offset > 0.5, settings=FEW).offset > 0.5
    assert set(find(samples, lambda s: len(set(s.y)) == 2, settings=FEW).y) == {-1, 1}
    assert len(set(find(samples, lambda s: len(s.y) > 2 and len(set(s.y)) == 1, settings=FEW).y)) == 1


@given(clustering_data(kinds=("tiny",), bound=100.0))
def test_tiny_data_is_its_base_scaled_by_the_documented_power_of_two(X):
    """"tiny" is a draw of the other kinds (|x| <= bound, a blob's noise up to bound / 1000 more)
    times 2**-520 (float64) or 2**-75 (float32), exactly (powers of two)."""
    power = 2.0 ** (-520 if X.dtype == np.float64 else -75)
    base = X.astype(np.float64) / power
    assert np.all(np.abs(base) <= 100.1)


@given(clustering_data(bound=1.0, kinds=("uniform", "duplicates", "blobs"), min_samples=4, max_samples=4))
def test_clustering_data_keeps_its_bound_and_its_number_of_rows(X):
    """Every kind but the grid keeps within ``bound`` (a blob's noise within bound / 1000 more), and
    every kind gives min_samples..max_samples rows (duplicates are repeated, not dropped)."""
    assert X.shape[0] == 4 and np.all(np.abs(X) <= 1.001)


def test_clustering_data_reaches_every_dtype_width_shape_and_spread():
    assert find(clustering_data(), lambda X: X.dtype == np.float32, settings=FEW).dtype == np.float32
    assert find(clustering_data(), lambda X: X.dtype == np.float64, settings=FEW).dtype == np.float64
    assert find(clustering_data(max_features=3), lambda X: X.shape[1] == 3, settings=FEW).shape[1] == 3
    grid = find(clustering_data(kinds=("grid",)), lambda X: np.any(X < 0), settings=FEW)
    assert np.all(np.isin(grid, np.arange(-3, 4))) and np.any(grid < 0)
    duplicates = find(clustering_data(kinds=("duplicates",), min_samples=3), _has_duplicate_rows, settings=FEW)
    assert _has_duplicate_rows(duplicates)
    # two blobs apart: the noise (<= 0.1 here) cannot make a spread of 1 within one blob
    apart = find(clustering_data(kinds=("blobs",), min_samples=2), lambda X: np.max(np.ptp(X, axis=0)) > 1.0,
                 settings=FEW)
    assert np.max(np.ptp(apart, axis=0)) > 1.0


@given(kmeans_problems(max_clusters=2))
def test_kmeans_problems_keep_max_clusters(problem):
    X, k, init = problem
    assert 1 <= k <= min(2, len(X))


def test_kmeans_problems_reach_each_init():
    for name in ("k-means++", "random"):
        assert find(kmeans_problems(), lambda p, name=name: isinstance(p[2], str) and p[2] == name,
                    settings=FEW)[2] == name
    assert find(kmeans_problems(), lambda p: not isinstance(p[2], str), settings=FEW)[2].ndim == 2


def test_sample_weights_reach_each_extreme_and_keep_a_lone_positive_where_drawn():
    """Both underflowing extremes are drawn (2**-600 and 1e-300); a draw with just min_positive
    positive weights, none first, is kept as drawn (the fix-up is for too few only)."""
    for value in (2.0**-600, 1e-300, 1e30):
        assert value in find(sample_weights(10), lambda w, value=value: np.any(w == value), settings=FEW)
    lone = find(sample_weights(5), lambda w: np.count_nonzero(w) == 1 and w[0] == 0, settings=FEW)
    assert np.count_nonzero(lone) == 1 and lone[0] == 0


def test_bounded_floats_reach_both_signs_and_only_their_width():
    assert find(bounded_floats(), lambda v: v < -1.0, settings=FEW) < -1.0
    with pytest.raises(NoSuchExample):
        find(bounded_floats(np.float32), lambda v: float(np.float32(v)) != v, settings=FEW)


def test_initial_centers_reach_coincident_rows_and_points_off_the_data_in_its_dtype():
    """Rows of X drawn with replacement (coincident centres from distinct rows of X) or arbitrary
    bounded points (rows that are not X's), in X's dtype, magnitudes below 1e-6 drawn as 0."""
    X = np.arange(12.0).reshape(6, 2)

    def rows_of_x(C):
        return bool(np.all(np.any(np.all(C[:, None, :] == X[None], axis=2), axis=1)))

    coincident = find(initial_centers(X, 3), lambda C: rows_of_x(C) and _has_duplicate_rows(C), settings=FEW)
    assert rows_of_x(coincident) and _has_duplicate_rows(coincident)
    off = find(initial_centers(X, 3), lambda C: not rows_of_x(C), settings=FEW)
    assert off.shape == (3, 2)
    X32 = X.astype(np.float32)
    with pytest.raises(NoSuchExample):
        find(initial_centers(X32, 3), lambda C: C.dtype != np.float32 or np.any((C != 0) & (np.abs(C) < 1e-6)),
             settings=FEW)


def test_linearly_separable_keeps_its_margin_in_float32_and_bounded_floats_their_bound():
    """The promised margin holds in float32 where it is small beside |x| (margin 1e-4, or 0.05 in a
    cube of half-width 1000: the cast's rounding exceeded the 1e-3 relative room, 9.9994e-5 and
    0.0499965 were drawn), and bounded_floats(float32, 0.1) stays within 0.1 (the bound rounded to
    nearest was 0.10000000149). Mutation audit 71's ORIG_1 and ORIG_2."""
    for options in (dict(margin=1e-4), dict(margin=0.05, radius=1000.0)):
        with pytest.raises(NoSuchExample):
            find(linearly_separable(dtype=np.float32, **options), lambda s, g=options["margin"]: s.margin < g,
                 settings=FEW)
    for bound in (0.1, 0.3, 1e-3):
        with pytest.raises(NoSuchExample):
            find(bounded_floats(np.float32, bound=bound), lambda v, b=bound: abs(v) > b, settings=FEW)
