"""Hypothesis strategies for testing learning algorithms, public so that users
can test their own code against the same data the library is tested on.

Requires ``hypothesis`` (an optional, test-time dependency). Each algorithm has
its own clearly headed section.
"""

import dataclasses

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

__all__ = [
    "DATA_KINDS",
    "SeparableSample",
    "bounded_floats",
    "clustering_data",
    "initial_centers",
    "kmeans_problems",
    "linearly_separable",
    "sample_weights",
]


# --- perceptron ---------------------------------------------------------------
# Separable data with a known separator and margin (proofs/perceptron.md).


@dataclasses.dataclass(frozen=True)
class SeparableSample:
    """Labelled data with a known separating hyperplane.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
    y : ndarray of shape (n_samples,), int, values in {-1, +1}
    direction : ndarray of shape (n_features,), float64, unit norm (to rounding)
    offset : float
        0.0 unless the strategy was asked for an intercept.
    margin : float
        :math:`\\min_i y_i (\\langle \\text{direction}, x_i\\rangle + \\text{offset})`,
        evaluated in float64 on ``X`` as returned; at least the prescribed margin.
    """

    X: np.ndarray
    y: np.ndarray
    direction: np.ndarray
    offset: float
    margin: float

    def augmented_separator(self, scale):
        """The unit separator of the augmented data :math:`(x, s)` (proofs/perceptron.md, PC-8).

        Parameters
        ----------
        scale : float
            The augmented feature ``s`` (0: no intercept, the offset is dropped).

        Returns
        -------
        ndarray of shape (n_features + 1,)
            The unit vector along (v, b/s); for |b| > s computed as (v s/|b|, sign b), the same line,
            which does not overflow where b/s would (a subnormal ``scale``: it returned NaN until mutation audit 71).
        """
        if not scale:
            u = np.append(self.direction, 0.0)
        elif abs(self.offset) <= scale:
            u = np.append(self.direction, self.offset / scale)
        else:
            u = np.append(self.direction * (scale / abs(self.offset)), np.sign(self.offset))
        return u / np.linalg.norm(u)


@st.composite
def linearly_separable(
    draw,
    n_samples=st.integers(1, 40),
    n_features=st.integers(1, 6),
    margin=st.floats(0.05, 1.0),
    intercept=False,
    dtype=np.float64,
    radius=4.0,
):
    """Data separated by a known hyperplane with at least a prescribed margin.

    Points are drawn in the cube :math:`[-r, r]^d` with independent labels;
    each point on the wrong side of the margin is moved along the normal
    until :math:`y (\\langle v, x\\rangle + b) \\ge \\gamma`. Duplicate points and a
    single class are possible (both are legitimate data).

    Parameters
    ----------
    n_samples, n_features, margin : int, int, float or strategies of them
    intercept : bool
        Draw an offset :math:`b \\in [-r/2, r/2]` (a hyperplane not through 0).
    dtype : numpy float dtype of ``X``
    radius : float, the half-width ``r`` of the cube

    Returns
    -------
    SeparableSample
    """

    def value(x):
        return draw(x) if isinstance(x, st.SearchStrategy) else x

    n, d, gamma = value(n_samples), value(n_features), value(margin)
    coords = st.floats(-radius, radius, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    v = np.array(draw(st.lists(coords, min_size=d, max_size=d)))
    if np.linalg.norm(v) < 1e-3:
        v[0] = 1.0
    v = v / np.linalg.norm(v)
    b = draw(st.floats(-radius / 2, radius / 2, allow_subnormal=False)) if intercept else 0.0
    Z = np.array(draw(st.lists(st.lists(coords, min_size=d, max_size=d), min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n)))
    target = gamma * (1 + 1e-3)                   # room for the rounding of the cast to dtype
    shortfall = np.maximum(0.0, target - y * (Z @ v + b))
    Z = Z + (y * shortfall)[:, None] * v[None, :]
    X = Z.astype(dtype)
    # the cast moves y <v, x> by up to u sum_j |x_j v_j|, more than the room above where the margin is
    # small beside |x| (float32, margin 1e-4: 9.9994e-5 until mutation audit 71): points still short
    # are moved on by what they lack, 4 u sum_j |x_j v_j| and the room, and cast again
    for _ in range(4):
        short = y * (X.astype(np.float64) @ v + b) < gamma
        if not np.any(short):
            break
        room = 2.0 * float(np.finfo(dtype).eps) * np.abs(X[short].astype(np.float64)) @ np.abs(v)
        lack = gamma - y[short] * (X[short].astype(np.float64) @ v + b)
        Z[short] += ((lack + room + gamma * 1e-3) * y[short])[:, None] * v[None, :]
        X = Z.astype(dtype)
    achieved = float(np.min(y * (X.astype(np.float64) @ v + b)))
    assert achieved >= gamma, (achieved, gamma)
    return SeparableSample(X=X, y=y, direction=v, offset=float(b), margin=achieved)


# --- k-means --------------------------------------------------------------------
# Clustering data (proofs/kmeans.md, proofs/kmeans_plusplus.md): finite, bounded
# data in float64 or float32, leaning on the cases that break clustering code:
# duplicate points, exact ties (small-integer grids), tight blobs, coincident
# initial centres, and as many clusters as points. For example
#
#     @given(kmeans_problems())
#     def test_my_kmeans(problem):
#         X, n_clusters, init = problem
#         ...

#: The shapes of data :func:`clustering_data` draws from.
DATA_KINDS = ("uniform", "grid", "duplicates", "blobs")

#: Values below this magnitude are drawn as 0, so that squared differences of
#: distinct values never underflow (the rounding model of proofs/rounding.md
#: excludes underflow).
TINY = 1e-6


def bounded_floats(dtype=np.float64, bound=100.0):
    """Finite floats of ``dtype`` in [-bound, bound]; magnitudes below 1e-6 become 0.

    Parameters
    ----------
    dtype : numpy float dtype, default=numpy.float64
        The precision of the floats (float32 or float64).
    bound : float, default=100.0
        The largest magnitude.

    Returns
    -------
    hypothesis strategy of float
    """
    width = 32 if np.dtype(dtype) == np.float32 else 64
    kind = np.dtype(dtype).type
    # the largest float of that width at most bound (to nearest, 0.1 became 0.10000000149 > 0.1: audit 71)
    bound = float(kind(bound) if float(kind(bound)) <= bound else np.nextafter(kind(bound), kind(0)))
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False, width=width).map(
        lambda v: 0.0 if abs(v) < TINY else v
    )


@st.composite
def clustering_data(draw, *, dtypes=(np.float64, np.float32), min_samples=1, max_samples=30, max_features=3,
                    bound=100.0, kinds=DATA_KINDS):
    """A data matrix of shape (n_samples, n_features) in one of ``dtypes``.

    ``kinds`` chooses among: ``"uniform"`` (bounded floats), ``"grid"`` (small
    integers: many exact ties and duplicates), ``"duplicates"`` (rows repeated
    from a few distinct ones), ``"blobs"`` (tight groups around a few centres),
    and, when asked for (it is not in :data:`DATA_KINDS`), ``"tiny"``: one of those
    scaled by 2**-520 (float64) or 2**-75 (float32), so small that squared
    differences underflow, outside the rounding model of proofs/rounding.md (k-means
    carries the underflow terms: proofs/kmeans.md, KM-8 "Underflow").

    Parameters
    ----------
    dtypes : tuple of numpy float dtype, default=(numpy.float64, numpy.float32)
        The precisions to draw from.
    min_samples, max_samples : int, default=1, 30
        The range of the number of rows.
    max_features : int, default=3
        The largest number of columns (at least 1 is drawn).
    bound : float, default=100.0
        The largest magnitude of the drawn floats: the uniform, duplicated and blob-centre
        values; a blob adds noise up to ``bound / 1000`` to its centre, and the grid's values
        are the integers -3 to 3 whatever ``bound``.
    kinds : tuple of str, default=DATA_KINDS
        The shapes of data to draw from: names of :data:`DATA_KINDS`, or ``"tiny"``.

    Returns
    -------
    hypothesis strategy of ndarray of shape (n_samples, n_features)
    """
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    n = draw(st.integers(min_samples, max_samples))
    d = draw(st.integers(1, max_features))
    kind = draw(st.sampled_from(kinds))
    if kind == "tiny":
        X = draw(clustering_data(dtypes=(dtype,), min_samples=n, max_samples=n, max_features=d, bound=bound))
        return (X * dtype.type(2.0 ** (-520 if dtype == np.float64 else -75))).astype(dtype)
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
    coincide) or arbitrary bounded points, shape (n_clusters, n_features).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data.
    n_clusters : int
        The number of centres.

    Returns
    -------
    hypothesis strategy of ndarray of shape (n_clusters, n_features)
    """
    if draw(st.booleans()):
        rows = draw(arrays(np.int64, n_clusters, elements=st.integers(0, X.shape[0] - 1)))
        return X[rows].copy()
    return draw(arrays(X.dtype, (n_clusters, X.shape[1]), elements=bounded_floats(X.dtype)))


@st.composite
def kmeans_problems(draw, *, max_clusters=6, **data_options):
    """``(X, n_clusters, init)``: data, a number of clusters from 1 to n_samples
    (often n_samples itself or close), and ``"k-means++"``, ``"random"`` or an
    array of initial centres (possibly coincident).

    Parameters
    ----------
    max_clusters : int, default=6
        The largest number of clusters (never more than ``n_samples``).
    **data_options
        Passed to :func:`clustering_data`.

    Returns
    -------
    hypothesis strategy of tuple
        ``(X, n_clusters, init)``: an ndarray of shape (n_samples, n_features), an int and a
        str or an ndarray of shape (n_clusters, n_features) in X's dtype.
    """
    X = draw(clustering_data(**data_options))
    n = X.shape[0]
    top = min(n, max_clusters)
    k = draw(st.one_of(st.just(top), st.integers(max(1, top - 1), top), st.integers(1, top)))
    init = draw(st.one_of(st.sampled_from(["k-means++", "random"]), initial_centers(X, k)))
    return X, k, init


@st.composite
def sample_weights(draw, n_samples, *, min_positive=1):
    """Sample weights for ``n_samples`` points, as ``KMeans.fit(X, sample_weight=...)`` accepts
    them (float64, finite, >= 0, at least ``min_positive`` positive): zeros, counts 1 to 3,
    fractions, and the extremes whose products underflow (2**-600, 1e-300) or that dominate the
    total (1e30) (proofs/kmeans.md, "Weights"). When too few are positive, the first
    ``min_positive`` are set to 1.

    Parameters
    ----------
    n_samples : int
        The number of weights.
    min_positive : int, default=1
        The fewest positive weights (all ``n_samples`` of them when it is larger).

    Returns
    -------
    hypothesis strategy of ndarray of shape (n_samples,)
        float64 weights.
    """
    values = st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.1, 1e30, 2.0**-600, 1e-300]) | st.floats(1e-3, 1e3)
    weights = draw(arrays(np.float64, n_samples, elements=values))
    if np.count_nonzero(weights) < min_positive:
        weights[:min_positive] = 1.0
    return weights
