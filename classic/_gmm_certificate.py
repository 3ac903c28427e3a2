"""The certificate of an EM run: the claims of proofs/em.md checked on its trace.

Every slack is a bound of proofs/em.md evaluated on the run's numbers: the
complete rounding bounds of EM-6 on ℓ, F and log p (stored in the trace), plus
the rounding of the conversion to the user's units. EM-2 and EM-4 take the
floating-point M-step's deficit D_t of EM-2 as an allowance: only at the steps
the exact theorem does not cover within the rounding bounds alone.
"""

import dataclasses

import numpy as np

from classic import _gmm_kernels as kernels
from classic.certificate import Claim, inequality_claim
from classic._gmm_bounds import deficit_of, error_bounds, m_step_deficit_parts, m_step_rounding
from classic._gmm_numerics import (_feature_spread, _make_state, _standardise, e_step, in_user_units, log_prior,
                                   mean_objective, parameter_step, user_units)
from classic._jit import one_blas_thread
from classic.rounding import lower_bound, sum_of_products_up, sum_up, unit_roundoff, upper_bound

__all__ = ["certify_gmm", "objective_claim"]

REFERENCE = "proofs/em.md"


def _slack(bounds, values):
    """The slack of a claim comparing the recorded ``values`` (EM-6): the sum of its non-negative
    ``bounds`` and of 2u|v| for each value v, whose conversion to the user's units took at most two
    float64 roundings, as an upper bound on that sum's exact value (RD-4 (b)). The conversion's sum
    takes len(values) − 1 additions, and the bounds are added to it one after the other."""
    conversion = 2.0 * unit_roundoff(np.float64) * sum(np.abs(np.asarray(v, dtype=np.float64)) for v in values)
    return upper_bound(sum(bounds, conversion), len(values) - 1 + len(bounds))


_DEFICIT = "allowance: D_t, what the M-step computed in floating point may lose (EM-2)"
_DEFICIT_AND_GAP = ("allowance: D_t, what the M-step computed in floating point may lose (EM-2), and the "
                    "bound on F(q_t, θ_t), which holds the E-step's gap (EM-6)")


def certify_gmm(estimator, X):
    """Claims EM-1 .. EM-5 for ``estimator``'s last fit on ``X`` (validated by
    ``GaussianMixture._certify``)."""
    t = estimator.trace_
    ll, fe, fm = t.log_likelihood, t.bound_e_step, t.bound_m_step
    ell, efe, efm = t.log_likelihood_error, t.bound_e_step_error, t.bound_m_step_error
    claims = [
        inequality_claim(
            "EM-1",
            "E-step is tight: F(q_t, θ_t) = ℓ(θ_t)",
            (fe, -ll),
            0.0,
            _slack((ell, efe), (fe, ll)),
            REFERENCE,
            absolute=True,
        ),
        m_step_claim(t),
        inequality_claim(
            "EM-3",
            "Jensen: ℓ(θ_{t+1}) ≥ F(q_t, θ_{t+1})",
            (fm, -ll[1:]),
            0.0,
            _slack((ell[1:], efm), (fm, ll[1:])),
            REFERENCE,
        ),
        objective_claim(t),
        _closed_forms(estimator, X),
    ]
    malformed = _malformed_bounds(t)
    if malformed:  # the slacks of EM-1 .. EM-4 are read from these fields
        claims = [dataclasses.replace(c, holds=False, note=f"the trace's {malformed} are not bounds (negative or NaN: "
                                      "a rounding error bound is >= 0): a tampered trace")
                  if c.id in ("EM-1", "EM-2", "EM-3", "EM-4") else c for c in claims]
    return claims


def m_step_claim(t):
    """EM-2 on the trace ``t`` alone: each M-step raises F(q_t, ·) + log p beyond the rounding bounds
    of EM-6, with D_t as an allowance at the steps that need it. Also what
    :meth:`GaussianMixture.fit` checks before warning that a run's ascent is not certified."""
    lp, fe, fm = t.log_prior, t.bound_e_step, t.bound_m_step
    elp, efe, efm = t.log_prior_error, t.bound_e_step_error, t.bound_m_step_error
    return inequality_claim(
        "EM-2",
        "M-step ascent: F(q_t, θ_{t+1}) + log p(θ_{t+1}) ≥ F(q_t, θ_t) + log p(θ_t)",
        (fe[:-1], lp[:-1], -fm, -lp[1:]),
        0.0,
        _slack((efm, efe[:-1], elp[:-1], elp[1:]), (fe[:-1], fm, lp[:-1], lp[1:])),
        REFERENCE,
        _DEFICIT,
        allowance=t.m_step_deficit,
    )


def objective_claim(t):
    """EM-4 on the trace ``t`` alone: the recorded objective J = ℓ + log p never falls by more than
    its rounding bounds (EM-6), with D_t and EM-1's gap as an allowance at the steps that need it.
    Also what :meth:`GaussianMixture.fit` checks before warning that a run's ascent is not
    certified."""
    ll, lp, obj = t.log_likelihood, t.log_prior, t.objective
    ell, elp, efe = t.log_likelihood_error, t.log_prior_error, t.bound_e_step_error
    return _objective_is_the_sum(inequality_claim(
        "EM-4",
        "objective never decreases: ℓ(θ_{t+1}) + log p(θ_{t+1}) ≥ ℓ(θ_t) + log p(θ_t)",
        (obj[:-1], -obj[1:]),
        0.0,
        _slack((ell[:-1], ell[1:], elp[:-1], elp[1:]), (obj[:-1], obj[1:], ll[:-1], ll[1:], lp[:-1], lp[1:])),
        REFERENCE,
        _DEFICIT_AND_GAP,
        # the chain loses D_t in the M-step and EM-1's gap Σ KL(q̂_t ‖ p_t) in the E-step, which the
        # bound on F(q̂_t, θ_t) holds (EM-6, step 4)
        allowance=sum_up(t.m_step_deficit, efe[:-1]),
    ), t)


def _malformed_bounds(t):
    """The trace's rounding error bounds and allowances that cannot be bounds (negative or NaN;
    +inf, where no bound exists, is one), as their names, or ""."""
    fields = ("log_likelihood_error", "log_prior_error", "bound_e_step_error", "bound_m_step_error",
              "m_step_deficit")
    bad = [name for name in fields if np.any(~(np.asarray(getattr(t, name), dtype=np.float64) >= 0))]
    return ", ".join(bad)


def _objective_is_the_sum(claim, t):
    """EM-4 compares the recorded objective J = ℓ + log p, as the run adds them in float64: a
    recorded J that is not that sum is not the run's."""
    if np.array_equal(t.objective, t.log_likelihood + t.log_prior):
        return claim
    bad = int(np.argmax(t.objective != t.log_likelihood + t.log_prior))
    return dataclasses.replace(claim, holds=False, note=(
        f"{claim.note}; objective[{bad}] = {float(t.objective[bad])!r} is not log_likelihood + log_prior = "
        f"{float(t.log_likelihood[bad] + t.log_prior[bad])!r}"))


def _edited_attributes(estimator):
    """The public attributes that differ from what the fit set from the trace: θ_T in X's units
    (as the fit recorded them beside the state) and the stop (converged_, n_iter_, lower_bound_)."""
    t = estimator.trace_
    edited = estimator._edited_parameters()
    lower_bounds = t.objective / estimator._n_samples_fit  # as fit sets lower_bounds_
    stop = {"converged_": t.converged, "n_iter_": t.n_iter, "lower_bound_": lower_bounds[-1]}
    edited += [name for name, value in stop.items() if getattr(estimator, name) != value]
    if not np.array_equal(estimator.lower_bounds_, lower_bounds):
        edited.append("lower_bounds_")
    if t.has_prior != (estimator._fitted_prior is not None):
        edited.append("trace_.has_prior")
    if not _stop_agrees(t, estimator._fit_settings):
        edited.append(f"trace_.stop_reason ({t.stop_reason!r}: not what the loop gives {t.n_iter} iteration(s), "
                      f"converged {t.converged}, under the fit's max_iter, tol and rule)")
    return edited


def _stop_agrees(t, fitted):
    """The stop reason is one the loop gives this trace under the fit's settings: "tol" (converged,
    tol > 0), "max_iter" (max_iter iterations), "rule:<name>" (a rule was given); only "tol" is
    converged, and no stop comes after more than max_iter iterations (the loop's range)."""
    within = 1 <= t.n_iter <= fitted["max_iter"]
    if t.stop_reason == "tol":
        return bool(t.converged) and fitted["tol"] > 0 and within
    if t.converged:
        return False
    if t.stop_reason == "max_iter":
        return t.n_iter == fitted["max_iter"]
    from classic.convergence.stopping import kept_reason_agrees

    return (t.stop_reason.startswith("rule:") and fitted["rule"] and within
            and kept_reason_agrees(t.stop_reason, t.n_iter, fitted["max_iter"], fitted["tol"] > 0))


def _log_likelihood(Z, state, covariance_type, scale, resp, prior, reads_previous=False):
    """ℓ at ``state`` in X's units as the run's E-step computes it from the standardised Z (the same
    kernel, BLAS on one thread as in the fit, and the fit's units term, the same float: −n Σ_j log
    scale_j), EM-6's bounds on ℓ and on the log-prior there (``prior`` in standardised units, or
    None), as the fit computed them from the same sums, and the mean objective per sample in the
    user's units as the loop computed it for its ``tol`` test, and the E-step's sums and statistics
    (what the M-step from it reads): ``((ℓ, log p), (ℓ's bound, log p's bound), J/n, (sums, counts,
    second))``, ℓ and log p in the user's units as the trace records them.
    The responsibilities are written into ``resp``; with ``reads_previous`` those it holds are read
    first, for F(q_prev, state), as the fit's loop does (ℓ and its bound come out the same)."""
    n, d = Z.shape
    with one_blas_thread(n, d * (d + 1)):   # the E-step's scatter products (the fit's widths)
        sums, counts, _, second = e_step(Z, state, covariance_type, resp, has_previous=reads_previous)
    lp, lp_bound = log_prior(state, covariance_type, prior)
    bounds = (error_bounds(sums, None, n, len(state.weights), d, Z.dtype)[0], lp_bound)
    units = user_units(n, scale, prior, covariance_type, len(state.weights))
    return ((in_user_units(sums["log_likelihood"], units[0]), in_user_units(lp, units[1])), bounds,
            mean_objective(sums["log_likelihood"], lp, units, n), (sums, counts, second))


def _differences(pairs):
    """The entries of ``pairs`` (name: (recorded, recomputed from X)) whose two floats differ, as
    text for a claim's note."""
    return [f"{name} = {float(value)!r} (X gives {float(again)!r})" for name, (value, again) in pairs.items()
            if not float(value) == float(again)]


def _altered_record(trace, row, log_prior, bounds):
    """"" if the trace's log p and EM-6 bounds on ℓ and log p at state ``row`` (-1: θ_T, -2: θ_{T-1})
    are the ``log_prior`` and ``bounds`` recomputed there from X, else what differs: the objective's
    chain ends on log p, EM-1 to EM-4 take their slack from the bounds, and at the two states the
    trace keeps, X gives all three back bit for bit (log p not checked until 2026-12-06: an edited
    last log_prior, with the objective and lower_bound_ raised alike, passed every claim; audit 47)."""
    differ = _differences({f"log_prior[{row}]": (trace.log_prior[row], log_prior),
                           f"log_likelihood_error[{row}]": (trace.log_likelihood_error[row], bounds[0]),
                           f"log_prior_error[{row}]": (trace.log_prior_error[row], bounds[1])})
    return "" if not differ else ("the trace's log-prior or error bounds are not the run's: " + ", ".join(differ)
                                  + "; the objective's chain and the claims' slacks come from them")


def _altered_last_step(t, Z, previous, state, prior, e_step_before, after, extent):
    """"" if the trace's record of its last step, θ_{T−1} → θ_T, is what X gives there, else what
    differs: the E-step's bound at both states and the M-step's, F(q_{T−1}, θ_T), with their error
    bounds and the M-step's allowance D_{T−1}, recomputed as the fit computed them (the same
    kernels: the sums and statistics ``e_step_before`` of the E-step at θ_{T−1}, and the sums
    ``after`` of the E-step at θ_T that read q_{T−1}; ``extent``, max_i |z_ij|, as the fit passed
    it). EM-1 to EM-4 read them; an allowance edited at the last step made a run "not certified"
    pass until 2026-12-06 (an audit)."""
    n, d = Z.shape
    K = len(state.weights)
    before, counts, second = e_step_before
    parts = m_step_deficit_parts(counts, second, previous, state, t.covariance_type, prior, n,
                                 before["normalisation_gap"], extent)
    offset = user_units(n, t.scale, prior, t.covariance_type, K)[0]
    _, efe_before, _ = error_bounds(before, None, n, K, d, Z.dtype)
    _, efe_after, efm_after = error_bounds(after, before, n, K, d, Z.dtype)
    differ = _differences({
        "bound_e_step[-2]": (t.bound_e_step[-2], in_user_units(before["expected"] + before["entropy"], offset)),
        "bound_e_step[-1]": (t.bound_e_step[-1], in_user_units(after["expected"] + after["entropy"], offset)),
        "bound_m_step[-1]": (t.bound_m_step[-1],
                             in_user_units(after["expected_previous"] + before["entropy"], offset)),
        "bound_e_step_error[-2]": (t.bound_e_step_error[-2], efe_before),
        "bound_e_step_error[-1]": (t.bound_e_step_error[-1], efe_after),
        "bound_m_step_error[-1]": (t.bound_m_step_error[-1], efm_after),
        "m_step_deficit[-1]": (t.m_step_deficit[-1], deficit_of(parts, n, state)),
    })
    return "" if not differ else ("the trace's record of its last step is not the run's: " + ", ".join(differ)
                                  + "; the claims' slacks and allowances come from it")


def _closed_forms(estimator, X):
    """EM-5: θ_T is the closed-form M-step of the responsibilities at θ_{T-1}."""
    statement = "M-step closed forms hold at the returned parameters"
    t = estimator.trace_
    state = estimator._state
    if not all(np.array_equal(a, b) for a, b in ((state.weights, t.weights), (state.means, t.means),
                                                 (state.covariances, t.covariances))):
        return Claim("EM-5", statement, 1.0, 0.0, 0.0, False, REFERENCE,
                     "the parameters predict and score use are not the run's θ_T recorded in the trace")
    edited = _edited_attributes(estimator)
    if edited:
        return Claim("EM-5", statement, 1.0, 0.0, 0.0, False, REFERENCE,
                     f"the fitted attributes are not this run's: {', '.join(edited)} changed since the fit")
    dtype = t.means.dtype
    X = X.astype(dtype, copy=False)  # checked by GaussianMixture._certify as its other methods check X
    Z = _standardise(X, t.shift, t.scale)
    n, d = Z.shape
    K = len(t.weights)
    cov_type = t.covariance_type
    prior = estimator._standard_prior(X, t.shift, t.scale)
    resp = np.zeros((n, K), dtype=dtype)
    previous = at_previous = None
    if t.previous_means is not None:
        feature_variance = np.zeros(d)  # the run passed its collapse test; do not repeat it here
        previous = _make_state(t.previous_weights, t.previous_means, t.previous_covariances, cov_type,
                               feature_variance, -1)
        # q_{T−1} into resp first, so that the E-step at θ_T gives F(q_{T−1}, θ_T) too, as in the fit's loop
        at_previous = _log_likelihood(Z, previous, cov_type, t.scale, resp, prior)
    # ℓ(θ_T), the value the objective's chain ends on, as the run's E-step computed it from X
    recomputed, bounds, objective, (after, _, _) = _log_likelihood(Z, state, cov_type, t.scale, resp.copy(), prior,
                                                                   reads_previous=previous is not None)
    if recomputed[0] != t.log_likelihood[-1]:
        return Claim(
            "EM-5", statement, float(recomputed[0]), float(t.log_likelihood[-1]), 0.0, False, REFERENCE,
            "the log-likelihood recorded at θ_T is not the one X gives there: X is not the data of this run, "
            "or the trace was altered",
        )
    altered = _altered_record(t, -1, recomputed[1], bounds)
    if altered:
        return Claim("EM-5", statement, 1.0, 0.0, 0.0, False, REFERENCE, altered)
    if previous is None:
        return Claim("EM-5", statement, 0.0, 0.0, 0.0, None, REFERENCE, "no M-step was run (max_iter=0)")
    # the last parameter step ‖θ_T − θ_{T−1}‖, as the run computed it (EM-7's witness); every step is >= 0
    last_step = parameter_step(state, previous)
    if not (np.all(t.parameter_change >= 0) and t.parameter_change[-1] == last_step):
        return Claim("EM-5", statement, 1.0, 0.0, 0.0, False, REFERENCE,
                     "the trace's parameter_change is not the run's (negative, or its last entry is not "
                     f"‖θ_T − θ_(T−1)‖ = {last_step!r})")
    recomputed, bounds, previous_objective, e_step_before = at_previous
    if recomputed[0] != t.log_likelihood[-2]:
        return Claim(
            "EM-5", statement, float(recomputed[0]), float(t.log_likelihood[-2]), 0.0, False, REFERENCE,
            "X is not the data of this run (its log-likelihood at θ_{T-1} differs)",
        )
    altered = _altered_record(t, -2, recomputed[1], bounds)
    if altered:
        return Claim("EM-5", statement, 1.0, 0.0, 0.0, False, REFERENCE, altered)
    # the loop's tol test on its last iteration, recomputed bit for bit: "tol" exactly where it holds (an
    # iteration that went on, or ended otherwise, had failed it; a relabelled stop passed until 2026-12-05)
    change = objective - previous_objective
    tol = estimator._fit_settings["tol"]
    if (t.stop_reason == "tol") != bool(abs(change) < tol):
        return Claim("EM-5", statement, 1.0, 0.0, 0.0, False, REFERENCE,
                     f"trace_.stop_reason is {t.stop_reason!r}, but the last iteration's mean objective change X "
                     f"gives, {change:.6g}, is {'not ' if t.stop_reason == 'tol' else ''}below tol={tol:g}")
    extent = _feature_spread(Z)[1]   # max_i |z_ij|: EM-5's "Underflow"
    altered = _altered_last_step(t, Z, previous, state, prior, e_step_before, after, extent)
    if altered:
        return Claim("EM-5", statement, 1.0, 0.0, 0.0, False, REFERENCE, altered)
    mu_prev = t.previous_means.astype(np.float64)
    (weights, means, covariances), S, (N, T1, T2) = reference_m_step(Z, resp, mu_prev, cov_type, prior)

    # EM-5's complete bounds: the reference against the exact M-step of r, then the kernel's,
    # whose |S| is bounded by the reference's plus its error
    additions = min(n, kernels.CHUNK_SIZE) - 1 + (n + kernels.CHUNK_SIZE - 1) // kernels.CHUNK_SIZE - 1
    N_low, T1_up, T2_up = _exact_sums_bounds(N, T1, T2, n)
    fit_w, fit_m, fit_c = (np.asarray(v, dtype=np.float64) for v in (t.weights, t.means, t.covariances))
    ref_w, ref_m, ref_c, ref_s = m_step_rounding(N_low, T1_up, T2_up, np.abs(S), np.abs(weights), np.abs(covariances),
                                                 np.abs(mu_prev), cov_type, prior, n, n, np.float64, extent=extent)
    ker_w, ker_m, ker_c, _ = m_step_rounding(N_low, T1_up, T2_up, sum_up(np.abs(S), ref_s), np.abs(fit_w),
                                             np.abs(fit_c), np.abs(mu_prev), cov_type, prior, additions, n, dtype,
                                             extent=extent)
    fitted = np.concatenate([fit_w.ravel(), fit_m.ravel(), fit_c.ravel()])
    reference = np.concatenate([weights.ravel(), means.ravel(), covariances.ravel()])
    # each bound is at least its formula (evaluated outward, leaves that bound theirs; RD-4 (c)), and so
    # is their sum moved up (until 2026-12-07: evaluated to nearest, its roundings counted, RD-4 (b))
    slacks = sum_up(np.concatenate([ref_w.ravel(), ref_m.ravel(), ref_c.ravel()]),
                    np.concatenate([ker_w.ravel(), ker_m.ravel(), ker_c.ravel()]))
    note = "weights = mean responsibilities, means = weighted means, covariances = weighted scatter"
    if prior is not None:
        note += " (+ the prior's pseudo-observations)"
    return inequality_claim("EM-5", statement, (fitted, -reference), 0.0, slacks, REFERENCE, note + "; standardised units",
                            absolute=True)


def reference_m_step(Z, resp, previous_means, covariance_type, prior):
    """EM-5's reference M-step, in float64 NumPy, from the responsibilities ``resp`` (n × K) of
    the data Z about the previous means: ((weights, means, covariances), the scatter S, and the sums
    (N, T1, T2) its rounding bounds read; proofs/em.md, EM-5)."""
    d = Z.shape[1]
    K = resp.shape[1]
    strength, sigma0, alpha = prior if prior is not None else (0.0, np.zeros((d, d)), 1.0)
    r = resp.astype(np.float64)
    N = r.sum(axis=0)
    safe = np.where(N > 0, N, 1.0)
    F, T1, second, T2 = _moments_about(Z.astype(np.float64), r, previous_means, covariance_type in ("full", "tied"))
    excess = alpha - 1.0
    weights = (N + excess) / (N.sum() + K * excess)
    means = previous_means + F / safe[:, None]
    if covariance_type in ("full", "tied"):
        # F_p (F_q / N), as the kernel: F_p F_q alone can underflow, and its loss would grow by 1/N (EM-5)
        S = second - F[:, :, None] * (F / safe[:, None])[:, None, :]
        if covariance_type == "full":
            covariances = (S + strength * sigma0) / (N + strength)[:, None, None]
        else:
            covariances = (S.sum(axis=0) + strength * sigma0) / (N.sum() + strength)
    else:
        S = second - F * (F / safe[:, None])
        if covariance_type == "diag":
            covariances = (S + strength * np.diag(sigma0)) / (N + strength)[:, None]
        else:
            covariances = (S.sum(axis=1) + strength * np.trace(sigma0)) / (d * (N + strength))
    return (weights, means, covariances), S, (N, T1, T2)


def _exact_sums_bounds(N, T1, T2, n):
    """Bounds on EM-5's exact sums over n rows from the reference's float64 ones, each evaluated
    outward so that it is a bound itself (RD-4 (b), (c)): N* >= N / (1 + gamma_(n+3)),
    T1* <= (T1 + n sigma64) / (1 - gamma_(n+3)) and T2* <= (T2 + 2n sigma64) / (1 - gamma_(n+3)).
    A term r |D_p| |D_q| carries n + 3 roundings (D_p, D_q, two products and n - 1 additions), and
    each product may underflow, by sigma64 at most (proofs/em.md, EM-5, "Slack")."""
    roundings = n + 3
    return lower_bound(N, roundings), sum_of_products_up(T1, n, roundings), sum_of_products_up(T2, 2 * n, roundings)


def _moments_about(Z, r, centres, full):
    """EM-5's reference sums about the previous means, one component at a time: F_k = sum_i r_ik D_ik,
    T1_k = sum_i r_ik |D_ik| and the second moments sum_i r_ik D_ik D_ik^T (``full``; else their
    diagonals) and of |D_ik|, with D_ik = z_i - mu_k, float64 sums of n terms in whatever order
    (proofs/em.md, EM-5). D for every component at once was an n x K x d array: 512 MB on the
    benchmark's 100 000 x 64, K = 10 (and 1.5 GB with |D| and D * D), where one component's is X's size."""
    K, d = centres.shape
    F, T1 = np.empty((K, d)), np.empty((K, d))
    second, T2 = (np.empty((K, d, d)), np.empty((K, d, d))) if full else (np.empty((K, d)), None)
    D, magnitude = np.empty_like(Z), np.empty_like(Z)   # reused: a fresh array of X's size per component costs
    for k in range(K):                                    # its page faults again: 0.2 s of 0.6 on 100 000 x 64, K = 10
        np.subtract(Z, centres[k], out=D)
        np.abs(D, out=magnitude)
        F[k] = np.einsum("i,ip->p", r[:, k], D)
        T1[k] = np.einsum("i,ip->p", r[:, k], magnitude)
        if full:  # (D_p D_q) r: an underflow of the first product is then multiplied by r <= 1 (EM-5, "Underflow")
            second[k] = np.einsum("ip,iq,i->pq", D, D, r[:, k])
            T2[k] = np.einsum("ip,iq,i->pq", magnitude, magnitude, r[:, k])
        else:
            second[k] = np.einsum("i,ip->p", r[:, k], np.multiply(D, D, out=magnitude))
    return F, T1, second, (second if T2 is None else T2)
