"""k-means++ (D²) seeding: Arthur & Vassilvitskii, "k-means++: the advantages
of careful seeding", SODA 2007 (proofs/kmeans_plusplus.md).

:func:`kmeans_plusplus` validates its input and calls the unchecked
:func:`_kmeans_plusplus`, which :class:`classic.KMeans` and
:class:`classic.GaussianMixture` use on data they have already validated.
"""

import numpy as np

from classic import _seeding_kernels as kernels
from classic._jit import for_rows, n_chunks
from classic._kmeans_kernels import UNWEIGHTED
from classic._random import as_generator
from classic._validation import (
    ParameterError,
    check_data,
    check_int,
    check_positive_weights,
    check_sample_weight,
    check_squared_distances,
    largest_magnitude_of,
)

__all__ = ["kmeans_plusplus"]


def local_trials(n_local_trials, n_clusters, n_samples):
    """Candidates per k-means++ step: ``n_local_trials`` (an integer from 1 to ``n_samples``), or
    None for scikit-learn's rule 2 + floor(ln k) (its default; the greedy variant, KPP-3)."""
    if n_local_trials is None:
        return 2 + int(np.log(n_clusters))
    try:
        trials = check_int(n_local_trials, "n_local_trials", minimum=1)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{error}; give an integer >= 1, or None for scikit-learn's 2 + ln k") from None
    if trials > n_samples:  # each candidate is a row of X and costs a pass over X: 2**40 of them hung
        raise ParameterError(f"n_local_trials={trials} is more candidates per step than the {n_samples} rows of X "
                             "they are drawn from, each costing a pass over X: give at most n_samples, or None "
                             "for scikit-learn's 2 + ln k")
    return trials


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, x_squared_norms=None, n_local_trials=1, random_state=None):
    """k-means++ (D²) seeding (proofs/kmeans_plusplus.md).

    The first centre is a uniformly random point; each next centre is point
    ``i`` with probability

    .. math:: p_i = D(x_i)^2 / \\textstyle\\sum_l D(x_l)^2

    where ``D(x)`` is the distance to the nearest centre chosen so far
    (KPP-1). With ``n_local_trials=1`` (the default) this is the algorithm of
    Arthur & Vassilvitskii (2007), whose expected inertia is at most
    :math:`8(\\ln k + 2)` times the optimum (KPP-2). ``n_local_trials > 1`` draws
    that many candidates per step and keeps the one giving the lowest potential
    (the greedy variant); it is *outside* that theorem (KPP-3). ``n_local_trials=None`` is
    scikit-learn's default, 2 + ⌊ln k⌋ candidates: on well-separated clusters it finds
    better seeds than one candidate (README, "Seeding"), at about 2 + ⌊ln k⌋ times
    the cost.

    With ``sample_weight`` (scikit-learn's weighted seeding), the first centre
    is point ``i`` with probability :math:`w_i / \\sum_l w_l` and each next one
    with probability

    .. math:: p_i = w_i D(x_i)^2 / \\textstyle\\sum_l w_l D(x_l)^2,

    the potential being :math:`\\sum_i w_i D(x_i)^2`; points of weight 0 are
    never chosen. With integer weights this is seeding the data with point
    ``i`` repeated :math:`w_i` times, and the bound of KPP-2 holds for the
    weighted inertia.

    When every remaining point coincides with a chosen centre (all D² are 0),
    the next centre is drawn among the points not yet chosen, uniformly (or
    with probability proportional to the weight among those of positive
    weight), so the returned indices are always distinct (KPP-1).

    The draws do not depend on the scale: X times a power of two (or the weights times one)
    gives the same indices for the same seed, also where the squared distances of X as given
    would underflow (tiny X is seeded scaled up, exactly; KPP-1, "Scale").

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
        Number of centres, 1 <= n_clusters <= n_samples (<= the number of
        points of positive weight, with ``sample_weight``).
    sample_weight : array-like of shape (n_samples,), number or None, default=None
        Non-negative weights with a positive, finite total; None means every
        point weighs 1. Weights that are all equal are drawn as None is (the first centre
        by ``rng.integers``), so ``np.ones(n)`` gives the same centres as None for the same
        seed; other weights draw by ``rng.random`` (until 2026-12-05 all-ones weights did
        too, and gave other centres than None).
    x_squared_norms : array-like of shape (n_samples,) or None, default=None
        Accepted for scikit-learn compatibility (its ``kmeans_plusplus`` takes the rows' squared
        norms to save work) and checked for its shape, but not used: every D² here is the
        difference form, summed feature by feature (KPP-1), never |x|² + |c|² - 2<x, c>.
    n_local_trials : int or None, default=1
        Candidates per step, at most n_samples: 1 is the algorithm of the theorem; None is
        scikit-learn's ``2 + int(np.log(n_clusters))``.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        An int seeds a new Generator (the same seed gives bitwise the same centres); a Generator is
        used as is (its draws advance it); a RandomState (scikit-learn's) gives a seed drawn from
        it; None draws a seed from NumPy's global generator (``np.random.seed``), as scikit-learn's None.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
        Rows of X (same dtype, float32 kept).
    indices : ndarray of shape (n_clusters,)
        Their distinct row indices (of positive weight, with ``sample_weight``).
    """
    n_clusters = check_int(n_clusters, "n_clusters", minimum=1)
    X = check_data(X, finite=False)  # NaN, inf: check_squared_distances
    n_local_trials = local_trials(n_local_trials, n_clusters, X.shape[0])
    if X.shape[0] < n_clusters:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}: lower n_clusters")
    weights = check_sample_weight(sample_weight, X)
    check_positive_weights(weights, n_clusters)
    check_squared_distances(X, weight=weights)
    if x_squared_norms is not None and np.shape(x_squared_norms) != (X.shape[0],):
        raise ValueError(f"x_squared_norms has shape {np.shape(x_squared_norms)}, expected ({X.shape[0]},): one "
                         "per row of X, or None (classic does not use them: its distances are differences)")
    return _kmeans_plusplus(X, n_clusters, n_local_trials, as_generator(random_state), sample_weight=weights)


def _kmeans_plusplus(X, n_clusters, n_local_trials, rng, sample_weight=None):
    """Unchecked k-means++ on validated X; ``rng`` is a numpy Generator.

    ``sample_weight`` is None or validated float64 weights (``check_sample_weight``)
    with at least ``n_clusters`` positive; the caller checks both, and the range
    rule with the weights."""
    n = X.shape[0]
    rows = X
    X = _scaled_up(X, _smallest_unscaled(X.dtype), float(largest_magnitude_of(X)))
    weights = UNWEIGHTED if sample_weight is None else _scaled_up(sample_weight, 1.0, float(np.max(sample_weight)))
    indices = np.empty(n_clusters, dtype=np.int64)
    chosen = np.zeros(n, dtype=bool)
    closest = np.full(n, np.inf, dtype=X.dtype)
    chunk_potential = np.zeros(n_chunks(n))
    update_closest, potential_with = for_rows(kernels.update_closest, n), for_rows(kernels.potential_with, n)
    uniform = _uniform(sample_weight)
    indices[0] = rng.integers(n) if uniform else _draw_by_weight(sample_weight, rng)
    for step in range(1, n_clusters + 1):
        chosen[indices[step - 1]] = True
        potential = update_closest(X, X[indices[step - 1]], closest, weights, chunk_potential)
        if step == n_clusters:
            break
        if potential == 0.0:
            # Every point coincides with a chosen centre: uniform among the rest (by weight, with weights).
            if uniform:
                indices[step] = rng.choice(np.flatnonzero(~chosen))
            else:
                rest = np.flatnonzero(~chosen & (sample_weight > 0))
                indices[step] = rest[_draw_by_weight(sample_weight[rest], rng)]
            continue
        candidates = [kernels.sample_index(closest, weights, chunk_potential, rng.random() * potential)
                      for _ in range(n_local_trials)]
        if n_local_trials > 1:
            potentials = [potential_with(X, X[i], closest, weights) for i in candidates]
            candidates = [candidates[int(np.argmin(potentials))]]
        indices[step] = candidates[0]
    return rows[indices].copy(), indices


def _uniform(sample_weight):
    """Whether every point is equally likely to be drawn: no weights, or weights all equal. Equal
    weights are then drawn as no weights are (``rng.integers``, ``rng.choice``), so that
    ``sample_weight=np.ones(n)`` seeds as None does (KPP-1)."""
    return sample_weight is None or bool(np.all(sample_weight == sample_weight[0]))


def _smallest_unscaled(dtype):
    """2**(e_min/2 + p) for the dtype's smallest normal 2**e_min and precision p: from a largest
    |x_f| this size on, two points that differ at X's own precision (by A 2**-p) have a squared
    distance that is a normal number of the dtype (KPP-1, "Scale")."""
    info = np.finfo(dtype)
    return 2.0 ** (info.minexp / 2 + info.nmant + 1)


def _scaled_up(values, below, largest):
    """``values`` times the power of two that brings their ``largest`` magnitude into [1, 2), when
    it is positive and below ``below``; else ``values`` itself. Exact (a power of two, scaling up),
    and the seeding's draws are invariant under it (KPP-1, "Scale")."""
    if not 0.0 < largest < below:
        return values
    return np.ldexp(values, 1 - int(np.frexp(largest)[1]))


def _draw_by_weight(weights, rng):
    """Index i with probability weights[i] / sum(weights), by inverse CDF (KPP-1): the first i
    whose float64 running sum of ``weights`` (index order) exceeds r times the total, for one
    ``r = rng.random()``. A weight of 0 is never drawn; if rounding puts the target at the
    total, the last positive weight is."""
    cumulative = np.cumsum(weights)
    i = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    return i if i < len(weights) else int(np.flatnonzero(weights)[-1])
