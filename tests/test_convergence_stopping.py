"""Stopping rules fire exactly where their condition first holds (proofs/convergence.md, CV-7)."""

import importlib
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from classic.convergence import (
    AllOf,
    AnyOf,
    GradientNorm,
    IterationState,
    LossPlateau,
    ParameterChange,
    RelativeImprovement,
    ValidationPatience,
)

values = st.floats(-1e3, 1e3, allow_nan=False)
sequences = st.lists(values, min_size=2, max_size=40)
epsilons = st.floats(1e-6, 1e2)


def run(rule, objective, parameters=None, gradients=None, scores=None, sense="min"):
    """Feed the protocol one iteration at a time; return the iteration at which the rule fired (or None)."""
    rule.start()
    parameters = np.zeros((len(objective), 1)) if parameters is None else parameters
    for t in range(1, len(objective)):
        state = IterationState(
            t, objective[t], objective[t - 1], parameters[t], parameters[t - 1],
            gradient_norm=None if gradients is None else gradients[t],
            validation_score=None if scores is None else scores[t],
            sense=sense,
        )
        if rule.update(state):
            return t
    return None


def first(condition):
    """Oracle: the first t >= 1 where condition[t] holds."""
    hits = [t for t in range(1, len(condition)) if condition[t]]
    return hits[0] if hits else None


@given(sequences, epsilons)
@example([1.0, 1.0], 1e-6)
@example([2.0, 1.0], 1.0)  # a change of exactly eps: no plateau (mutation audit 66: <= passed every test)
def test_cv7_loss_plateau_fires_at_the_first_small_change(f, eps):
    """CV-7 (proofs/convergence.md): LossPlateau fires at the first t with |f(t) - f(t-1)| < eps."""
    f = np.array(f)
    expected = first([False] + list(np.abs(np.diff(f)) < eps))
    assert run(LossPlateau(eps), f) == expected


@given(sequences, epsilons, st.sampled_from(["min", "max"]))
@example([0.0, 0.0], 1e-3, "min")
@example([0.0, 1.0], 1e-3, "max")
@example([2.0, 1.0], 0.5, "min")  # a relative gain of exactly eps: the run goes on (audit 66: <=)
def test_cv7_relative_improvement_fires_at_the_first_small_gain(f, eps, sense):
    """CV-7 (proofs/convergence.md): RelativeImprovement fires at the first t with
    improvement / |f(t-1)| < eps (improvement = f(t-1) - f(t), or its negative for "max")."""
    f = np.array(f)
    condition = [False]
    for t in range(1, len(f)):
        gain = (f[t - 1] - f[t]) * (1 if sense == "min" else -1)
        with np.errstate(over="ignore"):
            condition.append(gain <= 0 if f[t - 1] == 0 else gain / abs(f[t - 1]) < eps)
    assert run(RelativeImprovement(eps), f, sense=sense) == first(condition)


@given(st.lists(st.lists(values, min_size=3, max_size=3), min_size=2, max_size=30), epsilons)
def test_cv7_parameter_change_fires_at_the_first_small_step(thetas, eps):
    """CV-7 (proofs/convergence.md): ParameterChange fires at the first t with ||θ(t) - θ(t-1)|| < eps."""
    theta = np.array(thetas)
    steps = np.linalg.norm(np.diff(theta, axis=0), axis=1)
    expected = first([False] + list(steps < eps))
    assert run(ParameterChange(eps), np.zeros(len(theta)), parameters=theta) == expected


def test_parameter_change_takes_tuples_of_arrays():
    """EM's parameters are (weights, means, covariances): the norm runs over all of them."""
    before = (np.array([0.5, 0.5]), np.zeros((2, 2)))
    after = (np.array([0.5, 0.5]), np.array([[0.0, 0.3], [0.4, 0.0]]))  # change of norm 0.5
    state = IterationState(1, 0.0, 0.0, after, before)
    assert not ParameterChange(0.5).update(state)
    assert ParameterChange(0.5000001).update(state)


def test_parameter_change_of_parameters_near_the_largest_float():
    """CV-7: parameters near 1e300 whose squared change overflows still have their finite change
    (a probe, 2026-12-05: the change was inf, with NumPy's overflow warning, so the rule never
    fired); GaussianMixture under a prior of covariance 1e300 records finite parameter changes."""
    import warnings

    from classic import GaussianMixture, GaussianMixturePrior

    state = IterationState(2, 0.0, 0.0, np.array([3e300, 1.0]), np.array([1e300, 1.0]))  # a change of 2e300
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert not ParameterChange(1e300).update(state)
        assert ParameterChange(2.0000001e300).update(state)
        X = np.random.default_rng(0).normal(size=(60, 3))
        model = GaussianMixture(2, random_state=0, prior=GaussianMixturePrior(covariance=1e300),
                                stop=ParameterChange(1e-3)).fit(X)
    assert np.all(np.isfinite(model.trace_.parameter_change)) and np.all(model.trace_.parameter_change > 1e298)


@given(st.lists(st.floats(0, 1e3), min_size=2, max_size=40), epsilons)
@example([1.0, 0.5], 0.5)  # a norm of exactly eps: not below it (mutation audit 66: <= passed every test)
def test_cv7_gradient_norm_fires_at_the_first_small_gradient(gradients, eps):
    """CV-7 (proofs/convergence.md): GradientNorm fires at the first t with ||∇f|| < eps."""
    g = np.array(gradients)
    assert run(GradientNorm(eps), np.zeros(len(g)), gradients=g) == first(list(g < eps))


def test_gradient_norm_without_a_gradient_is_an_error():
    """A loop of the user's that gives GradientNorm no gradient norm is told how to pass it (it was
    told of an estimator that reports none: classic's refuse the rule before their run)."""
    with pytest.raises(ValueError, match=r"^GradientNorm needs the gradient's norm at each iteration: pass it as "
                                         r"IterationState\(\.\.\., gradient_norm=\.\.\.\)$"):
        GradientNorm(1e-3).update(IterationState(1, 0.0, 1.0, np.zeros(1), np.zeros(1)))


def patience_oracle(scores, patience, min_delta):
    """scikit-learn's early stopping (MLP's _update_no_improvement_count, its tol as min_delta):
    patience counts from the last gain of more than min_delta over the best (the gain exact), and
    the best state is the best score's, by any margin."""
    best_t, best, improved = None, None, None
    for t in range(1, len(scores)):
        if best is None or Fraction(scores[t]) - Fraction(best) > Fraction(min_delta):
            improved = t
        if best is None or scores[t] > best:
            best_t, best = t, scores[t]
        if t - improved >= patience:
            return t, best_t
    return None, best_t


@given(st.lists(st.floats(0, 1), min_size=2, max_size=40), st.integers(1, 6), st.sampled_from([0.0, 0.01, 0.1]))
@example([0.0, 0.5, 0.55, 0.52], 2, 0.1)  # a best within min_delta: kept, but no reason to wait
@example([0.0, 0.1, 0.1 + 0.2], 1, 0.2)  # a gain of 0.2 + 2.8e-17, no gain by score > best + min_delta
@example([0.0, -1e-17, 1.0], 1, 1.0)  # a gain of 1 + 1e-17, which the float 1.0 - (-1e-17) = 1.0 loses
@example([0.0, 0.0, 0.1], 1, 0.1)  # a gain of the float 0.1 exactly, not of 1/10 (Fraction("0.1"): audit 66)
def test_cv7_validation_patience_stops_after_patience_and_keeps_the_best(scores, patience, min_delta):
    """CV-7 (proofs/convergence.md): early stopping fires at the first t with t - t_improved >=
    patience, and its checkpoint is the parameters of iteration t_best, the best score's (a copy)."""
    s = np.array(scores)
    theta = np.arange(len(s), dtype=float)[:, None] * np.ones((1, 2))
    rule = ValidationPatience(patience, np.zeros((3, 2)), min_delta=min_delta)
    fired = run(rule, np.zeros(len(s)), parameters=theta, scores=s)
    expected, best_t = patience_oracle(s, patience, min_delta)
    assert fired == expected
    assert rule.checkpoint.iteration == best_t
    np.testing.assert_array_equal(rule.checkpoint.parameters, theta[best_t])
    theta[best_t] = -1.0
    assert rule.checkpoint.parameters[0] == best_t  # a copy, not a view


def test_validation_patience_with_min_delta_keeps_the_best_state():
    """Scores 0.50, 0.54, 0.53, 0.52 with min_delta = 0.05: no gain beyond min_delta after 0.50, so
    the rule fires at iteration 4, and restores 0.54's state, the best seen (it restored 0.50's, the
    last gain beyond min_delta, where the docstring promised the best: an audit, 2026-12-05)."""
    rule = ValidationPatience(3, np.zeros((3, 2)), min_delta=0.05)
    theta = np.arange(5, dtype=float)[:, None]
    assert run(rule, np.zeros(5), parameters=theta, scores=np.array([0.0, 0.50, 0.54, 0.53, 0.52])) == 4
    assert rule.checkpoint.iteration == 2 and rule.checkpoint.score == 0.54


def test_validation_patience_needs_a_score_and_reports_its_data():
    X_val, y_val = np.zeros((3, 2)), np.array([0, 1, 0])
    rule = ValidationPatience(2, X_val, y_val)
    assert rule.validation_data[0] is X_val and rule.validation_data[1] is y_val
    rule.start()
    with pytest.raises(ValueError, match="validation_score"):
        rule.update(IterationState(1, 0.0, 1.0, np.zeros(1), np.zeros(1)))


NON_FINITE = [np.nan, np.inf, -np.inf]


@pytest.mark.parametrize("bad", NON_FINITE)
@pytest.mark.parametrize(
    "make",
    [lambda: LossPlateau(1e-3), lambda: RelativeImprovement(1e-3), lambda: LossPlateau(1e-3) | ParameterChange(1e-9)],
    ids=["LossPlateau", "RelativeImprovement", "LossPlateau|ParameterChange"],
)
def test_cv7_a_non_finite_objective_is_an_error_not_a_rule_that_never_fires(make, bad):
    """CV-7 (proofs/convergence.md): a run whose objective turns NaN or infinite diverged; the rule
    raises, naming the objective, the iteration and what it means, whether f(t) or f(t-1) is bad."""
    with pytest.raises(ValueError, match=rf"objective of iteration 2 is {bad}, not a finite number: the run diverged"):
        run(make(), np.array([3.0, 2.0, bad, bad]), parameters=np.arange(4.0)[:, None])
    bad_before = IterationState(2, 1.0, bad, np.zeros(1), np.ones(1))  # f(t-1) = f(1) is bad
    bad_now = IterationState(1, bad, 1.0, np.zeros(1), np.ones(1))  # f(t) = f(1) is bad
    for state in (bad_before, bad_now):
        rule = make()
        rule.start()
        with pytest.raises(ValueError, match=rf"objective of iteration 1 is {bad}"):
            rule.update(state)


@pytest.mark.parametrize("make", [lambda: LossPlateau(1e-3), lambda: RelativeImprovement(1e-3)],
                         ids=["LossPlateau", "RelativeImprovement"])
def test_cv7_an_objective_beyond_float64_is_named_as_such(make):
    """A Python int beyond float64 given as the objective is no finite number either: the CV-7
    message says so, where float() raised its bare OverflowError (an audit, 2026-12-05)."""
    for state in (IterationState(1, 10**400, 2.0, np.zeros(1), np.ones(1)),
                  IterationState(2, 1.0, -10**400, np.zeros(1), np.ones(1))):
        rule = make()
        rule.start()
        with pytest.raises(ValueError, match=r"objective of iteration \d is beyond the range of float64, not a "
                                             r"finite number: the run diverged"):
            rule.update(state)


def test_reported_values_that_are_not_numbers_are_type_errors():
    """A rule driven by hand with a string or None for the objective, the gradient norm or a parameter
    array gets a TypeError naming the value (it was Python's "could not convert string to float", and
    None parameters read as "NaN: the run diverged"; an input review, 2026-12-05). Finite parameters
    2e308 apart have an infinite change, which is no convergence, without NumPy's overflow warning."""
    p = np.zeros(2)
    for objective in ("a", None, "2.0"):
        with pytest.raises(TypeError, match=r"RelativeImprovement: the objective of iteration 2 must be a number, got"):
            RelativeImprovement(1e-3).update(IterationState(2, objective, 2.0, p, p))
    with pytest.raises(TypeError, match="gradient norm of iteration 2 must be a number, got 'x'"):
        GradientNorm(1e-3).update(IterationState(2, 1.0, 2.0, p, p, gradient_norm="x"))
    # a ragged nesting got NumPy's "inhomogeneous shape" (an audit, 2026-12-05)
    for now, before, iteration in ((None, p, 2), (p, None, 1), (np.array(["a", "b"]), p, 2), ([[1, 2], [3]], p, 2)):
        with pytest.raises(TypeError, match=rf"parameter array 0 of iteration {iteration} must be an array of numbers"):
            ParameterChange(1e-3).update(IterationState(2, 1.0, 2.0, now, before))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not ParameterChange(1e-3).update(IterationState(2, 1.0, 2.0, np.full(2, 1e308), np.full(2, -1e308)))


def test_reported_values_that_are_not_real_numbers_are_type_errors():
    """A bool, a complex number or bytes reported as the objective, the gradient norm, the held-out
    score or a parameter array is a TypeError naming it: float() read True as 1, a NumPy complex as its
    real part (with only a ComplexWarning) and b"2.0" as 2.0 (mutation audit 66, 2026-12-07:
    ValidationPatience kept 0.5 as the score of a state scored 0.5+3j). Integer, boolean and float16
    parameters are read in float64 before their change is taken: uint8 0 - 1 is a change of 1, not
    255, and float16 +-6e4 one of 1.2e5, not inf (audit 66: the change taken in their own dtype)."""
    p = np.zeros(1)
    for objective in (True, np.bool_(False), np.complex128(1 + 5j), 1 + 5j, b"2.0"):
        with pytest.raises(TypeError, match=r"LossPlateau: the objective of iteration 1 must be a (real )?number, got"):
            LossPlateau(1e-3).update(IterationState(1, objective, 1.0, p, p))
    with pytest.raises(TypeError, match=r"gradient norm of iteration 1 must be a real number, got True \(bool\)$"):
        GradientNorm(2.0).update(IterationState(1, 0.0, 0.0, p, p, gradient_norm=True))
    rule = ValidationPatience(1, np.zeros((1, 1)))
    rule.start()
    with pytest.raises(TypeError, match=r"validation score of iteration 1 must be a real number, got"):
        rule.update(IterationState(1, 0.0, 0.0, p, p, validation_score=np.complex128(0.5 + 3j)))
    assert rule.checkpoint is None
    with pytest.raises(TypeError, match="parameter array 0 of iteration 2 must be an array of numbers"):
        ParameterChange(1.0).update(IterationState(2, 0.0, 0.0, np.array([1e6j]), np.zeros(1, complex)))
    for now, before, change in ((np.uint8([0]), np.uint8([1]), 1.0), (np.int8([100]), np.int8([-100]), 200.0),
                                (np.float16([6e4]), np.float16([-6e4]), 1.2e5),
                                (np.array([True]), np.array([False]), 1.0)):
        assert not ParameterChange(change).update(IterationState(1, 0.0, 0.0, now, before))
        assert ParameterChange(change * 1.001).update(IterationState(1, 0.0, 0.0, now, before))


def test_relative_improvement_reads_its_default_sense_and_a_subnormal_objective():
    """RelativeImprovement: a state without a sense is a minimisation's (f 2 -> 1 gains 1/2, no stop
    at eps = 0.1; a maximisation's loses, and stops), and f(t-1) = 5e-324, f(t) = -1 gains +inf, no
    stop, without NumPy's overflow warning. Mutation audit 66: a default "max", and the ratio without
    np.errstate, passed every test."""
    p = np.zeros(1)
    assert IterationState(1, 1.0, 2.0, p, p).sense == "min"
    assert not RelativeImprovement(0.1).update(IterationState(1, 1.0, 2.0, p, p))
    assert RelativeImprovement(0.1).update(IterationState(1, 1.0, 2.0, p, p, sense="max"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not RelativeImprovement(1e-3).update(IterationState(1, -1.0, 5e-324, p, p))


@pytest.mark.parametrize("bad", NON_FINITE)
def test_cv7_a_non_finite_gradient_norm_is_an_error(bad):
    """CV-7: GradientNorm on a NaN or infinite gradient norm raises instead of never firing."""
    with pytest.raises(ValueError, match=rf"gradient norm of iteration 2 is {bad}, not a finite number"):
        run(GradientNorm(1e-3), np.zeros(4), gradients=np.array([0.0, 5.0, bad, 0.0]))


@pytest.mark.parametrize("bad", NON_FINITE)
def test_cv7_non_finite_parameters_are_an_error(bad):
    """CV-7: ParameterChange on parameters holding NaN or infinity (in θ(t) or θ(t-1)) raises."""
    theta = np.array([[0.0, 1.0], [0.5, bad], [0.5, bad]])
    with pytest.raises(ValueError, match="parameter array 0 of iteration 1 contains NaN or infinity: the run diverged"):
        run(ParameterChange(1e-3), np.zeros(3), parameters=theta)
    state = IterationState(3, 0.0, 0.0, (np.zeros(2), np.zeros(2)), (np.zeros(2), np.array([bad, 0.0])))
    with pytest.raises(ValueError, match="parameter array 1 of iteration 2 contains NaN"):
        ParameterChange(1e-3).update(state)


@pytest.mark.parametrize(
    "now, before, message",
    [
        ((np.zeros(2), np.zeros(2)), (np.zeros(2),), r"a tuple of 2 array\(s\) and those of iteration 0 a tuple of 1"),
        ((np.zeros(2),), np.zeros(2), r"a tuple of 1 array\(s\) and those of iteration 0 one array"),
        (np.zeros((2, 2)), np.zeros(2), r"shape \(2, 2\) at iteration 1 and \(2,\) at iteration 0"),
        ((np.zeros(1), np.zeros((1, 3))), (np.zeros(1), np.zeros(3)), "parameter array 1 has shape"),
    ],
)
def test_parameter_change_refuses_parameters_that_do_not_match(now, before, message):
    """ParameterChange compares θ(t) with θ(t-1) array by array: a missing array or another shape is an
    error (it used to truncate the tuples or broadcast the shapes, and fire on a change of 0)."""
    with pytest.raises(ValueError, match=message):
        ParameterChange(1e-3).update(IterationState(1, 0.0, 0.0, now, before))


@pytest.mark.parametrize("bad", NON_FINITE)
def test_cv7_a_non_finite_validation_score_is_an_error_never_a_checkpoint(bad):
    """CV-7: early stopping on scores [_, bad, .5, .9, 1.0] raises at iteration 1, naming the score; it
    used to fire at t = 3 keeping the NaN of iteration 1 as its best. The same for the initial state."""
    rule = ValidationPatience(2, np.zeros((3, 2)))
    theta = np.arange(5.0)[:, None]
    with pytest.raises(ValueError, match=rf"validation score of iteration 1 is {bad}, not a finite number"):
        run(rule, np.zeros(5), parameters=theta, scores=np.array([0.0, bad, 0.5, 0.9, 1.0]))
    assert rule.checkpoint is None
    with pytest.raises(ValueError, match=rf"validation score of iteration 0 is {bad}"):
        rule.observe_initial(bad, theta[0])


def test_observe_initial_keeps_a_copy_that_is_returned_when_nothing_beats_it():
    """ValidationPatience.observe_initial (for loops that score their start) copies the parameters,
    as its docstring says: editing the caller's array afterwards leaves the checkpoint as it was (a
    rule keeping the array itself passed every test: audit 49); with no later score above the
    start's, the start is the checkpoint the rule keeps when it fires."""
    rule = ValidationPatience(2, np.zeros((3, 2)))
    rule.start()
    start = np.zeros(2)
    rule.observe_initial(1.0, start)
    start[:] = 5.0
    theta = np.arange(6.0).reshape(3, 2)
    fired = [rule.update(IterationState(t, 0.0, 0.0, theta[t], theta[t - 1], validation_score=0.5))
             for t in (1, 2)]
    assert fired == [False, True]
    assert rule.checkpoint.iteration == 0 and np.array_equal(rule.checkpoint.parameters, np.zeros(2))


def test_a_cut_back_run_is_named_after_the_rule_whose_checkpoint_it_is():
    """CV-7: a checkpoint returned after max_iter or tol ended the run is named after the rule of a
    combination that holds it, "rule:validation_patience (best before max_iter)", not after the
    whole combination (which passed every test: audit 49); a rule that fired gives its own reason."""
    from classic.convergence import LossPlateau
    from classic.convergence.stopping import kept_reason

    rule = LossPlateau(1e-12) | ValidationPatience(100, np.zeros((3, 2)))
    rule.start()
    rule.update(IterationState(1, 2.0, 3.0, np.ones(2), np.zeros(2), validation_score=-1.0))
    assert kept_reason(rule, "max_iter") == "rule:validation_patience (best before max_iter)"
    assert kept_reason(rule, "tol") == "rule:validation_patience (best before tol)"
    assert kept_reason(rule, rule.reason) == rule.reason


def _nan_held_out_inertia(monkeypatch):
    module = importlib.import_module("classic.kmeans")
    nearest = module._nearest_centers
    monkeypatch.setattr(module, "_nearest_centers", lambda *a, **k: (nearest(*a, **k)[0], np.nan))
    return module.KMeans


def _nan_held_out_likelihood(monkeypatch):
    module = importlib.import_module("classic.gmm")
    monkeypatch.setattr(module, "log_normalisers", lambda a: np.full(a.shape[0], np.nan))
    return module.GaussianMixture


@pytest.mark.parametrize("simulate", [_nan_held_out_inertia, _nan_held_out_likelihood])
def test_a_non_finite_validation_score_stops_the_fit_with_the_rule_s_error(simulate, monkeypatch):
    """CV-7 inside an estimator: the estimators' own checks keep their objectives and held-out scores
    finite, so a NaN score is simulated (the held-out inertia, resp. log-likelihood, made NaN); fit with
    stop=ValidationPatience then raises the rule's error at the first iteration, not swallowed and
    not turned into a model."""
    Estimator = simulate(monkeypatch)
    X = np.random.default_rng(0).normal(size=(60, 2))
    model = Estimator(3, random_state=0, stop=ValidationPatience(2, X[:10]))
    with pytest.raises(ValueError, match="ValidationPatience: the validation score of iteration 1 is nan"):
        model.fit(X)
    assert not hasattr(model, "trace_")


def test_iteration_state_rejects_an_unknown_sense():
    """sense is "min" or "max"; "maximize" used to be taken silently as "min"."""
    with pytest.raises(ValueError, match="IterationState.sense must be one of 'min', 'max'; got 'maximize'"):
        IterationState(1, 2.0, 1.0, np.zeros(1), np.zeros(1), sense="maximize")


def test_validation_patience_works_before_start():
    """A new ValidationPatience has seen nothing: update() without start() behaves as after start()
    (it used to raise AttributeError)."""
    scores = [0.0, 0.3, 0.7, 0.6, 0.5]
    fresh, started = ValidationPatience(2, np.zeros((2, 2))), ValidationPatience(2, np.zeros((2, 2)))
    started.start()
    for t in range(1, len(scores)):
        state = IterationState(t, 0.0, 0.0, np.full(1, t), np.full(1, t - 1), validation_score=scores[t])
        assert fresh.update(state) == started.update(state) == (t == 4)
    assert fresh.checkpoint.iteration == started.checkpoint.iteration == 2


@given(sequences, epsilons, epsilons)
def test_cv7_any_of_fires_at_the_earliest_and_all_of_at_the_first_joint_iteration(f, eps_a, eps_b):
    """CV-7 (proofs/convergence.md): a | b fires at the first t where a or b holds; a & b where both hold."""
    f = np.array(f)
    a = [False] + list(np.abs(np.diff(f)) < eps_a)
    plateau, relative = LossPlateau(eps_a), RelativeImprovement(eps_b)
    with np.errstate(over="ignore"):
        gains = [False] + [
            (f[t - 1] - f[t] <= 0) if f[t - 1] == 0 else (f[t - 1] - f[t]) / abs(f[t - 1]) < eps_b
            for t in range(1, len(f))
        ]
    assert run(plateau | relative, f) == first([x or y for x, y in zip(a, gains)])
    assert run(plateau & relative, f) == first([x and y for x, y in zip(a, gains)])


def test_the_reason_names_the_rule_that_fired():
    f = np.array([10.0, 5.0, 4.999, 4.0])
    rule = LossPlateau(0.01) | ParameterChange(1e-9)
    assert run(rule, f, parameters=np.arange(4.0)[:, None]) == 2
    assert rule.reason == "rule:loss_plateau"
    both = LossPlateau(0.01) & RelativeImprovement(0.01)
    assert run(both, f) == 2 and both.reason == "rule:loss_plateau&relative_improvement"
    assert LossPlateau(1.0).reason == "rule:loss_plateau"
    nested = (LossPlateau(0.01) | RelativeImprovement(0.01)) & ParameterChange(1e-9)  # a|b&c before 2026-12-04
    assert nested.reason == "rule:(loss_plateau|relative_improvement)&parameter_change"
    assert ((LossPlateau(0.01) & RelativeImprovement(0.01)) | ParameterChange(1e-9)).reason == \
        "rule:(loss_plateau&relative_improvement)|parameter_change"
    fired = (LossPlateau(0.01) & RelativeImprovement(0.01)) | ParameterChange(1e-9)   # the nested rule fired
    assert run(fired, f, parameters=np.arange(4.0)[:, None]) == 2
    assert fired.reason == "rule:(loss_plateau&relative_improvement)"   # mutation audit 66: parentheses lost


def test_combinations_flatten_and_find_checkpoints():
    patience = ValidationPatience(1, np.zeros((2, 2)))
    rule = LossPlateau(1e-3) | RelativeImprovement(1e-3) | patience
    assert len(rule.rules) == 3
    assert rule.validation_data == (patience.X_val, None)
    scores = np.array([0.0, 0.5, 0.4])
    assert run(rule, np.array([3.0, 2.0, 1.0]), scores=scores) == 2
    assert rule.checkpoint.iteration == 1 and rule.reason == "rule:validation_patience"


def test_start_resets_a_rule_for_a_new_run():
    rule = ValidationPatience(1, np.zeros((2, 2)))
    assert run(rule, np.zeros(3), scores=np.array([0.0, 1.0, 0.5])) == 2
    assert run(rule, np.zeros(3), scores=np.array([0.0, 0.2, 0.5])) is None
    assert rule.checkpoint.iteration == 2


def test_a_combination_starts_updates_and_records_every_rule():
    """A combination is a rule like any other (CV-7): update() updates each of its rules at every
    iteration, AllOf's too after one of them is False, so a ValidationPatience inside keeps the best
    state seen; start() starts each rule, so a combination reused for a second run keeps nothing of
    the first (fired flags, reason, checkpoint); consulted_at is the last iteration whose update
    completed (one that raised leaves it). Mutation audit 66: AllOf short-circuiting (checkpoint
    iteration 2, score 0.5), a combination starting only itself (its second run fired at once, on the
    first run's checkpoint), start() keeping fired, AllOf without consulted_at and consulted_at set
    before the condition was read each passed every test."""
    p = lambda t: np.full(1, float(t))  # noqa: E731
    rule = LossPlateau(0.01) & ValidationPatience(5, np.zeros((3, 2)))
    rule.start()
    f, scores = [10.0, 5.0, 4.9999, 4.99985], [None, 0.9, 0.5, 0.4]
    assert not any(rule.update(IterationState(t, f[t], f[t - 1], p(t), p(t - 1), validation_score=scores[t]))
                   for t in (1, 2, 3))
    assert rule.checkpoint.iteration == 1 and rule.checkpoint.score == 0.9
    assert rule.consulted_at == 3 and [part.consulted_at for part in rule.rules] == [3, 3]
    rule = ValidationPatience(1, np.zeros((2, 2))) | LossPlateau(1e-12)
    assert run(rule, np.arange(3.0), parameters=np.arange(3.0)[:, None], scores=np.array([0, 0.9, 0.5])) == 2
    assert rule.reason == "rule:validation_patience" and rule.checkpoint.score == 0.9
    rule.start()
    assert not rule.fired and rule.consulted_at is None and rule.checkpoint is None
    assert rule.reason == "rule:validation_patience|loss_plateau"
    assert run(rule, np.arange(3.0), parameters=10 + np.arange(3.0)[:, None], scores=np.array([0, 0.2, 0.3])) is None
    assert rule.checkpoint.iteration == 2 and rule.checkpoint.parameters[0] == 12.0
    plateau = LossPlateau(1e-3)
    plateau.start()
    with pytest.raises(ValueError, match="not a finite number"):
        plateau.update(IterationState(1, np.nan, 1.0, p(1), p(0)))
    assert plateau.consulted_at is None and not plateau.fired


def test_the_checkpoint_copies_every_array_of_a_tuple():
    """EM reports (weights, means, covariances), and a loop may update its arrays in place: the
    checkpoint keeps a copy of each array, not of the tuple alone (which passed every test: mutation
    audit 66)."""
    weights, means = np.array([0.5, 0.5]), np.zeros((2, 2))
    rule = ValidationPatience(2, np.zeros((3, 2)))
    rule.start()
    for t, score in ((1, 1.0), (2, 0.5), (3, 0.4)):
        before = (weights.copy(), means.copy())
        means += 1.0
        fired = rule.update(IterationState(t, 0.0, 0.0, (weights, means), before, validation_score=score))
    assert fired and rule.checkpoint.iteration == 1
    assert rule.checkpoint.parameters[1][0, 0] == 1.0 and rule.checkpoint.parameters[0] is not weights


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda: LossPlateau(0.0), ValueError),
        (lambda: LossPlateau(-1.0), ValueError),
        (lambda: LossPlateau("a"), TypeError),
        (lambda: ParameterChange(np.nan), ValueError),
        (lambda: ValidationPatience(0, np.zeros((2, 2))), ValueError),
        (lambda: ValidationPatience(1.5, np.zeros((2, 2))), TypeError),
        (lambda: ValidationPatience(2, None), ValueError),  # was accepted, then "array=nan" at fit (an audit)
        (lambda: ValidationPatience(2, np.zeros((2, 2)), min_delta=-0.1), ValueError),
        (lambda: AnyOf(LossPlateau(1.0)), ValueError),
        (lambda: AllOf(LossPlateau(1.0), "stop"), TypeError),
    ],
)
def test_bad_rule_parameters_are_rejected(make, error):
    with pytest.raises(error):
        make()


class _Logging(LossPlateau):
    """A user's rule that keeps a list of its own and appends to it in place."""

    def __init__(self, eps):
        super().__init__(eps)
        self.seen = []

    def update(self, state):
        self.seen.append(state.iteration)
        return super().update(state)


def _estimators_with_rules():
    from sklearn.datasets import load_breast_cancer, load_iris
    from sklearn.preprocessing import StandardScaler

    from classic import GaussianMixture, KMeans, Perceptron

    iris = load_iris().data
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    X_val, y_val = X[::3].copy(), y[::3].copy()
    return [
        (KMeans(3, init="random", n_init=3, random_state=0), iris, None,
         ValidationPatience(1, iris[::2].copy(), sample_weight=np.linspace(1, 2, 75)) | _Logging(1e-9)),
        (GaussianMixture(3, n_init=2, random_state=0, tol=0.0, max_iter=30), iris, None, _Logging(1e-12)),
        (Perceptron(max_iter=30), X, y, ValidationPatience(3, X_val, y_val) | _Logging(0.5)),
        (Perceptron(max_iter=30), iris, load_iris().target, _Logging(0.5)),
    ]


@pytest.mark.parametrize("case", range(4))
def test_fit_leaves_the_stop_rule_as_given_and_keeps_its_copy_in_stop_(case):
    """A scikit-learn estimator never changes its parameters in fit (its check
    check_estimators_overwrite_params hashes get_params() before and after): each run consults a
    copy of ``stop`` (before 2026-12-04 fit updated the rule itself, and a rule shared by two
    estimators described the last fit). The fitted copy is ``stop_``, with the record of the run
    returned; it shares the held-out arrays instead of copying them. With more than two classes the
    perceptron keeps one copy per one-vs-rest problem, each with the record of its problem's run."""
    import joblib

    model, X, y, rule = _estimators_with_rules()[case]
    model.set_params(stop=rule)
    before = joblib.hash(model.get_params())
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("ignore")
        model.fit(X, y) if y is not None else model.fit(X)
    assert joblib.hash(model.get_params()) == before
    assert rule.consulted_at is None and all(not part.seen for part in getattr(rule, "rules", [rule])
                                             if isinstance(part, _Logging))
    fitted = model.stop_ if isinstance(model.stop_, tuple) else (model.stop_,)
    traces = getattr(model.trace_, "problems", (model.trace_,))
    assert len(fitted) == len(traces) == (3 if y is not None and len(np.unique(y)) == 3 else 1)
    for copy, trace in zip(fitted, traces):
        assert copy is not rule and type(copy) is type(rule)
        parts = getattr(copy, "rules", (copy,))
        logging = [part for part in parts if isinstance(part, _Logging)][0]
        assert logging.seen == list(range(1, copy.consulted_at + 1))  # this run's iterations, no other's
        if trace.stop_reason.startswith("rule:"):  # fired where the run stopped (beyond a trace cut back)
            assert copy.fired and copy.consulted_at >= trace.n_iter
        else:  # consulted after every iteration that did not end the run on the algorithm's own test
            assert not copy.fired and copy.consulted_at in (trace.n_iter - 1, trace.n_iter)
        for part, original in zip(parts, getattr(rule, "rules", (rule,))):
            if isinstance(part, ValidationPatience):  # shared, not copied (audit 66: y_val, weights copied)
                assert part.X_val is original.X_val and part.y_val is original.y_val
                assert part.sample_weight is original.sample_weight


def test_a_combination_of_rules_with_different_held_out_data_is_refused():
    """An estimator scores one held-out set per iteration (the first rule's): before 2026-12-04
    ValidationPatience(1, A) | ValidationPatience(1, B) scored both rules on A, silently. Now a
    ValueError; the same data (the same objects or equal arrays) still combine."""
    A, B = np.zeros((4, 2)), np.ones((4, 2))
    for combine in (lambda a, b: a | b, lambda a, b: a & b, lambda a, b: (a | LossPlateau(1.0)) & b):
        with pytest.raises(ValueError, match="different held-out data"):
            combine(ValidationPatience(1, A), ValidationPatience(2, B))
        with pytest.raises(ValueError, match="different held-out data"):
            combine(ValidationPatience(1, A, [0, 1, 0, 1]), ValidationPatience(2, A, [1, 1, 0, 1]))
        with pytest.raises(ValueError, match="different held-out data"):
            combine(ValidationPatience(1, A), ValidationPatience(2, A, sample_weight=np.full(4, 2.0)))
        # equal entries in float32 and float64 are two scores: the float32 rows are scored in float32
        # (mutation audit 66: the second rule's checkpoint was scored on the first's float32 rows)
        with pytest.raises(ValueError, match=r"different held-out data.*the same X_val \(of one dtype\)"):
            combine(ValidationPatience(1, A.astype(np.float32)), ValidationPatience(2, A))
        combine(ValidationPatience(1, A), ValidationPatience(5, A.copy()))
        combine(ValidationPatience(1, A, [0, 1, 0, 1]), ValidationPatience(5, A, np.array([0, 1, 0, 1], np.int8)))
    combined = ValidationPatience(1, A) | LossPlateau(1.0)
    assert combined.validation_data[0] is A


def test_a_combination_scores_held_out_rows_with_the_weights_of_their_rule():
    """ValidationPatience(..., sample_weight=w) after LossPlateau in a combination: the estimator scores
    X_val with w, so the checkpoint's score is model.score(X_val, sample_weight=w), not the unweighted
    score (mutation audit 66: a combination giving its first rule's weights, LossPlateau's None,
    passed every test)."""
    from classic import KMeans

    rng = np.random.default_rng(0)
    X, X_val, w = rng.normal(size=(300, 2)), rng.normal(size=(100, 2)), rng.uniform(0.1, 5.0, size=100)
    rule = LossPlateau(1e-12) | ValidationPatience(100, X_val, sample_weight=w)
    assert rule.validation_weight is w
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # max_iter ends the run
        model = KMeans(5, init="random", n_init=1, random_state=0, max_iter=3, stop=rule).fit(X)
    assert model.stop_.checkpoint.score == model.score(X_val, sample_weight=w) != model.score(X_val)


def test_the_protocol_refuses_states_a_rule_cannot_read():
    """For estimators written against the protocol: iteration 0 (t >= 1: 0 is the start), a
    gradient norm that is an array or negative, and an empty tuple of parameters (whose change, 0,
    made ParameterChange fire at once) are errors naming the problem (found 2026-12-04)."""
    with pytest.raises(ValueError, match="IterationState.iteration must be >= 1"):
        IterationState(0, 1.0, 2.0, np.zeros(1), np.zeros(1))
    state = IterationState(1, 1.0, 2.0, np.zeros(1), np.zeros(1), gradient_norm=np.ones(3))
    with pytest.raises(ValueError, match="must be one number, got shape \\(3,\\)"):
        GradientNorm(1.0).update(state)
    state = IterationState(1, 1.0, 2.0, np.zeros(1), np.zeros(1), gradient_norm=-1.0)
    with pytest.raises(ValueError, match="a norm is >= 0"):
        GradientNorm(1.0).update(state)
    with pytest.raises(ValueError, match="empty tuple"):
        ParameterChange(1.0).update(IterationState(1, 1.0, 2.0, (), ()))
    # empty arrays have the same change, 0, and fired at once until 2026-12-07 (mutation audit 66)
    for empty in (np.zeros(0), (np.zeros(0), np.zeros((0, 3)))):
        with pytest.raises(ValueError, match="^ParameterChange: the parameters of iteration 1 are empty arrays; "
                                             "there is no change to measure$"):
            ParameterChange(1.0).update(IterationState(1, 1.0, 2.0, empty, empty))
    assert not ParameterChange(1.0).update(IterationState(1, 1.0, 2.0, (np.zeros(0), np.ones(1)),
                                                          (np.zeros(0), np.full(1, 3.0))))


@pytest.mark.parametrize("make", ["kmeans", "gmm"])
def test_held_out_labels_are_refused_where_they_would_be_ignored(make):
    """CV-7: KMeans and GaussianMixture score X_val by their objective, without labels; a rule given
    y_val is refused, as the labels would be silently ignored (a probe, 2026-12-05)."""
    from classic import GaussianMixture, KMeans

    rng = np.random.default_rng(0)
    X, X_val = rng.normal(size=(60, 2)), rng.normal(size=(20, 2))
    estimator = {"kmeans": KMeans(2, random_state=0), "gmm": GaussianMixture(2, random_state=0)}[make]
    with pytest.raises(ValueError, match="scores the stopping rule's X_val without labels, so its y_val"):
        estimator.set_params(stop=ValidationPatience(3, X_val, np.zeros(20))).fit(X)
    assert estimator.set_params(stop=ValidationPatience(3, X_val)).fit(X).n_iter_ >= 1



def test_rules_read_back_as_the_calls_that_made_them():
    """A rule's repr is its constructor call with its settings (held-out data left out: it would
    print arrays), so an estimator's repr shows the rule it was given."""
    from classic import KMeans

    assert repr(LossPlateau(1e-3) | GradientNorm(1e-6)) == "AnyOf(LossPlateau(eps=0.001), GradientNorm(eps=1e-06))"
    assert repr(RelativeImprovement(1e-2) & ParameterChange(1e-4)) == (
        "AllOf(RelativeImprovement(eps=0.01), ParameterChange(eps=0.0001))")
    assert repr(ValidationPatience(5, np.ones((3, 2)), np.ones(3), min_delta=0.1)) == (
        "ValidationPatience(patience=5, min_delta=0.1)")
    assert "stop=LossPlateau(eps=0.001)" in repr(KMeans(3, stop=LossPlateau(1e-3)))


@pytest.mark.parametrize("dtype, val_dtype", [(np.float32, np.float64), (np.float32, np.float32),
                                               (np.float64, np.float32)])
def test_held_out_rows_are_scored_in_the_precision_score_uses(dtype, val_dtype):
    """A float32 fit with float64 held-out rows: early stopping scores them as ``score`` does, in
    float64 against the fitted numbers (KMeans, Perceptron last and averaged), float32 rows in
    float32; until 2026-12-06 they were rounded to float32 first, so stop_.checkpoint.score missed
    the returned model's score (an audit: -178.58896495 against -178.58896499). A float64 fit
    scores float32 rows in float64, as ``score`` does (scoring them in float32 passed: audit 53)."""
    from sklearn.exceptions import ConvergenceWarning

    from classic import KMeans, Perceptron
    from classic.convergence import ValidationPatience

    rng = np.random.default_rng(5)
    X = rng.normal(size=(1500, 2)).astype(dtype)
    X_val = (rng.normal(size=(500, 2)) * 1.0000001).astype(val_dtype)  # float64 rows off the float32 grid
    y, y_val = (X[:, 0] + 0.3 * X[:, 1] > 0.1).astype(int), (X_val[:, 0] > 0.1).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fits = [(KMeans(10, n_init=1, random_state=0, stop=ValidationPatience(2, X_val)).fit(X), (X_val,))]
        fits += [(Perceptron(max_iter=30, shuffle=True, random_state=0, intercept_scaling=0.1, prediction=p,
                             stop=ValidationPatience(3, X_val, y_val)).fit(X, y), (X_val, y_val))
                 for p in ("last", "averaged")]
    for model, held_out in fits:
        assert model.score(*held_out) == model.stop_.checkpoint.score, type(model).__name__


def test_a_full_run_relabelled_as_cut_back_fails_its_certificate():
    """"rule:<name> (best before max_iter)" names a checkpoint before max_iter: a run that max_iter
    ended, relabelled so, fails PC-6, KM-5 and EM-5 (an audit found it accepted, 2026-12-06), and
    so does "(best before tol)" (a checkpoint before the iteration tol ended); the same reason on a
    run cut back by the fit holds."""
    import dataclasses

    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    from classic import GaussianMixture, KMeans, Perceptron, certify
    from classic.convergence import ValidationPatience

    X, y = load_iris(return_X_y=True)
    versicolor_virginica = X[y > 0], y[y > 0]  # not separable: max_iter ends the perceptron
    # max_iter=1: the one iteration consulted is the checkpoint, so nothing is cut
    for model, args, claim in ((Perceptron(max_iter=1, stop=ValidationPatience(100, *versicolor_virginica)),
                                versicolor_virginica, "PC-6"),
                               (KMeans(3, max_iter=1, random_state=0, stop=ValidationPatience(100, X)), (X,), "KM-5"),
                               (GaussianMixture(3, max_iter=1, random_state=0, stop=ValidationPatience(100, X)), (X,),
                                "EM-5")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(*args)
        assert model.trace_.stop_reason == "max_iter" and certify(model, *args)
        # nor was it cut back from tol, whatever the fit's tol (mutation audit 66: "before tol" with tol
        # active and n_iter = max_iter passed KM-5 and EM-5)
        for reason in ("rule:validation_patience (best before max_iter)", "rule:validation_patience (best before tol)"):
            model.trace_ = dataclasses.replace(model.trace_, stop_reason=reason, converged=False)
            model.converged_ = False
            certificate = certify(model, *args)
            assert certificate[claim].holds is False, (claim, reason, certificate)


@pytest.mark.parametrize("which", ["KMeans", "GaussianMixture", "Perceptron"])
def test_a_rule_stop_relabelled_as_cut_back_from_tol_fails_without_tol(which):
    """"rule:<name> (best before tol)" names a checkpoint returned after tol ended the run: a fit
    without tol (KMeans' and GaussianMixture's tol=0, the perceptron's tol=None) cannot end so. A
    rule stop of such fits relabelled that way fails KM-5, EM-5 and PC-6; a check without the fit's
    tol passed every test (audit 49, mutation testing: only "before max_iter" was tested)."""
    import dataclasses

    from sklearn.datasets import load_iris

    from classic import GaussianMixture, KMeans, Perceptron, certify
    from classic.convergence import ValidationPatience

    X, y = load_iris(return_X_y=True)
    X_val = X + np.random.default_rng(0).normal(0, 0.5, X.shape)   # held-out rows whose score turns down
    model, args, claim = {
        "KMeans": (KMeans(3, random_state=0, stop=ValidationPatience(1, X_val)), (X,), "KM-5"),
        "GaussianMixture": (GaussianMixture(3, tol=0, max_iter=300, random_state=0, prior="default",
                                            stop=ValidationPatience(2, X_val)), (X,), "EM-5"),
        "Perceptron": (Perceptron(max_iter=200, stop=ValidationPatience(3, X_val, y == 2)), (X, y == 2), "PC-6"),
    }[which]
    model.fit(*args)
    assert model.trace_.stop_reason == "rule:validation_patience" and certify(model, *args)
    model.trace_ = dataclasses.replace(model.trace_, stop_reason="rule:validation_patience (best before tol)")
    certificate = certify(model, *args)
    assert certificate[claim].holds is False, (claim, certificate)


def test_early_stopping_returns_its_checkpoint_whatever_ends_the_run():
    """CV-7: ValidationPatience's best state is returned, the trace cut there, when the rule fires and
    also when the loop's own tol or max_iter ends the run first (as scikit-learn's MLP restores its
    best coefficients); the stop_reason says so, "rule:validation_patience (best before tol)", and
    the certificate holds. Until 2026-12-06 such runs returned their last state, with the better one
    only in stop_.checkpoint (an audit's two runs, below: EM ended by tol at 21 iterations, a
    perceptron by max_iter at 12). The theorem's own ends win: a k-means fixed point is returned
    though an earlier iteration scored better. A run that max_iter ended still warns
    (ConvergenceWarning), saying the best iteration was returned (an audit the same day found the
    cut runs silent)."""
    from sklearn.datasets import load_breast_cancer, load_wine, make_blobs
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.preprocessing import StandardScaler

    from classic import GaussianMixture, KMeans, Perceptron, certify
    from classic.convergence import ValidationPatience

    X = StandardScaler().fit_transform(load_wine().data)[:, :6]
    order = np.random.default_rng(0).permutation(len(X))
    train, held_out = X[order[:100]], X[order[100:]]
    gmm = GaussianMixture(4, random_state=10, stop=ValidationPatience(5, held_out)).fit(train)
    best = gmm.stop_.checkpoint
    assert gmm.trace_.stop_reason == "rule:validation_patience (best before tol)" and not gmm.converged_
    assert not gmm.stop_.fired and gmm.stop_.consulted_at == 21 and gmm.n_iter_ == best.iteration < 21
    assert abs(gmm.score(held_out) - best.score) <= 1e-12 * abs(best.score)
    assert certify(gmm, train)
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    order = np.random.default_rng(0).permutation(len(X))
    train, y_train, held_out, y_held_out = X[order[:400]], y[order[:400]], X[order[400:]], y[order[400:]]
    with pytest.warns(ConvergenceWarning, match=r"max_iter=12 epochs \(early stopping returned its best epoch\)"):
        perceptron = Perceptron(max_iter=12, shuffle=True, random_state=0,
                                stop=ValidationPatience(10, held_out, y_held_out)).fit(train, y_train)
    best = perceptron.stop_.checkpoint
    assert perceptron.trace_.stop_reason == "rule:validation_patience (best before max_iter)"
    assert not perceptron.stop_.fired and perceptron.stop_.consulted_at == 12 and perceptron.n_iter_ == best.iteration
    assert perceptron.score(held_out, y_held_out) == best.score
    assert certify(perceptron, train, y_train)
    fired = Perceptron(max_iter=12, shuffle=True, random_state=0,
                       stop=ValidationPatience(2, held_out, y_held_out)).fit(train, y_train)
    assert fired.stop_.fired and fired.trace_.stop_reason == "rule:validation_patience"
    assert fired.n_iter_ == fired.stop_.checkpoint.iteration
    assert fired.score(held_out, y_held_out) == fired.stop_.checkpoint.score
    for seed, params, ended in ((1, {"max_iter": 6}, "max_iter"), (1, {"tol": 1e-2}, "tol"), (2, {}, None)):
        X, _ = make_blobs(300, 2, centers=6, cluster_std=2.5, random_state=seed)
        with warnings.catch_warnings(record=True) as caught:  # max_iter's ConvergenceWarning, also after a cut
            warnings.simplefilter("always", ConvergenceWarning)
            model = KMeans(6, init="random", n_init=1, random_state=seed, stop=ValidationPatience(50, X[150:]),
                           **params).fit(X[:150])
        assert [str(w.message) for w in caught if w.category is ConvergenceWarning] == (
            ["k-means stopped at max_iter=6 before the labels settled (early stopping returned its best iteration, "
             f"{model.n_iter_}); increase max_iter."] if ended == "max_iter" else [])
        best = model.stop_.checkpoint
        assert not model.stop_.fired
        if ended is None:  # Lloyd's fixed point (not consulted: the loop's first test) scores below the best
            assert model.trace_.stop_reason == "converged" and model.n_iter_ == model.stop_.consulted_at + 1
            assert model.score(X[150:]) < best.score
        else:
            assert best.iteration < model.stop_.consulted_at
            assert model.trace_.stop_reason == f"rule:validation_patience (best before {ended})"
            assert model.n_iter_ == best.iteration and model.score(X[150:]) == best.score
        assert certify(model, X[:150])


# Mutation audit 79 (stopping.py): the errors name the fix.


def _state(t=1, objective=1.0, previous=2.0, **kw):
    return IterationState(t, objective, previous, np.zeros(2), np.zeros(2), **kw)


def test_a_diverged_objective_says_what_to_do():
    """CV-7 / _DIVERGED: a non-finite objective means the run diverged; the error says to find the cause
    (e.g. rescale the data) rather than reach for a stopping rule. (Mutation audit 79's S075.)"""
    rule = LossPlateau(1e-3)
    rule.start()
    with pytest.raises(ValueError, match=r"iteration 3 is nan.*rescale the data"):
        rule.update(_state(3, math.nan, 1.0))


def test_an_undefined_held_out_score_says_what_to_check():
    """Mutation audit 79's S076."""
    rule = ValidationPatience(2, np.zeros((3, 2)))
    rule.start()
    with pytest.raises(ValueError, match=r"validation score of iteration 1 is inf.*check the run and X_val"):
        rule.update(_state(1, validation_score=math.inf))


def test_validation_patience_without_held_out_data_shows_how_to_pass_it():
    """Mutation audit 79's S077."""
    with pytest.raises(ValueError, match=r"X_val, got None.*ValidationPatience\(5, X_val, y_val\)"):
        ValidationPatience(5, None)
