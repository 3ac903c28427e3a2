"""Stopping rules: small composable objects an estimator consults after every iteration.

The protocol (what an estimator does with ``stop=rule``)::

    rule = stop._copy_for_run()                    # each run updates a copy: stop stays as given
    rule.start()                                   # once, before the first iteration
    for t in 1, 2, ...:
        ... one iteration: theta(t), f(t) ...
        state = IterationState(t, f(t), f(t-1), theta(t), theta(t-1), ...)
        if rule.update(state):                     # True: stop now, after iteration t
            trace stop_reason = rule.reason        # e.g. "rule:loss_plateau"
            break
    if rule.checkpoint is not None:                # early stopping kept a better state
        restore rule.checkpoint.parameters
    estimator.stop_ = rule                         # the copy of the run returned: what it saw

A rule fires at the *first* iteration where its condition holds
(proofs/convergence.md, CV-7). A quantity a rule tests that is NaN or infinite
(the run diverged) raises a ValueError naming it and the iteration: a rule
never silently declines to fire on it. Rules combine: ``a | b`` (:class:`AnyOf`) stops
when any holds, ``a & b`` (:class:`AllOf`) when all hold at the same iteration; rules with
held-out data combine only when it is the same data (an estimator scores one held-out set).

Defaults per algorithm (``stop=None`` keeps each algorithm's own convergence test):

============  ==========================================================================
k-means       none: Lloyd's iterations terminate exactly (no label changes, KM-5);
              ``KMeans(stop=RelativeImprovement(1e-4))`` or ``LossPlateau(eps)`` for
              early cut-offs, ``ValidationPatience(p, X_val)`` on minus the held-out inertia
EM (GMM)      ``tol=1e-3``, which is ``LossPlateau(1e-3)`` on the mean objective per
              sample (scikit-learn's rule); ``GaussianMixture(stop=ValidationPatience(5,
              X_val))`` on the held-out log-likelihood (returns the best iteration,
              ``stop_.checkpoint``, also where ``tol`` ends the run first);
              ``ParameterChange(eps)`` on the standardised parameters.
perceptron    none on separable data (a mistake-free epoch ends the run, Novikoff);
              ``Perceptron(stop=ValidationPatience(5, X_val, y_val))`` on held-out
              accuracy otherwise (returns the best epoch's weights,
              ``stop_.checkpoint``, also where ``max_iter`` ends the run first)
============  ==========================================================================

No estimator supplies a gradient norm: each refuses ``GradientNorm`` with its other parameters
(:func:`check_stop`); the rule is for loops that compute a gradient and pass its norm in
:class:`IterationState`.
"""

import copy
import dataclasses
import math
from fractions import Fraction

import numpy as np

from classic._validation import ParameterError, check_int, check_option, check_real
from classic.rounding import euclidean_norm

__all__ = [
    "AllOf",
    "AnyOf",
    "Checkpoint",
    "GradientNorm",
    "IterationState",
    "LossPlateau",
    "ParameterChange",
    "RelativeImprovement",
    "StoppingRule",
    "ValidationPatience",
]


@dataclasses.dataclass(frozen=True)
class IterationState:
    """What an estimator reports to its stopping rule after iteration ``iteration``.

    Attributes
    ----------
    iteration : int
        Iterations completed, ``t >= 1``.
    objective, previous_objective : float
        :math:`f(t)` and :math:`f(t-1)`, real numbers (a bool or a complex number is a
        TypeError where a rule reads it, as are a non-real gradient norm or score).
    parameters, previous_parameters : ndarray or tuple of ndarray
        :math:`\\theta(t)` and :math:`\\theta(t-1)` (e.g. the centres; for EM a
        tuple ``(weights, means, covariances)``).
    gradient_norm : float, optional
        :math:`\\|\\nabla f(\\theta(t))\\|`, where the estimator has one.
    validation_score : float, optional
        Held-out score of :math:`\\theta(t)`, higher is better (scikit-learn's
        ``score``: accuracy, mean log-likelihood, minus inertia); supplied when
        the rule asks for it through ``validation_data``.
    sense : {"min", "max"}
        Whether the algorithm lowers or raises ``objective`` (its trace's
        ``OBJECTIVE_SENSE``); anything else is a ValueError.
    """

    iteration: int
    objective: float
    previous_objective: float
    parameters: object
    previous_parameters: object
    gradient_norm: float | None = None
    validation_score: float | None = None
    sense: str = "min"

    def __post_init__(self):
        check_option(self.sense, "IterationState.sense", ("min", "max"))
        check_int(self.iteration, "IterationState.iteration", minimum=1)  # t >= 1: iteration 0 is the start


def _finite(value, quantity, iteration, meaning):
    """``value`` as a float; a ValueError naming ``quantity``, its iteration and what it means
    when it is NaN or infinite (a rule given such a value would silently never fire)."""
    if not isinstance(value, (str, bytes)) and np.asarray(value).dtype.kind in "bc":
        # float() reads True as 1 and a NumPy complex as its real part, with only a ComplexWarning
        # (an audit, 2026-12-07: ValidationPatience kept 0.5 as the score of a state scored 0.5+3j)
        raise TypeError(f"{quantity} of iteration {iteration} must be a real number, got {value!r} "
                        f"({type(value).__name__})")
    try:
        if isinstance(value, (str, bytes)):  # float("2.0") would parse it
            raise TypeError
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{quantity} of iteration {iteration} must be a number, got {value!r}") from None
    except OverflowError:  # a Python int beyond float64
        raise ValueError(f"{quantity} of iteration {iteration} is beyond the range of float64, not a finite "
                         f"number: {meaning}") from None
    if not math.isfinite(value):
        raise ValueError(f"{quantity} of iteration {iteration} is {value}, not a finite number: {meaning}")
    return value


#: What a non-finite objective, gradient norm or parameter means, and what to do.
_DIVERGED = (
    "the run diverged (an overflow or an invalid operation), so there is no convergence to test; "
    "find the cause (e.g. rescale the data) rather than a stopping rule"
)
#: What a non-finite validation score means, and what to do.
_NO_SCORE = (
    "the held-out score of this iteration's model is undefined (the run diverged, or X_val is out of the "
    "model's range), so it cannot be ranked against the others or kept as the best; check the run and X_val"
)


def _objectives(rule, state):
    """``(f(t), f(t-1))`` of ``state``, both finite."""
    t = state.iteration
    now = _finite(state.objective, f"{type(rule).__name__}: the objective", t, _DIVERGED)
    before = _finite(state.previous_objective, f"{type(rule).__name__}: the objective", t - 1, _DIVERGED)
    return now, before


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """The best state early stopping saw: its iteration, score and a copy of its parameters.

    Attributes
    ----------
    iteration : int
        The iteration of the state (0: the initial state, recorded by
        :meth:`ValidationPatience.observe_initial`).
    score : float
        Its held-out score.
    parameters : ndarray or tuple of ndarray
        A copy of its parameters, as in :class:`IterationState`.
    """

    iteration: int
    score: float
    parameters: object


def _copy(parameters):
    if isinstance(parameters, tuple):
        return tuple(np.array(p, copy=True) for p in parameters)
    return np.array(parameters, copy=True)


class StoppingRule:
    """Base of the rules: ``start()``, ``update(state) -> bool``, ``reason``,
    ``checkpoint``, ``validation_data``; ``|`` and ``&`` combine rules."""

    #: Short name used in the trace's stop_reason, ``"rule:<name>"``.
    name = "rule"
    #: Whether the rule held at the last update.
    fired = False
    #: The iteration of the last update (None before the first): where the run stopped, if
    #: the rule ``fired`` there, also when the estimator cut its trace back to a checkpoint.
    consulted_at = None

    def start(self):
        """Forget the previous run (called by the estimator before iterating)."""
        self.fired = False
        self.consulted_at = None

    def update(self, state):
        """Record one iteration; True when the run should stop now.

        Parameters
        ----------
        state : IterationState
            What the estimator reports after the iteration.

        Returns
        -------
        bool
        """
        self.fired = bool(self._holds(state))
        self.consulted_at = state.iteration
        return self.fired

    def _copy_for_run(self):
        """A copy of the rule for one run (one start of one fit), which that run updates: the rule
        given as ``stop=`` stays as its user made it (a scikit-learn estimator never changes its
        parameters), and the fitted estimator keeps the copy of the run it returned (``stop_``).
        A deep copy, so that a rule keeping lists or arrays of its own is safe; the held-out data
        (``validation_data``, ``validation_weight``) are shared, not copied."""
        shared = {id(part): part for rule in _leaves(self)
                  for part in (*(rule.validation_data or ()), rule.validation_weight) if part is not None}
        return copy.deepcopy(self, shared)

    @property
    def reason(self):
        """``"rule:<name>"``: the stop_reason an estimator records when this rule fires."""
        return f"rule:{self.name}"

    @property
    def checkpoint(self):
        """The best state kept by early stopping, or None."""
        return None

    @property
    def validation_data(self):
        """``(X_val, y_val)`` when the rule needs ``state.validation_score``, else None."""
        return None

    @property
    def validation_weight(self):
        """Sample weights of ``X_val`` for the validation score, or None (every point weighs 1)."""
        return None

    def __or__(self, other):
        return AnyOf(self, other)

    def __and__(self, other):
        return AllOf(self, other)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def _params(self):
        return {}


class _Threshold(StoppingRule):
    def __init__(self, eps):
        self.eps = check_real(eps, "eps", minimum=0.0, strict=True)

    def _params(self):
        return {"eps": self.eps}


class LossPlateau(_Threshold):
    """Stop when the objective stops moving: :math:`|f(t) - f(t-1)| < \\varepsilon`.

    Parameters
    ----------
    eps : float > 0
        The threshold :math:`\\varepsilon`.
    """

    name = "loss_plateau"

    def _holds(self, state):
        now, before = _objectives(self, state)
        return abs(now - before) < self.eps


class RelativeImprovement(_Threshold):
    """Stop when the relative improvement falls below ``eps``.

    .. math:: \\frac{f(t-1) - f(t)}{|f(t-1)|} < \\varepsilon

    for a minimised objective (``state.sense == "min"``); for a maximised one
    the improvement is :math:`f(t) - f(t-1)`. A step that makes things worse
    has a negative improvement and stops the run. With :math:`f(t-1) = 0` the
    ratio is :math:`+\\infty`, 0 or :math:`-\\infty` by the sign of the improvement.

    Parameters
    ----------
    eps : float > 0
        The threshold :math:`\\varepsilon`.
    """

    name = "relative_improvement"

    def _holds(self, state):
        now, before = _objectives(self, state)
        improvement = before - now
        if state.sense == "max":
            improvement = -improvement
        scale = abs(before)
        if scale == 0.0:
            return improvement <= 0.0
        with np.errstate(over="ignore"):  # a subnormal f(t-1): the ratio is +-inf, as intended
            return np.float64(improvement) / scale < self.eps


class ParameterChange(_Threshold):
    """Stop when the parameters stop moving: :math:`\\|\\theta(t) - \\theta(t-1)\\| < \\varepsilon`
    (Euclidean norm over all parameter arrays together).

    :math:`\\theta(t)` and :math:`\\theta(t-1)` must hold the same arrays with the same
    shapes (a ValueError otherwise: no truncation, no broadcasting), all finite, not all
    empty (an empty change of norm 0 is no convergence), of real numbers (a complex array is a
    TypeError; integers and booleans are read in float64).

    Parameters
    ----------
    eps : float > 0
        The threshold :math:`\\varepsilon`.
    """

    name = "parameter_change"

    def _holds(self, state):
        with np.errstate(over="ignore"):  # finite parameters 2e308 apart: a change of inf, which is no convergence
            change = np.concatenate([(now - before).ravel() for now, before in _parameter_pairs(state)])
        return euclidean_norm(change) < self.eps  # finite where the squares overflow or underflow


def _parameter_pairs(state):
    """The arrays of :math:`\\theta(t)` paired with those of :math:`\\theta(t-1)`, in float64: the same
    number of arrays, pairwise of the same shape, all finite (a ValueError naming the mismatch)."""
    t = state.iteration
    now, before = state.parameters, state.previous_parameters
    described = [f"a tuple of {len(p)} array(s)" if isinstance(p, tuple) else "one array" for p in (now, before)]
    if described[0] != described[1]:
        raise ValueError(
            f"ParameterChange: the parameters of iteration {t} are {described[0]} and those of iteration {t - 1} "
            f"{described[1]}; an estimator must report the same parameters at every iteration"
        )
    arrays_now, arrays_before = (p if isinstance(p, tuple) else (p,) for p in (now, before))
    if not arrays_now:
        raise ValueError(f"ParameterChange: the parameters of iteration {t} are an empty tuple; there is no change "
                         "to measure")
    pairs = []
    for i, (a, b) in enumerate(zip(arrays_now, arrays_before)):
        for iteration, array in ((t, a), (t - 1, b)):  # NumPy makes None NaN and parses strings
            try:
                numeric = array is not None and np.asarray(array).dtype.kind in "biuf"
            except ValueError:  # ragged nesting: NumPy's "inhomogeneous shape"
                numeric = False
            if not numeric:
                raise TypeError(f"ParameterChange: parameter array {i} of iteration {iteration} must be an array of "
                                f"numbers, got {array!r}")
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            raise ValueError(
                f"ParameterChange: parameter array {i} has shape {a.shape} at iteration {t} and {b.shape} at "
                f"iteration {t - 1}; the change is only defined between arrays of the same shape"
            )
        for iteration, array in ((t, a), (t - 1, b)):
            if not np.all(np.isfinite(array)):
                raise ValueError(
                    f"ParameterChange: parameter array {i} of iteration {iteration} contains NaN or infinity: "
                    + _DIVERGED
                )
        pairs.append((a, b))
    if not any(a.size for a, _ in pairs):  # as for an empty tuple (an audit, 2026-12-07)
        raise ValueError(f"ParameterChange: the parameters of iteration {t} are empty arrays; there is no change "
                         "to measure")
    return pairs


class GradientNorm(_Threshold):
    """Stop when :math:`\\|\\nabla f(\\theta(t))\\| < \\varepsilon`, for loops that compute a gradient and
    pass its norm in ``IterationState.gradient_norm`` (your own gradient descent, as in
    examples/convergence_stopping.py). classic's estimators report none and refuse the rule.

    Parameters
    ----------
    eps : float > 0
        The threshold :math:`\\varepsilon`.
    """

    name = "gradient_norm"

    def _holds(self, state):
        if state.gradient_norm is None:
            raise ValueError("GradientNorm needs the gradient's norm at each iteration: pass it as "
                             "IterationState(..., gradient_norm=...)")
        if np.ndim(state.gradient_norm) != 0:
            raise ValueError(f"GradientNorm: the gradient norm of iteration {state.iteration} must be one number, got "
                             f"shape {np.shape(state.gradient_norm)}; report the norm, not the gradient")
        norm = _finite(state.gradient_norm, "GradientNorm: the gradient norm", state.iteration, _DIVERGED)
        if norm < 0:
            raise ValueError(f"GradientNorm: the gradient norm of iteration {state.iteration} is {norm}, but a norm "
                             "is >= 0; check what the estimator reports")
        return norm < self.eps


class ValidationPatience(StoppingRule):
    """Early stopping: stop after ``patience`` iterations without a held-out improvement.

    The estimator computes ``state.validation_score`` on ``(X_val, y_val)``
    (higher is better). An iteration improves when its score exceeds the best
    so far by more than ``min_delta`` (the gain compared exactly, in rational arithmetic); the rule fires at the first iteration
    :math:`t` with :math:`t - t_{\\text{improved}} \\ge` ``patience``, :math:`t_{\\text{improved}}`
    the last iteration that improved, and keeps the best state, the one of the highest
    score seen (the earliest of equal ones), as :attr:`checkpoint` for the estimator to
    restore (Goodfellow, Bengio & Courville, *Deep Learning*, §7.8, Algorithm 7.1; with
    ``min_delta`` as scikit-learn's early stopping uses its ``tol``: a gain within it is
    no reason to wait longer, but its state is kept if it is the best).
    A NaN or infinite score is a ValueError: it cannot be ranked against the
    others, and must never become the checkpoint.

    Parameters
    ----------
    patience : int >= 1
    X_val : array-like of shape (n_samples, n_features)
    y_val : array-like of shape (n_samples,), optional
        The held-out labels: required by the perceptron, refused by KMeans and
        GaussianMixture (they score X_val without labels).
    min_delta : float >= 0, default 0
    sample_weight : array-like of shape (n_samples,), optional
        Weights of the held-out points: k-means and the perceptron then score as their
        ``score(X_val, y_val, sample_weight=...)`` (minus the weighted inertia, the weighted
        accuracy), EM by the weighted mean held-out log-likelihood.
        Validated by the estimator's ``fit``, with the same rules as its ``sample_weight``.
    """

    name = "validation_patience"

    def __init__(self, patience, X_val, y_val=None, *, min_delta=0.0, sample_weight=None):
        self.patience = check_int(patience, "patience", minimum=1)
        self.min_delta = check_real(min_delta, "min_delta", minimum=0.0)
        if X_val is None:
            raise ValueError("ValidationPatience needs held-out data, X_val, got None: pass the rows the estimator "
                             "should be scored on, e.g. ValidationPatience(5, X_val, y_val)")
        self.X_val = X_val
        self.y_val = y_val
        self.sample_weight = sample_weight
        self._best = None  # update() works before start(): a new rule has seen nothing
        self._improved = None  # the last iteration that improved by more than min_delta

    def _params(self):
        return {"patience": self.patience, "min_delta": self.min_delta}

    @property
    def validation_data(self):
        return (self.X_val, self.y_val)

    @property
    def validation_weight(self):
        return self.sample_weight

    @property
    def checkpoint(self):
        return self._best

    def start(self):
        super().start()
        self._best = self._improved = None

    def observe_initial(self, score, parameters):
        """Optionally record the initial state (iteration 0) as a candidate checkpoint.

        Parameters
        ----------
        score : float
            The held-out score of the initial state, finite.
        parameters : ndarray or tuple of ndarray
            The initial parameters (copied).
        """
        self._best = Checkpoint(0, _finite(score, "ValidationPatience: the validation score", 0, _NO_SCORE),
                                _copy(parameters))
        self._improved = 0

    def _holds(self, state):
        if state.validation_score is None:
            raise ValueError("ValidationPatience needs state.validation_score; the estimator did not compute one")
        score = _finite(state.validation_score, "ValidationPatience: the validation score", state.iteration, _NO_SCORE)
        # the gain, compared exactly: score > best + min_delta rounds the sum (0.1 + 0.2 after 0.1, min_delta
        # 0.2, gains 0.2 + 2.8e-17 but was no improvement; an audit, 2026-12-06)
        if self._best is None or Fraction(score) - Fraction(self._best.score) > Fraction(self.min_delta):
            self._improved = state.iteration
        if self._best is None or score > self._best.score:  # the best state, by any margin (scikit-learn's)
            self._best = Checkpoint(state.iteration, score, _copy(state.parameters))
        return state.iteration - self._improved >= self.patience


class _Combination(StoppingRule):
    def __init__(self, *rules):
        if len(rules) < 2:
            raise ValueError(f"{type(self).__name__} combines at least two rules, got {len(rules)}")
        flat = []
        for rule in rules:
            if not isinstance(rule, StoppingRule):
                raise TypeError(f"{type(self).__name__} combines stopping rules, got {type(rule).__name__}")
            flat.extend(rule.rules if type(rule) is type(self) else (rule,))
        self.rules = tuple(flat)
        held_out = [(r.validation_data, r.validation_weight) for r in _leaves(self) if r.validation_data is not None]
        if any(not _same_held_out(held_out[0], other) for other in held_out[1:]):
            raise ValueError(
                f"{type(self).__name__} combines rules with different held-out data, but an estimator scores one "
                "held-out set per iteration (the first rule's), so the other rule would be scored on it: give "
                "them the same X_val (of one dtype), y_val and sample_weight, or keep one of them"
            )

    def start(self):
        super().start()
        for rule in self.rules:
            rule.start()

    @property
    def checkpoint(self):
        return next((r.checkpoint for r in self.rules if r.checkpoint is not None), None)

    @property
    def validation_data(self):
        return next((r.validation_data for r in self.rules if r.validation_data is not None), None)

    @property
    def validation_weight(self):
        # the weights of the rule whose validation data is used
        return next((r.validation_weight for r in self.rules if r.validation_data is not None), None)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(map(repr, self.rules))})"


class AnyOf(_Combination):
    """Stop when any of the rules holds (``a | b``); every rule sees every
    iteration. ``reason`` names the rules that fired.

    Parameters
    ----------
    *rules : StoppingRule
        At least two rules (an ``AnyOf`` among them is opened); those with held-out data must
        have the same data (a ValueError otherwise).
    """

    def update(self, state):
        fired = [rule.update(state) for rule in self.rules]
        self.fired, self.consulted_at = any(fired), state.iteration
        return self.fired

    @property
    def name(self):
        fired = [_operand(r) for r in self.rules if r.fired]
        return "|".join(fired) if fired else "|".join(_operand(r) for r in self.rules)


class AllOf(_Combination):
    """Stop when all the rules hold at the same iteration (``a & b``).

    Parameters
    ----------
    *rules : StoppingRule
        At least two rules (an ``AllOf`` among them is opened); those with held-out data must
        have the same data (a ValueError otherwise).
    """

    def update(self, state):
        fired = [rule.update(state) for rule in self.rules]
        self.fired, self.consulted_at = all(fired), state.iteration
        return self.fired

    @property
    def name(self):
        return "&".join(_operand(r) for r in self.rules)


def kept_reason(rule, ended_by):
    """The ``stop_reason`` of a run that ``ended_by`` ended while ``rule`` kept an earlier, better
    state, which the estimator returns with the trace cut there (proofs/convergence.md, CV-7): the
    rule's own reason if it fired (``ended_by`` is ``rule.reason``), else, the loop's own test
    ("max_iter" or "tol") having ended the run, ``"rule:<name> (best before <ended_by>)"``, named
    after the rule whose checkpoint it is. Certificates read both as a rule's stop: a prefix of the
    run, ended where none of the loop's own tests held."""
    if ended_by == rule.reason:
        return ended_by
    holder = next(leaf for leaf in _leaves(rule) if leaf.checkpoint is not None)
    return f"rule:{holder.name} (best before {ended_by})"


def kept_reason_agrees(stop_reason, n_iter, max_iter, tol_active):
    """Whether a trace's ``"rule:<name> (best before ...)"`` can come from the loop, for the
    certificates: a checkpoint cut back from max_iter lies before it (n_iter < max_iter), one cut
    back from tol needs a fit with tol (``tol_active``); any other reason: True (an audit found a
    relabelled full run accepted)."""
    if stop_reason.endswith("(best before max_iter)"):
        return n_iter < max_iter
    if stop_reason.endswith("(best before tol)"):
        return bool(tol_active) and n_iter < max_iter
    return True


def ended_by_max_iter(stop_reason):
    """Whether ``max_iter`` ended the run: ``"max_iter"``, or a checkpoint returned after it,
    ``"rule:<name> (best before max_iter)"`` (the estimators' ConvergenceWarning says so in both
    cases, as scikit-learn's MLP warns whether or not it restores its best coefficients)."""
    return stop_reason == "max_iter" or stop_reason.endswith("(best before max_iter)")


def check_stop(stop, owner, refused=None):
    """``stop=`` of one of classic's estimators (``owner``, its class name), checked with its other
    parameters: None or a stopping rule (a ParameterError names what it got), none of whose parts
    needs a gradient norm (no estimator of classic reports one: GradientNorm is for loops that
    compute a gradient, as examples/convergence_stopping.py's gradient descent does; before, the fit
    raised from inside its loop, after its first iteration), nor is ``refused``: ``(rule class,
    message)``, a rule the estimator's objective makes meaningless (the perceptron's
    RelativeImprovement), refused with that message."""
    if stop is None:
        return
    if not isinstance(stop, StoppingRule):
        raise ParameterError(f"stop must be a classic.convergence stopping rule or None, got {type(stop).__name__}")
    leaves = _leaves(stop)
    if any(isinstance(rule, GradientNorm) for rule in leaves):
        usable = [rule.__name__ for rule in (LossPlateau, RelativeImprovement, ParameterChange, ValidationPatience)
                  if refused is None or rule is not refused[0]]
        raise ParameterError(f"GradientNorm cannot stop {owner}, which reports no gradient norm (the rule is for loops "
                             f"that compute one); use a rule on the objective, the parameters or held-out data: "
                             f"{', '.join(usable[:-1])} or {usable[-1]}")
    if refused is not None and any(isinstance(rule, refused[0]) for rule in leaves):
        raise ParameterError(refused[1])


def _leaves(rule):
    """The rules a combination is made of, nested combinations opened."""
    if isinstance(rule, _Combination):
        return [leaf for part in rule.rules for leaf in _leaves(part)]
    return [rule]


def _same_held_out(a, b):
    """Whether two ``((X_val, y_val), sample_weight)`` are the same data: the same objects, or
    arrays equal entry for entry, the rows X_val of one dtype too (float32 rows are scored in
    float32, float64 rows in float64: equal entries of two dtypes are two scores; an audit,
    2026-12-07)."""
    (X_a, y_a), w_a = a
    (X_b, y_b), w_b = b
    if X_a is not X_b and np.asarray(X_a).dtype != np.asarray(X_b).dtype:
        return False
    return all(p is q or (p is not None and q is not None and np.array_equal(np.asarray(p), np.asarray(q)))
               for p, q in ((X_a, X_b), (y_a, y_b), (w_a, w_b)))


def _operand(rule):
    """A rule's name as an operand of a combination: a combination of the other kind in
    parentheses, so that (a | b) & c reads so, not a|b&c."""
    return f"({rule.name})" if isinstance(rule, _Combination) else rule.name
