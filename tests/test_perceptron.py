"""The perceptron and its certificate: proofs/perceptron.md, step by step."""

import copy
import dataclasses
import math
import re
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.utils.estimator_checks import parametrize_with_checks

import naive
from budget import examples
from classic import OneVsRestTrace, Perceptron, PerceptronTrace, certify
from classic import _perceptron_kernels as kernels
from classic._perceptron_certificate import _freund_schapire, _gamma_up, _ProblemCertificate, unit_margins
from classic._random import generator_from_state, generator_state
from classic.convergence import ParameterChange
from classic.perceptron import run_perceptron
from classic.rounding import (above, below, gamma, product_up, sum_of_products_down, sum_of_products_up, sum_up)
from classic.strategies import SeparableSample, linearly_separable
from proof_steps import proof_steps

DTYPES = st.sampled_from([np.float64, np.float32])
NOVIKOFF = ("PC-1", "PC-2", "PC-3", "PC-4", "PC-5", "PC-6")


def _quiet_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _novikoff_epochs(sample, scale):
    """max_iter that Novikoff guarantees is enough: (R/gamma)^2 + 1 epochs (PC-5, PC-6)."""
    u = sample.augmented_separator(scale)
    A = np.column_stack([sample.X.astype(np.float64), np.full(len(sample.X), scale)])
    R2 = float(np.max(np.sum(A**2, axis=1)))
    gamma = float(np.min(sample.y * (A @ u)))
    return int(math.ceil(R2 / gamma**2 * (1 + 1e-6))) + 2, u


def _oriented(model, y, u):
    """A single class is the positive class (Perceptron, Notes): flip u for a class -1."""
    return u * y[0] if len(model.classes_) == 1 else u


# --- the kernel against its oracle ---------------------------------------------


def _assert_epoch_is_the_oracle(X, y, scale, order, w0):
    # One kernel epoch from w0 against the obvious loop of tests/naive.py: weights, update log
    # and squared norms bitwise equal.
    n = X.shape[0]
    w = w0.copy()
    upd, pos, norms = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, X.dtype)
    m, total_loss = kernels.epoch(X, y, None, scale, order, w, upd, pos, norms, 3 * n)   # as the fourth epoch
    w_ref, upd_ref, pos_ref, norms_ref, loss_ref = naive.perceptron_epoch(X, y, scale, order, w0)
    np.testing.assert_array_equal(w, w_ref)
    assert list(upd[:m]) == upd_ref and list(pos[:m]) == [3 * n + p for p in pos_ref]
    np.testing.assert_array_equal(norms[:m], np.array(norms_ref, dtype=X.dtype))
    assert total_loss / n == loss_ref   # scikit-learn's mean loss of the pass, bit for bit


@given(DTYPES, st.data())
def test_epoch_matches_the_naive_oracle(dtype, data):
    """PC-1 (proofs/perceptron.md): one compiled epoch is bitwise the obvious loop."""
    n = data.draw(st.integers(1, 25))
    d = data.draw(st.integers(1, 5))
    coords = st.floats(-10, 10, allow_subnormal=False).map(dtype)
    X = np.array(data.draw(st.lists(st.lists(coords, min_size=d, max_size=d), min_size=n, max_size=n)), dtype=dtype)
    y = np.array(data.draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)), dtype=dtype)
    scale = dtype(data.draw(st.sampled_from([0.0, 1.0, 2.5])))
    order = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    w0 = np.array(data.draw(st.lists(coords, min_size=d + 1, max_size=d + 1)), dtype=dtype)
    _assert_epoch_is_the_oracle(X, y, scale, order, w0)


@given(DTYPES, st.integers(30, 120), st.integers(1, 40), st.floats(0.0, 0.5), st.booleans(), st.integers(0, 2**32 - 1))
def test_epoch_matches_the_naive_oracle_on_longer_runs(dtype, n, d, label_noise, in_order, seed):
    """PC-1 (proofs/perceptron.md): runs longer than the kernel's prefetch distance,
    mistakes at every place in its windows of four, in order and shuffled: bitwise the obvious loop."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(dtype)
    y = np.where(X @ rng.standard_normal(d) > 0, 1.0, -1.0).astype(dtype)
    y[rng.random(n) < label_noise] *= -1
    order = np.arange(n, dtype=np.int64) if in_order else rng.permutation(n).astype(np.int64)
    w0 = rng.standard_normal(d + 1).astype(dtype)
    for scale in (dtype(0.0), dtype(1.5)):
        _assert_epoch_is_the_oracle(X, y, scale, order, w0)


# --- PC-1: the replay log -------------------------------------------------------


def _run_that_ignores_its_fourth_mistake(X, y, s, rng=None, c=None):
    """A perceptron in index order (or, given ``rng``, in the order of its next permutation at
    each epoch) that skips its 4th mistake and runs on to a mistake-free epoch: its log (updates,
    steps, epoch weights, squared norms) is consistent with itself. ``c``: positive example
    weights, each update then y_i c_i x_i, as the fit's kernel computes it. Also the epoch losses
    (1/n) Σ max(0, −y⟨w, x̃⟩), added in presentation order (:func:`_forged_run`)."""
    mistakes_seen = []

    def choose(step, i):
        mistakes_seen.append(step)
        return "skip" if len(mistakes_seen) == 4 else "update"

    return _forged_run(X, y, s, choose, rng=rng, c=c)


def test_pc1_a_mistake_left_out_of_the_log_fails():
    """PC-1 (proofs/perceptron.md): the replay also presents every example between the logged updates
    (index order) and finds each classified correctly. A run that ignored one mistake, with a log
    consistent with itself, passed every claim before (certificate audit, 2026-12-04)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = np.where(X @ [1, -0.5, 0.2] > 0.05, 1, -1)
    model = _ignoring_run_as_trace(Perceptron().fit(X, y), X, y)
    claim = certify(model, X, y)["PC-1"]
    assert claim.holds is False and claim.note.startswith(  # the log's own checks all pass: completeness fails
        "0 logged update(s) were no mistake, 0 squared norm(s), 0 epoch weight row(s) and 0 epoch loss(es) differ "
        "from the replay, 1 presentation(s) disagree with the log (the first at step 8)"), claim.note


def _ignoring_run_as_trace(model, X, y, rng=None, c=None):
    """``model`` with the trace of :func:`_run_that_ignores_its_fourth_mistake`, made consistent by
    :func:`_with_consistent_log`: every claim but completeness sees a consistent log."""
    updates, steps, mistakes, epoch_weights, losses = _run_that_ignores_its_fourth_mistake(
        X, y, model.trace_.intercept_scaling, rng, c)
    return _with_consistent_log(model, X, y, (updates, steps, mistakes, epoch_weights), c=c, n_iter=len(mistakes),
                                epoch_loss=losses)


def _with_consistent_log(model, X, signs, log, c=None, **changes):
    """``model`` given the replay log ``(updates, steps, mistakes, epoch_weights)``, made consistent with
    itself as a run records it: the squared norms and last epoch weights of its own replay from the first
    epoch's weights, n_updates_, coef_, intercept_ and the objective from them; ``changes``: further
    fields of the trace."""
    updates, steps, mistakes, epoch_weights = log
    s = X.dtype.type(model.trace_.intercept_scaling)
    K, D = len(updates), X.shape[1] + 1
    out = [np.empty(K, X.dtype) if j in (0, 3) else np.empty(K) for j in range(8)]  # out[3]: the squared norms
    w = np.array(epoch_weights[0], dtype=X.dtype)
    kernels.replay(X, signs.astype(X.dtype), c, s, updates, np.full(D, 0.5), w, np.zeros(D), 1.0, *out)
    epoch_weights = np.array(epoch_weights, dtype=X.dtype)
    epoch_weights[-1] = w
    model.n_updates_ = K
    model.coef_, model.intercept_ = w[:-1].reshape(1, -1).copy(), np.array([w[-1] * s])
    return _tampered(model, updates=updates, update_steps=steps, squared_norms=out[3], mistakes=mistakes,
                     epoch_weights=epoch_weights, n_updates=K,
                     objective=np.concatenate([[0], np.cumsum(mistakes)]).astype(float), **changes)


def test_pc1_a_mistake_left_out_of_the_log_fails_in_a_weighted_run():
    """PC-1 (proofs/perceptron.md), "Weights": the completeness walk of a weighted run skips only
    the examples of weight 0 (no update is made on them), not every example of a weighted run. A
    weighted run that ignored one mistake, with a log consistent with itself, passed every claim of
    a certificate that skipped them all (audit 44, mutation testing)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = np.where(X @ [1, -0.5, 0.2] > 0.05, 1, -1)
    c = rng.uniform(0.5, 2.0, len(y))
    model = Perceptron().fit(X, y, sample_weight=c)
    assert bool(certify(model, X, y, sample_weight=c))
    model = _ignoring_run_as_trace(model, X, y, c=c)
    claim = certify(model, X, y, sample_weight=c)["PC-1"]
    assert claim.holds is False and claim.note.startswith(
        "0 logged update(s) were no mistake, 0 squared norm(s), 0 epoch weight row(s) and 0 epoch loss(es) differ "
        "from the replay, 1 presentation(s) disagree with the log (the first at step"), claim.note


def test_pc1_shuffled_run_is_checked_for_completeness():
    """PC-1 (proofs/perceptron.md): a shuffled run records its generator's state before the first
    epoch (``shuffle_state``); the certificate redraws each epoch's order from it and walks the
    presentations as for a run in index order. A shuffled run that ignored a mistake passed before
    (its orders were not recorded); so does a trace whose state is not the run's."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = np.where(X @ [1, -0.5, 0.2] > 0.05, 1, -1)
    model = Perceptron(shuffle=True, random_state=7).fit(X, y)
    claim = certify(model, X, y)["PC-1"]
    assert claim.holds and "redrawn from the recorded generator state" in claim.note
    state = model.trace_.shuffle_state
    # the run's own orders, replayed by the obvious loop (skipping nothing would be the run itself)
    forged = _ignoring_run_as_trace(copy.deepcopy(model), X, y, generator_from_state(state))
    claim = certify(forged, X, y)["PC-1"]
    assert claim.holds is False and "1 presentation(s) disagree with the log" in claim.note
    other = _tampered(copy.deepcopy(model), shuffle_state=generator_state(np.random.default_rng(8)))
    assert certify(other, X, y)["PC-1"].holds is False
    for junk in ("", "{}", '{"bit_generator": "seed"}', "not json"):
        claim = certify(_tampered(copy.deepcopy(model), shuffle_state=junk), X, y)["PC-1"]
        assert claim.holds is False and "not a generator state" in claim.note


@given(linearly_separable(dtype=np.float32), st.booleans())
def test_pc1_replay_rebuilds_the_run(sample, shuffle):
    """PC-1 (proofs/perceptron.md): the log rebuilds every w_k; each update was a mistake."""
    model = _quiet_fit(Perceptron(max_iter=30, shuffle=shuffle, random_state=0), sample.X, sample.y)
    t = model.trace_
    signs = np.where(sample.y == model.classes_[-1], 1, -1).astype(np.float32)
    if len(model.classes_) == 1:
        signs[:] = 1
    w = np.zeros(sample.X.shape[1] + 1, np.float32)
    for k, i in enumerate(t.updates):
        x_aug = np.append(sample.X[i], np.float32(1.0))
        assert signs[i] * naive.perceptron_inner(w, x_aug) <= 0
        w = w + signs[i] * x_aug
        assert naive.perceptron_squared_norm(w) == t.squared_norms[k]
    np.testing.assert_array_equal(w, t.epoch_weights[-1])
    np.testing.assert_array_equal(w[:-1], model.coef_[0])
    assert t.n_updates == len(t.updates) == t.mistakes.sum() == model.n_updates_
    assert np.all(np.diff(t.update_steps) > 0)
    assert certify(model, sample.X, sample.y)["PC-1"].holds


def _tampered(model, **changes):
    model.trace_ = dataclasses.replace(model.trace_, **changes)
    return model


@pytest.mark.parametrize("tamper", ["swap_update", "extra_update", "squared_norm", "epoch_weight", "truncate",
                                    "out_of_range", "negative_step", "float_log", "other_data", "epoch_loss"])
def test_pc1_tampered_trace_fails(tamper):
    """PC-1 (proofs/perceptron.md): a trace that is not the run's own fails its certificate (an edited
    epoch_loss, the learning curve, passed before 2026-12-04)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = (X @ [1.0, -2.0, 0.5] > 0).astype(int)
    model = Perceptron(max_iter=100).fit(X, y)
    assert certify(model, X, y)
    t = model.trace_
    assert t.n_updates >= 2
    changes = {}
    if tamper == "swap_update":          # the same number of updates, a different example
        updates = t.updates.copy()
        updates[1] = (updates[1] + 1) % len(X)
        changes["updates"] = updates
    elif tamper == "extra_update":       # claim one more update than happened
        changes["updates"] = np.append(t.updates, t.updates[-1])
        changes["update_steps"] = np.append(t.update_steps, t.update_steps[-1])
        changes["squared_norms"] = np.append(t.squared_norms, t.squared_norms[-1])
        changes["n_updates"] = t.n_updates + 1  # a log consistent with itself (else certify's shape check)
    elif tamper == "squared_norm":
        sq = t.squared_norms.copy()
        sq[-1] *= 0.5
        changes["squared_norms"] = sq
    elif tamper == "epoch_weight":
        ew = t.epoch_weights.copy()
        ew[-1, 0] += 1.0
        changes["epoch_weights"] = ew
    elif tamper == "truncate":           # the last update left out of a log consistent with itself
        changes.update(updates=t.updates[:-1], update_steps=t.update_steps[:-1], squared_norms=t.squared_norms[:-1],
                       n_updates=t.n_updates - 1)
    elif tamper == "out_of_range":
        updates = t.updates.copy()
        updates[0] = len(X) + 5
        changes["updates"] = updates
    elif tamper == "negative_step":
        steps = t.update_steps.copy()
        steps[0] = -1
        changes["update_steps"] = steps
    elif tamper == "float_log":
        changes["updates"] = t.updates.astype(float)
    elif tamper == "other_data":         # (fewer rows: a ValueError, test_certify_needs_the_rows_of_the_fit)
        X = X + rng.normal(size=X.shape)
    elif tamper == "epoch_loss":
        changes["epoch_loss"] = np.append(t.epoch_loss[:-1], np.nextafter(t.epoch_loss[-1], 1.0))
    certificate = certify(_tampered(model, **changes), X, y)
    assert not certificate
    assert certificate["PC-1"].holds is False


def test_certify_reads_a_column_of_labels_as_fit_does():
    """fit reads a (n, 1) column y as its labels with scikit-learn's DataConversionWarning; certify
    refused the same y, "y must have shape (60,), got (60, 1)" (an audit, 2026-12-05). Now it reads
    it as fit does; two columns are still refused."""
    from sklearn.exceptions import DataConversionWarning

    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = (X @ [1.0, -2.0, 0.5] > 0).astype(int)
    with pytest.warns(DataConversionWarning) as fitting:
        model = Perceptron(max_iter=100).fit(X, y[:, None])
    with pytest.warns(DataConversionWarning) as certifying:
        column = certify(model, X, y[:, None])
    assert column and str(column) == str(certify(model, X, y))
    # both warnings name this line's file, as classic's own warnings do (scikit-learn's named classic's
    # validation module until 2026-12-05)
    assert [w.filename for w in (*fitting, *certifying)] == [__file__, __file__]
    with pytest.raises(ValueError, match=r"y must have shape \(60,\), got \(60, 2\)"):
        certify(model, X, np.column_stack([y, y]))


def test_certify_needs_the_rows_of_the_fit():
    """certify checks a run on its own training data: X with another number of rows cannot be
    it, and says so (as for k-means and EM) instead of failing PC-1."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = (X @ [1.0, -2.0, 0.5] > 0).astype(int)
    model = Perceptron(max_iter=100).fit(X, y)
    with pytest.raises(ValueError, match="X has 59 rows, but this run was fitted on 60.*pass the X and y"):
        certify(model, X[:-1], y[:-1])


# --- PC-2 .. PC-6: Novikoff on separable data --------------------------------------


@pytest.mark.parametrize("prediction", ["last", "averaged", "voted"])
@pytest.mark.parametrize("name, edit", [("coef_", lambda v: v * 2), ("intercept_", lambda v: v + 1.0),
                                        ("n_iter_", lambda v: v + 1)])
def test_pc1_fails_on_fitted_attributes_changed_since_the_fit(name, edit, prediction):
    """PC-1: the fitted model is the run's: coef_ and intercept_ are fl(eta0 w) of the replayed final
    weights (of their average for prediction="averaged", as the fit computes it from the log) and
    n_iter_ the most epochs of any problem; an edit after the fit fails PC-1, named, also
    where the run stopped at max_iter and PC-6 does not apply (before 2026-12-04 it passed there;
    k-means' KM-6 and EM's EM-5 check the like; the averaged and voted coef_ were not checked). The
    same numbers as a list are the same weights."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Perceptron(max_iter=30, prediction=prediction, eta0=0.1).fit(X, y)
    assert not model.trace_.converged and bool(certify(model, X, y))
    value = getattr(model, name)
    setattr(model, name, edit(value))
    failed = [claim for claim in certify(model, X, y).claims if claim.holds is False]
    assert failed and all(claim.id == "PC-1" for claim in failed if "changed since the fit" in claim.note)
    assert any(f"{name if name == 'n_iter_' else 'coef_ or intercept_'} changed since the fit" in claim.note
               for claim in failed)
    setattr(model, name, value.tolist() if isinstance(value, np.ndarray) else value)
    assert bool(certify(model, X, y))


def test_pc6_a_max_iter_stop_is_at_max_iter():
    """PC-6 (proofs/perceptron.md): a run stopped by max_iter has run exactly max_iter epochs. The
    record of a fit stopped after 3 epochs, edited to say it allowed 10, fails PC-6 (a certificate
    that asked n_iter <= max_iter passed it: audit 44, mutation testing)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = np.where(X @ [1, -0.5, 0.2] + 0.3 * rng.standard_normal(200) > 0, 1, -1)
    model = _quiet_fit(Perceptron(max_iter=3), X, y)
    assert model.trace_.stop_reason == "max_iter" and model.n_iter_ == 3 and bool(certify(model, X, y))
    model._fit_settings = dict(model._fit_settings, max_iter=10)
    claim = certify(model, X, y)["PC-6"]
    assert claim.holds is False and "stop reason 'max_iter' does not match the trace (3 epochs" in claim.note
    assert "the fit's settings (max_iter=10" in claim.note, claim.note


def test_pc1_a_converged_run_relabelled_as_stopped_by_max_iter_fails():
    """PC-1: ``converged`` is whether the last epoch made no mistake. A run that converged in its
    last allowed epoch (n_iter = max_iter), relabelled converged=False and stopped by "max_iter",
    fails (a certificate that compared only the mistake counts passed it: audit 44, mutation testing)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 2))
    y = np.where(X @ [1, -1] > 0, 1, -1)
    epochs = Perceptron().fit(X, y).n_iter_
    model = Perceptron(max_iter=epochs).fit(X, y)
    assert model.trace_.converged and model.trace_.mistakes[-1] == 0 and model.n_iter_ == epochs
    model.trace_ = dataclasses.replace(model.trace_, converged=False, stop_reason="max_iter")
    model.converged_ = False
    claim = certify(model, X, y)["PC-1"]
    assert claim.holds is False and "not a well-formed replay log" in claim.note, claim.note
    model.trace_ = dataclasses.replace(model.trace_, converged=True)  # the flag alone was the edit the walk sees
    model.converged_ = True
    assert "not a well-formed replay log" not in certify(model, X, y)["PC-1"].note


def test_pc6_a_loss_that_ties_the_best_is_an_improvement_when_tol_is_0():
    """PC-6: the tol rule counts an epoch as one without improvement when its loss exceeds
    best − tol (scikit-learn's rule: loss > best − tol), so with tol = 0 a loss equal to the best
    resets the count. On three points that no line separates (0 and 2 positive, 1 negative) the
    epoch losses alternate 1, 2/3, 1, 2/3, ...: the run, as scikit-learn's, goes on to max_iter, and
    is certified, where a certificate counting ties as no improvement said the rule fired at
    epoch 4 (a false alarm; audit 44, mutation testing)."""
    from sklearn.linear_model import Perceptron as ScikitPerceptron

    X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1, -1, 1])
    model = _quiet_fit(Perceptron(tol=0.0, n_iter_no_change=2, max_iter=30), X, y)
    theirs = _quiet_fit(ScikitPerceptron(tol=0.0, n_iter_no_change=2, max_iter=30, shuffle=False), X, y)
    losses = model.trace_.epoch_loss
    assert np.array_equal(losses[2:], losses[:-2]) and losses[1] < losses[0]  # ties with the best, every other epoch
    assert model.trace_.stop_reason == "max_iter" and model.n_iter_ == theirs.n_iter_ == 30
    assert bool(certify(model, X, y)), str(certify(model, X, y))


def test_pc1_and_pc6_judge_the_run_by_the_fit_s_settings():
    """The certificate reads the fit's prediction, eta0, max_iter, tol and rule, not the current
    parameters: set_params after the fit changes no run (before 2026-12-04, set_params(prediction=
    "averaged") or (eta0=2.0) made PC-1 say "coef_ or intercept_ changed since the fit")."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    for params in ({"max_iter": 5}, {"max_iter": 50, "tol": 1e-3, "prediction": "averaged", "eta0": 0.1}):
        model = _quiet_fit(Perceptron(**params), X, y)
        model.set_params(prediction="voted", eta0=2.0, max_iter=7, tol=None)
        assert certify(model, X, y), str(certify(model, X, y))


@pytest.mark.parametrize("edit", ["converged_", "n_updates_", "objective", "summary", "stop_reason", "classes",
                                  "shuffle_state", "epoch_weights", "binary_objective", "summary_converged"])
def test_pc1_and_pc6_fail_on_edited_summaries(edit):
    """PC-1: converged_, n_updates_, the trace's objective (updates so far) and the one-vs-rest
    summary are what the fit made of the runs; PC-6: the stop reason is the one the loop gives the
    trace (a mistake-free epoch first). Each edit passed before 2026-12-04 (a numerical audit; the
    objective [50, 50, 40, 20, 0] then read as "linear, rate 0.5"). A two-class run's objective halved,
    and the one-vs-rest summary's converged flipped, were tested since mutation audit 62 (M24, M133:
    each check dropped, the edit passed)."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    if edit in ("stop_reason", "binary_objective"):
        X, y = X[y < 2], y[y < 2]  # separable: the run converges
    model = _quiet_fit(Perceptron(max_iter=5 if edit != "stop_reason" else 1000), X, y)
    assert certify(model, X, y)
    if edit == "converged_":
        model.converged_ = True
    elif edit == "n_updates_":
        model.n_updates_ += 1
    elif edit == "objective":
        problem = model.trace_.problems[0]
        edited = dataclasses.replace(problem, objective=problem.objective[::-1].copy())
        model.trace_ = dataclasses.replace(model.trace_, problems=(edited, *model.trace_.problems[1:]))
    elif edit == "summary":
        model.trace_ = dataclasses.replace(model.trace_, objective=model.trace_.objective * 0)
    elif edit == "binary_objective":
        assert model.trace_.objective[-1] > 0  # the premise: halving changes it
        model.trace_ = dataclasses.replace(model.trace_, objective=model.trace_.objective * 0.5)
    elif edit == "summary_converged":
        model.trace_ = dataclasses.replace(model.trace_, converged=not model.trace_.converged)
    elif edit == "classes":
        model.trace_ = dataclasses.replace(model.trace_, classes=model.trace_.classes[::-1].copy())
    elif edit == "epoch_weights":  # an intermediate epoch's weights (PC-10 reads its cycle from them); only
        # the last row was edited before, which coef_ catches anyway (a mutation audit, 2026-12-05)
        problem = model.trace_.problems[0]
        weights = problem.epoch_weights.copy()
        weights[1, 0] += 1.0
        edited = dataclasses.replace(problem, epoch_weights=weights)
        model.trace_ = dataclasses.replace(model.trace_, problems=(edited, *model.trace_.problems[1:]))
    elif edit == "shuffle_state":  # an unshuffled run records no generator state
        problem = dataclasses.replace(model.trace_.problems[0], shuffle_state="{}")
        model.trace_ = dataclasses.replace(model.trace_, problems=(problem, *model.trace_.problems[1:]))
    else:
        assert model.trace_.stop_reason == "mistake-free epoch"
        model.trace_ = dataclasses.replace(model.trace_, stop_reason="max_iter")
    failed = [claim.id for claim in certify(model, X, y).claims if claim.holds is False]
    assert failed and set(failed) == {"PC-6" if edit == "stop_reason" else "PC-1"}, failed


def test_pc6_replays_the_tol_rule_on_the_epoch_losses():
    """PC-6: a run stopped by max_iter relabelled "tol" (which cannot fire in 4 epochs with
    n_iter_no_change=5), and a run stopped by tol relabelled "max_iter" with max_iter set to its
    length, passed: only "the fit had a tol" was checked (a certificate review, 2026-12-05). The rule
    is now run again on the trace's epoch losses (PC-1 replays them bit for bit)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=200) > 0, 1, -1)   # not separable
    short = _quiet_fit(Perceptron(tol=1e-3, max_iter=4), X, y)
    stopped = _quiet_fit(Perceptron(tol=1e-3), X, y)
    assert short.trace_.stop_reason == "max_iter" and stopped.trace_.stop_reason == "tol"
    assert certify(short, X, y) and certify(stopped, X, y)
    short.trace_ = dataclasses.replace(short.trace_, stop_reason="tol")
    stopped.trace_ = dataclasses.replace(stopped.trace_, stop_reason="max_iter")
    stopped._fit_settings = {**stopped._fit_settings, "max_iter": stopped.n_iter_}
    for model in (short, stopped):
        failed = [claim.id for claim in certify(model, X, y).claims if claim.holds is False]
        assert failed == ["PC-6"], failed
        assert "tol rule on its epoch losses fires at" in certify(model, X, y)["PC-6"].note


def _with_an_extra_update(model, X, y, i, step):
    """``model`` whose log gains an update of example ``i`` at ``step`` (in the last epoch), made
    consistent by :func:`_with_consistent_log`: every claim but the ones on the log's order and on what
    the run saw meets a consistent log."""
    t = model.trace_
    mistakes = t.mistakes.copy()
    mistakes[-1] += 1
    log = (np.append(t.updates, i), np.append(t.update_steps, step), mistakes, t.epoch_weights)
    return _with_consistent_log(model, X, np.where(y == model.classes_[-1], 1.0, -1.0), log)


def test_pc1_an_update_forged_into_a_consistent_log_fails():
    """PC-1: every logged update is a mistake the run made, at its own step. A max_iter run's log with
    one more update, its replay made consistent (norms, weights, counts, coef_): (a) example 4 again,
    at the step of the run's last update (4, a mistake at the final weights): the steps must increase
    strictly; (b) the last example, at the last presentation, which the run classified correctly: no
    mistake. Each passed every claim when the check was dropped (mutation audit 62's M22, M27)."""
    rng = np.random.default_rng(9)
    X, y = rng.standard_normal((12, 2)), np.where(rng.random(12) < 0.5, 1, -1)
    model = _quiet_fit(Perceptron(max_iter=7, tol=None), X, y)
    t = model.trace_
    i, step, w, s = int(t.updates[-1]), int(t.update_steps[-1]), t.epoch_weights[-1], t.intercept_scaling
    assert not t.converged and step // 12 == 6 and y[i] * (X[i] @ w[:2] + w[2] * s) <= 0  # the premise
    claim = certify(_with_an_extra_update(model, X, y, i, step), X, y)["PC-1"]
    assert claim.holds is False and "not a well-formed replay log" in claim.note, claim.note
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((12, 2)), np.where(rng.random(12) < 0.5, 1, -1)
    model = _quiet_fit(Perceptron(max_iter=5, tol=None), X, y)
    t, w = model.trace_, model.trace_.epoch_weights[-1]
    s = t.intercept_scaling
    assert not t.converged and t.update_steps[-1] < 59 and y[11] * (X[11] @ w[:2] + w[2] * s) > 0  # the premise
    claim = certify(_with_an_extra_update(model, X, y, 11, 59), X, y)["PC-1"]
    assert claim.holds is False and claim.note.startswith("1 logged update(s) were no mistake"), claim.note


def test_pc1_mistakes_booked_to_the_epoch_before_fail():
    """PC-1: each epoch's mistake count is the number of logged steps in that epoch. A max_iter run one
    epoch short of convergence, its last epoch's updates booked to the epoch before (weights too) and
    relabelled converged at a mistake-free last epoch: every other claim passed it when the counts were
    not compared with the steps (mutation audit 62's M162)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = (X @ [1.0, 0.5] > 0).astype(int)
    epochs = Perceptron(tol=None, max_iter=100).fit(X, y).n_iter_
    model = _quiet_fit(Perceptron(tol=None, max_iter=epochs - 1), X, y)
    t = model.trace_
    assert epochs >= 3 and t.mistakes[-1] > 0 and bool(certify(model, X, y))  # the premise
    mistakes, epoch_weights = t.mistakes.copy(), t.epoch_weights.copy()
    mistakes[-2], mistakes[-1], epoch_weights[-2] = mistakes[-2] + mistakes[-1], 0, epoch_weights[-1]
    model.converged_ = True
    _tampered(model, mistakes=mistakes, epoch_weights=epoch_weights, converged=True, stop_reason="mistake-free epoch",
              objective=np.concatenate([[0], np.cumsum(mistakes)]).astype(float))
    claim = certify(model, X, y)["PC-1"]
    assert claim.holds is False and "not a well-formed replay log" in claim.note, claim.note


def test_pc6_a_stop_is_where_its_rule_fires_first():
    """PC-6: the stop reason is the loop's: a mistake-free epoch, else tol where it first fires, else a
    stopping rule the fit had. (a) A tol run's record replaced by the same run continued 3 epochs and
    labelled "tol"; (b) by the same run continued to a mistake-free epoch, though tol fired first;
    (c) a 3-epoch run labelled "rule:Patience" in a fit without a rule: each fails PC-6, and each
    passed with that condition dropped (mutation audit 62's M61, M60, M93). (d) A run whose tol
    (10, n_iter_no_change=1) would fire at its mistake-free last epoch converged first: certified
    (M63 tested the rule there too and failed it)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = (X @ [1.0, 0.5] + 0.8 * rng.standard_normal(40) > 0).astype(int)

    def replaced(model, by, **changes):
        model.trace_ = dataclasses.replace(by.trace_, **changes)
        model.coef_, model.intercept_ = by.coef_.copy(), by.intercept_.copy()
        model.n_iter_, model.n_updates_, model.converged_ = by.n_iter_, by.n_updates_, by.converged_
        return model

    stopped = _quiet_fit(Perceptron(tol=1e-3, n_iter_no_change=2, max_iter=100), X, y)
    assert stopped.trace_.stop_reason == "tol" and bool(certify(stopped, X, y))
    longer = _quiet_fit(Perceptron(tol=None, max_iter=stopped.n_iter_ + 3), X, y)
    forged = [replaced(stopped, longer, stop_reason="tol")]
    rng = np.random.default_rng(2)
    Xs = rng.standard_normal((40, 2))
    ys = (Xs @ [1.0, 0.5] > 0).astype(int)
    stopped = _quiet_fit(Perceptron(tol=1e-3, n_iter_no_change=1, max_iter=200), Xs, ys)
    converged = Perceptron(tol=None, max_iter=200).fit(Xs, ys)
    assert stopped.trace_.stop_reason == "tol" and converged.converged_ and converged.n_iter_ > stopped.n_iter_
    forged.append(replaced(stopped, converged))
    cut = _quiet_fit(Perceptron(max_iter=3, tol=None), X, y)
    forged.append(replaced(_quiet_fit(Perceptron(max_iter=10, tol=None), X, y), cut, stop_reason="rule:Patience"))
    for model, data in zip(forged, ((X, y), (Xs, ys), (X, y))):
        failed = [claim.id for claim in certify(model, *data).claims if claim.holds is False]
        assert failed == ["PC-6"], failed
    rng = np.random.default_rng(12)
    X = rng.standard_normal((30, 2))
    y = (X @ [1.0, 0.5] > 0).astype(int)
    model = Perceptron(tol=10.0, n_iter_no_change=1, max_iter=50).fit(X, y)
    assert model.converged_ and model.n_iter_ == 2 and model.trace_.epoch_loss[0] > 0  # tol fires at any loss
    assert bool(certify(model, X, y)), str(certify(model, X, y))


def test_pc6_checks_the_decisions_of_predict():
    """PC-6 (proofs/perceptron.md) also checks predict's own decisions (prediction="last"): coef_ and
    intercept_ are fl(eta0 w). With eta0 = 0.1 in float32 their rounding turns one training row's score
    to 0 although the run's final w classifies it: the claim fails and names eta0 (it held before,
    certificate audit 2026-12-04). eta0 = 0.5, a power of two, scales exactly: it holds. Negated
    weights fail it too."""
    rng = np.random.default_rng(171)
    X = rng.integers(-50, 50, (60, 2)).astype(np.float32) / np.float32(7)
    s = X[:, 0] * 3 + X[:, 1] * 5 - 1
    X, s = X[s != 0], s[s != 0]
    y = np.where(s > 0, 1, -1)
    model = Perceptron(eta0=0.1, intercept_scaling=3.3, max_iter=2000).fit(X, y)
    assert model.trace_.converged and np.sum(model.predict(X) != y) == 1
    claim = certify(model, X, y)["PC-6"]
    assert claim.holds is False and "misclassify 1 training example(s): they are eta0 = 0.1 times" in claim.note
    exact = Perceptron(eta0=0.5, intercept_scaling=3.3, max_iter=2000).fit(X, y)
    assert np.all(exact.predict(X) == y) and certify(exact, X, y)["PC-6"].holds
    exact.coef_, exact.intercept_ = -exact.coef_, -exact.intercept_
    claim = certify(exact, X, y)["PC-6"]
    assert claim.holds is False and "they are not the run's final weights" in claim.note


@given(DTYPES, st.booleans(), st.booleans(), st.data())
@settings(max_examples=examples(30))
def test_pc2_to_pc6_every_claim_holds_on_separable_data(dtype, intercept, shuffle, data):
    """PC-2..PC-6 (proofs/perceptron.md): on separable data the run converges within
    (R/gamma)^2 + 1 epochs and every claim holds, with the known separator and with
    the one the library finds."""
    sample = data.draw(linearly_separable(dtype=dtype, intercept=intercept))
    scale = 1.0 if intercept else 0.0
    max_iter, u = _novikoff_epochs(sample, scale)
    model = Perceptron(fit_intercept=intercept, max_iter=max_iter, shuffle=shuffle, random_state=3)
    model.fit(sample.X, sample.y)
    assert model.converged_ and model.trace_.mistakes[-1] == 0
    assert model.coef_.dtype == dtype
    u = _oriented(model, sample.y, u)
    for separator in (u, None):
        certificate = certify(model, sample.X, sample.y, separator=separator)
        assert certificate, str(certificate)
        for claim_id in NOVIKOFF:
            assert certificate[claim_id].holds is True, str(certificate)
    # the known margin is at least what the certificate used for it
    assert certify(model, sample.X, sample.y, separator=u)["PC-5"].bound >= model.n_updates_


def test_pc2_pc4_pc5_fail_when_their_inputs_are_overstated(monkeypatch):
    """PC-2, PC-4 and PC-5 can fail, each on its own: on the tight example x_i = e_i (PC-11),
    where <w_k, u> = k gamma, S_k = k R^2 and the run makes exactly (R/gamma)^2 updates, a
    certified margin overstated by 1 % breaks PC-2 and PC-5 while PC-1 (the replay) holds, and an
    R^2 understated by 1 % (the computed one and its upper bound) breaks PC-4 and PC-5, not PC-2."""
    from classic import _perceptron_certificate as pc

    m = 20
    X, y = np.eye(m), np.ones(m, dtype=int)
    model = Perceptron(fit_intercept=False).fit(X, y)
    separator = np.ones(m)
    assert certify(model, X, y, separator=separator)
    real_margins = pc.unit_margins
    monkeypatch.setattr(pc, "unit_margins", lambda A, signs, u: (lambda lo, *rest: (lo * 1.01, *rest))(
        *real_margins(A, signs, u)))
    certificate = certify(model, X, y, separator=separator)
    assert certificate["PC-1"].holds is True and certificate["PC-3"].holds is True
    assert certificate["PC-2"].holds is False and certificate["PC-5"].holds is False
    monkeypatch.undo()
    real_init = pc._ProblemCertificate.__init__

    def understated(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.R_hat2 *= 0.99
        self.R_up2 *= 0.99

    monkeypatch.setattr(pc._ProblemCertificate, "__init__", understated)
    certificate = certify(model, X, y, separator=separator)
    assert certificate["PC-4"].holds is False and certificate["PC-5"].holds is False
    assert all(certificate[c].holds is True for c in ("PC-1", "PC-2", "PC-3", "PC-6"))


def test_pc3_needs_the_mistakes():
    """PC-3 (proofs/perceptron.md): without the mistake condition ||w_k||^2 <= S_k is false,
    and a log with an update that was no mistake is rejected."""
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([0, 1])
    model = Perceptron(fit_intercept=False).fit(X, y)
    x = np.array([1.0, 0.0, 0.0])
    w2 = -2 * x                               # the same example, updated twice
    assert w2 @ w2 > 2 * (x @ x)              # the inequality PC-3 fails without mistakes
    t = model.trace_
    fake = _tampered(model, updates=np.array([0, 0]), update_steps=np.array([0, 1]),
                     squared_norms=np.array([1.0, 4.0]), mistakes=np.array([2, 0]),
                     epoch_weights=np.array([[0.0, 0.0, 0.0], [-2.0, 0.0, 0.0], [-2.0, 0.0, 0.0]]),
                     n_updates=2)
    assert t.n_updates == 2
    certificate = certify(fake, X, y)
    assert certificate["PC-1"].holds is False


def test_pc3_fails_beyond_its_limit_which_only_the_claim_can_show():
    """PC-3 (proofs/perceptron.md) can fail, but no edit of a trace makes it fail inside certify:
    every number it reads (the recorded squared norms, S^_k and the slack from the replay of the log
    on X) is one PC-1 checks bit for bit against the replay, and a true replay satisfies the theorem.
    An edited squared norm fails PC-1, and the certificate then evaluates no PC-3. So the claim is
    evaluated directly on the replay, with one recorded squared norm set to its limit S^_k + slack_k
    (the largest float at most it: holds) and to the next float (fails): the comparison is exact
    (RD-4 (a)) and the claim reads the recorded norms (a mutation audit (2026-12-05) found no test
    in which PC-3 could fail)."""
    from classic.rounding import round_down

    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 3))
    y = (X @ [1.0, -2.0, 0.5] > 0).astype(int)
    model = Perceptron(max_iter=100).fit(X, y)
    t = model.trace_
    assert certify(model, X, y)["PC-3"].holds is True and t.n_updates >= 3
    norms = t.squared_norms.copy()
    norms[1] *= 2
    certificate = certify(_tampered(copy.deepcopy(model), squared_norms=norms), X, y)
    assert certificate["PC-1"].holds is False and "PC-3" not in [claim.id for claim in certificate]
    signs = model._problem_signs(model._labels(y), np.float64)[0]
    cert = _ProblemCertificate(X, signs, t, "")
    r = cert._replay(np.ones(cert.D) / np.sqrt(cert.D))
    cert._rounding(r)
    slack = cert._pc3_slack()
    for k in (0, t.n_updates // 2, t.n_updates - 1):
        at = round_down(Fraction(float(cert.S_hat[k])) + Fraction(float(slack[k])))
        for value, holds in ((at, True), (float(np.nextafter(at, np.inf)), False)):
            norms = t.squared_norms.copy()
            norms[k] = value
            cert.trace = dataclasses.replace(t, squared_norms=norms)
            claim = {c.id: c for c in cert._novikoff(r, 0.1)}["PC-3"]
            assert claim.holds is holds, (k, value, claim)


def test_pc5_takes_the_candidate_of_largest_margin():
    """PC-5 (proofs/perceptron.md): without a separator given, the certificate takes the candidate
    (the run's final weights, the hard-margin direction) of the largest certified margin, so its
    bound is the smallest of theirs. On separable data with a margin the two bounds differ 180-fold;
    a certificate that kept the smallest margin reported the larger bound and every test passed
    (audit 44, mutation testing)."""
    from classic._perceptron_certificate import find_separator
    from classic._perceptron_predictors import moves

    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = np.where(X @ [1, -0.5, 0.2] > 0, 1, -1)
    X = X + 0.3 * y[:, None] * np.array([1, -0.5, 0.2])
    model = Perceptron().fit(X, y)
    candidates = find_separator(moves(X, model.trace_.intercept_scaling), y.astype(np.float64), model.trace_)
    bounds = [certify(model, X, y, separator=u)["PC-5"].bound for u in candidates]
    claim = certify(model, X, y)["PC-5"]
    assert len(candidates) == 2 and claim.holds and claim.bound == min(bounds) < max(bounds) / 100


def test_pc5_zero_vectors_and_no_margin_are_explained():
    """PC-5 (proofs/perceptron.md): zero vectors, gamma <= 0 and a single class give
    explained non-applicable claims, never a crash."""
    X = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, -1.0]])
    y = np.array([1, 1, 0])
    with pytest.warns(ConvergenceWarning, match="zero vector"):
        model = Perceptron(fit_intercept=False, max_iter=5).fit(X, y)
    assert model.n_updates_ >= 5                       # the zero vector is a mistake at every epoch
    certificate = certify(model, X, y)
    assert certificate["PC-5"].holds is None and "zero vector" in certificate["PC-5"].note
    assert certificate["PC-9"].holds is True           # Freund-Schapire still bounds the mistakes
    # a separator with gamma <= 0
    model = Perceptron(fit_intercept=False).fit(X[1:], y[1:])
    certificate = certify(model, X[1:], y[1:], separator=[1.0, -1.0])
    assert certificate["PC-5"].holds is None and "gamma" in certificate["PC-5"].note
    assert certificate
    # a single class
    single = Perceptron().fit(X, np.full(3, 7))
    assert list(single.predict(X)) == [7, 7, 7]
    certificate = certify(single, X, np.full(3, 7))
    assert certificate and certificate["PC-5"].holds is True


# --- PC-7: floating point ---------------------------------------------------------


@given(linearly_separable(dtype=np.float32, n_samples=st.integers(2, 12), n_features=st.integers(1, 3)),
       st.booleans())
@settings(max_examples=examples(20))
def test_pc7_computed_weights_within_their_bound(sample, intercept):
    """PC-7 (proofs/perceptron.md): the float32 weights are within E_k of the exact sums,
    and every computed mistake test is within delta_k of the exact inner product."""
    model = _quiet_fit(Perceptron(fit_intercept=intercept, max_iter=20), sample.X, sample.y)
    t = model.trace_
    signs = model._problem_signs(model._labels(sample.y), np.float32)[0]
    cert = _ProblemCertificate(sample.X, signs, t, "")
    u = np.ones(cert.D) / np.sqrt(cert.D)
    r = cert._replay(u)
    cert._rounding(r)
    scale = Fraction(float(cert.scale))
    rows = [[Fraction(float(v)) for v in row] + [scale] for row in sample.X]
    exact = [Fraction(0)] * cert.D
    computed = np.zeros(cert.D, np.float32)
    for k, i in enumerate(t.updates):
        x_aug = np.append(sample.X[i], cert.scale).astype(np.float32)
        dot = naive.perceptron_inner(computed, x_aug)
        exact_dot = sum(Fraction(float(a)) * b for a, b in zip(computed, rows[i]))
        assert abs(Fraction(float(dot)) - exact_dot) <= Fraction(float(cert.delta[k]))
        computed = computed + signs[i] * x_aug
        exact = [e + int(signs[i]) * x for e, x in zip(exact, rows[i])]
        error2 = sum((Fraction(float(c)) - e) ** 2 for c, e in zip(computed, exact))
        assert error2 <= Fraction(float(cert.E[k])) ** 2


_TINY64 = np.array([[7.22117488e-164, 1.74467553e-163], [1.36058134e-163, 1.60492971e-163],
                    [6.67563126e-164, -1.05927175e-163], [1.11784242e-163, -1.20030466e-163],
                    [1.37910473e-163, -1.82041532e-163]])


@given(DTYPES, st.integers(2, 7), st.integers(1, 3), st.sampled_from(["unit", "tiny", "huge"]), st.booleans(),
       st.integers(0, 2**32 - 1))
@example(np.float64, 5, 2, "pinned", False, 0)   # PC-3 failed here before 2026-12-03: the float64 eta was 0
@settings(max_examples=examples(30))
def test_pc7_slacks_bound_their_exact_formulas(dtype, n, d, size, intercept, seed):
    """PC-7, "Evaluating the slacks" (proofs/perceptron.md): each quantity the claims use is at least
    its exact value (S_k, E_k, delta_k, Delta_k, R^2), each margin bound brackets the exact margin,
    and bound + slack of PC-2, PC-3 and PC-4 is at least the exact limit of the proof, computed in
    rational arithmetic (square roots bracketed to 2**-200), and at most that limit plus what the
    float64 evaluation adds (``_loose``; for PC-2, on the formula of PC-7 ("Evaluating the slacks")
    that bounds <w_k, u> from the replay's fl<w^_k, u^>, 2^-46 of its terms' size); PC-5's for
    margins gamma whose square is normal (a slack 10^3 times too large, which a mutation audit
    (2026-12-05) let pass for PC-2 and PC-5, fails here). 'tiny' data have squares that underflow in the working precision (float64:
    1e-163; float32: 1e-21), 'huge' ones sit near the range rule."""
    rng = np.random.default_rng(seed)
    exponent = {"unit": 0.0, "tiny": -163.0 if dtype == np.float64 else -21.0,
                "huge": 150.0 if dtype == np.float64 else 17.0, "pinned": 0.0}[size]
    X = (_TINY64 if size == "pinned" else rng.uniform(-1, 1, (n, d)) * 10.0**exponent).astype(dtype)
    y = np.arange(len(X)) % 2 if size != "pinned" else np.array([1, 1, 0, 0, 0])
    model = _quiet_fit(Perceptron(fit_intercept=intercept, max_iter=3), X, y)
    t = model.trace_
    signs = model._problem_signs(model._labels(y), dtype)[0]
    cert = _ProblemCertificate(X, signs, t, "")
    v = rng.standard_normal(cert.D)
    v = v / np.max(np.abs(v))
    u_hat = v / np.sqrt(v @ v)     # the replay's unit vector (PC-7)
    r = cert._replay(u_hat)
    cert._rounding(r)
    K, D, u_p = cert.K, cert.D, Fraction(float(np.finfo(dtype).eps) / 2)
    eta_p = Fraction(float(np.finfo(dtype).smallest_subnormal)) / 2
    gamma = lambda m, u: m * u / (1 - m * u)   # noqa: E731
    rows = [[Fraction(float(a)) for a in row] for row in cert.A]
    R2 = max(sum(a * a for a in row) for row in rows)
    assert Fraction(cert.R_up2) >= R2
    # the margins of v / ||v||: lo <= exact <= hi
    lo, hi, _ = unit_margins(cert.A, signs.astype(np.float64), v)
    norm_lo, norm_hi = naive.sqrt_range(sum(Fraction(float(a)) ** 2 for a in v))
    for i, row in enumerate(rows):
        m = int(signs[i]) * sum(a * Fraction(float(b)) for a, b in zip(row, v))
        assert Fraction(float(lo[i])) <= (m / norm_hi if m >= 0 else m / norm_lo)
        assert Fraction(float(hi[i])) >= (m / norm_lo if m >= 0 else m / norm_hi)
    w = np.zeros(D, dtype)
    B, S, Delta = [Fraction(0)] * D, Fraction(0), Fraction(0)
    E_before = Fraction(0)
    pc3 = _exact(cert.S_hat) if K else []
    slack3, slack4, slack2 = cert._pc3_slack(), cert._pc4_slack(np.arange(1, K + 1) * cert.R_hat2), cert._pc2_slack(r)
    for k, i in enumerate(t.updates):
        x = np.append(X[i], cert.scale).astype(dtype)
        delta = gamma(D, u_p) * sum(abs(Fraction(float(a)) * Fraction(float(b))) for a, b in zip(w, x)) + D * eta_p
        assert Fraction(float(cert.delta[k])) >= delta
        w = w + signs[i] * x
        B = [b + abs(Fraction(float(a))) for b, a in zip(B, w)]
        E = u_p * naive.sqrt_range(sum(b * b for b in B))[1]
        assert Fraction(float(cert.E[k])) >= u_p * naive.sqrt_range(sum(b * b for b in B))[0]
        x2 = sum(Fraction(float(a)) ** 2 for a in x)
        S += x2
        Delta += 2 * (delta + E_before * naive.sqrt_range(x2)[1])
        E_before = E
        assert Fraction(float(cert.S[k])) >= S and Fraction(float(cert.Delta[k])) >= Delta
        limit3 = (1 + gamma(D, u_p)) * ((naive.sqrt_range(S + Delta)[1] + E) ** 2 + D * eta_p)
        assert limit3 <= pc3[k] + Fraction(float(slack3[k])) <= _loose(limit3, eta_p)
        limit4 = (1 + gamma(K + D - 1, Fraction(2) ** -53)) * (k + 1) * (R2 + D * Fraction(2) ** -1075)
        assert limit4 <= Fraction(float((k + 1) * cert.R_hat2)) + Fraction(float(slack4[k])) <= _loose(limit4, eta_p)
        inner = sum(Fraction(float(a)) * Fraction(float(b)) for a, b in zip(w, v))
        limit2 = (inner / norm_lo if inner >= 0 else inner / norm_hi) + E
        assert Fraction(float(r["inner"][k])) + Fraction(float(slack2[k])) >= limit2
        # PC-7's formula: X + gamma_{D+2} |X| + E_k, X = fl<w^_k, u^> + gamma_{D+1} sum_f |w^_f u^_f| + D sigma64.
        # Its float64 evaluation (about ten operations, each rounded upward) errs by at most 2^-46 of the
        # size of its terms (X may be near 0 where they are not), and E_k's bound by gamma_{2K+D+O(1)}
        # (K <= 21 here), at most 2^-44 of it; the bound of sum_f B_f^2 behind E_k lies up to 2 D sigma64
        # above it (its squares' underflow, PC-7 (i)), which E_k carries as u_p sqrt(2 D sigma64)
        inner_k = Fraction(float(r["inner"][k]))
        terms = abs(inner_k) + gamma(D + 1, U64) * sum(
            abs(Fraction(float(a)) * Fraction(float(b))) for a, b in zip(w, u_hat)) + D * SIGMA64
        X_k = inner_k - abs(inner_k) + terms
        E_up = u_p * naive.sqrt_range(sum(b * b for b in B) + 2 * D * SIGMA64)[1]
        assert X_k + gamma(D + 2, U64) * abs(X_k) + E <= inner_k + Fraction(float(slack2[k]))
        assert inner_k + Fraction(float(slack2[k])) <= (X_k + gamma(D + 2, U64) * abs(X_k) + E_up
                                                        + Fraction(2) ** -46 * (1 + gamma(D + 2, U64)) * terms
                                                        + Fraction(2) ** -44 * E_up + 2**10 * eta_p)
    # PC-5: K <= (R/gamma)^2 + Delta_K / (K gamma^2), for a margin gamma given as a float (gamma^2 rounded
    # down in the subnormal range has no relative bound; 0 or an overflow: no claim, which it says)
    for g in sorted({1.0, float(np.sqrt(cert.R_up2)) / 2}):
        pc5 = {claim.id: claim for claim in cert._novikoff(r, g)}["PC-5"]
        if g * g < np.finfo(np.float64).tiny or pc5.holds is None:
            continue
        g2 = Fraction(g) ** 2
        limit5 = R2 / g2 + (Delta / (K * g2) if K else 0)   # the underflow units of R^2 divided by gamma^2 too
        assert limit5 <= Fraction(pc5.bound) + Fraction(pc5.slack) <= _loose(limit5, eta_p / g2)
        # the bound alone is (R/gamma)^2 from R's certified bound, not from fl(R^2), which may lie below R^2
        # (every test passed with fl(R^2): audit 44, mutation testing)
        assert Fraction(pc5.bound) >= Fraction(cert.R_up2) / g2


U64, SIGMA64 = Fraction(2) ** -53, Fraction(2) ** -1074


def _loose(limit, eta_p):
    """How far above the exact limit of the proof a claim's bound + slack may lie: the float64
    evaluation of the limit, rounded upward, with sums bounded by gamma_{K-1} over a few updates,
    adds a relative 2^-40 at most (and a few underflow units); a slack larger than that (a
    forgotten factor, u of float32 for float64) is oversized, and a claim with it could hold
    where the theorem fails."""
    return limit * (1 + Fraction(2) ** -40) + 2**10 * eta_p


def _exact(values):
    return [Fraction(float(a)) for a in values]


def _rounded(m):
    """(1 + u)^m, u = 2^-53: what m float64 roundings can add to a non-negative result. An operation
    the certificate rounds upward (``rounding.above``, RD-4 (c)) is one rounding to nearest and a
    step to the next float (at most 2u relative for a normal result): (1 + u)^3, or in the
    subnormal range at most 2 sigma64 absolute; a constant rounded up (``round_up``), (1 + u)^2;
    a factor 1 + gamma_m or 1 / (1 - gamma_m), (1 + u)^(m + 1) (for m (m + 1) u <= 1/2)."""
    return (1 + U64) ** m


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("intercept", [False, True])
@pytest.mark.parametrize("size", ["unit", "tiny", "huge"])
@given(st.data())
@settings(max_examples=examples(5))
def test_pc7_rounding_bounds_are_the_proofs_formulas_rounded_up(dtype, intercept, size, data):
    """PC-7, "Evaluating the slacks" (proofs/perceptron.md): S_k, E_k, delta_k and Delta_k, per update
    k, are the proof's formulas on the replay's float64 sums, written out here from the proof's text
    in exact arithmetic, rounded up, and by no more than the float64 roundings of their evaluation,
    counted (``_rounded``), and a few sigma64 where a result may be subnormal. The formulas (each
    also checked to bound the exact quantity it stands for, from the run's weights and data):

    * (i) ||x~_{i_j}||^2 <= x2_j := (x^2_j + D sigma64) / (1 - gamma_D), S_k = sum_{j<=k} x2_j (ii);
    * delta_k = gamma_D(u_p) (d^_k + D sigma64) / (1 - gamma_D) + D eta, d^_k the float64
      sum_f |w^_{k-1,f} x~_f| (i), eta = 2^-150 in float32 and sigma64 in float64 ("Underflow");
    * E_k = u_p s sqrt((b^_k + D sigma64) / (1 - gamma_{2K+D-2})), b^_k the float64 sum_f (B_{k,f} / s)^2,
      s a power of two, 1 unless the squares could overflow ("Overflow");
    * Delta_k = 2 sum_{j<=k} (delta_j + E_{j-1} sqrt(x2_j)) (PC-3), E_0 = 0.

    ``test_pc7_slacks_bound_their_exact_formulas`` bounds the four from below by the exact quantities
    and the limits they feed from above (2^-40 relative); this test bounds each one itself, from
    above too, by the roundings of its own evaluation: delta or Delta 1 + 2^-40 times too large
    passes that test and fails this one (a mutation audit, 2026-12-05; each of the four times 10^3,
    or times 1 - 2^-30, just below its formula, fails both). 'tiny' data have squares that underflow
    (float64: 1e-163, whose squares and inner products are 0, so that every presentation is a
    mistake; float32: 1e-21); 'huge' data are at half the range rule's limit (s > 1 in float64, 1 in
    float32)."""
    sample = data.draw(linearly_separable(n_samples=st.integers(6, 20), n_features=st.integers(1, 3),
                                          margin=st.floats(0.01, 0.2), intercept=intercept))
    if size == "huge":   # half the range rule's limit (proofs/perceptron.md, "Overflow")
        n, D = sample.X.shape[0], sample.X.shape[1] + 1
        X = (sample.X / np.max(np.abs(sample.X)) * (0.5 * np.sqrt(float(np.finfo(dtype).max) / (16 * n * D))))
        X = X.astype(dtype)
    else:
        X = (sample.X * (1.0 if size == "unit" else 1e-163 if dtype == np.float64 else 1e-21)).astype(dtype)
    model = _quiet_fit(Perceptron(fit_intercept=intercept, max_iter=20), X, sample.y)
    t = model.trace_
    signs = model._problem_signs(model._labels(sample.y), dtype)[0]
    cert = _ProblemCertificate(X, signs, t, "")
    r = cert._replay(np.ones(cert.D) / np.sqrt(cert.D))
    cert._rounding(r)
    K, D, sqrt_range = cert.K, cert.D, naive.sqrt_range
    u_p = Fraction(2) ** (-53 if dtype == np.float64 else -24)          # the unit roundoff of the run
    eta = Fraction(2) ** (-1075 if dtype == np.float64 else -150)       # half the smallest subnormal
    eta_used = SIGMA64 if dtype == np.float64 else eta                  # "in float64 ... sigma64 for eta"

    def g(m, unit=U64):
        return m * unit / (1 - m * unit)

    s2 = Fraction(r["s"]) ** 2       # the replay squares B_{k,f} / s (PC-7, "Overflow"): 1 but for 'huge'
    assert s2 == 1 or (size == "huge" and dtype == np.float64)
    assume(s2 > 1 or size != "huge" or dtype != np.float64)   # (rarely 1: a run of a few updates on short rows)
    w = np.zeros(D, dtype)
    B = [Fraction(0)] * D
    S_true = S = Delta_true = Delta = Delta_up = Fraction(0)
    E_true_before = E_before = E_before_up = Fraction(0)
    for k, i in enumerate(t.updates):
        x, w_before = _exact(np.append(X[i], cert.scale).astype(dtype)), _exact(w)
        w = w + signs[i] * np.append(X[i], cert.scale).astype(dtype)   # the run's addition (PC-1)
        B = [b + abs(a) for b, a in zip(B, _exact(w))]
        # the exact quantities of the proof, from the run's computed weights and the data
        x2_true = sum(a * a for a in x)
        delta_true = g(D, u_p) * sum(abs(a * b) for a, b in zip(w_before, x)) + D * eta
        B2_true = sum(b * b for b in B)
        S_true += x2_true
        Delta_true += 2 * (delta_true + E_true_before * sqrt_range(x2_true)[1])
        E_true_before = u_p * sqrt_range(B2_true)[1]
        # the formulas of "Evaluating the slacks" on the replay's float64 sums
        x2 = (Fraction(float(r["x_norm2"][k])) + D * SIGMA64) / (1 - g(D))
        delta = g(D, u_p) * (Fraction(float(r["dot_abs"][k])) + D * SIGMA64) / (1 - g(D)) + D * eta_used
        B2 = s2 * (Fraction(float(r["sums_norm2"][k])) + D * SIGMA64) / (1 - g(2 * K + D - 2))
        S += x2
        Delta += 2 * (delta + E_before * sqrt_range(x2)[0])
        Delta_up += 2 * (delta + E_before_up * sqrt_range(x2 + 5 * SIGMA64)[1])
        E, E_up = u_p * sqrt_range(B2)[0], u_p * sqrt_range(B2 + 5 * SIGMA64 * s2)[1]
        # (i) bounds the exact quantities: the formulas are upper bounds of what the claims need
        assert x2 >= x2_true and delta >= delta_true and B2 >= B2_true
        assert S >= S_true and Delta >= Delta_true
        # each computed bound: at least its formula, and above it by no more than its evaluation's roundings:
        # S: a term is two upward operations (above, then upper_bound(., D): 3 + 2 (its constant) + 3), the
        # cumulative sum gamma_{K-1}, upper_bound(., K - 1) gamma_{K-1} and 5; 5 sigma64 per subnormal term
        S_k = Fraction(float(cert.S[k]))
        assert S <= S_k <= (S + 5 * (k + 1) * SIGMA64) * _rounded(8 + K + K + 5) + 2 * SIGMA64, ("S", k)
        # delta: the sum's bound 8, gamma_D(u_p) rounded up 2, the product 3, the sum with D eta 3
        delta_k = Fraction(float(cert.delta[k]))
        assert delta <= delta_k <= delta * _rounded(16) + 6 * SIGMA64, ("delta", k)
        # E: the sum's bound 8 (5 sigma64 if subnormal) under the square root, which halves it, the square
        # root rounded upward 3, the product by u_p 3 (normal: at least u_p sqrt(D sigma64))
        E_k = Fraction(float(cert.E[k]))
        assert E <= E_k <= E_up * _rounded(4 + 3 + 3), ("E", k)
        # Delta: a term is delta_j (16) plus E_{j-1} (10) times sqrt(x2_j) (4 + 3) rounded upward (3), the sum
        # rounded upward (3): 23 and 12 sigma64; then 2 times the cumulative sum (exact doubling; gamma_{K-1})
        # and upper_bound(., K - 1) (gamma_{K-1} and 5)
        Delta_k = Fraction(float(cert.Delta[k]))
        assert Delta <= Delta_k <= ((Delta_up * _rounded(23) + 24 * (k + 1) * SIGMA64) * _rounded(K + K + 5)
                                    + 2 * SIGMA64), ("Delta", k)
        E_before, E_before_up = E, E_up


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pc7_gamma_and_eta_are_the_proofs_constants_rounded_up(dtype):
    """PC-7, "Evaluating the slacks" and "Underflow" (proofs/perceptron.md): ``_gamma_up(n)`` is
    gamma_n = n u / (1 - n u) of the precision, computed exactly and rounded up to the next float64
    and no further (infinite when n u >= 1: no bound exists); ``_eta`` is the underflow term eta,
    half the smallest subnormal of the precision, as the float64 at least it and no further: 2^-150
    itself in float32, sigma64 = 2^-1074 in float64 (2^-1075 is no float64)."""
    from classic._perceptron_certificate import _eta, _gamma_up

    bits = 53 if dtype == np.float64 else 24
    u = Fraction(2) ** -bits
    for n in (1, 2, 3, 4, 5, 7, 23, 41, 1000, 2**bits // 3, 2**(bits - 1), 2**bits - 1):
        exact, value = n * u / (1 - n * u), _gamma_up(n, dtype)
        assert Fraction(value) >= exact and Fraction(float(np.nextafter(value, -np.inf))) < exact, n
    assert _gamma_up(2**bits, dtype) == np.inf and _gamma_up(2**bits + 1, dtype) == np.inf
    eta = Fraction(2) ** (-1075 if dtype == np.float64 else -150)
    value = _eta(dtype)
    assert Fraction(value) >= eta and Fraction(float(np.nextafter(value, -np.inf))) < eta


def test_pc7_underflow_is_explained():
    """PC-7 (proofs/perceptron.md): data so small that <w, x> underflows to 0 are never
    learnt (0 counts as a mistake); the certificate says why Novikoff does not apply."""
    X, y = np.array([[1e-200], [-1e-200]]), np.array([1, 0])
    model = _quiet_fit(Perceptron(fit_intercept=False, max_iter=5), X, y)
    assert not model.converged_ and model.n_updates_ == 10
    certificate = certify(model, X, y)
    assert certificate and certificate["PC-1"].holds
    # PC-1 is about the computation: a correctly placed example whose <w, x> underflowed to 0 was a
    # mistake as the run computed it, and the statement says so (it read "each update was a
    # mistake", which the exact margins contradict here; an audit, 2026-12-05)
    assert "each update was a mistake as the run computed it (y fl<w, x> <= 0)" in certificate["PC-1"].statement
    assert certificate["PC-5"].holds is None and "cannot be evaluated" in certificate["PC-5"].note
    scaled = Perceptron(fit_intercept=False).fit(X * 1e200, y)
    assert scaled.converged_ and certify(scaled, X * 1e200, y)["PC-5"].holds


# --- PC-8: the intercept ------------------------------------------------------------


@given(linearly_separable(intercept=True), st.sampled_from([0.5, 1.0, 4.0]))
@example(  # found by Hypothesis: a single class -1 is the positive class of its problem
    SeparableSample(X=np.array([[-1.001]]), y=np.array([-1]), direction=np.array([1.0]), offset=0.0, margin=1.001),
    0.5,
)
@settings(max_examples=examples(25))
def test_pc8_bias_by_augmentation_bound(sample, scale):
    """PC-8 (proofs/perceptron.md): with an intercept the updates obey the augmented bound
    (R_x^2 + s^2)(1 + b^2/s^2)/gamma^2, and intercept_ = s * w_D."""
    R2 = float(np.max(np.sum(sample.X.astype(np.float64) ** 2, axis=1)))
    bound = (R2 + scale**2) * (1 + sample.offset**2 / scale**2) / sample.margin**2
    model = Perceptron(intercept_scaling=scale, max_iter=int(bound) + 2).fit(sample.X, sample.y)
    assert model.converged_
    assert model.n_updates_ <= bound * (1 + 1e-9)
    assert model.intercept_[0] == model.trace_.epoch_weights[-1, -1] * scale
    assert model.trace_.intercept_scaling == scale
    u = _oriented(model, sample.y, sample.augmented_separator(scale))
    certificate = certify(model, sample.X, sample.y, separator=u)
    assert certificate["PC-5"].holds and certificate["PC-5"].bound <= bound * (1 + 1e-6)
    # the certificate's R and gamma are the augmented data's: (R/gamma)^2 at least R~^2/gamma~^2 with
    # R~^2 = max ||(x, s)||^2 and gamma~ = min |<(x, s), u>| / ||u||, evaluated here in float64 within a
    # relative gamma_{2D+4} (dot products of D terms, a division, a square), where the bound of the
    # data without the bias column, R_x^2/gamma~^2, is smaller by (R_x^2 + s^2)/R_x^2 (an audit,
    # 2026-12-05: R without the bias column passed this test)
    A = np.column_stack([sample.X.astype(np.float64), np.full(len(sample.X), scale)])
    R2_aug = float(np.max(np.sum(A * A, axis=1)))
    gamma_aug = float(np.min(np.abs(A @ u))) / float(np.linalg.norm(u))
    assert certificate["PC-5"].bound >= R2_aug / gamma_aug**2 * (1 - gamma(2 * A.shape[1] + 4, np.float64))


def test_pc8_the_novikoff_note_names_the_data_its_r_is_of():
    """PC-8: PC-5's note says which data R and gamma are of: the augmented (x, s) with its s, or,
    without an intercept, x itself (it said "augmented data" for both: R of x alone is smaller by
    the s^2 term, mutation audit 71's D11)."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    y = y == 0
    notes = {}
    for name, options in (("none", dict(fit_intercept=False)), ("1", {}), ("0.5", dict(intercept_scaling=0.5))):
        model = Perceptron(random_state=0, **options).fit(X, y)
        notes[name] = certify(model, X, y)["PC-5"].note
    R = {name: float(re.match(r"R <= ([0-9.]+),", note).group(1)) for name, note in notes.items()}
    assert notes["none"].endswith("(no intercept: the data x)")
    assert notes["1"].endswith("(augmented data (x, 1))") and notes["0.5"].endswith("(augmented data (x, 0.5))")
    assert R["none"] < R["0.5"] < R["1"]


# --- PC-9: Freund-Schapire -----------------------------------------------------------


@given(linearly_separable(n_samples=st.integers(4, 40)), st.data())
@settings(max_examples=examples(30))
def test_pc9_freund_schapire_on_non_separable_data(sample, data):
    """PC-9 (proofs/perceptron.md): with labels flipped, the updates stay below
    ((R + D)/gamma)^2 for the generator's (u, gamma), D over the sequence presented."""
    flips = data.draw(st.lists(st.integers(0, len(sample.y) - 1), min_size=1, max_size=4, unique=True))
    y = sample.y.copy()
    y[flips] *= -1
    epochs = data.draw(st.integers(1, 15))
    model = _quiet_fit(Perceptron(fit_intercept=False, max_iter=epochs,
                                  shuffle=data.draw(st.booleans()), random_state=0), sample.X, y)
    margins = y * (sample.X @ sample.direction)
    D = math.sqrt(model.n_iter_ * np.sum(np.maximum(0.0, sample.margin - margins) ** 2))
    R = float(np.max(np.linalg.norm(sample.X, axis=1)))
    assert model.n_updates_ <= ((R + D) / sample.margin) ** 2 * (1 + 1e-9)
    certificate = certify(model, sample.X, y)
    assert certificate, str(certificate)
    given_u = certify(model, sample.X, y, separator=_oriented(model, y, sample.direction), margin=sample.margin)
    assert given_u["PC-9"].holds is True and given_u


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("intercept", [False, True])
@given(st.data())
@settings(max_examples=examples(5))
def test_pc9_bound_and_slack_are_the_proofs_formulas_rounded_up(dtype, intercept, data):
    """PC-9 (proofs/perceptron.md): on data with flipped labels and a direction v and margin gamma
    given, the claim's bound is at least ((R + D)/gamma)^2 and its slack at least
    (1 + D/R) Delta_K/(K gamma^2), in exact arithmetic (R and D from the exact margins of v/||v||,
    D^2 = epochs sum_i max(0, gamma - y_i<u, x~_i>)^2, Delta_K the formula of PC-3 on the run's
    computed weights, square roots bracketed), and each at most its formula plus 2^-40 relative
    (``_loose``): the margins are certified within gamma_D R, Delta_K within gamma_{2K+O(1)} of the
    formula. A slack 10^3 times too large, and a bound 1 - 2^-30 times its formula (below the
    theorem), passed every test before 2026-12-05 (a mutation audit)."""
    sample = data.draw(linearly_separable(n_samples=st.integers(6, 20), n_features=st.integers(1, 3),
                                          intercept=intercept, dtype=dtype))
    flips = data.draw(st.lists(st.integers(0, len(sample.y) - 1), min_size=1, max_size=3, unique=True))
    y = sample.y.copy()
    y[flips] *= -1
    assume(np.unique(y).size == 2)
    model = _quiet_fit(Perceptron(fit_intercept=intercept, max_iter=data.draw(st.integers(1, 5))), sample.X, y)
    t = model.trace_
    signs = model._problem_signs(model._labels(y), dtype)[0]
    cert = _ProblemCertificate(sample.X, signs, t, "")
    v = sample.augmented_separator(float(cert.scale)) if intercept else np.append(sample.direction, 0.0)
    v = v / np.max(np.abs(v))              # as the certificate scales its candidates
    lo, _, _ = unit_margins(cert.A, signs.astype(np.float64), v)
    assume(np.any(lo > 0))
    g = float(np.median(lo[lo > 0]))
    r = cert._replay(v / np.sqrt(v @ v))
    cert._rounding(r)
    pc9 = cert._freund_schapire(lo, 0.0, g)
    assert pc9.holds is not None, pc9.note
    K, D, sqrt_range = cert.K, cert.D, naive.sqrt_range
    u_p = Fraction(2) ** (-53 if dtype == np.float64 else -24)
    eta = Fraction(2) ** (-1075 if dtype == np.float64 else -150)
    gamma = Fraction(g)
    rows = [_exact(row) for row in cert.A]
    R = sqrt_range(max(sum(a * a for a in row) for row in rows))
    norm = sqrt_range(sum(a * a for a in _exact(v)))
    shortfall_lo, shortfall_hi = Fraction(0), Fraction(0)
    for row, s in zip(rows, signs):
        m = int(s) * sum(a * b for a, b in zip(row, _exact(v)))
        margin = (m / norm[1], m / norm[0]) if m >= 0 else (m / norm[0], m / norm[1])
        shortfall_lo += max(Fraction(0), gamma - margin[1]) ** 2
        shortfall_hi += max(Fraction(0), gamma - margin[0]) ** 2
    deviation = sqrt_range(t.n_iter * shortfall_lo)[0], sqrt_range(t.n_iter * shortfall_hi)[1]
    # Delta_K = 2 sum_j (delta_j + E_{j-1} ||x~_{i_j}||) of PC-3, from the run's computed weights
    w, B = np.zeros(D, dtype), [Fraction(0)] * D
    Delta, E_before = [Fraction(0), Fraction(0)], [Fraction(0), Fraction(0)]
    for i in t.updates:
        x = np.append(sample.X[i], cert.scale).astype(dtype)
        delta = D * u_p / (1 - D * u_p) * sum(abs(a * b) for a, b in zip(_exact(w), _exact(x))) + D * eta
        x_norm = sqrt_range(sum(a * a for a in _exact(x)))
        Delta = [Delta[0] + 2 * (delta + E_before[0] * x_norm[0]), Delta[1] + 2 * (delta + E_before[1] * x_norm[1])]
        w = w + signs[i] * x
        B = [b + abs(a) for b, a in zip(B, _exact(w))]
        E_before = [u_p * e for e in sqrt_range(sum(b * b for b in B))]
    bound = [((R[0] + deviation[0]) / gamma) ** 2, ((R[1] + deviation[1]) / gamma) ** 2]
    slack = [(1 + deviation[0] / R[1]) * Delta[0] / (K * gamma**2),
             (1 + deviation[1] / R[0]) * Delta[1] / (K * gamma**2)]
    assert bound[0] <= Fraction(pc9.bound) <= _loose(bound[1], eta / gamma**2)
    assert slack[0] <= Fraction(pc9.slack) <= _loose(slack[1], eta / gamma**2)


def test_pc9_soft_margin_candidate_from_a_subsample(monkeypatch):
    """PC-9 (proofs/perceptron.md): on data of more than SOFT_MARGIN_ROWS rows the soft-margin
    candidate is fitted on evenly spaced rows only (a candidate may be any direction: its margin
    is recomputed on all the data, PC-7); the claim still holds, with a bound close to the one
    from all rows."""
    from classic import _perceptron_certificate as pc

    rng = np.random.default_rng(4)
    X = rng.standard_normal((2000, 5))
    y = (X @ [1.0, -1.0, 0.5, 0.0, 2.0] > 0).astype(int)
    y[rng.random(2000) < 0.05] ^= 1
    model = _quiet_fit(Perceptron(max_iter=5), X, y)
    full = certify(model, X, y)["PC-9"]
    monkeypatch.setattr(pc, "SOFT_MARGIN_ROWS", 200)
    sampled = certify(model, X, y)["PC-9"]
    assert full.holds is True and sampled.holds is True
    assert sampled.bound != full.bound and sampled.bound <= 1.5 * full.bound
    rare = np.zeros(2000, dtype=int)
    rare[[3, 1001, 1500]] = 1  # a class the evenly spaced rows miss: the fit falls back to all rows
    model = _quiet_fit(Perceptron(max_iter=3), X, rare)
    assert certify(model, X, rare)["PC-9"].holds is not False


# --- PC-10: cycling ------------------------------------------------------------------


@given(st.integers(2, 12), st.integers(1, 3), st.data())
@settings(max_examples=examples(25))
def test_pc10_cycling_on_integer_data(n, d, data):
    """PC-10 (proofs/perceptron.md): integer data in a fixed order end in a verified
    cycle (or a fixed point, when converged)."""
    X = np.array(data.draw(st.lists(st.lists(st.integers(-3, 3), min_size=d, max_size=d),
                                    min_size=n, max_size=n)), dtype=float)
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    model = _quiet_fit(Perceptron(max_iter=400), X, y)
    claim = certify(model, X, y)["PC-10"]
    if claim.holds is None:
        assert "no repeated state" in claim.note
    else:
        assert claim.holds is True
        assert ("fixed point" in claim.note) == model.converged_


def test_pc10_applies_where_every_operation_is_exact_and_verifies_what_it_finds():
    """PC-10 (proofs/perceptron.md): on integer data in a fixed order within the exact range, a
    converged run's repeated state is a fixed point, verified by running its period again (holds);
    non-integer data and integer sums beyond the exact range are not its case (n/a, said so). The
    Hypothesis test accepted "no repeated state" on every draw, so a certificate that never looked
    passed it (an audit, 2026-12-05)."""
    X = np.array([[2, 1], [1, 3], [-1, -2], [-3, -1]], dtype=float)
    y = np.array([1, 1, 0, 0])
    model = Perceptron(max_iter=50).fit(X, y)
    claim = certify(model, X, y)["PC-10"]
    assert model.converged_ and claim.holds is True and "fixed point from epoch" in claim.note, claim
    halves = X + 0.5
    claim = certify(Perceptron(max_iter=50).fit(halves, y), halves, y)["PC-10"]
    assert claim.holds is None and claim.note == "the data are not integers"
    large = X * 2.0**26  # (K + 1) max|x| max ||x||_1 >= 2^53: sums of the run may round
    claim = certify(Perceptron(max_iter=50).fit(large, y), large, y)["PC-10"]
    assert claim.holds is None and "exceed the exact range" in claim.note


def test_pc10_xor_cycles():
    """PC-10 (proofs/perceptron.md): XOR is not separable; the weights cycle."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    model = _quiet_fit(Perceptron(max_iter=50), X, y)
    certificate = certify(model, X, y)
    assert certificate["PC-10"].holds is True and "not linearly separable" in certificate["PC-10"].note
    assert certify(_quiet_fit(Perceptron(max_iter=50, shuffle=True, random_state=0), X, y), X, y)["PC-10"].holds is None


# --- PC-11: the tight example ---------------------------------------------------------


@pytest.mark.parametrize("m", [1, 2, 3, 7, 20])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("two_classes", [False, True])
def test_pc11_tight_example_reaches_the_bound(m, shuffle, two_classes):
    """PC-11 (proofs/perceptron.md; Shalev-Shwartz & Ben-David, Exercise 9.3): x_i = e_i
    makes exactly m = (R/gamma)^2 updates."""
    X = np.eye(m)
    y = np.where(np.arange(m) % 2 == 0, 1, -1) if two_classes else np.ones(m, dtype=int)
    model = Perceptron(fit_intercept=False, shuffle=shuffle, random_state=0).fit(X, y)
    assert model.n_updates_ == m and model.n_iter_ == 2
    claim = certify(model, X, y)["PC-5"]
    assert claim.holds and claim.worst == m
    assert abs(claim.bound - m) <= 1e-12 * m          # (R/gamma)^2 = m, up to the certified rounding


# --- PC-12: one versus the rest ---------------------------------------------------------


def test_pc12_one_vs_rest_certificate_per_class():
    """PC-12 (proofs/perceptron.md): three separable blobs, one certificate per class,
    weights equal to scikit-learn's one-vs-rest."""
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 6.0], [-6.0, -4.0], [6.0, -4.0]])
    labels = rng.integers(0, 3, 90)
    X = centers[labels] + rng.uniform(-1, 1, size=(90, 2))
    y = np.array(["a", "b", "c"])[labels]
    model = Perceptron(max_iter=200).fit(X, y)
    assert isinstance(model.trace_, OneVsRestTrace) and len(model.trace_.problems) == 3
    assert all(isinstance(t, PerceptronTrace) for t in model.trace_.problems)
    assert model.n_updates_ == sum(t.n_updates for t in model.trace_.problems)
    certificate = certify(model, X, y)
    assert certificate and model.converged_
    assert sum(c.id == "PC-5" and c.holds for c in certificate) == 3
    assert any("class b vs rest" in c.statement for c in certificate)
    assert model.score(X, y) == 1.0
    as_dict = model.trace_.to_dict()
    assert as_dict["classes"] == ["a", "b", "c"] and as_dict["problems"][1]["updates"] == list(
        model.trace_.problems[1].updates)
    twin = SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=None, max_iter=model.n_iter_).fit(X, y)
    np.testing.assert_array_equal(model.coef_, twin.coef_)


# --- PC-13: averaged and voted --------------------------------------------------------------


@given(linearly_separable(n_samples=st.integers(2, 20)), st.booleans())
@settings(max_examples=examples(20))
def test_pc13_averaged_and_voted_survival_weights(sample, shuffle):
    """PC-13 (proofs/perceptron.md): the averaged weights are the mean of the weights in
    effect at each presentation, the vote weights each w_k by its survival time."""
    y = sample.y.copy()
    y[0] = -y[0]                           # usually not separable any more: several epochs
    kwargs = dict(max_iter=6, shuffle=shuffle, random_state=5)
    averaged = _quiet_fit(Perceptron(prediction="averaged", **kwargs), sample.X, y)
    voted = _quiet_fit(Perceptron(prediction="voted", **kwargs), sample.X, y)
    last = _quiet_fit(Perceptron(**kwargs), sample.X, y)
    assert averaged.trace_ == voted.trace_ == last.trace_
    rng = np.random.default_rng(5) if shuffle else None
    orders = [rng.permutation(len(y)) if shuffle else np.arange(len(y)) for _ in range(last.n_iter_)]
    signs = last._problem_signs(last._labels(y), np.float64)[0]
    in_effect = np.array(naive.perceptron_presentations(sample.X, signs, 1.0, orders))
    mean = in_effect.mean(axis=0)
    np.testing.assert_allclose(averaged.coef_[0], mean[:-1], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(averaged.intercept_[0], mean[-1], rtol=1e-9, atol=1e-9)
    weights, counts = voted._voted[0]
    assert counts.sum() == len(in_effect) and np.all(counts[:-1] >= 1) and counts[-1] >= 0
    vote = naive.perceptron_vote(np.column_stack([sample.X, np.ones(len(y))]), in_effect)
    np.testing.assert_array_equal(voted.decision_function(sample.X), vote)


def _vote_oracle(X, W, counts, scale):
    """The vote in the order of the training decisions (naive.perceptron_inner, every score at
    once), scores that overflow float64 taken in long double, then sign times count summed."""
    A = np.column_stack([X, np.full(len(X), scale)])
    with np.errstate(over="ignore", invalid="ignore"):
        scores = A[:, None, 0] * W[None, :, 0]
        for f in range(1, A.shape[1]):
            scores = scores + A[:, None, f] * W[None, :, f]
    wide = (A.astype(np.longdouble)[:, None, :] * W.astype(np.longdouble)[None, :, :]).sum(axis=2)
    with np.errstate(over="ignore"):
        scores = np.where(np.isfinite(scores), scores, wide.astype(np.float64))
    return np.sign(scores) @ counts


@pytest.mark.parametrize("scale", [1.0, 0.0])
def test_pc13_the_vote_is_exact_and_takes_each_score_in_the_training_order(scale, numba_threads):
    """The vote scores every (row, weight vector) pair in the order of the training decisions,
    whatever block of rows (1024 a chunk, four at a time) and of weight vectors (512, 16 at a time)
    it falls in, and sums the integers c_k sign(...) exactly: split among weight vectors in any two
    parts, or run with 1 and 2 threads, it gives the same bits, as early stopping needs
    (HeldOutVote). Integer data make many scores exactly 0; rows of 1e300 overflow."""
    from classic._perceptron_predictors import _vote

    rng = np.random.default_rng(0)
    X = rng.integers(-3, 4, size=(1030, 3)).astype(np.float64)
    if np.finfo(np.longdouble).max > np.finfo(np.float64).max:
        X[::97] *= 5e307                               # some scores overflow float64: taken in long double
    X[5] = [0.1, 0.2, -0.3]                            # 0.1 + 0.2 - 0.3 is not 0 in float64
    X[6] = X[1029] = [1.0, 1e16, -1e16]                # (1 + 1e16) - 1e16 is 0, 1 + (1e16 - 1e16) is 1
    W = rng.integers(-4, 5, size=(531, 4)).astype(np.float64)
    W[7] = W[529] = [1.0, 1.0, 1.0, 0.0]               # in a block of 16 and in the last 3
    counts = rng.integers(0, 9, size=531).astype(np.float64)
    WT = np.ascontiguousarray(W.T)
    votes = _vote(X, WT, counts, scale)
    np.testing.assert_array_equal(votes, _vote_oracle(X, W, counts, scale))
    lost, zeros = np.zeros(len(X), np.int64), np.zeros(len(X), np.int64)
    kernels.vote(X, WT, counts.astype(np.int64), scale, zeros, lost)
    assert lost[::97].all() == (np.finfo(np.longdouble).max > np.finfo(np.float64).max)  # exercised
    for cut in (1, 16, 17, 512, 530):
        parts = [_vote(X, np.ascontiguousarray(WT[:, k]), counts[k], scale) for k in (slice(cut), slice(cut, None))]
        np.testing.assert_array_equal(parts[0] + parts[1], votes)
    numba_threads(1)
    one = _vote(X, WT, counts, scale)
    numba_threads(2)
    np.testing.assert_array_equal(_vote(X, WT, counts, scale), one)


@pytest.mark.skipif(np.finfo(np.longdouble).max == np.finfo(np.float64).max,
                    reason="an overflowing score is an error where long double is float64")
def test_pc13_a_vote_whose_score_overflows_by_the_intercept_alone_counts_it():
    """The vote of a row whose score overflows is taken again in long double, every weight vector's
    score with the intercept term. Here (intercept_scaling 1e150, x = -max) the weights in effect are
    0 (once), (1, -1e150) (once: -max - 1e300 overflows, by the intercept term alone) and (2, 0)
    (twice: -2 max overflows): the vote is 0 - 1 - 2 = -3. Without the intercept in the re-evaluation
    (audit 55's P09) the second score looked finite, its vote was lost (-2), and every test passed."""
    X = np.array([[-1.0], [1.0]])
    model = Perceptron(prediction="voted", intercept_scaling=1e150).fit(X, [0, 1])
    np.testing.assert_array_equal(model.trace_.epoch_weights, [[0.0, 0.0], [2.0, 0.0], [2.0, 0.0]])
    big = np.finfo(np.float64).max
    np.testing.assert_array_equal(model.decision_function([[-big], [big]]), [-3.0, 3.0])


def test_pc1_a_float32_averaged_fit_with_a_step_size_certifies():
    """coef_ of the averaged perceptron is fl(fl(a) eta0) in the data's precision, a the float64 average
    rounded to it first, as the certificate recomputes it (PC-1). Scaling the float64 average (audit 55's
    E16) moved float32 coef_ by an ulp with eta0 = 0.1, and PC-1 failed; every test passed."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 4)).astype(np.float32)
    y = (X @ [1.0, -0.5, 0.3, 0.2] > 0.1).astype(int)
    model = _quiet_fit(Perceptron(prediction="averaged", eta0=0.1, max_iter=3), X, y)
    assert model.coef_.dtype == np.float32
    certificate = certify(model, X, y)
    assert certificate, str(certificate)


@settings(max_examples=examples(15), deadline=None)
@given(st.integers(0, 10**6), st.booleans(), st.booleans())
def test_cv7_the_held_out_vote_of_each_epoch_is_the_vote_of_the_run_so_far(seed, integer, weighted):
    """CV-7 with prediction="voted": early stopping keeps the votes of the weight vectors whose
    survival counts are final and scores each epoch's new ones only (HeldOutVote); after every
    epoch its votes are, bit for bit, those predict takes after a fit that ends there (the vote
    over every weight vector so far, which each epoch computed until 2026-12-06)."""
    from classic._perceptron_predictors import HeldOutVote, _vote, _voted_weights
    from classic.perceptron import _RunSoFar

    rng = np.random.default_rng(seed)
    X = rng.integers(-2, 3, size=(60, 3)).astype(float) if integer else rng.normal(size=(60, 3))
    signs = np.where(X[:, 0] + X[:, 1] + rng.normal(size=60) > 0, 1.0, -1.0)
    X_val = rng.integers(-2, 3, size=(40, 3)).astype(float) if integer else rng.normal(size=(40, 3))
    weights = rng.uniform(0.0, 2.0, 60) if weighted else None
    _, trace = run_perceptron(X, signs, 1.0, 8, rng=np.random.default_rng(seed), weights=weights)
    held_out = HeldOutVote(X, signs, 1.0, weights)
    for e in range(1, trace.n_iter + 1):
        K = int(np.searchsorted(trace.update_steps, e * len(X)))
        run = _RunSoFar(e, len(X), trace.updates[:K], trace.update_steps[:K], list(trace.epoch_weights[: e + 1]))
        np.testing.assert_array_equal(held_out(X_val, run), _vote(X_val, *_voted_weights(X, signs, 1.0, run, weights), 1.0))


def test_pc1_the_averaged_weights_do_not_depend_on_the_blas_threads():
    """PC-1 compares the averaged coef_ with the average recomputed from the log bit for bit, so the
    average must not depend on how many threads BLAS has (it is summed by numpy, row after row)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(3)
    X = rng.normal(size=(20_000, 40))
    y = np.where(X @ rng.normal(size=40) + 0.3 * rng.normal(size=20_000) > 0, 1, -1)
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            fits.append(_quiet_fit(Perceptron(prediction="averaged", max_iter=3), X, y))
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    assert certify(fits[0], X, y)


@pytest.mark.parametrize("prediction", ["averaged", "voted"])
def test_pc1_averaged_and_voted_use_the_runs_own_intercept_feature(prediction):
    """A float32 run with intercept_scaling=0.1 augments every row with float32(0.1), the trace's
    intercept_scaling; the averaged weights were computed with the float64 0.1, and PC-1, which
    recomputes them from the trace, failed on 7 of 40 such fits (a certificate review, 2026-12-05).
    Both predictors now use the run's feature: every fit certifies."""
    for seed in range(40):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(200, 3)).astype(np.float32)
        y = np.where(X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.normal(size=200) > 0, 1, -1)
        model = _quiet_fit(Perceptron(prediction=prediction, intercept_scaling=0.1, max_iter=20), X, y)
        assert model.trace_.intercept_scaling == float(np.float32(0.1)) == model._scale
        assert certify(model, X, y)["PC-1"].holds, seed


def test_same_run_with_one_and_two_threads(numba_threads):
    """PC-1 (proofs/perceptron.md): the run, its log included, does not depend on the number of
    Numba threads (the package's policy for every kernel, classic/_jit.py)."""
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3000, 7))
    y = (X @ rng.standard_normal(7) > 0.1).astype(int)
    y[rng.random(3000) < 0.05] ^= 1
    fits = []
    for threads in (1, 2):
        numba_threads(threads)
        fits.append(_quiet_fit(Perceptron(max_iter=4, shuffle=True, random_state=2), X, y))
    assert fits[0].trace_ == fits[1].trace_
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    np.testing.assert_array_equal(fits[0].intercept_, fits[1].intercept_)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_decision_function_is_the_training_order_with_any_number_of_threads(dtype, n_classes, monkeypatch, numba_threads):
    """decision_function computes each score as the fit's decisions do (naive.perceptron_inner:
    left to right, the intercept last), bit for bit, four rows at a time or one (2 051 rows: a
    last chunk whose length is not a multiple of four), in the serial twin and with 1 and 2 threads."""
    from classic import _jit as jit

    rng = np.random.default_rng(3)
    X = rng.standard_normal((2051, 7)).astype(dtype)
    y = rng.integers(0, n_classes, 2051)
    model = _quiet_fit(Perceptron(max_iter=3), X, y)
    W = np.column_stack([model.coef_, model.intercept_]).astype(dtype)
    A = np.column_stack([X, np.ones(len(X), dtype=dtype)])
    expected = np.array([[naive.perceptron_inner(w, a) for w in W] for a in A[:200]])
    for threads, serial_rows in ((1, 10**9), (1, 0), (2, 0)):
        monkeypatch.setattr(jit, "SERIAL_ROWS", serial_rows)
        numba_threads(threads)
        scores = model.decision_function(X)
        scores = scores.reshape(len(X), -1)
        assert scores.dtype == dtype and scores.shape[1] == W.shape[0]
        np.testing.assert_array_equal(scores[:200], expected)
        tail = [[naive.perceptron_inner(w, a) for w in W] for a in A[-3:]]
        np.testing.assert_array_equal(scores[-3:], tail)


@pytest.mark.parametrize("prediction", ["last", "averaged", "voted"])
def test_float32_rows_on_a_float64_model_are_scored_against_its_weights(prediction):
    """float32 X on a float64 model is scored in float64 against the fitted weights (float32 to
    float64 is exact), not against their float32 roundings: the scores equal those of the same
    rows given in float64, bit for bit. A float32 model scores float32 rows in float32 and float64
    rows in float64. Weights 1 + 2**-30 and -1 put a row of (1, 1) at 2**-30 in float64 and at 0
    in float32, where the class flips."""
    X = np.random.default_rng(4).standard_normal((500, 3))
    y = (X[:, 0] > 0).astype(int)
    model = _quiet_fit(Perceptron(prediction=prediction, max_iter=3), X, y)
    X32 = X.astype(np.float32)
    np.testing.assert_array_equal(model.decision_function(X32), model.decision_function(X32.astype(np.float64)))
    np.testing.assert_array_equal(model.predict(X32), model.predict(X32.astype(np.float64)))
    model32 = _quiet_fit(Perceptron(prediction=prediction, max_iter=3), X32, y)
    assert model32.decision_function(X32).dtype == (np.float64 if prediction == "voted" else np.float32)
    assert model32.decision_function(X).dtype == np.float64
    if prediction == "last":  # a float64 intercept_ set by hand on float32 coef_ is not rounded either
        model32.intercept_ = np.asarray(model32.intercept_, dtype=np.float64) + 2.0**-40
        assert model32.decision_function(X32).dtype == np.float64
    if prediction == "last":
        close = Perceptron().fit([[1.0, 1.0], [-1.0, -1.0]], [1, 0])
        close.coef_, close.intercept_ = np.array([[1 + 2.0**-30, -1.0]]), np.array([0.0])
        row = np.array([[1.0, 1.0]], dtype=np.float32)
        assert close.decision_function(row)[0] == 2.0**-30 and close.predict(row)[0] == 1


@pytest.mark.parametrize("prediction", ["last", "averaged", "voted"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_nan_and_infinity_are_found_by_their_scores(prediction, dtype, n_classes):
    """decision_function, predict and score do not look for NaN and infinity before scoring (a
    pass over X that cost 40 % of a binary decision_function); a row holding one scores NaN or
    ±inf for every problem (0·inf is NaN), so it is among the non-finite scores looked at again,
    and a ValueError names NaN or infinity: in the first, a middle and the last row, over several
    chunks, also where every weight of that feature is 0. The input is never modified."""
    rng = np.random.default_rng(9)
    X = rng.standard_normal((3000, 4)).astype(dtype)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5 if n_classes == 3 else 0)
    model = _quiet_fit(Perceptron(prediction=prediction, max_iter=3), X, y)
    for row in (0, 1500, 2999):
        for column in (0, 3):
            for bad, word in ((np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")):
                X_bad = X.copy()
                X_bad[row, column] = bad
                original = X_bad.copy()
                for call in (model.decision_function, model.predict, lambda Z: model.score(Z, y)):
                    with pytest.raises(ValueError, match=f"Input X contains {word}"):
                        call(X_bad)
                np.testing.assert_array_equal(X_bad, original)
    zero_feature = _quiet_fit(Perceptron(prediction=prediction, max_iter=3), np.column_stack([X, np.zeros(3000, dtype)]), y)
    assert (zero_feature.coef_[:, -1] == 0).all()  # the last feature's weights are all 0
    X_bad = np.column_stack([X, np.zeros(3000, dtype)])
    X_bad[7, -1] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        zero_feature.predict(X_bad)


@pytest.mark.parametrize("prediction", ["last", "averaged", "voted"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_scores_of_rows_beyond_the_range_rule_are_never_nan(prediction, dtype, n_classes):
    """A row given to decision_function/predict may lie beyond the fit's range rule (PC-7), where
    an inner product overflows X's precision (inf - inf = NaN: such rows used to score NaN and get
    an arbitrary label). Those rows are evaluated again in long double and rounded: the scores
    are the long double values rounded to X's precision (±inf beyond it), the others of the row the
    kernel's (each score is a function of its row and weight vector alone, which the vote needs:
    until 2026-12-06 a row's every score was evaluated again), and predict follows them."""
    big = float(np.finfo(dtype).max) / 2
    rng = np.random.default_rng(5)
    X = rng.standard_normal((200, 3)).astype(dtype)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5 if n_classes == 3 else 0)
    model = _quiet_fit(Perceptron(prediction=prediction, max_iter=5), X, y)
    T = np.array([[big, big, 0.0], [big, -big, 0.0], [big / 1e8, big / 1e8, big / 1e8], [1.0, 2.0, 3.0]], dtype=dtype)
    scores = model.decision_function(T)
    assert not np.isnan(scores).any()
    if prediction != "voted":
        W = np.column_stack([model.coef_, model.intercept_]).astype(np.longdouble)
        exact = T.astype(np.longdouble) @ W[:, :-1].T + W[:, -1]
        with np.errstate(over="ignore"):
            expected = exact.astype(dtype)
        W = np.column_stack([model.coef_, model.intercept_])
        with np.errstate(over="ignore", invalid="ignore"):
            kernels = np.array([[naive.perceptron_inner(w, np.append(t, dtype(1))) for w in W] for t in T])
        overflowed = ~np.isfinite(kernels)
        assert overflowed.any() and not overflowed.all()  # the case is exercised
        scores = scores.reshape(len(T), -1)
        np.testing.assert_array_equal(scores[overflowed], expected[overflowed])
        np.testing.assert_array_equal(scores[~overflowed], kernels[~overflowed])
        scores = scores.reshape(model.decision_function(T).shape)
    # predict follows the returned scores (two scores rounded to +inf tie: the first class wins)
    winners = (scores > 0).astype(int) if n_classes == 2 else np.argmax(scores, axis=1)
    np.testing.assert_array_equal(model.predict(T), model.classes_[winners])


def test_where_long_double_is_float64_an_overflowing_score_names_its_row_and_input(monkeypatch):
    """Where long double is no wider than float64 (MSVC, Apple silicon), a score that overflows
    float64 to inf - inf stays NaN when evaluated again, and a ValueError names the row. It names
    it in the input given: row 300 of X for predict with prediction="voted" (scored in blocks of
    256 rows: it said row 44), and X_val when the stopping rule's held-out rows overflow (it said X)."""
    from classic.convergence import ValidationPatience

    monkeypatch.setattr(np, "longdouble", np.float64)
    big = float(np.finfo(np.float64).max) / 2
    rng = np.random.default_rng(5)
    X = 100 * rng.standard_normal((200, 2))  # every update's weights beyond 2 in magnitude: w_f * big overflows
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = _quiet_fit(Perceptron(prediction="voted", max_iter=5), X, y)
    signs = np.sign(model.coef_[0])
    T = rng.standard_normal((400, 2))
    T[300] = [signs[0] * big, -signs[1] * big]  # products of opposite signs, each beyond float64: inf - inf
    with pytest.raises(ValueError, match=r"score of row 300 of X overflows even in long double"):
        model.predict(T)
    stop = ValidationPatience(2, T, (T[:, 0] > 0).astype(int))
    with pytest.raises(ValueError, match=r"score of row 300 of X_val overflows even in long double"):
        Perceptron(max_iter=5, stop=stop).fit(X, y)


# --- scikit-learn twin and conventions ----------------------------------------------------------


def _classes_in_random_order(data, n_classes, max_features):
    # 2..40 points of 1..max_features coordinates in [-5, 5], each class about equally often, shuffled
    n = data.draw(st.integers(n_classes, 40))
    d = data.draw(st.integers(1, max_features))
    coords = st.floats(-5, 5, allow_subnormal=False)
    X = np.array(data.draw(st.lists(st.lists(coords, min_size=d, max_size=d), min_size=n, max_size=n)))
    y = np.arange(n) % n_classes
    return X, y[np.array(data.draw(st.permutations(range(n))))]


@given(st.integers(1, 6), st.integers(2, 4), st.data())
@settings(max_examples=examples(25))
def test_agrees_with_scikit_learn(epochs, n_classes, data):
    """Weights and predictions equal scikit-learn's Perceptron(penalty=None, eta0=1,
    shuffle=False, tol=None, fit_intercept=False) after the same number of epochs, bit for
    bit; also with fit_intercept=True (scikit-learn's intercept is our augmented feature s = 1)."""
    X, y = _classes_in_random_order(data, n_classes, max_features=5)
    intercept = data.draw(st.booleans())
    ours = _quiet_fit(Perceptron(fit_intercept=intercept, max_iter=epochs), X, y)
    twin = _quiet_fit(SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=None, fit_intercept=intercept,
                                   max_iter=epochs), X, y)
    np.testing.assert_array_equal(ours.coef_, twin.coef_)
    np.testing.assert_array_equal(ours.intercept_, twin.intercept_)
    np.testing.assert_array_equal(ours.predict(X), twin.predict(X))


@pytest.mark.parametrize("labels", [np.array(["b", "a", "c"], dtype=object), np.array(["b", "a", "c"]),
                                    np.array(["yes", "no"], dtype=object)])
def test_string_labels_give_scikit_learns_classes(labels):
    """Strings in an object array (a data frame's column): classes_ and predict were object arrays,
    where scikit-learn's are str (an audit, 2026-12-05). Same classes, dtype, order and predictions
    as its twin."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    y = labels[y % len(labels)]
    ours = _quiet_fit(Perceptron(max_iter=5), X, y)
    twin = _quiet_fit(SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=None, max_iter=5), X, y)
    assert ours.classes_.dtype == twin.classes_.dtype and ours.classes_.dtype.kind == "U"
    np.testing.assert_array_equal(ours.classes_, twin.classes_)
    prediction = ours.predict(X)
    assert prediction.dtype == twin.predict(X).dtype and np.array_equal(prediction, twin.predict(X))


@given(st.integers(2, 4), st.sampled_from([0.0, 1e-3, 0.05, 1.0]), st.integers(1, 5), st.data())
@settings(max_examples=examples(25))
def test_tol_stops_where_scikit_learn_stops(n_classes, tol, n_iter_no_change, data):
    """scikit-learn's stopping rule (Perceptron, ``tol``): on data that are not separable
    both runs stop after the same epoch with the same weights; a problem that reaches a
    mistake-free epoch stops there, where scikit-learn idles ``n_iter_no_change`` more
    epochs with unchanged weights."""
    X, y = _classes_in_random_order(data, n_classes, max_features=4)
    params = dict(tol=tol, n_iter_no_change=n_iter_no_change, max_iter=300)
    ours = _quiet_fit(Perceptron(**params), X, y)
    twin = _quiet_fit(SkPerceptron(penalty=None, eta0=1, shuffle=False, **params), X, y)
    np.testing.assert_array_equal(ours.coef_, twin.coef_)
    np.testing.assert_array_equal(ours.intercept_, twin.intercept_)
    problems = ours.trace_.problems if n_classes > 2 else (ours.trace_,)
    if not any(t.converged for t in problems):
        assert ours.n_iter_ == twin.n_iter_
    else:
        assert ours.n_iter_ <= twin.n_iter_
    for t in problems:
        assert t.stop_reason in ("tol", "mistake-free epoch", "max_iter")
        losses = t.epoch_loss
        if t.stop_reason == "tol":   # the last n_iter_no_change epochs did not improve by tol
            best = np.minimum.accumulate(losses)
            assert all(losses[e] > best[e - 1] - tol for e in range(t.n_iter - n_iter_no_change, t.n_iter))


def test_plot_draws_updates_mistakes_and_the_loss_curve():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0], [0.5, -0.5]])
    trace = _quiet_fit(Perceptron(max_iter=12), X, np.array([0, 0, 1, 1, 0])).trace_
    ax = trace.plot(bound=300.0)
    loss_ax = [other for other in ax.figure.axes if other is not ax][0]
    np.testing.assert_array_equal(loss_ax.lines[0].get_ydata(), trace.epoch_loss)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), trace.objective)
    np.testing.assert_array_equal([bar.get_height() for bar in ax.patches], trace.mistakes)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "updates so far", r"$(R/\gamma)^2$ = 300 (PC-5)", "mistakes in the epoch", "mean loss of the epoch"]
    # the bound inside the axis with headroom; a bar of 2 mistakes twice as tall as a bar of 1
    assert ax.get_ylim()[1] >= 1.5 * 300.0
    height = lambda count: ax.transData.transform((0, count))[1] - ax.transData.transform((0, 0))[1]  # noqa: E731
    assert height(2) == pytest.approx(2 * height(1))
    plt.close(ax.figure)


def test_plot_takes_a_bound_near_the_largest_float():
    """A certificate's (R/gamma)^2 may be astronomically large (a margin near 0): a bound of 1e308
    made the count axis overflow (OverflowError, an audit, 2026-12-06). The axis ends at the largest
    float, with at most 12 labelled decades besides 0."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0]])
    trace = Perceptron().fit(X, np.array([0, 0, 1, 1])).trace_
    for bound in (1e308, 1e30):
        ax = trace.plot(bound=bound)
        ax.figure.savefig(io.BytesIO(), format="png")
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[:2] == ["0", "1"] and len(labels) <= 13 and ax.get_ylim()[1] >= bound
        plt.close(ax.figure)


def test_one_vs_rest_plot_draws_one_curve_per_class():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0], [0.5, -0.5]])
    trace = _quiet_fit(Perceptron(max_iter=50), X, np.array(["a", "b", "c", "a", "b"])).trace_
    ax = trace.plot()
    for c, problem, line in zip(trace.classes, trace.problems, ax.lines):
        assert line.get_label().startswith(f"{c} vs rest")
        np.testing.assert_array_equal(line.get_xdata(), np.arange(problem.n_iter + 1))
        np.testing.assert_array_equal(line.get_ydata(), problem.objective)
    assert ax.get_xlabel() == "epoch" and len(ax.get_legend().get_texts()) == len(trace.classes) + 1
    plt.close(ax.figure)


def test_verbose_prints_every_epoch(capsys):
    X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0], [0.5, -0.5]])
    model = _quiet_fit(Perceptron(verbose=1, max_iter=50), X, np.array([0, 1, 2, 0, 1]))
    out = capsys.readouterr().out
    assert out.count("against the rest") == 3
    assert "perceptron: class 2 against the rest" in out  # the label as Python prints it, not np.int64(2)
    assert out.count("perceptron epoch") == sum(t.n_iter for t in model.trace_.problems)
    last = model.trace_.problems[-1]
    assert f"perceptron epoch {last.n_iter}: {last.mistakes[-1]} mistakes, mean loss {last.epoch_loss[-1]:.6g}" in out
    Perceptron(verbose=1).fit(X[:3], np.array([1, 1, 0]))   # one mistake, then none: "1 mistake" (audit 48)
    assert capsys.readouterr().out == ("perceptron epoch 1: 1 mistake, mean loss 0\n"
                                       "perceptron epoch 2: 0 mistakes, mean loss 0\n")


def test_tol_ends_a_run_on_data_that_are_not_separable():
    # iris, three classes one-vs-rest (versicolor is not separable from the rest): the textbook
    # rule runs max_iter epochs, scikit-learn's default tol a handful, with its loss trace
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    with pytest.warns(ConvergenceWarning):
        textbook = Perceptron(max_iter=200).fit(X, y)
    assert textbook.trace_.stop_reason == "max_iter" and textbook.n_iter_ == 200
    model = Perceptron(tol=1e-3).fit(X, y)   # no warning: the rule ended it
    twin = SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=1e-3).fit(X, y)
    assert model.n_iter_ == twin.n_iter_ < 50
    np.testing.assert_array_equal(model.coef_, twin.coef_)
    assert model.trace_.stop_reason == "tol" and not model.converged_
    assert [t.stop_reason for t in model.trace_.problems] == ["mistake-free epoch", "tol", "tol"]
    certificate = certify(model, X, y)   # every claim of the epochs run still holds (PC-6)
    assert certificate
    # each note names its problem as its statement does
    assert [c.note.startswith(f"[class {k} vs rest] the run stopped (tol) after") for k, c in
            enumerate(certificate.all("PC-6"))] == [False, True, True]
    assert all(c.note.startswith(c.statement[: c.statement.index("]") + 1]) for c in certificate if c.note)
    for t in model.trace_.problems:
        assert t.epoch_loss.shape == (t.n_iter,) and np.all(t.epoch_loss >= 0)
        assert np.all(t.epoch_loss[t.mistakes == 0] == 0)   # only mistakes have a loss (those at margin 0 add 0)


@pytest.mark.parametrize(("params", "error", "match"), [
    ({"tol": -1e-3}, ValueError, "tol must be >= 0"),
    ({"tol": "1e-3"}, TypeError, "tol must be a real number"),
    ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change must be >= 1"),
    ({"n_iter_no_change": 2.5}, TypeError, "n_iter_no_change must be an integer"),
    ({"eta0": 0.0}, ValueError, "eta0 must be > 0"),
    ({"verbose": -1}, ValueError, "verbose must be >= 0"),
    ({"eta0": 1e308}, ValueError, "eta0=1e[+]308 times the weights leaves the normal range of float64"),
    ({"eta0": 1e-320}, ValueError, "leaves the normal range.*use eta0=1"),
    ({"penalty": "l2"}, ValueError, "penalty='l2': classic's perceptron is Rosenblatt's"),
    ({"class_weight": "balance"}, ValueError, "class_weight must be None, 'balanced' or a dict from class labels"),
    ({"class_weight": {0: -2.0}}, ValueError, r"class_weight\[0\] = -2.0: the weights must be finite numbers >= 0"),
    ({"class_weight": {0: np.nan}}, ValueError, r"class_weight\[0\] = nan: the weights must be finite"),
    ({"class_weight": {0: "2"}}, ValueError, r"class_weight\[0\] = '2': the weights must be finite numbers"),
    ({"class_weight": {7: 2.0}}, ValueError, r"class_weight names \[7\], not among the classes \[0, 1\]"),
    ({"early_stopping": True}, ValueError, "early_stopping=True is not supported: pass stop=.*ValidationPatience"),
    ({"alpha": -1.0}, ValueError, "alpha must be >= 0"),
    ({"l1_ratio": 1.5}, ValueError, "l1_ratio must be in"),
    ({"validation_fraction": 1.0}, ValueError, "validation_fraction must be in"),
    ({"n_jobs": 1.5}, TypeError, "n_jobs must be an integer"),
    ({"fit_intercept": "no"}, TypeError, "fit_intercept must be True or False, got 'no'"),
    ({"fit_intercept": 0}, TypeError, r"fit_intercept must be True or False, got 0 \(int\)"),
    ({"shuffle": "yes"}, TypeError, "shuffle must be True or False, got 'yes'"),
    ({"warm_start": "no"}, TypeError, "warm_start must be True or False, got 'no'"),
    ({"early_stopping": 0}, TypeError, "early_stopping must be True or False, got 0"),
    ({"verbose": 0.5}, TypeError, "verbose must be an integer >= 0 or a bool, got 0.5"),
    ({"class_weight": np.ones(2)}, ValueError, "class_weight must be None, 'balanced' or a dict.*got array"),
    ({"fit_intercept": False, "intercept_scaling": "a"}, TypeError, "intercept_scaling must be a real number"),
    ({"fit_intercept": False, "intercept_scaling": -1.0}, ValueError, "intercept_scaling must be > 0"),
    ({"random_state": "seed"}, TypeError, "random_state must be None, a non-negative int"),
    ({"random_state": -1}, ValueError, "random_state must be a non-negative integer"),
])
def test_bad_scikit_learn_parameters_are_refused(params, error, match):
    with pytest.raises(error, match=match):
        Perceptron(**params).fit(np.array([[0.0], [1.0]]), np.array([0, 1]))


def test_a_step_beyond_float32_is_refused_without_numpys_warning():
    """eta0=1e300 on float32 data: inf times a weight 0 is NaN, which NumPy announced with a
    RuntimeWarning before the ValueError (an input review, 2026-12-05)."""
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="eta0=1e[+]300 times the weights leaves the normal range of float32"):
            Perceptron(eta0=1e300).fit(X, np.array([0, 1, 1]))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # random labels: not separable
def test_every_scikit_learn_parameter_is_accepted_and_the_inert_ones_change_nothing():
    """Code written for scikit-learn's Perceptron runs: every parameter name it has is accepted.
    alpha and l1_ratio (no effect without a penalty, as there), n_jobs and validation_fraction
    (no effect without early stopping) leave the run bit for bit unchanged."""
    assert set(SkPerceptron().get_params()) <= set(Perceptron().get_params())
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(60, 3)), rng.integers(0, 3, 60)
    plain = Perceptron(max_iter=30).fit(X, y)
    other = Perceptron(max_iter=30, alpha=0.5, l1_ratio=0.9, n_jobs=-1, validation_fraction=0.3, class_weight=None,
                       warm_start=False, early_stopping=False).fit(X, y)
    np.testing.assert_array_equal(plain.coef_, other.coef_)
    np.testing.assert_array_equal(plain.intercept_, other.intercept_)
    assert plain.trace_ == other.trace_


@given(st.sampled_from([0.1, 3.0, 0.5, 2.0 ** -3, 4.0]), st.data())
@settings(max_examples=examples(20))
def test_eta0_scales_the_weights_and_changes_no_mistake(eta0, data):
    """PC-1, "Step size": the run with step eta0 is eta0 times the run with step 1, so the
    trace is the same and coef_, intercept_ are multiplied by eta0. With eta0 a power of two
    and data on a grid of eighths every product and sum of scikit-learn's eta0-run is exact
    too, so its weights are those bit for bit."""
    n = data.draw(st.integers(2, 30))
    grid = st.integers(-40, 40).map(lambda v: v / 8)
    X = np.array(data.draw(st.lists(st.lists(grid, min_size=3, max_size=3), min_size=n, max_size=n)))
    y = np.arange(n) % 3
    one = _quiet_fit(Perceptron(max_iter=20), X, y)
    ours = _quiet_fit(Perceptron(max_iter=20, eta0=eta0, penalty=None), X, y)
    assert ours.trace_ == one.trace_
    np.testing.assert_array_equal(ours.coef_, one.coef_ * eta0)
    np.testing.assert_array_equal(ours.intercept_, one.intercept_ * eta0)
    if math.log2(eta0).is_integer():
        twin = _quiet_fit(SkPerceptron(penalty=None, eta0=eta0, shuffle=False, tol=None, max_iter=ours.n_iter_), X, y)
        np.testing.assert_array_equal(ours.coef_, twin.coef_)
        np.testing.assert_array_equal(ours.intercept_, twin.intercept_)


def test_eta0_as_in_the_textbook_example_agrees_with_scikit_learn_to_rounding():
    # Perceptron(eta0=0.1) on standardised iris (Raschka's example): scikit-learn's own
    # 0.1-steps round differently, so its weights agree to rounding and its predictions exactly
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    ours = _quiet_fit(Perceptron(eta0=0.1, max_iter=40), X, y)
    twin = _quiet_fit(SkPerceptron(penalty=None, eta0=0.1, shuffle=False, tol=None, max_iter=40), X, y)
    np.testing.assert_allclose(ours.coef_, twin.coef_, rtol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), twin.predict(X))


#: Checks that fail by design, with the reason.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "weights are not repetitions for the perceptron (nor for scikit-learn's, whose check is an expected "
        "failure too): an example of weight 2 moves the weights twice as far at a mistake, once per "
        "presentation, where two copies of it may make two mistakes (proofs/perceptron.md, PC-1 'Weights')"
    ),
}


#: Checks that fail without an intercept, with the reason.
WITHOUT_INTERCEPT = {
    "check_class_weight_classifiers": (
        "a classifier through the origin cannot put 87 % of the check's blobs (centres away from 0) in class 0, "
        "however the classes are weighted: scikit-learn's Perceptron(fit_intercept=False) predicts 0 for 52 % "
        "and 64 % of them there, ours 46 % to 60 %"
    ),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([Perceptron(), Perceptron(prediction="averaged", shuffle=True, random_state=0),
                          Perceptron(prediction="voted", fit_intercept=False)],
                         expected_failed_checks=lambda estimator: EXPECTED_FAILURES if estimator.fit_intercept else
                         {**EXPECTED_FAILURES, **WITHOUT_INTERCEPT})
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_claim_ids_are_proof_steps():
    """Every claim the certificate issues is a step of proofs/perceptron.md."""
    steps = proof_steps("perceptron")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [2, 2]], dtype=float)
    ids = set()
    for y in ([0, 1, 1, 0, 1], [0, 0, 0, 1, 1], [0, 1, 2, 2, 1]):
        model = _quiet_fit(Perceptron(max_iter=30), X, y)
        ids |= {c.id for c in certify(model, X, y)}
    assert ids == {"PC-1", "PC-2", "PC-3", "PC-4", "PC-5", "PC-6", "PC-9", "PC-10"}
    assert ids <= set(steps)


def test_bad_input_is_rejected_with_a_clear_message():
    X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1])
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        Perceptron(max_iter=0).fit(X, y)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        Perceptron(max_iter=2.5).fit(X, y)
    with pytest.raises(ValueError, match="prediction must be one of"):
        Perceptron(prediction="best").fit(X, y)
    with pytest.raises(ValueError, match="intercept_scaling must be > 0"):
        Perceptron(intercept_scaling=0.0).fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        Perceptron().fit([[np.nan, 0.0], [1.0, 0.0]], y)
    with pytest.raises(ValueError, match="requires y"):
        Perceptron().fit(X, None)
    model = Perceptron().fit(X, y)
    with pytest.raises(ValueError, match="separator"):
        certify(model, X, y, separator=[1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="labels"):
        certify(model, X, np.array([0, 5]))
    with pytest.raises(ValueError, match="margin"):
        certify(model, X, y, margin=-1.0)
    with pytest.raises(ValueError, match="needs the labels"):
        certify(model, X)


def test_verbose_true_and_numpy_bools_are_accepted_as_in_scikit_learn(capsys):
    """scikit-learn's verbosity is an integer >= 0 or a bool, and its booleans include numpy's:
    the same run, printed as with verbose=1."""
    X, y = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0]]), np.array([1, 1, 0, 0])
    reference = Perceptron(shuffle=True, random_state=0).fit(X, y)
    capsys.readouterr()
    model = Perceptron(shuffle=np.True_, random_state=0, fit_intercept=np.True_, verbose=True, warm_start=np.False_,
                       early_stopping=np.False_).fit(X, y)
    assert model.trace_ == reference.trace_ and "perceptron epoch 1" in capsys.readouterr().out
    assert Perceptron(fit_intercept=np.False_).fit(X, y).intercept_[0] == 0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # three classes, five epochs
@pytest.mark.parametrize("classes, separator, error, match", [
    (2, "a", TypeError, "^separator must be numbers, got 'a'"),
    (2, [1.0, np.nan], ValueError, "^separator contains NaN"),
    (2, [[1.0, 2.0, 3.0, 4.0]], ValueError, r"^separator must have shape \(2,\) or \(3,\).*got shape \(1, 4\)"),
    (2, [0.0, 0.0], ValueError, "^separator must be nonzero"),
    (3, [1.0, 1.0, 1.0], ValueError, r"^separator must have shape \(3, 2\) or \(3, 3\): one row per class "
                                     r"\(one-vs-rest\).*got shape \(3,\)"),
    (3, np.ones(4), ValueError, r"^separator must have shape \(3, 2\) or \(3, 3\).*got shape \(4,\)"),
    (3, np.ones((3, 3)) * [[1], [0], [1]], ValueError, r"^separator must be nonzero: row 1 is 0"),
])
def test_certify_names_a_bad_separator_and_the_shape_it_expects(classes, separator, error, match):
    """certify(perceptron, X, y, separator=...) names the problem: not numbers, not finite, the wrong
    shape (with the expected one: one row per one-vs-rest problem), or a zero direction."""
    X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0], [0.0, 4.0], [4.0, 0.0]])
    y = np.array([1, 1, 0, 0, 2, 2]) if classes == 3 else np.array([1, 1, 0, 0, 1, 1])
    model = Perceptron(max_iter=5).fit(X, y)
    with pytest.raises(error, match=match):
        certify(model, X, y, separator=separator)


@pytest.mark.parametrize("margin, error, match", [
    ("a", TypeError, "^margin must be a real number, got 'a'"),
    (np.nan, ValueError, "^margin must be finite"),
    (0.0, ValueError, "^margin must be > 0"),
])
def test_certify_names_a_bad_margin(margin, error, match):
    X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1])
    with pytest.raises(error, match=match):
        certify(Perceptron().fit(X, y), X, y, margin=margin)


def test_inputs_untouched_and_reproducible():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    X.setflags(write=False)
    before = X.copy()
    a = Perceptron(shuffle=True, random_state=11).fit(X, y)
    b = Perceptron(shuffle=True, random_state=11).fit(X, y)
    np.testing.assert_array_equal(X, before)
    assert a.trace_ == b.trace_ and np.array_equal(a.coef_, b.coef_)
    w, trace = run_perceptron(X.astype(np.float64), np.where(y == 1, 1.0, -1.0), 1.0, 100)
    np.testing.assert_array_equal(w[:-1], Perceptron().fit(X, y).coef_[0])
    assert trace.objective[0] == 0 and trace.objective[-1] == trace.n_updates


@given(DTYPES, st.booleans(), st.data())
def test_separable_strategy_keeps_its_promise(dtype, intercept, data):
    """classic.strategies.linearly_separable: the returned margin is achieved and at least 0.05, in
    either dtype, with an offset or without (the test drew both and then never passed them on: its
    samples were float64 through 0 only, until mutation audit 71)."""
    sample = data.draw(linearly_separable(margin=st.floats(0.05, 2.0), dtype=dtype, intercept=intercept))
    assert sample.X.dtype == dtype and (intercept or sample.offset == 0.0)
    assert abs(np.linalg.norm(sample.direction) - 1) < 1e-12
    margins = sample.y * (sample.X.astype(np.float64) @ sample.direction + sample.offset)
    assert np.min(margins) == sample.margin >= 0.05
    assert set(np.unique(sample.y)) <= {-1, 1}


def test_data_whose_squared_norms_overflow_gets_a_clear_error():
    """Data at 1e200: the rows' squared norms (R^2 of Novikoff's bound, the rounding bounds of PC-7)
    overflow float64. fit and certify raise a ValueError asking to rescale (before: fit ran and
    certify crashed with Python's OverflowError); 1e150 still fits and certifies."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match="too large for the perceptron.*Rescale"):
        Perceptron(random_state=0).fit(X * 1e200, y)
    model = Perceptron(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="too large for the perceptron"):
        certify(model, X * 1e200, y)
    big = Perceptron(random_state=0).fit(X * 1e150, y)
    assert bool(certify(big, X * 1e150, y))


def test_an_intercept_scaling_whose_squares_overflow_is_named():
    """The augmented feature is intercept_scaling: when it, not X, breaks the range rule, the
    message names it (until 2026-12-04: "X is too large", with intercept_scaling's value)."""
    X, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1])
    with pytest.raises(ValueError, match=r"^intercept_scaling is too large for the perceptron in float64: its largest "
                                         r"\|value\| is 1e\+200 \(X's is 1\).*Lower intercept_scaling"):
        Perceptron(intercept_scaling=1e200).fit(X, y)
    assert Perceptron(intercept_scaling=1e200, fit_intercept=False).fit(X, y).converged_   # no augmented feature


def test_pc7_sums_that_overflow_are_checked_while_finite():
    """PC-7, overflow: data inside the range rule but near its limit, not separable, 500 epochs:
    the sums over the 51 584 updates exceed float64 (S_k from update 6220 on). PC-3 and PC-4 are
    checked on the updates whose bounds are finite and say from which update on they could not
    be; before, the infinite bounds made them fail (inf - inf in the slack). No RuntimeWarning."""
    rng = np.random.default_rng(0)
    n, d = 200, 2
    A = 0.9 * np.sqrt(float(np.finfo(np.float64).max) / (16 * n * (d + 1)))  # the rule counts the bias
    X = rng.uniform(-1, 1, size=(n, d)) * A
    y = np.where(rng.random(n) < 0.5, 1, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        model = Perceptron(max_iter=500).fit(X, y)
        certificate = certify(model, X, y)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.decision_function(X)).all()
    assert certificate, str(certificate)
    for claim_id in ("PC-3", "PC-4"):
        claim = certificate[claim_id]
        assert claim.holds and "exceed float64" in claim.note and "rescale" in claim.note
        assert f"of {len(model.trace_.updates)} on" in claim.note


def test_pc7_weights_that_outgrow_the_precision_are_refused():
    """PC-7, overflow: separable float32 data at 0.99 of the range rule's limit, with small margins:
    the squared norm of the weights overflows float32 at update 960, after which inner products
    could overflow and mistakes be missed. fit raises a ValueError asking to rescale (before, the run
    went on and the certificate's PC-3 failed on the recorded infinite squared norm); the same data
    in float64 fit and certify."""
    rng = np.random.default_rng(0)
    n, d = 400, 2
    A = 0.99 * np.sqrt(float(np.finfo(np.float32).max) / (16 * (d + 1)))
    t = rng.uniform(0.5, 1, n)
    offset = rng.uniform(1e-4, 1e-2, n) * rng.choice([-1, 1], n)
    Z = np.column_stack([t + offset, t - offset])
    X, y = (Z / np.max(np.abs(Z)) * A).astype(np.float32), np.where(offset > 0, 1, -1)
    with pytest.raises(ValueError, match=r"overflow in the perceptron at update 960 .*float32.*Rescale X"):
        Perceptron(max_iter=5000, shuffle=False).fit(X, y)
    model = Perceptron(max_iter=5000, shuffle=False).fit(X.astype(np.float64), y)
    assert model.converged_ and np.isfinite(model.trace_.squared_norms).all()
    assert certify(model, X.astype(np.float64), y)


def test_pc7_novikoff_is_certified_on_float64_data_near_the_range_limit():
    """PC-7, "Overflow": separable float64 data (through 0) at the largest two powers of two inside
    the range rule's limit, with small margins. The a-posteriori bound E_k = u ||B_k|| of the weights' rounding
    squares B_{k,f} = sum_{j<=k} |w^_{j,f}|, up to K max ||w^_j|| (about 1e155 here): before, their
    squares overflowed and PC-2 and PC-5 said "not applicable"; the replay now divides B by a power
    of two s before squaring, and both claims hold, with the update count and the bound (R/gamma)^2
    of the same data at scale 1 (scaled by powers of two, the run is the same; the bounds agree to
    1e-9)."""
    rng = np.random.default_rng(0)
    n, d = 400, 2
    t = rng.uniform(0.5, 1, n)
    offset = rng.uniform(1e-4, 1e-2, n) * rng.choice([-1, 1], n)
    Z = np.column_stack([t + offset, t - offset])
    Z, y = Z / np.max(np.abs(Z)), np.where(offset > 0, 1, -1)
    top = np.floor(np.log2(np.sqrt(float(np.finfo(np.float64).max) / (16 * n * d))))  # max |Z| = 1
    unit = certify(Perceptron(fit_intercept=False, max_iter=5000, shuffle=False).fit(Z, y), Z, y)["PC-5"]
    assert unit.holds
    for exponent in (top - 1, top):
        X = Z * 2.0**exponent
        model = Perceptron(fit_intercept=False, max_iter=5000, shuffle=False).fit(X, y)
        certificate = certify(model, X, y)
        assert model.converged_ and certificate, str(certificate)
        for claim_id in ("PC-2", "PC-5"):
            assert certificate[claim_id].holds is True, (exponent, certificate[claim_id].note)
        assert certificate["PC-5"].worst == len(model.trace_.updates) == unit.worst
        assert certificate["PC-5"].bound == pytest.approx(unit.bound, rel=1e-9)


def test_tiny_data_gets_a_rescaling_hint():
    """PC-7, underflow: on separable data of size 1e-200 the inner products underflow to 0, so
    every example counts as a mistake and no epoch is mistake-free; the ConvergenceWarning says
    why and asks for rescaled data, and the same data at scale 1 is learnt."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.warns(ConvergenceWarning, match="underflow.*rescale X"):
        Perceptron(random_state=0, max_iter=5).fit(X * 1e-200, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert Perceptron(random_state=0, max_iter=200).fit(X, y).converged_


def test_fit_takes_scikit_learns_start_keywords():
    """fit(X, y, coef_init=None, intercept_init=None), as scikit-learn's: None, and a start of zeros,
    are the plain fit, bit for bit (other starts: tests/test_perceptron_start.py); so is
    sample_weight=None, and scikit-learn's has_fit_parameter finds it (weighted runs:
    tests/test_perceptron_weights.py)."""
    from sklearn.datasets import load_iris
    from sklearn.utils.validation import has_fit_parameter

    X, y = load_iris(return_X_y=True)
    X, y = X[:100], y[:100]  # setosa against versicolor: separable
    plain = Perceptron(random_state=0).fit(X, y)
    keywords = Perceptron(random_state=0).fit(X, y, coef_init=None, intercept_init=None)
    np.testing.assert_array_equal(plain.coef_, keywords.coef_)
    for name, value in (("coef_init", np.zeros((1, 4))), ("intercept_init", np.zeros(1))):
        zeros = Perceptron(random_state=0).fit(X, y, **{name: value})
        np.testing.assert_array_equal(plain.coef_, zeros.coef_)
        np.testing.assert_array_equal(plain.intercept_, zeros.intercept_)
        assert zeros.trace_ == plain.trace_
    assert has_fit_parameter(Perceptron(), "sample_weight")
    unweighted = Perceptron(random_state=0).fit(X, y, sample_weight=None)
    np.testing.assert_array_equal(plain.coef_, unweighted.coef_)
    assert unweighted.trace_ == plain.trace_ and not plain.trace_.weighted


def _noisy_problem(seed, n, d=3):
    """n rows of d standard normal features, labelled by the first plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, (X[:, 0] + 0.8 * rng.normal(size=n) > 0).astype(int)


@pytest.mark.parametrize("bad, match", [
    (lambda X, y: (X, y[:-1]), r"y_val has 99 labels but X_val has 100 rows"),
    (lambda X, y: (X[:-1], y), r"y_val has 100 labels but X_val has 99 rows"),
    (lambda X, y: (X, np.r_[y[:-2], 7, 7]), r"y_val holds 1 label the perceptron was not trained on: 7 "),
    (lambda X, y: (X, np.where(y == 1, "a", "b")), r"y_val holds 2 labels the perceptron was not trained on"),
    (lambda X, y: (X[:, :2], y), r"X_val has 2 features, but X has 3"),
    (lambda X, y: (X, np.column_stack([y, y])), r"y_val must be one-dimensional, got shape \(100, 2\)"),
    (lambda X, y: (np.where(X > 2, np.nan, X), y), r"^Input X_val contains NaN"),
    (lambda X, y: (X, y, np.ones(99)), r"^ValidationPatience's sample_weight \(the validation weights\) has shape "
                                       r"\(99,\); expected \(100,\), one weight per row of X_val"),
    (lambda X, y: (X, y, np.full(100, np.inf)), r"^ValidationPatience's sample_weight \(the validation weights\) "
                                                "contains NaN or infinity"),
])
def test_a_bad_validation_set_is_refused_before_the_run(bad, match):
    """ValidationPatience's held-out data are checked when fit starts, with a message naming
    X_val, y_val or their weights, not met halfway through the run as a broadcasting error."""
    from classic.convergence import ValidationPatience

    X, y = _noisy_problem(0, 200)
    X_val, y_val, *weights = bad(*_noisy_problem(1, 100))
    model = Perceptron(stop=ValidationPatience(2, X_val, y_val, sample_weight=weights[0] if weights else None))
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)
    assert not hasattr(model, "trace_")


def test_a_validation_column_vector_is_read_as_its_labels():
    """y_val of shape (n, 1) is the same held-out labels as shape (n,), as for fit's y: the same
    checkpoint and weights (not a score averaged over an (n, n) broadcast)."""
    from sklearn.exceptions import DataConversionWarning

    from classic.convergence import ValidationPatience

    X, y = _noisy_problem(0, 200)
    X_val, y_val = _noisy_problem(1, 100)
    flat = _quiet_fit(Perceptron(stop=ValidationPatience(2, X_val, y_val)), X, y)
    with pytest.warns(DataConversionWarning) as caught:
        column = _quiet_fit(Perceptron(stop=ValidationPatience(2, X_val, y_val[:, None])), X, y)
    assert [w.filename for w in caught] == [__file__]  # the caller's line (classic/perceptron.py's until 2026-12-05)
    assert column.stop_.checkpoint.score == flat.stop_.checkpoint.score == flat.score(X_val, y_val)
    np.testing.assert_array_equal(column.coef_, flat.coef_)


def test_a_separator_given_that_does_not_separate_is_named_as_given():
    """The note of the Novikoff claims said "for the best separator found" also when the user gave
    the direction (found 2026-12-04); it now says "the separator given"."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] > 0).astype(int)
    model = Perceptron().fit(X, y)
    claim = certify(model, X, y, separator=[-1.0, 0.0])["PC-5"]
    assert claim.holds is None and "for the separator given" in claim.note
    assert certify(model, X, y)["PC-5"].holds is True


@pytest.mark.parametrize("scale", [1e-170, 1e170])
def test_a_separator_given_at_any_scale_is_certified_as_its_direction(scale):
    """PC-2 and PC-5 read the direction of the separator given, not its size: scaled by 1e-170 (its
    squared norm underflows to 0) or 1e170 (it overflows), the certificate holds or fails as at scale 1,
    with the same claims. The certificate divides each candidate by its largest |u_f| before bounding
    the margins: unit_margins on u = (1e-170, 0, 0) itself gives bounds of the wrong sign (a lower
    bound on ||u|| below 0; an audit, 2026-12-07)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] > 0).astype(int)
    model = Perceptron().fit(X, y)
    for direction in ([1.0, 0.0], [-1.0, 0.0]):
        plain = certify(model, X, y, separator=direction)
        scaled = certify(model, X, y, separator=np.array(direction) * scale)
        assert str(scaled) == str(plain)
        assert scaled["PC-2"].holds is (True if direction[0] > 0 else None)


def test_a_run_to_max_iter_by_the_textbook_rule_says_how_to_stop_sooner():
    """Perceptron() on data that are not separable runs its 1 000 epochs (the textbook rule, tol=None,
    stops only at a mistake-free epoch) and its trace keeps every update: 18 MiB for 5 000 x 20 with
    10 % of labels flipped, where scikit-learn's tol=1e-3 stops after 6 epochs (audit 48). The
    ConvergenceWarning says so, with the log's size (its three arrays' bytes); with tol or a stop=
    rule given, it does not."""
    from sklearn.datasets import make_classification

    X, y = make_classification(500, 5, flip_y=0.2, random_state=0)
    with pytest.warns(ConvergenceWarning) as caught:
        model = Perceptron(max_iter=30).fit(X, y)
    t = model.trace_
    size = (t.updates.nbytes + t.update_steps.nbytes + t.squared_norms.nbytes) / 2**20
    assert str(caught[0].message).endswith(
        "The data may not be linearly separable. To stop sooner, pass tol=1e-3 (scikit-learn's default rule) or a "
        f"stop= rule: the trace keeps each update, {size:.3g} MiB here.")
    from classic.convergence import LossPlateau

    for quicker in (Perceptron(max_iter=30, tol=1e-9, n_iter_no_change=100),
                    Perceptron(max_iter=30, stop=LossPlateau(1e-9))):   # neither fires here: max_iter ends both
        with pytest.warns(ConvergenceWarning) as caught:
            quicker.fit(X, y)
        assert str(caught[0].message).endswith("The data may not be linearly separable."), quicker


@pytest.mark.parametrize("A, u", [
    ([[0.5521324893410875, 0.7714825858054769]], [1.0, 0.24695009316887162]),
    ([[0.0] + [3 * 5e-324] * 8], [1.0] + [0.5] * 8),
], ids=["norm rounding", "subnormal products"])
def test_pc7_unit_margins_bracket_the_exact_margin_where_one_rounding_decides(A, u):
    """PC-7: unit_margins' bounds hold for the exact margin <x, u>/||u||, in rational arithmetic, on
    mutation audit 62's two inputs where a single rounding decides: D = 2, where ||u||'s upper bound
    rounded down (M03) put the lower bound above the margin; eight products of 1.5 sigma64, each
    rounded up to 2 sigma64, where the error bound without its D sigma64 term (M04) did."""
    A, u = np.array(A), np.array(u)
    lo, hi, _ = unit_margins(A, np.ones(1), u)
    norm_lo, norm_hi = naive.sqrt_range(sum(Fraction(float(f)) ** 2 for f in u))
    m = sum(Fraction(float(a)) * Fraction(float(b)) for a, b in zip(A[0], u))
    assert m > 0 and Fraction(float(lo[0])) <= m / norm_hi and Fraction(float(hi[0])) >= m / norm_lo


@pytest.mark.parametrize("n_rows", [2, 3, 7])
def test_pc7_magnitudes_by_blocks_cover_every_row(n_rows):
    """PC-7: unit_margins' sum_f |A_if u_f| is evaluated rows blocks at a time (np.abs(A) whole was a copy
    of A on each call); on integers, where every sum is exact, the blocks of 3 rows give np.abs(A) @ |u| row
    for row: a part block at the end (7 rows), exactly one block (3) and fewer rows than a block (2)."""
    from classic._perceptron_certificate import _magnitudes

    rng = np.random.default_rng(n_rows)
    A = rng.integers(-9, 10, (n_rows, 4)).astype(np.float64)
    u = rng.integers(-9, 10, 4).astype(np.float64)
    expected = np.abs(A) @ np.abs(u)
    assert np.array_equal(_magnitudes(A, u, rows=3), expected)
    assert np.array_equal(_magnitudes(A[::-1], u, rows=3), expected[::-1])   # a view with negative strides


def test_pc1_an_update_index_just_past_the_data_is_refused_before_the_replay():
    """PC-1: the log's indices are checked before anything reads X with them: an update of example n
    (one past the last) in a run that did not converge fails PC-1 as a malformed log; with n accepted
    (mutation audit 62's M21) certify raised IndexError from the completeness walk."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] + 0.8 * rng.standard_normal(40) > 0).astype(int)
    model = _quiet_fit(Perceptron(max_iter=3, tol=None), X, y)
    assert not model.converged_ and model.trace_.n_updates > 0  # the premise
    updates = model.trace_.updates.copy()
    updates[0] = len(X)
    claim = certify(_tampered(model, updates=updates), X, y)["PC-1"]
    assert claim.holds is False and "not a well-formed replay log" in claim.note, claim.note


def _forged_run(X, y, s, choose, force=(), rng=None, c=None):
    """A perceptron in index order (or, given ``rng``, in the order of its next permutation at each
    epoch), in X's precision with the kernels' order of operations, whose choice at each mistake is
    ``choose(step, i)``: "update" (the honest move), "skip" (no update, not logged) or another example
    j (its update logged at this step); at the steps in ``force`` it updates on the presented example
    whatever its margin. ``c``: positive example weights, each update then y_j c_j x_j. Runs to a
    mistake-free epoch; returns its log (updates, steps, mistakes, epoch weights, epoch losses)."""
    n, d = X.shape
    s = X.dtype.type(s)
    w = np.zeros(d + 1, X.dtype)
    updates, steps, mistakes, epoch_weights, losses = [], [], [], [w.copy()], []
    for e in range(1000):
        count, loss = 0, 0.0
        for position, i in enumerate(range(n) if rng is None else rng.permutation(n)):
            total = w[0] * X[i, 0]
            for f in range(1, d):
                total += w[f] * X[i, f]
            margin = y[i] * (total + w[d] * s)
            if margin <= 0 or e * n + position in force:
                loss += 0.0 - np.float64(margin) if margin <= 0 else 0.0
                act = "update" if margin > 0 else choose(e * n + position, i)
                if act == "skip":
                    continue
                j = i if act == "update" else act
                step = y[j] if c is None else y[j] * c[j]
                w[:d] += X[j] * step
                w[d] += s * step
                updates.append(j)
                steps.append(e * n + position)
                count += 1
        mistakes.append(count)
        epoch_weights.append(w.copy())
        losses.append(loss / n)
        if count == 0:
            return np.array(updates), np.array(steps), np.array(mistakes), np.array(epoch_weights), np.array(losses)


def _forged_model(X, y, choose, force=(), **params):
    """A Perceptron fitted on (X, y in {-1, 1}) given the log of :func:`_forged_run`, made consistent by
    :func:`_with_consistent_log` (its epoch losses too), converged at a mistake-free epoch."""
    model = Perceptron(max_iter=1000, tol=None, **params).fit(X, y)
    signs = y.astype(X.dtype)
    updates, steps, mistakes, epoch_weights, losses = _forged_run(X, signs, model.trace_.intercept_scaling, choose,
                                                                  force)
    model.n_iter_, model.converged_ = len(mistakes), True
    return _with_consistent_log(model, X, signs, (updates, steps, mistakes, epoch_weights), n_iter=len(mistakes),
                                epoch_loss=losses, converged=True, stop_reason="mistake-free epoch")


def test_pc1_the_walk_holds_each_presentation_to_the_perceptron_s_rule():
    """PC-1: the completeness walk presents every example in the run's order and holds each to the
    rule, in the run's precision: (a) a margin of exactly 0 is a mistake (example 0 at w = 0, skipped
    and logged nowhere); (b) the update logged at a step is of the example presented there (example 1
    logged at step 0); (c) a logged update was a mistake as the run computed it, in float32 (a margin of
    +1.9e-8 in float32 whose float64 sum is -3e-8). Each forged log is otherwise consistent, and passed
    every claim with that check weakened (mutation audit 65's M33, M34, M50)."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 2))
    y = np.where(X @ [1.0, -0.5] + 0.2 > 0, 1, -1)
    for choose in (lambda step, i: "skip" if step == 0 else "update", lambda step, i: 1 if step == 0 else "update"):
        model = _forged_model(X, y, choose)
        failed = [claim.id for claim in certify(model, X, y).claims if claim.holds is False]
        assert failed == ["PC-1"], failed
    X = np.array([[1, 1, -1, -1], [1, 7e-8, 1, 1e-7]], np.float32)
    y = np.array([1, 1])
    model = _forged_model(X, y, lambda step, i: "update", force={1}, fit_intercept=False)
    x, w = X[1], X[0]   # at step 1 the weights are x_0 (its update at step 0)
    margin = ((x[0] * w[0] + x[1] * w[1]) + x[2] * w[2]) + x[3] * w[3]   # float32, the kernels' order
    assert 1 in model.trace_.update_steps and margin > 0  # the premise: step 1 was no mistake, in float32
    assert sum(Fraction(float(a)) * Fraction(float(b)) for a, b in zip(x, w)) < 0   # though exactly it was
    claim = certify(model, X, y)["PC-1"]
    assert claim.holds is False and claim.note.startswith("1 logged update(s) were no mistake"), claim.note


def test_pc7_replay_outputs_bound_their_exact_values_in_a_weighted_float32_run():
    """PC-7 ("Mistake tests", "Weights"): the replay's per-update outputs, against their definitions
    in exact rationals, for a weighted float32 run with intercept scaling 0.1: the
    decision is y fl<w^, x~> in the run's float32 and order (c is not in the mistake test), and the
    bounds sum_of_products_up(., D, D) of dot_abs, w_abs and x_norm2 are at least sum_f |w^_f x~_f|,
    sum_f |w^_f| and ||fl(c x~)||^2. Mutation audit 65: the decision times c (M59: it underflowed to
    0 <= 0 for a positive margin), |w_d s| as a float32 product (M58), dot_abs over z = fl(c x~)
    (M62), w_abs without |w_d| or with its last term only (M22, M23), ||c x~||^2 in float64 instead of
    ||fl(c x~)||^2 (M31) kept every test green."""
    from classic.rounding import sum_of_products_up

    f32, n, d = np.float32, 40, 2
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (n, d)).astype(f32)
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0).astype(f32)
    c = rng.uniform(1e-3, 1, n).astype(f32)
    c[0] = 1e-30   # with X[0, 0] tiny: c times the score underflows
    X[0], y[0] = [1e-20, 0.0], 1.0
    scale, D, updates = f32(0.1), d + 1, np.arange(n, dtype=np.int64)
    out = [np.empty(n, f32), np.empty(n), np.empty(n), np.empty(n, f32)] + [np.empty(n) for _ in range(4)]
    work = np.array([1.0, 0.0, 0.0], f32)   # the start; the test's own run, beside the replay's
    replayed = work.copy()
    kernels.replay(X, y, c, scale, updates, np.zeros(D), replayed, np.zeros(D), 1.0, *out)
    decisions, dot_abs, w_abs, x_norm2 = out[0], out[1], out[2], out[7]
    F = lambda v: Fraction(float(v))  # noqa: E731
    for k, i in enumerate(updates):
        tilde = [X[i, 0], X[i, 1], scale]
        score = (work[0] * X[i, 0] + work[1] * X[i, 1]) + work[2] * scale   # float32, _inner's order
        assert decisions[k] == y[i] * score, k
        assert F(sum_of_products_up(dot_abs[k], D, D)) >= sum(abs(F(a) * F(b)) for a, b in zip(work, tilde)), k
        assert F(sum_of_products_up(w_abs[k], D, D)) >= sum(abs(F(a)) for a in work), k
        z = [f32(v * c[i]) for v in tilde]
        assert F(sum_of_products_up(x_norm2[k], D, D)) >= sum(F(v) ** 2 for v in z), k
        step = y[i] * c[i]
        work[0] += X[i, 0] * step
        work[1] += X[i, 1] * step
        work[2] += scale * step
    assert np.array_equal(work, replayed)   # the test's run is the replay's
    assert decisions[0] > 0   # the premise of M59's case: a positive margin, whose product with c underflows


# ---- audit 76 (perceptron.py, _perceptron_certificate.py): tests of its real survivors ----------

SIGMA_FLOAT = float(np.finfo(np.float64).smallest_subnormal)

def test_parameter_change_compares_consecutive_epochs():
    """The rule's previous_parameters are the previous epoch's weights (CV-7): x = 1 with both labels from
    w_0 = 10 moves w by -1 an epoch until 0, and ParameterChange(0.5) fires at epoch 11, w_11 = w_10
    (audit 76's P016: against w_0 it never fired)."""
    X, y = np.array([[1.0], [1.0]]), np.array([1, 0])
    model = Perceptron(fit_intercept=False, max_iter=50, stop=ParameterChange(0.5))
    model.fit(X, y, coef_init=np.array([10.0]))
    assert model.trace_.stop_reason == "rule:parameter_change"
    assert model.n_iter_ == 11


def test_certify_warns_nothing_when_the_final_weights_are_zero():
    """Every epoch ends at w = 0 (x = 1 with both labels, no intercept): the zero candidate separator
    is dropped, not divided by its largest entry, so certify warns nothing (audit 76's C136: 0/0)."""
    X, y = np.array([[1.0], [1.0]]), np.array([1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(fit_intercept=False, max_iter=5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        claims = certify(model, X, y)
    assert claims


def _proofs_unit_margins(A, signs, u):
    """PC-7 "Margin and radius": margins within gamma_D sum|x u| + D sigma, ||u|| within its bounds (i)."""
    D = A.shape[1]
    norm2 = float(u @ u)
    norm_hi = above(np.sqrt(sum_of_products_up(norm2, D, D)))
    norm_lo = below(np.sqrt(sum_of_products_down(norm2, D, D)))
    computed = signs * (A @ u)
    error = sum_up(product_up(_gamma_up(D, np.float64), sum_of_products_up(np.abs(A) @ np.abs(u), D, D)),
                   D * SIGMA_FLOAT)
    lo, hi = below(computed - error), above(computed + error)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = below(lo / np.where(lo >= 0, norm_hi, norm_lo))
        hi = above(hi / np.where(hi >= 0, norm_lo, norm_hi))
    return lo, hi


def test_unit_margins_are_the_proofs_formula_bit_for_bit():
    """PC-7, "Margin and radius", bit for bit: the margins within gamma_D sum|x u| + D sigma and ||u||
    between its rounded bounds, on features of scales 1 to 10^6 (audit 76's C122, ||u||'s upper bound
    not rounded up, and C124, gamma_(D-1): below the sandwich tests' resolution)."""
    rng = np.random.default_rng(7)
    for D in (2, 3, 5):
        A = rng.normal(size=(300, D)) * np.logspace(0, 6, D)   # cancellation: sum|x u| >> |<x, u>|
        signs = np.where(rng.random(300) < 0.5, 1.0, -1.0)
        u = rng.normal(size=D)
        u = u / np.max(np.abs(u))
        lo, hi, _ = unit_margins(A, signs, u)
        lo_proof, hi_proof = _proofs_unit_margins(A, signs, u)
        np.testing.assert_array_equal(lo, lo_proof)
        np.testing.assert_array_equal(hi, hi_proof)


def _proofs_freund_schapire(lo, R_up, n_epochs):
    """PC-9: the smallest bound over 21 quantiles of the positive margins, squares counted n + 2 (PC-7 (i))."""
    positive = lo[lo > 0]
    if not positive.size:
        return None
    best = None
    for trial in np.unique(np.quantile(positive, np.linspace(0.0, 1.0, 21))):
        shortfall = np.maximum(0.0, trial - lo)
        squares = sum_of_products_up(np.sum(shortfall**2), lo.size, lo.size + 2)
        D = float(above(np.sqrt(product_up(n_epochs, squares))))
        ratio = above(sum_up(R_up, D) / trial)
        bound = float(product_up(ratio, ratio))
        if best is None or bound < best[0]:
            best = (bound, float(trial), D)
    return best


def test_freund_schapire_is_the_proofs_formula_bit_for_bit():
    """PC-9 bit for bit: the least Freund-Schapire bound over 21 quantiles of the positive margins, the
    sum of squared shortfalls counted n + 2 roundings (PC-7 (i)) (audit 76's C138, 11 quantiles, and C140, n)."""
    rng = np.random.default_rng(0)
    for _ in range(30):   # margins of various centres and spreads: the best trial is at any of the 21 quantiles
        lo = rng.normal(rng.uniform(-1, 1), rng.uniform(0.1, 2), size=int(rng.integers(20, 300)))
        R_up, n_epochs = float(rng.uniform(0.5, 10)), int(rng.integers(1, 30))
        assert _freund_schapire(lo, R_up, n_epochs) == _proofs_freund_schapire(lo, R_up, n_epochs)


def test_a_rule_that_was_used_before_starts_afresh():
    """A rule used by another fit starts afresh (its start() is called): the same rule object again gives
    the fresh rule's run (audit 76's P027: it kept the old run's best epoch)."""
    from classic.convergence import ValidationPatience

    X, y = _noisy_problem(0, 200, d=2)
    X2, y2 = _noisy_problem(1, 150, d=2)
    Xv, yv = _noisy_problem(2, 100, d=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        used = Perceptron(max_iter=40, stop=ValidationPatience(3, Xv, yv)).fit(X, y).stop_
        fresh = Perceptron(max_iter=40, stop=ValidationPatience(3, Xv, yv)).fit(X2, y2)
        again = Perceptron(max_iter=40, stop=used).fit(X2, y2)   # stop_ of another fit, with its best epoch
    assert again.n_iter_ == fresh.n_iter_
    assert again.trace_.stop_reason == fresh.trace_.stop_reason
    np.testing.assert_array_equal(again.coef_, fresh.coef_)


def test_a_tampered_empty_carried_average_fails_pc1_not_the_certificate():
    """A trace whose carried average was emptied fails PC-1, named, instead of crashing the certificate
    (audit 76's C159)."""
    import dataclasses

    X, y = _noisy_problem(3, 60, d=2)
    model = Perceptron(prediction="averaged")
    model.partial_fit(X[:30], y[:30], classes=[0, 1])
    model.partial_fit(X[30:], y[30:])
    model.trace_ = dataclasses.replace(model.trace_, carried_average=np.zeros(0))
    claims = certify(model, X[30:], y[30:])
    pc1 = [c for c in claims if c.id == "PC-1"][0]
    assert pc1.holds is False and "carried" in pc1.note


def test_all_zero_features_are_not_called_too_small():
    """An all-zero X (with both labels) is not separable, and the warning does not blame an underflow of
    X's products: its largest |value| is 0 (audit 76's P067)."""
    from sklearn.exceptions import ConvergenceWarning

    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    with pytest.warns(ConvergenceWarning) as record:
        Perceptron(max_iter=3).fit(X, y)
    message = " ".join(str(w.message) for w in record if issubclass(w.category, ConvergenceWarning))
    assert "underflow" not in message
    assert "may not be linearly separable" in message


def _proofs_rounding(cert, r):
    """PC-7 (i)-(iii) evaluated as the proof counts the roundings: S_k (K - 1 additions), E_k (2K + D - 2),
    delta_k (gamma_D, D eta; weighted: c delta + u c d + eta w), Delta_k = 2 sum (delta_j + E_{j-1} sqrt x2_j)."""
    from classic._perceptron_certificate import _eta
    from classic.rounding import upper_bound, unit_roundoff

    p, K, D = cert.X.dtype, cert.K, cert.D
    x2 = sum_of_products_up(r["x_norm2"], D, D)
    S = upper_bound(np.cumsum(x2), max(K - 1, 0))
    B2 = sum_of_products_up(r["sums_norm2"], D, 2 * K + D - 2)
    E = product_up(unit_roundoff(p), above(np.sqrt(B2)) * r["s"])
    delta = sum_up(product_up(_gamma_up(D, p), sum_of_products_up(r["dot_abs"], D, D)), D * _eta(p))
    if cert.c is not None:
        c = cert.c[cert.trace.updates].astype(np.float64)
        z_error = sum_up(product_up(unit_roundoff(p), c, sum_of_products_up(r["dot_abs"], D, D)),
                         product_up(_eta(p), sum_of_products_up(r["w_abs"], D, D)))
        delta = sum_up(product_up(c, delta), z_error)
    E_before = np.concatenate([[0.0], E[:-1]])
    Delta = upper_bound(2 * np.cumsum(sum_up(delta, product_up(E_before, above(np.sqrt(x2))))), max(K - 1, 0))
    return S, E, delta, Delta


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_pc7_rounding_bounds_are_the_proofs_counts_bit_for_bit(dtype, weighted):
    """PC-7 (i)-(iii) bit for bit, plain and weighted, float64 and float32: S_k (K - 1 additions), E_k
    (2K + D - 2), delta_k and Delta_k as the proof counts them (audit 76's C204: S_k with K - 2)."""
    from classic._perceptron_certificate import _ProblemCertificate
    from classic._perceptron_weights import problem_weights

    rng = np.random.default_rng(11)
    X = rng.normal(size=(60, 3)).astype(dtype)
    y = (X @ np.array([1.0, -1.0, 0.5], dtype=dtype) + 0.2 * rng.normal(size=60) > 0).astype(int)
    sw = rng.uniform(0.5, 2.0, size=60) if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(max_iter=8).fit(X, y, sample_weight=sw)
    signs = model._problem_signs(model._labels(y), dtype)[0]
    c = None
    if weighted:
        c = problem_weights(None, np.asarray(sw), signs[None, :], np.dtype(dtype))[0]
    cert = _ProblemCertificate(X, signs, model.trace_, "", weights=c)
    assert cert.K > 20
    r = cert._replay(np.ones(cert.D) / np.sqrt(cert.D))
    cert._rounding(r)
    for got, want in zip((cert.S, cert.E, cert.delta, cert.Delta), _proofs_rounding(cert, r)):
        np.testing.assert_array_equal(got, want)


def test_a_float32_partial_fit_carries_its_average_unchanged_at_the_same_scale():
    """A float32 partial_fit at intercept_scaling 0.1 (float32(0.1) in the run) carries the first call's
    average as it is into the second call at the same scale (audit 76's P079: rescaled by fl32(0.1)/0.1)."""
    X, y = _noisy_problem(5, 80, d=2)
    X = X.astype(np.float32)
    model = Perceptron(prediction="averaged", intercept_scaling=0.1)
    model.partial_fit(X[:40], y[:40], classes=[0, 1])
    first = np.array(model._averages[0])
    model.partial_fit(X[40:], y[40:])
    np.testing.assert_array_equal(model.trace_.carried_average, first)


def test_the_start_terms_are_the_proofs_formula_bit_for_bit():
    """PC-7, "Margin and radius", for w_0, bit for bit: X' = fl<w_0, u^> - gamma_(D+1) sum|w_0 u^| - D sigma,
    then <w_0, u> >= X' - gamma_(D+2) |X'|, each rounded down, and N_0 = ||w_0||^2 rounded up
    (audit 76's C219: without the gamma_(D+2) term)."""
    from classic._perceptron_certificate import _ProblemCertificate

    X, y = _noisy_problem(8, 50, d=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(max_iter=4).fit(X, y, coef_init=np.array([3.0, -1.25]), intercept_init=0.5)
    signs = model._problem_signs(model._labels(y), np.float64)[0]
    cert = _ProblemCertificate(X, signs, model.trace_, "")
    D = cert.D
    for v in (np.array([1.0, 0.3, -0.2]), np.array([-0.7, 1.0, 0.9]), np.array([0.1, -0.05, 1.0])):
        u_hat = v / np.sqrt(v @ v)
        cert._start(u_hat)
        w0 = model.trace_.epoch_weights[0].astype(np.float64)
        dot = float(np.sum(w0 * u_hat))
        error = sum_up(product_up(_gamma_up(D + 1, np.float64),
                                  sum_of_products_up(float(np.sum(np.abs(w0 * u_hat))), D, D)), D * SIGMA_FLOAT)
        low = below(dot - error)
        assert cert.along == float(below(low - product_up(_gamma_up(D + 2, np.float64), abs(low))))
        assert cert.N0 == float(sum_of_products_up(float(np.sum(w0 * w0)), D, D))


def test_pc3_from_a_start_reports_the_start_term_in_its_bound_not_its_slack():
    """PC-3 from a start: fl(||w_0||^2) is part of the bound, not of the slack, which stays a rounding
    slack (audit 76's C221: the verdict was the same, the reported numbers not)."""
    X, y = _noisy_problem(9, 40, d=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(max_iter=3).fit(X, y, coef_init=np.array([30.0, 40.0]))   # ||w_0||^2 = 2500
    pc3 = [c for c in certify(model, X, y) if c.id == "PC-3"][0]
    assert pc3.holds
    assert pc3.bound >= 2500.0              # fl(||w_0||^2) + S^_k
    assert pc3.slack < 1e-6 * pc3.bound     # a rounding slack, not the start's squared norm


def test_a_zero_vector_of_weight_0_is_not_blamed_for_the_missing_margin():
    """A zero row of weight 0 is not learnt from (PC-1, "Weights"): PC-5's note says the data are not
    separable and does not blame zero vectors (audit 76's C223)."""
    X = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0], [2.0, 1.0]])
    y = np.array([1, 0, 1, 1])
    sw = np.array([1.0, 1.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(fit_intercept=False, max_iter=5).fit(X, y, sample_weight=sw)
    pc5 = [c for c in certify(model, X, y, sample_weight=sw) if c.id == "PC-5"][0]
    assert pc5.holds is None
    assert "zero vector" not in pc5.note and "not linearly separable" in pc5.note


def test_pc5_reports_r_squared_over_gamma_squared_rounded_up():
    """PC-5's bound (R/gamma)^2 is rounded up: at least the exact ratio of its leaves, and exactly
    above(R^2/gamma^2) (audit 76's C228)."""
    from fractions import Fraction

    from classic._perceptron_certificate import _ProblemCertificate

    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 2))
    X = X[np.abs(X @ [1.0, -0.5]) > 0.3]
    y = (X @ [1.0, -0.5] > 0).astype(int)
    model = Perceptron().fit(X, y)
    u = np.array([1.0, -0.5, 0.0])
    pc5 = [c for c in certify(model, X, y, separator=u) if c.id == "PC-5"][0]
    signs = model._problem_signs(model._labels(y), np.float64)[0]
    cert = _ProblemCertificate(X, signs, model.trace_, "")
    lo, _, _ = unit_margins(cert.A, signs, u / np.max(np.abs(u)))
    gamma_low = float(np.min(lo))
    gamma2 = float(below(np.float64(gamma_low) * gamma_low))
    assert pc5.holds and gamma_low > 0
    assert Fraction(pc5.bound) >= Fraction(cert.R_up2) / Fraction(gamma2)   # an upper bound of the exact ratio
    assert pc5.bound == float(above(cert.R_up2 / gamma2))


def test_rows_whose_first_feature_is_0_are_not_zero_vectors():
    """Rows whose first feature is 0 are not zero vectors: the warning does not call them so
    (audit 76's P115 counted every row)."""
    from sklearn.exceptions import ConvergenceWarning

    X, y = np.array([[0.0, 1.0], [0.0, 1.0]]), np.array([1, 0])
    with pytest.warns(ConvergenceWarning) as record:
        Perceptron(fit_intercept=False, max_iter=3).fit(X, y)
    message = " ".join(str(w.message) for w in record if issubclass(w.category, ConvergenceWarning))
    assert "zero vector" not in message and "may not be linearly separable" in message


def test_pc4_slack_counts_k_plus_d_minus_1_roundings():
    """PC-4's slack: S^_k <= (1 + gamma_(K+D-1)) k (R^2 + D sigma), less fl(k R^2), upward, on runs of K + D - 1
    of both parities (1 + gamma_n rounds up by n's parity; audit 76's C240, gamma_(K+D-2), showed on one)."""
    from classic._perceptron_certificate import _ProblemCertificate
    from classic.rounding import gamma_exact, round_up

    X, y = _noisy_problem(12, 300, d=2)
    parities = set()
    for max_iter in range(3, 11):   # runs of K updates of either parity (1 + gamma_n rounds up by n's parity)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Perceptron(max_iter=max_iter).fit(X, y)
        signs = model._problem_signs(model._labels(y), np.float64)[0]
        cert = _ProblemCertificate(X, signs, model.trace_, "")
        K, D = cert.K, cert.D
        parities.add((K + D - 1) % 2)
        k = np.arange(1, K + 1)
        bounds = k * cert.R_hat2
        limit = product_up(round_up(1 + gamma_exact(K + D - 1, np.float64)), k, sum_up(cert.R_up2, D * SIGMA_FLOAT))
        np.testing.assert_array_equal(cert._pc4_slack(bounds), above(limit - bounds))
    assert parities == {0, 1}


def test_one_vs_rest_stop_reason_is_max_iter_when_one_problem_hit_it():
    """One-vs-rest: the run's stop reason is "max_iter" when one problem hit max_iter and another stopped
    by its rule (audit 76's P119 joined them)."""
    from classic.convergence import LossPlateau

    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    y = np.argmax(X @ rng.normal(size=(2, 3)) + 0.5 * rng.normal(size=(60, 3)), axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(max_iter=3, stop=LossPlateau(8)).fit(X, y)
    reasons = {t.stop_reason for t in model.trace_.problems}
    assert "max_iter" in reasons and "rule:loss_plateau" in reasons
    assert model.trace_.stop_reason == "max_iter"


def test_a_given_margin_gives_pc9_on_separable_data_too():
    """A margin given to certify gives PC-9 on separable data too, at that margin (audit 76's C256)."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 2))
    X = X[np.abs(X @ [1.0, -0.5]) > 0.3]
    y = (X @ [1.0, -0.5] > 0).astype(int)
    model = Perceptron().fit(X, y)
    pc9 = [c for c in certify(model, X, y, margin=0.05) if c.id == "PC-9"][0]
    assert pc9.holds is True
    assert "gamma = 0.05" in pc9.note


def test_pc10_counts_the_start_in_the_exact_integer_range():
    """PC-10 counts the start in its exact integer range: from w_0 = 2^60 the updates -1 are lost to
    rounding, so Block-Levin cycling is not claimed (audit 76's C265)."""
    X, y = np.array([[1.0], [1.0]]), np.array([1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(fit_intercept=False, max_iter=3).fit(X, y, coef_init=np.array([2.0**60]))
    pc10 = [c for c in certify(model, X, y) if c.id == "PC-10"][0]
    assert pc10.holds is None
    assert "exact range" in pc10.note


def test_pc10_counts_the_updates_of_one_cycle():
    """PC-10's note counts the updates of one cycle: 2 updates an epoch, back to w = 0 (audit 76's C268)."""
    X, y = np.array([[1.0], [1.0]]), np.array([1, 0])   # each epoch: 2 updates, back to w = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Perceptron(fit_intercept=False, max_iter=5).fit(X, y)
    pc10 = [c for c in certify(model, X, y) if c.id == "PC-10"][0]
    assert pc10.holds is True
    assert "cycle of 1 epoch(s) with 2 update(s) from epoch 0" in pc10.note
