"""Numerics of EM for Gaussian mixtures (proofs/em.md), used by :mod:`classic.gmm`:
the standardisation, the parameters θ in standardised units with their
precision Cholesky factors (and the collapse test of EM-8), the E-step call
with its per-component constants, the log-prior, and the rounding-error
bounds of EM-6 that make the certificate's slack."""

import dataclasses
import math

import numpy as np

from classic import _gmm_kernels as kernels
from classic._jit import for_rows
from classic.rounding import gamma, unit_roundoff

LOG_2PI = math.log(2.0 * math.pi)


class ComponentCollapseError(ValueError):
    """A component collapsed under exact EM (proofs/em.md, EM-8): its covariance
    became singular at working precision, or its weight reached zero. The
    likelihood is unbounded there, so maximum likelihood has no answer; a
    prior (``prior="default"``) makes the problem well posed."""

    def __init__(self, component, iteration, reason):
        self.component = component
        self.iteration = iteration
        super().__init__(
            f"Gaussian mixture component {component} collapsed at iteration {iteration}: {reason}. "
            "The likelihood is unbounded there, so exact EM (maximum likelihood) has no solution. "
            "Pass prior='default' (or a GaussianMixturePrior) for MAP-EM, which keeps every "
            "covariance positive definite, or use fewer components."
        )



def _standardisation(X):
    """Column means and a power-of-two scale near the root mean feature variance."""
    X64 = X.astype(np.float64)
    shift = X64.mean(axis=0)
    # max |X - shift| first, so squares cannot overflow for data scaled by 1e±150
    spread = np.max(np.abs(X64 - shift))
    if spread == 0.0 or not np.isfinite(spread):
        return shift, 1.0
    variance = np.mean(((X64 - shift) / spread) ** 2) * X.shape[1] / X.shape[1]
    root = spread * math.sqrt(variance)
    scale = 2.0 ** round(math.log2(root)) if root > 0 else 1.0
    return shift, scale


def _standardise(X, shift, scale):
    return np.ascontiguousarray(((X.astype(np.float64) - shift) / scale).astype(X.dtype))


def _cholesky_or_collapse(covariances, covariance_type, feature_variance, iteration, dtype):
    """Precision Cholesky factors W (Σ⁻¹ = WᵀW) of standardised covariances,
    and log|W| per component; raises ComponentCollapseError (EM-8) when a
    covariance is singular at working precision relative to the data's spread."""
    d = feature_variance.shape[0]
    floor = (d + 1) * float(np.finfo(dtype).eps) / 2.0 * feature_variance
    if covariance_type in ("full", "tied"):
        stack = covariances if covariance_type == "full" else covariances[None]
        factors = np.empty_like(stack)
        for k, sigma in enumerate(stack):
            try:
                lower = np.linalg.cholesky(sigma)
            except np.linalg.LinAlgError:
                lower = None
            if lower is None or not np.all(np.diag(lower) ** 2 > floor):
                which = k if covariance_type == "full" else "(tied covariance)"
                raise ComponentCollapseError(which, iteration, "its covariance became singular")
            factors[k] = np.linalg.solve(lower, np.eye(d, dtype=dtype)).astype(dtype)
            factors[k] = np.tril(factors[k])
        log_det_w = np.sum(np.log(np.diagonal(factors, axis1=1, axis2=2).astype(np.float64)), axis=1)
        return factors, log_det_w
    variances = covariances if covariance_type == "diag" else np.repeat(covariances[:, None], d, axis=1)
    low = variances <= floor
    if np.any(low):
        k = int(np.argwhere(low)[0, 0])
        raise ComponentCollapseError(k, iteration, "its variance became zero at working precision")
    factors = (1.0 / np.sqrt(variances)).astype(dtype)
    return factors, np.sum(np.log(factors.astype(np.float64)), axis=1)


@dataclasses.dataclass
class _State:
    """Parameters θ in standardised units, with what the kernels need."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    factors: np.ndarray  # W_k (full; (K, d, d)) or 1/σ (diag; (K, d))
    log_det_w: np.ndarray  # log|W_k| = -½ log|Σ_k|, float64

    @property
    def kernel_factors(self):
        """What the kernels take: U_k = W_kᵀ (full/tied, C-contiguous) or 1/σ (diag)."""
        if self.factors.ndim == 3:
            return np.ascontiguousarray(np.swapaxes(self.factors, 1, 2))
        return self.factors


def _make_state(weights, means, covariances, covariance_type, feature_variance, iteration):
    factors, log_det_w = _cholesky_or_collapse(covariances, covariance_type, feature_variance, iteration, means.dtype)
    if covariance_type == "tied":
        factors = np.ascontiguousarray(np.repeat(factors, len(weights), axis=0))
        log_det_w = np.repeat(log_det_w, len(weights))
    return _State(weights, np.ascontiguousarray(means), covariances, np.ascontiguousarray(factors), log_det_w)


def _log_const(state):
    """log π_k − (d/2) log 2π + log|W_k| in float64, and a bound on its rounding (EM-6)."""
    d = state.means.shape[1]
    with np.errstate(divide="ignore"):
        log_weights = np.log(state.weights.astype(np.float64))
    const = log_weights - 0.5 * d * LOG_2PI + state.log_det_w
    dtype = state.means.dtype
    magnitude = np.abs(log_weights) + 0.5 * d * LOG_2PI + np.abs(state.log_det_w) + d
    error = 2.0 * gamma(d + 12, dtype) * magnitude
    return const.astype(dtype), np.where(np.isfinite(error), error, np.inf).astype(dtype)


def e_step(Z, state, covariance_type, resp, has_previous):
    """Run the E-step kernel at ``state``; returns (sums dict, counts, first, second)."""
    const, const_error = _log_const(state)
    dtype = Z.dtype
    d = Z.shape[1]
    if covariance_type in ("full", "tied"):
        omega = np.sum(state.factors.astype(np.float64) ** 2, axis=(1, 2)) * (1 + 4 * gamma(d * d, dtype))
        spread_factor = 2 * omega.astype(dtype)  # 2 ω_k, exact in the working precision
        sums, counts, first, second = for_rows(kernels.e_step_full, Z.shape[0])(
            Z, state.means, state.kernel_factors, const, const_error, spread_factor, dtype.type(gamma(d + 4, dtype)),
            resp, has_previous
        )
    else:
        sums, counts, first, second = for_rows(kernels.e_step_diag, Z.shape[0])(
            Z, state.means, state.factors, const, const_error, dtype.type(gamma(d + 5, dtype)), resp, has_previous
        )
    return dict(zip(kernels.SUMS, sums.astype(np.float64))), counts, first, second


def log_prior(state, covariance_type, prior):
    """log p(θ̃) in standardised units (float64) and a bound on its rounding error (EM-6).

    ``prior`` is ``(a, Σ0, α)`` in standardised units, or None (then 0, 0). θ̃ is what the
    kernels evaluate: the covariances enter through their factors W (Σ̃⁻¹ = WᵀW,
    log|Σ̃| = −2 Σ_j log W_jj), exact inputs to the float64 evaluation, whose error is at most
    γ_m M with m = d² + 2d + 2K + 24 (8 roundings per log, EM-6(b)) and
    M = |α − 1| Σ_k |log π_k| + (a/2) Σ_c [2 Σ_j |log W_c,jj| + Σ_pq |Σ0_pq| (|W_c|ᵀ|W_c|)_qp].
    """
    if prior is None:
        return 0.0, 0.0
    a, sigma0, alpha = prior
    d = state.means.shape[1]
    value = 0.0
    magnitude = 0.0
    if alpha != 1.0:
        log_weights = np.log(state.weights.astype(np.float64))
        value += (alpha - 1.0) * np.sum(log_weights)
        magnitude += abs(alpha - 1.0) * np.sum(np.abs(log_weights))
    if a > 0:
        n_cov = 1 if covariance_type == "tied" else len(state.weights)
        factors = state.factors[:n_cov].astype(np.float64)  # tied: the K copies are equal
        log_det_sigma = -2.0 * state.log_det_w[:n_cov]
        if covariance_type in ("full", "tied"):
            precision = np.swapaxes(factors, 1, 2) @ factors
            trace = np.einsum("pq,kqp->k", sigma0, precision)
            absolute = np.abs(factors)
            trace_magnitude = np.einsum("pq,kqp->k", np.abs(sigma0), np.swapaxes(absolute, 1, 2) @ absolute)
            log_magnitude = np.sum(np.abs(np.log(np.diagonal(factors, axis1=1, axis2=2))), axis=1)
        else:
            trace = np.sum(np.diag(sigma0)[None, :] * factors**2, axis=1)
            trace_magnitude = np.sum(np.abs(np.diag(sigma0))[None, :] * factors**2, axis=1)
            log_magnitude = np.sum(np.abs(np.log(factors)), axis=1)
        value -= 0.5 * a * np.sum(log_det_sigma + trace)
        magnitude += 0.5 * a * np.sum(2.0 * log_magnitude + trace_magnitude)
    # M is itself a float64 sum of non-negative terms (at most d² + 2d + K + 8 roundings each)
    m = d * d + 2 * d + 2 * len(state.weights) + 24
    evaluated = 1.0 - gamma(d * d + 2 * d + len(state.weights) + 9, np.float64)
    return float(value), gamma(m, np.float64) * float(magnitude) / evaluated


def _parameter_vector(state):
    return np.concatenate([state.weights.ravel(), state.means.ravel(), state.covariances.ravel()]).astype(np.float64)


def _error_bounds(sums, previous_sums, n_samples, n_components, dtype):
    """Complete rounding bounds on the computed ℓ(θ̃_t), F(q̂_t, θ̃_t) (with EM-1's gap
    Σ_i KL(q̂_i ‖ p_i) added) and F(q̂_{t-1}, θ̃_t), standardised units (proofs/em.md, EM-6)."""
    K, n = n_components, n_samples
    rows, chunks = min(n, kernels.CHUNK_SIZE), (n + kernels.CHUNK_SIZE - 1) // kernels.CHUNK_SIZE
    # the kernel adds one term per row to ℓ and A, K per row (one per component) to the others,
    # into one running sum per chunk, then the chunk totals (EM-6(a))
    g_rows = gamma(rows + chunks, dtype)
    g = gamma(K * rows + chunks + 12, dtype)
    u = unit_roundoff(dtype)
    info = np.finfo(dtype)
    tiny = 2.0 * K * float(info.smallest_normal)  # entries with e_ik >= tiny have normal r_ik
    S = 1.0 - math.log(float(info.smallest_normal))  # |s_ik| for every e_ik >= tiny
    S_sub = 1.0 - math.log(float(info.smallest_subnormal))  # |log r| for every r > 0
    log_k = math.log(K)
    one_plus_lambda = math.exp(2.0 * u * S / (1.0 - u)) * (1.0 + gamma(K + 18, dtype)) / (1.0 - 3.0 * K * tiny)
    row_l = u * K + 2.0 * gamma(K + 8, dtype) + 8.0 * u * (log_k + 1.0) + 8.0 * K * tiny  # |L̂_i − L_i(â)| − u|L̂_i|
    row_h = 2.0 * u * (8.0 * log_k + 28.0) + 8.0 * K * tiny * (S_sub + 2.0)  # |Ĥ_i − H_i| − 2g Ĥ_i
    # the float64 evaluation of the bounds themselves: non-negative terms through at most 20
    # roundings, so the exact value is below computed / (1 − γ_20) ≤ computed (1 + γ_40)
    evaluation = 1.0 + gamma(40, np.float64)

    def exact(name, source=sums):  # a computed sum of non-negative terms, raised to bound the exact one
        return source[name] / (1.0 - g)

    delta = sums["largest_density_error"]
    growth = math.exp(2.0 * delta) if delta < 350.0 else math.inf
    density = min(n * delta, growth * (one_plus_lambda * exact("density_error") + 3.0 * n * K * tiny * delta))
    log_likelihood = density + (g_rows + gamma(1, dtype)) * exact("abs_log_likelihood") + n * row_l

    def bound(density_error, abs_expected, entropy_sums):
        eta = _normalisation_slack(entropy_sums["normalisation_gap"], K, dtype)
        entropy = exact("entropy", entropy_sums)
        normalisation = eta * (abs_expected + density_error + entropy * (1.0 + 2.0 * g) + n * (1.0 + row_h))
        return density_error + g * abs_expected + 2.0 * g * entropy + n * row_h + normalisation

    eta = _normalisation_slack(sums["normalisation_gap"], K, dtype)
    spread = one_plus_lambda * (1.0 + eta) * growth
    # Σ_i KL(q̂_i ‖ p_i) (EM-1): (M − 1)² per row, and per entry below tiny p + q̂²/p
    below = K * tiny * (3.0 + 24.0 * K * tiny / float(info.smallest_subnormal)) * growth
    posterior_gap = n * ((spread - 1.0) ** 2 + below)
    bound_now = bound(exact("density_error"), exact("abs_expected"), sums) + posterior_gap
    if previous_sums is None:
        return log_likelihood * evaluation, bound_now * evaluation, None
    bound_previous = bound(exact("density_error_previous"), exact("abs_expected_previous"), previous_sums)
    return log_likelihood * evaluation, bound_now * evaluation, bound_previous * evaluation


def _normalisation_slack(gap, n_components, dtype):
    """η ≥ max_i |1/ρ_i − 1|, ρ_i the exact sum of row i's computed responsibilities, from
    the kernel's largest |ρ̂_i − 1| (ρ̂_i: that sum in working precision, K − 1 additions)."""
    g_sum = gamma(max(n_components - 1, 1), dtype)
    beta = gap + g_sum * (1.0 + gap) / (1.0 - g_sum)  # ≥ |ρ_i − 1|
    return beta / (1.0 - beta) if beta < 0.5 else math.inf


def m_step_rounding(N, T1, T2, S_abs, weights_abs, covariances_abs, previous_means_abs, covariance_type, prior,
                    additions, n_samples, dtype, perturbation=0.0):
    """Complete bounds on |θ̂ − θ| for one computation of the M-step of EM-5 in ``dtype``
    whose sums have at most ``additions`` additions (proofs/em.md, EM-5, "Slack").

    θ is the exact M-step of the same responsibilities; ``perturbation`` adds a relative
    perturbation of every responsibility (EM-2's η). N bounds the exact N_k from below (it only
    divides); T1 = Σ r|z − μ'| and T2 = Σ r|z − μ'||z − μ'|ᵀ (full/tied; the diagonal for
    diag/spherical) bound the exact values from above; ``S_abs``
    bounds |Ŝ| (the computed scatter about z̄, or the exact one), ``weights_abs`` and
    ``covariances_abs`` are |π̂| and |Σ̂| of this computation. Returns (weights, means,
    covariances, scatter), float64, shaped as θ (scatter: (K, d, d) or (K, d)).
    """
    n_components, d = previous_means_abs.shape
    G = gamma(2 * additions + n_components + d + 8, dtype)
    G = G + perturbation * (1.0 + G)
    if not 4.0 * G < 1.0:
        inf = np.full((n_components, d), math.inf)
        return inf[:, 0], inf, np.full(np.shape(covariances_abs), math.inf), np.full(np.shape(S_abs), math.inf)
    sigma = float(np.finfo(dtype).smallest_subnormal)
    strength, sigma0, _ = prior if prior is not None else (0.0, np.zeros((d, d)), 1.0)
    a = strength
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(N > 0, N, 1.0)
        error_w = (G * weights_abs + sigma) / (1.0 - G)
        error_m = G * (2.0 * T1 / safe[:, None] + previous_means_abs) + sigma * (n_samples / safe[:, None] + 1.0)
        error_m = np.where(N[:, None] > 0, error_m, 0.0)  # N_k = 0: the mean is kept, F does not depend on it
        if covariance_type in ("full", "tied"):
            outer = T1[:, :, None] * T1[:, None, :] / safe[:, None, None]
            error_s = G * (T2 + 4.0 * outer + 2.0 * S_abs) / (1.0 - 2.0 * G)
            prior_abs = a * np.abs(sigma0)
            if covariance_type == "full":
                scatter, denominator = error_s, (N + a)[:, None, None]
            else:
                scatter, denominator = error_s.sum(axis=0), N.sum() + a
        else:
            error_s = G * (T2 + 4.0 * T1 * T1 / safe[:, None] + 2.0 * S_abs) / (1.0 - 2.0 * G)
            if covariance_type == "diag":
                prior_abs = a * np.abs(np.diag(sigma0))
                scatter, denominator = error_s, (N + a)[:, None]
            else:
                prior_abs = a * np.sum(np.abs(np.diag(sigma0)))
                scatter, denominator = error_s.sum(axis=1), d * (N + a)
        underflow = sigma * ((n_samples + 2.0) / denominator + 1.0)
        rest = (1.0 + G) * (scatter + G * prior_abs) / denominator + underflow
        error_c = (G * covariances_abs + rest) / (1.0 - G)
    return error_w, error_m, np.nan_to_num(error_c, nan=math.inf), error_s


def m_step_error_bounds(counts, second, previous_means, new_state, covariance_type, prior, n_samples, gap):
    """Entrywise bounds on |θ̂ − θ*|: the computed M-step (weights, means, covariances)
    against the exact maximiser θ* of F(q̂, ·) + log p for q̂ = r̂/ρ, the computed
    responsibilities normalised (proofs/em.md, EM-2, "The M-step in floating point").

    :func:`m_step_rounding` for the kernel's computation, with η (q̂ and r̂ differ by a factor
    1/ρ_i per row) as a relative perturbation of every responsibility, and T1, T2 and |S|
    bounded from the kernel's second moments by Cauchy–Schwarz. Returns (weights (K,),
    means (K, d), covariances in their own shape, largest N*_k (K,)), all float64.
    """
    dtype = new_state.means.dtype
    n_components, d = new_state.means.shape
    additions = min(n_samples, kernels.CHUNK_SIZE) - 1 + (n_samples + kernels.CHUNK_SIZE - 1) // kernels.CHUNK_SIZE - 1
    eta = _normalisation_slack(gap, n_components, dtype)
    g = gamma(additions + 4, dtype) + eta * (1.0 + gamma(additions + 4, dtype))  # N and the second moments
    sigma = float(np.finfo(dtype).smallest_subnormal)
    N = counts.astype(np.float64)
    n_max = N / (1.0 - g) if g < 1.0 else np.full_like(N, math.inf)
    n_min = N * (1.0 - g) if g < 1.0 else np.zeros_like(N)
    moments = second.astype(np.float64)
    diagonal = np.diagonal(moments, axis1=1, axis2=2) if covariance_type in ("full", "tied") else moments
    with np.errstate(invalid="ignore"):
        T2 = (diagonal + n_samples * sigma) / (1.0 - g)  # ≥ Σ_i q̂_ik (z_ip − μ'_kp)² (non-negative terms)
    T1 = np.sqrt(n_max[:, None] * T2)  # ≥ Σ_i q̂_ik |z_ip − μ'_kp| (Cauchy–Schwarz)
    if covariance_type in ("full", "tied"):
        T2 = np.sqrt(T2[:, :, None] * T2[:, None, :])  # ≥ Σ_i q̂ |z_ip − μ'_p||z_iq − μ'_q| and ≥ |S_pq|
    errors = m_step_rounding(
        n_min, T1, T2, T2, new_state.weights.astype(np.float64), np.abs(new_state.covariances.astype(np.float64)),
        np.abs(previous_means.astype(np.float64)), covariance_type, prior, additions, n_samples, dtype, eta)
    return errors[0], errors[1], errors[2], n_max


def _whitened_errors(state, errors_c, errors_m, covariance_type):
    """r ≥ ‖W Σ* Wᵀ − I‖_F per covariance, and ‖ |W_k| e_k ‖ per component, from the computed
    W and Σ̂ and the entrywise bounds E ≥ |Σ* − Σ̂|, e ≥ |z̄* − μ̂| (proofs/em.md, EM-2).
    Diagonal and spherical covariances take the same formulas with W diagonal, as vectors."""
    d = state.means.shape[1]
    factors = state.factors.astype(np.float64)
    covariances = state.covariances.astype(np.float64)
    g64 = gamma(2 * d + 2, np.float64)
    if covariance_type in ("full", "tied"):
        W = factors if covariance_type == "full" else factors[:1]
        sigma = covariances if covariance_type == "full" else covariances[None]
        E = errors_c if covariance_type == "full" else errors_c[None]
        Wt, absolute = np.swapaxes(W, 1, 2), np.abs(W)
        product = W @ sigma @ Wt
        evaluation = g64 * (absolute @ np.abs(sigma) @ np.abs(Wt) + np.eye(d))  # float64 rounding of the product
        whitened = absolute @ E @ np.swapaxes(absolute, 1, 2)  # |W (Σ* − Σ̂) Wᵀ| ≤ |W| E |W|ᵀ
        r = (np.linalg.norm(product - np.eye(d), axis=(1, 2)) + np.linalg.norm(evaluation, axis=(1, 2))
             + np.linalg.norm(whitened, axis=(1, 2)))
        per_component = absolute if covariance_type == "full" else np.repeat(absolute, len(errors_m), axis=0)
        shifts = np.einsum("kpq,kq->kp", per_component, errors_m)
    else:
        variances = covariances if covariance_type == "diag" else covariances[:, None]
        E = errors_c if covariance_type == "diag" else errors_c[:, None]
        w2 = factors**2
        product = w2 * variances
        r = (np.sqrt(np.sum((product - 1.0) ** 2, axis=1)) + g64 * np.sqrt(np.sum((product + 1.0) ** 2, axis=1))
             + np.sqrt(np.sum((w2 * E) ** 2, axis=1)))
        shifts = factors * errors_m
    # their own float64 evaluation: non-negative terms (squares, |W| E |W|ᵀ, the rounding bound)
    # through at most d² + 2d + 4 roundings (the signed W Σ̂ Wᵀ − I is covered by ``evaluation``)
    r = r / (1.0 - gamma(d * d + 2 * d + 4, np.float64))
    return r, np.sqrt(np.sum(shifts**2, axis=1)) / (1.0 - gamma(2 * d + 4, np.float64))


def m_step_deficit(counts, second, state, new_state, covariance_type, prior, n_samples, gap):
    """D_t ≥ 0 with F(q̂_t, θ̃_{t+1}) + log p(θ̃_{t+1}) ≥ F(q̂_t, θ̃_t) + log p(θ̃_t) − D_t:
    what the M-step computed in floating point may lose against the exact one, θ̃ being
    the parameters the kernels evaluate (proofs/em.md, EM-2, "The M-step in floating point")."""
    parts = m_step_deficit_parts(counts, second, state, new_state, covariance_type, prior, n_samples, gap)
    # the three non-negative terms carry their own float64 evaluation; weight_sums its own 8u
    deficit = (parts["covariances"] + parts["means"] + parts["weights"]) * (1.0 + gamma(64, np.float64))
    deficit += parts["weight_sums"]
    return max(deficit, 0.0) if math.isfinite(deficit) else math.inf


def m_step_deficit_parts(counts, second, state, new_state, covariance_type, prior, n_samples, gap):
    """The four terms of :func:`m_step_deficit`: bounds on the covariances', the means' and
    the weights' shares of G(θ*) − G(θ̃_{t+1}), and C (log s_t − log s_{t+1}) for weights
    that do not sum to 1 exactly (s = Σ_k π_k)."""
    error_w, error_m, error_c, n_max = m_step_error_bounds(
        counts, second, state.means, new_state, covariance_type, prior, n_samples, gap)
    strength, _, alpha = prior if prior is not None else (0.0, None, 1.0)
    u = unit_roundoff(np.float64)
    # covariances: ((N* + a)/2) φ(W Σ* Wᵀ), φ(A) = tr A − log det A − d ≤ r² / (2(1 − r)) for ‖A − I‖_F ≤ r < 1
    r, shifts = _whitened_errors(new_state, error_c, error_m, covariance_type)
    counted = n_max.sum(keepdims=True) if covariance_type == "tied" else n_max
    phi = np.where(r < 1.0, r * r / (2.0 * (1.0 - np.where(r < 1.0, r, 0.0))), math.inf)
    parts = {"covariances": float(np.sum((counted + strength) / 2.0 * phi))}
    # means: (N*_k/2) ‖W_k (μ̂_k − z̄*_k)‖² ≤ (N*_k/2) ‖ |W_k| e_k ‖², e_k the entrywise bound
    parts["means"] = float(np.sum(n_max / 2.0 * shifts**2))
    # weights: C [KL(π* ‖ π̂/s) + log s_t − log s_{t+1}], C = n + K(α − 1), s = Σ_k π̂_k, KL ≤ χ²
    C = n_samples + len(n_max) * (alpha - 1.0)
    weights = new_state.weights.astype(np.float64)
    s_new, s_old = math.fsum(weights), math.fsum(state.weights.astype(np.float64))
    s_error = abs(s_new - 1.0) + 2.0 * u * s_new  # ≥ |s − 1|
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = (1.0 + s_error) * np.sum((error_w + weights * s_error / (1.0 - s_error)) ** 2 / weights)
    parts["weights"] = C * float(chi2)
    parts["weight_sums"] = C * (math.log1p(s_old - 1.0) - math.log1p(s_new - 1.0) + 8.0 * u)
    return parts
