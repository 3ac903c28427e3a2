"""The perceptron's certificate: the claims of ``proofs/perceptron.md`` checked
on one run, from its replay log.

The exact weights of the run are :math:`w_k = w_0 + \\sum_{j \\le k} y_{i_j} \\tilde x_{i_j}`
(:math:`w_0` the start, ``epoch_weights[0]``: 0 unless the fit was given one);
the run held the computed :math:`\\hat w_k` (sums rounded in the working
precision). :func:`classic._perceptron_kernels.replay` rebuilds every
:math:`\\hat w_k` bitwise from the log, and the slacks below are the bounds of
PC-7 on :math:`\\|\\hat w_k - w_k\\|` and on the computed mistake tests,
evaluated on this run's numbers. Every check is made so that if the exact
inequality holds, the computed check passes; quantities that are *reported*
as bounds (:math:`R`, :math:`\\gamma`, :math:`(R/\\gamma)^2`) are rigorous
upper/lower bounds of the exact ones.
"""

import dataclasses
import math
import warnings
from fractions import Fraction

import numpy as np
from sklearn.utils.validation import column_or_1d

from classic import _perceptron_kernels as _k
from classic._jit import for_rows, one_blas_thread
from classic._perceptron_predictors import _averaged_weights, moves
from classic._perceptron_weights import problem_weights, weights_digest
from classic._random import generator_from_state
from classic._validation import at_callers_line, check_numbers, check_real, check_sample_weight, check_squared_distances
from classic.certificate import Claim, check_training_rows, inequality_claim
from classic.perceptron import INTERCEPT_FIX, OVERFLOW_RULE, _one_vs_rest_trace
from classic.rounding import (
    SIGMA64,
    above,
    below,
    gamma_exact,
    product_up,
    round_up,
    sum_of_products_down,
    sum_of_products_up,
    sum_up,
    unit_roundoff,
    upper_bound,
)

__all__ = ["certify_perceptron", "find_separator"]

REFERENCE = "proofs/perceptron.md"

#: PC-1's note when the sample weights given to the certificate are not the fit's (PC-1, "Weights").
FOREIGN_WEIGHTS = "the sample_weight given is not the fit's (the digest the fit recorded differs)"


def _gamma_up(n, dtype):
    """:math:`\\gamma_n` of ``dtype``, computed exactly and rounded up to float64 (``inf`` when
    :math:`n u \\ge 1`): a constant of the slacks (PC-7, "Evaluating the slacks")."""
    try:
        return round_up(gamma_exact(n, dtype))
    except ValueError:
        return np.inf


def _eta(dtype):
    """Largest absolute error of one multiplication that underflows in ``dtype``, as a float64 (half
    the smallest subnormal; additions are exact there): the underflow term of PC-7. For float64 that
    half, 2**-1075, is no float64, so the smallest subnormal itself is used."""
    return max(float(np.finfo(dtype).smallest_subnormal) / 2, SIGMA64)


def unit_margins(A, signs, u):
    """Lower and upper bounds on :math:`y_i \\langle \\tilde x_i, u/\\|u\\| \\rangle` (PC-7).

    ``A`` is the augmented data in float64. The margins are evaluated in float64 with error at
    most :math:`\\gamma_D \\sum_f |\\tilde x_{if} u_f| + D\\sigma` (RD-2, with underflow) and
    :math:`\\|u\\|^2` is bounded both ways from its evaluation; every step is rounded outward
    (RD-4 (c)), so the bounds hold for the exact margins. ``u`` must be scaled so that
    :math:`\\|u\\|^2` is a normal float64 (the certificate divides each candidate by its largest
    :math:`|u_f|`): where it underflows, the lower bound on :math:`\\|u\\|` is below 0 and the
    quotients change sign (an audit, 2026-12-07, found it for :math:`u = (10^{-170}, 0, 0)`).
    """
    D = A.shape[1]
    norm2 = float(u @ u)
    norm_hi = above(np.sqrt(sum_of_products_up(norm2, D, D)))
    norm_lo = below(np.sqrt(sum_of_products_down(norm2, D, D)))
    computed = signs * (A @ u)
    error = sum_up(product_up(_gamma_up(D, np.float64), sum_of_products_up(_magnitudes(A, u), D, D)), D * SIGMA64)
    lo, hi = below(computed - error), above(computed + error)
    with np.errstate(divide="ignore", invalid="ignore"):   # each side divided by the norm that moves it down (up)
        lo = below(lo / np.where(lo >= 0, norm_hi, norm_lo))
        hi = above(hi / np.where(hi >= 0, norm_lo, norm_hi))
    return lo, hi, float(np.sqrt(norm2))


def _magnitudes(A, u, rows=4096):
    """The float64 evaluation of sum_f |A_if u_f| for each row i, ``rows`` rows at a time: np.abs(A)
    whole is a copy of A (80 MB for 200 000 x 51) made afresh on each of the certificate's calls,
    which cost 30 ms of each call's 75 on those data (2026-12-07) against 4 ms by blocks."""
    weights, out = np.abs(u), np.empty(A.shape[0])
    block = np.empty((min(rows, A.shape[0]), A.shape[1]))
    for start in range(0, A.shape[0], rows):
        part = block[:min(rows, A.shape[0] - start)]
        np.abs(A[start:start + rows], out=part)
        out[start:start + rows] = part @ weights
    return out


#: The soft-margin candidate of :func:`find_separator` is fitted on at most this many rows.
SOFT_MARGIN_ROWS = 20_000


def find_separator(A, signs, trace, active=None):
    """Candidate separators of the augmented data ``A`` (float64) for the run ``trace``.

    The perceptron's own final weights; if the run converged (so the data are
    separable) the hard-margin direction, i.e. scikit-learn's LinearSVC with
    the hinge loss, a large C and no intercept (the intercept is the augmented
    column); otherwise a soft-margin direction (C = 1) and the averaged
    perceptron's weights, candidates for Freund and Schapire's bound. The
    solver may be as approximate as it likes: the margin is recomputed from
    the direction (PC-7). The soft margin is fitted on at most
    :data:`SOFT_MARGIN_ROWS` evenly spaced rows: on 200 000 x 50 rows with 5 % of
    labels flipped the certificate took 19.1 s with all of them against 1.5 s,
    and PC-9's bound moved by 0.01 %. ``active`` (a weighted run: the examples of positive weight,
    PC-1 "Weights") restricts the solvers to those rows.
    """
    from sklearn.svm import LinearSVC

    candidates = [np.asarray(trace.epoch_weights[-1], dtype=np.float64)]
    columns = np.flatnonzero(np.any(A != 0, axis=0))
    if np.unique(signs if active is None else signs[active]).size == 2 and columns.size:
        C, max_iter = (1e4, 5000) if trace.converged else (1.0, 2000)
        every = np.arange(A.shape[0]) if active is None else np.flatnonzero(active)
        all_rows = slice(None) if active is None else every   # a slice: no copy of A
        rows = all_rows
        if not trace.converged and every.size > SOFT_MARGIN_ROWS:
            rows = every[np.linspace(0, every.size - 1, SOFT_MARGIN_ROWS).astype(np.intp)]
            if np.unique(signs[rows]).size < 2:  # a rare class the even spacing missed: all rows
                rows = all_rows
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            svc = LinearSVC(C=C, loss="hinge", fit_intercept=False, dual=True, tol=1e-8,
                            max_iter=max_iter, random_state=0).fit(A[rows][:, columns], signs[rows])
        u = np.zeros(A.shape[1])
        u[columns] = svc.coef_[0]
        candidates.append(u)
    if not trace.converged and trace.n_updates:
        n_steps = trace.n_iter * trace.n_samples
        coefficient = np.zeros(A.shape[0])
        np.add.at(coefficient, trace.updates, signs[trace.updates] * (n_steps - 1 - trace.update_steps))
        with one_blas_thread(A.shape[0], A.shape[1]):   # a product split across BLAS threads may round otherwise
            candidates.append(coefficient @ A)
    if np.all(signs > 0) or np.all(signs < 0):
        u = np.zeros(A.shape[1])
        u[-1] = signs[0]
        candidates.append(u)
    return [u for u in candidates if np.all(np.isfinite(u)) and np.any(u != 0)]


def _freund_schapire(lo, R_up, n_epochs, margin=None):
    """The smallest ((R + D)/gamma)^2 over the margins tried, with its (gamma, D) (PC-9)."""
    positive = lo[lo > 0]
    if margin is not None:
        trials = np.array([margin])
    elif positive.size:
        trials = np.unique(np.quantile(positive, np.linspace(0.0, 1.0, 21)))
    else:
        return None
    best = None
    for gamma in trials:
        # fl(gamma - lo): one rounding where the exact shortfall is positive, and 0 where it is not, so each
        # square has 3 roundings and their sum n + 2 (proofs/perceptron.md, PC-7 (i))
        shortfall = np.maximum(0.0, gamma - lo)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # inf: the caller says so
            squares = sum_of_products_up(np.sum(shortfall**2), lo.size, lo.size + 2)
            D = float(above(np.sqrt(product_up(n_epochs, squares))))
            ratio = above(sum_up(R_up, D) / gamma)
            bound = float(product_up(ratio, ratio))
        if best is None or bound < best[0]:
            best = (bound, float(gamma), D)
    return best


def _largest_root_up(a, n0, r2, gamma):
    """A float64 at least every k >= 0 with (a + k gamma)^2 <= n0 + k r2 and a + k gamma >= 0: the bound of
    PC-5 from a start with <w_0, u> >= a and ||w_0||^2 <= n0, R^2 <= r2, margin gamma > 0.

    Those k lie below the largest root of f(k) = gamma^2 k^2 + (2 a gamma - r2) k + a^2 - n0, a convex
    quadratic with f(k0) <= 0 at k0 = max(0, -a/gamma) (a^2 <= n0 when a >= 0, since a <= ||w_0||). The root
    is estimated in float64 (the form without cancellation), on a, gamma, sqrt(n0) and sqrt(r2) scaled by
    one power of two to the order of 1 (f scales by its square: the same roots; without it the discriminant
    overflowed for data of size 1e77 and underflowed for data of size 1e-110), and moved up until f > 0
    there in exact rational arithmetic, at k >= k0: beyond such a point f stays positive. ``inf`` if a
    value is not finite, or the root is beyond float64."""
    a, n0, r2, gamma = (float(v) for v in (a, n0, r2, gamma))
    if not all(math.isfinite(v) for v in (a, n0, r2, gamma)) or not gamma > 0:
        return np.inf
    exponent = math.frexp(max(abs(a), gamma, math.sqrt(n0), math.sqrt(r2)))[1]
    unit = Fraction(2) ** -exponent
    a_s, gamma_s = Fraction(a) * unit, Fraction(gamma) * unit
    A = gamma_s**2
    B = 2 * a_s * gamma_s - Fraction(r2) * unit**2
    C = a_s**2 - Fraction(n0) * unit**2
    k0 = max(Fraction(0), -a_s / gamma_s)

    def f(k):
        k = Fraction(k)
        return (A * k + B) * k + C

    try:
        disc = math.sqrt(max(float(B * B - 4 * A * C), 0.0))
        k = (disc - float(B)) / (2 * float(A)) if B <= 0 else float(-2 * C) / (float(B) + disc)
        k = max(k, float(k0), 0.0)
    except (OverflowError, ZeroDivisionError):
        return np.inf
    step = max(abs(k) * 2.0**-50, SIGMA64)
    while not (math.isfinite(k) and Fraction(k) >= k0 and f(k) > 0):
        if not math.isfinite(k):
            return np.inf
        k, step = k + step, 2 * step
    return float(k)


def _separator_rows(separator, n_problems, d):
    """The ``separator`` given to certify as float64 rows of length d + 1, one per binary problem
    (a last entry 0 appended to rows of length d), or a TypeError/ValueError naming what is wrong
    and the shapes expected: (d,) or (d + 1,) for one problem (a (1, m) row or (m, 1) column too),
    (n_problems, d) or (n_problems, d + 1), one row per class, for one-vs-rest."""
    separator = check_numbers(separator, "separator")
    lengths = (d, d + 1)
    if n_problems == 1 and separator.ndim == 2 and 1 in separator.shape:
        separator = separator.reshape(1, -1)
    rows = separator.reshape(1, -1) if n_problems == 1 and separator.ndim == 1 else separator
    if rows.ndim != 2 or rows.shape[0] != n_problems or rows.shape[1] not in lengths:
        expected = (f"({d},) or ({d + 1},)" if n_problems == 1 else
                    f"({n_problems}, {d}) or ({n_problems}, {d + 1}): one row per class (one-vs-rest)")
        raise ValueError(f"separator must have shape {expected}, of n_features or n_features + 1 entries (the last "
                         f"multiplies the augmented feature); got shape {separator.shape}")
    zero = np.flatnonzero(~np.any(rows != 0, axis=1))
    if zero.size:
        where = "" if n_problems == 1 else f": row {zero[0]} is 0"
        raise ValueError(f"separator must be nonzero{where}; a direction u with y<u, x> > 0 for every example")
    return rows if rows.shape[1] == d + 1 else np.column_stack([rows, np.zeros(n_problems)])


def certify_perceptron(model, X, y, separator=None, margin=None, sample_weight=None):
    """Claims for a fitted :class:`classic.Perceptron` (see ``classic.certify``) on ``X``, validated
    by ``Perceptron._certify``."""
    traces = getattr(model.trace_, "problems", (model.trace_,))
    dtype = traces[0].epoch_weights.dtype
    if dtype not in (np.float32, np.float64):
        dtype = np.float64                    # a tampered trace: PC-1 will say so
    X = X.astype(dtype, copy=False)  # checked by Perceptron._certify as its other methods check X
    check_training_rows(X.shape[0], traces[0].n_samples, labels=True)
    check_squared_distances(X, np.full((1, 1), getattr(model, "_scale", 0.0)), method="the perceptron",
                            others_name="intercept_scaling", others_fix=INTERCEPT_FIX, rule=OVERFLOW_RULE)
    if y is None:
        raise ValueError("certify(perceptron, X, y) needs the labels y the model was fitted on")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:  # a column, read as its labels with scikit-learn's warning, as fit reads it
        y = at_callers_line(column_or_1d, y, warn=True)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    problems = model._problem_signs(model._labels(y), dtype)
    weights, same_weights = _run_weights(model, X, problems, sample_weight, dtype)
    if len(problems) != len(traces):
        statement = "the log replays: one trace per one-vs-rest problem"
        note = f"{len(traces)} trace(s) for {len(problems)} problem(s)"
        return [Claim("PC-1", statement, 1.0, 0.0, 0.0, False, REFERENCE, note)]
    if separator is not None:
        separator = _separator_rows(separator, len(traces), X.shape[1])
    if margin is not None:
        margin = check_real(margin, "margin", minimum=0.0, strict=True)
    fitted = model._weights_for(X)  # coef_ and intercept_, one row per problem
    settings = model._fit_settings  # the fit's prediction and eta0, not set_params' since
    eta0 = settings["eta0"]
    claims = []
    for c, (signs, trace, example_weights) in enumerate(zip(problems, traces, weights)):
        label = "" if len(traces) == 1 else f"[class {model.classes_[c]} vs rest] "
        u = None if separator is None else separator[c]
        last = _scaled(trace.epoch_weights[-1], trace, eta0, dtype)
        # what predict uses (PC-6): coef_ and intercept_, unless the prediction is averaged or voted
        predictor = (fitted[c], eta0, last) if settings["prediction"] == "last" else None
        carried = settings.get("carried")   # what a partial_fit call continued (PC-13), as the fit recorded it
        same_carried = carried is None and trace.carried_presentations == 0 and trace.carried_average.size == 0 or (
            carried is not None and len(carried) == len(traces) and trace.carried_presentations == carried[c][0]
            and np.array_equal(trace.carried_average, carried[c][1]))
        averaged = settings["prediction"] == "averaged" and (trace.carried_presentations == 0 or trace.carried_average.size)
        if averaged:
            made = _scaled(_averaged_weights(X, signs, trace.intercept_scaling, trace, example_weights).astype(dtype),
                           trace, eta0, dtype)
        else:  # the last weights; the voted predictor keeps its own (PC-13)
            made = last
        edited = _edited_attributes(model, traces, fitted[c], made)
        if not same_carried:
            edited.append("trace_ (its carried_presentations or carried_average, what a partial_fit call continued, "
                          "are not the fit's)")
        starts = settings.get("starts")   # the fit's start of each problem, None for 0
        if starts is not None and not (len(starts) == len(traces) and np.array_equal(
                trace.epoch_weights[0], np.zeros_like(trace.epoch_weights[0]) if starts[c] is None else starts[c])):
            edited.append("trace_ (its start, epoch_weights[0], is not the fit's)")
        if trace.weighted != (example_weights is not None):
            edited.append("trace_ (its weighted flag is not the fit's)")
        if not same_weights:
            edited.append(FOREIGN_WEIGHTS)
        certificate = _ProblemCertificate(X, signs, trace, label, predictor, edited, settings, example_weights)
        # each note names its problem as the statement does (the printed notes follow the table)
        claims.extend(dataclasses.replace(c, note=label + c.note) if c.note else c for c in certificate.claims(u, margin))
    return claims


def _run_weights(model, X, problems, sample_weight, dtype):
    """The weights c_i of each problem's run (None where all are 1; PC-1, "Weights"), made as the fit
    made them from its class weights and the ``sample_weight`` given here, which must be given exactly
    when the fit was given one (a ValueError says which); and whether they are the fit's (their digest)."""
    settings = model._fit_settings
    given = settings.get("sample_weight") is not None   # the digest of the fit's weights, or None
    if given and sample_weight is None:
        raise ValueError("this run was fitted with sample_weight: certify(model, X, y, sample_weight=w) with the "
                         "weights fit was given")
    if not given and sample_weight is not None:
        raise ValueError("this run was fitted without sample_weight: certify(model, X, y) without one (or fit again "
                         "with the weights)")
    sample_weight = check_sample_weight(sample_weight, X)
    same = not given or weights_digest(sample_weight) == settings["sample_weight"]
    return problem_weights(settings.get("class_weight"), sample_weight, problems, dtype), same


def _edited_attributes(model, traces, fitted, made):
    """The fitted attributes that are not what the fit made of the runs (PC-1): ``n_iter_``,
    ``n_updates_`` and ``converged_`` (over the problems), ``coef_`` and ``intercept_`` of this
    problem (``fitted``, one row) against ``made``, the row the fit makes of the run, bit for bit,
    and a one-vs-rest trace's own summary."""
    summary = {"n_iter_": max(t.n_iter for t in traces), "n_updates_": sum(t.n_updates for t in traces),
               "converged_": all(t.converged for t in traces)}
    edited = [name for name, value in summary.items() if getattr(model, name) != value]
    if not np.array_equal(fitted, made):
        edited.append("coef_ or intercept_")
    if len(traces) > 1 and not _one_vs_rest_summary_agrees(model, traces):
        edited.append("trace_ (its one-vs-rest summary: n_iter, converged, stop_reason, objective or classes)")
    return edited


def _one_vs_rest_summary_agrees(model, traces):
    """The one-vs-rest trace's own fields are what the fit makes of its problems' traces and classes."""
    trace, made = model.trace_, _one_vs_rest_trace(traces, model.classes_)
    return (trace.n_iter == made.n_iter and trace.converged == made.converged and trace.stop_reason == made.stop_reason
            and np.array_equal(trace.objective, made.objective) and np.array_equal(trace.classes, made.classes))


def _scaled(w, trace, eta0, dtype):
    """coef_ and intercept_ (one row) as the fit makes them from weights w (the run's final ones,
    or their average): fl(eta0 w), its last entry times the intercept scaling
    (Perceptron._fit_predictor)."""
    kind = np.dtype(dtype).type
    if eta0 != 1:
        with np.errstate(over="ignore", under="ignore"):
            w = w * kind(eta0)
    return np.append(w[:-1], w[-1] * kind(trace.intercept_scaling)).astype(dtype)


class _ProblemCertificate:
    """The claims of one binary problem (one trace)."""

    def __init__(self, X, signs, trace, label, predictor=None, edited=(), settings=None, weights=None):
        self.X, self.signs, self.trace, self.label = X, signs, trace, label
        self.c = weights   # the examples' weights c_i, None for all 1 (PC-1, "Weights")
        # the examples the theorem is about: those of positive weight (None: all)
        self.active = None if weights is None else weights > 0
        self.settings = settings  # the fit's (Perceptron._fit_settings), for the stop (PC-6); None: unchecked
        self.edited = list(edited)  # fitted attributes changed since the fit (PC-1)
        self.predictor = predictor  # (coef_ and intercept_ as one row, eta0) when predict uses the last weights
        self.scale = X.dtype.type(trace.intercept_scaling)
        # the vectors the run adds, z_i = fl(c_i x~_i) (x~_i unweighted): the data of Novikoff's theorem
        self.A = moves(X, self.scale, weights=weights)
        self.D = self.A.shape[1]
        self.K = trace.n_updates
        self.R_hat2 = float(np.max(np.einsum("ij,ij->i", self.A, self.A)))
        self.R_up2 = float(sum_of_products_up(self.R_hat2, self.D, self.D))   # R^2 <= R_up2 (PC-7)
        self.R_up = float(above(np.sqrt(self.R_up2)))
        # the start w_0 and its bounds (_start, once the log is well formed): 0 until then
        self.w0, self.started = np.zeros(self.D), False
        self.N0_hat = self.N0 = self.along = 0.0

    def _claim(self, id, statement, **kwargs):
        return inequality_claim(id, self.label + statement, reference=REFERENCE, **kwargs)

    def _claim_while_finite(self, id, statement, values, bounds, slacks):
        """The claim on the updates whose bound and slack are finite in float64. On data near the
        range limit the sums over k updates exceed float64 from some update on (monotone sums, so
        the finite ones come first; PC-7, "Overflow"): those are left unchecked, and the note says so."""
        values, bounds, slacks = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (values, bounds, slacks)))
        finite = np.isfinite(bounds) & np.isfinite(slacks)
        if finite.all():
            return self._claim(id, statement, values=values, bounds=bounds, slacks=slacks)
        first = int(np.argmin(finite))
        note = (f"from update {first + 1} of {len(finite)} on, the sums over the updates exceed float64 (data near "
                f"the range limit): checked on the first {first} updates; rescale the data to check them all")
        if first == 0:
            return self._not_applicable(id, statement, note)
        return self._claim(id, statement, values=values[:first], bounds=bounds[:first], slacks=slacks[:first],
                           note=note)

    def _not_applicable(self, id, statement, note):
        return Claim(id, self.label + statement, 0.0, 0.0, 0.0, None, REFERENCE, note)

    # --- PC-1: the log replays -------------------------------------------------
    def _log_is_well_formed(self):
        """Shapes, dtypes, index ranges and epoch counts agree with X and with each other."""
        t, n, K = self.trace, self.X.shape[0], self.K
        arrays = (t.updates, t.update_steps, t.squared_norms, t.mistakes, t.epoch_weights)
        if not all(isinstance(a, np.ndarray) for a in arrays) or not isinstance(K, (int, np.integer)):
            return False
        if not (np.issubdtype(t.updates.dtype, np.integer) and np.issubdtype(t.update_steps.dtype, np.integer)
                and np.issubdtype(t.mistakes.dtype, np.integer)):
            return False
        if t.squared_norms.dtype != self.X.dtype or t.epoch_weights.dtype != self.X.dtype:
            return False
        if not (t.n_samples == n and t.n_iter >= 1 and t.mistakes.shape == (t.n_iter,)
                and all(a.shape == (K,) for a in arrays[:3])
                and t.epoch_weights.shape == (t.n_iter + 1, self.D) and int(t.mistakes.sum()) == K
                and np.all(np.isfinite(t.epoch_weights[0]))):
            return False
        if K and not (t.updates.min() >= 0 and t.updates.max() < n and t.update_steps.min() >= 0
                      and t.update_steps.max() < t.n_iter * n and np.all(np.diff(t.update_steps) > 0)):
            return False
        per_epoch = np.bincount(t.update_steps // n, minlength=t.n_iter)
        if not t.shuffled and t.shuffle_state != "":  # an unshuffled run draws nothing, and records no state
            return False
        updates_so_far = np.concatenate([[0], np.cumsum(t.mistakes)]).astype(np.float64)  # the trace's objective
        return (np.array_equal(per_epoch, t.mistakes) and t.converged == bool(t.mistakes[-1] == 0)
                and isinstance(t.objective, np.ndarray) and np.array_equal(t.objective, updates_so_far))

    def _replay(self, u):
        t, K, X = self.trace, self.K, self.X
        out = {name: np.empty(K) for name in ("dot_abs", "w_abs", "inner", "inner_abs", "sums_norm2", "x_norm2")}
        out["decisions"] = np.empty(K, X.dtype)
        out["squared_norms"] = np.empty(K, X.dtype)
        w = t.epoch_weights[0].copy()   # the start w_0 (PC-1)
        weights = [w.copy()]
        ends = np.concatenate([[0], np.cumsum(t.mistakes)])
        B_state = np.zeros(self.D)
        out["s"] = self._sums_scale()
        for e in range(t.n_iter):
            part = slice(ends[e], ends[e + 1])
            _k.replay(X, self.signs, self.c, self.scale, t.updates[part], u, w, B_state, 1.0 / out["s"],
                      *(out[name][part] for name in ("decisions", "dot_abs", "w_abs", "squared_norms", "inner",
                                                     "inner_abs", "sums_norm2", "x_norm2")))
            weights.append(w.copy())
        out["epoch_weights"] = np.asarray(weights)
        return out

    def _sums_scale(self):
        """A power of two s >= 1 by which the replay divides B_{k,f} = sum_{j<=k} |w^_{j,f}| before squaring
        (PC-7, "Overflow"): 1 unless K max_j ||w^_j||, about an upper bound of every ||B_k|| (triangle
        inequality), exceeds 2^500; then the power of two at or above it, so that ||B_k / s||^2 is at most
        about 1. Any power of two gives a sound bound; this one only keeps the squares inside float64's
        range. (A finite ||w^_j|| is below 2^512, so s stays below 2^1024 for K < 2^511.)"""
        t = self.trace
        start2 = np.sum(np.square(t.epoch_weights[0], dtype=np.float64))
        norm2 = max(float(np.max(t.squared_norms, initial=0.0)), float(start2))
        size = self.K * math.sqrt(norm2)
        if not (math.isfinite(size) and size > 2.0 ** 500):   # inf and NaN: a trace PC-1 rejects
            return 1.0
        return math.ldexp(1.0, math.frexp(size)[1])

    def _orders(self):
        """Each epoch's order as the run drew it, one epoch at a time: index order, or the next
        ``permutation(n)`` of the generator restored from ``shuffle_state``. None if a shuffled
        trace's state is not a generator state."""
        n = self.X.shape[0]
        if not self.trace.shuffled:
            in_order = np.arange(n, dtype=np.int64)
            return (in_order for _ in range(self.trace.n_iter))
        try:
            rng = generator_from_state(self.trace.shuffle_state)
        except ValueError:
            return None
        return (rng.permutation(n).astype(np.int64) for _ in range(self.trace.n_iter))

    def _unlogged(self, orders):
        """(presentations that disagree with the log, the first such step or -1, each epoch's mean loss
        (1/n) Σ max(0, −y⟨ŵ, x̃⟩) as the run adds it): the log is complete (PC-1), walked epoch by epoch
        in the orders of the run, every presentation's margin computed as ``_perceptron_kernels.epoch``
        computes it and the opposites of those <= 0 added in float64 in presentation order."""
        n, t = self.X.shape[0], self.trace
        w, k, unlogged, first, losses = t.epoch_weights[0].copy(), 0, 0, -1, []
        for e, order in enumerate(orders):
            wrong, at, k, loss = _k.unlogged_mistakes(self.X, self.signs, self.c, self.scale, t.updates,
                                                      t.update_steps, order, e * n, w, k)
            unlogged += wrong
            first = at if first < 0 else first
            losses.append(loss / n)
        return unlogged, first, np.array(losses)

    def claims(self, separator, margin):
        statement = ("the log replays: each update was a mistake as the run computed it (y fl<w, x> <= 0); squared "
                     "norms and epoch weights match")
        if not self._log_is_well_formed():
            note = ("the trace is not a well-formed replay log of this X (shapes, dtypes, indices or epoch "
                    "counts disagree): a tampered trace, or not the data the model was fitted on")
            return [Claim("PC-1", self.label + statement, 1.0, 0.0, 0.0, False, REFERENCE, note)]
        self.separator_given = separator is not None  # for the notes: the user's direction or the best found
        candidates = [separator] if separator is not None else find_separator(
            self.A, self.signs.astype(np.float64), self.trace, self.active)
        if not candidates:
            candidates = [np.ones(self.D)]
        # scaled to max |u_f| = 1 so that ||u|| neither underflows nor overflows
        candidates = [np.asarray(u, dtype=np.float64) / np.max(np.abs(u)) for u in candidates]
        u, lo = self._choose(candidates, margin)   # the margins of the examples of positive weight
        u_hat = u / np.sqrt(u @ u)
        r = self._replay(u_hat)
        not_mistakes = int(np.sum(r["decisions"] > 0))
        wrong_norms = int(np.sum(r["squared_norms"] != self.trace.squared_norms))
        wrong_weights = int(np.sum(np.any(r["epoch_weights"] != self.trace.epoch_weights, axis=1)))
        orders = self._orders()
        if orders is None:
            note = ("the trace's shuffle_state is not a generator state: the epochs' orders cannot be redrawn, "
                    "so the log's completeness cannot be checked (a tampered trace)")
            return [Claim("PC-1", self.label + statement, 1.0, 0.0, 0.0, False, REFERENCE, note)]
        unlogged, first, losses = self._unlogged(orders)
        wrong_losses = int(np.sum(losses != self.trace.epoch_loss))
        # a mistake on an example of weight 0 moves nothing and is no update (PC-1, "Weights")
        weightless = 0 if self.c is None else int(np.sum(self.c[self.trace.updates] == 0))
        mismatches = not_mistakes + wrong_norms + wrong_weights + wrong_losses + unlogged + weightless
        note = (f"{not_mistakes} logged update(s) were no mistake, "
                + (f"{weightless} were on examples of weight 0 (no update), " if weightless else "")
                + f"{wrong_norms} squared norm(s), "
                f"{wrong_weights} epoch weight row(s) and {wrong_losses} epoch loss(es) differ from the replay, "
                f"{unlogged} presentation(s) disagree with the log" + (f" (the first at step {first})" if unlogged else "")
                if mismatches else "")
        if self.trace.shuffled and not mismatches:
            note = "shuffled run: each epoch's order redrawn from the recorded generator state"
        if self.edited and not mismatches:  # the log is the run's, the model's attributes are not
            attributes = [name for name in self.edited if name != FOREIGN_WEIGHTS]
            parts = [f"the fitted attributes are not this run's: {', '.join(attributes)} changed since the fit"
                     ] if attributes else []
            note = "; ".join(parts + ([FOREIGN_WEIGHTS] if FOREIGN_WEIGHTS in self.edited else []))
        claims = [self._claim("PC-1", statement, values=[float(mismatches + len(self.edited))], bounds=[0.0],
                              slacks=[0.0], note=note)]
        if mismatches:
            return claims
        with np.errstate(over="ignore", invalid="ignore"):  # sums over the updates may overflow (PC-7, "Overflow")
            self._rounding(r)
            self._start(u_hat)
        gamma_low = float(np.min(lo)) if lo.size else 0.0
        gamma_low = gamma_low if np.isfinite(gamma_low) else 0.0
        claims += self._novikoff(r, gamma_low)
        claims.append(self._final_epoch())
        claims.append(self._freund_schapire(lo, gamma_low, margin))
        claims.append(self._cycling())
        return sorted(claims, key=lambda c: int(c.id.split("-")[1]))

    def _choose(self, candidates, margin):
        """The candidate with the largest certified margin, or (none positive) the smallest FS bound."""
        best = None
        for u in candidates:
            lo, _, _ = unit_margins(self.A, self.signs.astype(np.float64), u)
            lo = lo if self.active is None else lo[self.active]
            gamma_low = float(np.min(lo)) if lo.size else 0.0
            if gamma_low > 0:
                key = (0, -gamma_low)
            else:
                fs = _freund_schapire(lo, self.R_up, self.trace.n_iter, margin)
                key = (1, np.inf if fs is None else fs[0])
            if best is None or key < best[0]:
                best = (key, u, lo)
        return best[1], best[2]

    # --- PC-7: rounding --------------------------------------------------------
    def _rounding(self, r):
        """Upper bounds, as float64 arrays over the updates k, of S_k (``S``), of E_k >= ||w^_k - w_k||
        (``E``), of delta_k >= |rounding of the k-th mistake test| (``delta``) and of Delta_k (PC-7,
        "Evaluating the slacks"); ``S_hat`` is the float64 cumulative sum of the squared norms."""
        p, K, D = self.X.dtype, self.K, self.D
        self.S_hat = np.cumsum(r["x_norm2"])
        x2 = sum_of_products_up(r["x_norm2"], D, D)
        self.S = upper_bound(np.cumsum(x2), max(K - 1, 0))
        B2 = sum_of_products_up(r["sums_norm2"], D, 2 * K + D - 2)   # >= ||B_k / s||^2
        with np.errstate(over="ignore"):   # times s: exact, or inf where ||B_k|| exceeds float64 itself
            self.E = product_up(unit_roundoff(p), above(np.sqrt(B2)) * r["s"])
        self.delta = sum_up(product_up(_gamma_up(D, p), sum_of_products_up(r["dot_abs"], D, D)), D * _eta(p))
        if self.c is not None:
            # y<w^, z> for z = fl(c x~): c_k delta_k, plus the rounding of z, |z_f - c x~_f| <= u c |x~_f| + eta
            # (PC-7, "Weights")
            c = self.c[self.trace.updates].astype(np.float64)
            z_error = sum_up(product_up(unit_roundoff(p), c, sum_of_products_up(r["dot_abs"], D, D)),
                             product_up(_eta(p), sum_of_products_up(r["w_abs"], D, D)))
            self.delta = sum_up(product_up(c, self.delta), z_error)
        E_before = np.concatenate([[0.0], self.E[:-1]])
        terms = sum_up(self.delta, product_up(E_before, above(np.sqrt(x2))))
        self.Delta = upper_bound(2 * np.cumsum(terms), max(K - 1, 0))

    def _start(self, u_hat):
        """The start w_0 = ``epoch_weights[0]`` in float64 (PC-1), and for PC-2, PC-3, PC-5 and PC-9:
        ``started`` (w_0 != 0), ``N0_hat`` = fl(||w_0||^2) and ``N0`` >= ||w_0||^2, and ``along``, a lower
        bound of <w_0, u> for the exact unit vector u of ``u_hat`` (PC-7, "Margin and radius", mirrored:
        with X = fl<w_0, u^> - gamma_{D+1} sum_f |w_{0f} u^_f| - D sigma, <w_0, u> >= X - gamma_{D+2} |X|).
        All 0 for the start 0, so that the claims are then those of the theorem as first stated."""
        D = self.D
        self.w0 = self.trace.epoch_weights[0].astype(np.float64)
        self.started = bool(np.any(self.w0 != 0))
        if not self.started:
            return
        self.N0_hat = float(np.sum(self.w0 * self.w0))
        self.N0 = float(sum_of_products_up(self.N0_hat, D, D))
        dot = float(np.sum(self.w0 * u_hat))
        error = sum_up(product_up(_gamma_up(D + 1, np.float64),
                                  sum_of_products_up(float(np.sum(np.abs(self.w0 * u_hat))), D, D)), D * SIGMA64)
        low = below(dot - error)
        self.along = float(below(low - product_up(_gamma_up(D + 2, np.float64), abs(low))))

    # --- PC-2 .. PC-5: Novikoff ------------------------------------------------
    def _novikoff(self, r, gamma_low):
        t, K, k = self.trace, self.K, np.arange(1, self.K + 1)
        novikoff = [
            ("PC-2", "k gamma <= <w_k, u> for every update k"),
            ("PC-5", "total updates <= (R / gamma)^2"),
        ] if not self.started else [
            ("PC-2", "<w_0, u> + k gamma <= <w_k, u> for every update k (start w_0)"),
            ("PC-5", "total updates <= the largest k with (<w_0, u> + k gamma)^2 <= ||w_0||^2 + k R^2 (start w_0)"),
        ]
        claims = []
        growth = ("||w_k||^2 <= sum_{j<=k} ||x_{i_j}||^2 for every update k" if not self.started else
                  "||w_k||^2 <= ||w_0||^2 + sum_{j<=k} ||x_{i_j}||^2 for every update k (start w_0)")
        with np.errstate(over="ignore", invalid="ignore"):  # near the range limit the sums overflow (PC-7)
            bounds = self.S_hat + self.N0_hat if self.started else self.S_hat
            claims.append(self._claim_while_finite(
                "PC-3", growth, values=t.squared_norms.astype(np.float64), bounds=bounds,
                slacks=self._pc3_slack(bounds),
            ))
            claims.append(self._claim_while_finite(
                "PC-4", "sum_{j<=k} ||x_{i_j}||^2 <= k R^2 for every update k",
                values=self.S_hat, bounds=k * self.R_hat2, slacks=self._pc4_slack(k * self.R_hat2),
            ))
        zero_rows = int(np.sum(~np.any(self.A != 0, axis=1) & (True if self.active is None else self.active)))
        if gamma_low <= 0 or not np.all(np.isfinite(self.E)):
            if zero_rows:
                note = (f"{zero_rows} example(s) are zero vectors: y<u, 0> = 0 for every u, so no margin gamma > 0 "
                        "exists (and every presentation of them is a mistake); Novikoff does not apply, see PC-9")
            elif gamma_low <= 0:
                which = "the separator given" if self.separator_given else "the best separator found"
                note = (f"gamma = min y<u, x> <= {gamma_low:.3g} for {which}: the data are not "
                        "linearly separable by it (in the augmented space); Novikoff does not apply, see PC-9")
            else:
                note = ("the rounding bound of PC-7 overflows float64 (the norm of the summed weight magnitudes "
                        "over the updates exceeds its range): rescale the data, e.g. with StandardScaler")
            return claims + [self._not_applicable(i, s, note) for i, s in novikoff]
        progress = below(k * gamma_low)
        start_note = ""
        if self.started:
            progress = below(self.along + progress)
            start_note = f", <w_0, u> >= {self.along:.6g}, ||w_0||^2 <= {self.N0:.6g}"
        claims.insert(0, self._claim(
            novikoff[0][0], novikoff[0][1], values=progress, bounds=r["inner"],
            slacks=self._pc2_slack(r),
            note=f"gamma >= {gamma_low:.6g} (certified lower bound, recomputed from u){start_note}",
        ))
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            gamma2 = float(below(np.float64(gamma_low) * gamma_low))   # at most gamma^2
            if self.started:   # the largest root of (a + k gamma)^2 = N0 + k R^2 (+ Delta_K), rounded up (PC-5)
                bound = _largest_root_up(self.along, self.N0, self.R_up2, gamma_low)
                slack = float(above(_largest_root_up(self.along, sum_up(self.N0, self.Delta[-1]), self.R_up2,
                                                     gamma_low) - bound)) if K else 0.0
            else:
                bound = float(above(self.R_up2 / gamma2)) if gamma2 > 0 else np.inf
                slack = float(above(self.Delta[-1] / below(K * gamma2))) if K else 0.0
        if not (np.isfinite(bound) and np.isfinite(slack)):
            note = (f"gamma >= {gamma_low:.3g}: (R/gamma)^2 cannot be evaluated in float64 (R^2 or gamma^2 "
                    "underflows, or the ratio overflows); rescale the data")
            return claims + [self._not_applicable(novikoff[1][0], novikoff[1][1], note)]
        claims.append(self._claim(
            novikoff[1][0], novikoff[1][1], values=[float(K)], bounds=[bound], slacks=[slack],
            note=f"R <= {np.sqrt(self.R_up2):.6g}, gamma >= {gamma_low:.6g} ("
                 f"{f'augmented data (x, {float(self.scale):g})' if self.scale else 'no intercept: the data x'}"
                 f"{'' if self.c is None else '; weighted: of z = fl(c x), weight > 0'}){start_note}",
        ))
        return claims

    def _pc2_slack(self, r):
        """<w_k, u> <= X + gamma_{D+2} |X| + E_k with X = fl<w^_k, u^> + gamma_{D+1} sum|w^_f u^_f| + D sigma,
        u^ = fl(u / fl||u||) the unit vector of the replay (PC-7); less the bound fl<w^_k, u^>, upward."""
        D = self.D
        X = sum_up(r["inner"], product_up(_gamma_up(D + 1, np.float64), sum_of_products_up(r["inner_abs"], D, D)),
                   D * SIGMA64)
        limit = sum_up(X, product_up(_gamma_up(D + 2, np.float64), np.abs(X)), self.E)
        return above(limit - r["inner"])

    def _pc3_slack(self, bounds=None):
        """||w^_k||^2 as the run computed it is at most (1 + gamma_D)((sqrt(N_0 + S_k + Delta_k) + E_k)^2 + D eta)
        in the working precision (PC-3, PC-7; N_0 >= ||w_0||^2, 0 for the start 0); less ``bounds``, the claim's
        fl(||w_0||^2) + S^_k (None: S^_k), upward."""
        p, D = self.X.dtype, self.D
        bounds = self.S_hat if bounds is None else bounds
        S = sum_up(self.N0, self.S) if self.started else self.S
        norm = sum_up(above(np.sqrt(sum_up(S, self.Delta))), self.E)
        limit = product_up(round_up(1 + gamma_exact(D, p)), sum_up(product_up(norm, norm), D * _eta(p)))
        return above(limit - bounds)

    def _pc4_slack(self, bounds):
        """S^_k, the float64 sum, is at most (1 + gamma_{K+D-1}) k (R^2 + D sigma) when S_k <= k R^2 (PC-4);
        less ``bounds`` = fl(k R^2), the claim's bounds, upward."""
        K, D, k = self.K, self.D, np.arange(1, self.K + 1)
        factor = round_up(1 + gamma_exact(K + D - 1, np.float64))
        limit = product_up(factor, k, sum_up(self.R_up2, D * SIGMA64))
        return above(limit - bounds)

    # --- PC-6: the stopping rule -----------------------------------------------
    def _final_epoch(self):
        statement = "the final epoch is mistake-free: y <w, x> > 0 for every example" + (
            " of positive weight" if self.c is not None else "")
        t = self.trace
        if not self._stop_agrees():
            return Claim("PC-6", self.label + statement, 1.0, 0.0, 0.0, False, REFERENCE,
                         f"stop reason {t.stop_reason!r} does not match the trace ({t.n_iter} epochs, converged "
                         f"{t.converged}; scikit-learn's tol rule on its epoch losses fires at "
                         f"{self._tol_epoch()}) and the fit's settings (max_iter="
                         f"{self.settings['max_iter']}, tol={self.settings['tol']}, n_iter_no_change="
                         f"{self.settings['n_iter_no_change']}, a stopping rule: {self.settings['rule']})")
        if not t.converged:
            return self._not_applicable(
                "PC-6", statement, f"the run stopped ({t.stop_reason}) after {t.n_iter} epochs with "
                f"{int(t.mistakes[-1])} mistake(s) in its last epoch")
        scores = np.empty(self.X.shape[0], self.X.dtype)
        decision = for_rows(_k.decision, self.X.shape[0])
        decision(self.X, t.epoch_weights[-1].reshape(1, -1), self.scale, scores.reshape(-1, 1))
        learnt = slice(None) if self.active is None else self.active   # a weight-0 example is not learnt (PC-1)
        mistakes = int(np.sum(self.signs[learnt] * scores[learnt] <= 0))
        note = ""
        if self.predictor is not None:  # predict's own arithmetic: coef_, intercept_ = eta0 times the weights
            weights, eta0, scaled = self.predictor
            decision(self.X, weights.reshape(1, -1), self.X.dtype.type(1.0), scores.reshape(-1, 1))
            wrong = int(np.sum(self.signs[learnt] * scores[learnt] <= 0))
            if wrong:
                runs = np.array_equal(weights, scaled)
                note = (f"predict's weights coef_ and intercept_ misclassify {wrong} training example(s): " + (
                    f"they are eta0 = {eta0:g} times the run's, and their rounding turns a score to 0 or below; "
                    "use eta0=1 (or a power of two)" if runs else "they are not the run's final weights"))
            mistakes += wrong
        return self._claim("PC-6", statement, values=[float(mistakes)], bounds=[0.0], slacks=[0.0], note=note)

    def _stop_agrees(self):
        """The stop reason is the one the loop gives this trace under the fit's settings: a
        mistake-free epoch is tested first (converged), then ``tol``, a rule, ``max_iter``. The
        ``tol`` rule is run again on the trace's epoch losses (which PC-1 replays bit for bit): it
        fires at the last epoch of a "tol" stop and at no epoch of any other (of a mistake-free
        epoch's run, at none before the last, which ends before the rule is consulted)."""
        t, fitted = self.trace, self.settings
        if fitted is None:
            return True
        fires = self._tol_epoch()
        if t.converged:
            return t.stop_reason == "mistake-free epoch" and fires is None
        if t.stop_reason == "tol":
            return fires == t.n_iter
        if fires is not None:
            return False
        if t.stop_reason == "max_iter":
            return t.n_iter == fitted["max_iter"]
        from classic.convergence.stopping import kept_reason_agrees

        return (t.stop_reason.startswith("rule:") and fitted["rule"]
                and kept_reason_agrees(t.stop_reason, t.n_iter, fitted["max_iter"], fitted["tol"] is not None))

    def _tol_epoch(self):
        """The epoch at which the fit's tol rule fires on the trace's epoch losses (those the loop
        tested it on), or None (never, or no tol)."""
        t, fitted = self.trace, self.settings
        if fitted["tol"] is None:
            return None
        tested = t.epoch_loss[:-1] if t.converged else t.epoch_loss
        return _tol_fires_at(tested, fitted["tol"], fitted["n_iter_no_change"])

    # --- PC-9: Freund and Schapire --------------------------------------------
    def _freund_schapire(self, lo, gamma_low, margin):
        statement = "total updates <= ((R + D) / gamma)^2 (Freund-Schapire)" if not self.started else (
            "total updates <= the largest k with (<w_0, u> + k gamma)^2 <= (1 + D/R) ||w_0||^2 + k (R + D)^2 "
            "(Freund-Schapire, start w_0)")
        if gamma_low > 0 and margin is None:
            return self._not_applicable("PC-9", statement, "separable: Novikoff's bound PC-5 is the case D = 0")
        R_up = self.R_up
        fs = _freund_schapire(lo, R_up, self.trace.n_iter, margin) if R_up > 0 else None
        if fs is None:
            return self._not_applicable("PC-9", statement, "no example has a positive margin under the separator")
        bound, gamma, D = fs
        K = self.K
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            gamma2 = float(below(np.float64(gamma) * gamma))
            lift = sum_up(1.0, above(D / R_up))   # Z^2 = 1 + D/R of the lifting, with R = R_up (PC-9)
            if self.started:   # PC-5's root in the lifted space: (R + D)^2 for R^2, Z^2 ||w_0||^2 for ||w_0||^2
                radius = sum_up(R_up, D)
                radius2, N0 = product_up(radius, radius), product_up(lift, self.N0)
                bound = _largest_root_up(self.along, N0, radius2, gamma)
                slack = float(above(_largest_root_up(self.along, sum_up(N0, product_up(lift, self.Delta[-1])),
                                                     radius2, gamma) - bound)) if K else 0.0
            else:
                slack = float(product_up(lift, above(self.Delta[-1] / below(K * gamma2)))) if K and gamma2 > 0 else (
                    np.inf if K else 0.0)
        if not (np.isfinite(bound) and np.isfinite(slack)):
            return self._not_applicable("PC-9", statement, f"gamma = {gamma:.3g}: ((R + D)/gamma)^2 cannot be "
                                        "evaluated in float64 (a square overflows or underflows); rescale the data")
        start = f"; start w_0: <w_0, u> >= {self.along:.6g}, ||w_0||^2 <= {self.N0:.6g}" if self.started else ""
        return self._claim("PC-9", statement, values=[float(K)], bounds=[bound], slacks=[slack],
                           note=f"gamma = {gamma:.6g}, D <= {D:.6g} over {self.trace.n_iter} epoch(s) presented{start}")

    # --- PC-10: cycling --------------------------------------------------------
    def _cycling(self):
        statement = "integer data in a fixed order: the weights return to an earlier state (Block-Levin)"
        t, A = self.trace, self.A
        mantissa = np.finfo(self.X.dtype).nmant + 1
        if t.shuffled:
            return self._not_applicable("PC-10", statement, "the examples were shuffled: the state is not periodic")
        tests = A if self.c is None else moves(self.X, self.scale)   # the mistake tests' examples
        if not (np.array_equal(A, np.round(A)) and np.array_equal(tests, np.round(tests))):
            return self._not_applicable("PC-10", statement, "the data are not integers" + (
                "" if self.c is None else " (the examples and their weighted moves)"))
        if not np.array_equal(self.w0, np.round(self.w0)):
            return self._not_applicable("PC-10", statement, "the start w_0 is not an integer vector")
        # every weight is at most |w_0| + (K + 1) max |x| entrywise, every inner product that times the largest row sum
        entry = float(np.max(np.abs(self.w0))) + (self.K + 1) * float(np.max(np.abs(A)))
        largest = entry * float(np.max(np.sum(np.abs(tests), axis=1)))
        if largest >= 2.0**mantissa:
            return self._not_applicable("PC-10", statement, "integer sums may exceed the exact range of the precision")
        first_seen = {}
        for e, row in enumerate(t.epoch_weights):
            key = row.tobytes()
            if key in first_seen:
                a = first_seen[key]
                break
            first_seen[key] = e
        else:
            return self._not_applicable(
                "PC-10", statement, f"no repeated state within {t.n_iter} epochs (the theorem promises one later)")
        period, n_cycle = e - a, int(np.sum(t.mistakes[a:e]))
        w = np.array(t.epoch_weights[a])
        n = self.X.shape[0]
        buffers = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, self.X.dtype)
        for _ in range(period):
            _k.epoch(self.X, self.signs, self.c, self.scale, np.arange(n, dtype=np.int64), w, *buffers, 0)
        returns = bool(np.array_equal(w, t.epoch_weights[a]))
        note = (f"fixed point from epoch {a}: converged" if n_cycle == 0 else
                f"cycle of {period} epoch(s) with {n_cycle} update(s) from epoch {a}: the run never stops, "
                "so the data are not linearly separable")
        return Claim("PC-10", self.label + statement, float(period), float(t.n_iter), 0.0, returns, REFERENCE, note)


def _tol_fires_at(losses, tol, n_iter_no_change):
    """The epoch (1-based) at which scikit-learn's rule stops on these mean epoch losses: the
    ``n_iter_no_change``-th epoch in a row whose loss is above the best before it minus ``tol``;
    None if it never does."""
    best, without = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        without = without + 1 if loss > best - tol else 0
        best = min(best, loss)
        if without >= n_iter_no_change:
            return epoch
    return None
