"""Learning-curve diagnosis: name the pattern of a training and a validation curve.

The textbook table (Goodfellow, Bengio & Courville, *Deep Learning*, 2016,
§5.2 "Capacity, overfitting and underfitting" and §7.8 "Early stopping";
Ng, *Machine Learning Yearning*, ch. 20-29, bias and variance from learning
curves), with losses :math:`L` (lower is better; a curve where higher is
better is negated first), :math:`n` recorded steps, the scale
:math:`S` = the range of both curves, or ``tol`` times their largest magnitude if that is
larger, and :math:`\\delta = \\text{tol} \\cdot S` the smallest change that counts (so
:math:`\\delta \\ge \\text{tol}^2 \\max|L|`: wiggles below that are flat, whatever their
pattern; with the default ``tol`` 0.05, a quarter of a percent of the curves' size). The rules, checked
in this order:

===============  ==========================================================  ===================================
pattern          rule                                                        usual remedy
===============  ==========================================================  ===================================
oscillation      in the last half of the training curve, at least three      smaller step size / learning rate;
                 turns, each coming back more than :math:`\\delta` from the   average the iterates (averaged
                 extreme before it, with its rises at least half its falls   perceptron); a perceptron:
                                                                             standardise its features (PC-5)
                 (or the reverse; the validation curve's own wiggles are
                 sampling noise, not the optimiser's, but the training
                 curve's are counted: noisy training losses, e.g.
                 minibatch estimates, of more than δ read as oscillation;
                 give the full training objective, or raise δ)
diverging        the training loss's trend over the last quarter of the run   smaller step size; for k-means and
                 rose by more than :math:`\\delta`, or the loss rose in more   EM, whose objective never rises
                 of its steps than chance would give and by more than        (KM-1, EM-4), check that the curve
                 :math:`\\delta` over it, or in each of its last r steps       is the objective they minimise
                 and by more than :math:`\\delta` over them (below)
overfitting      validation loss rose by more than :math:`\\delta` after its   stop early at its minimum
                 minimum while the training loss did not rise (§7.8), or     (``ValidationPatience``); regularise;
                 the final gap :math:`L_{val} - L_{train} > \\delta` exceeds   more data; a smaller model
                 the excess over the target (high variance, §5.2); both
                 read on medians over a quarter of the run, and beyond
                 what the curves' own noise would reach (below)
too slow         the training loss's trend over the last quarter still fell   more iterations; a larger step;
                 by more than :math:`\\delta`, or it fell in each of its last  better initialisation or scaling
                 r steps and by more than :math:`\\delta` over them (below)
underfitting     training loss above ``target`` by more than :math:`\\delta`   a richer model (more clusters,
                 and by more than the gap, or with a gap within its noise    components, features); less
                 margin (the overfitting rule's; high bias, §5.2)            regularisation
healthy          none of the above: no trend in the training loss over the    none needed
                 last quarter, small gap, at target (the rule says whether
                 it stayed flat there)
===============  ==========================================================  ===================================

The last quarter is the run's last :math:`q = \\max(2, \\lfloor n/4 \\rfloor)` steps
(:math:`q + 1` values; at least two: one step is a single change, not a trend; a curve of 4
values reads its last 2), and the last half (oscillation) its last :math:`\\lceil n/2 \\rceil`
steps (below 8 values, the whole curve). The trend over the last quarter is the Theil-Sen
estimate: the median of the slopes between every pair of those steps, times :math:`q`
(Theil 1950; Sen 1968; on at most 1001 equally spaced steps of a longer quarter). A straight
line's trend is its change; one value off the line, at the quarter's start, its end or
anywhere between, is in q of the q(q + 1)/2 pairs, fewer than half once q > 3, so the median
is still the line's slope and a single spike or dip does not read as a trend (until 2026-12-05
the trend was the change between the quarter's first and last values, and a dip at the
quarter's start read "diverging"), and a loss that dropped at the quarter's start and stayed
level reads level, not "too slow".

A blow-up hides from the trend: a loss doubling at every step of the last quarter (after a
converged start, 1 + 2, 1 + 4, ..., 1 + 2^26) sets the run's range and so δ, while most of the
pairs' slopes lie in its early, flat part (trend 1.6e6 against δ = 3.4e6: read "healthy" until
2026-12-05). So the loss also reads diverging when it rose in at least k of the quarter's q steps
and from the quarter's first value to its last by more than δ, k the least count that q tosses
of a fair coin reach with probability at most α = ``false_alarm`` (a sign test: independent noise
about a level rises in a step with probability 1/2, and the number of rises of such noise is less
spread than the tosses, so the test is conservative: proofs/convergence.md, CV-9, checks the
Eulerian tail against α exactly). One spike, dip or level shift is one rise.

Neither reads a blow-up confined to the last few steps (fewer than about 30 % of the quarter:
the trend's pairs and the sign test's count both sit in the flat part), nor a loss that left a
plateau and fell over its last few steps. So the loss also reads diverging when it rose in each
of its last r steps and its Theil-Sen trend over those r steps exceeds δ, and too slow when it
fell so, with r the least run whose chance is at most α: independent noise about a level (any
continuous distribution) has its last r + 1 values in each of their (r + 1)! orders alike, so it
rises, or falls, in each of its last r steps with probability 1/(r + 1)! (r = 4 at α = 0.01).
Until 2026-12-05 (an audit) a converged loss rising in each of its last 8 of 100 steps, from 1
to 13.8, read "healthy", and one falling by 0.7 over its last 7 steps (20 δ) too. The trend over
the r steps, not their first-to-last change, keeps one value off the curve at its end (a dip
after a converged, still slowly falling run) from reading as a run. A healthy diagnosis names a
final run of 2 to r − 1 steps that moved by more than δ (one step is a spike or a dip, which
the text calls so).

The validation curve carries sampling noise, so neither overfitting rule reads single values.
The rise is the median of the validation loss over the last quarter minus the lowest median
over any stretch of as many consecutive steps (windows starting every ⌈(q + 1)/64⌉ steps, and
the last one); the gap is the median of :math:`L_{val} - L_{train}` over the last quarter. A
median of m values moves by about 1.25 σ/√m under noise of standard deviation σ, where the
single values it replaces move by σ, and a single outlier does not move it beyond its
neighbours. (Until 2026-12-05 the rise was the last value minus the lowest one, and a flat
validation curve 0.1 above a converged training loss 1 + 5·0.8^t, 40 to 200 steps, with
noise σ = 0.1 (δ ≈ 0.26) read "overfitting" on 42 % of 400 seeds, with σ = 0.2 on 82 %.) A
median over the last quarter reads a steady rise as it stood about an eighth of the run before
the end. The step the rise came after, which the rule names and at which the training loss is
checked, is the validation curve's best before that last quarter's window: a lucky value inside
it (the last step's, say) is where early stopping would stop, not a minimum the rise came after
(until 2026-12-07 the rule named it, and checked the training loss against itself there).

*Noise.* Medians alone still let noise larger than δ read as overfitting (with them, and no
more, the curve above read "overfitting" on 11 % of seeds at σ = 0.5, δ ≈ 0.32, and on 32 % at
σ = 1), so each overfitting rule also asks for more than the curves' own noise would give. The
noise level σ̂ is estimated from the curve itself (:func:`noise_level`: 1.4826 times the median
absolute deviation of its second differences, over √6; 0 for a line or a parabola, and a few
jumps or spikes do not move it). A median of m values of Gaussian noise of standard deviation σ
has standard deviation about :math:`s_m = \\sqrt{\\pi/(2m)}\\,\\sigma`, so with
:math:`m = q + 1`:

- the rise must exceed :math:`z_{\\alpha/(W-1)} \\sqrt 2\\, s_m(\\hat\\sigma)` for the W window
  medians it compares (the difference of two positively correlated medians has standard
  deviation at most :math:`\\sqrt 2 s_m`; a union bound over the W - 1 differences), and
- the gap must exceed :math:`\\delta + z_\\alpha s_m(\\hat\\sigma')`, σ̂' the noise level of
  :math:`L_{val} - L_{train}`,

with :math:`z_p` the normal quantile of 1 - p and α = ``false_alarm``. On a flat curve of
independent Gaussian noise each rule then fires with probability at most about α: "about",
because the medians are normal only asymptotically and σ̂ is an estimate. The curve above now
reads "overfitting" on none of 400 seeds at σ = 0.5, on 1 at σ = 1 and on 1 at σ = 2. The price
is power against a rise of the size of the noise: a validation loss rising linearly by R over
the second half of the run is read as overfitting on 97 % of 200 seeds at σ = 0.5 and R = 1
(27 % at R = 0.5), at σ = 1 on 39 % at R = 1 and 99.5 % at R = 2; without noise σ̂ = 0 and the
rules are those of δ alone. Such curves are mostly noise: average the validation metric over
more held-out points. The margins are in :attr:`Diagnosis.evidence`, and a rise within its
margin is named in a healthy diagnosis's rule.

Underfitting needs ``target`` (the error the task allows: Bayes, human or a
reference model's error); without it, a high plateau cannot be told from a
healthy one and the diagnosis says so.

:math:`\\delta` is relative to the whole run's range: after a large initial drop, a later gap
counts only if it is a fair part of that drop (training 1 + 999·0.5^t with validation 40 above
it reads healthy, δ = 52). Pass the curves from the end of the transient on, or a smaller
``tol``, to judge the final gap on its own scale.

The rules read losses, but :attr:`Diagnosis.rule` speaks of the curves in their own sense: with
``higher_is_better=True`` it names a *score*, whose rise is the loss's fall, so "the training
loss rose by 0.4" reads "the training score fell by 0.4", "after its minimum" reads "after its
maximum", "above the target" "below the target", and the gap is "between training and
validation score". Each number has the sign its words give it in the score's sense: a change is
a positive size after "rose" or "fell"; the gap (training minus validation score) and the
shortfall below the target are positive when validation, or training, is the worse; the healthy
rule's signed Theil-Sen trend is the score's own. All but that trend are the numbers the negated
curves give as losses. (Until 2026-12-05 a score's texts spoke of a loss: "validation loss rose
by 0.111 after its minimum" for a validation accuracy that fell after its maximum.)
:attr:`Diagnosis.evidence` stays in the loss sense (the negated curves), as documented there.
"""

import dataclasses
import math
from fractions import Fraction
import statistics
import types

import numpy as np
from scipy.stats import binom

from classic._validation import check_bool, check_not_iterator, check_numbers, check_real

__all__ = ["Diagnosis", "diagnose", "PATTERNS"]

MAD_TO_SIGMA = 1.0 / statistics.NormalDist().inv_cdf(0.75)  # N(0, σ²): its median absolute deviation is σ/1.4826

PATTERNS = ("healthy", "overfitting", "underfitting", "oscillation", "too slow", "diverging")

REMEDIES = {
    "oscillation": "lower the step size (learning rate) or average the iterates; for a perceptron, whose "
    "step size changes none of its mistakes (PC-1), standardise the features (its updates grow with "
    "(R/gamma)^2, PC-5) or average its iterates (prediction='averaged')",
    "overfitting": "stop early at the validation minimum (ValidationPatience), regularise, "
    "add training data or reduce the model's capacity",
    "too slow": "run more iterations, take larger steps, or improve the initialisation / feature scaling",
    "diverging": "lower the step size (learning rate); for k-means and EM, whose objective never rises "
    "(KM-1, EM-4), check that the curve is the objective they minimise",
    "underfitting": "increase the model's capacity (more clusters, components or features) or regularise less",
    "healthy": "none needed",
}

# The remedies as a score's diagnosis words them (higher is better: early stopping at its maximum).
_SCORE_REMEDIES = {
    **REMEDIES,
    "overfitting": "stop early at the validation maximum (ValidationPatience), regularise, "
    "add training data or reduce the model's capacity",
    "diverging": "lower the step size (learning rate); for EM, whose log-likelihood never falls (EM-4), and "
    "k-means, whose inertia never rises (KM-1), check that the curve is the objective they optimise",
}

# The words of the rule texts, for a loss (lower is better) and for a score (higher is better).
_LOSS_WORDS = dict(metric="loss", rose="rose", fell="fell", rise="rise", best="minimum",
                   gap_between="validation and training loss", excess="excess over target", worse_than="above",
                   poor="high")
_SCORE_WORDS = dict(metric="score", rose="fell", fell="rose", rise="fall", best="maximum",
                    gap_between="training and validation score", excess="shortfall below target",
                    worse_than="below", poor="low")

REFERENCE = "Goodfellow, Bengio & Courville, Deep Learning (2016), §5.2 and §7.8; Ng, Machine Learning Yearning, ch. 20-29"


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    """Result of :func:`diagnose`.

    Attributes
    ----------
    pattern : str
        One of ``PATTERNS``.
    rule : str
        The rule that matched, in words with the run's numbers, in the curves' own sense: of a
        loss, or with ``higher_is_better=True`` of a score (its rise, fall, maximum, shortfall
        below the target; the module docstring says how the numbers are signed).
    remedy : str
        The usual remedy (for a score, early stopping at the validation maximum).
    evidence : mapping
        The numbers the rules looked at (read-only), in the loss sense: with
        ``higher_is_better=True`` they are those of the negated curves (a score's fall is a
        ``validation_rise``, its rise a ``recent_drop``). ``scale``, ``delta``,
        ``best_validation_step``, ``validation_rise`` (the validation loss's median over the last
        quarter minus its lowest median over as many steps), ``validation_noise`` (σ̂, its noise
        level) and ``noise_margin`` (what that noise would reach), ``final_gap`` (the median of
        validation minus training loss over the last quarter), ``gap_noise`` and ``gap_margin``
        (the same for the gap, whose threshold is δ plus that margin: module docstring, "Noise"),
        ``recent_drop`` (the training loss's value a quarter of the run before the end minus its
        last value), ``recent_trend`` (the Theil-Sen trend over that quarter, with the same sign:
        positive when the loss falls), ``rising_steps`` (the quarter's steps in which the loss
        rose) and ``rising_needed`` (how many the sign test asks for), ``final_run`` (the steps at
        the end in which the loss rose, positive, or fell, negative) and ``run_needed`` (the r
        the final-run rules ask for), ``excess_over_target``
        (NaN without a ``target``), and of the last half of the training curve ``swings`` (its
        zigzag's legs), ``reversals`` (its turns), ``rises`` and ``falls`` (the legs' total
        sizes up and down).
    best_validation_step : int
        Step of the lowest validation loss (highest validation score): where early stopping would stop.
    reference : str
    """

    pattern: str
    rule: str
    remedy: str
    evidence: types.MappingProxyType
    best_validation_step: int
    reference: str = REFERENCE

    def __str__(self):
        return f"{self.pattern}: {self.rule}. Remedy: {self.remedy}."


def _curve(values, name):
    # numbers as estimate_rate takes them (objects that are numbers convert; ragged rows, strings, NaN and
    # infinity are refused by name: check_numbers), then 1-D of at least 4 steps
    check_not_iterator(values, name)
    x = check_numbers(values, name)
    if x.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {x.shape}")
    if x.size < 4:
        raise ValueError(f"{name} needs at least 4 recorded steps, got {x.size}")
    return x


def _swings(curve, delta):
    """The legs of the last half of ``curve`` (n values), its last ceil(n / 2) steps, from value
    n // 2 - 1 (counted from 0; the whole curve below 8 values), in signed sizes, as a zigzag with
    threshold ``delta`` draws them: a leg runs from one turning point to the next extreme, and ends when the curve has
    come back from that extreme by more than ``delta`` (the last leg ends at its extreme). Moves
    within ``delta`` of an extreme are no turn, whatever their number of steps: a sine of any
    period above two steps shows two legs a period, step-by-step reversals only two in P."""
    tail = curve[len(curve) // 2 - 1 :] if len(curve) >= 8 else curve
    legs = []
    low = high = 0  # indices of the extremes before the first leg is known
    direction, pivot, extreme = 0, tail[0], tail[0]
    for i in range(1, len(tail)):
        v = tail[i]
        if direction == 0:
            low, high = (i if v < tail[low] else low), (i if v > tail[high] else high)
            if tail[high] - tail[low] > delta:  # the first leg: from the earlier extreme to the later one
                direction = 1 if high > low else -1
                pivot, extreme = (tail[low], tail[high]) if direction > 0 else (tail[high], tail[low])
        elif (v - extreme) * direction > 0:
            extreme = v
        elif (extreme - v) * direction > delta:
            legs.append(extreme - pivot)
            direction, pivot, extreme = -direction, extreme, v
    if direction:
        legs.append(extreme - pivot)
    return np.array(legs)


def theil_sen_change(values):
    """The Theil-Sen trend of ``values`` over their span: the median of the slopes
    ``(values[j] - values[i]) / (j - i)`` over every pair ``i < j``, times ``len(values) - 1``.
    More than 1001 values are thinned to 1001 equally spaced ones (the same positions whatever
    the values), so the cost stays below half a million slopes."""
    positions = np.unique(np.linspace(0, len(values) - 1, min(len(values), 1001)).round().astype(np.int64))
    i, j = np.triu_indices(len(positions), k=1)
    slopes = (values[positions[j]] - values[positions[i]]) / (positions[j] - positions[i])
    return float(np.median(slopes)) * (len(values) - 1)


def window_medians(values, width):
    """Medians of ``values`` over stretches of ``width`` consecutive steps: those starting every
    ``ceil(width / 64)`` steps, and the last stretch (so at most 64 (n - width) / width + 2
    medians, whatever the run's length). Returns (lowest median, last median, number of
    stretches)."""
    stride = -(-width // 64)
    starts = np.unique(np.append(np.arange(0, values.size - width + 1, stride), values.size - width))
    medians = [float(np.median(values[start : start + width])) for start in starts]
    return min(medians), medians[-1], len(medians)


def noise_level(values):
    """A robust estimate of the standard deviation σ of independent noise on a smooth curve:
    1.4826 times the median absolute deviation of its second differences, over √6. A second
    difference v[t+1] - 2 v[t] + v[t-1] of noise has standard deviation σ√6; a straight line's
    are 0 and a smooth curve's change slowly, so the deviation about their median is the noise's
    (Gaussian noise: 1.4826 MAD estimates σ); a few jumps or spikes move a median of absolute
    deviations by at most as many ranks. 0 for a line, a parabola or a curve of fewer than 3
    steps. The curve is read in units of a power of two above its largest magnitude (an exact
    rescaling): the second differences of a curve whose range nears the float64 maximum would
    overflow (and give NaN); a level beyond that maximum is inf."""
    largest = float(np.max(np.abs(values))) if values.size >= 3 else 0.0
    if largest == 0.0:
        return 0.0
    exponent = math.frexp(largest)[1]  # the unit 2**exponent itself overflows from 2**1023 on: scale by ldexp
    second = np.diff(np.ldexp(values, -exponent), 2)
    level = MAD_TO_SIGMA * float(np.median(np.abs(second - np.median(second)))) / math.sqrt(6.0)
    with np.errstate(over="ignore"):
        return float(np.ldexp(level, exponent))


def median_noise(sigma, width):
    """About the standard deviation of the median of ``width`` values of independent Gaussian noise
    of standard deviation ``sigma``: √(π/(2 width)) σ (the median's asymptotic variance
    π σ²/(2 m))."""
    return math.sqrt(math.pi / (2.0 * width)) * sigma


def noise_quantile(false_alarm, comparisons):
    """z with P(N(0, 1) > z) = false_alarm / comparisons: by the union bound, no one of
    ``comparisons`` normal deviates of at most unit standard deviation exceeds z times it, but with
    probability at most ``false_alarm``. Taken from the lower tail, z = -z_p (NormalDist's quantile
    of p itself, to about 16 digits), which holds where 1 - p would round to 1 (p below 2**-53).
    Where p itself underflows to 0, z = √(2 ln(1/p)) from logarithms: then P(N(0, 1) > z) ≤
    φ(z)/z < e^{-z²/2} = p (Mills's ratio; z > 38 here), so the bound still holds, a little
    conservatively."""
    p = false_alarm / comparisons
    if p == 0.0:
        return math.sqrt(2.0 * (math.log(comparisons) - math.log(false_alarm)))
    return -statistics.NormalDist().inv_cdf(p)


def curves_spread(values):
    """max - min of the learning curves' values, or a ValueError if it overflows float64 (the
    curves must then be rescaled: neither the diagnosis nor a plot can be made of them)."""
    with np.errstate(over="ignore"):
        spread = float(values.max() - values.min())
    if not math.isfinite(spread):
        raise ValueError(f"the curves' range overflows float64 (from {values.min():.3g} to {values.max():.3g}): "
                         "rescale them")
    return spread


def _run_needed(false_alarm):
    """The least r with 1/(r + 1)! <= ``false_alarm``: the chance that independent noise about a
    level (any continuous distribution: its last r + 1 values are then in each of their (r + 1)!
    orders alike) rises, or falls, in each of its last r steps is 1/(r + 1)! (r = 4 at 0.01)."""
    r, alpha = 1, Fraction(false_alarm)  # exact: (r + 1)! overflows a float for a tiny false_alarm
    while math.factorial(r + 1) * alpha < 1:
        r += 1
    return r


def _rises_needed(false_alarm, steps):
    """The least k with P(Bin(steps, 1/2) >= k) <= ``false_alarm``: the sign test's count of rises
    (scipy's isf; at an exact tie of the tail with ``false_alarm`` it may give k + 1, the safe side).
    For independent noise about a level the count of rises is Eulerian, not binomial, and reaches k
    with probability at most ``false_alarm`` too (proofs/convergence.md, CV-9)."""
    return int(binom.isf(false_alarm, steps, 0.5)) + 1


def _final_run(curve):
    """The steps at the end of ``curve`` that all rose (positive count) or all fell (negative)."""
    steps = np.sign(np.diff(curve))
    last = steps[-1]
    if last == 0:
        return 0
    run = len(steps) - int(np.flatnonzero(steps != last)[-1]) - 1 if np.any(steps != last) else len(steps)
    return int(run * last)


def diagnose(train_curve, validation_curve, *, higher_is_better=False, target=None, tol=0.05, false_alarm=0.01):
    """Name the pattern of a pair of learning curves, with evidence and remedy.

    Parameters
    ----------
    train_curve, validation_curve : array-like of shape (n_steps,)
        The training and held-out metric at each recorded step (n_steps >= 4).
    higher_is_better : bool, default False
        False for errors and losses (perceptron error rate, inertia); True for
        scores such as the log-likelihood of EM or accuracy.
    target : float, optional
        The metric the task allows (same units and sense as the curves); needed
        to diagnose underfitting.
    tol : float in (0, 1), default 0.05
        Fraction of the curves' range :math:`S` below which a change counts as
        flat: :math:`\\delta = \\text{tol} \\cdot S`.
    false_alarm : float in (0, 0.5], default 0.01
        About the chance that independent noise on a flat validation curve reads as overfitting,
        by each of the two rules: the rise after the minimum, and the final gap beyond δ, must
        also exceed the margins this gives for the curves' own noise levels (module docstring,
        "Noise"). Smaller values ask for more evidence; above 0.5 the normal quantile z_α is negative,
        and the gap's threshold δ + margin would fall below δ, so such values are refused.

    Returns
    -------
    Diagnosis
    """
    train = _curve(train_curve, "train_curve")
    val = _curve(validation_curve, "validation_curve")
    if train.shape != val.shape:
        raise ValueError(f"the curves must have the same length, got {train.size} and {val.size}")
    tol = check_real(tol, "tol", minimum=0.0, strict=True)
    if tol >= 1:
        raise ValueError(f"tol must be < 1, got {tol}")
    sign = -1.0 if check_bool(higher_is_better, "higher_is_better") else 1.0
    train, val = sign * train, sign * val
    if target is not None:
        target = sign * check_real(target, "target")
    false_alarm = check_real(false_alarm, "false_alarm", minimum=0.0, strict=True)
    if false_alarm > 0.5:   # z_alpha < 0: the gap's threshold delta + margin would fall below delta (audit 49)
        raise ValueError(f"false_alarm must be at most 0.5, got {false_alarm}: a rule that noise alone sets off more "
                         "often than not reads nothing (the default is 0.01)")

    both = np.concatenate([train, val])
    spread = curves_spread(both)
    scale = max(spread, tol * float(np.max(np.abs(both)))) or 1.0
    delta = tol * scale
    n = train.size
    best = int(np.argmin(val))
    quarter = max(2, n // 4)
    lowest, last, n_windows = window_medians(val, quarter + 1)
    rise = last - lowest
    # What noise alone would reach (module docstring, "Noise"): the rise compares the last window's
    # median with each other window's, a difference of two positively correlated medians.
    noise = noise_level(val)
    margin = noise_quantile(false_alarm, max(n_windows - 1, 1)) * math.sqrt(2.0) * median_noise(noise, quarter + 1)
    gap = float(np.median(val[-quarter - 1 :] - train[-quarter - 1 :]))
    gap_noise = noise_level(val - train)
    gap_margin = noise_quantile(false_alarm, 1) * median_noise(gap_noise, quarter + 1)
    recent_drop = float(train[-quarter - 1] - train[-1])
    trend = -theil_sen_change(train[-quarter - 1 :])
    rising = int(np.count_nonzero(np.diff(train[-quarter - 1 :]) > 0))
    rising_needed = _rises_needed(false_alarm, quarter)
    run_needed = _run_needed(false_alarm)
    final_run = _final_run(train)
    run_change = theil_sen_change(train[-run_needed - 1 :]) if n > run_needed else 0.0  # a rise is > 0
    excess = float(train[-1] - target) if target is not None else math.nan
    legs = _swings(train, delta)
    reversals = max(len(legs) - 1, 0)
    with np.errstate(over="ignore"):  # legs of a finite range can add up beyond float64: inf, without a warning
        rises, falls = float(legs[legs > 0].sum()), float(-legs[legs < 0].sum())
    evidence = types.MappingProxyType(
        dict(scale=scale, delta=delta, best_validation_step=best, validation_rise=rise, validation_noise=noise,
             noise_margin=margin, final_gap=gap, gap_noise=gap_noise, gap_margin=gap_margin, recent_drop=recent_drop,
             recent_trend=trend, rising_steps=rising, rising_needed=rising_needed, final_run=final_run,
             run_needed=run_needed, excess_over_target=excess,
             reversals=reversals, swings=len(legs), rises=rises, falls=falls)
    )

    def result(pattern, rule):
        return Diagnosis(pattern, rule, (_SCORE_REMEDIES if sign < 0 else REMEDIES)[pattern], evidence, best)

    # The rules read losses; the texts speak of the curves in their own sense (module docstring). A
    # score's rise is the loss's fall: the words for up and down swap, and each number, a size after
    # its direction or how much worse than training / the target, is the same in both senses; only
    # the healthy rule's signed trend changes sign.
    w = _SCORE_WORDS if sign < 0 else _LOSS_WORDS
    metric, rose, fell, rise_word = w["metric"], w["rose"], w["fell"], w["rise"]
    if reversals >= 3 and 2 * min(rises, falls) >= max(rises, falls):
        up, down = (rises, falls) if sign > 0 else (falls, rises)
        return result("oscillation", f"in the last half the training {metric} turns {reversals} times by more than "
                                     f"δ={delta:.3g}, rising {up:.3g} in all and falling {down:.3g}")
    if -trend > delta:
        return result("diverging", f"training {metric} {rose} by {-trend:.3g} > δ={delta:.3g} over the last "
                                   f"{quarter} steps (its trend: Theil-Sen)")
    if rising >= rising_needed and -recent_drop > delta:
        return result("diverging", f"training {metric} {rose} in {rising} of the last {quarter} steps (chance: "
                                   f"{rising_needed} or more with probability <= {false_alarm:.3g}) and by "
                                   f"{-recent_drop:.3g} > δ={delta:.3g} over them")
    if final_run >= run_needed and run_change > delta:
        return result("diverging", f"training {metric} {rose} in each of its last {final_run} steps (chance: "
                                   f"{run_needed} or more with probability <= {false_alarm:.3g}) and by "
                                   f"{run_change:.3g} > δ={delta:.3g} over the last {run_needed} (Theil-Sen)")
    # the rise is read on window medians, from the lowest; the step it rose after is the best before the last
    # window (best itself when it lies there): a lucky value in that window is no minimum anything rose after
    # (until an audit, 2026-12-07, a last value below the rest read "rose ... after its minimum at step n - 1",
    # training checked against itself)
    turn = int(np.argmin(val[: n - quarter - 1]))
    risen = rise > delta and train[-1] <= train[turn] + delta
    if risen and rise > margin:
        beyond_noise = f" and > {margin:.3g}, what noise (σ≈{noise:.3g}) would reach" if margin > delta else ""
        return result("overfitting", f"validation {metric} {rose} by {rise:.3g} > δ={delta:.3g}{beyond_noise} after "
                                     f"its {w['best']} at step {turn} (medians over {quarter + 1} steps) while the "
                                     f"training {metric} did not {rise_word} (§7.8)")
    if trend > delta:
        return result("too slow", f"training {metric} still {fell} by {trend:.3g} > δ={delta:.3g} over the last "
                                  f"{quarter} steps (its trend: Theil-Sen)")
    if -final_run >= run_needed and -run_change > delta:
        return result("too slow", f"training {metric} still {fell} in each of its last {-final_run} steps (chance: "
                                  f"{run_needed} or more with probability <= {false_alarm:.3g}), by "
                                  f"{-run_change:.3g} > δ={delta:.3g} over the last {run_needed} (Theil-Sen)")
    bias = excess if target is not None else 0.0
    if gap > delta + gap_margin and gap >= bias:
        # the margin is named where it moves the threshold by more than δ's own resolution, tol δ (a margin
        # of 7.7e-17 on noiseless curves was named until an audit, 2026-12-05)
        beyond_noise = (f" by more than {gap_margin:.3g}, what noise (σ≈{gap_noise:.3g}) would add"
                        if gap_margin > tol * delta else "")
        return result("overfitting", f"final gap {gap:.3g} between {w['gap_between']} (median over "
                                     f"the last {quarter + 1} steps) exceeds "
                                     f"δ={delta:.3g}{beyond_noise}"
                                     + (f" and the {w['excess']} {bias:.3g}" if target is not None else "")
                                     + " (high variance, §5.2)")
    if target is not None and excess > delta:
        # the gap did not decide: it is below the excess, or within what noise would add (an audit, 2026-12-06: the
        # text said "more than the gap" of an excess 0.4 beside a gap 0.6 within its noise margin)
        than_gap = (f"and than the gap {gap:.3g}" if excess > gap else
                    f"while the gap {gap:.3g}, as large or larger, is within δ plus what noise (σ≈{gap_noise:.3g}) would add "
                    f"({delta + gap_margin:.3g})")
        return result("underfitting", f"training {metric} plateaued {excess:.3g} {w['worse_than']} the target, more "
                                      f"than δ={delta:.3g} {than_gap} (high bias, §5.2)")
    note = "" if target is not None else (f"; no target given, so a {w['poor']} plateau (underfitting) cannot be "
                                          "ruled out")
    run = abs(final_run)
    short_run = 2 <= run < run_needed and abs(float(train[-1] - train[-run - 1])) > delta  # too short to read
    if short_run:
        note += (f"; it {rose if final_run > 0 else fell} in each of its last {run} steps, by "
                 f"{abs(float(train[-1] - train[-run - 1])):.3g}, a run that noise makes with probability "
                 f"1/{math.factorial(run + 1)} > {false_alarm:.3g}")
    if risen:
        note += (f"; the validation {metric} {rose} by {rise:.3g} after its {w['best']}, within what its noise "
                 f"(σ≈{noise:.3g}) would reach ({margin:.3g})")
    moved = float(np.ptp(train[-quarter - 1 :]))
    if moved <= delta:
        return result("healthy", f"training {metric} flat within δ={delta:.3g} over the last {quarter} steps, gap "
                                 f"{gap:.3g}{note}")
    return result("healthy", f"training {metric} without a trend beyond δ={delta:.3g} over the last {quarter} steps "
                             f"(its Theil-Sen trend: {-sign * trend:+.3g}), though it moved by up to {moved:.3g} there "
                             f"({'a final run too short to read' if short_run else 'a spike, dip or level shift'}: no "
                             f"sustained swing, no trend), gap {gap:.3g}{note}")
