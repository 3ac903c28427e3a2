"""The k-means certificate: the claims of proofs/kmeans.md checked on one run.

Every slack is the rounding-error bound derived in the proof step named by the
claim id, evaluated on the run's own numbers (see the section "Rounding
constants" of proofs/kmeans.md for ``rho_sum``, ``rho_objective``,
``rho_shift`` and ``eps_center``).
"""

import dataclasses
from fractions import Fraction

import numpy as np

from classic._jit import CHUNK_SIZE
from classic._kmeans_assignment import _pruning_factors, _scan_all
from classic._kmeans_kernels import chunked_sum
from classic.certificate import Claim, inequality_claim
from classic.rounding import (
    above,
    below,
    chunked_additions,
    gamma_exact,
    lower_bound,
    product_up,
    round_down,
    round_up,
    sum_of_products_down,
    sum_of_products_up,
    sum_up,
    unit_roundoff,
    upper_bound,
)

__all__ = ["kmeans_claims", "rounding_constants", "labels_fingerprint", "inertia_float64"]

PROOF = "proofs/kmeans.md"


def _km3_note(trace, relocated):
    """What KM-3's claim saw: the relocations, or none; and the clusters left empty at the end,
    which had no point to take (fewer distinct points than clusters, or squared distances that
    underflow: the fit warned)."""
    stayed = int(np.sum(trace.cluster_sizes[-1] == 0))
    left = f"; {stayed} cluster{'s' if stayed > 1 else ''} stayed empty, with no point to take" if stayed else ""
    if relocated.any():
        return f"{int(relocated.sum())} iterations relocated {len(trace.relocation_point)} empty clusters{left}"
    return ("no relocation: the half-step changed nothing (checked exactly)" if stayed else
            "no empty cluster: the half-step changed nothing (checked exactly)") + left


def _ratio(g):
    return g / (1 - g)


def _objective_constants(n, d, dtype, total_weight=None):
    """ρ_sum, r_F, the mass (n, or a bound on the exact total weight) and τ of proofs/kmeans.md,
    "Rounding constants", exactly (Fractions): what a recorded objective's error needs."""
    omega = 0 if total_weight is None else 1
    f64 = np.float64
    c = chunked_additions(n)  # the additions of a chunked sum of n rows (proofs/rounding.md, RD-1)
    rho_sum = _ratio(gamma_exact(c, f64))
    rel_objective = (1 + gamma_exact(d + 2, dtype)) * (1 + gamma_exact(c + omega, f64)) - 1
    sigma = Fraction(float(np.finfo(dtype).smallest_subnormal))
    sigma64 = Fraction(float(np.finfo(f64).smallest_subnormal))
    mass = Fraction(n) if total_weight is None else Fraction(total_weight) * (1 + rho_sum)  # >= the exact total
    return rho_sum, rel_objective, mass, d * sigma * mass + omega * n * sigma64


def objective_error(trace):
    """|F̂ − F| <= ρ_F F̂ + 3τ for each value of ``trace.objective`` (proofs/kmeans.md, "Rounding
    constants"), evaluated upward: :meth:`KMeansTrace.objective_error`."""
    n = int(trace.cluster_sizes[0].sum())
    _, rel_objective, _, tau = _objective_constants(n, trace.n_features, np.dtype(trace.dtype),
                                                    trace.total_weight if trace.weighted else None)
    return sum_up(product_up(round_up(_ratio(rel_objective)), trace.objective), product_up(3.0, round_up(tau)))


def rounding_constants(n, d, k, dtype, total_weight=None, smallest_weight=None):
    """The constants of proofs/kmeans.md, "Rounding constants" (float64 accumulation,
    distances in ``dtype``); with weights ("Weights"), ``total_weight`` is the recorded float64
    total of the weights and ``smallest_weight`` the smallest positive weight. Each is computed
    exactly in rational arithmetic and rounded up (proofs/rounding.md, RD-4)."""
    weighted = total_weight is not None
    omega = 1 if weighted else 0  # the rounding of each product by a weight
    f64 = np.float64
    rho_sum, rel_objective, mass, tau = _objective_constants(n, d, dtype, total_weight)
    u = Fraction(unit_roundoff(dtype))
    sigma = Fraction(float(np.finfo(dtype).smallest_subnormal))
    sigma64 = Fraction(float(np.finfo(f64).smallest_subnormal))
    additions = chunked_additions(n)
    gamma_mean = gamma_exact((1 + omega) * (additions + 1), f64)
    gamma_recompute = gamma_exact(additions + d + 2 + omega, f64)
    eps_center = u + (1 + u) * gamma_mean
    exact = {
        "mass": mass,
        "tau": tau,
        "rho_sum": rho_sum,
        "rho_objective": _ratio(rel_objective),
        "rel_objective": rel_objective,
        "rho_shift": _ratio(gamma_exact(d + k + 2 + omega * additions, f64)),
        "eps_center": eps_center,
        "center_floor": sigma + (sigma64 / Fraction(smallest_weight) if weighted else 0),
        "gamma_mean": gamma_mean,
        "gamma_recompute": gamma_recompute,
        "rel_recompute": (rel_objective + gamma_recompute) / (1 - gamma_recompute),  # KM-6
        "rel_mean": (eps_center + gamma_mean) * (1 + gamma_mean),  # KM-7
    }
    return {name: round_up(value) for name, value in exact.items()}


def labels_fingerprint(labels, n_clusters):
    """Fingerprint of a labelling (KM-4): the sum modulo 2**64 of the splitmix64
    keys of (point, label), computed here with NumPy, independently of the kernels."""
    labels = np.asarray(labels).astype(np.uint64)
    z = np.arange(len(labels), dtype=np.uint64) * np.uint64(n_clusters) + labels + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return np.sum(z, dtype=np.uint64)


def inertia_float64(X, labels, centers, sample_weight=None, block=65536):
    """Inertia (weighted by ``sample_weight`` if given) recomputed independently with NumPy in
    float64 (KM-6), in the summation order the proof counts: each row's d squares added feature by
    feature (d - 1 additions), times its weight, and the n row terms added in the package's
    chunked order (:func:`classic._kmeans_kernels.chunked_sum`, which also adds the total weight
    KM-6 compares), so a term passes through at most c(n) + d + 2 roundings with its weight,
    c(n) = chunked_additions(n)."""
    rows = []
    C = centers.astype(np.float64)
    for start in range(0, X.shape[0], block):
        diff = X[start : start + block].astype(np.float64) - C[labels[start : start + block]]
        row = diff[:, 0] * diff[:, 0]
        for f in range(1, diff.shape[1]):
            row += diff[:, f] * diff[:, f]
        rows.append(row if sample_weight is None else sample_weight[start : start + block] * row)
    return float(chunked_sum(np.concatenate(rows)))


# The slack of each claim, evaluated upward one operation at a time (proofs/rounding.md, RD-4 (c))
# from the recorded numbers and the rounding constants ``c``: at least the exact value of the
# proof's formula, underflow included.


def km1_slack(A, U, c):
    """rho_sum (F_a + F_b), for the objectives after assignment ``A`` and update ``U``."""
    return product_up(c["rho_sum"], sum_up(A, U))


def norm_max_up(X):
    """||M||, M_f = max_i |x_if|: from its float64 square (d products) upward."""
    M = np.max(np.abs(X), axis=0).astype(np.float64)
    return above(np.sqrt(sum_of_products_up(float(M @ M), len(M), len(M))))


def km2_slack(U, R, S, c, norm_max, d):
    """rho_F (F_u + F_r) + 9 tau + rho_shift S + 2 e sqrt(W) sqrt((1 + rho_shift) S + 3 tau),
    e = eps_c ||M|| + sqrt(d) floor (sqrt(W) sqrt(...), not sqrt(W ...): with small weights the
    product underflows)."""
    center_error = sum_up(product_up(c["eps_center"], norm_max), product_up(above(np.sqrt(d)), c["center_floor"]))
    shift = sum_up(product_up(sum_up(1.0, c["rho_shift"]), S), product_up(3.0, c["tau"]))
    cross = product_up(2.0, center_error, above(np.sqrt(c["mass"])), above(np.sqrt(shift)))
    return sum_up(product_up(c["rho_objective"], sum_up(U, R)), product_up(9.0, c["tau"]),
                  product_up(c["rho_shift"], S), cross)


def km3_slack(A, R, moved, relocated, c, rho_moved):
    """rho_sum (F_a + F_r) + rho_moved (the relocated terms) where an iteration relocated, else 0;
    ``rho_moved`` per iteration (:func:`relocated_sum_ratio`)."""
    return np.where(relocated, sum_up(product_up(c["rho_sum"], sum_up(A, R)), product_up(rho_moved, moved)), 0.0)


def relocated_sum_ratio(n, n_relocated):
    """Per iteration, γ'/(1 − γ') rounded up, γ' = γ_{max(c(n), m − 1)} for the m relocations added: the
    relocated terms are added one by one (m − 1 roundings), which ρ_sum = ρ(γ_{c(n)}) covers only
    while m − 1 <= c(n) (KM-3; until 2026-12-05 ρ_sum was used for them whatever m)."""
    additions = chunked_additions(n)
    ratios = {m: round_up(_ratio(gamma_exact(max(additions, m - 1), np.float64))) for m in set(n_relocated.tolist())}
    return np.array([ratios[m] for m in n_relocated.tolist()], dtype=np.float64)


def km6_slack(recomputed, c):
    """rel_recompute I + 5 tau, I the inertia recomputed in float64."""
    return sum_up(product_up(c["rel_recompute"], recomputed), product_up(5.0, c["tau"]))


def km7_slack(abs_means, c):
    """rel_mean mean|x| + 2 floor, per centre coordinate."""
    return sum_up(product_up(c["rel_mean"], abs_means), product_up(2.0, c["center_floor"]))


def kmeans_claims(est, X, centers, labels, sample_weight=None):
    """The claims KM-1 ... KM-7 for the fitted ``est`` on its training data ``X`` (and the
    ``sample_weight`` of the fit, validated, if it had any); ``centers`` and ``labels`` are its
    ``cluster_centers_`` (in X's dtype) and ``labels_``, validated by ``KMeans._certify``."""
    trace = est.trace_
    X = np.ascontiguousarray(X, dtype=trace.dtype)
    n, d = X.shape
    k = len(centers)
    w_min = None if sample_weight is None else float(np.min(sample_weight[sample_weight > 0]))
    c = rounding_constants(n, d, k, np.dtype(trace.dtype), None if sample_weight is None else trace.total_weight, w_min)
    A, R, U, S = trace.objective_assign, trace.objective_relocate, trace.objective_update, trace.center_shift
    claims = [
        inequality_claim(
            "KM-1",
            "the assignment half-step never raises the inertia",
            (A[1:], -U),
            0.0,
            km1_slack(A[1:], U, c),
            PROOF,
        )
    ]

    claims.append(
        inequality_claim(
            "KM-2",
            "the update half-step lowers the inertia by sum_j W_j |dmu_j|^2",
            (U, -R, S),
            0.0,
            km2_slack(U, R, S, c, norm_max_up(X), d),
            PROOF,
            absolute=True,
        )
    )

    moved = np.zeros(trace.n_iter)
    counted = (trace.relocation_iteration >= 1) & (trace.relocation_iteration <= trace.n_iter)  # else KM-6 fails
    np.add.at(moved, trace.relocation_iteration[counted] - 1, trace.relocation_distance[counted])
    terms = np.bincount(trace.relocation_iteration[counted] - 1, minlength=trace.n_iter)  # the drops added per iteration
    relocated = trace.n_relocated > 0
    km3 = inequality_claim(
        "KM-3",
        "the relocation half-step lowers the inertia by the relocated points' terms",
        (A[:-1], -R, -moved),
        0.0,
        km3_slack(A[:-1], R, moved, relocated, c, relocated_sum_ratio(n, terms)),
        PROOF,
        absolute=True,
        note=_km3_note(trace, relocated),
    )
    zero_weights = sample_weight is not None and bool(np.any(sample_weight == 0))
    claims.append(_relocations_follow_the_rule(_drops_are_positive(km3, trace), trace, zero_weights))
    claims.append(_km4_claim(trace))
    claims.append(_stop_claim(est, X, trace, trace.n_iter - len(np.unique(trace.partition_fingerprint)), w_min))
    claims.append(_agreement_claim(est, X, centers, labels, trace, c, sample_weight))
    claims.append(_fixed_point_claim(X, centers, labels, trace, c, sample_weight))
    return claims


def _drops_are_positive(claim, trace):
    """KM-3 also needs every recorded drop d̂_p > 0 (the rule moves a point with a positive term,
    proofs/kmeans.md, KM-3): a drop <= 0 would let the inertia rise by it while R = A - moved held."""
    bad = np.flatnonzero(~(trace.relocation_distance > 0))
    if bad.size == 0:
        return claim
    first = int(bad[0])
    return dataclasses.replace(claim, holds=False, note=(
        f"{claim.note}; relocation {first} (iteration {int(trace.relocation_iteration[first])}) records a drop "
        f"of {trace.relocation_distance[first]:.6g}, not > 0"))


def _relocations_follow_the_rule(claim, trace, zero_weights):
    """KM-3 also reads which clusters were relocated: at iteration t the rule takes the clusters
    empty after the assignment before it in index order, each once, and stops only when no donor
    is left. So the clusters relocated at t are the first of those of size 0 in
    ``cluster_sizes[t-1]``, in order (with weights of 0, where a cluster of such points is
    empty too, they are in increasing order and include every cluster of size 0 below the last
    one relocated), and no point is moved twice in one iteration (its term is then 0)."""
    iterations, clusters, points = trace.relocation_iteration, trace.relocation_cluster, trace.relocation_point
    sizes = np.asarray(trace.cluster_sizes)
    k = sizes.shape[1]
    for t in np.unique(iterations[(iterations >= 1) & (iterations <= trace.n_iter)]):  # others fail KM-6
        moved, taken = clusters[iterations == t], points[iterations == t]
        if not np.all((moved >= 0) & (moved < k)) or len(moved) > 1 and not np.all(np.diff(moved) > 0):
            problem = "not distinct clusters in index order"
        elif len(np.unique(taken)) < len(taken):
            problem = "a point moved twice"
        else:
            empty = np.flatnonzero(sizes[t - 1] == 0)
            if zero_weights:  # every empty cluster below the last relocated one was relocated
                follows = np.all(np.isin(empty[empty < moved[-1]], moved))
            else:
                follows = np.array_equal(moved, empty[: len(moved)])
            problem = None if follows else "not the first clusters left empty by the assignment before it"
        if problem:
            return dataclasses.replace(claim, holds=False, note=(
                f"{claim.note}; the relocations of iteration {int(t)} are {problem} (cluster_sizes, relocation_cluster)"))
    return claim


def _km4_claim(trace):
    """KM-4: no partition repeats, on fingerprints tied to the labels: the partition of
    iteration t + 1 is the labels of assignment t when it relocated no point, and at
    convergence the last partition is the last labels."""
    pf, lf = trace.partition_fingerprint, trace.labels_fingerprint
    repeats = trace.n_iter - len(np.unique(pf))
    untied = np.flatnonzero((trace.n_relocated == 0) & (pf != lf[: trace.n_iter]))
    if trace.stop_reason == "converged" and trace.n_iter and pf[-1] != lf[-1]:
        untied = np.append(untied, trace.n_iter - 1)
    note = "64-bit fingerprints; a false alarm has probability <= n_iter^2 / 2^65"
    if untied.size:
        note += (f"; the partition fingerprint of iteration {int(untied[0]) + 1} is not that of the labels it "
                 "came from")
    return Claim("KM-4", "no partition repeats (so the run terminates)", float(repeats), 0.0, 0.0,
                 repeats == 0 and untied.size == 0, PROOF, note)


def _moves_note(trace, threshold, reason, n, w_min=None):
    """KM-5's ``tol`` rule against ``center_moves``: None if the record agrees, else what does
    not. Each move m_t = sum_j |dmu_j|^2 must be finite, >= 0 and at least what ``center_shift``
    (sum_j W_j |dmu_j|^2, made of the same squared moves) implies, S_t <= max_j W_j m_t, and at
    most what it allows, S_t >= min_{W_j > 0} W_j m_t (``w_min``: the smallest positive sample
    weight, None without weights), with both sums' rounding bounded (proofs/kmeans.md, KM-5); and with ``tol`` > 0 each iteration
    the loop went on from failed the tol test (m_t > threshold), the last one passed it exactly
    when the run stopped by "tol" (the loop tests "converged" and "cycle" first)."""
    moves = np.asarray(trace.center_moves, dtype=np.float64)
    T = trace.n_iter
    if moves.shape != (T,) or not np.all(np.isfinite(moves) & (moves >= 0)):
        return "center_moves is not one finite value >= 0 per iteration"
    sizes = np.asarray(trace.cluster_sizes)
    if np.shape(trace.center_shift) != (T,) or sizes.ndim != 2 or sizes.shape[0] < T:
        return "center_shift or cluster_sizes does not have a row per iteration"  # KM-2 and KM-6 say more
    k = sizes.shape[1]
    if trace.weighted:  # a cluster's computed weight is at most (1 + gamma_n) W <= W_total / (1 - gamma_n)^2
        largest = np.full(T, upper_bound(upper_bound(trace.total_weight, n), n))
    else:  # sizes are exact; relocation makes no cluster larger than the largest before it
        largest = sizes[:T].max(axis=1, initial=0).astype(np.float64)
    shift_low = sum_of_products_down(trace.center_shift, k, k)
    untied = np.nonzero(shift_low > product_up(largest, upper_bound(moves, k)))[0]
    if untied.size:
        return (f"center_moves[{int(untied[0])}] is below what center_shift of that iteration implies "
                "(sum_j W_j |dmu_j|^2 <= max_j W_j sum_j |dmu_j|^2)")
    # A cluster of weight 0 keeps its centre (m_j = 0); any other weighs at least (1 - gamma_n) w_min,
    # or without weights holds at least one point, and without relocation the sizes of the assignment before.
    if w_min is not None:
        smallest = below(w_min * round_down(1 - gamma_exact(n, np.float64)))
    else:
        held = np.where(sizes[:T] > 0, sizes[:T], n + 1).min(axis=1, initial=n + 1)
        smallest = np.where(np.asarray(trace.n_relocated)[:T] == 0, np.minimum(held, n), 1).astype(np.float64)
    untied = np.nonzero(below(smallest * lower_bound(moves, k)) > sum_of_products_up(trace.center_shift, k, k))[0]
    if untied.size:
        return (f"center_moves[{int(untied[0])}] is above what center_shift of that iteration allows "
                "(sum_j W_j |dmu_j|^2 >= min_{W_j > 0} W_j sum_j |dmu_j|^2)")
    if threshold > 0 and T:
        went_on = np.nonzero(moves[:-1] <= threshold)[0]
        if went_on.size:
            return (f"the run went on after iteration {int(went_on[0]) + 1}, whose center_moves "
                    f"{moves[went_on[0]]:.6g} passed the tol threshold {threshold:.6g}")
        if reason == "tol" and not moves[-1] <= threshold:
            return f"stopped by tol, but the last center_moves {moves[-1]:.6g} exceeds the threshold {threshold:.6g}"
        if reason not in ("tol", "converged", "cycle") and moves[-1] <= threshold:
            return (f"the last center_moves {moves[-1]:.6g} passed the tol threshold {threshold:.6g}, so the run "
                    f"stopped by tol, not {reason!r}")
    return None


def _stop_claim(est, X, trace, repeats, w_min=None):
    """KM-5, against the settings the run was fitted with (``KMeans._fit_settings``: a later
    ``set_params`` changes no run) and the trace: the loop tests "no label changed" first, so a
    run that stopped for any other reason moved a point in its last assignment; the ``tol``
    test is checked against ``center_moves`` and the threshold recomputed from X (:func:`_moves_note`)."""
    from classic.kmeans import _tol_threshold

    statement = "the run stopped because no label changed"
    fitted = est._fit_settings
    moves_note = _moves_note(trace, _tol_threshold(fitted["tol"], X), trace.stop_reason, X.shape[0], w_min)
    if moves_note is not None:
        return Claim("KM-5", statement, float(trace.n_iter), 0.0, 0.0, False, PROOF, moves_note)
    last = int(trace.n_reassigned[-1]) if trace.n_iter else -1
    reason = trace.stop_reason
    if reason == "converged":
        holds = last == 0 and bool(trace.converged)
        why = (f"stop reason 'converged', but {last} points moved in the last assignment" if last != 0 else
               "stop reason 'converged', but trace_.converged is False")
        return Claim("KM-5", statement, float(last), 0.0, 0.0, holds, PROOF, "" if holds else why)
    moved = trace.n_iter == 0 or last > 0  # else Lloyd's own test would have stopped it ("converged")
    if reason == "max_iter":
        ok = trace.n_iter == fitted["max_iter"]
        note = f"stopped at max_iter={fitted['max_iter']}: {last} points moved in the last assignment"
    elif reason == "tol":
        ok = trace.n_iter >= 1 and fitted["tol"] > 0
        note = f"stopped by the tol rule (tol={fitted['tol']}), before exact termination"
    elif reason == "cycle":
        ok = repeats > 0
        note = "stopped on a repeated partition (KM-4)"
    elif reason.startswith("rule:"):
        # A stopping rule (classic.convergence, proofs/convergence.md CV-7) cut the run short.
        from classic.convergence.stopping import kept_reason_agrees

        ok = trace.n_iter >= 1 and fitted["rule"] and kept_reason_agrees(reason, trace.n_iter, fitted["max_iter"],
                                                                         fitted["tol"] > 0)
        note = (f"stopped by the stopping rule {reason[5:]!r}, not by convergence; the claims above hold for "
                f"the {trace.n_iter} iterations recorded (proofs/convergence.md, CV-7)")
    else:
        ok, note = False, f"unknown stop reason {reason!r}"
    ok = ok and moved and (reason == "tol") == bool(trace.converged)
    return Claim("KM-5", statement, float(last), 0.0, 0.0, None if ok else False, PROOF,
                 note if ok else f"stop reason {reason!r} does not match the trace and the fit's settings "
                 f"(max_iter={fitted['max_iter']}, tol={fitted['tol']}, a stopping rule: {fitted['rule']})")


def _relocations_counted(trace):
    """n_relocated[t] is the number of relocations recorded for iteration t + 1."""
    iterations = trace.relocation_iteration
    if not np.all((iterations >= 1) & (iterations <= trace.n_iter)):
        return False
    return np.array_equal(np.bincount(iterations - 1, minlength=trace.n_iter), trace.n_relocated)


def _agreement_claim(est, X, centers, labels, trace, c, sample_weight):
    n, k = X.shape[0], len(centers)
    interleaved = np.concatenate(
        [trace.objective_assign[:1], np.column_stack([trace.objective_relocate, trace.objective_update,
                                                      trace.objective_assign[1:]]).ravel()]
    )
    checks = {
        "inertia_ == objective[-1]": est.inertia_ == trace.objective[-1],
        "objective interleaves the half-steps": np.array_equal(interleaved, trace.objective),
        "n_iter_": est.n_iter_ == trace.n_iter,
        "converged_": est.converged_ == trace.converged,
        "labels_ fingerprint": labels_fingerprint(labels, k) == trace.labels_fingerprint[-1],
        "cluster sizes": np.array_equal(np.bincount(labels, minlength=k), trace.cluster_sizes[-1]),
        "sizes sum to n_samples": bool(np.all(trace.cluster_sizes.sum(axis=1) == n)),
        "relocations per iteration": _relocations_counted(trace),
        "points reassigned >= 0": bool(np.all(trace.n_reassigned >= 0)),
        # the loop stops at the first assignment that moves no point: every earlier one moved some
        "points reassigned before the last iteration": bool(np.all((trace.n_reassigned[:-1] > 0)
                                                                   & (trace.n_reassigned[:-1] <= n))),
        "points scanned: 0 <= n_exact <= n_scanned <= n_samples": bool(np.all(
            (trace.n_exact >= 0) & (trace.n_exact <= trace.n_scanned) & (trace.n_scanned <= n))),
        # with few clusters the fit runs no KM-9 filter: every point it compared was scanned exactly
        "n_exact == n_scanned without the filter": (
            _pruning_factors(X.shape[1], est._fit_settings["dtype"], k)[2] is not None
            or np.array_equal(trace.n_exact, trace.n_scanned)),
        "total weight": trace.total_weight == (n if sample_weight is None else chunked_sum(sample_weight)),
        # the precision the run computed in decides every slack: a relabelled trace would borrow float32's
        "dtype of the fit": trace.dtype == est._fit_settings["dtype"],
        # the objective's error bound (KMeansTrace.objective_error, the rate estimate's floor) depends on it
        "n_features": trace.n_features == X.shape[1],
    }
    mismatches = [name for name, ok in checks.items() if not ok]
    recomputed = inertia_float64(X, labels, centers, sample_weight)
    claim = inequality_claim(
        "KM-6",
        "the trace agrees with the fitted attributes and the data (inertia recomputed from X)",
        (est.inertia_, -recomputed), 0.0, km6_slack(recomputed, c), PROOF,
        absolute=True,
    )
    if mismatches:
        return dataclasses.replace(claim, holds=False, note="mismatch: " + ", ".join(mismatches))
    if not claim.holds:
        return dataclasses.replace(claim, note="the inertia recomputed from X differs beyond rounding: "
                                   "X (or sample_weight) is not the data of this run, or the trace was altered")
    return claim


def _cluster_totals(X, labels, k, sample_weight):
    """Per cluster, with NumPy in float64: the total weight, the weighted sums of the points and
    of their absolute values (KM-7), each added in the package's chunked order (RD-1): one
    ``numpy.bincount`` per quantity over the keys (chunk, cluster) adds each chunk's part of a
    cluster in index order from 0, and the parts are added one chunk after the other, so a term
    takes part in at most c(n) additions after its product by the weight."""
    n, d = X.shape
    chunks = max(-(-n // CHUNK_SIZE), 1)
    keys = (np.arange(n) // CHUNK_SIZE) * k + labels
    w = np.ones(n) if sample_weight is None else sample_weight
    X64 = X.astype(np.float64)

    def total(weights):
        return np.cumsum(np.bincount(keys, weights=weights, minlength=chunks * k).reshape(chunks, k), axis=0)[-1]

    sums = np.stack([total(w * X64[:, f]) for f in range(d)], axis=1)
    abs_sums = np.stack([total(w * np.abs(X64[:, f])) for f in range(d)], axis=1)
    return total(w), sums, abs_sums


def _fixed_point_claim(X, centers, labels, trace, c, sample_weight):
    statement = "final labels are a fixed point of the assignment; centres are their clusters' means"
    k = centers.shape[0]
    labels = np.array(labels, dtype=np.int64)
    # every run ends on an assignment half-step L = assign(C, L'), so the first part holds for all of them
    _, _, n_changed, _, _, _ = _scan_all(X, centers, labels.copy(), True)
    if trace.stop_reason != "converged":
        note = (f"re-assigning the final labels moves {n_changed} points: cluster_centers_ and labels_ are not "
                "the run's last assignment" if n_changed else
                "the labels are a fixed point of the assignment to cluster_centers_; that the centres are their "
                f"clusters' means applies to runs that reached exact termination only (stopped: {trace.stop_reason})")
        return Claim("KM-7", "final labels are a fixed point of the assignment", float(n_changed), 0.0, 0.0,
                     n_changed == 0, PROOF, note)
    sizes, sums, abs_sums = _cluster_totals(X, labels, k, sample_weight)
    full = sizes > 0
    means, abs_means = sums[full] / sizes[full, None], abs_sums[full] / sizes[full, None]
    claim = inequality_claim(
        "KM-7", statement, (centers[full].astype(np.float64), -means), 0.0,
        km7_slack(abs_means, c), PROOF, absolute=True,
    )
    if n_changed:
        return Claim(claim.id, statement, claim.worst, claim.bound, claim.slack, False, PROOF,
                     f"re-assigning the final labels moves {n_changed} points")
    if not claim.holds:
        return dataclasses.replace(claim, note="cluster_centers_ differ from their clusters' means in X beyond "
                                   "rounding: X (or sample_weight) is not the data of this run, or the centres "
                                   "were altered")
    return claim
