"""Compiled kernels of k-means (Lloyd), one per step of ``proofs/kmeans.md``: the
assignment half-step with the update's sums (:func:`assign`), the update (:func:`update_centers`),
the centre drifts of the KM-8 bounds, the empty-cluster rule, and ``predict``'s nearest centres.
The difference-form distances and the exact scan they call are in :mod:`classic._kmeans_distances`,
the expanded-form filter of KM-9 in :mod:`classic._kmeans_filter`, the k-means++ kernels in
:mod:`classic._seeding_kernels`.

Kernels never validate: they receive C-contiguous arrays of one working dtype
(float64 or float32) and ``labels`` as int64 (``nearest``, for ``predict``, writes int32
labels: scikit-learn's dtype).

Every squared distance is the difference form of
:func:`classic._kmeans_distances.squared_distance`, the same bits in every kernel.
Objectives and cluster sums are accumulated in float64, per fixed chunk of ``CHUNK_SIZE``
rows, and the chunk partials combined in index order: results do not depend on the
number of threads, nor on how many chunks' partials are held at once (:func:`classic._jit.held_chunks`).
"""

import numpy as np
from numba import prange as _prange

from classic._jit import CHUNK_SIZE, bits_float, float_bits, kernel, parallel_kernel
from classic._kmeans_distances import (
    BOUNDS,
    TERMS,
    _DOWN,
    _bound_floor,
    _own_distances,
    _scan_panels,
    squared_distance,
)
from classic._kmeans_filter import _filter, _stages

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

#: The ``weights`` argument of an unweighted run: every kernel here and in
#: :mod:`classic._seeding_kernels` reads an empty array as "every w_i = 1".
UNWEIGHTED = np.empty(0)

#: The smallest positive float64 (subnormal): what a rounded float64 square may lose, twice over.
_SIGMA64 = 5e-324

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


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
    # without, x_i, and the masses are left alone (:func:`_masses_of_counts` sets them to the counts).
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
def _add_partials(weights, chunk_sums, chunk_counts, chunk_masses, n_held, sums, counts, masses):
    # The first ``n_held`` chunk partials added to the totals in chunk order (each total adds the
    # chunks' partials in index order, however many are held at once: :func:`held_chunks`).
    weighted = weights.shape[0] > 0
    for c in range(n_held):
        for j in range(sums.shape[0]):
            counts[j] += chunk_counts[c, j]
            if weighted:
                masses[j] += chunk_masses[c, j]
            for f in range(sums.shape[1]):
                sums[j, f] += chunk_sums[c, j, f]


@kernel
def _clear_totals(sums, counts, masses):
    sums[:] = 0.0
    counts[:] = 0
    masses[:] = 0.0


@kernel
def _masses_of_counts(weights, counts, masses):
    # Without weights the masses are the counts (exactly).
    if weights.shape[0] == 0:
        for j in range(counts.shape[0]):
            masses[j] = counts[j]


@kernel
def _weighted_sum(terms, weights, start, stop):
    """sum_i fl(w_i t_i) for i = start..stop-1 in index order, in float64 (the terms alone
    without weights, ``weights`` empty): a chunk's part of a (weighted) objective."""
    total = np.float64(0.0)
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
    before, after, keys = np.float64(0.0), np.float64(0.0), np.uint64(0)
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
def _settle(X, centers, todo, n_todo, start, labels, keep, lower, lower_factor, own_terms, new_terms,
            origin, index_bits, first_stage, working_stage, slack, need):
    """Steps 2 and 3 of :func:`assign` for the points ``todo[:n_todo]`` of the chunk that
    starts at ``start``: the filter stages of KM-9 (see :func:`_stages`), float32
    first, then the working precision for the points float32 left, then the exact scan of
    the rest against every centre, a panel at a time (:func:`_scan_panels`; every point, with
    both stages off). ``need`` as for :func:`_filter` (the exact scan computes every distance
    anyway). Returns ``(n_exact, n_moved)``: the points scanned exactly, the points whose label
    changed. ``slack`` is the caller's: None when the filter is off for every set of centres
    (:func:`classic._kmeans_assignment._pruning_factors`), and then Numba drops the filter's
    branch before compiling, so that this variant neither compiles nor calls :func:`_filter`
    (the first fit on small data compiles in a third of the time)."""
    n_exact = n_todo
    n_moved = 0
    if slack is not None:
        on32, on_w = first_stage[2][4] > 0, working_stage[2][4] > 0
        if on32:
            n_exact, moved = _filter(X, centers, todo, n_exact, start, labels, keep, lower, lower_factor, own_terms,
                                     new_terms, origin, first_stage, index_bits, not on_w, need)
            n_moved += moved
        if on_w and n_exact > 0:
            n_exact, moved = _filter(X, centers, todo, n_exact, start, labels, keep, lower, lower_factor, own_terms,
                                     new_terms, origin, working_stage, index_bits, True, need)
            n_moved += moved
    if n_exact > 0:
        n_moved += _scan_panels(X, centers, todo, n_exact, start, labels, keep, lower, lower_factor, own_terms,
                                new_terms, need)
    return n_exact, n_moved


@kernel
def _keys_like(X):
    """An empty array of the signed integers as wide as X's floats: the type of the working
    precision stage's keys (``_kmeans_filter._filter``)."""
    return np.full(0, float_bits(X.dtype.type(0)))


@parallel_kernel
def nearest(X, weights, centers, slack, need, labels):
    """Labels of the nearest centres, the lowest index among the minima of the computed
    difference-form distances: what :func:`assign` gives with ``keep=False``, bit for bit,
    without its cluster sums, fingerprint and KM-8 bounds (for ``predict`` and ``score``).
    With ``need`` = ``TERMS`` returns the objective, summed as :func:`assign` sums it (the
    same number, weighted by ``weights`` unless it is empty); with ``LABELS`` the filter
    computes no distance and this returns 0."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    origin, shifted32, norms32, shifted_w, norms_w, stage_constants, index_bits = _stages(centers, slack)
    keys32, keys_w = np.empty(0, dtype=np.int32), _keys_like(X)
    lower = np.empty(0)
    partial = np.zeros(n_chunk)
    for c in _prange(n_chunk):
        first_stage = (shifted32, norms32, stage_constants[0], keys32)
        working_stage = (shifted_w, norms_w, stage_constants[1], keys_w)
        start = c * CHUNK_SIZE
        stop = min(start + CHUNK_SIZE, n)
        todo = np.arange(start, stop)
        terms = np.empty(stop - start, dtype=X.dtype)
        _settle(X, centers, todo, stop - start, start, labels, False, lower, 1.0, terms, terms,
                origin, index_bits, first_stage, working_stage, slack, need)
        if need >= TERMS:
            partial[c] = _weighted_sum(terms, weights, start, stop)
    objective = np.float64(0.0)
    for c in range(n_chunk):
        objective += partial[c]
    return objective


@parallel_kernel
def assign(X, weights, centers, labels, keep, lower, drift, bound_factor, lower_factor, slack,
           chunk_sums, chunk_counts, chunk_masses, sums, counts, masses):
    """Assignment half-step (KM-1), fused with the sums of the next update (KM-2).

    For each point the new label is the old one unless another centre is
    strictly closer in computed distance (``keep=True``), else the lowest index
    among the minima (``keep=False``: every point is scanned). ``labels`` is
    updated in place; ``sums`` (k, d) float64, ``counts`` (k,) int64 and ``masses`` (k,)
    float64 receive the cluster sums, sizes and weights of the new labelling;
    ``chunk_sums`` (h, k, d), ``chunk_counts`` and ``chunk_masses`` (h, k) are
    scratch for the partials of h chunks at a time (:func:`classic._jit.held_chunks`; any h >= 1
    gives the same bits). ``weights`` (n,) float64 are the
    sample weights w_i (empty: every w_i = 1): objectives add fl(w_i d_i), cluster sums
    fl(w_i x_i), masses w_i (proofs/kmeans.md, "Weights").

    Pruning (KM-8): ``lower[i]`` is a lower bound on the exact distance from
    x_i to every centre other than its own, kept valid across iterations with
    the centre drifts ``drift = (largest, second largest, index of largest)``
    (upper bounds on the exact moves). When the computed squared distance to
    the own centre is at most ``lower[i]**2 * bound_factor`` (``bound_factor``
    = (1 - gamma_{d+2})(1 - 6u64), rounded: the 6u64 covers the test's own float64
    roundings), no centre can be strictly closer in computed distance and the scan
    over all centres is skipped: the result is bit for bit that of the full scan. A
    full scan resets ``lower[i]`` from the second-smallest computed distance times
    ``lower_factor`` (rounded down). A bound whose square falls below the floor of
    :func:`_bound_floor` is set to 0: there a rounded square may underflow, and the
    relative bound no longer covers it.

    Filter (KM-9): the points the bound test leaves are first examined with the
    expanded form |a|^2 + |b_j|^2 - 2<a, b_j> of the point and centres shifted by the
    mean of the centres (inner products by a matrix product over ``PANEL`` points at a
    time), in float32 and then, for float64 data, in float64 (:func:`_filter`).
    ``slack[s] = (kappa, tau, largest_norm, index_bits)`` gives the error bound and the
    gate of stage s (``slack`` None: no filter, and none compiled, :func:`_settle`). When
    one centre beats every other one by more than the bound, it is the label the difference
    form gives, and only the difference-form distances to it and to the runner-up candidates
    are computed; the other points are scanned exactly. The results are bit for bit those of
    the exact scan.

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
    k = centers.shape[0]
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
    keys32, keys_w = np.empty(0, dtype=np.int32), _keys_like(X)  # the two stages' key types
    held = chunk_sums.shape[0]  # chunks at a time (the buffers' length), their partials added in chunk order
    _clear_totals(sums, counts, masses)
    for first in range(0, n_chunk, held):
        for c in _prange(first, min(first + held, n_chunk)):
            b = c - first  # the chunk's slot
            chunk_sums[b] = 0.0
            chunk_counts[b] = 0
            chunk_masses[b] = 0.0
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
            n_exact, n_moved = _settle(X, centers, todo, n_todo, start, labels, keep, lower, lower_factor,
                                       own_terms, new_terms, origin, index_bits, first_stage, working_stage, slack,
                                       BOUNDS)
            # 4. the chunk's sums, in index order (local accumulators: no shared cache lines)
            before[c], after[c], keys[c] = _chunk_totals(own_terms, new_terms, weights, labels, start, stop, k)
            scanned[c], changed[c], exact[c] = n_todo, n_moved, n_exact
            _accumulate_chunk(X, weights, labels, start, stop, chunk_sums[b], chunk_counts[b],
                              chunk_masses[b])
        _add_partials(weights, chunk_sums, chunk_counts, chunk_masses, min(held, n_chunk - first), sums, counts,
                      masses)
    _masses_of_counts(weights, counts, masses)
    objective_before = np.float64(0.0)
    objective_after = np.float64(0.0)
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
    held = chunk_sums.shape[0]
    _clear_totals(sums, counts, masses)
    for first in range(0, n_chunk, held):
        for c in _prange(first, min(first + held, n_chunk)):
            b = c - first
            chunk_sums[b] = 0.0
            chunk_counts[b] = 0
            chunk_masses[b] = 0.0
            start = c * CHUNK_SIZE
            _accumulate_chunk(X, weights, labels, start, min(start + CHUNK_SIZE, n), chunk_sums[b], chunk_counts[b],
                              chunk_masses[b])
        _add_partials(weights, chunk_sums, chunk_counts, chunk_masses, min(held, n_chunk - first), sums, counts,
                      masses)
    _masses_of_counts(weights, counts, masses)


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
        acc = np.float64(0.0)
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
def update_centers(sums, masses, centers):
    """Update half-step (KM-2): each cluster of positive weight (``masses``, float64: the
    sizes without weights) gets the weighted mean of its points, fl(s_j / W_j) in float64
    rounded once to the working dtype; a cluster of weight 0 keeps its centre. Writes
    ``centers`` (k, d) in place.

    Returns the shift :math:`\\sum_j W_j \\lVert \\mu_j - c_j \\rVert^2` of KM-2 (the trace's
    ``center_shift``) and the unweighted :math:`\\sum_j \\lVert \\mu_j - c_j \\rVert^2` (for ``tol``),
    in float64: the squared differences of the new and old centres added over f in order, the
    clusters in index order."""
    k, d = centers.shape
    shift, moves = np.float64(0.0), np.float64(0.0)
    for j in range(k):
        move = np.float64(0.0)
        if masses[j] > 0:
            for f in range(d):
                old = np.float64(centers[j, f])
                centers[j, f] = sums[j, f] / masses[j]
                diff = np.float64(centers[j, f]) - old
                move += diff * diff
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
    reduction across the vector's lanes, 7 ns per row of 16 in either dtype against 1.5
    (float64) and 0.86 (float32) in one loop. The index is unsigned: with a signed one, Numba's
    wraparound of negative indices made LLVM vectorise the loop with gathers, 7.5 ns per row of
    16 in float32 (seen with Numba 0.68 on an AMD EPYC with AVX-512)."""
    zero = X.dtype.type(0)
    d = X.shape[1]
    values = X.reshape(-1)
    largest = float_bits(zero)
    for q in range(np.uint64(start * d), np.uint64(stop * d)):
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
    largest = np.float64(0.0)
    for c in range(n_chunk):
        largest = partial[c] if float_bits(partial[c]) > float_bits(largest) else largest
    return largest


@kernel
def chunked_sum(values):
    """Sum of a float array in the package's order (chunk partials, in index order)."""
    n = values.shape[0]
    total = np.float64(0.0)
    for start in range(0, n, CHUNK_SIZE):
        part = np.float64(0.0)
        for i in range(start, min(start + CHUNK_SIZE, n)):
            part += values[i]
        total += part
    return total


@parallel_kernel
def squared_distances(X, centers_T, out):
    """``out[i, j]`` = squared distance of point i to centre j (for ``transform``), from the
    centres stored transposed (``centers_T``, shape (n_features, n_clusters)) so that the
    innermost loop runs over clusters and vectorises."""
    n, d = X.shape
    k = centers_T.shape[1]
    for i in _prange(n):
        out[i] = 0
        for f in range(d):
            xf = X[i, f]
            for j in range(k):
                diff = xf - centers_T[f, j]
                out[i, j] += diff * diff
