"""Hypothesis strategies for testing clustering code (yours or ours).

Requires ``hypothesis`` (the ``test`` extra). Every strategy draws finite,
bounded data in float64 or float32, and leans on the cases that break
clustering code: duplicate points, exact ties (small-integer grids), tight
blobs, coincident initial centres, and as many clusters as points.

>>> from hypothesis import given
>>> from classic.strategies import kmeans_problems
>>> @given(kmeans_problems())
... def test_my_kmeans(problem):
...     X, n_clusters, init = problem
...     ...
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

__all__ = ["bounded_floats", "clustering_data", "initial_centers", "kmeans_problems", "DATA_KINDS"]

#: The shapes of data :func:`clustering_data` draws from.
DATA_KINDS = ("uniform", "grid", "duplicates", "blobs")

#: Values below this magnitude are drawn as 0, so that squared differences of
#: distinct values never underflow (the rounding model of proofs/rounding.md
#: excludes underflow).
TINY = 1e-6


def bounded_floats(dtype=np.float64, bound=100.0):
    """Finite floats of ``dtype`` in [-bound, bound]; magnitudes below 1e-6 become 0."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    bound = float(np.dtype(dtype).type(bound))  # representable in that width
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False, width=width).map(
        lambda v: 0.0 if abs(v) < TINY else v
    )


@st.composite
def clustering_data(draw, *, dtypes=(np.float64, np.float32), min_samples=1, max_samples=30, max_features=3,
                    bound=100.0, kinds=DATA_KINDS):
    """A data matrix of shape (n_samples, n_features) in one of ``dtypes``.

    ``kinds`` chooses among: ``"uniform"`` (bounded floats), ``"grid"`` (small
    integers: many exact ties and duplicates), ``"duplicates"`` (rows repeated
    from a few distinct ones), ``"blobs"`` (tight groups around a few centres).
    """
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    n = draw(st.integers(min_samples, max_samples))
    d = draw(st.integers(1, max_features))
    kind = draw(st.sampled_from(kinds))
    if kind == "grid":
        return draw(arrays(dtype, (n, d), elements=st.integers(-3, 3).map(float)))
    if kind == "duplicates":
        m = draw(st.integers(1, n))
        distinct = draw(arrays(dtype, (m, d), elements=bounded_floats(dtype, bound)))
        rows = draw(arrays(np.int64, n, elements=st.integers(0, m - 1)))
        return distinct[rows]
    if kind == "blobs":
        m = draw(st.integers(1, max(1, min(n, 5))))
        centers = draw(arrays(dtype, (m, d), elements=bounded_floats(dtype, bound)))
        noise = draw(arrays(dtype, (n, d), elements=bounded_floats(dtype, bound / 1000)))
        rows = draw(arrays(np.int64, n, elements=st.integers(0, m - 1)))
        return (centers[rows] + noise).astype(dtype)
    return draw(arrays(dtype, (n, d), elements=bounded_floats(dtype, bound)))


@st.composite
def initial_centers(draw, X, n_clusters):
    """Initial centres for X: rows of X drawn with replacement (so centres may
    coincide) or arbitrary bounded points, shape (n_clusters, n_features)."""
    if draw(st.booleans()):
        rows = draw(arrays(np.int64, n_clusters, elements=st.integers(0, X.shape[0] - 1)))
        return X[rows].copy()
    return draw(arrays(X.dtype, (n_clusters, X.shape[1]), elements=bounded_floats(X.dtype)))


@st.composite
def kmeans_problems(draw, *, max_clusters=6, **data_options):
    """``(X, n_clusters, init)``: data, a number of clusters from 1 to n_samples
    (often n_samples itself or close), and ``"k-means++"``, ``"random"`` or an
    array of initial centres (possibly coincident)."""
    X = draw(clustering_data(**data_options))
    n = X.shape[0]
    top = min(n, max_clusters)
    k = draw(st.one_of(st.just(top), st.integers(max(1, top - 1), top), st.integers(1, top)))
    init = draw(st.one_of(st.sampled_from(["k-means++", "random"]), initial_centers(X, k)))
    return X, k, init
