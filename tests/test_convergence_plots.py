"""The convergence plots draw the numbers they are given."""

import dataclasses

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans

from classic import Perceptron
from classic.convergence import (
    IterationState,
    LossPlateau,
    ValidationPatience,
    diagnose,
    estimate_rate,
    plot_learning_curves,
    plot_local_optima,
    plot_rate,
    plot_stopping,
    stability,
)
from classic.trace import Trace


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_stopping_plot_marks_the_last_step():
    trace = Trace(objective=np.array([5.0, 3.0, 2.5]), n_iter=2, converged=False, stop_reason="rule:loss_plateau")
    ax = plot_stopping(trace)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [5.0, 3.0, 2.5])
    assert ax.lines[1].get_xdata()[0] == 2
    assert "rule:loss_plateau" in ax.get_legend().get_texts()[1].get_text()


class _CountingPatience(ValidationPatience):
    """ValidationPatience that records the last iteration it was consulted at: where it fired."""

    def update(self, state):
        self.last_iteration = state.iteration
        return super().update(state)


def test_stopping_plot_marks_where_early_stopping_fired_beyond_a_cut_trace():
    """The perceptron cuts its trace back to the checkpoint (best epoch 1 here); the plot marks the
    checkpoint on the curve and the epoch the rule fired at, past the trace's end: the epoch the
    estimator last consulted the rule at, counted independently of plot_stopping."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(StandardScaler().fit_transform(X), y, test_size=0.3,
                                                      random_state=0)
    model = Perceptron(max_iter=200, stop=_CountingPatience(5, X_val, y_val)).fit(X_train, y_train)
    trace, rule = model.trace_, model.stop_
    assert trace.n_iter == rule.checkpoint.iteration < rule.last_iteration  # the trace was cut
    ax = plot_stopping(trace, rule=rule)
    fired = [line for line in ax.lines if "fired" in line.get_label()]
    assert len(fired) == 1 and fired[0].get_xdata()[0] == rule.last_iteration
    star = [line for line in ax.lines if line.get_label().startswith("checkpoint returned")][0]
    assert star.get_xdata()[0] == trace.n_iter and star.get_ydata()[0] == trace.objective[-1]
    assert ax.get_xlim()[1] >= rule.last_iteration
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks == [round(t) for t in ticks]  # whole iterations only


def test_stopping_plot_marks_a_checkpoint_inside_the_trace():
    """A run that keeps its whole trace (the gradient descent of examples/convergence_stopping.py)
    stops at its last iteration; the checkpoint before it is marked on the curve."""
    rule = ValidationPatience(2, np.zeros((1, 1)))
    rule.start()
    objective = [5.0, 3.0, 2.5, 2.4]
    for t, score in ((1, 0.9), (2, 0.8), (3, 0.85)):  # best at 1; fires at 1 + patience = 3
        fired = rule.update(IterationState(t, objective[t], objective[t - 1], np.zeros(1), np.zeros(1),
                                           validation_score=score))
    assert fired and rule.checkpoint.iteration == 1
    trace = Trace(objective=np.array([5.0, 3.0, 2.5, 2.4]), n_iter=3, converged=False,
                  stop_reason="rule:validation_patience")
    ax = plot_stopping(trace, rule=rule)
    assert ax.lines[1].get_xdata()[0] == 3  # the stop, at the trace's end
    star = [line for line in ax.lines if line.get_label().startswith("checkpoint returned")][0]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (1, 3.0)


def test_stopping_plot_draws_half_steps_between_whole_iterations():
    """A k-means trace has 1 + 3 n_iter rows: row 3t is iteration t."""
    trace = Trace(objective=np.array([9.0, 9.0, 5.0, 4.0, 4.0, 3.5, 3.0]), n_iter=2, converged=True,
                  stop_reason="converged")
    ax = plot_stopping(trace)
    np.testing.assert_allclose(ax.lines[0].get_xdata()[::3], [0, 1, 2])


@pytest.mark.parametrize(
    "sequence, limit, kind",
    [
        (0.5 ** np.arange(40), 0.0, "linear"),
        (1.0 / (np.arange(100) + 1.0), 0.0, "sublinear"),
        ((np.arange(20) + 1.0) ** -3.0, 0.0, "sublinear"),  # h's constant (p + 1)/(2p) matters at p = 3
        (1.0 + 0.5 ** np.arange(80), None, "linear"),
        (np.concatenate([[1.5], 1.0 + 0.5 ** np.arange(1, 60)]), None, "linear"),  # first change 0: used from 1
    ],
)
def test_rate_plot_draws_the_values_and_a_model_that_follows_them(sequence, limit, kind):
    """CV-4's model drawn over the tail of the values used: within 1% of them for these exact
    families (before 2026-12-03 the sublinear curve left out h's constant (p + 1)/(2p) and was 30%
    off for t^-3), at the steps of the values (``first_used`` after a first change of 0)."""
    estimate = estimate_rate(sequence, limit)
    assert estimate.kind == kind
    ax = plot_rate(estimate)
    e = estimate.evidence
    positive = e.values > 0
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), e.values[positive])
    model = [line for line in ax.lines if "fitted" in line.get_label()][0]
    t = model.get_xdata().astype(int)
    # the fitted model stays within 1% of the values it was fitted on (exact model families here)
    np.testing.assert_allclose(model.get_ydata(), e.values[t], rtol=1e-2)


def test_rate_plot_marks_exact_zeros_on_the_step_axis():
    """Newton for sqrt 2 from 3: the error of step 7 is exactly 0, which a log scale cannot show."""
    x = [3.0]
    for _ in range(8):
        x.append(x[-1] - (x[-1] ** 2 - 2) / (2 * x[-1]))
    estimate = estimate_rate(np.array(x), np.sqrt(2.0))
    zeros = np.flatnonzero(estimate.evidence.values == 0)
    assert len(zeros) > 0
    ax = plot_rate(estimate)
    marked = [line for line in ax.lines if "0 exactly" in line.get_label()]
    np.testing.assert_array_equal(marked[0].get_xdata(), zeros)


def test_sublinear_rate_plot_is_log_log_and_spans_the_values():
    """A power law is drawn log-log, its axis over its values (not down to a noise floor 16 decades below)."""
    estimate = estimate_rate(1.0 / np.sqrt(np.arange(400) + 1.0), 0.0)
    assert estimate.kind == "sublinear"
    ax = plot_rate(estimate)
    assert ax.get_xscale() == "symlog" and ax.get_yscale() == "log"
    bottom, top = ax.get_ylim()
    assert top / bottom < 1e3 and bottom <= estimate.evidence.values.min()


def test_quadratic_rate_plot_iterates_the_model():
    x = [3.0]
    for _ in range(8):
        x.append(x[-1] - (x[-1] ** 2 - 2) / (2 * x[-1]))
    estimate = estimate_rate(np.array(x), np.sqrt(2.0))
    ax = plot_rate(estimate)
    model = [line for line in ax.lines if "fitted" in line.get_label()][0]
    y = model.get_ydata()
    assert np.all(np.diff(np.log(y)) < 0)


def test_local_optima_plot_has_one_bar_per_optimum():
    X = np.random.default_rng(0).uniform(size=(150, 2))
    report = stability(SKKMeans(n_clusters=15, n_init=1), X, seeds=range(5))
    ax = plot_local_optima(report)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [o.count for o in report.optima]
    assert sum(heights) == 5
    ticks = ax.get_yticks()
    np.testing.assert_array_equal(ticks, np.round(ticks))  # counts of seeds: whole numbers only
    # the title says how far apart the optima are (an audit of the examples, 2026-12-06: 20 bars of
    # height 1 said nothing of it)
    ratio = report.optima[-1].objective / report.optima[0].objective
    assert f"the worst {ratio:.3g}× the best" in ax.get_title()


def test_learning_curve_plot_marks_the_best_validation_step():
    t = np.arange(50)
    train = np.exp(-t / 5)
    val = train + (t / 50) ** 2
    d = diagnose(train, val)
    ax = plot_learning_curves(train, val, d)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), val)
    assert ax.lines[2].get_xdata()[0] == d.best_validation_step
    assert d.pattern in ax.get_title()
    with pytest.raises(ValueError, match=r"same length, got shapes \(2,\) and \(1,\)"):
        plot_learning_curves([1.0, 2.0], [3.0])


def test_stopping_plot_shades_the_cut_when_another_rule_fired():
    """ValidationPatience | LossPlateau on a perceptron: the plateau fires (epoch 54) and the run is
    cut back to the patience rule's best (epoch 10). The plot marks where the run stopped and shades
    the cut epochs (before 2026-12-04 it drew 'stopped' at 10, as if nothing had been cut: only a
    firing ValidationPatience was located). Rules record the iteration of their last update."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(StandardScaler().fit_transform(X), y, test_size=0.3,
                                                      random_state=0)
    model = Perceptron(max_iter=200, stop=ValidationPatience(100, X_val, y_val) | LossPlateau(5)).fit(X_train, y_train)
    trace, rule = model.trace_, model.stop_
    assert trace.stop_reason == "rule:loss_plateau" and trace.n_iter == rule.checkpoint.iteration < rule.consulted_at
    ax = plot_stopping(trace, rule=rule)
    fired = [line for line in ax.lines if "fired" in line.get_label()]
    assert len(fired) == 1 and fired[0].get_xdata()[0] == rule.consulted_at
    assert [patch.get_label() for patch in ax.patches] == ["run, then cut from the trace"]


def test_stopping_plot_shades_the_cut_when_max_iter_ended_the_run():
    """A run that max_iter ends before ValidationPatience fires is cut back to its checkpoint too
    (CV-7, since 2026-12-06): the plot marks where the run ended (max_iter, epoch 12), not the
    trace's end, and shades the epochs run and cut."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    order = np.random.default_rng(0).permutation(len(X))
    with pytest.warns(ConvergenceWarning, match="early stopping returned its best epoch"):
        model = Perceptron(max_iter=12, shuffle=True, random_state=0,
                           stop=ValidationPatience(10, X[order[400:]], y[order[400:]])).fit(X[order[:400]],
                                                                                              y[order[:400]])
    trace, rule = model.trace_, model.stop_
    assert not rule.fired and trace.n_iter == rule.checkpoint.iteration < rule.consulted_at == 12
    ax = plot_stopping(trace, rule=rule)
    ended = [line for line in ax.lines if line.get_label().startswith("run ended at 12: rule:validation_patience "
                                                                     "(best before max_iter)")]
    assert len(ended) == 1 and ended[0].get_xdata()[0] == 12
    assert [patch.get_label() for patch in ax.patches] == ["run, then cut from the trace"]


def test_stopping_plot_of_a_one_vs_rest_perceptron_plots_one_class_at_a_time():
    """A one-vs-rest perceptron's stop_ is a tuple, one rule per class: plot_stopping refuses it with a
    TypeError saying how to plot one class's problem (before 2026-12-04: an AttributeError on the
    tuple), and that recipe works. Anything else that is not a rule is a TypeError too."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    model = Perceptron(max_iter=20, stop=ValidationPatience(3, X[::2], y[::2])).fit(X, y)
    assert isinstance(model.stop_, tuple) and len(model.stop_) == 3
    with pytest.raises(TypeError, match=r"plot_stopping\(model.trace_.problems\[i\], rule=model.stop_\[i\]\)"):
        plot_stopping(model.trace_, rule=model.stop_)
    for problem, rule in zip(model.trace_.problems, model.stop_):
        ax = plot_stopping(problem, rule=rule)
        assert ax.lines[0].get_ydata()[-1] == problem.objective[-1]
    with pytest.raises(TypeError, match="stopping rule .* got str"):
        plot_stopping(model.trace_, rule="validation_patience")


@pytest.mark.parametrize("call, match", [
    (lambda: plot_stopping(np.arange(5.0)), "trace must be a classic trace .* got ndarray"),
    (lambda: plot_stopping(None), "trace must be a classic trace .* got NoneType"),
    (lambda: plot_stopping(Trace(objective=np.zeros(2), n_iter=1, converged=True, stop_reason="converged"), ax="ax"),
     "ax must be a matplotlib Axes or None, got str"),
    (lambda: plot_rate(Trace(objective=np.zeros(2), n_iter=1, converged=True, stop_reason="converged")),
     "estimate must be a RateEstimate .* got Trace"),
    (lambda: plot_local_optima(None), "report must be a StabilityReport .* got NoneType"),
    (lambda: plot_learning_curves([1.0, 2.0], [1.0, 2.0], "healthy"), "diagnosis must be a Diagnosis .* got str"),
])
def test_plots_refuse_what_they_cannot_draw_with_a_type_error(call, match):
    """A plot given the wrong object says what it wanted (before 2026-12-04: an AttributeError from
    inside, e.g. "'numpy.ndarray' object has no attribute 'objective'")."""
    with pytest.raises(TypeError, match=match):
        call()


@pytest.mark.parametrize("curves", [(["a", "b"], ["c", "d"]), ([], [])])
def test_learning_curves_must_be_numbers_and_not_empty(curves):
    with pytest.raises(ValueError, match="train_curve must be numbers|not empty"):
        plot_learning_curves(*curves)


def test_plots_refuse_values_near_the_largest_float():
    """Values beyond 1e300 (or curves whose range overflows) get a ValueError saying to rescale;
    matplotlib failed inside on them when drawing (OverflowError from its ticker, 'Axis limits
    cannot be NaN or Inf', 'arange: cannot compute length'; a probe, 2026-12-05). Values below the
    limit draw, without warnings."""
    import warnings

    t = np.arange(30)
    with pytest.raises(ValueError, match="plot_rate: the values reach .* rescale the sequence"):
        plot_rate(estimate_rate(1e308 * 0.5**t, limit=0))
    with pytest.raises(ValueError, match="the curves' range overflows float64"):
        plot_learning_curves(np.linspace(1, 0.1, 10) * 1.7e308, -np.linspace(1.05, 0.15, 10) * 1.7e308)
    with pytest.raises(ValueError, match="plot_learning_curves: the curves reach"):
        plot_learning_curves(np.linspace(1, 0.9, 10) * 1.7e308, np.linspace(1, 0.95, 10) * 1.7e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # NumPy's overflow (others, e.g. pyparsing's, vary by version)
        for ax in (plot_rate(estimate_rate(1e299 * 0.5**t)),
                   plot_learning_curves(np.linspace(1, 0.9, 10) * 1e299, np.linspace(1, 0.95, 10) * 1e299)):
            ax.figure.canvas.draw()
            plt.close(ax.figure)


def test_trace_plots_refuse_what_they_cannot_draw_on():
    """Every trace's plot(ax=...) checks ax as the convergence plots do, and the perceptron's bound
    is a number (an audit, 2026-12-05: ax=3 gave "'int' object has no attribute 'set_yscale'", and
    bound="x" "Unknown format code 'g'")."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from classic import GaussianMixture, KMeans

    X = np.random.default_rng(0).normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the three classes are not separable
        traces = [Trace(objective=np.zeros(2), n_iter=1, converged=True, stop_reason="converged"),
                  KMeans(2, random_state=0).fit(X).trace_, GaussianMixture(2, random_state=0).fit(X).trace_,
                  Perceptron().fit(X, y).trace_, Perceptron(max_iter=3).fit(X, np.arange(30) % 3).trace_]
    for trace in traces:
        with pytest.raises(TypeError, match="^ax must be a matplotlib Axes or None, got int$"):
            trace.plot(ax=3)
        with pytest.raises(TypeError, match="^ax must be a matplotlib Axes or None, got module$"):
            trace.plot(ax=plt)   # pyplot has a plot too (audit 73's A1, which asked only for one, drew on it)
    # the base trace's plot: row 0 is the start, drawn at step 0, and the title says how the run stopped
    # (audit 73's T6 drew row 0 at step 1, T13 left the iterations out of the title, and both passed)
    ax = traces[0].plot()
    assert list(ax.lines[0].get_xdata()) == [0, 1]
    assert ax.get_title() == "Trace: stopped (converged) after 1 iterations"
    with pytest.raises(TypeError, match=r"^bound must be a real number, got 'x' \(str\)"):
        traces[3].plot(bound="x")
    with pytest.raises(ValueError, match="^bound must be >= 0.0, got -1.0"):
        traces[3].plot(bound=-1.0)
    plt.close("all")


# Audit 51 (mutation testing of the plots): what each surviving mutant drew otherwise, every test passing.


def _newton_sqrt2():
    """Newton's iterates for sqrt 2 from 3 (quadratic; the error of step 7 is exactly 0)."""
    x = [3.0]
    for _ in range(8):
        x.append(x[-1] - (x[-1] ** 2 - 2) / (2 * x[-1]))
    return np.array(x)


def _patience_that_fired_at_3():
    """ValidationPatience(2) consulted at iterations 1 to 3: best at 1, so it fires at 1 + patience = 3."""
    rule = ValidationPatience(2, np.zeros((1, 1)))
    rule.start()
    for t, score in ((1, 0.9), (2, 0.8), (3, 0.85)):
        fired = rule.update(IterationState(t, 1.0, 1.0, np.zeros(1), np.zeros(1), validation_score=score))
    assert fired and rule.checkpoint.iteration == 1 and rule.consulted_at == 3
    return rule


def _span(patch):
    """The iterations an axvspan covers, (from, to)."""
    x = patch.get_path().transformed(patch.get_patch_transform()).vertices[:, 0]
    return float(x.min()), float(x.max())


def test_stopping_plot_shades_exactly_the_iterations_cut_from_the_trace():
    """Cut back to the checkpoint (iteration 1) after the rule fired at 3: iterations 1 to 3 are shaded,
    not the ones kept; the star sits on the trace's last row."""
    trace = Trace(objective=np.array([5.0, 3.0]), n_iter=1, converged=False, stop_reason="rule:validation_patience")
    ax = plot_stopping(trace, rule=_patience_that_fired_at_3())
    assert [_span(patch) for patch in ax.patches] == [(1.0, 3.0)]
    star = [line for line in ax.lines if line.get_label().startswith("checkpoint returned")]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in star] == [(1, 3.0)]


def test_stopping_plot_shades_nothing_when_the_rule_fired_at_the_trace_end():
    """A rule that fired at the trace's last iteration cut nothing: no shading, the stop drawn at the end."""
    trace = Trace(objective=np.array([5.0, 3.0, 2.5, 2.4]), n_iter=3, converged=False,
                  stop_reason="rule:validation_patience")
    ax = plot_stopping(trace, rule=_patience_that_fired_at_3())
    assert list(ax.patches) == []
    stops = [line for line in ax.lines if line.get_label().startswith("stopped")]
    assert [(line.get_label(), line.get_xdata()[0]) for line in stops] == [("stopped: rule:validation_patience", 3)]


def test_stopping_plot_marks_no_checkpoint_when_the_rule_did_not_end_the_run():
    """A separable problem ends on a mistake-free epoch, though the rule holds a checkpoint: the trace is the
    last epoch's, so no checkpoint is marked as returned."""
    X = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 3.0], [4.0, 4.0]])
    y = np.array([0, 0, 1, 1])
    model = Perceptron(max_iter=50, stop=ValidationPatience(3, X, y)).fit(X, y)
    trace, rule = model.trace_, model.stop_
    assert trace.stop_reason == "mistake-free epoch" and rule.checkpoint is not None
    ax = plot_stopping(trace, rule=rule)
    assert not [line for line in ax.lines if line.get_label().startswith("checkpoint returned")]
    assert list(ax.patches) == []


def test_stopping_plot_puts_the_checkpoint_on_its_row_of_a_half_step_trace():
    """k-means rows: 1 + 3 n_iter, row 3t is iteration t; the checkpoint at iteration 1 is row 3."""
    objective = np.array([9.0, 8.0, 7.0, 6.0, 5.5, 5.0, 4.5, 4.2, 4.1, 4.0])
    trace = Trace(objective=objective, n_iter=3, converged=False, stop_reason="rule:validation_patience")
    ax = plot_stopping(trace, rule=_patience_that_fired_at_3())
    star = [line for line in ax.lines if line.get_label().startswith("checkpoint returned")]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in star] == [(1, 6.0)]


@pytest.mark.parametrize("converged", [True, False])
def test_stopping_plot_says_half_steps_and_the_verdict_only_when_they_hold(converged):
    """The x label speaks of half-steps for k-means' 1 + 3 n_iter rows only; the title's verdict is the trace's."""
    whole = Trace(objective=np.array([5.0, 3.0, 2.5]), n_iter=2, converged=converged, stop_reason="converged")
    halves = Trace(objective=np.array([9.0, 9.0, 5.0, 4.0, 4.0, 3.5, 3.0]), n_iter=2, converged=converged,
                   stop_reason="converged")
    verdict = "converged" if converged else "not converged"
    for trace, label in ((whole, "iteration"), (halves, "iteration (half-steps between integers)")):
        ax = plot_stopping(trace)
        assert ax.get_xlabel() == label
        assert ax.get_title() == f"Trace: 2 iterations, {verdict}"


def test_quadratic_rate_plot_predicts_each_error_from_the_one_before():
    """The order-q model is one step ahead: at step t it draws C s_{t-1}^q, over the tail of the values used."""
    estimate = estimate_rate(_newton_sqrt2(), np.sqrt(2.0))
    e = estimate.evidence
    assert estimate.kind == "quadratic" and estimate.order > 1
    model = [line for line in plot_rate(estimate).lines if "fitted" in line.get_label()][0]
    t = model.get_xdata()
    np.testing.assert_array_equal(t, np.arange(e.first_used + e.tail_start + 1, e.n_used))
    np.testing.assert_array_equal(model.get_ydata(), estimate.rate * e.values[t - 1] ** estimate.order)


@pytest.mark.parametrize("n", [40, 60])
def test_rate_plot_says_the_noise_floor_is_below_the_axis_only_when_it_is(n):
    """0.5^t down to 2e-12 (n = 40) leaves the floor (at most 3.3e-16) 100 times below every value: the axis
    spans the values and the legend says where the floor is. Down to 2e-18 (n = 60) the floor is among the
    values, and drawn."""
    estimate = estimate_rate(0.5 ** np.arange(n), 0.0)
    ax = plot_rate(estimate)
    floor = [line for line in ax.lines if line.get_label().startswith("noise floor")][0]
    bottom, top = ax.get_ylim()
    highest = np.max(estimate.evidence.noise_floor)
    assert ("below the axis" in floor.get_label()) == (highest < bottom) == (n == 40)


@pytest.mark.parametrize("sequence, limit", [
    (_newton_sqrt2(), np.sqrt(2.0)),  # exact 0 at step 7: cut at 6
    (0.5 ** np.arange(40), 0.0),
    (np.concatenate([[1.5], 1.0 + 0.5 ** np.arange(1, 60)]), None),  # first change 0: used from 1
    (1.0 + 0.5 ** np.arange(80), None),  # changes below the floor at the end: cut
])
def test_rate_plot_draws_the_start_and_cut_lines_only_where_values_were_left_out(sequence, limit):
    estimate = estimate_rate(sequence, limit)
    e = estimate.evidence
    ax = plot_rate(estimate)
    starts = [line.get_xdata()[0] for line in ax.lines if line.get_label() == "start of the values used"]
    cuts = [line.get_xdata()[0] for line in ax.lines if line.get_label() == "cut"]
    assert starts == ([e.first_used] if e.first_used > 0 else [])
    assert cuts == ([e.n_used] if e.n_used < len(e.values) else [])


def test_local_optima_plot_gives_the_difference_when_the_best_objective_is_zero():
    """A best inertia of exactly 0 (as many clusters as distinct points) has no ratio: the title gives the
    difference (a ratio would divide by 0). No sklearn fit reaches a worse optimum there, so one is set."""
    from classic.convergence.stability import LocalOptimum

    X = np.repeat([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]], 2, axis=0)
    report = stability(SKKMeans(n_clusters=3, n_init=1), X, seeds=range(4))
    assert [o.objective for o in report.optima] == [0.0]
    optima = (LocalOptimum(0.0, 3, 0.75, (0, 1, 2)), LocalOptimum(2.0, 1, 0.25, (3,)))
    report = dataclasses.replace(report, optima=optima)
    ax = plot_local_optima(report)
    assert [p.get_height() for p in ax.patches] == [3, 1]
    assert ax.get_title().startswith("2 local optima, best and worst 2 apart;")


def test_learning_curve_plot_marks_the_best_score_step_at_its_maximum():
    """For scores the best validation step is the highest (step 3 here), not the lowest (step 0)."""
    validation = np.array([0.5, 0.7, 0.8, 0.85, 0.84, 0.8, 0.78, 0.75, 0.7, 0.65])
    train = np.linspace(0.5, 1.0, 10)
    d = diagnose(train, validation, higher_is_better=True)
    assert d.best_validation_step == 3
    ax = plot_learning_curves(train, validation, d)
    best = [line for line in ax.lines if line.get_label() == "best validation step"]
    assert [line.get_xdata()[0] for line in best] == [3]
