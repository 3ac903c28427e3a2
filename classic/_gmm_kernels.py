"""Compiled kernels of EM for Gaussian mixtures (proofs/em.md).

The kernels work on *standardised* data ``Z`` (see :mod:`classic.gmm`) and
never validate: they receive finite, C-contiguous arrays of one float dtype.
Every parallel reduction follows the package policy (``classic._jit``): rows
are cut into fixed chunks of ``CHUNK_SIZE``, each chunk is reduced
sequentially into its own slot, and the slots are added in index order, so a
result is bitwise the same whatever the number of threads.

Covariances reach the kernels as *precision Cholesky factors* ``W``: a lower
triangular matrix with :math:`\\Sigma^{-1} = W^\\top W` (so ``W = L^{-1}`` for
:math:`\\Sigma = L L^\\top`), or a vector of :math:`1/\\sigma_j` for diagonal
covariances. The weighted log-density of component ``k`` at ``z`` is

.. math:: a_k(z) = \\log\\pi_k - \\tfrac{d}{2}\\log 2\\pi + \\sum_j \\log W_{k,jj}
          - \\tfrac12 \\lVert W_k (z - \\mu_k) \\rVert^2 ,

the first three terms being the per-component constant ``log_const``.

``e_step_full`` / ``e_step_diag`` make one pass over the data and return, for
the parameters they are given, everything the EM loop and its certificate
need (proofs/em.md, EM-1 to EM-6): the log-likelihood, the lower bound
F(q, θ) for the new responsibilities q and for the previous ones, the
rounding-error sums that make the certificate's slack, and the expected
sufficient statistics of the new responsibilities (the M-step's input).
"""

import numpy as np
from numba import prange

from classic._jit import CHUNK_SIZE, kernel, parallel_kernel

__all__ = ["e_step_full", "e_step_diag", "m_step", "log_densities_full", "log_densities_diag", "SUMS"]

#: Names of the scalar sums an E-step returns, in order (see :func:`e_step_full`).
SUMS = (
    "log_likelihood",  # sum_i L_i, L_i = log sum_k exp(a_ik)
    "abs_log_likelihood",  # sum_i |L_i|
    "expected",  # Q = sum_ik r_ik a_ik  (new responsibilities)
    "abs_expected",  # sum_ik r_ik |a_ik|
    "density_error",  # sum_ik r_ik delta_ik
    "entropy",  # H = -sum_ik r_ik log r_ik
    "normalisation_error",  # sum_i |rho_i - 1| (2 + sum_k r_ik (|a_ik| + |log r_ik|))
    "expected_previous",  # sum_ik r'_ik a_ik  (previous responsibilities r')
    "abs_expected_previous",  # sum_ik r'_ik |a_ik|
    "density_error_previous",  # sum_ik r'_ik delta_ik
    "max_weighted_log_density_error",  # max_i sum_k r_ik delta_ik (diagnostic)
)
_N_SUMS = len(SUMS)


@kernel
def _accumulate_row(i, a, delta, resp, has_previous, sums, n_components, zero, one):
    # One sample's share of every sum, given its weighted log-densities a[k]
    # and their error bounds delta[k]; overwrites resp[i] with the new
    # responsibilities after reading the previous ones. ``zero``/``one`` carry the dtype.
    if has_previous:
        for k in range(n_components):
            r = resp[i, k]
            if r > zero:
                sums[7] += r * a[k]
                sums[8] += r * abs(a[k])
                sums[9] += r * delta[k]
    # log-sum-exp, shifted by the largest term (EM-1, EM-6): e_k = exp(a_k - max) <= 1
    largest = a[0]
    for k in range(1, n_components):
        if a[k] > largest:
            largest = a[k]
    total = zero
    for k in range(n_components):
        e = np.exp(a[k] - largest)
        resp[i, k] = e
        total += e
    log_total = np.log(total)
    log_norm = largest + log_total
    sums[0] += log_norm
    sums[1] += abs(log_norm)
    rho = zero
    spread = zero
    weighted_error = zero
    for k in range(n_components):
        r = resp[i, k] / total
        resp[i, k] = r
        rho += r
        if r > zero:
            log_r = (a[k] - largest) - log_total
            sums[2] += r * a[k]
            sums[3] += r * abs(a[k])
            sums[4] += r * delta[k]
            sums[5] -= r * log_r
            spread += r * (abs(a[k]) + abs(log_r))
            weighted_error += r * delta[k]
    sums[6] += abs(rho - one) * (one + one + spread)
    if weighted_error > sums[10]:
        sums[10] = weighted_error


@kernel
def _chunk_slots(Z, n_chunks, n_components):
    # One slot per chunk for the scalar sums, N_k and F_k of the E-step (the
    # second-moment slots, whose shape depends on the covariance type, are the caller's).
    n_features = Z.shape[1]
    chunk_sums = np.zeros((n_chunks, _N_SUMS), dtype=Z.dtype)
    chunk_counts = np.zeros((n_chunks, n_components), dtype=Z.dtype)
    chunk_first = np.zeros((n_chunks, n_components, n_features), dtype=Z.dtype)
    return chunk_sums, chunk_counts, chunk_first


@kernel
def _local_accumulators(Z, n_components):
    # A chunk's own accumulators of the scalar sums, N_k and F_k, copied to its slot
    # at the end (no false sharing).
    local_sums = np.zeros(_N_SUMS, dtype=Z.dtype)
    local_counts = np.zeros(n_components, dtype=Z.dtype)
    local_first = np.zeros((n_components, Z.shape[1]), dtype=Z.dtype)
    return local_sums, local_counts, local_first


@kernel
def _combine_chunks(chunk_sums, chunk_counts, chunk_first, chunk_second):
    # The chunk slots added in index order (the last sum is a maximum): bitwise
    # independent of the thread count.
    dtype = chunk_sums.dtype
    sums = np.zeros(_N_SUMS, dtype=dtype)
    counts = np.zeros(chunk_counts.shape[1], dtype=dtype)
    first = np.zeros(chunk_first.shape[1:], dtype=dtype)
    second = np.zeros(chunk_second.shape[1:], dtype=dtype)
    for c in range(chunk_sums.shape[0]):
        for s in range(_N_SUMS - 1):
            sums[s] += chunk_sums[c, s]
        sums[_N_SUMS - 1] = max(sums[_N_SUMS - 1], chunk_sums[c, _N_SUMS - 1])
        counts += chunk_counts[c]
        first += chunk_first[c]
        second += chunk_second[c]
    return sums, counts, first, second


@parallel_kernel
def e_step_full(Z, means, precision_upper, log_const, const_error, omega, gamma_density, resp, has_previous):
    """E-step for full (and tied) covariances: one pass, chunked and parallel.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_features)
    means : ndarray of shape (n_components, n_features)
    precision_upper : ndarray of shape (n_components, n_features, n_features)
        Upper-triangular :math:`U_k = W_k^\\top`, :math:`\\Sigma_k^{-1} = U_k U_k^\\top`
        (scikit-learn's ``precisions_cholesky_``, in standardised units).
    log_const : ndarray of shape (n_components,)
        :math:`\\log\\pi_k - \\frac d2 \\log 2\\pi + \\sum_j \\log W_{k,jj}`.
    const_error : ndarray of shape (n_components,)
        Bound on the rounding error of ``log_const`` (EM-6).
    omega : ndarray of shape (n_components,)
        :math:`\\lVert W_k \\rVert_F^2`, for the error bound of the Mahalanobis term (EM-6).
    gamma_density : float
        :math:`\\gamma_{d+4}` of the working precision (EM-6).
    resp : ndarray of shape (n_samples, n_components)
        In: the previous responsibilities (read when ``has_previous``).
        Out: the responsibilities at these parameters.
    has_previous : bool

    Returns
    -------
    sums : ndarray of shape (len(SUMS),)
        The scalar sums named in :data:`SUMS`.
    counts : ndarray of shape (n_components,)
        :math:`N_k = \\sum_i r_{ik}`.
    first : ndarray of shape (n_components, n_features)
        :math:`\\sum_i r_{ik} (z_i - \\mu_k)`, about the *current* means.
    second : ndarray of shape (n_components, n_features, n_features)
        :math:`\\sum_i r_{ik} (z_i - \\mu_k)(z_i - \\mu_k)^\\top`, about the current means.
    """
    n_samples, n_features = Z.shape
    n_components = means.shape[0]
    n_chunks = (n_samples + CHUNK_SIZE - 1) // CHUNK_SIZE
    dtype = Z.dtype
    chunk_sums, chunk_counts, chunk_first = _chunk_slots(Z, n_chunks, n_components)
    chunk_second = np.zeros((n_chunks, n_components, n_features, n_features), dtype=dtype)
    half = np.ones(1, dtype=dtype)[0] / 2
    two = half + half + half + half
    for c in prange(n_chunks):
        diff = np.empty((n_components, n_features), dtype=dtype)
        y = np.empty(n_features, dtype=dtype)
        a = np.empty(n_components, dtype=dtype)
        delta = np.empty(n_components, dtype=dtype)
        local_sums, local_counts, local_first = _local_accumulators(Z, n_components)
        local_second = np.zeros((n_components, n_features, n_features), dtype=dtype)
        for i in range(c * CHUNK_SIZE, min(n_samples, (c + 1) * CHUNK_SIZE)):
            for k in range(n_components):
                norm2 = half - half
                for j in range(n_features):
                    diff[k, j] = Z[i, j] - means[k, j]
                    norm2 += diff[k, j] * diff[k, j]
                # y = W (z - mu), W lower; U = W^T so the inner loop runs along a row of U
                # (each y_p still sums q = 0..p in order: the same roundings as a dot product)
                y[:] = half - half
                for q in range(n_features):
                    dq = diff[k, q]
                    for p in range(q, n_features):
                        y[p] += precision_upper[k, q, p] * dq
                maha = half - half
                for p in range(n_features):
                    maha += y[p] * y[p]
                a[k] = log_const[k] - half * maha
                delta[k] = gamma_density * (two * omega[k] * norm2 + abs(a[k])) + const_error[k]
            _accumulate_row(i, a, delta, resp, has_previous, local_sums, n_components, half - half, half + half)
            for k in range(n_components):
                r = resp[i, k]
                local_counts[k] += r
                for p in range(n_features):
                    rd = r * diff[k, p]
                    local_first[k, p] += rd
                    for q in range(p + 1):
                        local_second[k, p, q] += rd * diff[k, q]
        chunk_sums[c] = local_sums
        chunk_counts[c] = local_counts
        chunk_first[c] = local_first
        chunk_second[c] = local_second
    sums, counts, first, second = _combine_chunks(chunk_sums, chunk_counts, chunk_first, chunk_second)
    for k in range(n_components):
        for p in range(n_features):
            for q in range(p):
                second[k, q, p] = second[k, p, q]
    return sums, counts, first, second


@parallel_kernel
def e_step_diag(Z, means, precision_cholesky, log_const, const_error, gamma_density, resp, has_previous):
    """E-step for diagonal (and spherical) covariances; as :func:`e_step_full`
    with ``precision_cholesky`` of shape (n_components, n_features) holding
    :math:`1/\\sigma_{kj}`, and ``second`` of shape (n_components, n_features)
    holding :math:`\\sum_i r_{ik} (z_{ij} - \\mu_{kj})^2`."""
    n_samples, n_features = Z.shape
    n_components = means.shape[0]
    n_chunks = (n_samples + CHUNK_SIZE - 1) // CHUNK_SIZE
    dtype = Z.dtype
    chunk_sums, chunk_counts, chunk_first = _chunk_slots(Z, n_chunks, n_components)
    chunk_second = np.zeros((n_chunks, n_components, n_features), dtype=dtype)
    half = np.ones(1, dtype=dtype)[0] / 2
    for c in prange(n_chunks):
        diff = np.empty((n_components, n_features), dtype=dtype)
        a = np.empty(n_components, dtype=dtype)
        delta = np.empty(n_components, dtype=dtype)
        local_sums, local_counts, local_first = _local_accumulators(Z, n_components)
        local_second = np.zeros((n_components, n_features), dtype=dtype)
        for i in range(c * CHUNK_SIZE, min(n_samples, (c + 1) * CHUNK_SIZE)):
            for k in range(n_components):
                maha = half - half
                for j in range(n_features):
                    diff[k, j] = Z[i, j] - means[k, j]
                    y = precision_cholesky[k, j] * diff[k, j]
                    maha += y * y
                a[k] = log_const[k] - half * maha
                delta[k] = gamma_density * (maha + abs(a[k])) + const_error[k]
            _accumulate_row(i, a, delta, resp, has_previous, local_sums, n_components, half - half, half + half)
            for k in range(n_components):
                r = resp[i, k]
                local_counts[k] += r
                for j in range(n_features):
                    rd = r * diff[k, j]
                    local_first[k, j] += rd
                    local_second[k, j] += rd * diff[k, j]
        chunk_sums[c] = local_sums
        chunk_counts[c] = local_counts
        chunk_first[c] = local_first
        chunk_second[c] = local_second
    sums, counts, first, second = _combine_chunks(chunk_sums, chunk_counts, chunk_first, chunk_second)
    return sums, counts, first, second


@parallel_kernel
def log_densities_full(Z, means, precision_upper, log_const):
    """Weighted log-densities :math:`a_{ik}` for full (and tied) covariances.

    Returns ndarray of shape (n_samples, n_components). Row-wise independent,
    so trivially the same for any number of threads.
    """
    n_samples, n_features = Z.shape
    n_components = means.shape[0]
    out = np.empty((n_samples, n_components), dtype=Z.dtype)
    half = np.ones(1, dtype=Z.dtype)[0] / 2
    for i in prange(n_samples):
        diff = np.empty(n_features, dtype=Z.dtype)
        y = np.empty(n_features, dtype=Z.dtype)
        for k in range(n_components):
            for j in range(n_features):
                diff[j] = Z[i, j] - means[k, j]
            y[:] = half - half
            for q in range(n_features):
                for p in range(q, n_features):
                    y[p] += precision_upper[k, q, p] * diff[q]
            maha = half - half
            for p in range(n_features):
                maha += y[p] * y[p]
            out[i, k] = log_const[k] - half * maha
    return out


@parallel_kernel
def log_densities_diag(Z, means, precision_cholesky, log_const):
    """Weighted log-densities :math:`a_{ik}` for diagonal (and spherical) covariances."""
    n_samples, n_features = Z.shape
    n_components = means.shape[0]
    out = np.empty((n_samples, n_components), dtype=Z.dtype)
    half = np.ones(1, dtype=Z.dtype)[0] / 2
    for i in prange(n_samples):
        for k in range(n_components):
            maha = half - half
            for j in range(n_features):
                y = precision_cholesky[k, j] * (Z[i, j] - means[k, j])
                maha += y * y
            out[i, k] = log_const[k] - half * maha
    return out


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
    O(K d^3) work, so plain NumPy in the working dtype.

    A component with :math:`N_k = 0` keeps its mean (F does not depend on it).
    """
    dtype = counts.dtype
    n_components, n_features = means.shape
    safe = np.where(counts > 0, counts, 1).astype(dtype)
    shift = first / safe[:, None]
    new_means = (means + shift).astype(dtype)
    excess = concentration - 1.0
    weights = ((counts + dtype.type(excess)) / (np.sum(counts) + dtype.type(n_components * excess))).astype(dtype)
    a = dtype.type(strength)
    if covariance_type in ("full", "tied"):
        scatter = second - first[:, :, None] * shift[:, None, :]
        scatter = (scatter + np.swapaxes(scatter, 1, 2)) / dtype.type(2)
        prior_term = (a * prior_covariance).astype(dtype)
        if covariance_type == "full":
            covariances = (scatter + prior_term) / (counts + a)[:, None, None]
        else:
            covariances = (np.sum(scatter, axis=0) + prior_term) / (np.sum(counts) + a)
    else:
        scatter = second - first * shift
        if covariance_type == "diag":
            prior_term = (a * np.diag(prior_covariance)).astype(dtype)
            covariances = (scatter + prior_term) / (counts + a)[:, None]
        else:
            prior_term = dtype.type(a * np.trace(prior_covariance))
            covariances = (np.sum(scatter, axis=1) + prior_term) / (dtype.type(n_features) * (counts + a))
    return weights, new_means, covariances.astype(dtype)
