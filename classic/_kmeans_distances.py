"""Difference-form squared distances of k-means and the exact scan against every centre
(``proofs/kmeans.md``, KM-1 and "When the filter is off").

Every squared distance the k-means kernels record is computed in the working dtype in
the difference form

.. math:: \\hat d(x, c) = \\mathrm{fl}\\Big(\\sum_{f=1}^{d} (x_f - c_f)^2\\Big)

summed over f = 0, 1, ..., d-1 in that order, starting from zero (:func:`squared_distance`),
so that every kernel computes bit for bit the same number for the same (x, c)
(proofs/rounding.md, RD-2: relative error at most gamma_{d+2}). The loops here that take
four points, four features or two centres at a time keep that order in every chain.

Also here: the KM-8 bound a full scan leaves (:func:`_initial_bound`). The filter of KM-9 that
spares most points this scan is in :mod:`classic._kmeans_filter`; the assignment that calls both
is :func:`classic._kmeans_kernels.assign`.
"""

import numpy as np

from classic._jit import bits_float, inline_kernel, kernel

#: Up to this many clusters in float64 with at most 16 features (half as many with more; twice
#: as many in float32, whose vectors hold twice the lanes) a fit's assignment switches the filter
#: of KM-9 off (``classic._kmeans_assignment._pruning_factors``) and scans the points the bound test leaves
#: exactly, a panel of points at a time with the loops running across the points
#: (:func:`_scan_panels`): there that is cheaper than the filter with its distances to the winner
#: and runner-up (measured on 2 to 128 features: benchmarks/HISTORY.md, "Few clusters, many
#: features"). ``predict`` and ``score`` do so for a quarter as many clusters: there the filter
#: computes one distance per point or none.
#: Which way a point is settled changes no result.
EXACT_PANEL_CLUSTERS = 16

#: Values of the transposed rows of one panel of :func:`_scan_panels` (32 KB in float64; the
#: filter's panels take twice as many, of float32 in its first stage): fewer points per panel
#: for many features, so that the panel stays in the L1 cache.
PANEL_VALUES = 4096

#: Points whose inner products with all centres are taken in one matrix product
#: by the filter of KM-9 (a (PANEL, k) block per thread, never (n, k)); fewer with many
#: features, so that the panel stays in L1 (``_kmeans_filter._filter``).
PANEL = 256

#: What the filter (``_kmeans_filter._filter``) computes for a point it settles besides the label: nothing, its
#: objective term, or also its KM-8 bound.
LABELS, TERMS, BOUNDS = 0, 1, 2

#: Absorbs the roundings of a few float64 operations in the KM-8 bounds (1 - 4u, float64).
_DOWN = 1.0 - 4.0 * 2.0**-53


@kernel
def _bound_floor(X):
    """phi = 2 d sigma / u64 (sigma: the smallest positive subnormal of the working precision,
    u64 = 2**-53): KM-8 keeps a bound l only while l**2 >= phi, where the underflow of a
    rounded square (an absolute error up to sigma / 2) is covered by the test's spare
    relative margin (proofs/kmeans.md, KM-8, "Underflow")."""
    sigma = np.float64(bits_float(1, X.dtype.type(0)))  # the pattern 1 is the smallest subnormal
    return 2.0 * X.shape[1] * sigma * 2.0**53


@kernel
def _initial_bound(other, lower_factor, floor):
    """The KM-8 bound l = fl(fl(sqrt(fl(d2 * lower_factor))) (1 - 4u64)) from the runner-up's
    computed distance d2 = ``other``, or 0 when d2 < ``floor`` (the underflow range)."""
    return np.sqrt(other * lower_factor) * _DOWN if other >= floor else 0.0


@kernel
def squared_distance(X, i, center):
    """The difference-form squared distance of x_i to ``center`` (shape (n_features,)):
    (x_if - c_f)**2 added for f = 0, 1, ..., d-1 in order, from zero, in the working dtype.
    The one sequential form; the loops here and in the assignment that block four points,
    four features or two centres at a time keep its order, so they give the same numbers."""
    acc = X.dtype.type(0)
    for f in range(X.shape[1]):
        diff = X[i, f] - center[f]
        acc += diff * diff
    return acc


@kernel
def _own_distances(X, centers, labels, start, stop, out):
    # out[i - start] = squared distance of x_i to the centre of its label, for i in [start, stop).
    # Four points at a time: four independent chains of additions (each still in the order
    # f = 0, 1, ..., d-1, so bit for bit the sequential sums) instead of one long chain.
    d = X.shape[1]
    i = start
    while i + 4 <= stop:
        a, b, c, e = labels[i], labels[i + 1], labels[i + 2], labels[i + 3]
        s0 = s1 = s2 = s3 = X.dtype.type(0)
        for f in range(d):
            t0 = X[i, f] - centers[a, f]
            t1 = X[i + 1, f] - centers[b, f]
            t2 = X[i + 2, f] - centers[c, f]
            t3 = X[i + 3, f] - centers[e, f]
            s0 += t0 * t0
            s1 += t1 * t1
            s2 += t2 * t2
            s3 += t3 * t3
        out[i - start], out[i + 1 - start], out[i + 2 - start], out[i + 3 - start] = s0, s1, s2, s3
        i += 4
    while i < stop:
        out[i - start] = squared_distance(X, i, centers[labels[i]])
        i += 1


@kernel
def _scan_panel(X, todo, first, size, centers, rows_T, dist0, dist1, nearest, smallest, other):
    """The exact scan of points ``todo[first:first+size]`` (at most a panel) against every
    centre, with the loops running across the points so that they vectorise: ``rows_T`` (d, panel)
    receives the rows transposed, ``dist0`` and ``dist1`` two centres' distances at a time; then
    ``nearest[b]`` is the first index of the smallest distance, ``smallest[b]`` that distance and
    ``other[b]`` the smallest over the other centres (inf if k = 1). Each distance adds its terms
    in the order f = 0, 1, ..., d-1 from zero, four features at a time (((acc + t0) + t1) + t2) + t3:
    bit for bit :func:`squared_distance`, with a quarter of the loads and stores of the
    accumulators. Centres are taken in index order with a strict comparison
    (:func:`_take_centre`), so ties go to the lowest index."""
    d = X.shape[1]
    k = centers.shape[0]
    d4 = d - d % 4
    for b in range(size):
        i = todo[first + b]
        for f in range(d):
            rows_T[f, b] = X[i, f]
    for b in range(size):
        nearest[b] = 0
        smallest[b] = np.inf
        other[b] = np.inf
    j = 0
    while j + 2 <= k:  # two centres per pass over the panel: each row load serves both
        for b in range(size):
            dist0[b] = 0
            dist1[b] = 0
        for f in range(0, d4, 4):
            c0, c1, c2, c3 = centers[j, f], centers[j, f + 1], centers[j, f + 2], centers[j, f + 3]
            e0, e1, e2, e3 = centers[j + 1, f], centers[j + 1, f + 1], centers[j + 1, f + 2], centers[j + 1, f + 3]
            for b in range(size):
                x0, x1, x2, x3 = rows_T[f, b], rows_T[f + 1, b], rows_T[f + 2, b], rows_T[f + 3, b]
                t0, t1, t2, t3 = x0 - c0, x1 - c1, x2 - c2, x3 - c3
                dist0[b] = (((dist0[b] + t0 * t0) + t1 * t1) + t2 * t2) + t3 * t3
                t0, t1, t2, t3 = x0 - e0, x1 - e1, x2 - e2, x3 - e3
                dist1[b] = (((dist1[b] + t0 * t0) + t1 * t1) + t2 * t2) + t3 * t3
        for f in range(d4, d):
            c, e = centers[j, f], centers[j + 1, f]
            for b in range(size):
                t0, t1 = rows_T[f, b] - c, rows_T[f, b] - e
                dist0[b] += t0 * t0
                dist1[b] += t1 * t1
        _take_centre(dist0, j, size, nearest, smallest, other)
        _take_centre(dist1, j + 1, size, nearest, smallest, other)
        j += 2
    if j < k:
        for b in range(size):
            dist0[b] = 0
        for f in range(d):
            c = centers[j, f]
            for b in range(size):
                t = rows_T[f, b] - c
                dist0[b] += t * t
        _take_centre(dist0, j, size, nearest, smallest, other)


@inline_kernel
def _take_centre(dist, j, size, nearest, smallest, other):
    # centre j, at distances dist[:size], after centres 0..j-1: a strictly smaller distance
    # takes the lead (so the first index among the minima keeps it), the lead it displaces or
    # the distance itself becomes the runner-up
    for b in range(size):
        e = dist[b]
        closer = e < smallest[b]
        other[b] = smallest[b] if closer else min(other[b], e)
        nearest[b] = j if closer else nearest[b]
        smallest[b] = min(smallest[b], e)


@kernel
def _scan_panels(X, centers, todo, n_todo, start, labels, keep, lower, lower_factor, own_terms, new_terms, need):
    """Step 3 of :func:`classic._kmeans_kernels.assign` for the points ``todo[:n_todo]`` of the chunk that starts at
    ``start`` (every point the bound test and the filter leave), a panel at a time by
    :func:`_scan_panel`, each point's result applied by :func:`_take_scan`. Returns the points
    whose label changed."""
    d = X.shape[1]
    floor = _bound_floor(X)
    panel = max(16, min(PANEL, (PANEL_VALUES // d) // 16 * 16))  # the transposed rows stay in L1
    rows_T = np.empty((d, panel), dtype=X.dtype)
    dist0 = np.empty(panel, dtype=X.dtype)
    dist1 = np.empty(panel, dtype=X.dtype)
    nearest = np.empty(panel, dtype=np.int64)
    smallest = np.empty(panel, dtype=X.dtype)
    other = np.empty(panel, dtype=X.dtype)
    n_moved = 0
    for first in range(0, n_todo, panel):
        size = min(panel, n_todo - first)
        _scan_panel(X, todo, first, size, centers, rows_T, dist0, dist1, nearest, smallest, other)
        for b in range(size):
            n_moved += _take_scan(todo[first + b], nearest[b], smallest[b], other[b], keep, labels, own_terms,
                                  new_terms, start, lower, lower_factor, floor, need)
    return n_moved


@inline_kernel
def _take_scan(i, best, closest, runner_up, keep, labels, own_terms, new_terms, start, lower, lower_factor, floor,
               need):
    """Point i after an exact scan against every centre, which found the first index ``best``
    among the smallest distances ``closest`` and the smallest over the other centres
    ``runner_up``: KM-1's rule, the one place it is written. With ``keep`` the old label stays
    unless ``best`` is strictly closer than the own term (the distance to the old centre, the same
    number the scan computed); a tie kept leaves ``closest`` as the smallest distance to another
    centre. The label, the objective term and (``need`` = ``BOUNDS``) the KM-8 bound are
    written; returns 1 if the label changed, else 0."""
    moved = 0
    if keep:
        old = labels[i]
        if not closest < own_terms[i - start]:  # the old centre is as close: kept
            if best != old:
                runner_up = closest  # a tie kept: the lower-index centre is as close
            best = old
        else:
            moved = 1
    labels[i] = best
    new_terms[i - start] = closest
    if need == BOUNDS:
        lower[i] = _initial_bound(runner_up, lower_factor, floor)
    return moved


@kernel
def _pair_distances(X, centers, points, clusters, n_pairs, out):
    """``out[p]`` = difference-form distance of x_{points[p]} to c_{clusters[p]}, four pairs
    at a time (four independent chains, each in the order f = 0..d-1: bit for bit)."""
    d = X.shape[1]
    p = 0
    while p + 4 <= n_pairs:
        i0, i1, i2, i3 = points[p], points[p + 1], points[p + 2], points[p + 3]
        j0, j1, j2, j3 = clusters[p], clusters[p + 1], clusters[p + 2], clusters[p + 3]
        s0 = s1 = s2 = s3 = X.dtype.type(0)
        for f in range(d):
            t0 = X[i0, f] - centers[j0, f]
            t1 = X[i1, f] - centers[j1, f]
            t2 = X[i2, f] - centers[j2, f]
            t3 = X[i3, f] - centers[j3, f]
            s0 += t0 * t0
            s1 += t1 * t1
            s2 += t2 * t2
            s3 += t3 * t3
        out[p], out[p + 1], out[p + 2], out[p + 3] = s0, s1, s2, s3
        p += 4
    while p < n_pairs:
        out[p] = squared_distance(X, points[p], centers[clusters[p]])
        p += 1


@kernel
def _runner_up(X, i, centers, best, limit, slack, e):
    """min over j != best of the difference-form distance of x_i to c_j, computed for the
    centres with fl(e_j - slack) <= limit only (KM-9: the others are farther); ``e[j]`` is
    the point's expanded-form value for centre j."""
    other = X.dtype.type(np.inf)
    for j in range(centers.shape[0]):
        if j != best and e[j] - slack <= limit:
            other = min(other, squared_distance(X, i, centers[j]))
    return other
