"""The perceptron (Rosenblatt), with a trace from which Novikoff's theorem is
checked on each run: ``proofs/perceptron.md``.

The algorithm is exactly the one of the theorem (PC-1): :math:`w_0 = 0` (or the start
given by ``coef_init``, ``intercept_init`` or ``warm_start``, with the theorem's start
terms); the examples are presented in order (optionally in a fresh seeded random order at
each epoch); whenever :math:`y_i \\langle w, \\tilde x_i \\rangle \\le 0` the
weights move to :math:`w + y_i \\tilde x_i`; the run stops after the first
epoch without a mistake, or after ``max_iter`` epochs with a ConvergenceWarning
(or earlier by scikit-learn's ``tol`` rule on the mean loss per epoch, or a
``stop=`` rule, when asked). scikit-learn's step size ``eta0`` only scales the
weights (PC-1, "Step size"), so the run is always the one with step 1.

The intercept is learnt by augmentation (PC-8): every example gets a constant
last feature ``intercept_scaling``, :math:`\\tilde x = (x, s)`, and the
theorem and the certificate are stated for the augmented data.

More than two classes are learnt one-versus-rest (PC-12): one binary
perceptron per class, each with its own trace and its own certificate. We
chose it over Kesler's multiclass construction because each binary problem is
then exactly the algorithm Novikoff's theorem is about (one trace, one
certificate, the same kernel), and because it is what scikit-learn's
``Perceptron`` does, so the two agree weight for weight. The price: it needs
every class to be separable from the union of the others, a stronger
assumption than Kesler's (joint linear separability).
"""

import dataclasses
import math
import warnings
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

from classic import _perceptron_kernels as _k
from classic._axes import axes_or_new
from classic._argmax import largest_in_rows
from classic._jit import for_rows
from classic._perceptron_predictors import (
    HeldOutVote,
    _averaged_weights,
    _scores,
    _vote,
    _voted_weights,
    coef_and_intercept,
    held_out_scores,
)
from classic._perceptron_start import declared_classes, intercept_for_scale, last_weights, same_classes, start_weights
from classic._perceptron_weights import (
    check_class_weight,
    check_something_weighs,
    check_update_range,
    class_weights,
    problem_weights,
    weights_digest,
)
from classic._random import as_generator, check_random_state, generator_state
from classic._validation import (
    ParameterError,
    at_callers_line,
    caller_stacklevel,
    check_bool,
    check_estimator_data,
    check_int,
    check_numbers,
    check_option,
    check_real,
    check_sample_weight,
    check_squared_distances,
    check_validation_data,
    check_verbose,
    counted,
    held_out_precision,
    in_model_precision,
    largest_magnitude_of,
    restoring_on_error,
)
from classic.trace import Trace, trace_dataclass

__all__ = ["Perceptron", "PerceptronTrace", "OneVsRestTrace"]

PREDICTIONS = ("last", "averaged", "voted")

#: The range rule's fix when intercept_scaling, the augmented feature, is what is too large.
INTERCEPT_FIX = "Lower intercept_scaling (1 gives scikit-learn's intercept), or rescale X."

#: Where the range rule's messages send the reader for the perceptron.
OVERFLOW_RULE = 'proofs/perceptron.md, PC-7, "Overflow"'


@trace_dataclass
class PerceptronTrace(Trace):
    """The replay log of one binary perceptron run.

    ``objective[e]`` is the number of updates made in the first ``e`` epochs
    (``objective[0] = 0``): non-decreasing, and bounded by :math:`(R/\\gamma)^2`
    on separable data (PC-5).

    Attributes
    ----------
    updates : ndarray of shape (n_updates,), int64
        Index (row of ``X``) of the example behind each update, in order: the
        replay log, :math:`w_k = w_0 + \\sum_{j \\le k} y_{i_j} \\tilde x_{i_j}` (PC-1).
    update_steps : ndarray of shape (n_updates,), int64
        Presentation step of each update, ``epoch * n_samples + position``.
    squared_norms : ndarray of shape (n_updates,)
        :math:`\\|w_k\\|^2` after each update, in the working precision (PC-3).
    mistakes : ndarray of shape (n_iter,), int64
        Mistakes (= updates) in each epoch; the last is 0 iff converged (PC-6).
    epoch_loss : ndarray of shape (n_iter,)
        Mean perceptron loss of each epoch, :math:`\\frac1n \\sum_t \\max(0, -y_t \\langle w_t,
        \\tilde x_t \\rangle)` over its presentations, with the weights in effect at each: the
        number scikit-learn's ``tol`` rule compares (float64, added in presentation order).
    epoch_weights : ndarray of shape (n_iter + 1, n_features + 1)
        The augmented weights at the start of each epoch and at the end (PC-10); row 0 is the
        run's start :math:`w_0`, 0 unless ``coef_init``, ``intercept_init`` or ``warm_start``
        gave one (PC-1).
    n_updates : int
    n_samples : int
    intercept_scaling : float
        The augmented feature ``s`` (0.0 without intercept) (PC-8).
    shuffled : bool
        Whether each epoch presented the examples in a random order.
    shuffle_state : str
        For a shuffled run, the state of its random generator before the first epoch (JSON,
        :func:`classic._random.generator_state`): each epoch's order is the next
        ``permutation(n_samples)`` drawn from it, so the certificate redraws the orders and
        checks the log's completeness (PC-1). Empty for a run in index order.
    weighted : bool
        Whether the examples were weighted (``class_weight``, ``sample_weight``; PC-1, "Weights"):
        each update then added :math:`y_i\\,\\mathrm{fl}(c_i \\tilde x_i)`, examples of weight 0 made
        no update, and ``mistakes`` counts updates.
    carried_presentations : int
        For a ``partial_fit`` call that continues the average or the vote of the calls before it
        (``prediction="averaged"`` or ``"voted"``), their presentations :math:`T_0`; 0 otherwise (PC-13).
    carried_average : ndarray of shape (n_features + 1,) or (0,), float64
        The averaged weights :math:`\\bar a_0` of those presentations, in this run's units (step 1,
        its ``intercept_scaling``), for ``prediction="averaged"``; empty otherwise. The
        average of the run is then :math:`(T_0 \\bar a_0 + T \\bar a) / (T_0 + T)`, given as the
        start :math:`w_0` is (PC-13).
    """

    OBJECTIVE_SENSE = "max"
    OBJECTIVE_NAME = "updates so far"

    updates: np.ndarray
    update_steps: np.ndarray
    squared_norms: np.ndarray
    mistakes: np.ndarray
    epoch_loss: np.ndarray
    epoch_weights: np.ndarray
    n_updates: int
    n_samples: int
    intercept_scaling: float
    shuffled: bool
    shuffle_state: str = ""
    weighted: bool = False
    carried_presentations: int = 0
    carried_average: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))

    @property
    def dtype(self):
        """The precision the run computed in, ``"float32"`` or ``"float64"``: that of its weights."""
        return self.epoch_weights.dtype.name

    def shape_problem(self):
        """As :meth:`Trace.shape_problem`, and ``carried_presentations`` is a count,
        ``carried_average`` a float64 vector of the augmented weights' length or empty."""
        problem = super().shape_problem()
        if problem:
            return problem
        count, average = self.carried_presentations, self.carried_average
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
            return f"its carried_presentations = {count!r} is not a count"
        width = self.epoch_weights.shape[-1] if isinstance(self.epoch_weights, np.ndarray) else -1
        if not (isinstance(average, np.ndarray) and average.dtype == np.float64
                and average.shape in ((0,), (width,))):
            kind = f"{average.dtype} of shape {average.shape}" if isinstance(average, np.ndarray) else \
                type(average).__name__
            return f"its carried_average is {kind}, not float64 of shape ({width},) or (0,)"
        return ""

    def rows(self):
        n = self.n_iter
        return {"objective": n + 1, "epoch_weights": n + 1, "mistakes": n, "epoch_loss": n,
                **dict.fromkeys(("updates", "update_steps", "squared_norms"), self.n_updates)}

    def plot(self, ax=None, bound=None):
        """Updates so far and mistakes per epoch against the epoch, and the mean loss of each
        epoch (``epoch_loss``, right-hand axis: the learning curve of a run that is not
        separable); ``bound`` (e.g. the certificate's (R/gamma)^2, PC-5) is drawn as a
        horizontal line. The counts share one axis that shows 1, 2, 5 mistakes and a bound of
        hundreds at once (:func:`_count_axis`). Returns the Axes of the updates.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            The Axes to draw on; None draws on the Axes of a new figure.
        bound : float or None, default=None
            A bound on the number of updates to draw, or None for no line.

        Returns
        -------
        matplotlib Axes
            The Axes of the counts (``ax`` when given); ``epoch_loss`` is on its twin, made with
            ``ax.twinx()``.
        """
        bound = None if bound is None else check_real(bound, "bound", minimum=0.0)
        ax = axes_or_new(ax)
        epochs = np.arange(len(self.objective))
        ax.plot(epochs, self.objective, marker=".", label=self.OBJECTIVE_NAME)
        ax.bar(epochs[1:], self.mistakes, alpha=0.4, color="tab:orange", label="mistakes in the epoch")
        if bound is not None:
            ax.axhline(bound, color="tab:red", linestyle="--", label=rf"$(R/\gamma)^2$ = {bound:.4g} (PC-5)")
        _count_axis(ax, max(self.objective[-1], bound or 0.0))
        loss_ax = ax.twinx()
        loss_ax.plot(epochs[1:], self.epoch_loss, color="tab:green", marker="x", label="mean loss of the epoch")
        loss_ax.set_ylabel("mean loss")
        ax.set_xlabel("epoch")
        ax.set_ylabel("updates, mistakes")
        ax.set_title(f"perceptron: {self.n_updates} updates, stopped ({self.stop_reason}) after {self.n_iter} epochs")
        lines, labels = ax.get_legend_handles_labels()
        loss_lines, loss_labels = loss_ax.get_legend_handles_labels()
        # below the axes: the loss curve on the right-hand axis can cross any corner of them
        ax.legend(lines + loss_lines, labels + loss_labels, loc="upper center", bbox_to_anchor=(0.5, -0.14),
                  ncols=2, fontsize="small")
        return ax


def _count_axis(ax, top):
    """A y-axis for counts from 0 to twice ``top``: symmetric-log with the step 0 to 1 as tall as
    1 to 2, so that bars of 1 and 2 mistakes differ by a factor 2 in height, as on a log axis,
    while 0 stays on the axis and a bound of hundreds fits with headroom; ticks 1, 2, 5, 10, ..."""
    top = min(2.0 * max(top, 1.0), float(np.finfo(np.float64).max))   # a bound near 1e308 (an audit, 2026-12-06)
    ax.set_autoscaley_on(False)   # the limits are set below: matplotlib's margins about a bound of 1e308 overflow
    # matplotlib draws the linear part linscale / (1 - 1/10) decades tall: make that log10(2)
    ax.set_yscale("symlog", linthresh=1.0, linscale=0.9 * np.log10(2.0))
    n_decades = int(np.log10(top)) + 1
    decades = range(0, n_decades, max(1, math.ceil(n_decades / 12)))   # at most 12 labelled decades
    steps = (1, 2, 5) if top <= 1e4 else (1,)
    ticks = [(m, e) for e in decades for m in steps if m * 10.0**e <= top]
    labels = [str(m * 10**e) if e < 5 else f"1e{e}" for m, e in ticks]
    ax.set_yticks([0.0] + [m * 10.0**e for m, e in ticks], ["0"] + labels)
    ax.set_ylim(0, top)


@trace_dataclass
class OneVsRestTrace(Trace):
    """Traces of the one-versus-rest binary problems (PC-12).

    ``problems[c]`` is the :class:`PerceptronTrace` of class ``classes[c]``
    against the rest; ``objective[e]`` is the total number of updates after
    ``e`` epochs, over all problems.

    Attributes
    ----------
    problems : tuple of PerceptronTrace
        The trace of each one-vs-rest problem, one per class.
    classes : ndarray of shape (n_classes,)
        The class of each problem, in the order of ``problems``.
    """

    OBJECTIVE_SENSE = "max"
    OBJECTIVE_NAME = "updates so far (all classes)"

    problems: tuple
    classes: np.ndarray

    @property
    def dtype(self):
        """The precision the runs computed in (every problem's is X's)."""
        return self.problems[0].dtype

    def rows(self):
        return {"objective": self.n_iter + 1, "classes": len(self.problems)}

    def shape_problem(self):
        if not isinstance(self.problems, tuple) or not self.problems or \
                not all(isinstance(problem, PerceptronTrace) for problem in self.problems):
            return "its problems are not a tuple of PerceptronTrace, one per class"
        for c, problem in enumerate(self.problems):
            if found := problem.shape_problem():
                return f"the trace of its problem {c}: {found}"
        return super().shape_problem()

    def plot(self, ax=None):
        """Updates so far of each one-vs-rest problem against the epoch, one curve per class
        (its last epoch marked), and their total; on the count axis of the binary plot.
        Returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            The Axes to draw on; None draws on the Axes of a new figure.

        Returns
        -------
        matplotlib Axes
        """
        ax = axes_or_new(ax)
        for c, problem in zip(self.classes, self.problems):
            ax.plot(np.arange(problem.n_iter + 1), problem.objective, marker="o", markevery=[problem.n_iter],
                    label=f"{c} vs rest: {problem.n_updates} updates, {problem.stop_reason}")
        ax.plot(np.arange(len(self.objective)), self.objective, color="k", linestyle="--", lw=1,
                label=self.OBJECTIVE_NAME)
        _count_axis(ax, self.objective[-1])
        ax.set_xlabel("epoch")
        ax.set_ylabel("updates so far")
        ax.set_title(f"perceptron, one vs rest ({len(self.classes)} classes)\nstopped ({self.stop_reason}) "
                     f"after {self.n_iter} epochs")
        ax.legend(fontsize="small")
        return ax

    def to_dict(self):
        """Plain-Python dictionary; each problem's trace as its own dictionary."""
        out = super().to_dict()
        out["problems"] = [problem.to_dict() for problem in self.problems]
        return out


class _ReplayLog:
    """Growing buffers for the update log (amortised doubling, no copy per epoch)."""

    def __init__(self, n_samples, dtype):
        self.n, self.size = n_samples, 0
        self.updates = np.empty(2 * n_samples, np.int64)
        self.steps = np.empty(2 * n_samples, np.int64)
        self.squared_norms = np.empty(2 * n_samples, dtype)

    def room_for_an_epoch(self):
        """Views with room for ``n_samples`` more updates (the most an epoch can make)."""
        if self.size + self.n > len(self.updates):
            capacity = 2 * (self.size + self.n)
            for name in ("updates", "steps", "squared_norms"):
                old = getattr(self, name)
                new = np.empty(capacity, old.dtype)
                new[: self.size] = old[: self.size]
                setattr(self, name, new)
        part = slice(self.size, self.size + self.n)
        return self.updates[part], self.steps[part], self.squared_norms[part]

    def record(self, n_updates):
        """Keep the ``n_updates`` entries just written."""
        self.size += n_updates

    def run_so_far(self, epoch_weights):
        """The run up to now with the fields of its trace the predictors read (PC-13)."""
        return _RunSoFar(len(epoch_weights) - 1, self.n, self.updates[: self.size], self.steps[: self.size],
                         epoch_weights)


class _RunSoFar(NamedTuple):
    """The fields of a :class:`PerceptronTrace` that :mod:`classic._perceptron_predictors` reads, for
    a run still going (``epoch_weights`` a list of the epochs' weights so far; a run early stopping
    scores is a fit's, which continues no average: ``carried_presentations`` 0)."""

    n_iter: int
    n_samples: int
    updates: np.ndarray
    update_steps: np.ndarray
    epoch_weights: list
    carried_presentations: int = 0


def run_perceptron(X, signs, scale, max_iter, rng=None, stop=None, validation=None, tol=None, n_iter_no_change=5,
                   verbose=0, start=None, weights=None, prediction="last"):
    """The perceptron on one binary problem (PC-1); returns ``(w, trace)``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, C order
    signs : ndarray of shape (n_samples,), +1/-1 in the dtype of X
    scale : float, the augmented feature (0.0 for no intercept)
    max_iter : int, maximum number of epochs
    rng : numpy.random.Generator or None
        None presents the examples in order; a Generator draws a fresh
        permutation at each epoch.
    stop : classic.convergence.StoppingRule or None
        Consulted after each epoch that was not mistake-free (proofs/convergence.md, CV-7).
    validation : (X_val, signs_val, sample weights or None) or None
        Held-out data of this binary problem, for a rule that asks for a
        validation score: the held-out accuracy of the predictor ``prediction``
        of the run so far.
    tol, n_iter_no_change : float or None, int
        scikit-learn's rule: stop after ``n_iter_no_change`` epochs in a row whose mean loss
        (``epoch_loss`` of the trace) is above the best so far minus ``tol``. None: no such rule.
    verbose : int, print the mistakes and the mean loss of every epoch when > 0.
    start : ndarray of shape (n_features + 1,) in the dtype of X, or None
        The augmented start :math:`w_0` (PC-1); None is 0. The trace records it as
        ``epoch_weights[0]``.
    weights : ndarray of shape (n_samples,), >= 0 in the dtype of X, or None
        The weights :math:`c_i` of a weighted run (PC-1, "Weights"); None: every weight 1.
    prediction : {"last", "averaged", "voted"}
        The predictor whose held-out accuracy the rule sees (:class:`Perceptron`'s ``prediction``).

    Returns
    -------
    w : ndarray of shape (n_features + 1,), the augmented weights
    trace : PerceptronTrace
    """
    n, d = X.shape
    scale = X.dtype.type(scale)
    w = np.zeros(d + 1, dtype=X.dtype) if start is None else np.array(start, dtype=X.dtype)   # w_0
    in_order = np.arange(n, dtype=np.int64)
    log = _ReplayLog(n, X.dtype)
    mistakes, epoch_weights, losses = [], [w.copy()], []
    converged, stop_reason = False, "max_iter"
    best_loss, no_improvement = np.inf, 0
    shuffle_state = "" if rng is None else generator_state(rng)  # the orders drawn below, for PC-1
    if stop is not None:
        stop.start()
    if prediction == "voted":
        scores_of = HeldOutVote(X, signs, scale, weights)
    else:
        def scores_of(X_val, run):
            return held_out_scores(X_val, prediction, X, signs, scale, weights, run)
    for e in range(max_iter):
        order = in_order if rng is None else rng.permutation(n).astype(np.int64)
        updates, steps, norms = log.room_for_an_epoch()
        m, total_loss = _k.epoch(X, signs, weights, scale, order, w, updates, steps, norms, e * n)
        log.record(m)
        losses.append(total_loss / n)   # scikit-learn's mean loss of the epoch, sumloss / n
        if verbose:
            print(f"perceptron epoch {e + 1}: {counted(m, 'mistake' if weights is None else 'update')}, "
                  f"mean loss {losses[-1]:.6g}")
        if m and log.squared_norms[log.size - 1] == np.inf:
            raise ValueError(
                f"Floating-point overflow in the perceptron at update {log.size} (epoch {e + 1}): the squared norm "
                f"of the weights exceeds the largest {X.dtype.name}, so the next inner products could overflow and "
                "mistakes could no longer be told (proofs/perceptron.md, PC-7). Rescale X, e.g. with "
                "sklearn.preprocessing.StandardScaler" + (", or fit float64 data" if X.dtype == np.float32 else "")
                + ("" if weights is None else ", or divide class_weight and sample_weight by a common factor") + "."
            )
        mistakes.append(m)
        epoch_weights.append(w.copy())
        if m == 0:                                            # a mistake-free epoch
            converged, stop_reason = True, "mistake-free epoch"
            break
        tol_ends = False
        if tol is not None:                                   # scikit-learn's rule, as its SGD applies it
            no_improvement = no_improvement + 1 if losses[-1] > best_loss - tol else 0
            best_loss = min(best_loss, losses[-1])
            tol_ends = no_improvement >= n_iter_no_change
        # the rule sees every epoch that was not mistake-free, the one tol ends too (CV-7)
        fired = stop is not None and _consult_rule(stop, e + 1, mistakes, epoch_weights, validation,
                                                   lambda X_val: scores_of(X_val, log.run_so_far(epoch_weights)))
        if tol_ends or fired:
            stop_reason = "tol" if tol_ends else stop.reason
            break
    if stop is not None and not converged and stop.checkpoint is not None and stop.checkpoint.iteration < len(mistakes):
        # early stopping returns its best epoch whatever ended the run, save a mistake-free epoch (CV-7)
        from classic.convergence.stopping import kept_reason

        stop_reason = kept_reason(stop, stop_reason)
        w = _restore_checkpoint(stop.checkpoint, log, mistakes, epoch_weights, losses, n)
    mistakes = np.asarray(mistakes, dtype=np.int64)
    trace = PerceptronTrace(
        objective=np.concatenate([[0], np.cumsum(mistakes)]).astype(np.float64),
        n_iter=len(mistakes),
        converged=converged,
        stop_reason=stop_reason,
        updates=log.updates[: log.size],
        update_steps=log.steps[: log.size],
        squared_norms=log.squared_norms[: log.size],
        mistakes=mistakes,
        epoch_loss=np.asarray(losses, dtype=np.float64),
        epoch_weights=np.asarray(epoch_weights),
        n_updates=int(mistakes.sum()),
        n_samples=n,
        intercept_scaling=float(scale),
        shuffled=rng is not None,
        shuffle_state=shuffle_state,
        weighted=weights is not None,
    )
    return w, trace


# ------------------------------------------------------- stopping rules (convergence toolkit)


def _consult_rule(stop, epoch, mistakes, epoch_weights, validation, scores_of):
    """One call of the stopping-rule protocol after ``epoch`` (proofs/convergence.md, CV-7): the
    objective is the trace's (updates so far, "max"), the parameters the augmented weights, the
    validation score the held-out accuracy of the predictor a stop here would return, from its
    scores ``scores_of(X_val)`` (weighted by the held-out sample weights if the rule has them):
    ``score(X_val, y_val, sample_weight)``, whose ``predict`` reads a score of 0 as the negative class."""
    from classic.convergence import IterationState

    w = epoch_weights[-1]
    score = None
    if validation is not None:
        X_val, signs_val, w_val = validation
        score = float(np.average((scores_of(X_val) > 0) == (signs_val > 0), weights=w_val))
    updates = float(np.sum(mistakes))
    state = IterationState(epoch, updates, updates - mistakes[-1], w.copy(), epoch_weights[-2],
                           validation_score=score, sense="max")
    return stop.update(state)


def _restore_checkpoint(checkpoint, log, mistakes, epoch_weights, losses, n):
    """Early stopping returns the weights of its best epoch s; the log is cut after epoch s so
    the trace describes the returned weights."""
    s = checkpoint.iteration
    del mistakes[s:]
    del losses[s:]
    del epoch_weights[s + 1 :]
    log.size = int(np.searchsorted(log.steps[: log.size], s * n))
    return np.array(checkpoint.parameters)


class Perceptron(ClassifierMixin, BaseEstimator):
    """Rosenblatt's perceptron, run exactly as Novikoff's theorem states it.

    Parameters
    ----------
    penalty : None, default=None
        Accepted for scikit-learn compatibility, as None only: the perceptron of the
        theorem has no regularisation; any other value raises a ValueError.
    alpha, l1_ratio : float, default=0.0001, 0.15
        Accepted for scikit-learn compatibility; without a penalty they have no effect,
        as in scikit-learn.
    eta0 : float > 0, default=1.0
        The step size of scikit-learn's perceptron, :math:`w \\leftarrow w + \\eta\\, y_i \\tilde x_i`.
        Started at 0, the run with step :math:`\\eta` makes the same mistakes as the run with
        step 1, and its weights are :math:`\\eta` times that run's (PC-1, "Step size"): so the
        run and its trace are those of step 1, the run of the theorem and of the certificate, and
        ``coef_`` and ``intercept_`` are multiplied by ``eta0``. Predictions do not depend on it
        (up to the rounding of that product). scikit-learn's run takes the steps of size
        ``eta0`` itself: for a power of two its weights are the same; otherwise each step is
        rounded, and where a score of the step-1 run is exactly 0 (a mistake; frequent on
        integer features) the rounded run may score a tiny positive number instead, and from
        there the two runs differ (digits, ``eta0=0.1``, 5 epochs: coefficients 13 % apart, 99.5 %
        of predictions equal; iris: equal to rounding).
    fit_intercept : bool, default=True
        Learn an intercept by augmenting every example with a constant feature
        ``intercept_scaling`` (PC-8). The mistake bound is then the one of the
        augmented data, :math:`R^2 = \\max_i \\|x_i\\|^2 + s^2`.
    intercept_scaling : float > 0, default=1.0
        The constant feature ``s``. ``s`` equal to the radius of the data costs at
        most a factor 4 in the bound when the separating hyperplane meets the data's
        ball (its offset at most the radius, PC-8).
    max_iter : int, default=1000
        Maximum number of epochs (passes over the data).
    tol : float >= 0 or None, default=None
        None: the textbook rule, stop only after a mistake-free epoch (or ``max_iter``).
        The trace keeps every update (its row, step and :math:`\\|w_k\\|^2`: 24 bytes in
        float64), so on data that are not separable a run to ``max_iter`` holds a log of
        about 24 × mistakes per epoch × ``max_iter`` bytes, which a pickled model carries
        (50 000 × 20 with 10 % of labels flipped: 12 million updates, 300 MB); pass ``tol``
        (e.g. scikit-learn's 1e-3), a smaller ``max_iter`` or a ``stop=`` rule there.
        A number: also scikit-learn's rule (its default there is ``tol=1e-3``): stop after
        ``n_iter_no_change`` epochs in a row whose mean perceptron loss
        (``trace_.epoch_loss``; with more than two classes each binary problem's,
        ``trace_.problems[i].epoch_loss``) is above the best so far minus ``tol``; then
        ``stop_reason="tol"`` and ``converged_`` is False. On data that are not separable
        this ends the run in tens of epochs instead of ``max_iter``. A mistake-free epoch
        still ends the run at once (the weights could not change again), where
        scikit-learn runs on (``n_iter_no_change`` more epochs for ``tol > 0``; to ``max_iter``
        for ``tol=0``, where a loss of 0 is never "no improvement"): same weights, fewer epochs.
    n_iter_no_change : int >= 1, default=5
        Epochs without improvement before ``tol`` stops the run.
    shuffle : bool, default=False
        Present the examples in a fresh random order at each epoch (each ``partial_fit`` call
        draws from ``random_state`` afresh). With more than two classes each one-vs-rest problem
        draws its orders from a generator of its own, seeded by one seed per class drawn from
        ``random_state`` up front (as scikit-learn's), so one problem's run never changes
        another's orders.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, default=None
        An int seeds a new Generator (the same seed gives bitwise the same fit); a Generator is
        used as is (its draws advance it); a RandomState (scikit-learn's) gives a seed drawn from
        it; None draws a seed from NumPy's global generator (``np.random.seed``), as scikit-learn's
        None. It draws the shuffling only (``shuffle=True``).
    prediction : {"last", "averaged", "voted"}, default="last"
        Which classifier ``predict`` uses: the last weights (the perceptron of
        the theorem); the averaged weights :math:`\\frac1T\\sum_k c_k w_k`; or
        the vote :math:`\\sum_k c_k\\,\\mathrm{sign}\\langle w_k, \\tilde x\\rangle` of
        all intermediate weights, weighted by their survival times
        :math:`c_k` (Freund and Schapire, 1999). The averaged and voted
        classifiers have no mistake bound of their own: the certificate is
        about the run, i.e. the sequence :math:`w_k` (PC-13). The vote keeps every
        intermediate weight vector, (updates + 1) × (n_features + 1) floats, and
        costs that many products per predicted row (each score in the training's order, the
        vote an exact sum of integers: the same bits with any threads; PC-13): on data that are not separable,
        where the updates grow with the epochs (700 000 in 20 epochs of 200 000
        rows with 5 % of labels flipped: 290 MB), prefer "averaged".
    verbose : int or bool, default=0
        If > 0 (or True), print the mistakes and the mean loss (``trace_.epoch_loss``) of every epoch.
    stop : classic.convergence.StoppingRule or None, default=None
        An extra stopping rule consulted after every epoch that was not
        mistake-free, e.g. ``ValidationPatience(5, X_val, y_val)`` (early
        stopping on held-out accuracy, for data that are not separable: the best
        epoch's weights, ``stop_.checkpoint``, are returned and the trace is cut
        there, whether the rule fired or ``tol`` or ``max_iter`` ended the run first,
        ``stop_reason="rule:validation_patience (best before max_iter)"``; a
        mistake-free epoch, the theorem's own end, is returned as it is. The rule
        scores the predictor a stop after that epoch returns, the last weights,
        their average or their vote
        (``prediction``), as ``score`` does (a score of 0 is the negative class;
        with ``eta0`` other than 1, before the weights are multiplied by it); the
        average costs a pass over the updates so far each epoch, the vote scores the
        held-out rows with the epoch's new weight vectors and keeps the earlier ones' votes), or
        ``LossPlateau(k)`` (an epoch with fewer than ``k`` mistakes: the
        objective the rules see is the trace's, updates so far, sense
        "max"; ``RelativeImprovement``, whose ratio of this epoch's updates to all
        earlier ones falls like 1/t whatever the run does, is refused with a
        ValueError). None: stop only on a mistake-free epoch or ``max_iter``. A stopped run has
        ``stop_reason="rule:<name>"`` (or that "(best before ...)"); its certificate still checks the
        epochs run (proofs/convergence.md, CV-7). Each binary problem (one per class
        with more than two classes) runs a copy of the rule; ``stop`` itself never changes.
    n_jobs : int or None, default=None
        Accepted for scikit-learn compatibility and ignored: the one-vs-rest problems run
        one after the other, each with Numba's threads (``numba.set_num_threads``); the
        result does not depend on it.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as scikit-learn's: a dict from labels to numbers >= 0 (classes it
        leaves out weigh 1), or "balanced", n / (n_classes * the count of the class in y). With
        ``fit(..., sample_weight=s)`` too, example i weighs :math:`c_i = a_i s_i` (rounded in X's
        precision), and a mistake on it moves the weights by :math:`y_i\\,\\mathrm{fl}(c_i \\tilde
        x_i)` instead of :math:`y_i \\tilde x_i`: the perceptron run on the examples
        :math:`z_i = \\mathrm{fl}(c_i \\tilde x_i)`, tested on :math:`\\tilde x_i` (the same sign
        exactly, up to the rounding of :math:`z_i`), so Novikoff's theorem holds with
        :math:`R = \\max \\|z_i\\|` and :math:`\\gamma = \\min y_i \\langle u, z_i\\rangle` over the
        examples of positive weight (proofs/perceptron.md, PC-1 "Weights"); an example of weight 0
        is not learnt from (its mistakes move nothing and are not counted) but its loss counts in
        ``epoch_loss``, as in scikit-learn. One-vs-rest weighs each problem's positives by their
        class weight and its negatives by 1, as scikit-learn does. ``certify`` recomputes the
        weights (pass it the fit's ``sample_weight``).
    warm_start : bool, default=False
        Start the next ``fit`` from this fit's ``coef_`` and ``intercept_`` (scikit-learn's rule;
        a ``coef_init`` or ``intercept_init`` given to that fit wins). With ``eta0=1``,
        ``intercept_scaling=1``, ``prediction="last"`` (else ``coef_`` is not the run's weights),
        ``tol=None`` (the rule's count starts afresh) and the examples in order, a fit of e epochs
        and a warm fit of e' more are one run of e + e' epochs, bit for bit. The classes and the number of features
        may not change (a ValueError says so, and leaves the fit as it was).
    early_stopping : False, default=False
        Accepted as False only (a ValueError otherwise): use
        ``stop=ValidationPatience(...)``, which returns the best epoch's weights.
    validation_fraction : float in (0, 1), default=0.1
        Accepted for scikit-learn compatibility; used only with early stopping.

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights of the predicting classifier (the averaged ones if
        ``prediction="averaged"``, otherwise the last).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        ``intercept_scaling`` times the weight of the augmented feature.
    classes_ : ndarray of shape (n_classes,)
    n_updates_ : int
        Total number of updates (mistakes), over all one-vs-rest problems.
    n_iter_ : int
        Epochs run (the largest over the one-vs-rest problems).
    converged_ : bool
        Whether every problem ended with a mistake-free epoch.
    trace_ : PerceptronTrace or OneVsRestTrace
    stop_ : classic.convergence.StoppingRule, tuple of them, or None
        The copy of ``stop`` the run consulted, with its record of that run (``fired``,
        ``consulted_at``, ``checkpoint``), for ``plot_stopping(trace_, rule=stop_)``; with more
        than two classes a tuple, one copy per class in the order of ``classes_`` (as
        ``trace_.problems``); None without a rule.
    n_features_in_ : int

    Notes
    -----
    Two classes: the positive class is ``classes_[1]``, as in scikit-learn.
    A single class is accepted: it is the positive class of a one-class
    problem and every prediction is that class.

    ``classic.certify(model, X, y, separator=None, margin=None, sample_weight=None)`` checks the
    theorems of ``proofs/perceptron.md`` on the run: ``separator`` is a
    direction of the augmented space (length ``n_features`` or
    ``n_features + 1``; one row per class for one-vs-rest), by default the
    best of a hard-margin solver's and the run's own; ``margin`` fixes the
    :math:`\\gamma` of the Freund-Schapire bound (PC-9); ``sample_weight`` is the fit's (required
    when it was given one, PC-1 "Weights").

    With ``fit_intercept=False`` (or ``intercept_scaling=1``),
    ``shuffle=False`` and the same number of epochs, the weights are bit for
    bit those of ``sklearn.linear_model.Perceptron(penalty=None, eta0=1,
    shuffle=False, tol=None)``: same update rule, same order of summation.
    With the same ``tol`` and ``n_iter_no_change`` (float64 data), the run stops
    after the same epoch as scikit-learn's ``Perceptron(penalty=None, eta0=1,
    shuffle=False, tol=tol)``, with the same weights, unless a mistake-free epoch
    ends it sooner.

    Examples
    --------
    >>> import numpy as np
    >>> from classic import Perceptron, certify
    >>> X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0]])
    >>> y = np.array([1, 1, 0, 0])
    >>> model = Perceptron().fit(X, y)
    >>> model.n_updates_, model.converged_
    (1, True)
    >>> bool(certify(model, X, y))
    True
    """

    def __init__(self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, eta0=1.0, fit_intercept=True,
                 intercept_scaling=1.0, max_iter=1000, tol=None, n_iter_no_change=5, shuffle=False, random_state=None,
                 prediction="last", verbose=0, stop=None, n_jobs=None, class_weight=None, warm_start=False,
                 early_stopping=False, validation_fraction=0.1):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.n_jobs = n_jobs
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.eta0 = eta0
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.random_state = random_state
        self.prediction = prediction
        self.verbose = verbose
        self.stop = stop

    def _validate_params(self):
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        if self.penalty is not None:
            raise ParameterError(
                f"penalty={self.penalty!r}: classic's perceptron is Rosenblatt's, without regularisation (the algorithm "
                "of Novikoff's theorem); use penalty=None, or sklearn.linear_model.Perceptron for a penalised one")
        check_real(self.alpha, "alpha", minimum=0)  # no effect without a penalty, as in scikit-learn
        if check_real(self.l1_ratio, "l1_ratio", minimum=0) > 1:
            raise ParameterError(f"l1_ratio must be in [0, 1], got {self.l1_ratio!r}")
        if self.n_jobs is not None:
            check_int(self.n_jobs, "n_jobs")
        if check_real(self.validation_fraction, "validation_fraction", minimum=0, strict=True) >= 1:
            raise ParameterError(f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}")
        check_class_weight(self.class_weight)
        check_bool(self.warm_start, "warm_start")
        if check_bool(self.early_stopping, "early_stopping"):
            raise ParameterError("early_stopping=True is not supported: pass stop=classic.convergence."
                                 "ValidationPatience(patience, X_val, y_val), which returns the best epoch's weights "
                                 "(scikit-learn keeps the last); use early_stopping=False")
        check_real(self.eta0, "eta0", minimum=0, strict=True)
        if self.tol is not None:
            check_real(self.tol, "tol", minimum=0)
        check_int(self.n_iter_no_change, "n_iter_no_change", minimum=1)
        check_verbose(self.verbose)
        check_option(self.prediction, "prediction", PREDICTIONS)
        intercept_scaling = check_real(self.intercept_scaling, "intercept_scaling", minimum=0, strict=True)
        scale = intercept_scaling if check_bool(self.fit_intercept, "fit_intercept") else 0.0
        # the random state is checked also when unused, as scikit-learn's (making a Generator costs 12 us)
        rng = as_generator(self.random_state) if check_bool(self.shuffle, "shuffle") else None
        if rng is None:
            check_random_state(self.random_state)
        from classic.convergence import RelativeImprovement
        from classic.convergence.stopping import check_stop

        check_stop(self.stop, "Perceptron", refused=(RelativeImprovement, (
            "RelativeImprovement cannot stop a perceptron: the objective the rules see is its count of updates "
            "so far, so an epoch's relative gain is its mistakes over all earlier updates, which falls like 1/t "
            "whatever the run does; use LossPlateau(k) (an epoch with fewer than k mistakes) or "
            "ValidationPatience(p, X_val, y_val)")))
        return max_iter, scale, rng

    def _problem_signs(self, y_index, dtype):
        """+1/-1 labels of each binary problem (rows), as in scikit-learn."""
        n_classes = len(self.classes_)
        if n_classes == 1:
            return np.ones((1, y_index.size), dtype=dtype)
        if n_classes == 2:
            return np.where(y_index == 1, 1, -1).astype(dtype)[None, :]
        return np.where(y_index[None, :] == np.arange(n_classes)[:, None], 1, -1).astype(dtype)

    def _labels(self, y):
        """Indices into ``classes_`` of the labels ``y``."""
        try:
            y_index = np.minimum(np.searchsorted(self.classes_, y), len(self.classes_) - 1)
        except TypeError:
            raise ValueError("y holds labels of another type than the model's classes_") from None
        if not np.array_equal(self.classes_[y_index], y):
            raise ValueError("y holds labels the model was not fitted on")
        return y_index

    @restoring_on_error
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Run the perceptron on ``X`` (n_samples, n_features) with labels ``y`` (n_samples,).

        ``coef_init`` and ``intercept_init`` are scikit-learn's start, in the units of ``coef_`` and
        ``intercept_``: the run of step 1 starts at :math:`w_0` = (``coef_init``, ``intercept_init`` /
        ``intercept_scaling``) / ``eta0`` (each division rounded once in X's precision; recorded as
        ``trace_.epoch_weights[0]``), and the certificate checks Novikoff's theorem from that start
        (proofs/perceptron.md, PC-1, PC-2, PC-3, PC-5). The arrays given are not modified (scikit-learn's
        run writes its updates into its ``coef_init``).

        ``sample_weight`` weighs the updates as ``class_weight`` does (see there; PC-1, "Weights"):
        with float64 data, ``shuffle=False``, ``eta0=1``, ``intercept_scaling=1`` (or no intercept),
        ``prediction="last"`` and the same epochs (``tol=None``), ``coef_`` and ``intercept_`` are bit
        for bit scikit-learn's ``Perceptron`` given the same weights (float32: the same weights c, but
        scikit-learn adds x c computed in float64 and rounds once, where the run rounds x c to float32
        first; coefficients about 1e-5 apart). Weights are not repetitions: an example of weight 2
        moves the weights twice as far when it is a mistake, once per presentation, where two copies
        of it could make two mistakes. ``certify(model, X, y, sample_weight=w)`` needs the same weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data.
        y : array-like of shape (n_samples,)
            The class labels (numbers or strings): two classes give one binary problem, more
            give one per class against the rest; a single class is accepted.
        coef_init : array-like of shape (n_features,) or (1, n_features) for two classes (or one),
            (n_classes, n_features) for more, or None, default=None
            The start's weights (None: 0, or with ``warm_start`` the previous ``coef_``).
        intercept_init : array-like of shape () or (1,) for two classes (or one), (n_classes,)
            for more, or None, default=None
            The start's intercepts (None: 0, or with ``warm_start`` the previous ``intercept_``);
            nonzero only with ``fit_intercept=True``.
        sample_weight : array-like of shape (n_samples,), float, or None, default=None
            Non-negative weights of the examples (a number weighs every example alike); None: 1.

        Returns
        -------
        self : Perceptron
            The fitted estimator.
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        max_iter, scale, rng = self._validate_params()
        given = {"coef_init": coef_init, "intercept_init": intercept_init}
        warm = self.warm_start and hasattr(self, "trace_")
        inherited = set()   # the *_init taken from the previous fit
        if warm:  # scikit-learn's rule: the previous fit's coef_ and intercept_ where no *_init is given
            inherited = {name for name, value in given.items() if value is None}
            given = {name: getattr(self, name.replace("_init", "_")) if value is None else value
                     for name, value in given.items()}
            previous_classes = self.classes_
        X, y = self._training_data(X, y, scale, reset=True)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if self.classes_.dtype == object:  # scikit-learn's classes_ here: strings as str, not object (the same order)
            self.classes_ = unique_labels(y)
        if warm and not same_classes(previous_classes, self.classes_):
            raise ValueError(
                f"warm_start=True starts from the previous fit's weights, which belong to its classes "
                f"{_first_few(list(previous_classes))}; this y has the classes {_first_few(list(self.classes_))}. "
                "Set warm_start=False to start afresh, or fit on labels of the same classes")
        problems = self._problem_signs(y_index, X.dtype)
        weights = self._example_weights(X, scale, y_index, sample_weight, problems)
        check_something_weighs(weights[0], len(self.classes_))
        starts = [None] * len(problems)   # w_0 = 0, unless a start is given
        if any(value is not None for value in given.values()):
            starts = start_weights(given, len(problems), X.shape[1], len(self.classes_), scale, self.eta0, X.dtype,
                                   inherited)
        tol = None if self.tol is None else float(self.tol)
        traces = self._run(X, problems, scale, starts, max_iter, rng, self.stop, tol, weights)
        from classic.convergence.stopping import ended_by_max_iter

        if any(ended_by_max_iter(t.stop_reason) for t in traces):  # not when a stop= rule fired
            zero_rows = _zero_rows(X, traces) if scale == 0 else 0
            largest = 0.0 if zero_rows else largest_magnitude_of(X)
            if zero_rows:
                hint = f" {zero_rows} example(s) are zero vectors, always counted as mistakes: use fit_intercept=True."
            elif 0 < largest and largest * largest < np.finfo(X.dtype).tiny:
                hint = (f" X is so small (largest |value| {largest:.3g}) that the products of its values underflow, "
                        "so inner products round to 0 and count as mistakes (proofs/perceptron.md, PC-7): rescale X.")
            else:
                hint = " The data may not be linearly separable."
                if tol is None and self.stop is None:   # the textbook rule alone: every epoch to max_iter is logged
                    log = sum(t.updates.nbytes + t.update_steps.nbytes + t.squared_norms.nbytes for t in traces)
                    size = log / 2**20
                    hint += (f" To stop sooner, pass tol=1e-3 (scikit-learn's default rule) or a stop= rule: the "
                             f"trace keeps each update, {size:.3g} MiB here.")
            warnings.warn(
                f"Perceptron: no mistake-free epoch within max_iter={max_iter} epochs"
                + (" (early stopping returned its best epoch)" if any(
                    ended_by_max_iter(t.stop_reason) and t.stop_reason != "max_iter" for t in traces) else "")
                + f".{hint}", ConvergenceWarning,
                stacklevel=caller_stacklevel(),
            )
        return self

    @restoring_on_error
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``X`` and ``y``, from the weights the model holds (scikit-learn's
        ``partial_fit``): the first call (on a model not fitted yet) starts at 0 and must name every
        class in ``classes``; each later call, or a call after ``fit``, continues the run from the
        last weights of the previous one (the run's own, whatever ``prediction`` is; ``coef_`` edited
        by hand is not read), so that calls on the batches of one data set in order are the
        perceptron presented those examples in that order, bit for bit, while ``eta0`` and
        ``intercept_scaling`` stay as they were. Changed between calls, they keep the classifier
        ``coef_`` and ``intercept_`` describe (the run's weights times eta0_old / eta0, the
        intercept's weight times s_old / s), as scikit-learn continues it. ``tol``, ``stop`` and
        ``max_iter`` play no part (one epoch; the caller decides when to stop; the trace's
        ``stop_reason`` is "max_iter" of that one epoch unless it was mistake-free); ``shuffle``
        shuffles the batch, each call drawing from ``random_state`` afresh (as scikit-learn: an
        int seed draws the same order for batches of one size). The trace and
        ``certify(model, X, y)`` are those of this call's epoch, a run from a start
        (proofs/perceptron.md, PC-1: "A start"); ``converged_`` says whether it was mistake-free.
        ``prediction="averaged"`` or ``"voted"`` average or vote over every presentation since the
        first call (or the fit) whose prediction was the same, as one fit over the batches would, and
        as scikit-learn's averaged SGD carries its average; a call after another prediction starts
        them afresh. The trace records what the call continued (``carried_presentations``,
        ``carried_average``; PC-13). No ConvergenceWarning.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The batch.
        y : array-like of shape (n_samples,)
            Its labels, each one of ``classes`` (of the first call).
        classes : array-like of shape (n_classes,) or None, default=None
            Every class of the whole data, at the first call (a ValueError without it); later, None
            or the same classes.
        sample_weight : array-like of shape (n_samples,), float, or None, default=None
            Non-negative weights of the batch's examples, as ``fit``'s (``class_weight`` applies
            too, as a dict: "balanced" needs the counts of the whole data, and is refused).

        Returns
        -------
        self : Perceptron
            The estimator, after one more epoch.
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        _, scale, rng = self._validate_params()
        if isinstance(self.class_weight, str):
            raise ValueError("class_weight='balanced' weighs the classes by their counts in the whole data, which "
                             "partial_fit does not see: pass a dict, e.g. dict(zip(classes, compute_class_weight("
                             "'balanced', classes=classes, y=y_all))) from sklearn.utils.class_weight")
        first = not hasattr(self, "trace_")
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit: every class of the whole "
                             "data, e.g. classes=np.unique(y_all)")
        declared = None if classes is None else declared_classes(classes)
        if not first and declared is not None and not same_classes(declared, self.classes_):
            raise ValueError(f"classes={_first_few(list(declared))} differ from the model's classes "
                             f"{_first_few(list(self.classes_))}, those of its first call or fit: pass the same "
                             "classes, or None")
        X, y = self._training_data(X, y, scale, reset=first)
        if first:
            self.classes_ = declared
        unknown = _unseen_labels(y, self.classes_)
        if unknown:
            raise ValueError(f"y holds {len(unknown)} label(s) not among the classes {_first_few(list(self.classes_))}"
                             f" {'given' if first else 'of the model (its first partial_fit, or its fit)'}: "
                             f"{_first_few(unknown)}; name every class in classes= at the first call")
        y_index = self._labels(y)
        problems = self._problem_signs(y_index, X.dtype)
        weights = self._example_weights(X, scale, y_index, sample_weight, problems)
        starts = [None] * len(problems) if first else last_weights(
            getattr(self.trace_, "problems", (self.trace_,)), self._fit_settings["eta0"], self.eta0, scale, X.dtype)
        self._run(X, problems, scale, starts, 1, rng, None, None, weights, None if first else self._carried(X, scale))
        return self

    def _carried(self, X, scale):
        """What a ``partial_fit`` call continues of the calls before it (PC-13): for each problem, their
        presentations T_0 and, for ``prediction="averaged"``, their average, or for ``"voted"``, their
        weight vectors and counts, in the units of the run to come (step 1, augmented feature ``scale`` in
        X's precision), as :func:`last_weights` re-expresses the start. None for ``prediction="last"``, or
        where the calls before predicted otherwise: the average or the vote then starts at this call."""
        settings = self._fit_settings
        if self.prediction == "last" or settings["prediction"] != self.prediction or "carried" not in settings:
            return None   # "carried" missing: a model pickled before 2026-12-06, which kept no average to continue
        traces = getattr(self.trace_, "problems", (self.trace_,))
        new = float(X.dtype.type(scale))
        ratio = settings["eta0"] / self.eta0

        def in_new_units(array, old):   # array[-1] is the intercept's weight (a number or a row)
            array = np.array(array, dtype=np.float64)
            if ratio != 1:
                array = array * ratio
            if old != new:
                array[-1] = intercept_for_scale(array[-1], old, new, "averaged or voted intercept")
            return array

        if self.prediction == "averaged":
            return [(t.carried_presentations + t.n_iter * t.n_samples, in_new_units(a, t.intercept_scaling), None)
                    for t, a in zip(traces, self._averages)]
        return [(int(counts.sum()), np.zeros(0), (in_new_units(WT, t.intercept_scaling), counts))
                for t, (WT, counts) in zip(traces, self._voted)]

    def _example_weights(self, X, scale, y_index, sample_weight, problems):
        """The weights :math:`c_i` of each problem (None where all are 1; PC-1, "Weights") from
        ``class_weight`` (on the labels ``y_index``, indices into ``classes_``) and the fit's
        ``sample_weight``, checked (the weighted examples' squared norms in range), and what they were
        made of, for the certificate: ``(weights, {"class_weight": the class weights or None,
        "sample_weight": the digest of the sample weights or None})``."""
        by_class = class_weights(self.class_weight, self.classes_, y_index)
        sample_weight = check_sample_weight(sample_weight, X)
        weights = problem_weights(by_class, sample_weight, problems, X.dtype)
        check_update_range(X, scale, weights)
        return weights, {"class_weight": by_class, "sample_weight": weights_digest(sample_weight)}

    def _training_data(self, X, y, scale, reset):
        """X and y of fit or partial_fit, checked once: X numeric, 2-D, its rows' squared norms with the
        augmented feature ``scale`` within range (which also refuses NaN and infinity), y labels of a
        classification (``reset``: X's features become the model's)."""
        X, y = check_estimator_data(self, X, reset=reset, y=y, finite=False)  # NaN, inf: next line
        check_squared_distances(X, np.full((1, 1), scale), method="the perceptron",   # the rows' squared norms
                                others_name="intercept_scaling", others_fix=INTERCEPT_FIX, rule=OVERFLOW_RULE)
        check_classification_targets(y)
        return X, y

    def _run(self, X, problems, scale, starts, max_iter, rng, stop, tol, weights, carried=None):
        """The binary perceptron of each problem (its signs, from its start, with its weights: those of
        :meth:`_example_weights`) and the fitted attributes made of their runs, continuing the average
        or vote ``carried`` (:meth:`_carried`) if given; returns the traces."""
        weights, weights_made_of = weights
        validations = self._validation_problems(stop, X.dtype, len(problems))
        final, traces, rules = [], [], []
        for signs, validation, start, c, problem_rng in zip(problems, validations, starts, weights,
                                                             _problem_generators(rng, len(problems))):
            if self.verbose and len(problems) > 1:
                print(f"perceptron: class {_class_name(self.classes_[len(traces)])} against the rest")
            rule = None if stop is None else stop._copy_for_run()  # self.stop stays as given
            w, trace = run_perceptron(X, signs, scale, max_iter, problem_rng, rule, validation, tol, self.n_iter_no_change,
                                      self.verbose, start, c, self.prediction)
            if carried is not None:
                presentations, average, _ = carried[len(traces)]
                trace = dataclasses.replace(trace, carried_presentations=presentations, carried_average=average)
            final.append(w)
            traces.append(trace)
            rules.append(rule)
        self._fit_predictor(X, problems, scale, np.asarray(final), traces, weights,
                            None if carried is None else [votes for _, _, votes in carried])
        # what the fitted attributes and the stops depended on, for the certificate (PC-1, PC-6),
        # whatever set_params does later
        self._fit_settings = {"prediction": self.prediction, "eta0": self.eta0, "max_iter": max_iter, "tol": tol,
                              "n_iter_no_change": self.n_iter_no_change, "rule": stop is not None,
                              "dtype": X.dtype.name, "starts": [None if s is None else np.array(s) for s in starts],
                              "carried": [(t.carried_presentations, t.carried_average) for t in traces],
                              **weights_made_of}
        self.n_updates_ = sum(t.n_updates for t in traces)
        self.n_iter_ = max(t.n_iter for t in traces)
        self.converged_ = all(t.converged for t in traces)
        self.trace_ = traces[0] if len(traces) == 1 else _one_vs_rest_trace(traces, self.classes_)
        self.stop_ = rules[0] if len(rules) == 1 else (None if stop is None else tuple(rules))
        return traces

    def _validation_problems(self, stop, dtype, n_problems):
        """Held-out (X_val, signs, sample weights or None) of each binary problem when the stopping
        rule ``stop`` asks for them."""
        data = None if stop is None else stop.validation_data
        if data is None:
            return [None] * n_problems
        X_val, y_val = data
        if y_val is None:
            raise ValueError("the perceptron's validation rule needs held-out labels: ValidationPatience(p, X_val, y_val)")
        X_val, w_val = check_validation_data(self, X_val, stop.validation_weight, held_out_precision(X_val, dtype))
        y_val = _validation_labels(y_val, X_val.shape[0], self.classes_)
        signs = self._problem_signs(self._labels(y_val), dtype)
        return [(X_val, s, w_val) for s in signs]

    def _fit_predictor(self, X, problems, scale, weights, traces, example_weights, carried_votes=None):
        """``coef_``/``intercept_`` of the predicting classifier (last, averaged or voted), the vote
        continuing ``carried_votes`` (weight vectors and counts of the calls before, :meth:`_carried`)."""
        self._voted = self._averages = None
        # the augmented feature the run used, in X's precision (the trace's intercept_scaling): float32 0.1,
        # not 0.1, or the average differed from the certificate's in the last bit (PC-1; found 2026-12-05)
        scale = float(X.dtype.type(scale))
        if self.prediction == "averaged":
            self._averages = [_averaged_weights(X, s, scale, t, c) for s, t, c in zip(problems, traces, example_weights)]
            weights = np.asarray(self._averages).astype(X.dtype)
        elif self.prediction == "voted":
            self._voted = [_voted_weights(X, s, scale, t, c) for s, t, c in zip(problems, traces, example_weights)]
            if carried_votes is not None:   # the calls before first: the vote is exact in any order (PC-13)
                self._voted = [(np.ascontiguousarray(np.hstack([before[0], WT])), np.concatenate([before[1], counts]))
                               for before, (WT, counts) in zip(carried_votes, self._voted)]
        self._scale = scale
        if self.eta0 != 1:   # the run with step eta0 is eta0 times the run with step 1 (PC-1, "Step size")
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):   # checked on the next line (0 inf)
                scaled = weights * X.dtype.type(self.eta0)
            if not np.all(np.isfinite(scaled) & ((weights == 0) | (np.abs(scaled) >= np.finfo(X.dtype).tiny))):
                raise ValueError(
                    f"eta0={self.eta0} times the weights leaves the normal range of {X.dtype.name} (overflow or "
                    "underflow). The step size changes no mistake of the perceptron (proofs/perceptron.md, "
                    "PC-1, 'Step size'): use eta0=1" + ("" if all(c is None for c in example_weights) else
                                                          ", or scale class_weight and sample_weight towards 1")
                    + ".")
            weights = scaled
        rows = coef_and_intercept(weights, scale, X.dtype)
        self.coef_, self.intercept_ = rows[:, :-1].copy(), rows[:, -1].copy()

    def decision_function(self, X):
        """Scores :math:`\\langle w, \\tilde x\\rangle`: shape (n_samples,) for one or two
        classes, (n_samples, n_classes) for more (the vote for ``prediction="voted"``); float32
        when X and ``coef_`` are, else float64 (the vote is float64 always).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            float32 when X and ``coef_`` are both float32 and ``prediction`` is not ``"voted"``,
            else float64. A score beyond that precision's range is ±inf, its sign the exact
            score's (it is evaluated again in long double), never NaN: rows of 1e308, or weights
            scaled by a large ``eta0``, may give one (scikit-learn's scores overflow there too).
        """
        check_is_fitted(self, "trace_")
        X = check_estimator_data(self, X, reset=False, finite=False)  # NaN, inf: their scores (_perceptron_predictors)
        X = in_model_precision(X, self.coef_, self.intercept_)
        if self._voted is not None:
            columns = [_vote(X, weights, counts, self._scale) for weights, counts in self._voted]
            return columns[0] if len(columns) == 1 else np.column_stack(columns)
        W = self._weights_for(X)
        scores = _scores(X, W, 1.0)
        return scores.reshape(-1) if W.shape[0] == 1 else scores

    def _weights_for(self, X):
        """``coef_`` and ``intercept_`` as one row per binary problem in X's dtype, checked against
        X: a ValueError unless they are finite, of shapes (n_problems, n_features) and
        (n_problems,) with X's n_features (weights set by hand, after the fit, reach the kernels
        only so)."""
        coef = check_numbers(self.coef_, "coef_")
        intercept = check_numbers(self.intercept_, "intercept_")
        n_problems = 1 if len(self.classes_) <= 2 else len(self.classes_)
        if coef.shape != (n_problems, X.shape[1]) or intercept.shape != (n_problems,):
            raise ValueError(f"coef_ has shape {coef.shape} and intercept_ {intercept.shape}, but X has {X.shape[1]} "
                             f"features and the model {len(self.classes_)} classes: give shapes ({n_problems}, "
                             f"{X.shape[1]}) and ({n_problems},), or fit again")
        return np.column_stack([coef, intercept]).astype(X.dtype)  # one row per binary problem

    def predict(self, X):
        """Class labels, shape (n_samples,).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Values of ``classes_``, of its dtype.
        """
        scores = self.decision_function(X)
        if len(self.classes_) == 1:
            return np.repeat(self.classes_, scores.shape[0])
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.intp)]
        labels = np.empty(scores.shape[0], dtype=np.intp)
        for_rows(largest_in_rows, scores.shape[0])(np.ascontiguousarray(scores), labels)  # numpy.argmax's rule
        return self.classes_[labels]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of :meth:`predict` on X against y, each row weighted by ``sample_weight`` if
        given (scikit-learn's ``ClassifierMixin.score``, with y and the weights checked as ``fit``
        checks them: until 2026-12-06 the weights were not, and a weight of 1e308 gave NaN, a
        negative one counted).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.
        y : array-like of shape (n_samples,)
            Their true labels.
        sample_weight : float or array-like of shape (n_samples,), default=None
            The weight of each row: finite, non-negative, 0 or at least the smallest normal
            float64, not all 0 (a number is every row's weight; None: every row weighs 1).

        Returns
        -------
        float
            The (weighted) share of the rows whose predicted label is y's, computed as
            early stopping scores held-out rows (CV-7): with two classes, when the rule's
            checkpoint is returned, ``stop_.checkpoint.score`` is the returned model's score on
            the rule's data (with more, each one-vs-rest problem's rule scores its own binary
            problem). A run that ends with a mistake-free epoch returns that epoch's weights,
            not the checkpoint, and its score on the rule's data may differ.
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        predicted = self.predict(X)
        y = column_or_1d(y)
        check_classification_targets(y)
        if y.shape[0] != predicted.shape[0]:
            raise ValueError(f"y has {y.shape[0]} labels, but X has {predicted.shape[0]} rows: give one label per row")
        if _holds_text(y) != _holds_text(self.classes_):  # scikit-learn's words for it
            raise ValueError(f"Mix of label input types (string and number): y holds {_first_few(list(np.unique(y)))} "
                             f"and the model's classes are {_first_few(list(self.classes_))}")
        weights = check_sample_weight(sample_weight, np.empty((predicted.shape[0], 0)))
        numbers = predicted.dtype.kind in "biuf" and y.dtype.kind in "biuf"
        # labels of one kind in arrays of two dtypes (int against object) compare as objects
        correct = predicted == y if numbers or predicted.dtype.kind == y.dtype.kind else (
            predicted.astype(object) == y.astype(object))
        return float(np.average(correct, weights=weights))

    _TRACE_TYPES = (PerceptronTrace, OneVsRestTrace)  # what certify() accepts as trace_

    def _certify(self, X, y, separator=None, margin=None, sample_weight=None):
        from classic._perceptron_certificate import certify_perceptron
        from classic.certificate import in_fit_dtype

        X = check_estimator_data(self, X, reset=False)  # features, and their names, as fit's
        X = in_fit_dtype(X, self._fit_settings["dtype"])
        return certify_perceptron(self, X, y, separator=separator, margin=margin, sample_weight=sample_weight)


def _validation_labels(y_val, n_rows, classes):
    """The stopping rule's ``y_val`` as a 1-D array, checked against its ``n_rows`` rows of X_val
    and the trained ``classes``: a ValueError naming y_val otherwise (a (n, 1) column is read as
    its labels, with scikit-learn's warning, as fit's y)."""
    y_val = np.asarray(y_val)
    if y_val.ndim == 2 and y_val.shape[1] == 1:
        y_val = at_callers_line(column_or_1d, y_val, warn=True)
    if y_val.ndim != 1:
        raise ValueError(f"the stopping rule's y_val must be one-dimensional, got shape {y_val.shape}; "
                         "give one label per row of X_val")
    if len(y_val) != n_rows:
        raise ValueError(f"the stopping rule's y_val has {len(y_val)} labels but X_val has {n_rows} rows; "
                         "give one label per row of X_val")
    unseen = _unseen_labels(y_val, classes)
    if unseen:
        raise ValueError(
            f"the stopping rule's y_val holds {len(unseen)} label{'s' if len(unseen) > 1 else ''} the perceptron was "
            f"not trained on: {_first_few(unseen)} (its classes: {_first_few(classes.tolist())}); held-out accuracy "
            "is scored over the trained classes: drop those rows from X_val and y_val, or give them labels of y")
    return y_val


def _unseen_labels(labels, classes):
    """The distinct values of ``labels`` (of any type) that are not among ``classes``, in order."""
    known = set(np.asarray(classes).tolist())
    return [label for label in dict.fromkeys(np.asarray(labels).tolist()) if label not in known]


def _class_name(label):
    """A class label as its Python value prints (``0``, ``'setosa'``; NumPy 2 prints ``np.int64(0)``)."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def _holds_text(labels):
    """Whether ``labels`` are strings (a str dtype, or objects of which one is a str)."""
    labels = np.asarray(labels)
    return labels.dtype.kind in "US" or (labels.dtype.kind == "O" and any(isinstance(v, str) for v in labels.flat))


def _first_few(labels):
    return ", ".join(_class_name(v) for v in labels[:5]) + (", ..." if len(labels) > 5 else "")


def _zero_rows(X, traces):
    """Number of zero examples: each is a mistake at every presentation (y<w, 0> = 0 <= 0),
    so they are among the updates of the last epoch (cheaper than scanning X), and only
    those of them whose first feature is 0 need a look at the whole row."""
    last = np.concatenate([t.updates[np.searchsorted(t.update_steps, (t.n_iter - 1) * t.n_samples):] for t in traces])
    rows = np.unique(last[X[last, 0] == 0])
    return int(np.sum(~np.any(X[rows] != 0, axis=1)))


def _problem_generators(rng, n_problems):
    """The generator each binary problem draws its epochs' orders from (None for each without
    shuffling): ``rng`` itself for one problem; for one-vs-rest, one seed per problem drawn from
    ``rng`` up front (as scikit-learn draws one per class), so that each problem's orders are its
    own, whatever another problem's run (its length, an early stop) draws."""
    if rng is None or n_problems == 1:
        return [rng] * n_problems
    return [np.random.default_rng(int(seed)) for seed in rng.integers(np.iinfo(np.int64).max, size=n_problems)]


def _one_vs_rest_trace(traces, classes):
    n_iter = max(t.n_iter for t in traces)
    cumulative = sum(np.pad(t.objective, (0, n_iter - t.n_iter), mode="edge") for t in traces)
    converged = all(t.converged for t in traces)
    return OneVsRestTrace(
        objective=cumulative,
        n_iter=n_iter,
        converged=converged,
        stop_reason=_one_vs_rest_reason(traces),
        problems=tuple(traces),
        classes=np.asarray(classes),
    )


def _one_vs_rest_reason(traces):
    """Why the one-vs-rest run stopped: "mistake-free epoch" if every problem converged,
    "max_iter" if one hit it, else the other problems' reasons ("tol", "rule:<name>")."""
    reasons = sorted({t.stop_reason for t in traces} - {"mistake-free epoch"})
    if not reasons:
        return "mistake-free epoch"
    return "max_iter" if "max_iter" in reasons else ", ".join(reasons)
