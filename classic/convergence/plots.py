"""Pictures of convergence: where a run stopped, how fast it converged, which
local optima the seeds reached, and what the learning curves say.

Every function draws on a matplotlib Axes (a new one when ``ax`` is None) and
returns it; nothing is shown or saved here.
"""

import numpy as np

from classic._axes import axes_or_new, check_axes, mark_zeros
from classic._validation import check_numbers
from classic.convergence.diagnosis import Diagnosis, curves_spread
from classic.convergence.rate import RateEstimate
from classic.convergence.stability import StabilityReport
from classic.convergence.stopping import StoppingRule
from classic.trace import Trace

__all__ = ["plot_learning_curves", "plot_local_optima", "plot_rate", "plot_stopping"]


#: The largest |value| the plots draw: matplotlib's axes compute margins and ticks beyond the
#: values, which overflow float64 near its largest number (a probe, 2026-12-05).
_DRAWABLE = 1e300


def _check_drawable(values, what, fix):
    """A ValueError if |values| exceed :data:`_DRAWABLE` (``what`` names them, ``fix`` says what to do)."""
    largest = float(np.max(np.abs(values), initial=0.0))
    if largest > _DRAWABLE:
        raise ValueError(f"{what} reach {largest:.3g}, beyond what a matplotlib axis draws (its margins and ticks "
                         f"overflow float64 above {_DRAWABLE:.0e}): {fix}")


def _check_type(value, kind, name, what):
    """A TypeError naming ``name``, what it must be (``what``) and what it got, unless ``value``
    is a ``kind``: a plot of the wrong object fails here, not inside matplotlib."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")


def plot_stopping(trace, ax=None, rule=None):
    """The objective of a trace against the iteration, with the stopping point marked.

    A trace with half-steps (k-means: relocate, update, assign) draws them between the
    integers. With the ``rule`` the run consulted, its checkpoint (early stopping) is marked
    too; when the estimator cut the trace back to that checkpoint, the iteration at which the
    rule fired, or ``tol`` or ``max_iter`` ended the run, lies beyond the trace's end, and the
    iterations run and then cut are shaded.

    Parameters
    ----------
    trace : classic.Trace
    ax : matplotlib Axes, optional
    rule : classic.convergence.StoppingRule, optional
        The rule the run consulted (the fitted estimator's ``stop_``), for its ``checkpoint``.

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.ticker import MaxNLocator

    _check_type(trace, Trace, "trace", "a classic trace (a fitted estimator's trace_)")
    check_axes(ax)
    if isinstance(rule, tuple):
        raise TypeError("rule is a tuple, a one-vs-rest perceptron's stop_ (one rule per class): plot one class's "
                        "problem at a time, plot_stopping(model.trace_.problems[i], rule=model.stop_[i])")
    if rule is not None and not isinstance(rule, StoppingRule):
        raise TypeError(f"rule must be a classic.convergence stopping rule (a fitted estimator's stop_) or None, "
                        f"got {type(rule).__name__}")
    ax = axes_or_new(ax)
    objective = np.asarray(trace.objective)
    iterations = np.linspace(0, trace.n_iter, len(objective))
    ax.plot(iterations, objective, marker=".", label=trace.OBJECTIVE_NAME)
    checkpoint = rule.checkpoint if rule is not None and trace.stop_reason.startswith("rule:") else None
    ended = rule.consulted_at if checkpoint is not None else None  # where the run stopped
    if ended is not None and ended > trace.n_iter:  # the estimator cut the trace back to the checkpoint
        ax.axvline(ended, color="tab:red", linestyle="--", label=f"{trace.stop_reason} fired at {ended}"
                   if rule.fired else f"run ended at {ended}: {trace.stop_reason}")
        ax.axvspan(trace.n_iter, ended, color="tab:red", alpha=0.08, label="run, then cut from the trace")
    else:
        ax.axvline(iterations[-1], color="tab:red", linestyle="--", label=f"stopped: {trace.stop_reason}")
        ax.plot([iterations[-1]], [objective[-1]], "o", color="tab:red")
    if checkpoint is not None:
        at = checkpoint.iteration * (len(objective) - 1) // max(trace.n_iter, 1)
        ax.plot([iterations[at]], [objective[at]], "*", color="tab:green", markersize=14, zorder=3,
                label=f"checkpoint returned: iteration {checkpoint.iteration}")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    half_steps = len(objective) - 1 > trace.n_iter
    ax.set_xlabel("iteration (half-steps between integers)" if half_steps else "iteration")
    ax.set_ylabel(trace.OBJECTIVE_NAME)
    verdict = "converged" if trace.converged else "not converged"
    ax.set_title(f"{type(trace).__name__}: {trace.n_iter} iterations, {verdict}")
    ax.legend()
    return ax


def _model_curve(estimate):
    """The fitted model over the tail of the used values (None if no model): anchored at the
    tail start for order 1, one step ahead for order q > 1."""
    e = estimate.evidence
    s = e.values[e.first_used : e.n_used]
    if len(s) < 3 or estimate.kind in ("undetermined", "finite"):
        return None
    t0 = e.tail_start
    t = np.arange(t0, len(s))
    if estimate.kind == "linear":
        return t + e.first_used, s[t0] * estimate.rate ** (t - t0)
    if estimate.kind == "sublinear":
        if estimate.exponent is None:
            return None  # not a power law (CV-4): nothing to draw
        p = estimate.exponent + (1.0 if e.kind_of_order == "ACOC" else 0.0)
        # s_t ~ c (t + t_c)^-p, and h_t = 1/(1 - r_t) = (t + t_c)/p + (p + 1)/(2p) + O(1/t) (CV-4):
        # the offset t_c from h at the tail start.
        offset = p / (1.0 - e.ratios[t0]) - (p + 1.0) / 2.0 - t0
        return t + e.first_used, s[t0] * ((t0 + offset) / (t + offset)) ** p
    if estimate.order > 1:
        # One step ahead: C s_{t-1}^q from each observed value (C drifts in practice, CV-4).
        return t[1:] + e.first_used, estimate.rate * s[t0:-1] ** estimate.order
    return None


def plot_rate(estimate, ax=None):
    """Errors (or differences) on a log scale with the noise floor, the cut and the fitted rate.

    A sublinear estimate is drawn log-log (a power law is a straight line there; the step axis
    is linear from 0 to 1 so that step 0 shows). Values that are exactly 0 have no logarithm:
    they are marked on the step axis.

    Parameters
    ----------
    estimate : classic.convergence.RateEstimate
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    _check_type(estimate, RateEstimate, "estimate", "a RateEstimate (what estimate_rate returns)")
    check_axes(ax)
    e = estimate.evidence
    _check_drawable(e.values, "plot_rate: the values", "rescale the sequence by a power of two and estimate again")
    ax = axes_or_new(ax)
    label = "error |x_t - x*|" if e.kind_of_order == "COC" else "change |x_{t+1} - x_t|"
    t = np.arange(len(e.values))
    positive = e.values > 0
    ax.set_yscale("log")
    if estimate.kind == "sublinear":
        ax.set_xscale("symlog", linthresh=1)
    ax.plot(t[positive], e.values[positive], "o", markersize=3, label=label)
    # A floor far below every value would stretch the axis over decades of nothing: leave it below.
    below = np.any(positive) and np.max(e.noise_floor) < np.min(e.values[positive]) / 100
    floor = "noise floor (CV-1)" + (f", below the axis: at most {np.max(e.noise_floor):.1e}" if below else "")
    ax.plot(t, e.noise_floor, color="gray", linestyle=":", label=floor)
    if e.first_used > 0:
        ax.axvline(e.first_used, color="gray", linestyle="-.", label="start of the values used")
    if e.n_used < len(e.values):
        ax.axvline(e.n_used, color="gray", linestyle="--", label="cut")
    model = _model_curve(estimate)
    if model is not None:
        ax.plot(*model, color="tab:red", label=f"fitted: {estimate.kind}")
    mark_zeros(ax, t[e.values == 0], color="tab:blue", label=f"{label} = 0 exactly (on the axis)")
    if below:
        ax.set_ylim(np.min(e.values[positive]) / 3, np.max(e.values[positive]) * 3)
    ax.set_xlabel("step t (log scale from 1)" if estimate.kind == "sublinear" else "step t")
    ax.set_ylabel(label)
    ax.set_title(str(estimate).split(" (")[0])
    # below the axes: fast convergence leaves no corner of them free of values, model and floor
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    return ax


def plot_local_optima(report, ax=None):
    """Histogram of the local optima across seeds: a bar at each distinct optimum's objective,
    as high as the number of seeds that reached it; the title says how far apart the best and the
    worst are (their ratio for a positive objective to minimise, else their difference).

    Parameters
    ----------
    report : classic.convergence.StabilityReport
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.ticker import MaxNLocator

    _check_type(report, StabilityReport, "report", "a StabilityReport (what stability returns)")
    ax = axes_or_new(ax)  # checks ax
    counts = [o.count for o in report.optima]
    positions = np.arange(len(counts))
    ax.bar(positions, counts, color="tab:blue")
    # Distinct optima can be close in objective (iris: 78.8514 and 78.8557), so one bar per
    # optimum, in order of objective, labelled with its value.
    ax.set_xticks(positions, [f"{o.objective:.6g}" for o in report.optima], rotation=45, ha="right")
    better = "lowest" if report.objective_sense == "min" else "highest"
    ax.set_xlabel(f"final objective of each distinct optimum ({better} first)")
    ax.set_ylabel(f"seeds (of {len(report.seeds)})")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of seeds
    measure = "ARI" if report.agreement_measure == "adjusted Rand index" else "agreement"
    best, worst = report.optima[0].objective, report.optima[-1].objective
    spread = ""   # how far apart the optima are: the bars' heights say only how often each was reached
    if len(report.optima) > 1:
        spread = (f", the worst {worst / best:.3g}× the best" if report.objective_sense == "min" and best > 0
                  else f", best and worst {abs(worst - best):.3g} apart")
    ax.set_title(f"{len(report.optima)} local optima{spread}; mean {measure} {report.mean_agreement:.3f}")
    return ax


def plot_learning_curves(train_curve, validation_curve, diagnosis=None, ax=None):
    """Training and validation curves, the best validation step, and the diagnosis.

    Parameters
    ----------
    train_curve, validation_curve : array-like of shape (n_steps,)
    diagnosis : classic.convergence.Diagnosis, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    train, validation = (check_numbers(curve, name) for name, curve in (("train_curve", train_curve),
                                                                        ("validation_curve", validation_curve)))
    if train.shape != validation.shape or train.ndim != 1 or train.size == 0:
        raise ValueError(f"the curves must be 1-D, not empty and of the same length, got shapes {train.shape} and "
                         f"{validation.shape}")
    both = np.concatenate([train, validation])
    curves_spread(both)  # matplotlib's axis cannot span more than float64 either
    _check_drawable(both, "plot_learning_curves: the curves", "rescale them")
    if diagnosis is not None:
        _check_type(diagnosis, Diagnosis, "diagnosis", "a Diagnosis (what diagnose returns) or None")
    ax = axes_or_new(ax)  # checks ax
    ax.plot(train, label="training")
    ax.plot(validation, label="validation")
    if diagnosis is not None:
        ax.axvline(diagnosis.best_validation_step, color="gray", linestyle="--", label="best validation step")
        ax.set_title(f"diagnosis: {diagnosis.pattern}")
    ax.set_xlabel("step")
    # below the axes: an oscillating curve leaves no corner of them free
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=3, fontsize="small")
    return ax
