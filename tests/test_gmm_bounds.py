"""EM-6's bounds (proofs/em.md) against every perturbation their premises allow: the algebra
of the proof alone, apart from the kernels that record the numbers it bounds.

Real rounding errors sit far below the worst cases a bound must cover (the long double tests in
test_gmm.py cannot tell a bound ten times too small), so these tests push every rounding the
premises count to its extreme, each the same way, with a unit roundoff of 10⁻⁴ so that the
second-order terms are visible in float64. Each reports the largest fraction of its bound
that a perturbation uses and, where a part of the bound is needed, that the check rejects the
bound without it."""

import math

import numpy as np

#: The unit roundoff of these tests: large enough that products of roundings matter in float64.
U = 1e-4


def g(k):
    """γ_k = k u / (1 − k u) for the unit roundoff ``U``."""
    return k * U / (1 - k * U)


def logits(rng, K):
    """Gaps x_k = m − â_k ≥ 0 of one row (one of them 0, the row's maximum): ties, gaps near 1
    (where x e^{−x} peaks) and gaps up to 30."""
    x = rng.choice([0.0, 0.5, 1.0, 2.0]) + rng.uniform(0, 10.0 ** rng.uniform(-3, 1.5), K) * (rng.random(K) < 0.7)
    x[rng.integers(0, K)] = 0.0
    return x


def log_sum_exp(x, push):
    """One row's log-sum-exp in the rounding model of EM-6, step 1, every rounding pushed the way
    ``push`` (+1 or −1) moves fl(log t) up: s_k = −x_k(1 ∓ u), e_k = exp(s_k)(1 ± γ_8),
    t = Σ_k e_k(1 ± γ_{K−1}) and fl(log t) = log t (1 ± γ_8) (8 roundings, EM-6(b)).
    Returns (s, e, t, fl(log t))."""
    K = len(x)
    s = -x * (1 - push * U)
    e = np.exp(s) * (1 + push * g(8))
    t = float(np.sum(e * (1 + push * g(max(K - 1, 0)))))
    log_t = math.log(t)
    return s, e, t, log_t * (1 + push * math.copysign(1.0, log_t) * g(8))


def test_em6_through_the_computed_y_covers_every_perturbation_its_premises_allow():
    """EM-6, "Through the computed ŷ" (proofs/em.md), the algebra alone: for any ŷ with
    |ŷ_p − y_p| ≤ γ_{d+1} s_p and any M̂ within γ_d of Σ ŷ_p², half the error of the Mahalanobis
    term is at most γ_{d+4}(M̂ + 2√(S M̂) + γ_{d+4} S). Real rounding errors sit far below such
    worst cases (the long double tests cannot tell a bound ten times too small), so here the
    perturbations are the extreme ones the premises allow, with a unit roundoff of 10⁻⁴ so that
    the quadratic terms matter, on precision factors that cancel; and the same check rejects
    the bound with its √ term a tenth as large. The first form, γ_{d+4} 2S, passes the same
    check, and fails it at 0.3 of its size."""
    rng = np.random.default_rng(6)
    def worst_ratio(factor, form="through_y"):
        ratio = 0.0
        for _ in range(400):
            d = int(rng.integers(1, 9))
            W = np.tril(rng.standard_normal((d, d)) * 10.0 ** rng.uniform(0, 4, (d, 1)))
            e = rng.standard_normal(d) * 10.0 ** rng.uniform(-3, 1)
            if rng.random() < 0.5:  # deviations along a direction W nearly annihilates
                e = np.linalg.lstsq(W, rng.standard_normal(d) * 1e-3, rcond=None)[0]
            D = np.ones(d) if rng.random() < 0.5 else 10.0 ** rng.uniform(-2, 2, d)
            s_p = np.linalg.norm(W * D[None, :], axis=1) * np.linalg.norm(e / D)
            S = float(np.sum(s_p**2))
            y = W @ e
            for direction in (1.0, -1.0):  # every ŷ_p pushed away from 0, or towards it and past it
                y_hat = y + direction * np.where(y >= 0, 1.0, -1.0) * g(d + 1) * s_p
                Q = float(np.sum(y_hat**2))
                for M_hat in (Q * (1 - g(d)), Q * (1 + g(d))):
                    error = 0.5 * abs(M_hat - float(np.sum(y**2)))
                    if form == "through_y":
                        bound = g(d + 4) * (M_hat + factor * 2.0 * np.sqrt(S * M_hat) + g(d + 4) * S)
                    else:  # the first form: the spread alone, γ_{d+4} 2S (|y_p| <= s_p)
                        bound = factor * g(d + 4) * 2.0 * S
                    ratio = max(ratio, error / bound if bound > 0 else 0.0)
        return ratio

    assert worst_ratio(1.0) <= 1.0
    assert worst_ratio(0.1) > 1.0
    assert worst_ratio(1.0, "spread") <= 1.0  # and the first form, the same way
    assert worst_ratio(0.3, "spread") > 1.0


def test_em6_responsibilities_cover_every_perturbation_their_premises_allow():
    """EM-6, per-iteration bounds, step 1 (proofs/em.md), the algebra alone: with s_k = (â_k − m)(1 + ε_k),
    e_k = exp(s_k)(1 + θ_k), t = Σ_k e_k(1 + θ'_k) and r̂_k = (e_k/t)(1 + δ) (|ε|, |δ| ≤ u, |θ| ≤ γ_8 for
    the exponential's 8 roundings, |θ'| ≤ γ_{K−1}), every r̂_k lies within a factor
    1 + λ = e^{2τ}(1 + γ_{K+18}) of the posterior p̃_k at â, τ = uS/(1 − u), S ≥ |s_k| (no entry
    below ν' here). The perturbations are the extreme ones the premises allow, each pushing r̂_k
    the same way, with a unit roundoff of 10⁻⁴ so that they are visible in float64, on
    logits from nearly equal to 60 apart. And the rounding part of the factor is not loose:
    γ_{K+12} in place of γ_{K+18} fails the same check."""
    rng = np.random.default_rng(7)
    u = U
    def worst_ratio(roundings):
        worst = 0.0
        for _ in range(300):
            K = int(rng.integers(2, 9))
            a_hat = -rng.uniform(0, 10.0 ** rng.uniform(-2, 1.8), K)
            a_hat[rng.integers(0, K)] = 0.0
            p = np.exp(a_hat - a_hat.max())
            p /= p.sum()
            m = a_hat.max()
            S = float(np.max(np.abs(a_hat - m))) * (1 + u)  # bounds every |s_k|
            one_plus_lambda = math.exp(2 * u * S / (1 - u)) * (1 + g(K + roundings))
            for k in range(K):
                for up in (1.0, -1.0):  # r̂_k pushed up (then down) by every rounding at once
                    eps = np.where(np.arange(K) == k, -up, up) * u  # (â − m) ≤ 0: −u raises s_k
                    theta = np.where(np.arange(K) == k, up, -up) * g(8)
                    e = np.exp((a_hat - m) * (1 + eps)) * (1 + theta)
                    t = float(np.sum(e * (1 - up * g(K - 1))))
                    r_k = e[k] / t * (1 + up * u)
                    ratio = r_k / p[k]
                    worst = max(worst, math.log(ratio if up > 0 else 1 / ratio) / math.log(one_plus_lambda))
        return worst

    assert worst_ratio(18) <= 1.0
    assert worst_ratio(12) > 1.0


def test_em6_likelihood_row_covers_every_perturbation_its_premises_allow():
    """EM-6, per-iteration bounds, step 2 (proofs/em.md), the algebra alone: with the density
    errors apart (â = a), one row's L̂ = fl(m + fl(log t)) is within
    b_L = uK + 2γ_{K+8} + 8u(log K + 1) (no entry below ν' here) of L(â) = m + log Σ_k e^{â_k − m},
    before the final addition's rounding, which the sum over rows counts (γ_{c+1} A). Every
    rounding is pushed the same way, on rows of 1 to 8 components with m from 0 to 10³.
    The bound is generous: the worst case uses about half of it (uK bounds
    u Σ_k x_k e^{−x_k} ≤ uK/e, and 2γ_{K+8} both directions of the factors' log), so no single
    term of it is needed (without 8u(log K + 1) the worst case uses 0.8 of the rest); what the
    check does reject is b_L at 0.45 of its size."""
    rng = np.random.default_rng(8)
    u = U

    def worst_ratio():
        worst = 0.0
        for _ in range(3000):
            K = int(rng.integers(1, 9))
            x = logits(rng, K)
            m = float(rng.choice([0.0, 1.0, -1.0]) * 10.0 ** rng.uniform(-2, 3))
            exact = m + math.log(float(np.sum(np.exp(-x))))
            bound = u * K + 2 * g(K + 8) + 8 * u * (math.log(K) + 1)
            for push in (1.0, -1.0):
                _, _, _, log_t = log_sum_exp(x, push)
                worst = max(worst, abs(m + log_t - exact) / bound)
        return worst

    worst = worst_ratio()
    assert 0.45 < worst <= 1.0, worst


def test_em6_log_responsibility_covers_every_perturbation_its_premises_allow():
    """EM-6, per-iteration bounds, step 3 (proofs/em.md), the algebra alone: the computed
    log r̂_k = fl(s_k − fl(log t)) is within u|log r̂_k|/(1 − u) + 8u(log K + 1) + 20u of the
    exact log of the float r̂_k = fl(e_k/t) (e_k's 8 roundings, t's K − 1, the division's one;
    the entropy's per-row term b_H adds these over the row). Every rounding pushed to its
    extreme, each way, on every entry of rows of 1 to 8 components. The constant 20u counts the
    exponential's and the division's roundings generously: the worst case uses about 0.6 of the
    bound, and the check rejects it with the log's term 8u(log K + 1) and 20u both halved."""
    rng = np.random.default_rng(9)
    u = U

    def worst_ratio(scale):
        worst = 0.0
        for _ in range(1500):
            K = int(rng.integers(1, 9))
            x = logits(rng, K)
            for push in (1.0, -1.0):
                s, e, t, log_t = log_sum_exp(x, -push)  # fl(log t) down pushes log r̂ up
                for k in range(K):
                    division = push * u
                    exact = math.log(e[k]) - math.log(t) + math.log1p(division)  # log of the float r̂_k
                    for last in (u, -u):
                        computed = (s[k] - log_t) * (1 + last)
                        bound = u * abs(computed) / (1 - u) + scale * (8 * u * (math.log(K) + 1) + 20 * u)
                        worst = max(worst, abs(computed - exact) / bound)
        return worst

    worst = worst_ratio(1.0)
    assert 0.55 < worst <= 1.0, worst
    assert worst_ratio(0.5) > 1.0


def test_em6_posterior_gap_per_row_covers_every_perturbation_its_premises_allow():
    """EM-6, per-iteration bounds, step 4, "Per row, without e^{2Δ}" (proofs/em.md), the algebra
    alone: when every density error |â_k − a_k| ≤ δ_k, the computed responsibilities lie within
    a factor 1 + λ of the posterior p̃ at â (step 1) and η ≥ |1/ρ − 1|, then
    KL(q̂ ‖ p) ≤ log((1 + λ)(1 + η)) + Σ_k q̂_k δ_k + Y, Y = Σ_k p̃_k (e^{δ_k} − 1), p the exact
    posterior. Errors of either sign up to δ_k from 10⁻⁶ to 2, responsibilities at either end of
    their interval. The worst case uses 0.45 to 0.5 of the bound, and the check rejects it without
    Y (what L(a) − L(â) may add to each log(p̃_k/p_k)) and without the log term."""
    rng = np.random.default_rng(10)

    def softmax(a):
        e = np.exp(a - a.max())
        return e / e.sum()

    def worst_ratio(with_log, with_Y):
        worst = 0.0
        for _ in range(5000):
            K = int(rng.integers(2, 9))
            a = -rng.uniform(0, 10.0 ** rng.uniform(-2, 1.2), K)
            delta = 10.0 ** rng.uniform(-6, 0.3, K) * (rng.random(K) < 0.8)
            p, p_tilde = softmax(a), softmax(a + rng.choice([-1.0, 1.0], K) * delta)
            lam = 10.0 ** rng.uniform(-5, -0.5)
            r = p_tilde * (1 + lam) ** rng.choice([-1.0, 1.0], K)
            rho = float(r.sum())
            q = r / rho
            eta = abs(1 / rho - 1)
            kl = float(np.sum(q * np.log(q / p)))
            Y = float(np.sum(p_tilde * np.expm1(delta)))
            bound = with_log * math.log((1 + lam) * (1 + eta)) + float(np.sum(q * delta)) + with_Y * Y
            worst = max(worst, kl / bound if bound > 0 else (math.inf if kl > 0 else 0.0))
        return worst

    worst = worst_ratio(1.0, 1.0)
    assert 0.4 < worst <= 1.0, worst
    assert worst_ratio(1.0, 0.0) > 1.0
    assert worst_ratio(0.0, 1.0) > 1.0
