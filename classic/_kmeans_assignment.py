"""The assignment half-step of k-means as :mod:`classic.kmeans` and its certificate call it:
the constants of the KM-8 bound test and the KM-9 filter (``proofs/kmeans.md``), rounded as the
proof says, and the buffers of the assignment's cluster sums. The kernels themselves are in
:mod:`classic._kmeans_kernels`; the Lloyd loop that calls them is :func:`classic.kmeans._lloyd`.
"""

import functools
from fractions import Fraction

import numpy as np

from classic import _kmeans_distances as distances
from classic import _kmeans_kernels as kernels
from classic._jit import for_rows, held_chunks, n_chunks, one_blas_thread
from classic.rounding import gamma_exact, round_up, unit_roundoff


def _pruning_factors(n_features, dtype, n_clusters=None, nearest_only=False):
    """``(bound_factor, lower_factor, slack)`` of the pruned, filtered assignment
    (proofs/kmeans.md): the two KM-8 factors, beta = (1 - gamma_{d+2})(1 - 6u64) for the bound test
    and lambda = (1 - gamma_{d+2})(1 - 2u64) for the bound it stores, gamma of the working precision
    rounded up (the 6u64 absorbs the test's float64 roundings, beta (1 + u64)^4 <= lambda: do not
    weaken it to 2u64), and the constants of the two KM-9 filter stages,
    ``slack[0]`` computing in float32 and ``slack[1]`` in the working precision (switched off
    for float32 data, where it would repeat the first). Given ``n_clusters``, both stages are
    switched off where the exact scan across points is cheaper (at most
    ``EXACT_PANEL_CLUSTERS`` clusters in float64 with up to 16 features, half as many with
    more, twice as many in float32; a quarter of that with ``nearest_only``, for ``predict`` and
    ``score``, where the filter computes one distance per point or none): the kernels then scan
    every point the bound test leaves exactly, with the same results. ``slack`` is then None, and
    the kernels' variant for it is compiled without the filter (the first fit on small data
    compiles 7 s less)."""
    g = round_up(gamma_exact(n_features + 2, dtype))  # at least gamma_{d+2}, as KM-8's chain assumes
    u = 2.0**-53
    working = np.dtype(dtype)
    slack = np.array([_filter_constants(int(n_features), working, np.dtype(np.float32)),
                      _filter_constants(int(n_features), working, working)])
    if working == np.float32:
        slack[1, 2] = -1.0
    limit = 8 * distances.EXACT_PANEL_CLUSTERS // (1 if n_features <= 16 else 2) // (4 if nearest_only else 1)
    if n_clusters is not None and n_clusters * working.itemsize <= limit:
        slack = None
    return (1.0 - g) * (1.0 - 6 * u), (1.0 - g) * (1.0 - 2 * u), slack


@functools.lru_cache(maxsize=64)
def _filter_constants(n_features, working, filtering):
    """``(kappa, tau, largest_norm, index_bits)`` of a KM-9 filter stage that computes in the
    precision ``filtering`` (unit roundoff v) for data in ``working`` (u), exactly as
    proofs/kmeans.md defines them: kappa = 2 (A + C (1 + v) / (1 - eps)**2) / (1 - gamma_d(v))
    and tau = 18 d sigma_v, each rounded up to the working precision; the largest squared
    norm the stage accepts (Omega_v / 16, or -1 when its gate fails: then no point passes) and
    the most mantissa bits its keys may give to the centre index."""
    d = int(n_features)
    u, v = Fraction(unit_roundoff(working)), Fraction(unit_roundoff(filtering))
    info = np.finfo(filtering)
    off = (0.0, 0.0, -1.0, 0.0)
    if (d + 2) * v > Fraction(1, 16):
        return off
    eps = u if u == v else (1 + u) * (1 + v) - 1  # the shift x - m, then the rounding to the filter
    A = 2 * gamma_exact(d + 2, filtering)
    C = 2 * eps * (2 + eps) + 2 * (1 + eps) * v + 2 * gamma_exact(d + 2, working)
    kappa = 2 * (A + C * (1 + v) / (1 - eps) ** 2) / (1 - gamma_exact(d, filtering))
    if kappa > 1:
        return off
    tau = 18 * d * Fraction(float(info.smallest_subnormal))
    return (round_up(kappa, working), round_up(tau, working), float(info.max) / 16.0, float(info.nmant // 2))


UNWEIGHTED = kernels.UNWEIGHTED


def _weights(sample_weight):
    """The kernels' weights argument for validated ``sample_weight`` (None or float64 (n,))."""
    return UNWEIGHTED if sample_weight is None else sample_weight


def _buffers(n, k, d):
    """Scratch buffers of :func:`kernels.assign`: chunk sums, counts and masses (weights) of the
    chunks it holds at once (:func:`held_chunks`); sums, counts, masses."""
    held = held_chunks(n_chunks(n), 8 * k * (d + 2))
    return (np.zeros((held, k, d)), np.zeros((held, k), dtype=np.int64), np.zeros((held, k)),
            np.zeros((k, d)), np.zeros(k, dtype=np.int64), np.zeros(k))


def _scan_all(X, centers, labels, keep, sample_weight=None):
    """Assignment with every point scanned exactly (no KM-8 bound lets a point keep its label, and
    the KM-9 filter is off, ``slack`` None, whatever the number of clusters), cluster sums and
    bounds included: for the certificate, whose KM-7 so rests on neither pruning (until 2026-12-06
    a fit with many clusters had its fixed point checked through the fit's own filter; audit 32)."""
    n, d = X.shape
    k = centers.shape[0]
    bound_factor, lower_factor, _ = _pruning_factors(d, X.dtype)
    with one_blas_thread(n, k * d):
        return for_rows(kernels.assign, n)(
            X, _weights(sample_weight), centers, labels, keep, np.zeros(n), np.zeros(3),
            bound_factor, lower_factor, None, *_buffers(n, k, d)
        )


def _nearest_centers(X, centers, *, objective, sample_weight=None):
    """Labels of the nearest centres (lowest index among the minima) for ``predict``, and the
    objective of that labelling, weighted by ``sample_weight`` if given, when ``objective`` is
    true (for ``score``; else 0.0): bit for bit what the full assignment gives, without its
    sums and bounds. The filter of KM-9 is switched off for fewer clusters than in a fit (a
    quarter as many): without bounds to keep it computes one distance per point or none."""
    n, d = X.shape
    labels = np.empty(n, dtype=np.int32)  # scikit-learn's dtype, written by the kernel
    need = distances.TERMS if objective else distances.LABELS
    with one_blas_thread(n, centers.shape[0] * d):
        value = for_rows(kernels.nearest, n)(X, _weights(sample_weight), centers,
                                             _pruning_factors(d, X.dtype, centers.shape[0], True)[2], need, labels)
    return labels, value
