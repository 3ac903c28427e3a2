"""Rounding-error bounds of EM (proofs/em.md), evaluated on a run's numbers: the
bounds on the computed ℓ and F of EM-6 (``error_bounds``), the M-step's rounding
of EM-5 (``m_step_rounding``, for the kernel's computation and for the
certificate's float64 reference) and the floating-point M-step's deficit D_t of
EM-2 (``m_step_deficit``), which the loop records every iteration. Constants
that depend only on the sizes are computed once per fit (``_constants``), and
the per-component work runs in small compiled kernels, so that a small fit
(iris: tens of microseconds per iteration) pays microseconds for its bounds."""

import functools
import math

import numpy as np

from classic._jit import CHUNK_SIZE, bits_float, float_bits, inline_kernel, kernel
from classic.rounding import (above, below, chunked_additions, gamma, gamma_exact, product_up, round_up, sum_up,
                              unit_roundoff)

__all__ = ["error_bounds", "m_step_rounding", "m_step_error_bounds", "m_step_deficit", "m_step_deficit_parts",
           "deficit_of"]

@functools.lru_cache(maxsize=64)
def _constants(n, K, d, dtype):
    """Everything of EM-6, EM-5 and EM-2 that depends on the sizes and the precision only
    (``dtype`` a numpy dtype)."""
    u = unit_roundoff(dtype)
    info = np.finfo(dtype)
    rows, chunks = min(n, CHUNK_SIZE), (n + CHUNK_SIZE - 1) // CHUNK_SIZE
    c = chunked_additions(n)  # EM-6(a), RD-1: additions of a chunked sum with one term per row
    tiny = 2.0 * K * float(info.smallest_normal)  # ν': entries with e_ik >= ν' have normal r_ik
    S = 1.0 - math.log(float(info.smallest_normal))  # |s_ik| for every e_ik >= ν'
    S_sub = 1.0 - math.log(float(info.smallest_subnormal))  # |log r| for every r > 0
    log_k = math.log(K)
    # λ of 1 + λ = e^{2τ}(1 + γ_{K+18})/(1 − 3Kν'), τ = uS/(1 − u), from its three factors' excesses
    lam = excess_of_product(math.expm1(2.0 * u * S / (1.0 - u)), gamma(K + 18, dtype),
                            3.0 * K * tiny / (1.0 - 3.0 * K * tiny))
    running = K * rows + chunks + 12  # K terms per row in one running sum per chunk
    return dict(
        u=u,
        c=c,
        g_rows=gamma(rows + chunks, dtype) + gamma(1, dtype),
        g=gamma(running, dtype) if running * u < 0.5 else math.inf,  # EM-6 needs g < 1: else no bound
        # 1/(1 − g) = (1 − mu)/(1 − 2mu), m = running: mu, 1 − mu and 1 − 2mu are exact, one rounding
        # (1/(1 − fl(g)) would carry g's rounding divided by 1 − g, unbounded as g nears 1; EM-6, step 5)
        raise_=(1.0 - running * u) / (1.0 - 2.0 * running * u) if running * u < 0.5 else math.inf,
        g_sum=float(round_up(gamma_exact(max(K - 1, 1), dtype))),
        tiny=tiny,
        sigma=float(info.smallest_subnormal),
        lam=lam,
        one_plus_lambda=1.0 + lam,
        row_l=u * K + 2.0 * gamma(K + 8, dtype) + 8.0 * u * (log_k + 1.0) + 8.0 * K * tiny,
        row_h=2.0 * u * (8.0 * log_k + 28.0) + 8.0 * K * tiny * (S_sub + 2.0),
        below=K * tiny * (3.0 + 24.0 * K * tiny / float(info.smallest_subnormal)),
        log_ratio_below=math.log(12.0 * K * tiny / float(info.smallest_subnormal)),
        # EM-5 for the kernel's computation, and N and the second moments (non-negative terms): rounded up
        # from their exact values, leaves of bounds evaluated outward (RD-4 (c))
        G_kernel=float(round_up(gamma_exact(2 * c + K + d + 8, dtype))),
        g_moments=float(round_up(gamma_exact(c + 4, dtype))),
        g_product=gamma(2 * d + 2, np.float64),  # W Σ̂ Wᵀ in float64
        r_evaluation=1.0 - gamma(d * d + 4 * d + 11, np.float64),  # EM-2, "Evaluation"
        shift_evaluation=1.0 - gamma(d * d + 4 * d + 11, np.float64),  # as r's: >= the 3d + 1 of ‖ |W| e ‖
        evaluation=1.0 + gamma(160, np.float64),  # EM-6, step 5: at most 80 roundings per term
        # D_t's three shares carry at most K + 17 roundings, their product with this factor included (EM-2,
        # "Evaluation"), and 1/(1 − γ_m) ≤ 1 + γ_2m (until 2026-12-07: 1 + γ_64, short from K = 48 on)
        deficit_evaluation=1.0 + gamma(2 * (K + 17), np.float64),
        u64=unit_roundoff(np.float64),
    )


def excess_of_product(*parts):
    """Π_i (1 + x_i) − 1 for x_i ≥ 0, as a sum of non-negative terms, (1 + a)(1 + b) − 1 = a + b + ab
    taken in turn: within a few roundings of its value however small (EM-6, step 5), where forming
    the product and subtracting 1 loses the digits of x_i below u."""
    total = 0.0
    for x in parts:
        total = total + x + (total * x if total > 0.0 and x > 0.0 else 0.0)  # 0 · ∞ is no term
    return total


def normalisation_slack(gap, g_sum):
    """η ≥ max_i |1/ρ_i − 1|, ρ_i the exact sum of row i's computed responsibilities, from
    the kernel's largest |ρ̂_i − 1| (ρ̂_i: that sum in working precision, K − 1 additions,
    g_sum ≥ γ_{K−1}), evaluated outward (RD-4 (c)): at least its formula's exact value."""
    # β = gap + g_sum (1 + gap)/(1 − g_sum) ≥ |ρ_i − 1|
    beta = _up(gap + _up(_up(g_sum * _up(1.0 + gap)) / _down(1.0 - g_sum)))
    return _up(beta / _down(1.0 - beta)) if beta < 0.5 else math.inf


def _up(x):
    """rounding.above for one Python float (RD-4 (c)), at a fiftieth of its cost: the loop evaluates
    η, g and G every iteration, and NumPy's nextafter of a scalar costs microseconds."""
    return math.nextafter(x, math.inf)


def _down(x):
    """rounding.below for one Python float (RD-4 (c))."""
    return math.nextafter(x, -math.inf)


def _lower_bound_error(density_error, abs_expected, entropy, eta, g, n, row_h):
    """|F̂ − F(q̂, θ)| for one E-step's responsibilities against a = a(θ) (EM-6, step 3); the
    arguments are the exact sums' upper bounds."""
    normalisation = eta * (abs_expected + density_error + entropy * (1.0 + 2.0 * g) + n * (1.0 + row_h))
    return density_error + g * abs_expected + 2.0 * g * entropy + n * row_h + normalisation


def _overflow_share(sums, n_components, n_features, delta, dtype):
    """Per row, a bound on Σ_k e^{a_k − max_finite}, over the entries whose computed Mahalanobis
    term overflowed (â = −∞, left out of Δ and of the responsibilities): their exact term is at
    least max/2 − 3γ_{d+2} ω‖z − μ‖², so a_k ≤ log_const_k − that/2 (EM-6, "Overflow"). Its
    differences are rounded outward one operation at a time (RD-4 (c); exp faithfully rounded),
    so the value returned is at least the exact K e^X (EM-6, step 5 counts it as exact)."""
    if not sums["overflowed"] > 0:
        return 0.0
    spread = product_up(1.5, round_up(gamma_exact(n_features + 2, dtype)), sums["overflow_spread"])
    maha = float(below(float(np.finfo(dtype).max) / 2.0 - spread))
    if not maha > 0.0:
        return math.inf
    with np.errstate(over="ignore"):  # an overflow to -inf or +inf is the bound (0 or none)
        exponent = float(above(sum_up(sums["largest_log_const"], sums["lowest_row_max"], delta) - maha / 2.0))
    return float(product_up(n_components, max(float(above(math.exp(exponent))), 5e-324))) if exponent < 700.0 \
        else math.inf


def error_bounds(sums, previous_sums, n_samples, n_components, n_features, dtype):
    """Complete rounding bounds on the computed ℓ(θ̃_t), F(q̂_t, θ̃_t) (with EM-1's gap
    Σ_i KL(q̂_i ‖ p_i) added) and F(q̂_{t-1}, θ̃_t), standardised units (proofs/em.md, EM-6).
    A recorded sum of non-negative terms, divided by 1 − g, bounds the exact sum; where g ≥ 1
    (in float32, from about 8 192 components on) nothing does, and every bound is +inf."""
    k = _constants(n_samples, n_components, n_features, np.dtype(dtype))
    n, g, row_h, raise_ = n_samples, k["g"], k["row_h"], k["raise_"]
    if not g < 1.0:
        return math.inf, math.inf, None if previous_sums is None else math.inf
    delta = sums["largest_density_error"]
    growth = math.exp(2.0 * delta) if delta < 350.0 else math.inf
    density_error = sums["density_error"] * raise_
    # Σ_i Σ_k p̃_ik (e^{δ_ik} − 1) ≥ Σ_i |L_i(â) − L_i(a)|: the kernel's terms, (1 + λ) for p̃ against r̂,
    # σ per term for underflow (EM-6, step 2)
    excess = k["one_plus_lambda"] * (sums["density_excess"] + n * n_components * k["sigma"]) * raise_
    density = min(n * delta, growth * (k["one_plus_lambda"] * density_error + 3.0 * n * n_components * k["tiny"] * delta),
                  excess)
    overflow = _overflow_share(sums, n_components, n_features, delta, dtype)
    log_likelihood = density + k["g_rows"] * sums["abs_log_likelihood"] * raise_ + n * k["row_l"] + n * overflow
    eta = normalisation_slack(sums["normalisation_gap"], k["g_sum"])
    # Σ_i KL(q̂_i ‖ p_i) (EM-1): per row, (M − 1)² plus p + q̂²/p per entry below ν' (χ²), or
    # log of the largest q̂_k/p_k (M above ν', 12Kν'e^{2Δ}/σ below), whichever is smaller; or, over
    # all rows, log((1 + λ)(1 + η)) per row + Σ q̂δ + Σ_i |L_i(â) − L_i(a)| and the entries below ν';
    # M − 1 and log((1 + λ)(1 + η)) from λ, η, e^{2Δ} − 1 and K e^X, not from M (EM-6, step 5)
    weights_excess = excess_of_product(k["lam"], eta)
    spread_excess = excess_of_product(weights_excess, math.expm1(2.0 * delta) if delta < 350.0 else math.inf, overflow)
    chi2 = spread_excess ** 2 + k["below"] * growth if spread_excess < 1e150 else math.inf
    # the overflowed entries' mass, 1 + K e^X, divides every p_k: it multiplies M in both forms (until
    # 2026-12-07 the log form missed it, and an infinite overflow share left F's bound finite)
    log_ratio = 2.0 * delta + max(math.log1p(weights_excess), k["log_ratio_below"]) + math.log1p(overflow)
    shares = n * math.log1p(weights_excess) + (1.0 + eta) * density_error + excess + n * overflow
    below = 2.0 * n_components * k["tiny"] * (1.0 + eta) * (n * (k["log_ratio_below"] + delta + overflow) + excess)
    posterior_gap = min(n * min(chi2, log_ratio), shares + below)
    bound_now = _lower_bound_error(density_error, sums["abs_expected"] * raise_, sums["entropy"] * raise_, eta, g, n,
                                   row_h) + posterior_gap
    # the float64 evaluation of the bounds: non-negative terms through at most 80 roundings (the
    # longest path is the χ² form's, 78; EM-6, step 5), so the exact value is below
    # computed / (1 − γ_80) ≤ computed (1 + γ_160)
    e = k["evaluation"]
    if previous_sums is None:
        return log_likelihood * e, bound_now * e, None
    bound_previous = _lower_bound_error(
        sums["density_error_previous"] * raise_, sums["abs_expected_previous"] * raise_, previous_sums["entropy"] * raise_,
        normalisation_slack(previous_sums["normalisation_gap"], k["g_sum"]), g, n, row_h)
    return log_likelihood * e, bound_now * e, bound_previous * e


# ---- EM-5: one computation of the M-step -------------------------------------------------


@kernel
def _inf_for_nan(x):
    # 0/0 (an empty component without a prior: no bound) reads as no bound, not as NaN
    return x if x == x else np.inf


@inline_kernel
def _above(x):
    # rounding.above in a kernel: the float after the rounded result of one operation, at least its
    # exact value, underflow included (RD-4 (c)); inf and NaN stay. The next bit pattern (the
    # previous for a negative x), as nextafter, which Numba calls in libm, four times slower.
    if not x < np.inf:
        return x
    if x == 0.0:
        return 5e-324
    bits = float_bits(x)
    return bits_float(bits + 1 if x > 0.0 else bits - 1, x)


@inline_kernel
def _below(x):
    # rounding.below in a kernel, and at least 0: every quantity it bounds here (1 − G, N + a, ...) is
    # non-negative, and a denominator moved below 0 would turn a bound negative (NaN stays; inf gives
    # the largest float, which the exact value beyond it exceeds)
    if not x > 0.0:
        return x if x != x else 0.0
    return bits_float(float_bits(x) - 1, x)


# EM-5's bounds are evaluated outward (RD-4 (c); proofs/em.md, EM-5, "Slack"): every operation's result
# moved one float up (down for what divides: 1 − G, 1 − 2G, N + a), from leaves that bound their exact
# values, so each bound is at least its formula's exact value, underflow included. (Until 2026-12-07
# they were evaluated to nearest and their roundings counted, RD-4 (b), with two products' underflow:
# for a dying component without a prior, N ≈ 2e-298, other products underflowed too, the division
# by N made each loss about 1e-26, and a covariance's slack fell 1e-13 relative below its formula.)
# The terms σ(n/N + 1) and σ((n + 2)/(N + a) + 1) are evaluated as σn/N + σ: for a component whose N
# is tiny (about 3e-307: a weight dying under the prior) n/N alone overflows to inf, and σ·inf took
# EM-5's bound with it (found by a fuzz, 2026-12-03); σn is exact and σn/N is small.


@inline_kernel
def _underflow_share(sigma, count, denominator):
    # σ count/denominator + σ, outward: the underflow of count products, divided by N (+ a), and the
    # division's own (σ count is exact, and small beside a tiny denominator, where count/N overflows)
    return _above(_above(_above(sigma * count) / denominator) + sigma)


@inline_kernel
def _products_count(n, reach):
    # n + 2 + 2R, outward: a scatter entry's products and R for those whose underflow a deviation multiplies
    return _above(_above(n + 2.0) + _above(2.0 * reach))


@inline_kernel
def _scatter_rounding(G, T2, T1_p, T1_q, S_abs, safe, one_minus_2G):
    # E_S's relative part, G(T2 + 4 T1_p (T1_q/N) + 2|S|)/(1 − 2G), outward
    product = _above(_above(4.0 * T1_p) * _above(T1_q / safe))
    moments = _above(_above(T2 + product) + _above(2.0 * S_abs))
    return _above(_above(G * moments) / one_minus_2G)


@inline_kernel
def _prior_leaf(a, sigma0_abs):
    # a|Σ_0| (an entry), a leaf of the bounds: rounded up, and exactly 0 where a or the entry is 0 (to nearest
    # it could fall an ulp below the exact product; audit 83)
    return _above(a * sigma0_abs) if a > 0.0 and sigma0_abs != 0.0 else 0.0


@inline_kernel
def _covariance_bound(G, covariance_abs, scatter, prior, denominator, lost, one_plus_G, one_minus_G):
    # [G|Σ̂| + (1 + G)(E_S + G a|Σ_0|)/(N + a) + underflow]/(1 − G), outward, prior = a|Σ_0| rounded up; no
    # bound (inf) for 0/0
    numerator = _above(one_plus_G * _above(scatter + _above(G * prior)))
    rest = _above(_above(numerator / denominator) + lost)
    return _inf_for_nan(_above(_above(_above(G * covariance_abs) + rest) / one_minus_G))


@kernel
def _weight_and_mean_bounds(N, T1, weights_abs, previous_means_abs, n, G, sigma, one_minus_G, error_w, error_m):
    # EM-5's weight bound (G|π̂| + σ)/(1 − G) and mean bound G(2 T1/N + |μ'|) + σn/N + σ, outward
    K, d = T1.shape
    for k in range(K):
        error_w[k] = _above(_above(_above(G * weights_abs[k]) + sigma) / one_minus_G)
        safe = N[k] if N[k] > 0.0 else 1.0
        mean_underflow = _underflow_share(sigma, n, safe)
        for p in range(d):
            spread = _above(_above(2.0 * T1[k, p]) / safe)  # 2 T1/N
            error_m[k, p] = _above(_above(G * _above(spread + previous_means_abs[k, p])) + mean_underflow)
            if not N[k] > 0.0:
                error_m[k, p] = 0.0  # N_k = 0: the mean is kept, F does not depend on it


@kernel
def _rounding_full(N, T1, T2, S_abs, weights_abs, covariances_abs, previous_means_abs, shared, sigma0_abs, a,
                   n, reach, G, sigma, error_w, error_m, error_c, error_s):
    # EM-5's bounds for full (shared: tied) covariances, evaluated outward; see m_step_rounding.
    K, d = T1.shape
    one_minus_G, one_minus_2G, one_plus_G = _below(1.0 - G), _below(1.0 - 2.0 * G), _above(1.0 + G)
    _weight_and_mean_bounds(N, T1, weights_abs, previous_means_abs, n, G, sigma, one_minus_G, error_w, error_m)
    for k in range(K):
        safe = N[k] if N[k] > 0.0 else 1.0
        for p in range(d):
            for q in range(d):
                # fl(F_q/N) may underflow: |F_p| σ/2, and σ(T1_p + T1_q) covers both orders
                error_s[k, p, q] = _above(_scatter_rounding(G, T2[k, p, q], T1[k, p], T1[k, q], S_abs[k, p, q], safe,
                                                            one_minus_2G)
                                          + _above(sigma * _above(T1[k, p] + T1[k, q])))
    total = np.float64(0.0)
    counts = np.empty(K)  # per component n + 2 + 2 max_p R_kp ≥ n + 2 + R_kp + R_kq
    for k in range(K):
        total = _below(total + N[k])
        largest = np.float64(0.0)
        for p in range(d):
            largest = max(largest, reach[k, p])
        counts[k] = _products_count(n, largest)
    for c in range(covariances_abs.shape[0]):
        denominator = _below((total if shared else N[c]) + a)
        underflows = np.float64(0.0)
        if shared:
            for k in range(K):
                underflows = _above(underflows + counts[k])
        else:
            underflows = counts[c]
        lost = _underflow_share(sigma, underflows, denominator)  # one per covariance
        for p in range(d):
            for q in range(d):
                scatter = np.float64(0.0)
                if shared:
                    for k in range(K):
                        scatter = _above(scatter + error_s[k, p, q])
                else:
                    scatter = error_s[c, p, q]
                prior = _prior_leaf(a, sigma0_abs[p, q])
                error_c[c, p, q] = _covariance_bound(G, covariances_abs[c, p, q], scatter, prior, denominator, lost,
                                                     one_plus_G, one_minus_G)


@kernel
def _rounding_diag(N, T1, T2, S_abs, weights_abs, covariances_abs, previous_means_abs, spherical, sigma0_abs, a,
                   n, reach, G, sigma, error_w, error_m, error_c, error_s):
    # EM-5's bounds for diagonal (spherical: covariances_abs and error_c of shape (K, 1)) covariances,
    # evaluated outward.
    K, d = T1.shape
    one_minus_G, one_minus_2G, one_plus_G = _below(1.0 - G), _below(1.0 - 2.0 * G), _above(1.0 + G)
    _weight_and_mean_bounds(N, T1, weights_abs, previous_means_abs, n, G, sigma, one_minus_G, error_w, error_m)
    prior_sum = np.float64(0.0)
    for j in range(d):
        prior_sum = _above(prior_sum + _prior_leaf(a, sigma0_abs[j]))
    for k in range(K):
        safe = N[k] if N[k] > 0.0 else 1.0
        scatter_sum, underflows = np.float64(0.0), np.float64(0.0)
        for j in range(d):
            error_s[k, j] = _above(_scatter_rounding(G, T2[k, j], T1[k, j], T1[k, j], S_abs[k, j], safe, one_minus_2G)
                                   + _above(_above(2.0 * sigma) * T1[k, j]))
            scatter_sum = _above(scatter_sum + error_s[k, j])
            underflows = _above(underflows + _products_count(n, reach[k, j]))
        if spherical:
            denominator = _below(d * _below(N[k] + a))
            error_c[k, 0] = _covariance_bound(G, covariances_abs[k, 0], scatter_sum, prior_sum, denominator,
                                              _underflow_share(sigma, underflows, denominator), one_plus_G,
                                              one_minus_G)
        else:
            denominator = _below(N[k] + a)
            for j in range(d):
                lost = _underflow_share(sigma, _products_count(n, reach[k, j]), denominator)
                prior = _prior_leaf(a, sigma0_abs[j])
                error_c[k, j] = _covariance_bound(G, covariances_abs[k, j], error_s[k, j], prior, denominator,
                                                  lost, one_plus_G, one_minus_G)


def m_step_rounding(N, T1, T2, S_abs, weights_abs, covariances_abs, previous_means_abs, covariance_type, prior,
                    additions, n_samples, dtype, perturbation=0.0, G=None, *, extent):
    """Complete bounds on |θ̂ − θ| for one computation of the M-step of EM-5 in ``dtype``
    whose sums have at most ``additions`` additions (proofs/em.md, EM-5, "Slack").

    θ is the exact M-step of the same responsibilities; ``perturbation`` adds a relative
    perturbation of every responsibility (EM-2's η). N bounds the exact N_k from below (it only
    divides); T1 = Σ r|z − μ'| and T2 = Σ r|z − μ'||z − μ'|ᵀ (full/tied; the diagonal for
    diag/spherical) bound the exact values from above; ``S_abs`` bounds |Ŝ| (the computed
    scatter about z̄, or the exact one), ``weights_abs`` and ``covariances_abs`` are |π̂| and
    |Σ̂| of this computation. ``G`` (γ_{2c+K+d+8} of ``dtype``, at least its exact value) may be
    given precomputed. Every bound is evaluated outward (RD-4 (c)): at least its formula's exact value
    at these leaves, underflow included.
    ``extent`` is max_i |z_ip| for each feature (``_feature_spread``): with |μ'| it bounds the
    deviations that multiply a product r_ik d_ip that underflowed (EM-5, "Underflow").
    Returns (weights, means, covariances, scatter), float64, shaped as θ (scatter: (K, d, d)
    or (K, d)).
    """
    n_components, d = previous_means_abs.shape
    if G is None:
        G = round_up(gamma_exact(2 * additions + n_components + d + 8, dtype))
    if perturbation:
        G = float(sum_up(G, product_up(perturbation, sum_up(1.0, G))))  # outward, as the kernels (RD-4 (c))
    full = covariance_type in ("full", "tied")
    error_s = np.empty(T2.shape)
    if not 4.0 * G < 1.0:
        error_s.fill(math.inf)
        inf = np.full((n_components, d), math.inf)
        return inf[:, 0], inf, np.full(covariances_abs.shape, math.inf), error_s
    strength, sigma0, _ = prior if prior is not None else (0.0, np.zeros((d, d)), 1.0)
    sigma = float(np.finfo(dtype).smallest_subnormal)
    reach = _reach(np.asarray(extent, dtype=np.float64), np.asarray(previous_means_abs, dtype=np.float64),
                   float(n_samples))
    error_w, error_m = np.empty(n_components), np.empty((n_components, d))
    if full:
        shape = covariances_abs.shape if covariance_type == "full" else (1, d, d)
        error_c = np.empty(shape)
        _rounding_full(N, T1, T2, S_abs, weights_abs, covariances_abs.reshape(shape), previous_means_abs,
                       covariance_type == "tied", _magnitude(sigma0), float(strength), float(n_samples), reach,
                       G, sigma, error_w, error_m, error_c, error_s)
    else:
        shape = (n_components, d) if covariance_type == "diag" else (n_components, 1)
        error_c = np.empty(shape)
        _rounding_diag(N, T1, T2, S_abs, weights_abs, covariances_abs.reshape(shape), previous_means_abs,
                       covariance_type == "spherical", _magnitude(np.diag(sigma0)), float(strength),
                       float(n_samples), reach, G, sigma, error_w, error_m, error_c, error_s)
    return error_w, error_m, error_c.reshape(covariances_abs.shape), error_s


def _magnitude(sigma0):
    """|Σ_0| in float64, what the bound kernels take for the prior (they form a|Σ_0| rounded up)."""
    return np.abs(np.asarray(sigma0, dtype=np.float64))


@kernel
def _reach(extent, previous_means_abs, n):
    # EM-5, "Underflow": integer-valued R_kp ≥ n (max_i |z_ip| + |μ'_kp|) ≥ Σ_i |z_ip − μ'_kp|. A scatter
    # product r_ik d_ip that underflows loses σ/2, and the kernel multiplies it by d_iq: a row's loss
    # grows with |d_iq|, and the bounds count σ R_kq for it. Each of the two roundings of
    # (extent + |μ'|) n loses at most a factor 1 − u, which the factor 1 + 2^-50 (a third rounding) makes up.
    K, d = previous_means_abs.shape
    reach = np.empty((K, d))
    for k in range(K):
        for p in range(d):
            reach[k, p] = np.ceil((extent[p] + previous_means_abs[k, p]) * n * (1.0 + 2.0**-50))
    return reach


# ---- EM-2: the floating-point M-step's deficit ----------------------------------------------


@kernel
def _moment_bounds(counts, diagonal, n, reach, g, sigma, n_max, n_min, T1, T2):
    # N* between N̂(1 − g) and N̂/(1 − g); T2_kp = (second_kpp + (n + R_kp)σ)/(1 − g)
    # ≥ Σ_i q̂_ik (z_ip − μ'_kp)² (non-negative terms; a row's fl(r d) d loses σ/2 to each product's
    # underflow, the first's times |d|: EM-5, "Underflow"); T1_kp = (N*_max T2_kp)^{1/2} (Cauchy–Schwarz).
    # Evaluated outward, as EM-5's bounds (RD-4 (c)): n_min below, the others above their formulas;
    # N̂ = 0 only where every r̂_ik is 0 (a sum of non-negative terms), so N* = 0 = n_max exactly there
    # (a float above 0 would read as a component with points but no weight, EM-2's χ² = ∞).
    K, d = T1.shape
    one_minus_g = _below(1.0 - g)
    for k in range(K):
        n_max[k] = _above(np.float64(counts[k]) / one_minus_g) if counts[k] > 0 else 0.0
        n_min[k] = _below(np.float64(counts[k]) * one_minus_g)
        for p in range(d):
            underflow = _above(_above(n + reach[k, p]) * sigma)
            T2[k, p] = _above(_above(np.float64(diagonal[k, p]) + underflow) / one_minus_g)
            T1[k, p] = _above(math.sqrt(_above(n_max[k] * T2[k, p])))


@kernel
def _shares(r, shifts, counted, n_max, strength, error_w, weights, s_error):
    # The covariances' share Σ_c ((N*_c + a)/2) r_c²/(2(1 − r_c)) (inf for r_c ≥ 1), the means'
    # Σ_k (N*_k/2) shifts_k², and the weights' χ²(π* ‖ π̂/s) bound (proofs/em.md, EM-2).
    # φ's bound is evaluated at r raised by 4u (above r's two roundings, of the quotient and of 1 − γ), so
    # that 1 − x is at most the exact 1 − r and itself exact or within one rounding (EM-2, "Evaluation"):
    # at r itself, r near 1 lost more than a rounding there (until 2026-12-07)
    covariances = np.float64(0.0)
    for c in range(r.shape[0]):
        x = r[c] * (1.0 + 2.0**-51)
        covariances += (counted[c] + strength) / 2.0 * (x * x / (2.0 * (1.0 - x)) if x < 1.0 else np.inf)
    means = np.float64(0.0)
    for k in range(n_max.shape[0]):
        means += n_max[k] / 2.0 * shifts[k] * shifts[k]
    chi2 = np.float64(0.0)
    for k in range(weights.shape[0]):
        w = np.float64(weights[k])
        gap = error_w[k] + w * s_error / (1.0 - s_error)
        if w > 0.0:
            chi2 += gap * gap / w
        elif n_max[k] > 0.0:
            chi2 = np.inf
        # else: no point has any responsibility for k (N̂_k = 0, so N*_k = 0) and π̂_k = 0 = π*_k (α = 1)
    return covariances, means, (1.0 + s_error) * chi2


@kernel
def _whitened_full(W, covariances, E, error_m, shared, g_product, r, own, shifts):
    # r_c ≥ ‖W Σ* Wᵀ − I‖_F from ‖fl(W Σ̂ Wᵀ) − I‖_F, its float64 rounding g_product (|W||Σ̂||W|ᵀ + I)
    # and ‖ |W| E |W|ᵀ ‖_F; own_c, the first two alone, ≥ ‖W Σ̂ Wᵀ − I‖_F (EM-8); shifts_k = ‖ |W_k| e_k ‖
    # (proofs/em.md, EM-2).
    d = W.shape[1]
    for c in range(W.shape[0]):
        w = W[c]
        wt = np.ascontiguousarray(w.T)
        absolute = np.abs(w)
        absolute_t = np.ascontiguousarray(absolute.T)
        product = np.dot(np.dot(w, covariances[c]), wt)
        rounding = np.dot(np.dot(absolute, np.abs(covariances[c])), absolute_t)
        whitened = np.dot(np.dot(absolute, E[c]), absolute_t)
        off, evaluation, spread = np.float64(0.0), np.float64(0.0), np.float64(0.0)
        for p in range(d):
            for q in range(d):
                identity = 1.0 if p == q else 0.0
                off += (product[p, q] - identity) ** 2
                evaluation += (g_product * (rounding[p, q] + identity)) ** 2
                spread += whitened[p, q] ** 2
        own[c] = math.sqrt(off) + math.sqrt(evaluation)
        r[c] = own[c] + math.sqrt(spread)
    for k in range(error_m.shape[0]):
        absolute = np.abs(W[0] if shared else W[k])
        total = np.float64(0.0)
        for p in range(d):
            y = np.float64(0.0)
            for q in range(d):
                y += absolute[p, q] * error_m[k, q]
            total += y * y
        shifts[k] = math.sqrt(total)


@kernel
def _whitened_diag(w, variances, E, error_m, g_product, r, own, shifts):
    # _whitened_full for diagonal W (spherical: variances and E of shape (K, 1)).
    K, d = w.shape
    for k in range(K):
        off, evaluation, spread, total = np.float64(0.0), np.float64(0.0), np.float64(0.0), np.float64(0.0)
        for j in range(d):
            i = j if variances.shape[1] > 1 else 0
            w2 = w[k, j] * w[k, j]
            product = w2 * variances[k, i]
            off += (product - 1.0) ** 2
            evaluation += (product + 1.0) ** 2
            spread += (w2 * E[k, i]) ** 2
            total += (w[k, j] * error_m[k, j]) ** 2
        own[k] = math.sqrt(off) + g_product * math.sqrt(evaluation)
        r[k] = own[k] + math.sqrt(spread)
        shifts[k] = math.sqrt(total)


def m_step_deficit(counts, second, state, new_state, covariance_type, prior, n_samples, gap, extent):
    """D_t ≥ 0 with F(q̂_t, θ̃_{t+1}) + log p(θ̃_{t+1}) ≥ F(q̂_t, θ̃_t) + log p(θ̃_t) − D_t:
    what the M-step computed in floating point may lose against the exact one, θ̃ being
    the parameters the kernels evaluate (proofs/em.md, EM-2, "The M-step in floating point")."""
    parts = m_step_deficit_parts(counts, second, state, new_state, covariance_type, prior, n_samples, gap, extent)
    return deficit_of(parts, n_samples, new_state)


def deficit_of(parts, n_samples, new_state):
    """:func:`m_step_deficit` from its parts (:func:`m_step_deficit_parts`)."""
    # the three non-negative terms carry their own float64 evaluation; weight_sums its own 8u
    k = _constants(n_samples, len(new_state.weights), new_state.means.shape[1], new_state.means.dtype)
    deficit = (parts["covariances"] + parts["means"] + parts["weights"]) * k["deficit_evaluation"]
    deficit += parts["weight_sums"]
    return max(deficit, 0.0) if math.isfinite(deficit) else math.inf


@kernel
def _error_bounds_full(counts, diagonal, previous_means, weights, covariances, shared, sigma0_abs, a, n, extent, g, G,
                       sigma):
    # The entrywise bounds of m_step_error_bounds for full (shared: tied, covariances of one
    # covariance) covariances: _moment_bounds, the Cauchy–Schwarz T2 and |S|, then _rounding_full.
    K, d = previous_means.shape
    n_max, n_min = np.empty(K), np.empty(K)
    T1, T2 = np.empty((K, d)), np.empty((K, d))
    means_abs = np.abs(previous_means.astype(np.float64))
    reach = _reach(extent, means_abs, n)
    _moment_bounds(counts, diagonal, n, reach, g, sigma, n_max, n_min, T1, T2)
    outer = np.empty((K, d, d))  # ≥ Σ_i q̂ |z_ip − μ'_p||z_iq − μ'_q| and ≥ |S_pq| (Cauchy–Schwarz)
    for k in range(K):
        for p in range(d):
            for q in range(d):
                outer[k, p, q] = _above(np.sqrt(_above(T2[k, p] * T2[k, q])))
    error_w, error_m = np.empty(K), np.empty((K, d))
    error_c, error_s = np.empty(covariances.shape), np.empty((K, d, d))
    _rounding_full(n_min, T1, outer, outer, np.abs(weights.astype(np.float64)), np.abs(covariances.astype(np.float64)),
                   means_abs, shared, sigma0_abs, a, n, reach, G, sigma, error_w, error_m,
                   error_c, error_s)
    return n_max, error_w, error_m, error_c


@kernel
def _error_bounds_diag(counts, diagonal, previous_means, weights, covariances, spherical, sigma0_abs, a, n, extent, g, G,
                       sigma):
    # As _error_bounds_full for diagonal (spherical: covariances of shape (K, 1)) covariances.
    K, d = previous_means.shape
    n_max, n_min = np.empty(K), np.empty(K)
    T1, T2 = np.empty((K, d)), np.empty((K, d))
    means_abs = np.abs(previous_means.astype(np.float64))
    reach = _reach(extent, means_abs, n)
    _moment_bounds(counts, diagonal, n, reach, g, sigma, n_max, n_min, T1, T2)
    error_w, error_m = np.empty(K), np.empty((K, d))
    error_c, error_s = np.empty(covariances.shape), np.empty((K, d))
    _rounding_diag(n_min, T1, T2, T2, np.abs(weights.astype(np.float64)), np.abs(covariances.astype(np.float64)),
                   means_abs, spherical, sigma0_abs, a, n, reach, G, sigma, error_w, error_m,
                   error_c, error_s)
    return n_max, error_w, error_m, error_c


@kernel
def _deficit_shares_full(counts, diagonal, previous_means, weights, covariances, shared, sigma0_abs, a, n, extent, g, G,
                         sigma, factors, g_product, r_evaluation, shift_evaluation, s_error):
    # _error_bounds_full, _whitened_full and _shares in one call: the per-iteration path of
    # m_step_deficit_parts for full (shared: tied) covariances.
    n_max, error_w, error_m, error_c = _error_bounds_full(counts, diagonal, previous_means, weights, covariances,
                                                          shared, sigma0_abs, a, n, extent, g, G, sigma)
    r, own, shifts = np.empty(covariances.shape[0]), np.empty(covariances.shape[0]), np.empty(n_max.shape[0])
    _whitened_full(factors.astype(np.float64), covariances.astype(np.float64), error_c, error_m, shared, g_product, r,
                   own, shifts)
    # (not counted[:] = n_max: an array assignment compiles Numba's message for mismatched shapes, 2 s)
    counted = np.full(1, n_max.sum()) if shared else n_max.copy()
    covariance_share, mean_share, weight_share = _shares(r / r_evaluation, shifts / shift_evaluation, counted, n_max,
                                                         a, error_w, weights, s_error)
    return covariance_share, mean_share, weight_share, _first_unbounded(own / r_evaluation)


@kernel
def _deficit_shares_diag(counts, diagonal, previous_means, weights, covariances, spherical, sigma0_abs, a, n, extent,
                         g, G, sigma, factors, g_product, r_evaluation, shift_evaluation, s_error):
    # As _deficit_shares_full for diagonal (spherical: covariances of shape (K, 1)) covariances.
    n_max, error_w, error_m, error_c = _error_bounds_diag(counts, diagonal, previous_means, weights, covariances,
                                                          spherical, sigma0_abs, a, n, extent, g, G, sigma)
    r, own, shifts = np.empty(n_max.shape[0]), np.empty(n_max.shape[0]), np.empty(n_max.shape[0])
    _whitened_diag(factors.astype(np.float64), covariances.astype(np.float64), error_c, error_m, g_product, r, own,
                   shifts)
    covariance_share, mean_share, weight_share = _shares(r / r_evaluation, shifts / shift_evaluation, n_max, n_max,
                                                         a, error_w, weights, s_error)
    return covariance_share, mean_share, weight_share, _first_unbounded(own / r_evaluation)


@kernel
def _first_unbounded(r):
    # The first c with r_c ≥ 1 (or NaN), -1 if none: for own_c, the computed factor W_c cannot show
    # the computed Σ̂_c positive definite (EM-8).
    for c in range(r.shape[0]):
        if not r[c] < 1.0:
            return c
    return -1


def _kernel_arguments(second, previous_means, new_state, covariance_type, prior, n_samples, gap, extent):
    """What the _error_bounds_* kernels take, in their order (after ``counts``), and the constants
    of the fit; None for the arguments when η leaves no bound (then every share is infinite)."""
    n_components, d = new_state.means.shape
    k = _constants(n_samples, n_components, d, new_state.means.dtype)
    eta = normalisation_slack(gap, k["g_sum"])
    # N and the second moments, and EM-5's bound, each with 1/ρ: outward, as the kernels (RD-4 (c))
    g = _up(k["g_moments"] + _up(eta * _up(1.0 + k["g_moments"])))
    G = _up(k["G_kernel"] + _up(eta * _up(1.0 + k["G_kernel"])))
    if not (g < 1.0 and 4.0 * G < 1.0):
        return None, k
    strength, sigma0, _ = prior if prior is not None else (0.0, None, 1.0)
    covariances = new_state.covariances
    if covariance_type in ("full", "tied"):
        shared = covariance_type == "tied"
        diagonal = np.diagonal(second, axis1=1, axis2=2)
        sigma0_abs = _magnitude(sigma0) if prior is not None else np.zeros((d, d))
        covariances = covariances[None] if shared else covariances
    else:
        shared = covariance_type == "spherical"  # the diagonal kernels' flag
        diagonal = second
        sigma0_abs = _magnitude(np.diag(sigma0)) if prior is not None else np.zeros(d)
        covariances = covariances if covariance_type == "diag" else covariances[:, None]
    return (diagonal, previous_means, new_state.weights, covariances, shared, sigma0_abs, float(strength),
            float(n_samples), extent, g, G, k["sigma"]), k


def m_step_error_bounds(counts, second, previous_means, new_state, covariance_type, prior, n_samples, gap, extent):
    """Entrywise bounds on |θ̂ − θ*|: the computed M-step (weights, means, covariances)
    against the exact maximiser θ* of F(q̂, ·) + log p for q̂ = r̂/ρ, the computed
    responsibilities normalised (proofs/em.md, EM-2, "The M-step in floating point").

    EM-5's bound for the kernel's computation (the kernels of :func:`m_step_rounding`), with η
    (q̂ and r̂ differ by a factor 1/ρ_i per row) as a relative perturbation of every
    responsibility, and T1, T2 and |S| bounded from the kernel's second moments by
    Cauchy–Schwarz. Returns (weights (K,), means (K, d), covariances in their own shape,
    largest N*_k (K,)), all float64; inf where no bound exists.
    """
    arguments, _ = _kernel_arguments(second, previous_means, new_state, covariance_type, prior, n_samples, gap,
                                     extent)
    n_components, d = new_state.means.shape
    if arguments is None:
        inf = np.full((n_components, d), math.inf)
        return inf[:, 0], inf, np.full(new_state.covariances.shape, math.inf), inf[:, 0]
    bounds = _error_bounds_full if covariance_type in ("full", "tied") else _error_bounds_diag
    n_max, error_w, error_m, error_c = bounds(counts, *arguments)
    return error_w, error_m, error_c.reshape(new_state.covariances.shape), n_max


def m_step_deficit_parts(counts, second, state, new_state, covariance_type, prior, n_samples, gap, extent):
    """The four terms of :func:`m_step_deficit`: bounds on the covariances', the means' and
    the weights' shares of G(θ*) − G(θ̃_{t+1}), and C (log s_t − log s_{t+1}) for weights
    that do not sum to 1 exactly (s = Σ_k π_k).

    Covariances: ((N* + a)/2) φ(W Σ* Wᵀ), φ(A) = tr A − log det A − d ≤ r²/(2(1 − r)) for
    ‖A − I‖_F ≤ r < 1, r from the entrywise bounds of :func:`m_step_error_bounds` (`_whitened_*`,
    whose sums of non-negative terms carry at most d² + 4d + 11 roundings); means: (N*_k/2)
    ‖W_k (μ̂_k − z̄*_k)‖² ≤ (N*_k/2) ‖ |W_k| e_k ‖²; weights: C [KL(π* ‖ π̂/s) + log s_t − log s_{t+1}],
    C = n + K(α − 1), s = Σ_k π̂_k, KL ≤ χ². And ``singular``: the first covariance Σ̂_c whose
    computed factor W_c does not verify it positive definite, ‖fl(W Σ̂ Wᵀ) − I‖_F plus its float64
    rounding ≥ 1 (singular within rounding, EM-8), or -1.
    """
    alpha = prior[2] if prior is not None else 1.0
    arguments, k = _kernel_arguments(second, state.means, new_state, covariance_type, prior, n_samples, gap, extent)
    u = k["u64"]
    C = n_samples + len(new_state.weights) * (alpha - 1.0)
    s_new, s_old = math.fsum(new_state.weights.tolist()), math.fsum(state.weights.tolist())
    s_error = abs(s_new - 1.0) + 2.0 * u * s_new  # ≥ |s − 1|
    parts = {"weight_sums": C * (math.log1p(s_old - 1.0) - math.log1p(s_new - 1.0) + 8.0 * u)}
    if arguments is None:
        parts.update(covariances=math.inf, means=math.inf, weights=math.inf, singular=-1)
        return parts
    full = covariance_type in ("full", "tied")
    factors = new_state.factors[:1] if covariance_type == "tied" else new_state.factors
    shares = (_deficit_shares_full if full else _deficit_shares_diag)(
        counts, *arguments, np.ascontiguousarray(factors), k["g_product"], k["r_evaluation"], k["shift_evaluation"],
        s_error)
    parts.update(covariances=shares[0], means=shares[1], weights=C * shares[2], singular=int(shares[3]))
    return parts
