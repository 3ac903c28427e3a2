"""The convergence plots draw the numbers they are given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans

from classic.convergence import (
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


def test_learning_curve_plot_marks_the_best_validation_step():
    t = np.arange(50)
    train = np.exp(-t / 5)
    val = train + (t / 50) ** 2
    d = diagnose(train, val)
    ax = plot_learning_curves(train, val, d)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), val)
    assert ax.lines[2].get_xdata()[0] == d.best_validation_step
    assert d.pattern in ax.get_title()
