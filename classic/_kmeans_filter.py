"""The expanded-form filter of k-means assignment (``proofs/kmeans.md``, KM-9).

The points the bound test of KM-8 leaves are examined with the expanded form
|a|^2 + |b_j|^2 - 2<a, b_j> of the shifted point a = x - m and centres b_j = c_j - m
(origin m: the mean of the centres, so that cancellation is that of the data's own
spread), rounded to the filter precision: float32 first, then the working
precision for what float32 leaves (float64 data only). The inner products come
from one matrix product per panel of ``PANEL`` points. The filter only *decides*
which centre is nearest when its proven error bound makes that certain; every
number the run records is still a difference-form distance
(:func:`classic._kmeans_distances.squared_distance`). :func:`_stages` builds a stage from
the centres, :func:`_filter` runs it over a chunk's points; both are called by
:mod:`classic._kmeans_kernels` (``assign`` and ``nearest``, through ``_settle``).
"""

import numpy as np

from classic._jit import bits_float, float_bits, kernel
from classic._kmeans_distances import (
    BOUNDS,
    PANEL,
    PANEL_VALUES,
    TERMS,
    _bound_floor,
    _initial_bound,
    _pair_distances,
    _runner_up,
)

#: Points in the first panel of the float32 filter stage for float64 data (KM-9): it goes on
#: only while it settles three points in four.
PROBE = 64


@kernel
def _origin(centers, origin):
    """The filter's origin m (KM-9): ``origin[f]`` = sum_j fl(c_jf / k) in order, in the
    working precision (any finite m is valid; this one cannot overflow)."""
    k, d = centers.shape
    origin[:] = 0
    for j in range(k):
        for f in range(d):
            origin[f] += centers[j, f] / k


@kernel
def _shifted_centers(centers, origin, constants, index_bits, shifted, norms):
    """The centres' part of a filter stage (KM-9): ``shifted[j, f]`` = fl_v(c_jf - m_f) (the
    difference in the working precision, then rounded to the filter precision of ``shifted``)
    and ``norms[j]`` = fl_v(sum_f shifted[j, f]**2) summed in order. ``constants`` is the
    stage's (kappa, tau, largest_norm, index_bits). Returns kappa and tau in the working
    precision, S = the largest fl(fl(kappa * norms[j]) + tau), and whether the stage's gate
    lets it run (every norm at most largest_norm, at most index_bits bits for the index)."""
    k, d = centers.shape
    kappa, tau = centers.dtype.type(constants[0]), centers.dtype.type(constants[1])
    largest = norms.dtype.type(0)
    largest_slack = tau  # every fl(fl(kappa * norms[j]) + tau) is at least tau
    for j in range(k):
        acc = norms.dtype.type(0)
        for f in range(d):
            b = shifted.dtype.type(centers[j, f] - origin[f])
            shifted[j, f] = b
            acc += b * b
        norms[j] = acc
        largest = max(largest, acc)
        largest_slack = max(largest_slack, kappa * acc + tau)
    return kappa, tau, largest_slack, largest <= constants[2] and index_bits <= constants[3]


@kernel
def _panel_products(X, points, origin, shifted, rows_T, point_norms, products_T):
    """For the points ``points[b]``: ``rows_T[:, b]`` = fl_v(x - m) (the panel stored
    transposed, so that the loops below run over points and vectorise), ``point_norms[b]`` =
    fl_v(sum_f a_f**2) summed in order, and ``products_T[j, b]`` = <b_j, a> through one matrix
    product (BLAS: any summation order, fused or not; KM-9 allows for both)."""
    d = X.shape[1]
    size = points.shape[0]
    for b in range(size):
        i = points[b]
        for f in range(d):
            rows_T[f, b] = rows_T.dtype.type(X[i, f] - origin[f])
    point_norms[:] = 0
    for f in range(d):
        for b in range(size):
            point_norms[b] += rows_T[f, b] * rows_T[f, b]
    np.dot(shifted, rows_T, products_T)


@kernel
def _nearest_keys(products_T, norms, point_norms, mask, near):
    """The three smallest keys of each point of the panel in the expanded form (KM-9).

    For centre j and point b, e = max(fl(fl(|x|^2 + |c_j|^2) - 2 <x, c_j>), 0) and its key
    is the bits of e (signed integers of the same width: for non-negative floats their
    order is the float order) with the low bits ``mask`` replaced by j: keys of one point
    are distinct. ``near[0, b] < near[1, b] < near[2, b]`` are kept by a min/max network;
    the loop runs over the points of the panel and vectorises (every integer is cast back
    to the keys' width, so float32 keys stay 32-bit lanes)."""
    k = norms.shape[0]
    size = point_norms.shape[0]
    zero = norms.dtype.type(0)
    near[:] = np.iinfo(near.dtype).max
    for j in range(k):
        c = norms[j]
        for b in range(size):
            e = max((point_norms[b] + c) - (products_T[j, b] + products_T[j, b]), zero)
            key = near.dtype.type((float_bits(e) & ~mask) | j)
            key1, key2, key3 = near[0, b], near[1, b], near[2, b]
            near[0, b] = min(key1, key)
            key = max(key1, key)
            near[1, b] = min(key2, key)
            key = max(key2, key)
            near[2, b] = min(key3, key)


@kernel
def _key_range(key, mask, like):
    """The smallest and the largest float (of the type of ``like``) whose key is ``key``: the
    bits of ``key`` with the index bits cleared, then set; every e with that key lies between
    them."""
    return bits_float(key & ~mask, like), bits_float(key | mask, like)


@kernel
def _filter(X, centers, todo, n_todo, start, labels, keep, lower, lower_factor, own_terms, new_terms,
            origin, stage, index_bits, last, need):
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
    e_row = np.empty(k, dtype=X.dtype)  # one point's expanded-form values, for a runner-up search
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
        for b in range(size):  # not points[:] = todo[...]: Numba's shape-mismatch message compiled for 1.8 s
            points[b] = todo[first + b]
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
                    e_row[j] = max((point_norms[b] + norms[j]) - (products_T[j, b] + products_T[j, b]), zero)
                other = _runner_up(X, i, centers, best, up2 + slack_i, slack_i, e_row)
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
    built inside the parallel loop (which cannot take in a tuple that holds arrays).

    With ``slack`` None (no filter) the arrays are empty placeholders of the same types, and
    Numba compiles only that branch. The choice is made here and in :func:`classic._kmeans_kernels._settle`,
    serial kernels: a parallel kernel does not drop a branch on ``is None`` (with Numba 0.68.1, a
    variable set to None in one branch and to an array in the other reached its parallel loop
    as None even when it held the array; numba/numba#6686 reports Optional values in parallel
    loops failing to compile)."""
    if slack is None:
        empty32, empty_w = np.empty(0, dtype=np.float32), np.empty(0, dtype=centers.dtype)
        return (empty_w, empty32.reshape(0, 0), empty32, empty_w.reshape(0, 0), empty_w, np.zeros((2, 5)),
                0)
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
