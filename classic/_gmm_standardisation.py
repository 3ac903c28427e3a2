"""Compiled kernels of the standardisation of EM for Gaussian mixtures (proofs/em.md,
"Units"): the column statistics that choose shift and scale, Z = (X − shift)/scale, the
variance of Z's columns (the collapse test's floor) and the default prior's second moments.

Every z_ij is computed by :func:`_standardised`, the one form, so that Z, the blocks of
inference (:mod:`classic._gmm_kernels`) and the prior's moments agree bit for bit.
"""

import numpy as np
from numba import prange

from classic._jit import inline_kernel, kernel, parallel_kernel

__all__ = ["column_statistics", "second_moments", "standardise", "column_variances"]


@kernel
def column_statistics(X, shift, spread, squares):
    """The standardisation's statistics (proofs/em.md, "Units") in three passes over X, without
    temporaries: shift_j the column mean, spread_j = max_i |x_ij − shift_j|, and squares[j] =
    Σ_i ((x_ij − shift_j)/spread_j)² (spread 0: 1), squares[d] = Σ_ij ((x_ij − shift_j)/max_j spread_j)²,
    all float64 (dividing first, so that squares cannot overflow). A constant column's mean is its
    value, exactly (the rounded sum / n may miss it, 0.1 by an ulp: then its deviations, spread and
    default prior were that rounding error's, audit 52), so its deviations are exactly 0."""
    n, d = X.shape
    constant = np.ones(d, dtype=np.bool_)
    for j in range(d):
        shift[j] = 0.0
    for i in range(n):
        for j in range(d):
            shift[j] += np.float64(X[i, j])
            constant[j] = constant[j] and X[i, j] == X[0, j]
    for j in range(d):
        shift[j] = np.float64(X[0, j]) if constant[j] else shift[j] / n
        spread[j] = 0.0
    for i in range(n):
        for j in range(d):
            spread[j] = max(spread[j], abs(np.float64(X[i, j]) - shift[j]))
    largest = np.float64(0.0)
    for j in range(d):
        largest = max(largest, spread[j])
    safe = np.empty(d)
    for j in range(d):
        safe[j] = spread[j] if spread[j] > 0.0 else 1.0
        squares[j] = 0.0
    common = largest if largest > 0.0 else 1.0
    total = np.float64(0.0)
    for i in range(n):
        for j in range(d):
            deviation = np.float64(X[i, j]) - shift[j]
            squares[j] += (deviation / safe[j]) ** 2
            total += (deviation / common) ** 2
    squares[d] = total


@inline_kernel
def _standardised(X, i, j, shift, scale):
    # z_ij = (x_ij − shift_j)/scale_j in float64: the one form of the standardisation, so that
    # Z, the blocks of inference and the prior's moments agree bit for bit
    return (np.float64(X[i, j]) - shift[j]) / scale[j]


@kernel
def second_moments(X, shift, scale, moments):
    """moments_j = (1/n) Σ_i ((x_ij − shift_j)/scale_j)² in float64, one pass over X in row order,
    without temporaries (the default prior's feature variances, in standardised units; exactly 0
    for a constant column, whose shift is its value: :func:`column_statistics`)."""
    n, d = X.shape
    for j in range(d):
        moments[j] = 0.0
    for i in range(n):
        for j in range(d):
            moments[j] += _standardised(X, i, j, shift, scale) ** 2
    for j in range(d):
        moments[j] = moments[j] / n


@parallel_kernel
def standardise(X, shift, scale, Z):
    """Z_ij = (x_ij − shift_j)/scale_j in float64, rounded to Z's precision (one pass, by rows)."""
    n, d = X.shape
    for i in prange(n):
        for j in range(d):
            Z[i, j] = _standardised(X, i, j, shift, scale)


@kernel
def column_variances(Z, variance, extent):
    """The variance of each column of Z in float64 (two passes), exactly 0 for a constant column,
    and its extent max_i |z_ij| (exact; proofs/em.md, EM-5, "Underflow")."""
    n, d = Z.shape
    mean = np.zeros(d)
    constant = np.ones(d, dtype=np.bool_)
    extent[:] = 0.0
    for i in range(n):
        for j in range(d):
            z = np.float64(Z[i, j])
            mean[j] += z
            constant[j] = constant[j] and Z[i, j] == Z[0, j]
            extent[j] = max(extent[j], abs(z))
    for j in range(d):
        mean[j] = mean[j] / n
        variance[j] = 0.0
    for i in range(n):
        for j in range(d):
            variance[j] += (np.float64(Z[i, j]) - mean[j]) ** 2
    for j in range(d):
        variance[j] = 0.0 if constant[j] else variance[j] / n
