"""Compiled kernels of k-means++ seeding (``proofs/kmeans_plusplus.md``, KPP-*),
called by :mod:`classic.seeding`.

Distances are those of the k-means kernels (the one difference form,
:func:`~classic._kmeans_distances.squared_distance`); potentials are accumulated
in float64 per chunk of ``CHUNK_SIZE`` rows and the chunk partials combined in
index order, so that no result depends on the number of threads.

Sample weights: every kernel takes ``weights``, a float64 array of shape
(n_samples,), or of shape (0,) for "no weights". The term of row i in a
potential is then ``closest[i]`` (converted exactly to float64) without weights
and fl(w_i · closest[i]) in float64 (one rounding) with them; the branch is
taken once per chunk, so each kernel compiles once per dtype.
"""

import numpy as np
from numba import prange as _prange

from classic._jit import CHUNK_SIZE, inline_kernel, kernel, parallel_kernel
from classic._kmeans_distances import squared_distance

__all__ = ["update_closest", "potential_with", "sample_index"]


@kernel
def _sum_in_order(parts):
    # Chunk partials combined in index order, in float64 (the package's reduction order).
    total = np.float64(0.0)
    for c in range(parts.shape[0]):
        total += parts[c]
    return total


@inline_kernel
def _term(closest, weights, i):
    # Row i's term of the potential: closest[i] without weights, fl(w_i * closest[i]) with them.
    if weights.shape[0] == 0:
        return np.float64(closest[i])
    return weights[i] * closest[i]


@parallel_kernel
def update_closest(X, center, closest, weights, chunk_potential):
    """D² update (KPP-1): ``closest[i] = min(closest[i], d(x_i, center))``.
    Fills ``chunk_potential`` with the per-chunk sums of the terms (``closest[i]``,
    or fl(w_i · closest[i]) when ``weights`` is not empty) and returns the
    potential, their sum."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    for c in _prange(n_chunk):
        part = np.float64(0.0)
        if weights.shape[0] == 0:
            for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
                acc = squared_distance(X, i, center)
                if acc < closest[i]:
                    closest[i] = acc
                part += closest[i]
        else:
            for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
                acc = squared_distance(X, i, center)
                if acc < closest[i]:
                    closest[i] = acc
                part += weights[i] * closest[i]
        chunk_potential[c] = part
    return _sum_in_order(chunk_potential[:n_chunk])


@parallel_kernel
def potential_with(X, center, closest, weights):
    """Potential if ``center`` were added: the sum of the terms of
    min(closest, d(x, center)), weighted as in :func:`update_closest`
    (greedy k-means++ with several local trials, KPP-3)."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    parts = np.zeros(n_chunk)
    for c in _prange(n_chunk):
        part = np.float64(0.0)
        if weights.shape[0] == 0:
            for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
                acc = squared_distance(X, i, center)
                part += min(acc, closest[i])
        else:
            for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
                acc = squared_distance(X, i, center)
                part += weights[i] * min(acc, closest[i])
        parts[c] = part
    return _sum_in_order(parts)


@kernel
def sample_index(closest, weights, chunk_potential, target):
    """D² sampling (KPP-1): the first index i whose cumulative term (``closest[i]``,
    or fl(w_i · closest[i]) when ``weights`` is not empty), summed in chunk order,
    exceeds ``target`` (0 <= target < potential). Rows whose term is 0 are never
    returned. If rounding puts the target past the end, the last row of positive
    term is returned (-1 only if there is none, which a positive potential excludes)."""
    n = closest.shape[0]
    cumulative = np.float64(0.0)
    for c in range(chunk_potential.shape[0]):
        if cumulative + chunk_potential[c] <= target:
            cumulative += chunk_potential[c]
            continue
        for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
            term = _term(closest, weights, i)
            if term > 0:
                cumulative += term
                if cumulative > target:
                    return i
        # rounding: the chunk's terms summed here fell short of its partial
    for i in range(n - 1, -1, -1):
        if _term(closest, weights, i) > 0:
            return i
    return -1
