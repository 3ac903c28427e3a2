"""Stopping rules inside classic.KMeans (proofs/convergence.md, CV-7): a rule only shortens the
run, records itself in the trace, and leaves a truthful certificate."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from budget import examples
from classic import KMeans, certify
from classic.convergence import GradientNorm, LossPlateau, ParameterChange, RelativeImprovement, ValidationPatience
from classic.convergence import StoppingRule, estimate_rate
from classic.strategies import kmeans_problems


def _fit(X, k, init, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return KMeans(k, init=init, random_state=0, **{"n_init": 1, **params}).fit(X)  # one run, as the rule sees it


def _prefix_fields(trace, n_iter):
    """The per-iteration record of ``trace`` cut after iteration ``n_iter``."""
    return {
        "objective_assign": trace.objective_assign[: n_iter + 1],
        "objective_update": trace.objective_update[:n_iter],
        "objective_relocate": trace.objective_relocate[:n_iter],
        "center_shift": trace.center_shift[:n_iter],
        "n_reassigned": trace.n_reassigned[:n_iter],
        "labels_fingerprint": trace.labels_fingerprint[: n_iter + 1],
        "cluster_sizes": trace.cluster_sizes[: n_iter + 1],
        "n_scanned": trace.n_scanned[:n_iter],
        "n_exact": trace.n_exact[:n_iter],
        "objective": trace.objective[: 1 + 3 * n_iter],
    }


@settings(max_examples=examples(30))
@given(kmeans_problems(max_samples=40), st.floats(1e-6, 10.0))
def test_cv7_kmeans_with_loss_plateau_stops_at_the_first_small_change(problem, eps):
    """CV-7 (proofs/convergence.md): with stop=LossPlateau(eps), k-means stops at the first iteration t
    with |F(t) - F(t-1)| < eps (unless Lloyd's own test stops it first), and its record is bitwise the
    prefix of the unstopped run's."""
    X, k, init = problem
    full = _fit(X, k, init).trace_
    stopped = _fit(X, k, init, stop=LossPlateau(eps)).trace_
    A = full.objective_assign
    small = [t for t in range(1, full.n_iter + 1) if abs(A[t] - A[t - 1]) < eps]
    builtin_stop = full.n_iter
    expected = min(small[0], builtin_stop) if small else builtin_stop
    assert stopped.n_iter == expected
    for name, values in _prefix_fields(full, expected).items():
        np.testing.assert_array_equal(getattr(stopped, name), values, err_msg=name)
    if small and small[0] < builtin_stop:
        assert stopped.stop_reason == "rule:loss_plateau" and not stopped.converged
    else:
        assert stopped.stop_reason == full.stop_reason


@settings(max_examples=examples(30))
@given(kmeans_problems(max_samples=40), st.sampled_from([LossPlateau(1e-2), RelativeImprovement(0.05),
                                                          ParameterChange(0.5)]))
def test_cv7_a_stopped_run_keeps_a_truthful_certificate(problem, rule):
    """CV-7 (proofs/convergence.md): every claim that applies still holds on a run cut by a rule, and
    the stop claim says the rule stopped it (not applicable), never that it converged."""
    X, k, init = problem
    model = _fit(X, k, init, stop=rule)
    certificate = certify(model, X)
    assert certificate, str(certificate)
    if model.trace_.stop_reason.startswith("rule:"):
        stop_claim = certificate["KM-5"]
        assert stop_claim.holds is None and "stopping rule" in stop_claim.note
        assert certificate["KM-7"].holds is True and "exact termination only" in certificate["KM-7"].note
        assert model.converged_ is False


def _blobs(seed, n=300):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(6, 2))
    return centres[rng.integers(6, size=n)] + rng.normal(size=(n, 2))


def test_cv7_validation_patience_returns_the_best_checkpoint_and_cuts_the_trace():
    """CV-7 (proofs/convergence.md): early stopping on minus the held-out inertia returns the centres
    and labels of its best iteration, and the trace ends there (bitwise the full run's prefix)."""
    X, X_val = _blobs(0), _blobs(1)
    for seed in range(20):
        full = KMeans(12, init="random", n_init=1, random_state=seed).fit(X)
        rule = ValidationPatience(1, X_val)
        model = KMeans(12, init="random", n_init=1, random_state=seed, stop=rule).fit(X)
        if model.trace_.stop_reason != "rule:validation_patience":
            continue
        assert rule.checkpoint is None  # the fit ran a copy of the rule, model.stop_
        rule = model.stop_
        best = rule.checkpoint.iteration
        assert model.trace_.n_iter == best
        for name, values in _prefix_fields(full.trace_, best).items():
            np.testing.assert_array_equal(getattr(model.trace_, name), values, err_msg=name)
        np.testing.assert_array_equal(model.cluster_centers_, rule.checkpoint.parameters)
        assert model.score(X_val) == rule.checkpoint.score
        assert certify(model, X)
        return
    pytest.fail("no seed triggered early stopping; pick other data")


def test_cv7_a_cut_back_trace_keeps_the_relocations_of_its_last_iteration():
    """Early stopping that returns iteration s keeps the trace's relocations of iterations 1..s, those of
    s itself included: here cluster 4 starts empty, is refilled in iteration 1, and iteration 1 is the
    checkpoint. With < s in place of <= s (audit 54's K22) the cut trace lost that relocation while
    n_relocated still counted it, and the certificate failed; every test passed."""
    for seed in range(200):
        rng = np.random.default_rng(seed)
        X, X_val = rng.normal(size=(60, 2)), rng.normal(size=(30, 2))
        init = np.vstack([X[:4], [[50.0, 50.0]]])  # cluster 4 starts empty: a relocation in iteration 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = KMeans(5, init=init, max_iter=50, stop=ValidationPatience(1, X_val)).fit(X)
        full = KMeans(5, init=init, max_iter=50).fit(X)
        s = model.trace_.n_iter
        if not (model.trace_.stop_reason.startswith("rule") and s in full.trace_.relocation_iteration):
            continue
        t, kept = model.trace_, full.trace_.relocation_iteration <= s
        np.testing.assert_array_equal(t.n_relocated, full.trace_.n_relocated[:s])
        for name in ("relocation_iteration", "relocation_point", "relocation_cluster", "relocation_distance"):
            np.testing.assert_array_equal(getattr(t, name), getattr(full.trace_, name)[kept], err_msg=name)
        assert len(t.relocation_point) == t.n_relocated.sum() > 0
        assert certify(model, X)
        return
    pytest.fail("no seed stopped early at an iteration with a relocation; pick other data")


class _Recorder(StoppingRule):
    """A user's rule that never fires and keeps every state it is shown."""

    name = "recorder"

    def __init__(self):
        self.states = []

    def _holds(self, state):
        self.states.append(state)
        return False


def test_cv7_a_rule_sees_each_iterations_centres_and_the_ones_before():
    """CV-7's protocol: the state of iteration t holds theta(t), the centres after its update, and
    theta(t-1), those before it (the initial centres for t = 1), each a copy the rule may keep: the
    recorded states chain (theta(t-1) of one is theta of the one before) and end at the returned
    centres. With the live centres as theta(t-1) ParameterChange fired at iteration 1 with no change
    (audit 54's K17), and with them as theta(t) every kept state became the final centres (K25);
    every test passed with each."""
    X = _blobs(3, n=400)
    C0 = X[:6].copy()
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):  # the rule is consulted after every iteration
        model = KMeans(6, init=C0, max_iter=5, stop=_Recorder()).fit(X)
    states = model.stop_.states
    assert len(states) == model.n_iter_ == 5
    np.testing.assert_array_equal(states[0].previous_parameters, C0)
    for before, state in zip(states, states[1:]):
        np.testing.assert_array_equal(state.previous_parameters, before.parameters)
        assert not np.array_equal(state.parameters, before.parameters)
    np.testing.assert_array_equal(states[-1].parameters, model.cluster_centers_)
    assert all(state.parameters is not model.cluster_centers_ for state in states)
    # f(t) and f(t-1): the inertia after iteration t's assignment and the one before (audit 75's K57 swapped them)
    objective = model.trace_.objective_assign
    assert [(s.objective, s.previous_objective) for s in states] == list(zip(objective[1:], objective[:-1]))


def test_cv7_theta_before_an_iteration_with_a_relocation_is_the_one_shown_before():
    """CV-7's chain holds through a relocation (KM-3): theta(t-1) of an iteration that relocates an
    empty cluster is the centres the rule was shown at t - 1, not those after the relocation moved one
    of them (audit 75's ORIG_1: the relocated centre's jump was hidden from ParameterChange)."""
    X = np.array([[5.0, 1.0], [9.0, 13.0], [14.0, 12.0], [18.0, 19.0], [2.0, 2.0], [14.0, 14.0], [16.0, 8.0],
                  [0.0, 5.0], [4.0, 0.0], [2.0, 15.0], [6.0, 0.0], [5.0, 3.0], [2.0, 4.0], [13.0, 12.0], [13.0, 12.0]])
    C0 = np.array([[2.0, 5.0], [26.0, 4.0], [18.0, 29.0], [2.0, 22.0], [10.0, -1.0]])
    model = KMeans(5, init=C0, stop=_Recorder()).fit(X)
    assert model.trace_.relocation_iteration.tolist() == [2]   # the premise: a relocation after iteration 1
    states = model.stop_.states
    np.testing.assert_array_equal(states[0].previous_parameters, C0)
    for before, state in zip(states, states[1:]):
        np.testing.assert_array_equal(state.previous_parameters, before.parameters)


def test_cv7_where_tol_and_a_rule_end_the_same_iteration_the_stop_is_tol():
    """CV-7 beside KM-5: the loop tests tol first, so where tol's threshold and a rule both end
    iteration 1 the stop reason is "tol" (converged), and the certificate agrees (audit 75's K91 gave
    the rule's reason)."""

    class Always(_Recorder):
        name = "always"

        def _holds(self, state):
            super()._holds(state)
            return True

    X = _blobs(3, n=400)
    model = KMeans(6, init=X[:6].copy(), tol=1e9, stop=Always()).fit(X)
    assert (model.n_iter_, model.trace_.stop_reason, model.converged_) == (1, "tol", True)
    assert len(model.stop_.states) == 1 and certify(model, X)


def test_cv7_a_rule_reused_from_an_earlier_fit_starts_afresh():
    """CV-7: each run starts its rule (StoppingRule.start): a ValidationPatience taken from an earlier
    fit's stop_, its best checkpoint still inside, gives the run a fresh rule gives (audit 75's K102,
    the start dropped, kept the old checkpoint)."""
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(600, centers=4, cluster_std=1.5, random_state=3)
    X_val, _ = make_blobs(200, centers=4, cluster_std=1.5, random_state=3, shuffle=True)
    earlier = KMeans(4, n_local_trials=None, random_state=0, stop=ValidationPatience(2, X_val)).fit(X)
    poor = X[np.argsort(X[:, 0])[:4]].copy()   # four points at one end: a long run from a poor start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fresh = KMeans(4, init=poor, stop=ValidationPatience(2, X_val)).fit(X)
        reused = KMeans(4, init=poor, stop=earlier.stop_).fit(X)
    assert fresh.n_iter_ >= 2 and reused.trace_ == fresh.trace_
    np.testing.assert_array_equal(reused.cluster_centers_, fresh.cluster_centers_)


def test_cv7_validation_patience_scores_the_weighted_held_out_inertia():
    """ValidationPatience(..., sample_weight=w): the score is minus the weighted held-out inertia,
    the number KMeans.score(X_val, sample_weight=w) gives for the returned centres; bad weights
    get the sample_weight errors."""
    X, X_val = _blobs(0), _blobs(1)
    w_val = np.random.default_rng(5).uniform(0.0, 3.0, len(X_val))
    for seed in range(20):
        rule = ValidationPatience(1, X_val, sample_weight=w_val)
        model = KMeans(12, init="random", n_init=1, random_state=seed, stop=rule).fit(X)
        if model.trace_.stop_reason != "rule:validation_patience":
            continue
        assert model.score(X_val, sample_weight=w_val) == model.stop_.checkpoint.score != model.score(X_val)
        assert certify(model, X)
        break
    else:
        pytest.fail("no seed triggered early stopping; pick other data")
    with pytest.raises(ValueError, match="negative"):
        KMeans(3, random_state=0, stop=ValidationPatience(1, X_val, sample_weight=-w_val)).fit(X)
    with pytest.raises(ValueError, match="shape"):
        KMeans(3, random_state=0, stop=ValidationPatience(1, X_val, sample_weight=w_val[1:])).fit(X)


def test_stopped_trace_feeds_the_rate_estimator():
    X = _blobs(2)
    model = KMeans(6, random_state=0, stop=RelativeImprovement(1e-3)).fit(X)
    estimate = estimate_rate(model.trace_)
    assert len(estimate.evidence.values) == model.trace_.n_iter


def test_bad_stop_is_rejected_and_gradient_norm_is_not_available():
    X = _blobs(3, 50)
    with pytest.raises(TypeError, match="stop must be"):
        KMeans(3, stop="plateau").fit(X)
    with pytest.raises(ValueError, match="gradient norm"):
        KMeans(3, random_state=0, init="random", n_init=1, stop=GradientNorm(1e-3)).fit(X)


@pytest.mark.parametrize("rule", [GradientNorm(1e-3), LossPlateau(1e-9) | GradientNorm(1e-3),
                                  LossPlateau(1e-9) & (ParameterChange(1e-9) | GradientNorm(1e-3))])
def test_gradient_norm_is_refused_before_the_run(rule, capsys):
    """CV-7: no estimator of classic reports a gradient norm, so GradientNorm (for loops that compute
    one) cannot stop them; the fit raised from inside its loop after its first iteration (audit 48,
    the iteration printed first); it is now refused with the other parameters, nested or not, naming
    the rules that can stop the estimator."""
    from classic import GaussianMixture, Perceptron

    X = _blobs(3, 50)
    y = np.arange(len(X)) % 2
    for name, fit in [("KMeans", lambda: KMeans(3, random_state=0, verbose=1, stop=rule).fit(X)),
                      ("GaussianMixture", lambda: GaussianMixture(3, random_state=0, verbose=2, stop=rule).fit(X)),
                      ("Perceptron", lambda: Perceptron(verbose=1, stop=rule).fit(X, y))]:
        others = "LossPlateau, " + ("" if name == "Perceptron" else "RelativeImprovement, ")   # the perceptron
        with pytest.raises(ValueError, match=rf"^GradientNorm cannot stop {name}, which reports no gradient norm .*"
                                             rf"{others}ParameterChange or ValidationPatience$"):   # refuses RI
            fit()
        assert capsys.readouterr().out == ""


def test_default_has_no_rule_and_n_init_restarts_the_rule():
    X = _blobs(4)
    assert KMeans().get_params()["stop"] is None
    model = KMeans(6, n_init=3, random_state=0, stop=LossPlateau(1.0)).fit(X)
    assert model.trace_.stop_reason in ("rule:loss_plateau", "converged")
    assert certify(model, X)


def test_cv6_a_kmeans_run_terminates_finitely_at_its_last_inertia():
    """CV-6 (proofs/convergence.md): Lloyd ends on its fixed point; with limit = final inertia the
    rate estimate sees finite termination at the last iteration (on these blobs, for every seed: no
    approach was so fast that its own ratios predicted a change below the noise floor)."""
    X = _blobs(5)
    verdicts = []
    for seed in range(10):
        model = KMeans(6, init="random", n_init=1, random_state=seed).fit(X)
        assert model.trace_.stop_reason == "converged"
        estimate = estimate_rate(model.trace_, limit=model.inertia_)
        verdicts.append(estimate.kind)
        if estimate.kind == "finite":
            assert estimate.terminated_at == model.n_iter_
    assert verdicts == ["finite"] * 10, verdicts


def test_with_several_starts_stop_describes_the_start_returned():
    """With n_init > 1 each start runs a copy of the rule; ``stop_`` is the copy of the start returned
    (before 2026-12-04 the rule itself held the record of the last start, so
    plot_stopping(trace_, rule=stop) could mark another start's checkpoint): the same record as a
    fit of that start alone leaves."""
    X, X_val = _blobs(0), _blobs(1)
    for seed in range(40):
        starts = []

        def init(X, k, random_state):
            starts.append(X[random_state.choice(len(X), k, replace=False)])
            return starts[-1]

        model = KMeans(12, init=init, n_init=4, random_state=seed, stop=ValidationPatience(1, X_val) | LossPlateau(1e-9)).fit(X)
        alone = [KMeans(12, init=centres, n_init=1, stop=ValidationPatience(1, X_val) | LossPlateau(1e-9)).fit(X)
                 for centres in starts]
        returned = [i for i, fit in enumerate(alone) if fit.trace_ == model.trace_]
        if not returned or alone[returned[0]].stop_.checkpoint.iteration == alone[-1].stop_.checkpoint.iteration:
            continue  # the returned start's record must differ from the last one's
        rule, alone_rule = model.stop_, alone[returned[0]].stop_
        assert (rule.fired, rule.consulted_at) == (alone_rule.fired, alone_rule.consulted_at)
        assert [(r.fired, r.consulted_at) for r in rule.rules] == [(r.fired, r.consulted_at) for r in alone_rule.rules]
        assert rule.checkpoint.iteration == alone_rule.checkpoint.iteration
        np.testing.assert_array_equal(rule.checkpoint.parameters, alone_rule.checkpoint.parameters)
        return
    pytest.fail("no seed returned a start other than the last with a different checkpoint; pick other data")
