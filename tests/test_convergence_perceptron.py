"""Stopping rules inside classic.Perceptron (proofs/convergence.md, CV-7): a rule only shortens the
run, records itself in the trace, and leaves a truthful certificate; early stopping on held-out
accuracy returns its best epoch."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from budget import examples
from classic import Perceptron, certify
from classic.convergence import LossPlateau, RelativeImprovement, ValidationPatience


def noisy(seed, n=120, flip=0.1):
    """Two Gaussian classes with a fraction of labels flipped: not separable, so the perceptron never
    has a mistake-free epoch and runs to max_iter unless a rule stops it."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    y[rng.random(n) < flip] ^= 1
    return X, y


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Perceptron(**({"max_iter": 40} | params)).fit(X, y)


def _prefix(trace, epochs):
    cut = int(np.searchsorted(trace.update_steps, epochs * trace.n_samples))
    return {"mistakes": trace.mistakes[:epochs], "epoch_loss": trace.epoch_loss[:epochs],
            "epoch_weights": trace.epoch_weights[: epochs + 1],
            "updates": trace.updates[:cut], "update_steps": trace.update_steps[:cut],
            "squared_norms": trace.squared_norms[:cut], "objective": trace.objective[: epochs + 1]}


@settings(max_examples=examples(20))
@given(st.integers(0, 10**6), st.integers(1, 20), st.booleans())
def test_cv7_perceptron_with_loss_plateau_stops_at_the_first_quiet_epoch(seed, k, shuffle):
    """CV-7 (proofs/convergence.md): LossPlateau(k) on updates-so-far stops at the first epoch with
    fewer than k mistakes, and the record is bitwise the prefix of the unstopped run's."""
    X, y = noisy(seed)
    full = _fit(X, y, shuffle=shuffle, random_state=0).trace_
    stopped = _fit(X, y, shuffle=shuffle, random_state=0, stop=LossPlateau(k)).trace_
    quiet = np.nonzero(full.mistakes < k)[0]
    expected = int(quiet[0]) + 1 if quiet.size else full.n_iter
    assert stopped.n_iter == expected
    for name, values in _prefix(full, expected).items():
        np.testing.assert_array_equal(getattr(stopped, name), values, err_msg=name)
    if quiet.size and full.mistakes[quiet[0]] > 0:
        assert stopped.stop_reason == "rule:loss_plateau" and not stopped.converged


@settings(max_examples=examples(15))
@given(st.integers(0, 10**6), st.integers(1, 5))
def test_cv7_perceptron_early_stopping_returns_its_best_epoch(seed, patience):
    """CV-7 (proofs/convergence.md): ValidationPatience on held-out accuracy returns the weights of the
    best epoch, cuts the trace there, and the certificate of the returned model holds."""
    X, y = noisy(seed)
    X_val, y_val = noisy(seed + 1)
    rule = ValidationPatience(patience, X_val, y_val)
    model = _fit(X, y, stop=rule)
    full = _fit(X, y).trace_
    # noisy labels: held-out accuracy stops improving long before 40 epochs
    assert model.trace_.stop_reason == "rule:validation_patience"
    assert rule.checkpoint is None  # the fit ran a copy of the rule, model.stop_
    rule = model.stop_
    best = rule.checkpoint.iteration
    assert model.trace_.n_iter == best
    for name, values in _prefix(full, best).items():
        np.testing.assert_array_equal(getattr(model.trace_, name), values, err_msg=name)
    np.testing.assert_array_equal(np.append(model.coef_[0], model.intercept_[0]), rule.checkpoint.parameters)
    assert model.score(X_val, y_val) == rule.checkpoint.score
    # held-out accuracy of every later epoch of the full run is no better than the checkpoint's
    later = full.epoch_weights[best + 1 : best + patience + 1]
    val_scores = [np.mean(np.where(y_val == 1, 1, -1) * (X_val @ w[:-1] + w[-1]) > 0) for w in later]
    assert all(s <= rule.checkpoint.score for s in val_scores)
    certificate = certify(model, X, y)
    assert certificate, str(certificate)
    assert certificate["PC-6"].holds is None and "rule:validation_patience" in certificate["PC-6"].note


def three_noisy_classes(seed, n=150):
    """Three Gaussian classes around the corners of a triangle with a tenth of the labels redrawn:
    no class is separable from the rest."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = np.array([[0.0, 1.0], [-0.9, -0.5], [0.9, -0.5]])[y] + 0.6 * rng.normal(size=(n, 2))
    flip = rng.random(n) < 0.1
    y[flip] = rng.integers(0, 3, int(flip.sum()))
    return X, y


@settings(max_examples=examples(10), deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4))
def test_cv7_one_vs_rest_shuffled_problems_stop_independently(seed, patience):
    """CV-7: with shuffle=True each one-vs-rest problem draws its orders from its own generator (one
    seed per class drawn up front, as scikit-learn), so early stopping cuts each problem's record to a
    bitwise prefix of that problem's unstopped run, however the other problems stopped (until
    2026-12-06 the problems drew in turn from one generator, and a problem cut short changed the
    orders of those after it)."""
    X, y = three_noisy_classes(seed)
    X_val, y_val = three_noisy_classes(seed + 1)
    full = _fit(X, y, shuffle=True, random_state=seed).trace_
    model = _fit(X, y, shuffle=True, random_state=seed, stop=ValidationPatience(patience, X_val, y_val))
    for i, (stopped, unstopped) in enumerate(zip(model.trace_.problems, full.problems)):
        assert stopped.n_iter <= unstopped.n_iter
        for name, values in _prefix(unstopped, stopped.n_iter).items():
            np.testing.assert_array_equal(getattr(stopped, name), values, err_msg=f"problem {i}: {name}")
        assert stopped.shuffle_state == unstopped.shuffle_state
    assert len({p.shuffle_state for p in full.problems}) == 3
    assert certify(model, X, y)


def test_cv7_perceptron_early_stopping_on_weighted_accuracy():
    """ValidationPatience(..., sample_weight=w): the score is the weighted held-out accuracy, the
    number Perceptron.score(X_val, y_val, sample_weight=w) gives for the returned weights."""
    for seed in range(10):
        X, y = noisy(seed)
        X_val, y_val = noisy(seed + 1)
        w_val = np.random.default_rng(seed).uniform(0.0, 3.0, len(X_val))
        rule = ValidationPatience(2, X_val, y_val, sample_weight=w_val)
        model = _fit(X, y, stop=rule)
        if model.trace_.stop_reason != "rule:validation_patience":
            continue
        rule = model.stop_
        assert model.score(X_val, y_val, sample_weight=w_val) == rule.checkpoint.score
        assert rule.checkpoint.score != model.score(X_val, y_val)  # the weights were used
        assert certify(model, X, y)
        return
    pytest.fail("no seed triggered early stopping; pick other data")


def on_a_grid(seed, n=60):
    """Integer features and noisy labels: held-out rows on the hyperplane (a score of exactly 0,
    which predict reads as the negative class) occur, and the data are not separable."""
    rng = np.random.default_rng(seed)
    X = rng.integers(-2, 3, size=(n, 2)).astype(float)
    y = (X[:, 0] + X[:, 1] + rng.normal(size=n) > 0).astype(int)
    return X, y


@settings(max_examples=examples(15), deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["last", "averaged", "voted"]), st.booleans(), st.booleans())
def test_cv7_perceptron_early_stopping_scores_the_predictor_it_returns(seed, prediction, shuffle, weighted):
    """CV-7: the held-out score of each epoch is the accuracy ``score`` gives the predictor that a
    stop there returns (the last weights, their average or their vote), so the rule keeps the epoch
    whose predictor is best and ``stop_.checkpoint.score`` is the returned model's held-out accuracy."""
    X, y = on_a_grid(seed)
    X_val, y_val = on_a_grid(seed + 1)
    w_val = np.random.default_rng(seed).uniform(0.5, 2.0, len(y_val)) if weighted else None
    settings_ = {"prediction": prediction, "shuffle": shuffle, "random_state": 0}
    model = _fit(X, y, **settings_, stop=ValidationPatience(3, X_val, y_val, sample_weight=w_val))
    rule = model.stop_
    # the predictor of every epoch consulted, from a run that max_iter ends there
    scores = [_fit(X, y, **settings_ | {"max_iter": k}).score(X_val, y_val, sample_weight=w_val)
              for k in range(1, rule.consulted_at + 1)]
    assert rule.checkpoint.iteration == int(np.argmax(scores)) + 1 and rule.checkpoint.score == max(scores)
    if not model.converged_:  # fired, or max_iter ended the run: the best epoch is returned either way
        assert model.trace_.n_iter == rule.checkpoint.iteration
        assert model.score(X_val, y_val, sample_weight=w_val) == rule.checkpoint.score


def test_cv7_a_held_out_score_of_exactly_zero_is_the_negative_class_as_predict_says():
    """The held-out accuracy early stopping records is model.score's: a score of exactly 0 predicts the
    negative class (classes_[0]), as predict does. Without an intercept the row (0, 0) scores 0 under
    every weight vector, so it is always wrong for label 1: the checkpoint's score is 0.0. With >= 0 for
    > 0 (audit 55's E10) the rule recorded 1.0 while score said 0.0, and every test passed."""
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    y = np.array([1, 1, 0, 0])  # not separable through 0
    X_val, y_val = np.array([[0.0, 0.0]]), np.array([1])
    model = _fit(X, y, fit_intercept=False, max_iter=3, stop=ValidationPatience(5, X_val, y_val))
    assert model.stop_.checkpoint.score == model.score(X_val, y_val) == 0.0


def test_cv7_when_tol_and_the_rule_end_the_same_epoch_the_stop_names_tol():
    """tol's test comes first (proofs/convergence.md, CV-7): when it ends the same epoch at which the rule
    fires, stop_reason is "rule:<name> (best before tol)" if the rule's checkpoint is earlier, as for any
    run tol ends. Preferring the rule's reason (audit 55's E11) gave "rule:validation_patience", and
    every test passed."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    y[:6] ^= 1  # not separable
    X_val = rng.normal(size=(30, 2))
    y_val = (X_val[:, 0] > 0).astype(int)
    model = Perceptron(tol=1e9, n_iter_no_change=1, stop=ValidationPatience(1, X_val, y_val)).fit(X, y)
    assert model.stop_.fired and model.stop_.consulted_at == 2 and model.stop_.checkpoint.iteration == 1
    assert model.trace_.stop_reason == "rule:validation_patience (best before tol)"
    assert certify(model, X, y)


def test_stopped_perceptron_certificate_is_truthful_multiclass():
    """One-vs-rest: each binary problem runs the rule from its own start, with its own held-out signs."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    y = np.digitize(X[:, 0] + 0.5 * rng.normal(size=150), [-0.5, 0.5])
    X_val = rng.normal(size=(90, 2))
    y_val = np.digitize(X_val[:, 0] + 0.5 * rng.normal(size=90), [-0.5, 0.5])
    model = _fit(X, y, stop=ValidationPatience(3, X_val, y_val) | LossPlateau(2))
    reasons = {t.stop_reason for t in model.trace_.problems}
    assert reasons <= {"rule:validation_patience", "rule:loss_plateau", "rule:validation_patience, loss_plateau",
                       "mistake-free epoch", "max_iter"}
    assert any(r.startswith("rule:") for r in reasons)
    assert certify(model, X, y)


def test_validation_rule_without_labels_is_an_error_and_bad_stop_is_rejected():
    X, y = noisy(0)
    with pytest.raises(ValueError, match="held-out labels"):
        Perceptron(stop=ValidationPatience(2, X)).fit(X, y)
    with pytest.raises(TypeError, match="stop must be"):
        Perceptron(stop=3).fit(X, y)
    # its objective is the count of updates so far: RelativeImprovement's ratio would fall like 1/t (an audit)
    for rule in (RelativeImprovement(0.1), LossPlateau(2) | (RelativeImprovement(0.1) & LossPlateau(5))):
        with pytest.raises(ValueError, match="RelativeImprovement cannot stop a perceptron.*LossPlateau"):
            Perceptron(stop=rule).fit(X, y)


def test_separable_data_still_stop_on_their_mistake_free_epoch():
    """A rule never pre-empts the perceptron's own convergence: a mistake-free epoch wins."""
    X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0]])
    y = np.array([1, 1, 0, 0])
    model = Perceptron(stop=LossPlateau(1)).fit(X, y)
    assert model.trace_.stop_reason == "mistake-free epoch" and model.converged_


def test_a_rule_stop_is_not_reported_as_max_iter():
    """The 'no mistake-free epoch within max_iter' warning is for runs max_iter ended, not a rule."""
    X, y = noisy(3)
    X_val, y_val = noisy(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = Perceptron(max_iter=200, stop=ValidationPatience(2, X_val, y_val)).fit(X, y)
    assert model.trace_.stop_reason == "rule:validation_patience"
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        Perceptron(max_iter=3).fit(X, y)
