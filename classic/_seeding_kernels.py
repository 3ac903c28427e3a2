"""Compiled kernels of k-means++ seeding (``proofs/kmeans_plusplus.md``, KPP-*),
called by :mod:`classic.seeding`.

Distances are those of :mod:`classic._kmeans_kernels` (the one difference form,
:func:`~classic._kmeans_kernels.squared_distance`); potentials are accumulated
in float64 per chunk of ``CHUNK_SIZE`` rows and the chunk partials combined in
index order, so that no result depends on the number of threads.
"""

import numpy as np
from numba import prange as _prange

from classic._jit import CHUNK_SIZE, kernel, parallel_kernel
from classic._kmeans_kernels import squared_distance

__all__ = ["update_closest", "potential_with", "sample_index"]


@kernel
def _sum_in_order(parts):
    # Chunk partials combined in index order, in float64 (the package's reduction order).
    total = 0.0
    for c in range(parts.shape[0]):
        total += parts[c]
    return total


@parallel_kernel
def update_closest(X, center, closest, chunk_potential):
    """D² update (KPP-1): ``closest[i] = min(closest[i], d(x_i, center))``.
    Fills ``chunk_potential`` with per-chunk sums and returns the potential
    (the sum of ``closest``)."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    for c in _prange(n_chunk):
        part = 0.0
        for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
            acc = squared_distance(X, i, center)
            if acc < closest[i]:
                closest[i] = acc
            part += closest[i]
        chunk_potential[c] = part
    return _sum_in_order(chunk_potential[:n_chunk])


@parallel_kernel
def potential_with(X, center, closest):
    """Potential if ``center`` were added: the sum of min(closest, d(x, center))
    (greedy k-means++ with several local trials, KPP-3)."""
    n = X.shape[0]
    n_chunk = (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    parts = np.zeros(n_chunk)
    for c in _prange(n_chunk):
        part = 0.0
        for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
            acc = squared_distance(X, i, center)
            part += min(acc, closest[i])
        parts[c] = part
    return _sum_in_order(parts)


@kernel
def sample_index(closest, chunk_potential, target):
    """D² sampling (KPP-1): the first index i whose cumulative ``closest`` (in
    chunk order) exceeds ``target`` (0 <= target < potential). Points with
    ``closest[i] == 0`` are never returned. Returns -1 if rounding put the target
    past the end (the caller then takes the last point of positive weight)."""
    n = closest.shape[0]
    cumulative = 0.0
    for c in range(chunk_potential.shape[0]):
        if cumulative + chunk_potential[c] <= target:
            cumulative += chunk_potential[c]
            continue
        for i in range(c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)):
            if closest[i] > 0:
                cumulative += closest[i]
                if cumulative > target:
                    return i
        # rounding: the chunk's terms summed here fell short of its partial
    for i in range(n - 1, -1, -1):
        if closest[i] > 0:
            return i
    return -1
