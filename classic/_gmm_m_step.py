"""Compiled kernels of the M-step of EM for Gaussian mixtures (proofs/em.md, EM-2 and EM-5):
the closed-form maximiser of F(q, θ) + log p(θ) from the expected sufficient statistics the
E-step returns (:mod:`classic._gmm_kernels`), and the precision Cholesky factors the next
E-step takes (with the collapse test of EM-8).
"""

import numpy as np

from classic._gmm_kernels import _constants
from classic._jit import kernel

__all__ = ["m_step", "precision_factors"]


@kernel
def precision_factors(stack, floor, factors):
    """W = L⁻¹ for Σ = L Lᵀ (Cholesky), in the working precision, for each covariance of
    ``stack``; the precision Cholesky factors the E-step takes (Σ⁻¹ = WᵀW). Returns the index
    of the first covariance with a pivot ℓ_jj² ≤ floor_j (singular at working precision,
    proofs/em.md, EM-8), or -1. Column by column (Cholesky–Banachiewicz) and forward
    substitution: backward stable, as LAPACK's, and a few microseconds for small d."""
    d = stack.shape[1]
    zero, half = _constants(stack)
    one = half + half
    lower = np.empty((d, d), dtype=stack.dtype)
    for c in range(stack.shape[0]):
        sigma = stack[c]
        for j in range(d):
            total = sigma[j, j]
            for k in range(j):
                total -= lower[j, k] * lower[j, k]
            if not total > zero:
                return c
            pivot = np.sqrt(total)
            if not np.float64(pivot * pivot) > floor[j]:
                return c
            lower[j, j] = pivot
            for i in range(j + 1, d):
                total = sigma[i, j]
                for k in range(j):
                    total -= lower[i, k] * lower[j, k]
                lower[i, j] = total / pivot
        w = factors[c]
        for j in range(d):
            for i in range(j):
                w[i, j] = zero
            w[j, j] = one / lower[j, j]
            for i in range(j + 1, d):
                total = zero
                for k in range(j, i):
                    total += lower[i, k] * w[k, j]
                w[i, j] = -total / lower[i, i]
    return -1


@kernel
def _weights_and_means(counts, first, means, excess, weights, new_means, shift):
    # π_k = (N_k + α − 1)/(Σ_j N_j + K(α − 1)); shift = F_k/N_k (N_k = 0: 1), μ_k + shift.
    K, d = means.shape
    cast = counts.dtype.type
    one = cast(1)
    total = one - one
    for k in range(K):
        total += counts[k]
    denominator = total + cast(K * excess)
    for k in range(K):
        weights[k] = (counts[k] + cast(excess)) / denominator
        safe = counts[k] if counts[k] > 0 else one
        for p in range(d):
            shift[k, p] = first[k, p] / safe
            new_means[k, p] = means[k, p] + shift[k, p]
    return total


@kernel
def m_step_full(counts, first, second, means, tied, strength, prior_covariance, excess, weights, new_means,
                covariances):
    """:func:`m_step` for full (``tied``: one covariance, ``covariances`` of shape (1, d, d))
    covariances, into the given arrays."""
    K, d = means.shape
    shift = np.empty_like(first)
    total = _weights_and_means(counts, first, means, excess, weights, new_means, shift)
    cast = counts.dtype.type
    a = cast(strength)
    two = cast(2)
    zero = a - a
    if tied:
        for p in range(d):
            for q in range(d):
                covariances[0, p, q] = zero
    for k in range(K):
        for p in range(d):
            for q in range(d):
                # S = second − F (F/N)ᵀ, symmetrised
                scatter = ((second[k, p, q] - first[k, p] * shift[k, q]) + (second[k, q, p] - first[k, q] * shift[k, p])) / two
                if tied:
                    covariances[0, p, q] += scatter
                else:
                    prior = cast(np.float64(a) * prior_covariance[p, q])
                    covariances[k, p, q] = (scatter + prior) / (counts[k] + a)
    if tied:
        for p in range(d):
            for q in range(d):
                prior = cast(np.float64(a) * prior_covariance[p, q])
                covariances[0, p, q] = (covariances[0, p, q] + prior) / (total + a)


@kernel
def m_step_diag(counts, first, second, means, spherical, strength, prior_covariance, excess, weights, new_means,
                covariances):
    """:func:`m_step` for diagonal (``spherical``: ``covariances`` of shape (K, 1)) covariances,
    into the given arrays."""
    K, d = means.shape
    shift = np.empty_like(first)
    _weights_and_means(counts, first, means, excess, weights, new_means, shift)
    cast = counts.dtype.type
    a = cast(strength)
    trace = np.float64(0.0)
    for j in range(d):
        trace += prior_covariance[j, j]
    for k in range(K):
        denominator = counts[k] + a
        if spherical:
            total = a - a
            for j in range(d):
                total += second[k, j] - first[k, j] * shift[k, j]
            covariances[k, 0] = (total + cast(np.float64(a) * trace)) / (cast(d) * denominator)
        else:
            for j in range(d):
                prior = cast(np.float64(a) * prior_covariance[j, j])
                covariances[k, j] = ((second[k, j] - first[k, j] * shift[k, j]) + prior) / denominator


def m_step(counts, first, second, means, covariance_type, strength, prior_covariance, concentration):
    """M-step from the expected sufficient statistics (proofs/em.md, EM-2, EM-5).

    The maximiser of :math:`F(q, \\theta) + \\log p(\\theta)` in closed form,
    with :math:`N_k`, :math:`\\bar z_k = \\mu_k + F_k / N_k` and the scatter
    :math:`S_k = \\sum_i r_{ik}(z_i - \\bar z_k)(z_i - \\bar z_k)^\\top
    = \\text{second}_k - F_k F_k^\\top / N_k` (statistics about the current means):

    .. math::
        \\pi_k = \\frac{N_k + \\alpha - 1}{\\sum_j N_j + K(\\alpha - 1)},\\qquad
        \\mu_k = \\bar z_k,\\qquad
        \\Sigma_k = \\frac{S_k + a \\Sigma_0}{N_k + a}

    (``tied``: one :math:`\\Sigma = (\\sum_k S_k + a\\Sigma_0)/(\\sum_k N_k + a)`;
    ``diag``: the diagonal of the same; ``spherical``:
    :math:`\\sigma_k^2 = (\\operatorname{tr} S_k + a \\operatorname{tr}\\Sigma_0)/(d(N_k + a))`).
    ``a = strength = 0`` and ``alpha = concentration = 1`` give maximum likelihood.
    O(K d²) work, in the working dtype: each entry by the same operations as the formulas
    (one small kernel per family, so that a small fit pays microseconds for it).

    A component with :math:`N_k = 0` keeps its mean (F does not depend on it).
    """
    dtype = counts.dtype
    n_components, n_features = means.shape
    weights, new_means = np.empty(n_components, dtype=dtype), np.empty((n_components, n_features), dtype=dtype)
    prior_covariance = np.asarray(prior_covariance, dtype=np.float64)
    excess = float(concentration) - 1.0
    if covariance_type in ("full", "tied"):
        tied = covariance_type == "tied"
        covariances = np.empty((1 if tied else n_components, n_features, n_features), dtype=dtype)
        m_step_full(counts, first, second, means, tied, float(strength), prior_covariance, excess, weights, new_means,
                    covariances)
        return weights, new_means, covariances[0] if tied else covariances
    spherical = covariance_type == "spherical"
    covariances = np.empty((n_components, 1 if spherical else n_features), dtype=dtype)
    m_step_diag(counts, first, second, means, spherical, float(strength), prior_covariance, excess, weights, new_means,
                covariances)
    return weights, new_means, covariances[:, 0] if spherical else covariances
