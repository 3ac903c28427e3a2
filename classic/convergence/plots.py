"""Pictures of convergence: where a run stopped, how fast it converged, which
local optima the seeds reached, and what the learning curves say.

Every function draws on a matplotlib Axes (a new one when ``ax`` is None) and
returns it; nothing is shown or saved here.
"""

import numpy as np

__all__ = ["plot_learning_curves", "plot_local_optima", "plot_rate", "plot_stopping"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def plot_stopping(trace, ax=None):
    """The objective of a trace against the recorded step, with the stopping point marked.

    Parameters
    ----------
    trace : classic.Trace
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    objective = np.asarray(trace.objective)
    steps = np.arange(len(objective))
    ax.plot(steps, objective, marker=".", label=trace.OBJECTIVE_NAME)
    ax.axvline(steps[-1], color="tab:red", linestyle="--", label=f"stopped: {trace.stop_reason}")
    ax.plot([steps[-1]], [objective[-1]], "o", color="tab:red")
    ax.set_xlabel("recorded step")
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

    Parameters
    ----------
    estimate : classic.convergence.RateEstimate
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    e = estimate.evidence
    label = "error |x_t - x*|" if e.kind_of_order == "COC" else "change |x_{t+1} - x_t|"
    t = np.arange(len(e.values))
    positive = e.values > 0
    ax.semilogy(t[positive], e.values[positive], "o", markersize=3, label=label)
    ax.semilogy(t, e.noise_floor, color="gray", linestyle=":", label="noise floor (CV-1)")
    if e.first_used > 0:
        ax.axvline(e.first_used, color="gray", linestyle="-.", label="start of the values used")
    if e.n_used < len(e.values):
        ax.axvline(e.n_used, color="gray", linestyle="--", label="cut")
    model = _model_curve(estimate)
    if model is not None:
        ax.semilogy(*model, color="tab:red", label=f"fitted: {estimate.kind}")
    ax.set_xlabel("step t")
    ax.set_ylabel(label)
    ax.set_title(str(estimate).split(" (")[0])
    ax.legend()
    return ax


def plot_local_optima(report, ax=None):
    """Histogram of the local optima across seeds: a bar at each distinct optimum's objective,
    as high as the number of seeds that reached it.

    Parameters
    ----------
    report : classic.convergence.StabilityReport
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    counts = [o.count for o in report.optima]
    positions = np.arange(len(counts))
    ax.bar(positions, counts, color="tab:blue")
    # Distinct optima can be close in objective (iris: 78.8514 and 78.8557), so one bar per
    # optimum, in order of objective, labelled with its value.
    ax.set_xticks(positions, [f"{o.objective:.6g}" for o in report.optima], rotation=45, ha="right")
    better = "lowest" if report.objective_sense == "min" else "highest"
    ax.set_xlabel(f"final objective of each distinct optimum ({better} first)")
    ax.set_ylabel(f"seeds (of {len(report.seeds)})")
    measure = "ARI" if report.agreement_measure == "adjusted Rand index" else "agreement"
    ax.set_title(f"{len(report.optima)} local optima; mean {measure} {report.mean_agreement:.3f}")
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
    ax = _axes(ax)
    ax.plot(np.asarray(train_curve), label="training")
    ax.plot(np.asarray(validation_curve), label="validation")
    if diagnosis is not None:
        ax.axvline(diagnosis.best_validation_step, color="gray", linestyle="--", label="best validation step")
        ax.set_title(f"diagnosis: {diagnosis.pattern}")
    ax.set_xlabel("step")
    ax.legend()
    return ax
