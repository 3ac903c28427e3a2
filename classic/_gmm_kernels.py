"""Compiled kernels of EM for Gaussian mixtures (proofs/em.md).

The kernels work on *standardised* data ``Z`` (see :mod:`classic.gmm`) and
never validate: they receive finite, C-contiguous arrays of one float dtype.
Every parallel reduction follows the package policy (``classic._jit``): rows
are cut into fixed chunks of ``CHUNK_SIZE``, each chunk is reduced
sequentially into its own slot, and the slots are added in index order, so a
result is bitwise the same whatever the number of threads (the E-steps hold the slots
of a bounded number of chunks at a time, :func:`classic._jit.held_chunks`: the same
additions in the same order).

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
sufficient statistics of the new responsibilities (the M-step's input, whose kernels are in
:mod:`classic._gmm_m_step`). The standardisation's kernels are in
:mod:`classic._gmm_standardisation`; here also the inference of a fitted mixture
(``log_densities_full``, ``log_densities_diag``, ``log_normalisers``, ``normalise_rows``).
"""

import math

import numpy as np
from numba import prange

from classic._gmm_standardisation import _standardised
from classic._jit import CHUNK_SIZE, inline_kernel, kernel, parallel_kernel

__all__ = ["e_step_full", "e_step_diag", "log_densities_full", "log_densities_diag", "log_normalisers",
           "normalise_rows", "spread_factors", "log_constants", "diagonal_factors", "SUMS"]

#: Names of the scalar sums an E-step returns, in order (see :func:`e_step_full`).
SUMS = (
    "log_likelihood",  # sum_i L_i, L_i = log sum_k exp(a_ik)
    "abs_log_likelihood",  # sum_i |L_i|
    "expected",  # Q = sum_ik r_ik a_ik  (new responsibilities)
    "abs_expected",  # sum_ik r_ik |a_ik|
    "density_error",  # sum_ik r_ik delta_ik
    "entropy",  # H = -sum_ik r_ik log r_ik
    "expected_previous",  # sum_ik r'_ik a_ik  (previous responsibilities r')
    "abs_expected_previous",  # sum_ik r'_ik |a_ik|
    "density_error_previous",  # sum_ik r'_ik delta_ik
    "overflowed",  # entries whose Mahalanobis term overflowed (a_ik = -inf)
    "density_excess",  # sum_ik of an upper bound on p_ik (exp(delta_ik) - 1) (EM-6, step 2), finite a_ik
    "overflow_spread",  # max over those of the spread min_D 2 ||W_k D||_F^2 ||D^-1 (z_i - mu_k)||^2 (0 for diagonal covariances)
    "largest_density_error",  # max_ik delta_ik over the entries with a finite a_ik
    "normalisation_gap",  # max_i |rho_i - 1|, rho_i the computed sum of row i's responsibilities
    "lowest_row_max",  # max_i (-max_k a_ik): minus the lowest row maximum
)
_N_SUMS = len(SUMS)
_N_MAXIMA = 4  # the last four entries are maxima over the rows, not sums
_U64 = 2.0**-53


#: The exponential of a non-positive float64 (proofs/rounding.md, RD-3): Cody and
#: Waite's reduction x = n ln 2 + r, |r| <= ln(2)/2, with ln 2 split so that
#: n * _LN2_HI is exact (fdlibm's constants), the Taylor polynomial of degree 13
#: of e^r by Horner's rule, and 2^n applied as two exact powers of two. Plain
#: arithmetic, so a loop over many values is vectorised (np.exp is a scalar call).
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LOG2_E = 1.44269504088896338700e00
_ROUNDER = 6755399441055744.0  # 1.5 * 2**52: (t + _ROUNDER) - _ROUNDER rounds t to an integer
_ROUNDER_BITS = 0x4338000000000000  # its bit pattern; bits(t + _ROUNDER) - _ROUNDER_BITS is that integer
_EXP_FLOOR = -1100.0  # exp(x) rounds to 0 for x < -745.2; clamping keeps n in range (and maps -inf)
_TAYLOR = (1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880,
           1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800)


@kernel
def exp_nonpositive(x):
    """e**x for x <= 0 (or -inf), in float64: within 6u of the exact value plus,
    only for subnormal results, 2**-1075 (proofs/rounding.md, RD-3)."""
    x = max(np.float64(x), _EXP_FLOOR)
    shifted = x * _LOG2_E + _ROUNDER
    n = shifted - _ROUNDER
    r = (x - n * _LN2_HI) - n * _LN2_LO
    c = _TAYLOR
    p = c[13]  # Horner's rule, written out (a loop over the tuple would not vectorise)
    p = p * r + c[12]
    p = p * r + c[11]
    p = p * r + c[10]
    p = p * r + c[9]
    p = p * r + c[8]
    p = p * r + c[7]
    p = p * r + c[6]
    p = p * r + c[5]
    p = p * r + c[4]
    p = p * r + c[3]
    p = p * r + c[2]
    p = p * r + c[1]
    p = p * r + c[0]
    k = np.float64(shifted).view(np.int64) - _ROUNDER_BITS
    half = k >> 1  # 2^n = 2^half * 2^(n - half), both normal for n >= -2 * 1021
    scale_1 = np.int64((half + 1023) << 52).view(np.float64)
    scale_2 = np.int64((k - half + 1023) << 52).view(np.float64)
    return (p * scale_1) * scale_2


#: Rows handled together: their log-densities are computed with every feature
#: loop running across the block's rows, so that the processor works on many
#: rows at once. Each entry still receives exactly the operations, in the same
#: order, of the row-by-row formulas, so the block size changes the speed, never a bit.
BLOCK = 64


@kernel
def _constants(array):
    # 0 and 1/2 in the dtype of ``array`` (a Python float literal would make float32 arithmetic float64).
    one = array.dtype.type(1)
    return one - one, one / (one + one)


@kernel
def _block_buffers(Z, n_components):
    # Scratch of one block: the rows transposed (features x rows), the weighted
    # log-densities a and their error bounds delta (rows x components), and four
    # work rows (y_p, the Mahalanobis sum, ||z - mu||^2 and its weighted twin).
    n_features = Z.shape[1]
    Zt = np.empty((n_features, BLOCK), dtype=Z.dtype)
    a = np.empty((BLOCK, n_components), dtype=Z.dtype)
    delta = np.empty((BLOCK, n_components), dtype=Z.dtype)
    diff = np.empty((n_features, BLOCK), dtype=Z.dtype)
    work = np.empty((4, BLOCK), dtype=Z.dtype)
    return Zt, a, delta, diff, work


@kernel
def _transpose_block(Z, start, m, Zt):
    for b in range(m):
        for j in range(Z.shape[1]):
            Zt[j, b] = Z[start + b, j]


@kernel
def _block_densities_full(Zt, m, means, precision_upper, log_const, spread_factor, column_weight, const_error,
                          gamma_density, a, delta, diff, work, with_bounds=True):
    # For the m rows of the block and every component k (full/tied covariances):
    #   a[b, k] = log_const_k - maha / 2,  maha = sum_p y_p^2 (p increasing),
    #   y_p = sum_{q <= p} U_k[q, p] (z_q - mu_kq) (q increasing),
    #   delta[b, k] = gamma_density (spread + |a|) + const_error_k  (EM-6), where
    #   spread = min(spread_factor[0, k] ||z - mu_k||^2, spread_factor[1, k] sum_q v_kq (z_q - mu_kq)^2),
    #   v_k = column_weight[k] and spread_factor[:, k] = 2 ||W_k D||_F^2 for D = I and D = diag(v_k)^(-1/2).
    # with_bounds=False (prediction) leaves delta unwritten; a is the same.
    n_features = Zt.shape[0]
    zero, half = _constants(Zt)
    infinity = Zt.dtype.type(np.inf)
    y, maha, norm2, weighted = work[0], work[1], work[2], work[3]
    for k in range(means.shape[0]):
        for b in range(m):
            maha[b] = zero
            norm2[b] = zero
            weighted[b] = zero
        for j in range(n_features):
            mu = means[k, j]
            if with_bounds:
                v = column_weight[k, j]
                for b in range(m):
                    diff[j, b] = Zt[j, b] - mu
                    square = diff[j, b] * diff[j, b]
                    norm2[b] += square
                    weighted[b] += square * v
            else:
                for b in range(m):
                    diff[j, b] = Zt[j, b] - mu
        for p in range(n_features):
            for b in range(m):
                y[b] = zero
            for q in range(p + 1):
                u = precision_upper[k, q, p]
                for b in range(m):
                    y[b] += u * diff[q, b]
            for b in range(m):
                maha[b] += y[b] * y[b]
        for b in range(m):
            a[b, k] = log_const[k] - half * maha[b]
        if not with_bounds:
            continue
        for b in range(m):
            # each form bounds the error alone; inf × 0 (an overflowed factor at a row whose squares vanish)
            # bounds nothing: inf, where min() passed the NaN on to δ and the sums (mutation audit 67, 2026-12-07)
            first, second = spread_factor[0, k] * norm2[b], spread_factor[1, k] * weighted[b]
            spread = min(first if first == first else infinity, second if second == second else infinity)
            delta[b, k] = gamma_density * (spread + abs(a[b, k])) + const_error[k]
            # the same bound through the computed y (EM-6): maha + 2 sqrt(S maha) + gamma S, S = spread / 2
            sharp = gamma_density * (maha[b] + np.sqrt(spread * (maha[b] + maha[b])) + gamma_density * half * spread
                                     + abs(a[b, k])) + const_error[k]
            if sharp < delta[b, k]:  # (False for NaN: an overflowed spread keeps the first form)
                delta[b, k] = sharp
            if not a[b, k] > -np.inf:  # the Mahalanobis term overflowed: keep the spread instead (EM-6)
                delta[b, k] = spread


@kernel
def _block_densities_diag(Zt, m, means, precision_cholesky, log_const, const_error, gamma_density, a, delta, work,
                          with_bounds=True):
    # As _block_densities_full for diagonal (and spherical) covariances:
    #   maha = sum_j (W_kj (z_j - mu_kj))^2 (j increasing),
    #   delta[b, k] = gamma_density (maha + |a|) + const_error_k  (EM-6); not written if not with_bounds.
    n_features = Zt.shape[0]
    zero, half = _constants(Zt)
    maha = work[1]
    for k in range(means.shape[0]):
        for b in range(m):
            maha[b] = zero
        for j in range(n_features):
            mu = means[k, j]
            w = precision_cholesky[k, j]
            for b in range(m):
                t = w * (Zt[j, b] - mu)
                maha[b] += t * t
        for b in range(m):
            a[b, k] = log_const[k] - half * maha[b]
        if not with_bounds:
            continue
        for b in range(m):
            delta[b, k] = gamma_density * (maha[b] + abs(a[b, k])) + const_error[k]
            if not a[b, k] > -np.inf:  # overflowed: a sum of non-negative terms, no spread to keep (EM-6)
                delta[b, k] = zero


@kernel
def _accumulate_block(start, m, a, delta, resp, has_previous, sums, shifted, row_max, limits):
    # Each row's share of every sum of SUMS, given its weighted log-densities
    # a[b] and their error bounds delta[b]; overwrites resp[start + b] with the
    # new responsibilities after reading the previous ones. The sums are carried
    # in local variables over the block (so they stay in registers) and added
    # row after row, in the same order as one running sum over the chunk.
    # ``shifted`` (same shape as ``a``) and ``row_max`` (one per row) are scratch;
    # ``limits`` = (ν', u, log ν') of the working precision (EM-6, steps 1 and 2).
    n_components = a.shape[1]
    zero, half = _constants(a)
    one = half + half
    cast = a.dtype.type
    tiny, unit = limits[0], limits[1]
    tiny_dtype, cutoff = cast(tiny), cast(limits[2])
    below = cast(3.0 * tiny)  # p_k <= 3ν' for an entry with e_k < ν'
    (ll, ll_abs, q, q_abs, q_err, entropy, qp, qp_abs, qp_err, overflowed, excess, spread, largest_delta, gap,
     lowest) = (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], sums[8], sums[9], sums[10],
                sums[11], sums[12], sums[13], sums[14])
    # log-sum-exp, shifted by the largest term (EM-1, EM-6): e_k = exp(a_k - max) <= 1,
    # the exponentials of the whole block in one loop (RD-3)
    for b in range(m):
        largest = a[b, 0]
        for k in range(1, n_components):
            largest = max(largest, a[b, k])  # (branch-free: a holds no NaN)
        row_max[b] = largest
        for k in range(n_components):
            shifted[b, k] = a[b, k] - largest
    # entries below ν' (s_k < fl(log ν'), or e_k < ν') are set to e_k = 0, so r_k = 0: their posterior
    # is at most 3ν' either way (EM-6, step 1), and no subnormal responsibility slows the sums
    flat = shifted.reshape(shifted.size)
    for t in range(m * n_components):
        x = flat[t]
        keep = x >= cutoff
        e = exp_nonpositive(x if keep else zero)
        flat[t] = e if keep and e >= tiny_dtype else zero
    for b in range(m):
        i = start + b
        if has_previous:
            for k in range(n_components):
                r = resp[i, k]
                if r > zero:
                    qp += r * a[b, k]
                    qp_abs += r * abs(a[b, k])
                    qp_err += r * delta[b, k]
        largest = row_max[b]
        total = zero
        for k in range(n_components):
            total += shifted[b, k]
        log_total = np.log(total)
        log_norm = largest + log_total
        ll += log_norm
        ll_abs += abs(log_norm)
        rho = zero
        for k in range(n_components):
            r = shifted[b, k] / total
            resp[i, k] = r
            rho += r
            if a[b, k] > -np.inf:
                dl = delta[b, k]
                largest_delta = max(largest_delta, dl)
                # p_k (e^δ − 1) (EM-6, step 2): p_k <= (1 + λ) r above ν' (λ applied later), e^δ − 1 <= δ(1 + δ)
                # for δ <= 1; below ν', p_k e^δ <= 3ν'(1 + 2δ), or exp(s_k (1 − u) + δ) rounded up
                if shifted[b, k] >= tiny_dtype:
                    if dl <= one:
                        excess += r * (dl * (one + dl))
                    else:
                        excess += r * cast(math.expm1(np.float64(dl)) * (1.0 + 4.0 * _U64))
                elif dl <= one:
                    excess += below * (one + (dl + dl))
                else:
                    s = np.float64(a[b, k] - largest)
                    x = s * (1.0 - unit) + np.float64(dl)
                    excess += cast(math.exp(x + 3.0 * _U64 * (abs(s) + np.float64(dl))) * (1.0 + 4.0 * _U64))
            else:
                overflowed += one
                spread = max(spread, delta[b, k])
            if r > zero:
                log_r = (a[b, k] - largest) - log_total
                q += r * a[b, k]
                q_abs += r * abs(a[b, k])
                q_err += r * delta[b, k]
                entropy -= r * log_r
        gap = max(gap, abs(rho - one))
        lowest = max(lowest, -largest)
    (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], sums[8], sums[9], sums[10], sums[11],
     sums[12], sums[13], sums[14]) = (ll, ll_abs, q, q_abs, q_err, entropy, qp, qp_abs, qp_err, overflowed, excess,
                                      spread, largest_delta, gap, lowest)


@kernel
def _chunk_slots(Z, n_slots, n_components):
    # One slot per held chunk for the scalar sums, N_k and F_k of the E-step (the
    # second-moment slots, whose shape depends on the covariance type, are the caller's).
    n_features = Z.shape[1]
    chunk_sums = np.zeros((n_slots, _N_SUMS), dtype=Z.dtype)
    chunk_counts = np.zeros((n_slots, n_components), dtype=Z.dtype)
    chunk_first = np.zeros((n_slots, n_components, n_features), dtype=Z.dtype)
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
def _to_slot(slots, c, local):
    # slots[c] = local, element by element: the array assignment compiled Numba's message for
    # mismatched shapes once per dimension, 3.9 s of the first GaussianMixture fit (2026-12-06)
    slot = slots[c].reshape(-1)
    values = local.reshape(-1)
    for i in range(values.size):
        slot[i] = values[i]


@kernel
def _totals(chunk_sums, chunk_counts, chunk_first, chunk_second):
    # The totals the chunk slots are added to, zero (a zero is also where the maxima start).
    dtype = chunk_sums.dtype
    return (np.zeros(_N_SUMS, dtype=dtype), np.zeros(chunk_counts.shape[1], dtype=dtype),
            np.zeros(chunk_first.shape[1:], dtype=dtype), np.zeros(chunk_second.shape[1:], dtype=dtype))


@kernel
def _add_slots(chunk_sums, chunk_counts, chunk_first, chunk_second, n_held, sums, counts, first, second):
    # The first ``n_held`` chunk slots added to the totals in chunk order (the last four sums are
    # maxima): each total adds the chunks in index order, however many are held at once, so the
    # bits depend on neither that number nor the threads.
    for c in range(n_held):
        for s in range(_N_SUMS - _N_MAXIMA):
            sums[s] += chunk_sums[c, s]
        for s in range(_N_SUMS - _N_MAXIMA, _N_SUMS):
            sums[s] = max(sums[s], chunk_sums[c, s])
        counts += chunk_counts[c]
        first += chunk_first[c]
        second += chunk_second[c]


@kernel
def _responsibility_column(resp, start, m, k, r, counts):
    # r[b] = r_{start+b, k}, contiguous, and N_k += r[b] row after row.
    for b in range(m):
        r[b] = resp[start + b, k]
        counts[k] += r[b]


@kernel
def _moments_full(Z, start, m, means, resp, counts, first, second):
    # N_k of rows start..start+m-1 (added row after row), and F_k with the scatter
    # about the current means from one matrix product per component (BLAS: any
    # summation order, EM-6(a)), the differences laid out features x rows:
    #   [w_1 .. w_m] [d_1 .. d_m; 1 .. 1]^T = [sum_i w_i d_i^T | sum_i w_i],
    #   d_i = z_i - mu_k, w_i = r_ik d_i.
    n_features = Z.shape[1]
    z_t = np.empty((n_features, m), dtype=Z.dtype)
    diff_t = np.empty((n_features + 1, m), dtype=Z.dtype)
    weighted_t = np.empty((n_features, m), dtype=Z.dtype)
    r = np.empty(m, dtype=Z.dtype)
    product = np.empty((n_features, n_features + 1), dtype=Z.dtype)
    _transpose_block(Z, start, m, z_t)
    diff_t[n_features, :] = 1
    for k in range(means.shape[0]):
        _responsibility_column(resp, start, m, k, r, counts)
        for j in range(n_features):
            mu = means[k, j]
            for b in range(m):
                x = z_t[j, b] - mu
                diff_t[j, b] = x
                weighted_t[j, b] = r[b] * x
        np.dot(weighted_t, diff_t.T, product)
        for p in range(n_features):
            first[k, p] += product[p, n_features]
            for q in range(p + 1):
                second[k, p, q] += product[p, q]


@kernel
def _moments_diag(Z, start, m, means, resp, counts, first, second):
    # N_k of rows start..start+m-1 (added row after row), and F_k with the diagonal
    # scatter about the current means, accumulated row after row for each feature
    # (any fixed summation order, EM-6(a)):  sum_i r_ik d_i, sum_i r_ik d_i^2,  d_i = z_i - mu_k.
    # The rows are read in place (features contiguous), so nothing of size d x m is written:
    # a stacked 2d x m array per component (for one BLAS product) left L2 at d = 64.
    # Row by row, every component in turn: each sum still adds the rows in order, but the
    # components' sums are independent chains (component by component, each row's additions
    # waited for the previous row's, through memory: 42 % of a diagonal EM iteration).
    n_features = Z.shape[1]
    n_components = means.shape[0]
    for k in range(n_components):
        for b in range(m):
            counts[k] += resp[start + b, k]
    for b in range(m):
        row = Z[start + b]
        for k in range(n_components):
            w = resp[start + b, k]
            mu = means[k]
            f1 = first[k]
            f2 = second[k]
            for j in range(n_features):
                x = row[j] - mu[j]
                wx = w * x
                f1[j] += wx
                f2[j] += wx * x


@parallel_kernel
def e_step_full(Z, means, precision_upper, log_const, const_error, spread_factor, column_weight, gamma_density, limits,
                resp, has_previous, held):
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
    spread_factor : ndarray of shape (2, n_components)
        :math:`2\\lVert W_k D\\rVert_F^2` for :math:`D = I` and for :math:`D = \\mathrm{diag}(v_k)^{-1/2}`,
        upper bounds, for the error bound of the Mahalanobis term (EM-6).
    column_weight : ndarray of shape (n_components, n_features)
        :math:`v_k > 0`: the error bound uses the smaller of :math:`2\\lVert W_k\\rVert_F^2 \\lVert z - \\mu_k\\rVert^2`
        and :math:`2\\lVert W_k D\\rVert_F^2 \\sum_q v_{kq} (z_q - \\mu_{kq})^2` (EM-6).
    gamma_density : float
        :math:`\\gamma_{d+4}` of the working precision (EM-6).
    limits : ndarray of shape (3,), float64
        :math:`\\nu' = 2K` times the smallest normal number, the unit roundoff u and :math:`\\log\\nu'`, of
        the working precision (EM-6, steps 1 and 2: the entries below :math:`\\nu'` and ``density_excess``).
    resp : ndarray of shape (n_samples, n_components)
        In: the previous responsibilities (read when ``has_previous``).
        Out: the responsibilities at these parameters.
    has_previous : bool
    held : int
        Chunks whose sums are held at once (:func:`classic._jit.held_chunks`): that many are
        computed in parallel, then added to the totals in chunk order; any number gives the same bits.

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
    chunk_sums, chunk_counts, chunk_first = _chunk_slots(Z, held, n_components)
    chunk_second = np.zeros((held, n_components, n_features, n_features), dtype=Z.dtype)
    sums, counts, first, second = _totals(chunk_sums, chunk_counts, chunk_first, chunk_second)
    for lead in range(0, n_chunks, held):  # held chunks at a time, their slots added in chunk order
        for c in prange(lead, min(lead + held, n_chunks)):
            Zt, a, delta, diff, work = _block_buffers(Z, n_components)
            shifted = np.empty_like(a)
            row_max = np.empty(BLOCK, dtype=Z.dtype)
            local_sums, local_counts, local_first = _local_accumulators(Z, n_components)
            local_second = np.zeros((n_components, n_features, n_features), dtype=Z.dtype)
            begin = c * CHUNK_SIZE
            end = min(n_samples, begin + CHUNK_SIZE)
            for start in range(begin, end, BLOCK):
                m = min(end - start, BLOCK)
                _transpose_block(Z, start, m, Zt)
                _block_densities_full(Zt, m, means, precision_upper, log_const, spread_factor, column_weight,
                                      const_error, gamma_density, a, delta, diff, work)
                _accumulate_block(start, m, a, delta, resp, has_previous, local_sums, shifted, row_max, limits)
            _moments_full(Z, begin, end - begin, means, resp, local_counts, local_first, local_second)
            _to_slot(chunk_sums, c - lead, local_sums)
            _to_slot(chunk_counts, c - lead, local_counts)
            _to_slot(chunk_first, c - lead, local_first)
            _to_slot(chunk_second, c - lead, local_second)
        _add_slots(chunk_sums, chunk_counts, chunk_first, chunk_second, min(held, n_chunks - lead), sums, counts,
                   first, second)
    for k in range(n_components):
        for p in range(n_features):
            for q in range(p):
                second[k, q, p] = second[k, p, q]
    return sums, counts, first, second


@parallel_kernel
def e_step_diag(Z, means, precision_cholesky, log_const, const_error, gamma_density, limits, resp, has_previous,
                held):
    """E-step for diagonal (and spherical) covariances; as :func:`e_step_full`
    with ``precision_cholesky`` of shape (n_components, n_features) holding
    :math:`1/\\sigma_{kj}`, and ``second`` of shape (n_components, n_features)
    holding :math:`\\sum_i r_{ik} (z_{ij} - \\mu_{kj})^2`.

    Its loop is :func:`e_step_full`'s with the diagonal kernels in place of the full ones. One
    driver taking the two kernels as arguments would recompile in every new process: Numba's
    cache keys a kernel passed as an argument by its address in memory (numba 0.68.1)."""
    n_samples, n_features = Z.shape
    n_components = means.shape[0]
    n_chunks = (n_samples + CHUNK_SIZE - 1) // CHUNK_SIZE
    chunk_sums, chunk_counts, chunk_first = _chunk_slots(Z, held, n_components)
    chunk_second = np.zeros((held, n_components, n_features), dtype=Z.dtype)
    sums, counts, first, second = _totals(chunk_sums, chunk_counts, chunk_first, chunk_second)
    for lead in range(0, n_chunks, held):  # held chunks at a time, their slots added in chunk order
        for c in prange(lead, min(lead + held, n_chunks)):
            Zt, a, delta, diff, work = _block_buffers(Z, n_components)
            shifted = np.empty_like(a)
            row_max = np.empty(BLOCK, dtype=Z.dtype)
            local_sums, local_counts, local_first = _local_accumulators(Z, n_components)
            local_second = np.zeros((n_components, n_features), dtype=Z.dtype)
            begin = c * CHUNK_SIZE
            end = min(n_samples, begin + CHUNK_SIZE)
            for start in range(begin, end, BLOCK):
                m = min(end - start, BLOCK)
                _transpose_block(Z, start, m, Zt)
                _block_densities_diag(Zt, m, means, precision_cholesky, log_const, const_error, gamma_density,
                                      a, delta, work)
                _accumulate_block(start, m, a, delta, resp, has_previous, local_sums, shifted, row_max, limits)
            _moments_diag(Z, begin, end - begin, means, resp, local_counts, local_first, local_second)
            _to_slot(chunk_sums, c - lead, local_sums)
            _to_slot(chunk_counts, c - lead, local_counts)
            _to_slot(chunk_first, c - lead, local_first)
            _to_slot(chunk_second, c - lead, local_second)
        _add_slots(chunk_sums, chunk_counts, chunk_first, chunk_second, min(held, n_chunks - lead), sums, counts,
                   first, second)
    return sums, counts, first, second


@kernel
def log_constants(weights, log_det_w, log_magnitude, half_d_log_2pi, d, g, const, error):
    """log π_k − (d/2) log 2π + log|W_k| in float64, stored in the working precision, and the
    bound 2 g (|log π_k| + (d/2) log 2π + Σ_j |log W_k,jj| + d) on its rounding (EM-6;
    ``log_magnitude``: Σ_j |log W_k,jj|, float64; inf where the weight is 0, whose constant is
    exactly −inf). Returns the largest const_k + error_k over the components of finite constant,
    in float64 (an upper bound on the exact log_const_k, EM-6 "Overflow"; −inf if there is none)."""
    largest = -np.inf
    for k in range(weights.shape[0]):
        w = np.float64(weights[k])
        log_weight = math.log(w) if w > 0.0 else -np.inf
        const[k] = log_weight - half_d_log_2pi + log_det_w[k]
        bound = 2.0 * g * (abs(log_weight) + half_d_log_2pi + log_magnitude[k] + d)
        error[k] = bound if bound < np.inf else np.inf
        if abs(np.float64(const[k])) < np.inf:
            largest = max(largest, np.float64(const[k]) + np.float64(error[k]))
    return largest


@kernel
def diagonal_factors(variances, floor, factors):
    """W = 1/σ for diagonal (``variances`` of shape (K, d)) or spherical ((K, 1)) covariances,
    into ``factors`` (K, d); returns log|W_k| (float64) and the first component with a variance
    at most ``floor_j`` (EM-8: singular at working precision), or −1."""
    K, d = factors.shape
    one = factors.dtype.type(1)
    log_det = np.zeros(K)
    for k in range(K):
        for j in range(d):
            v = variances[k, j if variances.shape[1] > 1 else 0]
            if v <= floor[j]:
                return log_det, k
            factors[k, j] = one / np.sqrt(v)
            log_det[k] += math.log(np.float64(factors[k, j]))
    return log_det, -1


@kernel
def spread_factors(factors, inflation, smallest, largest, spread_factor, column_weight):
    """The two metrics of the Mahalanobis term's error bound (EM-6, "Density error"), for
    factors W (K, d, d): column_weight[k, q] = v_kq, the squared column norm c_kq = Σ_p W_kpq²
    rounded to the working precision within [smallest, largest]; spread_factor[:, k] =
    2 ‖W_k D‖_F² × inflation for D = I (2 Σ_q c_kq) and D = diag(v_k)^(-1/2) (2 Σ_q c_kq / v_kq),
    evaluated in float64, then rounded to the working precision."""
    K, d = factors.shape[0], factors.shape[1]
    for k in range(K):
        plain, weighted = np.float64(0.0), np.float64(0.0)
        for q in range(d):
            c = np.float64(0.0)
            for p in range(d):
                w = np.float64(factors[k, p, q])
                c += w * w
            column_weight[k, q] = min(max(c, smallest), largest)
            plain += c
            weighted += c / np.float64(column_weight[k, q])
        spread_factor[0, k] = 2.0 * plain * inflation
        spread_factor[1, k] = 2.0 * weighted * inflation


@kernel
def _standardise_block(X, start, m, shift, scale, Zt):
    # Zt[j, b] = z_{start+b, j}, standardised as `standardise` does.
    for b in range(m):
        for j in range(X.shape[1]):
            Zt[j, b] = _standardised(X, start + b, j, shift, scale)


@kernel
def _write_block(start, m, a, log_jacobian, out):
    # out[start + b, k] = a[b, k] in float64, less the log-Jacobian; returns how many rows
    # have no entry above -inf or a NaN (overflow at working precision).
    unresolved = 0
    for b in range(m):
        finite, nan = False, False
        for k in range(a.shape[1]):
            x = a[b, k]
            out[start + b, k] = np.float64(x) - log_jacobian
            finite = finite or x > -np.inf
            nan = nan or x != x
        unresolved += 1 if nan or not finite else 0
    return unresolved


@parallel_kernel
def log_densities_full(X, shift, scale, means, precision_upper, log_const, log_jacobian, out):
    """Weighted log-densities in X's units for full (and tied) covariances:
    out[i, k] = a_ik − log_jacobian in float64, a_ik computed at X's precision as in
    :func:`e_step_full` on the row z_i standardised as :func:`standardise` does (each
    block of rows in turn, so no standardised copy of X is made). Returns the number of
    rows whose entries are all -inf or hold a NaN (the working precision overflowed).
    Row-wise independent, so the same for any number of threads."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    unused = np.zeros(n_components, dtype=X.dtype)
    unused_factor = np.zeros((2, n_components), dtype=X.dtype)
    unused_weight = np.zeros(means.shape, dtype=X.dtype)
    unresolved = 0
    for block in prange((n_samples + BLOCK - 1) // BLOCK):
        Zt, a, delta, diff, work = _block_buffers(X, n_components)
        start = block * BLOCK
        m = min(n_samples - start, BLOCK)
        _standardise_block(X, start, m, shift, scale, Zt)
        _block_densities_full(Zt, m, means, precision_upper, log_const, unused_factor, unused_weight, unused,
                              unused[0], a, delta, diff, work, False)
        unresolved += _write_block(start, m, a, log_jacobian, out)
    return unresolved


@parallel_kernel
def log_densities_diag(X, shift, scale, means, precision_cholesky, log_const, log_jacobian, out):
    """As :func:`log_densities_full` for diagonal (and spherical) covariances."""
    n_samples = X.shape[0]
    n_components = means.shape[0]
    unused = np.zeros(n_components, dtype=X.dtype)
    unresolved = 0
    for block in prange((n_samples + BLOCK - 1) // BLOCK):
        Zt, a, delta, diff, work = _block_buffers(X, n_components)
        start = block * BLOCK
        m = min(n_samples - start, BLOCK)
        _standardise_block(X, start, m, shift, scale, Zt)
        _block_densities_diag(Zt, m, means, precision_cholesky, log_const, unused, unused[0], a, delta, work, False)
        unresolved += _write_block(start, m, a, log_jacobian, out)
    return unresolved


@inline_kernel
def _whiten(precision_upper, v, y):
    # y = L v for the tied factor (L = Uᵀ, U = precision_upper[0]): y_p = Σ_{q≤p} U[q, p] v_q, q increasing,
    # as the E-step forms y (in the precision of y)
    zero, _ = _constants(y)
    for p in range(y.shape[0]):
        y[p] = zero
        for q in range(p + 1):
            y[p] += precision_upper[0, q, p] * v[q]


@kernel
def tied_centres(means, precision_upper, log_const, centres, offsets):
    """For tied covariances (one factor U, precision_upper[0]): centres[k] = L μ_k, the whitened
    means (L = Uᵀ, y_p = Σ_{q≤p} U[q, p] μ_kq as the E-step forms y), and offsets[k] =
    log_const_k − ‖L μ_k‖²/2, in the working precision (proofs/em.md, EM-6, "Tied posteriors")."""
    n_components, n_features = means.shape
    zero, half = _constants(means)
    for k in range(n_components):
        _whiten(precision_upper, means[k], centres[k])
        norm2 = zero
        for p in range(n_features):
            norm2 += centres[k, p] * centres[k, p]
        offsets[k] = log_const[k] - half * norm2


@kernel
def _block_tied_log_odds(Zt, m, centres, offsets, precision_upper, a, work):
    # For the m rows of the block: a[b, k] = offsets_k + Σ_p y_p c_kp (p increasing), y = L z_b,
    # c_k = L μ_k: the weighted log-density a_bk plus ‖L z_b‖²/2, the same for every k.
    n_components, n_features = centres.shape
    zero, _ = _constants(Zt)
    for b in range(m):
        _whiten(precision_upper, Zt[:, b], work)
        for k in range(n_components):
            total = zero
            for p in range(n_features):
                total += work[p] * centres[k, p]
            a[b, k] = offsets[k] + total


@kernel
def _write_log_odds(start, m, a, offsets, out):
    # out[start + b, k] = a[b, k] in float64; returns how many rows have an entry that is NaN or
    # infinite where its component's offset is finite (the working precision overflowed).
    unresolved = 0
    for b in range(m):
        lost = False
        for k in range(a.shape[1]):
            x = a[b, k]
            out[start + b, k] = np.float64(x)
            lost = lost or (offsets[k] > -np.inf and not abs(x) < np.inf)
        unresolved += 1 if lost else 0
    return unresolved


@parallel_kernel
def tied_log_odds(X, shift, scale, centres, offsets, precision_upper, out):
    """The posterior log-odds of tied covariances in linear form (proofs/em.md, EM-6, "Tied
    posteriors"): out[i, k] = a_ik + ‖L z_i‖²/2 in float64 (the same for every k, so the same
    posterior), computed at X's precision from y = L z_i, the centres L μ_k and the offsets of
    :func:`tied_centres`, z_i standardised as :func:`standardise` does. Far from every component
    the quadratic forms of :func:`log_densities_full` lose the differences a_ij − a_ik, which are
    linear in z; this form keeps them. Returns the number of rows with an entry that is NaN or
    infinite where its offset is finite (overflow, or NaN or infinity in the row). Row-wise
    independent, so the same for any number of threads."""
    n_samples = X.shape[0]
    n_components = centres.shape[0]
    unresolved = 0
    for block in prange((n_samples + BLOCK - 1) // BLOCK):
        Zt, a = np.empty((X.shape[1], BLOCK), dtype=X.dtype), np.empty((BLOCK, n_components), dtype=X.dtype)
        work = np.empty(X.shape[1], dtype=X.dtype)
        start = block * BLOCK
        m = min(n_samples - start, BLOCK)
        _standardise_block(X, start, m, shift, scale, Zt)
        _block_tied_log_odds(Zt, m, centres, offsets, precision_upper, a, work)
        unresolved += _write_log_odds(start, m, a, offsets, out)
    return unresolved


@parallel_kernel
def log_normalisers(a, out):
    """out[i] = log Σ_k exp(a_ik) (float64), with the row's largest entry taken out first (every
    row has a finite entry), the exponentials by :func:`exp_nonpositive` (RD-3), a block of rows
    at a time; row-wise, so the same for any number of threads."""
    n_samples, n_components = a.shape
    for block in prange((n_samples + BLOCK - 1) // BLOCK):
        start = block * BLOCK
        m = min(n_samples - start, BLOCK)
        shifted = np.empty((m, n_components))
        row_max = np.empty(m)
        for b in range(m):
            largest = a[start + b, 0]
            for k in range(1, n_components):
                largest = max(largest, a[start + b, k])
            row_max[b] = largest
            for k in range(n_components):
                shifted[b, k] = a[start + b, k] - largest
        flat = shifted.reshape(shifted.size)
        for t in range(flat.size):
            flat[t] = exp_nonpositive(flat[t])
        for b in range(m):
            total = np.float64(0.0)
            for k in range(n_components):
                total += shifted[b, k]
            out[start + b] = row_max[b] + np.log(total)


@parallel_kernel
def normalise_rows(a):
    """a[i, k] <- exp(a_ik − m_i) / t_i in place, m_i = max_k a_ik (finite in every row) and
    t_i = Σ_k exp(a_ik − m_i) ≥ 1: the posterior probabilities, as the E-step computes its
    responsibilities (proofs/em.md, EM-6 step 1), so a row sums to 1 within γ_{2K} whatever m_i
    (exp(a_ik − L_i), L_i = fl(m_i + log t_i), loses log t_i beside a large |m_i|)."""
    n_samples, n_components = a.shape
    for block in prange((n_samples + BLOCK - 1) // BLOCK):
        start = block * BLOCK
        stop = min(n_samples, start + BLOCK)
        for i in range(start, stop):
            largest = a[i, 0]
            for k in range(1, n_components):
                largest = max(largest, a[i, k])
            for k in range(n_components):
                a[i, k] -= largest
        flat = a[start:stop].reshape((stop - start) * n_components)
        for t in range(flat.size):
            flat[t] = exp_nonpositive(flat[t])
        for i in range(start, stop):
            total = np.float64(0.0)
            for k in range(n_components):
                total += a[i, k]
            for k in range(n_components):
                a[i, k] /= total
