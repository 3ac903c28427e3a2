"""Rate and order of convergence of a sequence, read off its own values.

A sequence :math:`x_t \\to x^*` converges with order :math:`q` and rate
:math:`C` when the errors :math:`e_t = |x_t - x^*|` satisfy
:math:`e_{t+1} \\approx C e_t^{q}` for large :math:`t`. The classes
(proofs/convergence.md, CV-2 to CV-5):

==============  ==================================================================
``sublinear``   ratios :math:`e_{t+1}/e_t \\to 1`; here :math:`e_t \\sim c\\, t^{-p}`
``linear``      ratios :math:`e_{t+1}/e_t \\to \\rho \\in (0, 1)`, order 1, rate :math:`\\rho`
``superlinear`` ratios :math:`\\to 0`: order 1 with vanishing ratios, or an order
                :math:`q > 1` other than 2
``quadratic``   order :math:`q = 2`
``finite``      the sequence becomes exactly constant while its convergence so far
                predicts a change above the noise floor (CV-6)
==============  ==================================================================

and ``undetermined`` when the evidence does not decide (too few values above the
noise floor, or a sequence that does not contract).
"""

import dataclasses
import math

import numpy as np

from classic._validation import check_not_iterator, check_numbers, counted
from classic.rounding import above, below, gamma
from classic.trace import Trace

__all__ = ["RateEstimate", "RateEvidence", "estimate_rate", "noise_floor", "ORDER_TOLERANCE", "GROWTH_STEP_RATIO",
           "GROWTH_EXPONENT", "POWER_LAW_SLACK", "FIXED_POINT_REASONS", "MIN_TAIL_SHARE"]

#: Half the distance between the orders 1 and 2 the classes separate, halved again:
#: an order estimate counts (is *resolved*) only when its rounding interval has at
#: most this half-width, so noise alone can never move an order-1 sequence past
#: 1 + ORDER_TOLERANCE, nor an order-2 one below 2 - ORDER_TOLERANCE (CV-4).
ORDER_TOLERANCE = 0.25

#: CV-4: a quantity grows without bound on the tail window only if its mean step over the
#: window's second half is at least this fraction of that over the first half. Over the halves
#: of [n/2, n], an approach to a finite limit g* - c t^-a (a > 0) gives at most
#: log(4/3)/log(3/2) = 0.71 (its value as a -> 0; 0.5 at a = 1, where t rho^t's ratios are),
#: growth like t^b gives (1 - 0.75^b)/(0.75^b - 0.5^b): 1 for b = 1, 0.75 at b = 0.16.
GROWTH_STEP_RATIO = 0.75

#: CV-4: the least b for which growth like t^b passes GROWTH_STEP_RATIO's test on [n/2, n]
#: ((1 - 0.75^b)/(0.75^b - 0.5^b) = 0.75 at b = 0.1604). A quantity grows without bound only if it
#: also grows across the window by at least the factor t^b gives there, ((t_end + 1)/(t_start + 1))^b
#: with t counted from the sequence's first value: less is an approach to a limit whose steps
#: shrink slowly on this window (ratios creeping toward a rate), not growth at its own time.
GROWTH_EXPONENT = 0.16

#: CV-4: the exponent p of a sublinear sequence is reported only when the scale its ratios imply,
#: U_t = 1/((1/r_t)^(1/p) - 1), grows by steady steps (a power law's grow by exactly 1): the two
#: halves' mean steps differ by at most this many times (p + 1)/(12 u²), the drift the
#: differences of a power law carry, at the tail start u (U there, and at least t + 1), plus
#: 1/(t + 1) for corrections of relative order 1/t where U grows at the sequence's own time
#: (GROWTH_EXPONENT), else 1/u, and their rounding.
POWER_LAW_SLACK = 4.0


#: CV-3: a rise (a ratio >= 1 beyond rounding) in the tail window moves the window's start past
#: it when at least this share of the ratios (and 4) follow it: a sequence that contracts over
#: its last quarter contracts, whatever it did before (EM's likelihood can speed up after a slow
#: stretch). A rise that recurs at least once every quarter of the run leaves it undetermined.
MIN_TAIL_SHARE = 0.25


#: CV-6: the stop reasons of traces whose run ended on a fixed point of the iteration (Lloyd's
#: repeated assignment, the perceptron's mistake-free epoch). A run stopped otherwise (tol,
#: max_iter, a stopping rule, a rounding cycle) was cut: its last value, given as the limit, is
#: where it stopped, not where it terminated.
FIXED_POINT_REASONS = ("converged", "mistake-free epoch")


def _frozen(array):
    array = np.array(array, dtype=np.float64, copy=True)
    array.setflags(write=False)
    return array


@dataclasses.dataclass(frozen=True, eq=False)
class RateEvidence:
    """What :func:`estimate_rate` saw. Arrays are read-only.

    Attributes
    ----------
    kind_of_order : {"COC", "ACOC"}
        ``"COC"`` when the limit was given (``values`` are errors
        :math:`|x_t - x^*|`), ``"ACOC"`` otherwise (``values`` are differences
        :math:`|x_{t+1} - x_t|`).
    values : ndarray of shape (n_values,)
        Errors or differences, every one of them (before the cut).
    noise_floor : ndarray of shape (n_values,)
        Rounding bound of each value (CV-1); a value at or below it is noise.
    first_used, n_used : int
        ``values[first_used:n_used]``, the values the class is decided on: the longest run of
        consecutive values above the noise floor (the later one on ties; CV-1). ``n_used`` is
        the cut, the first value at or below the floor after them (or the end).
    ratios, ratio_bounds : ndarray of shape (m - 1,), (m - 1, 2)
        Successive ratios :math:`s_{t+1}/s_t` of the m = ``n_used - first_used`` values used,
        and the interval the rounding leaves for each (CV-3); ``ratios[j]`` is
        ``values[first_used + j + 1] / values[first_used + j]``.
    orders, order_bounds : ndarray of shape (m - 2,), (m - 2, 2)
        Computational orders :math:`\\log(s_{t+2}/s_{t+1}) / \\log(s_{t+1}/s_t)`
        (COC or ACOC, CV-4) with their intervals.
    coc : ndarray or None
        Orders from the errors (known limit only).
    acoc : ndarray
        Orders from the differences (always).
    aitken_limits : ndarray of shape (n - 2,)
        Aitken :math:`\\Delta^2` extrapolations of the limit, NaN where the
        second difference is within its noise floor (CV-5).
    tail_start : int
        Index (into ``ratios``) of the first ratio of the tail window the class is decided on; for
        a linear class the window its rate is read from, which CV-3's settling test may have
        moved past a transient (the order and growth tests of CV-4 read the window before that).
    reason : str
        The rule that decided the class, in words.
    """

    kind_of_order: str
    values: np.ndarray
    noise_floor: np.ndarray
    first_used: int
    n_used: int
    ratios: np.ndarray
    ratio_bounds: np.ndarray
    orders: np.ndarray
    order_bounds: np.ndarray
    coc: np.ndarray | None
    acoc: np.ndarray
    aitken_limits: np.ndarray
    tail_start: int
    reason: str


@dataclasses.dataclass(frozen=True, eq=False)
class RateEstimate:
    """Result of :func:`estimate_rate`.

    Attributes
    ----------
    kind : str
        ``"sublinear"``, ``"linear"``, ``"superlinear"``, ``"quadratic"``,
        ``"finite"`` or ``"undetermined"``.
    order : float
        Estimated order :math:`q` (1 for sub- and linear, ``inf`` for finite
        termination, NaN when undetermined, and for a superlinear run whose orders have not
        settled: the last two resolved ones more than ``ORDER_TOLERANCE`` apart, CV-4).
    rate : float
        Linear: :math:`\\rho`. Sublinear: 1. Order-1 superlinear: the last
        ratio (the ratios tend to 0). Order :math:`q > 1`: the constant
        :math:`C` in :math:`e_{t+1} \\approx C e_t^q`. Finite: 0.
    exponent : float or None
        Sublinear only: :math:`p` in :math:`e_t \\sim c\\, t^{-p}`; None when the ratios rise
        to 1 but not as a power law's do (CV-4).
    rate_bounds : (float, float) or None
        Linear only: the span of the tail's resolved ratios, each with the interval rounding
        leaves it (CV-3): the exact ratios the rate is read from lie in it. Every tail ratio is
        within the order tolerance of ``rate`` (else the class is undetermined), but a limit the
        ratios still drift toward may lie outside.
    limit : float
        The given limit, else the last Aitken extrapolation (else the last value); a finite
        termination without a given limit: the constant it terminated at, the last value.
    terminated_at : int or None
        Finite termination: the first index of the constant tail.
    evidence : RateEvidence
    exponent_bounds : (float, float) or None
        With ``exponent``: the interval the rounding of the ratios and the allowance of the
        power-law test leave it: the p at which the mean step of the implied scale
        U_t = 1/((1/r_t)^(1/p) - 1) over the window, from the ends of the ratios' intervals, is
        1 -+ a, a = ``POWER_LAW_SLACK`` (p + 1)/(12 u²) plus 1/(t + 1) (or 1/u, where U barely
        grows on the window) at the tail start u (CV-4).
    """

    kind: str
    order: float
    rate: float
    exponent: float | None
    rate_bounds: tuple | None
    limit: float
    terminated_at: int | None
    evidence: RateEvidence
    exponent_bounds: tuple | None = None

    def __str__(self):
        parts = [f"{self.kind} termination" if self.kind == "finite" else f"{self.kind} convergence"]
        if self.kind in ("linear", "superlinear", "quadratic", "sublinear") and not math.isnan(self.order):
            parts.append(f"order {self.order:.3g}")
        if self.kind == "linear":
            parts.append(f"rate {self.rate:.4g}")
        if self.exponent is not None:
            parts.append(f"error ~ t^-{self.exponent:.3g}")
        if self.terminated_at is not None:
            parts.append(f"terminated at step {self.terminated_at}")
        return ", ".join(parts) + f" ({self.evidence.reason})"


def noise_floor(a, b, dtype=np.float64, value_error=0.0):
    """Rounding bound on a computed difference of two stored values (CV-1).

    .. math:: |\\mathrm{fl}(\\hat a - \\hat b) - (a - b)| \\le
              \\gamma_2 (|\\hat a| + |\\hat b|) + \\lambda + 2\\epsilon

    where :math:`\\hat a, \\hat b` are the stored (rounded) values,
    :math:`\\lambda` the smallest subnormal number (underflow) and
    :math:`\\epsilon` = ``value_error`` bounds any further error each value
    carries (e.g. :func:`classic.rounding.sum_error_bound` for an objective that
    is a sum).

    Parameters
    ----------
    a, b : array-like
        Stored values (broadcast together), finite.
    dtype : numpy.float16, numpy.float32 or numpy.float64
        Working precision.
    value_error : float or array-like
        Extra absolute error of each value beyond its final rounding, finite and >= 0.

    Returns
    -------
    ndarray

    Raises
    ------
    ValueError
        If a value or ``value_error`` is NaN or infinite (a stored value that is not finite
        has no rounding bound, and a NaN bound would silently fail every comparison), or
        ``value_error`` is negative.
    TypeError
        If they are not numbers, or ``dtype`` is not one of the three precisions above.
    """
    a, b, value_error = (check_numbers(values, f"noise_floor: {name}")
                         for name, values in (("a", a), ("b", b), ("value_error", value_error)))
    if np.any(value_error < 0):
        raise ValueError(f"noise_floor: value_error must be >= 0, got {value_error.min():.3g}")
    try:
        precision = None if dtype is None else np.dtype(dtype)
    except TypeError:
        precision = None
    if precision not in (np.float16, np.float32, np.float64):
        raise TypeError(f"noise_floor: dtype must be numpy.float16, numpy.float32 or numpy.float64, got {dtype!r}")
    try:
        np.broadcast_shapes(a.shape, b.shape, value_error.shape)
    except ValueError:
        raise ValueError(f"noise_floor: a, b and value_error must broadcast together, got shapes {a.shape}, "
                         f"{b.shape} and {value_error.shape}") from None
    with np.errstate(over="ignore"):  # a bound beyond float64 is inf: nothing is resolved against it
        return _noise_floor(a, b, precision, value_error)


def _noise_floor(a, b, dtype, value_error):
    """:func:`noise_floor` of finite float64 values, unchecked (the rate estimate's inner calls)."""
    a = np.abs(np.asarray(a, dtype=np.float64))
    b = np.abs(np.asarray(b, dtype=np.float64))
    tiny = float(np.finfo(dtype).smallest_subnormal)
    # gamma_3 rather than gamma_2 absorbs the rounding of this very evaluation (CV-1).
    # gamma_3 a + gamma_3 b, not gamma_3 (a + b): a + b overflows for values near the largest float.
    g = gamma(3, dtype)
    return g * a + g * b + tiny + 2.0 * np.asarray(value_error, dtype=np.float64)


def _as_sequence(sequence):
    """(values as float64, sense, the precision they were rounded to, the trace's error bounds
    on them or None)."""
    errors = None
    if isinstance(sequence, Trace):
        values, sense = np.asarray(sequence.objective), sequence.OBJECTIVE_SENSE
        errors = sequence.objective_error()
        n_iter = sequence.n_iter
        if n_iter > 0 and len(values) > n_iter + 1 and (len(values) - 1) % n_iter == 0:
            # Several half-steps per iteration (1 + m n_iter rows): read the
            # objective at the end of each iteration, rows 0, m, 2m, ...
            rows = slice(None, None, (len(values) - 1) // n_iter)
            values = values[rows]
            errors = None if errors is None else np.asarray(errors)[rows]
    elif isinstance(getattr(sequence, "trace_", None), Trace):  # a fitted estimator: its trace is meant
        raise TypeError(f"estimate_rate takes a trace or a sequence of numbers, got a fitted "
                        f"{type(sequence).__name__}: pass its trace_")
    elif hasattr(sequence, "fit") and hasattr(sequence, "get_params"):   # another library's estimator
        kind = type(sequence)
        raise TypeError(f"estimate_rate takes a trace or a sequence of numbers, got a {kind.__module__}."
                        f"{kind.__qualname__}, which records no trace: fit classic's estimator of that name, or "
                        "pass the objective's values per iteration")
    else:
        values, sense = sequence, None  # oriented by its net change, below
    check_not_iterator(values, "the sequence")
    try:
        x = np.asarray(values)
    except ValueError:  # a ragged nesting
        raise ValueError("the sequence must be 1-D, a list or array of numbers; got a ragged nesting") from None
    if x.dtype.kind == "O" and x.ndim == 1:  # Python ints beyond int64, Fractions, Decimals: as floats
        if any(isinstance(v, (bool, np.bool_)) for v in x):   # refused as an array of bools is, below
            raise TypeError("the sequence must be numeric, got a bool among its values")
        x = check_numbers(x, "the sequence")
    if x.dtype.kind not in "iuf":
        raise TypeError(f"the sequence must be numeric, got dtype {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"the sequence must be 1-D, got shape {x.shape}")
    if x.size < 2:
        raise ValueError(f"a rate needs at least 2 values, got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError("the sequence contains NaN or inf; cut it before the first non-finite value")
    # the precision the values were rounded to (integers and float64: float64's)
    dtype = x.dtype.type if x.dtype in (np.float16, np.float32) else np.float64
    if isinstance(sequence, Trace) and getattr(sequence, "dtype", None) == "float32":
        dtype = np.float32  # a float32 fit's objective, stored in float64, carries float32's rounding
    x = x.astype(np.float64)
    if sense is None:  # a plain sequence heads where it went: a rising one is maximised (CV-1)
        sense = "max" if x[-1] > x[0] else "min"
    return x, sense, dtype, errors


def _ratio_intervals(s, f, dtype):
    """Ratios s[t+1]/s[t] with their rounding intervals (CV-3); s > f > 0."""
    ratios = s[1:] / s[:-1]
    widen = gamma(6, dtype)  # the five roundings of each endpoint's own evaluation (CV-3)
    lo = (s[1:] - f[1:]) / (s[:-1] + f[:-1]) * (1 - widen)
    hi = (s[1:] + f[1:]) / (s[:-1] - f[:-1]) * (1 + widen)
    # and a float outward: an end below the normal range rounds by up to σ/2 absolute, which no factor moves
    return ratios, np.column_stack([below(lo), above(hi)])


def _order_intervals(ratios, bounds):
    """Orders log r[t+1] / log r[t] with intervals (CV-4); unbounded if a ratio may reach 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(ratios)
        orders = logs[1:] / logs[:-1]
        lo_log, hi_log = np.log(bounds[:, 0]), np.log(bounds[:, 1])
        contracting = (bounds[1:, 1] < 1) & (bounds[:-1, 1] < 1)
        lo = np.where(contracting, hi_log[1:] / lo_log[:-1], -np.inf)
        hi = np.where(contracting, lo_log[1:] / hi_log[:-1], np.inf)
    return orders, np.column_stack([lo, hi])


def _resolved_ratios(ratios, bounds):
    """CV-3: a ratio is resolved when its interval lies below 1 and pins its
    logarithm to within ORDER_TOLERANCE/2 relative. That does not make an order built from
    two of them resolved (two ratios of 0.5 pinned so give an order interval of half-width
    0.2519 > ORDER_TOLERANCE; an audit, 2026-12-06): CV-4 tests each order's own interval."""
    with np.errstate(divide="ignore", invalid="ignore"):
        half_width = (np.log(bounds[:, 1]) - np.log(bounds[:, 0])) / 2
        return (bounds[:, 1] < 1) & (half_width <= ORDER_TOLERANCE / 2 * np.abs(np.log(ratios)))


def _trend_points(g, bounds, steps):
    """The points of g (observed at the ratio indices ``steps``, with rounding intervals
    ``bounds``) that can show a trend, or None (CV-4). Points whose interval is wider than the
    mean step over the window cannot: they are left out. Those left must still span half the
    window: a trend seen on its first part only is an extrapolation (a ratio still drifting to
    its limit grows like that there), and there must be 3 of them."""
    if len(g) >= 2:
        span = steps[-1] - steps[0]
        mean_step = abs(g[-1] - g[0]) / max(span, 1)
        keep = (bounds[:, 1] - bounds[:, 0]) <= mean_step
        g, bounds, steps = g[keep], bounds[keep], steps[keep]
        if len(g) >= 2 and 2 * (steps[-1] - steps[0]) < span:
            return None
    return (g, bounds, steps) if len(g) >= 3 else None


def _half_steps(g, steps):
    """Mean steps of g over the first and the second half of its points."""
    mid = len(g) // 2
    return (g[mid] - g[0]) / (steps[mid] - steps[0]), (g[-1] - g[mid]) / (steps[-1] - steps[mid])


def _increasing_without_bound(g, bounds, steps):
    """CV-4: g (observed at the ratio indices ``steps``) never falls beyond rounding, grows across
    both halves of the window by more than rounding (on the points of :func:`_trend_points`),
    and its mean step in the second half is at least ``GROWTH_STEP_RATIO`` times that in the
    first (an approach to a finite limit, geometric or like a power of t, shrinks the steps by
    more; growth like t^0.16 or faster does not)."""
    points = _trend_points(g, bounds, steps)
    if points is None:
        return False
    g, bounds, steps = points
    if np.any(bounds[1:, 1] < bounds[:-1, 0]):
        return False  # it falls somewhere beyond rounding: noise, or an approach from above
    mid = len(g) // 2
    grows = bounds[mid, 0] > bounds[0, 1] and bounds[-1, 0] > bounds[mid, 1]
    first, second = _half_steps(g, steps)
    return bool(grows and second >= GROWTH_STEP_RATIO * first)


def _outgrows_its_time(g, bounds, steps, start):
    """CV-4: g (observed at the ratio indices ``steps``, the first ratio of the sequence's used run
    at step ``start``) grows across the window beyond rounding by at least the factor t^b gives,
    b = ``GROWTH_EXPONENT``, t + 1 counted from the sequence's first value (on the points of
    :func:`_trend_points`). For 0.9^t + 0.89^t over 60 steps, h = 1/(1 - r) creeps from 9.60
    to 9.67 (1.0074 times) where t^0.16 gives 1.11: an approach to 1/(1 - 0.9), not growth."""
    points = _trend_points(g, bounds, steps)
    return points is not None and _grows_with_time(points[1], points[2], start)


def _grows_with_time(bounds, steps, start):
    """The level test of :func:`_outgrows_its_time` on points already chosen (``bounds`` the
    rounding intervals of the quantity at the ratio indices ``steps``)."""
    factor = ((start + steps[-1] + 1.0) / (start + steps[0] + 1.0)) ** GROWTH_EXPONENT
    return bool(bounds[-1, 0] >= factor * bounds[0, 1])


def _rises_unresolved(g, bounds, steps):
    """CV-4: g rises across the window beyond rounding (its last interval lies above its first) and
    never falls beyond it, while no step of it is resolved (:func:`_trend_points` keeps too few
    points): the ratios do not settle within the window, and whether they settle later or rise
    to 1 cannot be told (a sublinear sequence near a large value, whose differences are mostly
    rounding, looks so: gradient descent on x^4 + 5)."""
    return bool(_trend_points(g, bounds, steps) is None and bounds[-1, 0] > bounds[0, 1]
                and not np.any(bounds[1:, 1] < bounds[:-1, 0]))


def _power_law(h, bounds, steps, start):
    """CV-4: the exponent p of s_t = c (t + c0)^-p, read exactly: such a sequence has the ratios
    r_t = (u/(u + 1))^p, u = t + c0, so the scale each ratio implies at p,
    U_t(p) = 1/((1/r_t)^(1/p) - 1) (:func:`_implied_scale`, from h = 1/(1 - r)), grows by exactly 1 a
    step. ``(p, p_low, p_high, drift, own_time)``: p makes U's mean step over the window 1;
    ``own_time`` is whether U, the power law's t + c0, grows at the sequence's own time
    (:func:`_grows_with_time` on U at h's trend points: c0 not far beyond the window); drift is None when U's mean
    steps over the two halves agree within ``POWER_LAW_SLACK`` (p + 1)/(12 u²), the relative drift
    the differences of a power law carry (CV-2), at the tail start u (U there, and at least t + 1
    with t = ``start`` + the first step index: c0 >= 1), plus 1/(t + 1) for corrections of
    relative order 1/t that real iterations carry (gradient descent on x^4 has
    e_t^-2 = 8 eta t + c + O(log t)) where U grows at the sequence's own time, else 1/u (a power
    law far from its origin, whose ratios barely move on the window, must be one to its own
    scale), plus their rounding; else h's mean steps over the two halves. [p_low, p_high] holds p
    for every sequence within the rounding intervals of h whose mean step of U is within that
    allowance of 1."""
    h, bounds, steps = _trend_points(h, bounds, steps)
    span = float(steps[-1] - steps[0])
    median_step = float(np.median(np.diff(h) / np.diff(steps)))
    guess = 1.0 / median_step if median_step > 0 else span / float(h[-1] - h[0])
    p = _increasing_root(lambda q: _implied_scale(h[-1], q) - _implied_scale(h[0], q) - span, guess)
    scale = _implied_scale(h, p)
    scale_low, scale_high = _implied_scale(bounds[:, 0], p), _implied_scale(bounds[:, 1], p)
    mid = len(h) // 2
    own_time = _grows_with_time(np.column_stack([scale_low, scale_high]), steps, start)
    first, second = _half_steps(scale, steps)
    width = scale_high - scale_low
    rounding = (width[0] + width[mid]) / (steps[mid] - steps[0]) + (width[mid] + width[-1]) / (steps[-1] - steps[mid])
    u = max(start + steps[0] + 1.0, float(scale[0]))
    corrections = 1.0 / (start + steps[0] + 1.0 if own_time else u) + POWER_LAW_SLACK * (p + 1) / (12 * u * u)
    drift = None if abs(second - first) <= corrections + rounding else tuple(float(v) for v in _half_steps(h, steps))
    # the exponent's interval: the p at which the widest (narrowest) mean step of U the rounding
    # intervals of h allow is 1 - corrections (1 + corrections)
    p_low = _increasing_root(lambda q: _implied_scale(bounds[-1, 1], q) - _implied_scale(bounds[0, 0], q)
                             - span * (1 - corrections), p)
    narrowest = lambda q: _implied_scale(bounds[-1, 0], q) - _implied_scale(bounds[0, 1], q) - span * (1 + corrections)
    p_high = _increasing_root(narrowest, p) if bounds[-1, 0] > bounds[0, 1] else math.inf
    return p, p_low, p_high, drift, own_time


def _implied_scale(h, p):
    """CV-4: the scale u = t + c0 at which s_t = c u^-p has the ratio r = 1 - 1/h: inverting
    r = (1 + 1/u)^-p, u = 1/((1/r)^(1/p) - 1) = 1/expm1(-log1p(-1/h)/p); increasing in h. For a
    power law it grows by exactly 1 a step at the true p; its expansion, h = u/p + (p + 1)/(2p) +
    (p² - 1)/(12 p u) + ..., is not needed, and neither is an allowance for its truncation
    (which grows like (p/u)² and admitted ratios creeping toward 0.9 as t^-409; CV-4)."""
    with np.errstate(over="ignore", divide="ignore"):
        return 1.0 / np.expm1(-np.log1p(-1.0 / np.asarray(h, dtype=np.float64)) / p)


def _increasing_root(f, guess):
    """The root of f, increasing on (0, inf) from below 0 to above 0 (else inf or 0 where it
    does not cross), by bisection in log p from ``guess``, to the last bit. ``guess`` must be
    positive and finite (the callers' 1/median step of h and span/growth of h are)."""
    low = high = guess
    for _ in range(2100):  # doubling from any float reaches either end of the range
        if f(low) < 0:
            break
        low /= 2
    else:
        return 0.0
    for _ in range(2100):
        if not f(high) < 0:
            break
        high *= 2
    else:
        return math.inf
    while True:
        middle = math.sqrt(low) * math.sqrt(high)
        if not low < middle < high:
            return high
        if f(middle) < 0:
            low = middle
        else:
            high = middle


def _classify(s, f, dtype, start=0):
    """Class of a positive sequence s (all above its floor f), as a dict of
    the RateEstimate fields and the evidence; s[0] is the value at step ``start``."""
    # A ratio that overflows is +inf ("not contracting", which is what it means); an interval
    # end that underflows to 0 makes 1/end infinite and its width NaN ("unresolved": every
    # comparison with NaN is False, so it is left out).
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return _classify_positive(s, f, dtype, start)


def _classify_positive(s, f, dtype, start):
    if len(s) < 3:
        out = dict(ratios=s[1:] / s[:-1], ratio_bounds=np.full((max(len(s) - 1, 0), 2), np.nan),
                   orders=np.empty(0), order_bounds=np.empty((0, 2)), tail_start=0)
        return _run("undetermined", math.nan, math.nan, f"only {counted(len(s), 'value')} above the noise floor (need 3)", out)
    ratios, rb = _ratio_intervals(s, f, dtype)
    orders, ob = _order_intervals(ratios, rb)
    # The last half of the ratios, and at least 4: the growth tests need 3 resolved points
    # and the last one is often lost to the noise floor.
    # The half is of the ratios up to the last resolved one: ratios past it are at the noise floor and
    # read nothing, and a window of them kept a steep power law's rise out of sight (an audit, 2026-12-06).
    readable = np.flatnonzero(_resolved_ratios(ratios, rb))
    n_read = int(readable[-1]) + 1 if readable.size else len(ratios)
    tail = max(0, n_read - max(4, math.ceil(n_read / 2)))
    rising = np.nonzero(rb[tail:, 0] >= 1)[0]
    if rising.size:
        # A rise beyond rounding in the window: the tail starts after the last one, if what follows
        # still makes a window (MIN_TAIL_SHARE of the ratios, and 4); else the sequence does not
        # contract (a periodic rise recurs within any such window).
        after = tail + int(rising[-1]) + 1
        if len(ratios) - after < max(4, math.ceil(MIN_TAIL_SHARE * len(ratios))):
            out = dict(ratios=ratios, ratio_bounds=rb, orders=orders, order_bounds=ob, tail_start=tail)
            return _run("undetermined", math.nan, math.nan,
                        f"not contracting: ratio {after - 1} is >= 1 beyond rounding, and only "
                        f"{len(ratios) - after} of the {len(ratios)} ratios follow it", out)
        tail = after
    out = dict(ratios=ratios, ratio_bounds=rb, orders=orders, order_bounds=ob, tail_start=tail)
    # Orders in the tail (q_t uses ratios t and t+1); the latest resolved one decides, provided
    # at least two are resolved and every resolved one exceeds 1 + ORDER_TOLERANCE (a single
    # order is one coincidence away from anything: 1.92, 1.91, 1.0 gives q = 79).
    # The last two resolved orders must also agree within ORDER_TOLERANCE: an order still moving
    # (a short run's pre-asymptotic bias, CV-2, or the last order spoilt by noise) is not read, and
    # the ratios decide, with the order left unread (an audit, 2026-12-06: squaring from 0.5 read from
    # its differences gave orders 4.04, 2.33 and "superlinear, order 2.33").
    tail_orders = np.arange(tail, len(orders))
    resolved = tail_orders[(ob[tail_orders, 1] - ob[tail_orders, 0]) <= 2 * ORDER_TOLERANCE]
    unsettled = None
    if resolved.size >= 2 and np.all(orders[resolved] >= 1 + ORDER_TOLERANCE):
        i = int(resolved[-1])
        q, before = float(orders[i]), float(orders[resolved[-2]])
        if abs(q - before) > ORDER_TOLERANCE:
            unsettled = (before, q)
        else:
            rate = _order_constant(float(s[i + 2]), float(s[i + 1]), q)
            if abs(q - 2) <= ORDER_TOLERANCE:
                return _run("quadratic", q, rate, f"order {q:.3g} within {ORDER_TOLERANCE} of 2", out)
            return _run("superlinear", q, rate, f"order {q:.3g} > 1 + {ORDER_TOLERANCE}", out)
    # Order 1: do the resolved tail ratios tend to 0, to 1, or to rho in between?
    keep = tail + np.nonzero(_resolved_ratios(ratios[tail:], rb[tail:]))[0]
    if keep.size == 0:
        bounds = rb[tail:]
        if np.all(bounds[:, 1] >= 1) and np.all(bounds[:, 1] - bounds[:, 0] <= ORDER_TOLERANCE * bounds[:, 0]):
            # read to within their rounding, and none below 1: x_t = t (ratios 1) is not at its noise floor (an audit)
            return _run("undetermined", math.nan, math.nan, f"not contracting: every tail ratio is 1 or more within "
                        f"rounding (the last {float(ratios[-1]):.6g}): the changes do not shrink", out)
        return _run("undetermined", math.nan, math.nan, "no tail ratio is resolved above the noise floor", out)
    r, b = ratios[keep], rb[keep]
    inverse, inverse_bounds = 1 / r, 1 / b[:, ::-1]
    if _increasing_without_bound(inverse, inverse_bounds, keep) and _outgrows_its_time(inverse, inverse_bounds,
                                                                                         keep, start):
        if unsettled is not None:
            return _run("superlinear", math.nan, float(r[-1]), "ratios fall to 0: 1/ratio grows without bound; the "
                        f"order is not read: the last two resolved orders, {unsettled[0]:.3g} and {unsettled[1]:.3g}, "
                        f"differ by more than {ORDER_TOLERANCE} (a short run, or noise: give the limit, more values "
                        "or value_error)", out)
        return _run("superlinear", 1.0, float(r[-1]), "ratios fall to 0: 1/ratio grows without bound", out)
    h, h_bounds = 1 / (1 - r), 1 / (1 - b)
    if _increasing_without_bound(h, h_bounds, keep):
        repeats = int(np.count_nonzero(ratios[keep[0]:keep[-1]] == 1))
        if repeats:
            # a staircase: the readings of h assume that every step contracts (CV-4)
            return _run("undetermined", math.nan, math.nan, f"the ratios rise toward 1, but the values repeat exactly "
                        f"at {repeats} of the {int(keep[-1] - keep[0])} steps between the first and the last ratio "
                        "read: a staircase (a value logged every few steps?) has no rate per step; read it on its "
                        "own index", out)
        p, p_low, p_high, drift, own_time = _power_law(h, h_bounds, keep, start)
        if drift is None and own_time:
            return _run("sublinear", 1.0, 1.0, "ratios rise to 1: 1/(1 - ratio) grows linearly", out, exponent=p,
                        exponent_bounds=(p_low, p_high))
        if drift is None:
            # a power law far from its origin, whose ratios barely move on the window, and ratios creeping
            # toward a rate below 1: the steps of the implied scale fit both (CV-4)
            u, t = float(_implied_scale(h[0], p)), start + int(keep[0])
            return _run("undetermined", math.nan, math.nan, f"the ratios rise from {r[0]:.6g} to {r[-1]:.6g} as a "
                        f"power law t^-{p:.3g} far from its origin would (its scale {u:.3g} at step {t}), and as "
                        "ratios creeping toward a rate below 1 do: the scale grows by less than the sequence's own "
                        f"time (t^{GROWTH_EXPONENT}), and the window cannot tell sublinear from linear", out)
        # the level test of h without its 1, r/(1 - r), which starts from 0 as the ratios do: the 1 hides the
        # growth of h where the ratios are small (exp(-10 t^0.7), ratios 0.17 to 0.24). h that grows by less
        # (ratios creeping toward a rate below 1) goes to the linear test (CV-4)
        if _outgrows_its_time(r / (1 - r), b / (1 - b), keep, start):
            if drift[1] > drift[0]:
                # as a sequence that levels off above 0 does: no convergence is shown (CV-4)
                return _run("undetermined", math.nan, math.nan, "ratios rise to 1, and 1/(1 - ratio) grows faster "
                            f"than t (mean steps {drift[0]:.3g}, then {drift[1]:.3g}): the values decay more slowly "
                            "than any power of t, or level off above 0", out)
            return _run("sublinear", 1.0, 1.0, "ratios rise to 1, but 1/(1 - ratio) grows more slowly than t: the "
                        f"values decay faster than any power of t (mean steps {drift[0]:.3g}, then "
                        f"{drift[1]:.3g}), not as a power law t^-p", out)
    if _rises_unresolved(h, h_bounds, keep):
        if keep.size < 3:  # _trend_points asks for 3 points: two ratios cannot show a trend, however resolved
            return _run("undetermined", math.nan, math.nan, f"ratios rise toward 1 beyond rounding, but only "
                        f"{keep.size} are read: too few to tell whether they settle (linear) or keep rising "
                        "(sublinear); give more values", out)
        return _run("undetermined", math.nan, math.nan, "ratios rise toward 1 beyond rounding across the tail, but "
                    "by steps each below its own rounding: neither seen to settle (linear) nor to grow as a "
                    "power law (sublinear)", out)
    return _settled(ratios, rb, tail, keep, out)


def _order_constant(after, before, q):
    """C = after / before**q, from logarithms where before**q under- or overflows (a quadratic
    sequence scaled by 2**-600 gave C = inf, and its next value predicted NaN; an audit,
    2026-12-05): the same number wherever the direct quotient is finite and nonzero."""
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        power = np.float64(before) ** q  # NumPy's power: inf where it overflows (Python's float raises)
        constant = float(after / power) if 0.0 < power < math.inf else math.nan
    if 0.0 < constant < math.inf:
        return constant
    log_constant = math.log(after) - q * math.log(before)
    return math.exp(log_constant) if log_constant < math.log(np.finfo(np.float64).max) else math.inf


def _settled(ratios, rb, tail, keep, out):
    """CV-3: the linear class, if the ratios settle. rho is the median of the resolved tail ratios ``keep``
    (of an even count, the lower middle one); a tail ratio is *apart* when its interval (rigorous: the
    exact ratio lies in it) misses [rho^(1 + tol), rho^(1 - tol)]. The window then restarts after the
    last ratio apart, with rho taken again there, when what follows it is a stretch of its own: at least
    4 ratios, more than the longest run between two ratios apart in the window (a pattern that recurs is
    no transient), and, after a *stall* (a ratio above sqrt(rho): under half rho's contraction, in log),
    the share of the ratios a rise needs (MIN_TAIL_SHARE, and 4), as after a rise. Ratios that pass
    through a transient first (EM's, after a slow stretch) settle on the later stretch. Otherwise the
    class is undetermined: ratios that alternate, or changes that stay equal between a few that shrink,
    do not settle."""
    share = max(4, math.ceil(MIN_TAIL_SHARE * len(ratios)))
    while True:
        r = ratios[keep]
        i = int(keep[np.argsort(r, kind="stable")[(len(r) - 1) // 2]])
        rho = float(ratios[i])
        band = (rho ** (1 + ORDER_TOLERANCE), rho ** (1 - ORDER_TOLERANCE))
        window = np.arange(tail, len(ratios))
        above = window[rb[window, 0] > math.sqrt(rho)]  # stalls: contracting at under half rho's log rate
        apart = window[(rb[window, 1] < band[0]) | (rb[window, 0] > band[1])]
        if apart.size == 0:
            break
        j = int(apart[-1])
        after = j + 1
        needed = max(4, int(np.max(np.diff(apart), initial=0)))  # longer than any run between two apart
        stalled = above.size and len(ratios) - 1 - int(above[-1]) < share  # a stall, with too few after it
        later = keep[keep >= after]
        if len(ratios) - after < needed or stalled or later.size == 0:
            if later.size == 0 and len(ratios) - after >= needed and not stalled:
                reason = (f"the ratios do not settle: ratio {j} is {ratios[j]:.4g}, outside [{band[0]:.4g}, "
                          f"{band[1]:.4g}] about the median tail ratio {rho:.4g} (order tolerance "
                          f"{ORDER_TOLERANCE}), and no ratio after it is resolved")
            elif rb[j, 1] >= 1:
                reason = (f"not contracting: ratio {j} is {ratios[j]:.4g}, its rounding interval reaching 1, beside "
                          f"a median contracting ratio of {rho:.4g}: the values do not shrink at one rate")
            else:
                reason = (f"the ratios do not settle: ratio {j} is {ratios[j]:.4g} (within [{rb[j, 0]:.4g}, "
                          f"{rb[j, 1]:.4g}]), outside [{band[0]:.4g}, {band[1]:.4g}] about the median tail ratio "
                          f"{rho:.4g} (order tolerance {ORDER_TOLERANCE}), and {len(ratios) - after} of the "
                          f"{len(ratios)} ratios follow it" + (
                              f", fewer than the {needed} a settled stretch needs" if len(ratios) - after < needed
                              else f"; ratio {int(above[-1])}, a stall above sqrt(rho), has fewer than {share} after "
                                   "it"))
            return _run("undetermined", math.nan, math.nan, reason, out)
        tail, keep = after, later
        out["tail_start"] = tail
    b = rb[keep]
    return _run("linear", 1.0, rho, f"ratios settle at {rho:.4g} (median of the tail)", out,
                rate_bounds=(float(np.min(b[:, 0])), float(np.max(b[:, 1]))))


def _run(kind, order, rate, reason, evidence, exponent=None, rate_bounds=None, exponent_bounds=None):
    return dict(kind=kind, order=order, rate=rate, reason=reason, exponent=exponent, rate_bounds=rate_bounds,
                exponent_bounds=exponent_bounds, **evidence)


def _aitken(x, dtype, value_error):
    """Aitken's Δ² extrapolations x_t - (Δx_t)² / Δ²x_t (CV-5)."""
    if len(x) < 3:
        return np.empty(0)
    first = x[1:-1] - x[:-2]  # finite: estimate_rate refuses changes that overflow
    with np.errstate(over="ignore", invalid="ignore"):
        second = x[2:] - 2 * x[1:-1] + x[:-2]
        # 2 x overflows for values beyond half the largest float: there, the difference of the changes
        # (itself infinite when the changes alternate near the largest float: no extrapolation then)
        second = np.where(np.isfinite(second), second, (x[2:] - x[1:-1]) - first)
    floor = (2 * _noise_floor(x[2:], x[1:-1], dtype, value_error)
             + 2 * _noise_floor(x[1:-1], x[:-2], dtype, value_error))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # discarded where below the floor
        limits = x[:-2] - first**2 / second
        # first^2 overflows for changes beyond 1e154: there, first (first / second)
        limits = np.where(np.isfinite(limits), limits, x[:-2] - first * (first / second))
    return np.where(np.abs(second) > floor, limits, np.nan)


def _used_run(s, f):
    """The values the class is decided on (CV-1): the longest run of consecutive values above
    their floor, the later one on ties, as ``(first, stop)``; ``(len(s), len(s))`` when there is
    none. A value at or below the floor is indistinguishable from 0: the sequence reached its
    limit within rounding, or passed through it (a turn, or a crossing of the limit), after
    which its tail starts afresh."""
    above = np.concatenate([[False], s > f, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(above))
    starts, stops = edges[0::2], edges[1::2]
    if starts.size == 0:
        return len(s), len(s)
    lengths = stops - starts
    i = len(lengths) - 1 - int(np.argmax(lengths[::-1]))
    return int(starts[i]), int(stops[i])


def _first_at_or_below(s, f):
    below = np.nonzero(s <= f)[0]
    return int(below[0]) if below.size else len(s)


def estimate_rate(sequence, limit=None, *, value_error=None):
    """Estimate the rate and order of convergence of a sequence or a trace.

    With :math:`s_t` the errors :math:`|x_t - x^*|` (``limit`` given) or the
    differences :math:`|x_{t+1} - x_t|` (no limit; for order-:math:`q`
    convergence with :math:`q \\ge 1` and :math:`\\rho < 1` they shrink like
    the errors), the evidence is

    .. math::

        r_t = \\frac{s_{t+1}}{s_t}, \\qquad
        q_t = \\frac{\\log(s_{t+2}/s_{t+1})}{\\log(s_{t+1}/s_t)}, \\qquad
        \\hat x^*_t = x_t - \\frac{(x_{t+1}-x_t)^2}{x_{t+2} - 2x_{t+1} + x_t}

    (successive ratios; computational order of convergence, COC from errors
    and ACOC from differences; Aitken's :math:`\\Delta^2` extrapolation),
    computed only on the longest run of values above the floating-point noise
    floor of :func:`noise_floor` (CV-1) and each with the interval rounding
    leaves it. The class is decided on the tail window (the last half of the
    ratios up to the last resolved one; it starts after the last ratio >= 1 beyond rounding in there when a
    quarter of the ratios, and at least 4, follow it, and the class is undetermined otherwise): resolved
    orders all :math:`\\ge 1.25`,
    the last two within 0.25 of each other, give ``quadratic``
    (:math:`|q - 2| \\le 0.25`) or ``superlinear``; otherwise ratios that fall
    to 0 (:math:`1/r_t` never falls and grows by steps that do not decay) give
    ``superlinear``, ratios that rise to 1 (the same for :math:`1/(1-r_t)`;
    for :math:`e_t = c(t+t_0)^{-p}` its step tends to :math:`1/p`, which gives
    the exponent when the steps are steady; steps that grow, as for values that level
    off above the limit, leave it ``undetermined``) give ``sublinear``, and settled
    ratios give ``linear`` with rate :math:`\\rho` = the median tail ratio (of an even count, the
    lower of the two middle ones: a ratio of the sequence): every tail
    ratio's interval must meet :math:`[\\rho^{1.25}, \\rho^{0.75}]` (ORDER_TOLERANCE), or the
    window restarts after the last one that does not, when a stretch of its own follows
    (a transient); else the class is ``undetermined`` (ratios that alternate, stall, or
    changes that stay equal between a few that shrink, do not settle).
    Without the limit, changes that decay no faster than :math:`1/t` leave the
    class ``undetermined``: their sum need not converge. See
    proofs/convergence.md, CV-1 to CV-6.

    Growth of :math:`1/r_t` or :math:`h_t` counts only when it is also growth at the sequence's
    own time: by at least the factor :math:`t^{0.16}` gives across the window, t counted from
    the first value given (``GROWTH_EXPONENT``). Less is ratios creeping toward a rate, which
    the linear test reads (two geometric modes of close rates: :math:`0.9^t + 0.89^t`, gradient
    descent on an ill-conditioned quadratic), or a power law far from its origin
    (:math:`(t + 1000)^{-2}` over 60 steps), which no window tells from such a creep: where the
    ratios fit both, the class is ``undetermined`` and the reason gives the power law's exponent.
    A finite window still cannot tell every slow drift from a limit (CV-4):
    :math:`e^{-(t+10)^{0.8}}` reads ``linear`` on a short window, and so do superlinear ratios
    far from their origin (:math:`r_t = 50/(t + 1000)`); :math:`e^{-0.001 t^2}` over 100
    values (ratios from 0.9 to 0.82) reads ``undetermined``, as does a staircase (values
    repeated exactly between steps, as when logged every fifth step); a geometric approach
    with much of its growth still ahead (:math:`0.99^t + 0.98^t` over t = 0..200) reads
    ``sublinear`` without an exponent, and ratios far below 1 that rise steadily read as a
    steep power law
    (``GaussianMixture(5, random_state=1, tol=0, max_iter=500)`` on iris: :math:`t^{-68}`, its
    ratios 0.73 to 0.77). Found by an audit (2026-12-06) and not removed:
    noise beyond the final rounding that ``value_error`` does not declare can give a wrong class
    with no warning (:math:`(1 + 1/k)(1 + 10^{-8}\\varepsilon_k)` over 100 values: ``linear``,
    0.976; values rounded to float32 but given as float64: ``finite``), so declare it; and
    without the limit, the order read from differences (ACOC) on a short run carries a bias
    that fades (:math:`e_{t+1} = e_t^{1.5}`: 1.66 from seven values, 1.51 from ten), so give the
    limit where it is known. Orders that have not settled, the last two resolved ones more than
    ``ORDER_TOLERANCE`` apart, are not read (``superlinear`` with order NaN where the ratios
    fall to 0: squaring from 0.5 read from five differences gave orders 4.04, 2.33 and was
    "superlinear, order 2.33" until that audit). Look at ``evidence.ratios`` before trusting
    such a verdict.

    Parameters
    ----------
    sequence : Trace or array-like of shape (n,)
        A trace (its ``objective`` is used, read at the end of each iteration
        when it records ``m`` half-steps per iteration, ``1 + m n_iter`` rows;
        ``OBJECTIVE_SENSE`` orients it) or
        a 1-D sequence of finite numbers (oriented by its net change: one whose last value
        exceeds its first is taken to rise to its limit, as a likelihood does). float32
        (float16) data uses float32's (float16's) unit roundoff, and so does the trace of a
        float32 fit (its objective is stored in
        float64, but carries float32's rounding).
    limit : float, optional
        The known limit :math:`x^*`. Without it, the differences are used. A sequence whose
        last value is exactly the limit has terminated there (CV-6), unless it is the trace
        of a run that was cut (stopped by ``tol``, ``max_iter`` or a stopping rule: its stop
        reason is not in ``FIXED_POINT_REASONS``), whose last value is where it stopped.
    value_error : float or array-like of shape (n,), optional
        Absolute error each value may carry beyond its final rounding (for an objective
        computed as a sum of ``m`` terms, e.g.
        ``classic.rounding.sum_error_bound(m, sum_abs_terms, dtype)``); it raises the noise
        floor. An array has one entry per value read: for a trace with half-steps (k-means),
        the ``n_iter + 1`` values at the ends of iterations, not ``len(trace.objective)``.
        By default, a trace's own bounds (:meth:`~classic.trace.Trace.objective_error`:
        EM-6's for ``GaussianMixture``, ρ_F F̂ + 3τ for ``KMeans``; the perceptron's counts are
        exact) and 0 for a plain sequence; a value given replaces them.

    Returns
    -------
    RateEstimate
    """
    x, sense, dtype, trace_error = _as_sequence(sequence)
    if value_error is None:  # a trace's own bounds (CV-1), else none beyond the final rounding; a bound that
        # is infinite (EM-6's, where a density may overflow) puts its value at the floor: it decides nothing
        value_error = np.asarray(0.0 if trace_error is None else trace_error, dtype=np.float64)
    else:
        value_error = check_numbers(value_error, "value_error")  # a TypeError for strings, NaN: a ValueError
    if np.any(value_error < 0):
        raise ValueError(f"value_error must be non-negative, got {value_error.min():.3g}")
    if isinstance(limit, (bool, np.bool_)):
        raise TypeError(f"limit must be a number, the sequence's limit, or None; got {limit!r}")
    if limit is not None:
        limit_value = check_numbers(limit, "limit")
        if limit_value.ndim:
            raise ValueError(f"limit must be one number, the sequence's limit; got shape {limit_value.shape}")
        limit_value = float(limit_value)
    if value_error.ndim and value_error.shape != x.shape:
        raise ValueError(f"value_error must be a scalar or have the sequence's shape {x.shape}")
    error_of = (lambda sl: value_error[sl]) if value_error.ndim else (lambda sl: value_error)
    # Orient so that the theorem says "non-increasing" (CV-1 is sign-blind).
    y = -x if sense == "max" else x

    with np.errstate(over="ignore"):
        differences = np.abs(np.diff(y))
        errors = None if limit is None else np.abs(y - (-limit_value if sense == "max" else limit_value))
    for name, values in (("changes", differences), ("distances to the limit", errors)):
        if values is not None and not np.all(np.isfinite(values)):
            raise ValueError(f"the sequence's {name} overflow float64 (its values run from {x.min():.3g} to "
                             f"{x.max():.3g}{'' if limit is None else f', the limit is {limit_value:.3g}'}): "
                             "rescale the sequence (and the limit) by a power of two")
    difference_floor = _noise_floor(y[1:], y[:-1], dtype,
                                    np.maximum(error_of(slice(1, None)), error_of(slice(None, -1))))
    aitken = _aitken(x, dtype, value_error if value_error.ndim == 0 else value_error.max())
    first_d, stop_d = _used_run(differences, difference_floor)
    acoc_run = _classify(differences[first_d:stop_d], difference_floor[first_d:stop_d], dtype, first_d)

    if limit is None:
        kind_of_order, s, f, run, first_used, n_used = "ACOC", differences, difference_floor, acoc_run, first_d, stop_d
        finite_limits = aitken[np.isfinite(aitken)]
        limit_value = float(finite_limits[-1]) if finite_limits.size else float(x[-1])
    else:
        target = -limit_value if sense == "max" else limit_value
        s = errors
        f = _noise_floor(y, target, dtype, error_of(slice(None)))
        kind_of_order = "COC"
        first_used, n_used = _used_run(s, f)
        run = _classify(s[first_used:n_used], f[first_used:n_used], dtype, first_used)
    kind, order, rate, exponent, reason = (run[k] for k in ("kind", "order", "rate", "exponent", "reason"))
    rate_bounds, exponent_bounds = run["rate_bounds"], run["exponent_bounds"]
    if kind == "undetermined" and kind_of_order == "ACOC" and reason.startswith("only "):
        # runs of changes cut by exact repeats (an audit, 2026-12-06: np.repeat(1 + 0.5^t, 2) was "only 1 value
        # above the noise floor")
        moved = np.flatnonzero(differences != 0)
        repeats = int(np.count_nonzero(differences[moved[0]:moved[-1]] == 0)) if moved.size >= 3 else 0
        if repeats:
            reason = (f"{reason}: the values repeat exactly at {repeats} of the {int(moved[-1] - moved[0])} steps "
                      "between the first and the last change, so no run of changes is long enough; a staircase (a "
                      "value logged every few steps?) has no rate per step: read it on its own index")
    if kind == "undetermined" and kind_of_order == "ACOC" and "far from its origin" in reason:
        reason = f"the changes: {reason} (the values' exponent is one less)"
    if kind == "sublinear" and kind_of_order == "ACOC":
        # differences decay one power faster than errors (CV-2), and only a power above 1 makes
        # their sum, the distance still to go, finite (CV-4)
        if exponent is None:
            # not a power law, and h grew more slowly than t (faster, _classify left it undetermined):
            # changes that decay faster than any power of t have a finite sum, and the distance still
            # to go, that sum, decays faster than any power too (CV-2)
            reason = (f"the changes' {reason.replace('the values decay', 'they decay')}; so their sum converges, "
                      "and the values approach their limit faster than any power of t too")
        elif not run["exponent_bounds"][0] > 1.0:
            kind, reason = "undetermined", (f"the changes decay like t^-{exponent:.3g}, no faster than 1/t within "
                                            "rounding: their sum, and the sequence, need not converge")
            exponent, exponent_bounds = None, None
            order, rate, rate_bounds = math.nan, math.nan, None
        else:
            exponent, exponent_bounds = exponent - 1.0, (exponent_bounds[0] - 1.0, exponent_bounds[1] - 1.0)

    # Finite termination (CV-6): exactly constant from T on (without the limit), or
    # exactly at the limit from T on (with it), entered by a change above the floor
    # that the convergence so far predicts to continue.
    terminated_at = None
    if limit is None:
        values, floors, model = differences, difference_floor, acoc_run
        last = len(x) - 2  # at least one repeated value
    else:
        values, floors, model = s, f, run
        # the last value may be the first one at the limit: Lloyd's fixed point. Not in a trace its
        # run cut (a tol, max_iter or stopping rule): its last value at the limit is where it stopped.
        cut = isinstance(sequence, Trace) and sequence.stop_reason not in FIXED_POINT_REASONS
        last = len(x) - (2 if cut else 1)
    nonzero = np.nonzero(values != 0)[0]
    T = int(nonzero[-1]) + 1 if nonzero.size else 0
    if T <= last and _first_at_or_below(values, floors) == T:  # T = 0: the sequence never moved
        predicted = _predict_next(values[:T], model)  # model was fitted on exactly values[:T]
        if not predicted <= floors[T]:
            kind, order, rate, exponent, rate_bounds, terminated_at = "finite", math.inf, 0.0, None, None, T
            exponent_bounds = None
            limit_value = float(x[-1]) if limit is None else limit_value
            what = "exactly constant" if limit is None else "exactly at the limit"
            if T == 0:
                reason = (f"{what} from the first value: nothing changed, so there is no convergence to "
                          "classify: a run that started at its fixed point")
            elif math.isinf(predicted):  # no model: too few values above the floor, or no class and no contraction
                # the model's own reason says why there is none (an audit, 2026-12-06: float32 values of 1 + 0.5^t
                # given as float64, 22 ratios of exactly 0.5, were said to "show no convergence")
                reason = (f"{what} from step {T}; the values above the floor before it ({T}) give no model of "
                          f"convergence that would have reached the noise floor {floors[T]:.3g} instead "
                          f"({model['reason']})")
            else:
                reason = (f"{what} from step {T}; the last value above the floor, {values[T - 1]:.3g}, predicted "
                          f"a next one of {predicted:.3g}, above the noise floor {floors[T]:.3g}")
    passed = None if limit is None else _passes(y, target, f, difference_floor)
    if passed is not None:
        kind, order, rate, exponent, exponent_bounds, rate_bounds, terminated_at = (
            "undetermined", math.nan, math.nan, None, None, None, None)
        reason = (f"the values pass the limit given at step {passed} and stay beyond it, never rising beyond "
                  "rounding: a sequence that goes on so does not converge to a value it has passed (CV-1)")
    evidence = RateEvidence(
        kind_of_order=kind_of_order,
        values=_frozen(s),
        noise_floor=_frozen(f),
        first_used=first_used,
        n_used=n_used,
        ratios=_frozen(run["ratios"]),
        ratio_bounds=_frozen(run["ratio_bounds"]),
        orders=_frozen(run["orders"]),
        order_bounds=_frozen(run["order_bounds"]),
        coc=_frozen(run["orders"]) if kind_of_order == "COC" else None,
        acoc=_frozen(acoc_run["orders"]),
        aitken_limits=_frozen(aitken),
        tail_start=run["tail_start"],
        reason=reason,
    )
    return RateEstimate(kind, float(order), float(rate), exponent, rate_bounds, limit_value, terminated_at, evidence,
                        exponent_bounds if exponent is not None else None)


def _passes(y, target, floors, difference_floors):
    """CV-1: the first step at which ``y`` (oriented so that it should not increase) lies below the
    limit ``target`` beyond rounding, when it never rises beyond rounding and its last value lies
    below the limit too: it has passed the limit and moves on away from it. None otherwise (also for
    a sequence that rises somewhere: one that oscillates about its limit crosses it legitimately)."""
    if np.any(np.diff(y) > difference_floors):
        return None
    below = np.flatnonzero(y - target < -floors)
    if below.size == 0 or below[-1] != len(y) - 1:
        return None
    return int(below[0])


def _predict_next(d, run):
    """Next difference the class found on d predicts (CV-6); inf when there is no model.

    Order q > 1: C d^q. Order 1 with ratios falling to 0: the ratios' own
    trend, d r min(1, r / r_prev) (where the last ratio rose, r: no trend
    predicts a ratio above the last one). Otherwise the last ratio, d r, also with no class
    found (ratios that do not settle still contract). No model (inf): fewer
    than 3 values, or no class and a last ratio r >= 1 (not contracting)."""
    kind, order, rate = run["kind"], run["order"], run["rate"]
    if len(d) < 3:
        return math.inf
    ratio, previous = d[-1] / d[-2], d[-2] / d[-3]
    if kind == "undetermined":
        # until 2026-12-07 every undetermined run had no model, and a run whose ratios alternate 0.5 and
        # 0.8, constant after a change next to the floor, was called finite (mutation audit 64)
        return float(d[-1] * ratio) if ratio < 1 else math.inf
    if order > 1:
        return rate * d[-1] ** order
    if kind == "superlinear":
        ratio *= min(1.0, ratio / previous)
    return float(d[-1] * ratio)
