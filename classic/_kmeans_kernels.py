"""Compiled kernels of k-means (Lloyd), one per step of ``proofs/kmeans.md``; the
expanded-form filter of KM-9 is in :mod:`classic._kmeans_filter`, the k-means++
kernels (which use :func:`squared_distance`) in :mod:`classic._seeding_kernels`.

Kernels never validate: they receive C-contiguous arrays of one working dtype
(float64 or float32), ``labels`` as int64, centres also stored transposed
(``centers_T``, shape (n_features, n_clusters)) so that the innermost loop runs
over clusters and vectorises.

Every squared distance is computed in the working dtype in the difference form

.. math:: \\hat d(x, c) = \\mathrm{fl}\\Big(\\sum_{f=1}^{d} (x_f - c_f)^2\\Big)

summed over f = 0, 1, ..., d-1 in that order, starting from zero, so that every
kernel computes bit for bit the same number for the same (x, c) (proofs/rounding.md,
RD-2: relative error at most gamma_{d+2}). Objectives and cluster sums are
accumulated in float64, per fixed chunk of ``CHUNK_SIZE`` rows,
and the chunk partials combined in index order: results do not depend on the
number of threads.
"""

import numpy as np
from numba import prange as _prange

from classic._jit import CHUNK_SIZE, bits_float, float_bits, inline_kernel, kernel, parallel_kernel
from classic._kmeans_filter import PANEL, _key_range, _nearest_keys, _origin, _panel_products, _shifted_centers

__all__ = [
    "UNWEIGHTED",
    "assign",
    "nearest",
    "center_drift",
    "cluster_sums",
    "update_centers",
    "distance_to_own_center",
    "farthest_point",
    "distinct_witnesses",
    "chunked_sum",
    "largest_magnitude",
    "largest_magnitude_in",
    "label_key",
    "squared_distances",
]

#: Points scanned together against all centres (register/cache blocking only:
#: each point's distances are computed exactly as for a single point).
BLOCK = 4

#: Up to this many clusters in float64 with at most 16 features (half as many with more; twice
#: as many in float32, whose vectors hold twice the lanes) a fit's assignment switches the filter
#: of KM-9 off (``classic._kmeans_assignment._pruning_factors``) and scans the points the bound test leaves
#: exactly, a panel of points at a time with the loops running across the points
#: (:func:`_scan_panels`): there that is cheaper than the filter with its distances to the winner
#: and runner-up (measured on 2 to 128 features, README "Speed"). ``predict`` and ``score`` do so
#: for a quarter as many clusters: there the filter computes one distance per point or none.
#: Which way a point is settled changes no result.
EXACT_PANEL_CLUSTERS = 16

#: Values of the transposed rows of one panel of :func:`_scan_panels` (32 KB in float64; the
#: filter's panels take twice as many, of float32 in its first stage): fewer points per panel
#: for many features, so that the panel stays in the L1 cache.
PANEL_VALUES = 4096

#: Points in the first panel of the float32 filter stage for float64 data (KM-9): it goes on
#: only while it settles three points in four.
PROBE = 64

#: The ``weights`` argument of an unweighted run: every kernel here and in
#: :mod:`classic._seeding_kernels` reads an empty array as "every w_i = 1".
UNWEIGHTED = np.empty(0)

#: What :func:`_filter` computes for a point it settles besides the label: nothing, its
#: objective term, or also its KM-8 bound.
LABELS, TERMS, BOUNDS = 0, 1, 2

#: The smallest positive float64 (subnormal): what a rounded float64 square may lose, twice over.
_SIGMA64 = 5e-324

#: Absorbs the roundings of a few float64 operations in the KM-8 bounds (1 - 4u, float64).
_DOWN = 1.0 - 4.0 * 2.0**-53

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


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
def label_key(i, label, n_clusters):
    """64-bit key of "point i has label ``label``" (splitmix64 finaliser).

    The fingerprint of a labelling is the sum of the keys of its points modulo
    2**64 (proofs/kmeans.md, KM-4): order-free, so chunked sums are exact.
    """
    z = np.uint64(i) * np.uint64(n_clusters) + np.uint64(label) + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@kernel
def _accumulate_chunk(X, weights, labels, start, stop, sums, counts, masses):
    # The one summation order of cluster sums: rows in index order within a chunk. With
    # weights (``weights`` not empty) sums[j] adds fl(w_i x_i) in float64 and masses[j] adds w_i;
    # without, x_i, and the masses are left alone (:func:`_combine_sums` sets them to the counts).
    if weights.shape[0] > 0:
        for i in range(start, stop):
            j = labels[i]
            w = weights[i]
            counts[j] += 1
            masses[j] += w
            for f in range(X.shape[1]):
                sums[j, f] += w * X[i, f]
    else:
        for i in range(start, stop):
            j = labels[i]
            counts[j] += 1
            for f in range(X.shape[1]):
                sums[j, f] += X[i, f]


@kernel
def _combine_sums(weights, chunk_sums, chunk_counts, chunk_masses, sums, counts, masses):
    # Chunk partials added in chunk order; without weights the masses are the counts (exactly).
    sums[:] = 0.0
    counts[:] = 0
    masses[:] = 0.0
    weighted = weights.shape[0] > 0
    for c in range(chunk_sums.shape[0]):
        for j in range(sums.shape[0]):
            counts[j] += chunk_counts[c, j]
            if weighted:
                masses[j] += chunk_masses[c, j]
            for f in range(sums.shape[1]):
                sums[j, f] += chunk_sums[c, j, f]
    if not weighted:
        for j in range(sums.shape[0]):
            masses[j] = counts[j]


@kernel
def _weighted_sum(terms, weights, start, stop):
    """sum_i fl(w_i t_i) for i = start..stop-1 in index order, in float64 (the terms alone
    without weights, ``weights`` empty): a chunk's part of a (weighted) objective."""
    total = 0.0
    if weights.shape[0] > 0:
        for i in range(start, stop):
            total += weights[i] * terms[i - start]
    else:
        for i in range(start, stop):
            total += terms[i - start]
    return total


@kernel
def _chunk_totals(own_terms, new_terms, weights, labels, start, stop, n_clusters):
    """Step 4 of :func:`assign` for one chunk, in one pass: the (weighted) sums of ``own_terms``
    and ``new_terms`` as :func:`_weighted_sum` adds them, and the chunk's fingerprint part."""
    before, after, keys = 0.0, 0.0, np.uint64(0)
    if weights.shape[0] > 0:
        for i in range(start, stop):
            before += weights[i] * own_terms[i - start]
            after += weights[i] * new_terms[i - start]
            keys += label_key(i, labels[i], n_clusters)
    else:
        for i in range(start, stop):
            before += own_terms[i - start]
            after += new_terms[i - start]
            keys += label_key(i, labels[i], n_clusters)
    return before, after, keys


@kernel
def squared_distance(X, i, center):
    """The difference-form squared distance of x_i to ``center`` (shape (n_features,)):
    (x_if - c_f)**2 added for f = 0, 1, ..., d-1 in order, from zero, in the working dtype.
    The one sequential form of the module; the loops of :func:`assign` that block four
    points or features at a time keep its order, so they give the same numbers."""
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
def _two_nearest(row, bits):
    """Index of the smallest entry of ``row`` (the first among equal ones) and
    the smallest value among the other entries (inf if there is none).
    ``bits`` is ``row`` viewed as signed integers of the same width: for
    non-negative floats their order is the float order, and the integer
    min-reductions below vectorise."""
    k = row.shape[0]
    smallest = bits[0]
    for j in range(1, k):
        smallest = min(smallest, bits[j])
    best = k
    for j in range(k):  # first index of the minimum
        best = min(best, j if bits[j] == smallest else k)
    if k == 1:
        return best, np.inf
    largest = np.iinfo(bits.dtype).max
    runner_up = largest
    for j in range(k):
        runner_up = min(runner_up, bits[j] if j != best else largest)
    bits[best] = runner_up  # read the runner-up's bits back as a float, then restore
    other = row[best]
    bits[best] = smallest
    return best, other


@kernel
def _scan_block(X, todo, first, size, centers_T, dist):
    # Squared distances of points todo[first:first+size] to every centre, into dist[:size].
    # Features are taken four at a time, but each distance still adds its terms in the order
    # f = 0, 1, ..., d-1 (((acc + t0) + t1) + t2) + t3: bit for bit the sequential sum, with a
    # quarter of the loads and stores of the accumulators. The loop over centres vectorises.
    d = X.shape[1]
    k = centers_T.shape[1]
    d4 = d - d % 4
    for b in range(size):
        i = todo[first + b]
        for j in range(k):
            dist[b, j] = 0
        for f in range(0, d4, 4):
            x0, x1, x2, x3 = X[i, f], X[i, f + 1], X[i, f + 2], X[i, f + 3]
            for j in range(k):
                t0 = x0 - centers_T[f, j]
                t1 = x1 - centers_T[f + 1, j]
                t2 = x2 - centers_T[f + 2, j]
                t3 = x3 - centers_T[f + 3, j]
                dist[b, j] = (((dist[b, j] + t0 * t0) + t1 * t1) + t2 * t2) + t3 * t3
        for f in range(d4, d):
            xf = X[i, f]
            for j in range(k):
                t = xf - centers_T[f, j]
                dist[b, j] += t * t


@kernel
def _scan_panel(X, todo, first, size, centers, rows_T, dist0, dist1, nearest, smallest, other):
    """The exact scan of points ``todo[first:first+size]`` (at most a panel) against every
    centre, with the loops running across the points so that they vectorise: ``rows_T`` (d, panel)
    receives the rows transposed, ``dist0`` and ``dist1`` two centres' distances at a time; then
    ``nearest[b]`` is the first index of the smallest distance, ``smallest[b]`` that distance and
    ``other[b]`` the smallest over the other centres (inf if k = 1). Each distance adds its terms
    in the order f = 0, 1, ..., d-1 from zero (four at a time, as :func:`_scan_block`): bit for
    bit :func:`squared_distance`, and centres are taken in index order with a strict comparison,
    so ties go to the lowest index as in :func:`_two_nearest`."""
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
    """Step 3 of :func:`assign` for the points ``todo[:n_todo]`` of the chunk that starts at
    ``start``, by :func:`_scan_panel`: the same labels, terms and KM-8 bounds as the scan
    ``BLOCK`` points at a time in :func:`_settle` (the distance to the old label is the own term,
    the same number). Returns the points whose label changed."""
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
            i = todo[first + b]
            best, closest, runner_up = nearest[b], smallest[b], other[b]
            if keep:
                old = labels[i]
                if not closest < own_terms[i - start]:  # the old centre is as close: kept
                    if best != old:
                        runner_up = closest  # a tie kept: the lower-index centre is as close
                    best = old
                else:
                    n_moved += 1
            labels[i] = best
            new_terms[i - start] = closest
            if need == BOUNDS:
                lower[i] = _initial_bound(runner_up, lower_factor, floor)
    return n_moved


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


@kernel
def _filter(X, centers, todo, n_todo, start, labels, keep, lower, lower_factor, own_terms, new_terms,
            origin, stage, index_bits, dist, last, need):
    """The filter of KM-9 in the precision of ``shifted`` over the points ``todo[:n_todo]``
    (all in the chunk that starts at ``start``), ``PANEL`` at a time: a point whose nearest
    centre is certain gets its label, objective term and KM-8 bound as the exact scan would
    give them (difference-form distances to the winner and to the runner-up candidates);
    the others are moved, in order, to ``todo[:n_left]``. Decisions are taken in the working
    precision (the type of ``kappa``); the keys are integers of the type of ``keys_like`` (an
    empty array), as wide as the filter precision, with the index in their ``index_bits`` low
    bits. ``stage`` is ``(shifted, norms, constants, keys_like)`` as :func:`_stages` describes.
    ``need`` says what a settled point receives besides its label: its objective term
    (``TERMS``) and also its KM-8 bound (``BOUNDS``, the runner-up's distance); with ``LABELS``
    no difference-form distance is computed at all.
    A stage that is not the ``last`` before the exact scan leaves to the next one the points
    whose runner-up would need a search, starts with a panel of ``PROBE`` points and passes
    the rest on unexamined as soon as it has settled fewer than three in four of the points
    it examined (a float32 stage costs about 0.75 of a float64 one: below that it only adds
    work; which stage settles a point changes no result). Returns ``(n_left, n_moved)``."""
    shifted, norms, constants, keys_like = stage
    floor = _bound_floor(X)
    kappa, tau, center_slack = X.dtype.type(constants[0]), X.dtype.type(constants[1]), X.dtype.type(constants[2])
    largest_norm = constants[3]
    k, d = shifted.shape
    zero = norms.dtype.type(0)
    mask = keys_like.dtype.type((1 << index_bits) - 1)
    panel = max(PROBE, min(PANEL, (2 * PANEL_VALUES // d) // 16 * 16))  # rows_T stays in L1 (PANEL_VALUES)
    # one set of panel buffers per call, each panel using its first ``size`` columns or entries
    capacity = min(panel, n_todo)
    points_all = np.empty(capacity, dtype=np.int64)
    rows_all = np.empty(d * capacity, dtype=shifted.dtype)
    norms_all = np.empty(capacity, dtype=shifted.dtype)
    products_all = np.empty(k * capacity, dtype=shifted.dtype)
    near_all = np.empty(3 * capacity, dtype=keys_like.dtype)
    status_all = np.empty(capacity, dtype=np.int64)
    pair_points = np.empty(2 * capacity, dtype=np.int64)
    pair_clusters = np.empty(2 * capacity, dtype=np.int64)
    pair_distances = np.empty(2 * capacity, dtype=X.dtype)
    n_left = 0
    n_moved = 0
    n_settled = 0
    first = 0
    while first < n_todo:
        if not last and first > 0 and 4 * n_settled < 3 * first:
            for q in range(first, n_todo):  # not worth it here: the rest go on unexamined
                todo[n_left] = todo[q]
                n_left += 1
            break
        size = min(panel if last or first > 0 else PROBE, n_todo - first)
        points = points_all[:size]
        points[:] = todo[first : first + size]
        rows_T = rows_all[: d * size].reshape((d, size))
        point_norms = norms_all[:size]
        products_T = products_all[: k * size].reshape((k, size))
        _panel_products(X, points, origin, shifted, rows_T, point_norms, products_T)
        near = near_all[: 3 * size].reshape((3, size))
        _nearest_keys(products_T, norms, point_norms, mask, near)
        # decide from the keys; list the difference-form distances still needed
        status = status_all[:size]  # 0 exact scan, 1 runner-up known, 2 runner-up by search
        status[:] = 0
        n_pairs = 0
        for b in range(size):
            i = points[b]
            if not point_norms[b] <= largest_norm:
                continue
            slack_i = (kappa * point_norms[b] + tau) + center_slack
            best = near[0, b] & mask
            if k > 1:
                _, up1 = _key_range(near[0, b], mask, zero)
                low2, up2 = _key_range(near[1, b], mask, zero)
                if not low2 - slack_i > up1 + slack_i:
                    continue
                low3, _ = _key_range(near[2, b], mask, zero)
                if need < BOUNDS or k == 2 or low3 - slack_i > up2 + slack_i:
                    status[b] = 1
                elif last:
                    status[b] = 2
                else:
                    continue
            else:
                status[b] = 1
            if need >= TERMS and not (keep and best == labels[i]):
                pair_points[n_pairs], pair_clusters[n_pairs] = i, best
                n_pairs += 1
            if need == BOUNDS and k > 1 and status[b] == 1:
                pair_points[n_pairs], pair_clusters[n_pairs] = i, near[1, b] & mask
                n_pairs += 1
        _pair_distances(X, centers, pair_points, pair_clusters, n_pairs, pair_distances)
        # apply, in the same order
        n_pairs = 0
        for b in range(size):
            i = points[b]
            if status[b] == 0:
                todo[n_left] = i  # n_left <= first + b: never a point still to see
                n_left += 1
                continue
            best = near[0, b] & mask
            if keep and best == labels[i]:
                new_terms[i - start] = own_terms[i - start]
            else:
                if need >= TERMS:
                    new_terms[i - start] = pair_distances[n_pairs]
                    n_pairs += 1
                if keep:
                    n_moved += 1
            labels[i] = best
            n_settled += 1
            if need < BOUNDS:
                continue
            other = X.dtype.type(np.inf)
            if k > 1 and status[b] == 1:
                other = pair_distances[n_pairs]
                n_pairs += 1
            elif k > 1:
                slack_i = (kappa * point_norms[b] + tau) + center_slack
                _, up2 = _key_range(near[1, b], mask, zero)
                for j in range(k):  # the point's e row, again (rare: near-ties for the runner-up)
                    dist[0, j] = max((point_norms[b] + norms[j]) - (products_T[j, b] + products_T[j, b]), zero)
                other = _runner_up(X, i, centers, best, up2 + slack_i, slack_i, dist[0])
            lower[i] = _initial_bound(other, lower_factor, floor)
        first += size
    return n_left, n_moved


@kernel
def _stages(centers, slack):
    """The origin m and the two stages of the KM-9 filter for these centres: float32
    (``slack[0]``), then the working precision (``slack[1]``; off for float32 data). Returns
    ``(origin, shifted32, norms32, shifted_w, norms_w, constants, index_bits)``: each stage's
    shifted centres and their squared norms (:func:`_shifted_centers`), ``constants[s]`` =
    (kappa, tau, center_slack, largest_norm, on) of stage s (the first three are numbers of
    the working precision, kept exactly in float64), and the bits the keys give the index.
    A stage goes to :func:`_filter` as ``(shifted, norms, constants[s], keys_like)``, a tuple
    built inside the parallel loop (which cannot take in a tuple that holds arrays)."""
    k, d = centers.shape
    index_bits = 1
    while (1 << index_bits) < k:
        index_bits += 1
    origin = np.empty(d, dtype=centers.dtype)
    _origin(centers, origin)
    shifted32, norms32 = np.empty((k, d), dtype=np.float32), np.empty(k, dtype=np.float32)
    shifted_w, norms_w = np.empty((k, d), dtype=centers.dtype), np.empty(k, dtype=centers.dtype)
    constants = np.empty((2, 5))
    kappa, tau, center_slack, on = _shifted_centers(centers, origin, slack[0], index_bits, shifted32, norms32)
    constants[0, 0], constants[0, 1], constants[0, 2] = kappa, tau, center_slack
    constants[0, 3], constants[0, 4] = slack[0, 2], 1.0 if on else 0.0
    kappa, tau, center_slack, on = _shifted_centers(centers, origin, slack[1], index_bits, shifted_w, norms_w)
    constants[1, 0], constants[1, 1], constants[1, 2] = kappa, tau, center_slack
    constants[1, 3], constants[1, 4] = slack[1, 2], 1.0 if on else 0.0
    return origin, shifted32, norms32, shifted_w, norms_w, constants, index_bits


@kernel
def _settle(X, centers, centers_T, todo, n_todo, start, labels, keep, lower, lower_factor, own_terms, new_terms,
            origin, index_bits, first_stage, working_stage, dist, dist_bits, need):
    """Steps 2 and 3 of :func:`assign` for the points ``todo[:n_todo]`` of the chunk that
    starts at ``start``: the filter stages of KM-9 (see :func:`_stages`), float32
    first, then the working precision for the points float32 left, then the exact scan of
    the rest against every centre, ``BLOCK`` points at a time. ``need`` as for
    :func:`_filter` (the exact scan computes every distance anyway). Returns
    ``(n_exact, n_moved)``: the points scanned exactly, the points whose label changed."""
    on32, on_w = first_stage[2][4] > 0, working_stage[2][4] > 0
    if not on32 and not on_w:  # no filter: every point is scanned exactly, a panel at a time
        return n_todo, _scan_panels(X, centers, todo, n_todo, start, labels, keep, lower, lower_factor, own_terms,
                                    new_terms, need)
    floor = _bound_floor(X)
    n_exact = n_todo
    n_moved = 0
    if on32:
        n_exact, moved = _filter(X, centers, todo, n_exact, start, labels, keep, lower, lower_factor, own_terms,
                                 new_terms, origin, first_stage, index_bits, dist, not on_w, need)
        n_moved += moved
    if on_w and n_exact > 0:
        n_exact, moved = _filter(X, centers, todo, n_exact, start, labels, keep, lower, lower_factor, own_terms,
                                 new_terms, origin, working_stage, index_bits, dist, True, need)
        n_moved += moved
    for first in range(0, n_exact, BLOCK):
        size = min(BLOCK, n_exact - first)
        _scan_block(X, todo, first, size, centers_T, dist)
        for b in range(size):
            i = todo[first + b]
            best, other = _two_nearest(dist[b], dist_bits[b])
            smallest = dist[b, best]
            # other: the smallest distance to a centre other than the label
            if keep:
                old = labels[i]
                if not dist[b, best] < dist[b, old]:
                    if best != old:
                        other = smallest  # a tie kept: the lower-index centre is as close
                    best = old
                else:
                    n_moved += 1
            labels[i] = best
            new_terms[i - start] = dist[b, best]
            if need == BOUNDS:
                lower[i] = _initial_bound(other, lower_factor, floor)
    return n_exact, n_moved


@parallel_kernel
def nearest(X, weights, centers, centers_T, slack, need, labels, scratch, scratch_bits):
    """Labels of the nearest centres, the lowest index among the minima of the computed
    difference-form distances: what :func:`assign` gives with ``keep=False``, bit for bit,
    without its cluster sums, fingerprint and KM-8 bounds (for ``predict`` and ``score``).
    With ``need`` = ``TERMS`` returns the objective, summed as :func:`assign` sums it (the
    same number, weighted by ``weights`` unless it is empty); with ``LABELS`` the filter
    computes no distance and this returns 0. ``scratch`` and ``scratch_bits`` as for :func:`assign`."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    origin, shifted32, norms32, shifted_w, norms_w, stage_constants, index_bits = _stages(centers, slack)
    keys32, keys_w = np.empty(0, dtype=np.int32), scratch_bits[0, 0, :0]
    lower = np.empty(0)
    partial = np.zeros(n_chunk)
    for c in _prange(n_chunk):
        first_stage = (shifted32, norms32, stage_constants[0], keys32)
        working_stage = (shifted_w, norms_w, stage_constants[1], keys_w)
        start = c * CHUNK_SIZE
        stop = min(start + CHUNK_SIZE, n)
        todo = np.arange(start, stop)
        terms = np.empty(stop - start, dtype=X.dtype)
        _settle(X, centers, centers_T, todo, stop - start, start, labels, False, lower, 1.0, terms, terms,
                origin, index_bits, first_stage, working_stage, scratch[c], scratch_bits[c], need)
        if need >= TERMS:
            partial[c] = _weighted_sum(terms, weights, start, stop)
    objective = 0.0
    for c in range(n_chunk):
        objective += partial[c]
    return objective


@parallel_kernel
def assign(X, weights, centers, centers_T, labels, keep, lower, drift, bound_factor, lower_factor, slack,
           chunk_sums, chunk_counts, chunk_masses, sums, counts, masses, scratch, scratch_bits):
    """Assignment half-step (KM-1), fused with the sums of the next update (KM-2).

    For each point the new label is the old one unless another centre is
    strictly closer in computed distance (``keep=True``), else the lowest index
    among the minima (``keep=False``: every point is scanned). ``labels`` is
    updated in place; ``sums`` (k, d) float64, ``counts`` (k,) int64 and ``masses`` (k,)
    float64 receive the cluster sums, sizes and weights of the new labelling;
    ``chunk_sums`` (n_chunks, k, d), ``chunk_counts`` and ``chunk_masses`` (n_chunks, k) are
    scratch, and so are ``scratch``
    (n_chunks, BLOCK, k) of the working dtype and ``scratch_bits``, the same
    memory viewed as signed integers of the same width. ``weights`` (n,) float64 are the
    sample weights w_i (empty: every w_i = 1): objectives add fl(w_i d_i), cluster sums
    fl(w_i x_i), masses w_i (proofs/kmeans.md, "Weights").

    Pruning (KM-8): ``lower[i]`` is a lower bound on the exact distance from
    x_i to every centre other than its own, kept valid across iterations with
    the centre drifts ``drift = (largest, second largest, index of largest)``
    (upper bounds on the exact moves). When the computed squared distance to
    the own centre is at most ``lower[i]**2 * bound_factor`` (``bound_factor``
    <= (1 - gamma_{d+2})(1 - 2u64), rounded down), no centre can be strictly closer in
    computed distance and the scan over all centres is skipped: the result is
    bit for bit that of the full scan. A full scan resets ``lower[i]`` from the
    second-smallest computed distance times ``lower_factor`` (rounded down). A bound
    whose square falls below the floor of :func:`_bound_floor` is set to 0: there a
    rounded square may underflow, and the relative bound no longer covers it.

    Filter (KM-9): the points the bound test leaves are first examined with the
    expanded form |a|^2 + |b_j|^2 - 2<a, b_j> of the point and centres shifted by the
    mean of the centres (inner products by a matrix product over ``PANEL`` points at a
    time), in float32 and then, for float64 data, in float64 (:func:`_filter`).
    ``slack[s] = (kappa, tau, largest_norm, index_bits)`` gives the error bound and the
    gate of stage s. When one centre beats every other one by more than the bound, it
    is the label the difference form gives, and only the difference-form distances to
    it and to the runner-up candidates are computed; the other points are scanned
    exactly. The results are bit for bit those of the exact scan.

    Returns
    -------
    objective_before : float
        Sum of the squared distances to the centres of the old labels (the
        objective after the update half-step; 0 when ``keep`` is False).
    objective_after : float
        Sum of the squared distances to the centres of the new labels.
    n_changed : int
        Points whose label changed.
    fingerprint : uint64
        Fingerprint of the new labelling (KM-4).
    n_scanned : int
        Points not settled by the bound test (KM-8): compared with all centres.
    n_exact : int
        Of those, points the filter (KM-9) could not settle: scanned in the
        difference form against all centres.
    """
    n, d = X.shape
    k = centers_T.shape[1]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    before = np.zeros(n_chunk)
    after = np.zeros(n_chunk)
    changed = np.zeros(n_chunk, dtype=np.int64)
    scanned = np.zeros(n_chunk, dtype=np.int64)
    exact = np.zeros(n_chunk, dtype=np.int64)
    keys = np.zeros(n_chunk, dtype=np.uint64)
    down = _DOWN
    floor = _bound_floor(X)
    largest, second, moved_most = drift[0], drift[1], int(drift[2])
    origin, shifted32, norms32, shifted_w, norms_w, stage_constants, index_bits = _stages(centers, slack)
    keys32, keys_w = np.empty(0, dtype=np.int32), scratch_bits[0, 0, :0]  # the two stages' key types
    for c in _prange(n_chunk):
        chunk_sums[c] = 0.0
        chunk_counts[c] = 0
        chunk_masses[c] = 0.0
        start = c * CHUNK_SIZE
        stop = min(start + CHUNK_SIZE, n)
        own_terms = np.zeros(stop - start, dtype=X.dtype)
        new_terms = np.empty(stop - start, dtype=X.dtype)
        todo = np.empty(stop - start, dtype=np.int64)
        n_todo = 0
        # 1. the bound test (KM-8): settle the points no other centre can beat. Branch-free:
        # every point is written to the list ``todo`` and its objective term set to the own
        # distance, but the list grows only past the points the test does not settle (their
        # terms are set again below); half the points pass here, so a branch would be
        # mispredicted about every other point.
        if keep:
            _own_distances(X, centers, labels, start, stop, own_terms)
            for i in range(start, stop):
                own = own_terms[i - start]
                bound = lower[i] - (second if labels[i] == moved_most else largest)
                bound = bound * down if bound > 0 else 0.0
                bound = bound if bound * bound >= floor else 0.0  # KM-8, "Underflow"
                lower[i] = bound
                new_terms[i - start] = own
                todo[n_todo] = i
                n_todo += 0 if own <= bound * bound * bound_factor else 1
        else:
            for i in range(start, stop):
                todo[i - start] = i
            n_todo = stop - start
        # 2.-3. the filter (KM-9), then the exact scan of what it leaves
        first_stage = (shifted32, norms32, stage_constants[0], keys32)
        working_stage = (shifted_w, norms_w, stage_constants[1], keys_w)
        n_exact, n_moved = _settle(X, centers, centers_T, todo, n_todo, start, labels, keep, lower, lower_factor,
                                   own_terms, new_terms, origin, index_bits, first_stage, working_stage,
                                   scratch[c], scratch_bits[c], BOUNDS)
        # 4. the chunk's sums, in index order (local accumulators: no shared cache lines)
        before[c], after[c], keys[c] = _chunk_totals(own_terms, new_terms, weights, labels, start, stop, k)
        scanned[c], changed[c], exact[c] = n_todo, n_moved, n_exact
        _accumulate_chunk(X, weights, labels, start, stop, chunk_sums[c], chunk_counts[c], chunk_masses[c])
    _combine_sums(weights, chunk_sums, chunk_counts, chunk_masses, sums, counts, masses)
    objective_before = 0.0
    objective_after = 0.0
    n_changed = 0
    n_scanned = 0
    n_exact = 0
    fingerprint = np.uint64(0)
    for c in range(n_chunk):
        objective_before += before[c]
        objective_after += after[c]
        n_changed += changed[c]
        n_scanned += scanned[c]
        n_exact += exact[c]
        fingerprint += keys[c]
    return objective_before, objective_after, n_changed, fingerprint, n_scanned, n_exact


@parallel_kernel
def cluster_sums(X, weights, labels, chunk_sums, chunk_counts, chunk_masses, sums, counts, masses):
    """Cluster sums, sizes and weights of a labelling, in the same order as :func:`assign`
    (so the centres are the same function of the partition, KM-4)."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    for c in _prange(n_chunk):
        chunk_sums[c] = 0.0
        chunk_counts[c] = 0
        chunk_masses[c] = 0.0
        start = c * CHUNK_SIZE
        _accumulate_chunk(X, weights, labels, start, min(start + CHUNK_SIZE, n), chunk_sums[c], chunk_counts[c],
                          chunk_masses[c])
    _combine_sums(weights, chunk_sums, chunk_counts, chunk_masses, sums, counts, masses)


@kernel
def center_drift(centers, previous, factor, out):
    """How far the centres moved, for the KM-8 bounds (proofs/kmeans.md, "Moving centres"):
    p_j = fl(fl(sqrt(fl(s_j + d sigma))) * factor) with s_j = sum_f (c_jf - previous_jf)**2 in float64
    (sigma the smallest positive float64: the squares may underflow),
    summed in order, and ``factor`` = fl(1 + 2 gamma_{d+4}) of float64. ``out`` receives the
    largest p_j, the second largest (0 with one centre) and the index of the largest (the
    first of equal ones)."""
    k, d = centers.shape
    largest, second, index = -1.0, 0.0, 0
    for j in range(k):
        acc = 0.0
        for f in range(d):
            diff = np.float64(centers[j, f]) - previous[j, f]
            acc += diff * diff
        moved = np.sqrt(acc + d * _SIGMA64) * factor  # + d sigma: squares that underflowed (KM-8)
        if moved > largest:
            second = largest if j > 0 else 0.0
            largest, index = moved, j
        elif moved > second:
            second = moved
    out[0], out[1], out[2] = largest, second, index


@kernel
def update_centers(sums, masses, centers, centers_T):
    """Update half-step (KM-2): each cluster of positive weight (``masses``, float64: the
    sizes without weights) gets the weighted mean of its points, fl(s_j / W_j) in float64
    rounded once to the working dtype; a cluster of weight 0 keeps its centre. Writes
    ``centers`` (k, d) and ``centers_T`` (d, k) in place.

    Returns the shift :math:`\\sum_j W_j \\lVert \\mu_j - c_j \\rVert^2` of KM-2 (the trace's
    ``center_shift``) and the unweighted :math:`\\sum_j \\lVert \\mu_j - c_j \\rVert^2` (for ``tol``),
    in float64: the squared differences of the new and old centres added over f in order, the
    clusters in index order."""
    k, d = centers.shape
    shift, moves = 0.0, 0.0
    for j in range(k):
        move = 0.0
        if masses[j] > 0:
            for f in range(d):
                old = np.float64(centers[j, f])
                centers[j, f] = sums[j, f] / masses[j]
                diff = np.float64(centers[j, f]) - old
                move += diff * diff
        for f in range(d):
            centers_T[f, j] = centers[j, f]
        shift += masses[j] * move
        moves += move
    return shift, moves


@parallel_kernel
def distance_to_own_center(X, centers, labels, out):
    """``out[i]`` = squared distance of point i to the centre of its label
    (the same number :func:`assign` computed)."""
    n = X.shape[0]
    for i in _prange(n):
        out[i] = squared_distance(X, i, centers[labels[i]])


@kernel
def farthest_point(distance, labels, second):
    """Relocation candidate (KM-3): the point of largest ``distance`` > 0 among the
    clusters j with ``second[j] >= 0`` (they hold at least two distinct points, see
    :func:`distinct_witnesses`); ties go to the lowest index. Returns -1 when there is none."""
    best = -1
    for i in range(distance.shape[0]):
        if second[labels[i]] >= 0 and distance[i] > 0:
            if best < 0 or distance[i] > distance[best]:
                best = i
    return best


@kernel
def distinct_witnesses(X, weights, labels, clusters, first, second):
    """For the clusters j with ``clusters[j]``: ``first[j]`` = its lowest-index point of positive
    weight (every point, ``weights`` empty) and ``second[j]`` = its lowest-index point of
    positive weight that differs from it in some feature (-1 if none:
    the cluster holds copies of one point, whose exact cost is 0 whatever its computed
    centre, KM-3: never a donor). Other clusters are left as they are. While both witnesses
    stay in the cluster it holds two distinct points, so only losing one calls for a rescan."""
    k = first.shape[0]
    for j in range(k):
        if clusters[j]:
            first[j] = -1
            second[j] = -1
    weighted = weights.shape[0] > 0
    for i in range(X.shape[0]):
        j = labels[i]
        if not clusters[j] or second[j] >= 0 or (weighted and weights[i] == 0):
            continue
        if first[j] < 0:
            first[j] = i
            continue
        for f in range(X.shape[1]):
            if X[i, f] != X[first[j], f]:
                second[j] = i
                break


@kernel
def largest_magnitude_in(X, start, stop):
    """max |x_if| over the rows start..stop-1 of X, in float64 (0 for no rows): the range rule
    of proofs/kmeans.md. |x| (``abs`` clears the sign bit, also of NaN) is read as its bit
    pattern (finite non-negative floats order like their patterns, NaN's and infinity's exceed
    them), so the maximum is over integers of the float's width and vectorises; the rows are one
    run of memory (X is C-contiguous), read as one loop: a loop per row ended each row with a
    reduction across the vector's lanes, 7 ns per row of 16 in either dtype against 1.7
    (float64) and 0.85 (float32) in one loop."""
    zero = X.dtype.type(0)
    d = X.shape[1]
    values = X.reshape(-1)
    largest = float_bits(zero)
    for q in range(start * d, stop * d):
        largest = max(largest, float_bits(abs(values[q])))
    return np.float64(bits_float(largest, zero))


@parallel_kernel
def largest_magnitude(X):
    """:func:`largest_magnitude_in` over all of X, chunks in parallel (a maximum: the same
    with any number of threads). The chunks' maxima are compared by their bit patterns too,
    so a NaN (whose pattern exceeds infinity's) is returned, not skipped as by ``max``."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    partial = np.zeros(n_chunk)
    for c in _prange(n_chunk):
        partial[c] = largest_magnitude_in(X, c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n))
    largest = 0.0
    for c in range(n_chunk):
        largest = partial[c] if float_bits(partial[c]) > float_bits(largest) else largest
    return largest


@kernel
def chunked_sum(values):
    """Sum of a float array in the package's order (chunk partials, in index order)."""
    n = values.shape[0]
    total = 0.0
    for start in range(0, n, CHUNK_SIZE):
        part = 0.0
        for i in range(start, min(start + CHUNK_SIZE, n)):
            part += values[i]
        total += part
    return total


@parallel_kernel
def squared_distances(X, centers_T, out):
    """``out[i, j]`` = squared distance of point i to centre j (for ``transform``)."""
    n, d = X.shape
    k = centers_T.shape[1]
    for i in _prange(n):
        out[i] = 0
        for f in range(d):
            xf = X[i, f]
            for j in range(k):
                diff = xf - centers_T[f, j]
                out[i, j] += diff * diff
