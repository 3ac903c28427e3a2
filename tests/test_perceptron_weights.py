"""The weighted perceptron (class_weight, sample_weight): proofs/perceptron.md, PC-1 "Weights" (the
run on z_i = fl(c_i x~_i) with the tests on x~_i, weight 0 examples not learnt) and PC-7 "Weights"
(the rounding of z_i in PC-3's cross term)."""

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron

import naive
from classic import Perceptron, certify
from classic.strategies import linearly_separable

DTYPES = st.sampled_from([np.float64, np.float32])


def _quiet(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **kwargs)


def _iris(classes):
    X, y = load_iris(return_X_y=True)
    keep = y < classes
    return X[keep], y[keep]


@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("class_weight", [None, "balanced", {0: 2.5}, {1: 0.0}])
def test_pc1_weighted_runs_agree_with_scikit_learn_bit_for_bit(classes, fit_intercept, class_weight):
    """PC-1, "Weights": scikit-learn's update is w + x (y class_weight sample_weight), one rounded product
    per coordinate; ours is w + y fl(c x~) with c = fl(class_weight sample_weight): the same floats. On iris
    (2 and 3 classes, one-vs-rest weighing the rest by 1), sample weights with zeros among them, 20 epochs:
    the weights are scikit-learn's bit for bit, and the certificate holds."""
    X, y = _iris(classes)
    rng = np.random.default_rng(classes)
    sample_weight = rng.uniform(0.0, 3.0, len(y))
    sample_weight[::9] = 0.0
    ours = _quiet(Perceptron(max_iter=20, fit_intercept=fit_intercept, class_weight=class_weight), X, y,
                  sample_weight=sample_weight)
    theirs = _quiet(SkPerceptron(max_iter=20, tol=None, shuffle=False, fit_intercept=fit_intercept,
                                 class_weight=class_weight), X, y, sample_weight=sample_weight)
    np.testing.assert_array_equal(ours.coef_, theirs.coef_)
    np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
    assert all(problem.weighted for problem in getattr(ours.trace_, "problems", (ours.trace_,)))
    assert certify(ours, X, y, sample_weight=sample_weight)


def test_pc1_weighted_partial_fit_agrees_with_scikit_learn():
    """partial_fit(X, y, classes, sample_weight) on batches in order, with a class_weight dict: scikit-learn's
    weights bit for bit after every batch, and each call's certificate holds on its batch."""
    X, y = _iris(3)
    order = np.random.default_rng(0).permutation(len(y))
    X, y = X[order], y[order]
    sample_weight = np.random.default_rng(1).uniform(0.2, 2.0, len(y))
    ours = Perceptron(class_weight={2: 3.0})
    theirs = SkPerceptron(class_weight={2: 3.0}, shuffle=False)
    for start in range(0, len(y), 40):
        batch = slice(start, start + 40)
        ours.partial_fit(X[batch], y[batch], classes=[0, 1, 2], sample_weight=sample_weight[batch])
        theirs.partial_fit(X[batch], y[batch], classes=[0, 1, 2], sample_weight=sample_weight[batch])
        np.testing.assert_array_equal(ours.coef_, theirs.coef_)
        np.testing.assert_array_equal(ours.intercept_, theirs.intercept_)
        assert certify(ours, X[batch], y[batch], sample_weight=sample_weight[batch])


@given(dtype=DTYPES, intercept=st.booleans(), shuffle=st.booleans(), zeros=st.booleans(),
       spread=st.sampled_from([1.0, 1e3, 1e-3]), prediction=st.sampled_from(["last", "averaged", "voted"]),
       data=st.data())
def test_pc2_to_pc6_hold_on_weighted_separable_data(dtype, intercept, shuffle, zeros, spread, prediction, data):
    """PC-1 to PC-6 on a weighted run: the perceptron on z_i = fl(c_i x~_i) with the tests on x~_i. On separable
    data with weights of any spread (from 1/spread to spread; some 0), float32 and float64, shuffled or not,
    the log replays and every claim that applies holds; Novikoff's claims apply to the data's separator (it
    separates the z of positive weight as it separates the x~), and the trace agrees with the fitted
    attributes. (Weights 1e6 apart give bounds of 1e14 updates: the run need not end within max_iter, and
    PC-6 applies when it did.)"""
    sample = data.draw(linearly_separable(dtype=dtype, intercept=intercept, n_samples=st.integers(2, 40)))
    n = len(sample.y)
    exponents = np.array(data.draw(st.lists(st.floats(-1.0, 1.0), min_size=n, max_size=n)))
    sample_weight = spread ** exponents
    if zeros:
        sample_weight[data.draw(st.integers(0, n - 1))] = 0.0
    model = Perceptron(fit_intercept=intercept, shuffle=shuffle, random_state=3, prediction=prediction,
                       max_iter=300)
    _quiet(model, sample.X, sample.y, sample_weight=sample_weight)
    assert certify(model, sample.X, sample.y, sample_weight=sample_weight)   # the separator found
    u = sample.augmented_separator(1.0 if intercept else 0.0)
    if np.unique(sample.y).size == 1:   # a single class is the positive class (Perceptron, Notes): flip u for -1
        u = u * sample.y[0]
    certificate = certify(model, sample.X, sample.y, sample_weight=sample_weight, separator=u)
    assert certificate, str(certificate)
    assert model.n_updates_ == model.trace_.n_updates and model.n_iter_ == model.trace_.n_iter
    assert certificate["PC-6"].holds is (True if model.converged_ else None)
    if model.n_updates_:
        for claim_id in ("PC-2", "PC-3", "PC-4", "PC-5"):
            assert certificate[claim_id].holds is True, str(certificate)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pc1_a_weighted_epoch_is_the_oracles(dtype):
    """The epoch kernel with weights against tests/naive.py's one-example-at-a-time oracle (mistakes on weight 0
    examples move nothing, their loss counts), bit for bit, in float32 (weights rounded to it) and float64."""
    from classic import _perceptron_kernels as kernels

    rng = np.random.default_rng(0)
    X = rng.normal(size=(203, 7)).astype(dtype)
    y = np.where(rng.random(203) < 0.5, 1.0, -1.0).astype(dtype)   # noisy: many mistakes
    c = rng.uniform(0.1, 5.0, 203).astype(dtype)
    c[::5] = 0
    w = rng.normal(size=8).astype(dtype)
    order = rng.permutation(203).astype(np.int64)
    updates, steps, norms = np.empty(203, np.int64), np.empty(203, np.int64), np.empty(203, dtype)
    w_ours = w.copy()
    m, total_loss = kernels.epoch(X, y, c, dtype(0.5), order, w_ours, updates, steps, norms, 0)
    w_ref, upd_ref, pos_ref, norms_ref, loss_ref = naive.perceptron_epoch(X, y, 0.5, order, w, c)
    assert m == len(upd_ref) > 20 and np.all(c[updates[:m]] > 0)
    np.testing.assert_array_equal(w_ours, w_ref)
    np.testing.assert_array_equal(updates[:m], upd_ref)
    np.testing.assert_array_equal(steps[:m], pos_ref)
    np.testing.assert_array_equal(norms[:m], norms_ref)
    assert total_loss / 203 == loss_ref


def test_weights_of_one_are_the_unweighted_run():
    """sample_weight of ones (and class_weight={} or of ones) changes no bit of the run, and the trace says it
    is not weighted: x times 1 is x. The certificate then wants the weights the fit was given."""
    X, y = _iris(3)
    plain = _quiet(Perceptron(max_iter=15), X, y)
    ones = _quiet(Perceptron(max_iter=15, class_weight={0: 1.0}), X, y, sample_weight=np.ones(len(y)))
    assert ones.trace_ == plain.trace_ and not any(p.weighted for p in ones.trace_.problems)
    np.testing.assert_array_equal(ones.coef_, plain.coef_)
    assert certify(ones, X, y, sample_weight=np.ones(len(y)))
    scalar = _quiet(Perceptron(max_iter=15), X, y, sample_weight=2.0)   # a number weighs every example alike
    assert scalar.trace_.problems[0].weighted
    np.testing.assert_array_equal(scalar.coef_, 2 * plain.coef_)     # 2 x is exact: the run of step 2


def test_a_weight_zero_example_is_not_learnt():
    """PC-1, PC-6: an example of weight 0 on the wrong side of every separator of the rest never updates the
    weights (a mistake that moves nothing is no update), the run converges on the others, PC-6 asks only those
    to be classified, and its loss counts in epoch_loss (scikit-learn's unweighted sumloss)."""
    X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, -1.0], [2.5, 2.5]])
    y = np.array([1, 1, 0, 0, 0])   # the last example sits among the positives
    sample_weight = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    model = Perceptron().fit(X, y, sample_weight=sample_weight)
    assert model.converged_ and 4 not in model.trace_.updates and model.predict(X[4:])[0] == 1
    assert model.trace_.epoch_loss[-1] > 0   # the weight 0 example is still a mistake, and its loss counts
    certificate = certify(model, X, y, sample_weight=sample_weight)
    assert certificate and certificate["PC-6"].holds and "positive weight" in certificate["PC-6"].statement
    twin = SkPerceptron(tol=None, shuffle=False, max_iter=model.n_iter_).fit(X, y, sample_weight=sample_weight)
    np.testing.assert_array_equal(model.coef_, twin.coef_)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        dropped = Perceptron().fit(X[:4], y[:4])   # the run on the other examples: the same updates
    np.testing.assert_array_equal(dropped.coef_, model.coef_)


def test_pc1_the_certificate_needs_the_fits_weights():
    """certify recomputes the weights from the fit's class weights and the sample_weight it is given: required
    for a fit given one, refused for a fit without; weights that are not the fit's fail PC-1 (the replay's
    squared norms differ), and so does a trace whose weighted flag was edited."""
    X, y = _iris(2)
    sample_weight = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    model = Perceptron(class_weight="balanced").fit(X, y, sample_weight=sample_weight)
    assert certify(model, X, y, sample_weight=sample_weight)
    with pytest.raises(ValueError, match=r"fitted with sample_weight: certify\(model, X, y, sample_weight=w\)"):
        certify(model, X, y)
    with pytest.raises(ValueError, match="fitted without sample_weight"):
        certify(Perceptron().fit(X, y), X, y, sample_weight=sample_weight)
    other = sample_weight.copy()
    other[model.trace_.updates[0]] *= 1.5   # an example behind an update: the replay differs
    claim = certify(model, X, y, sample_weight=other)["PC-1"]
    assert claim.holds is False and "squared norm(s)" in claim.note
    other = sample_weight.copy()
    never = np.setdiff1d(np.arange(len(y)), model.trace_.updates)
    other[never[0]] *= 1000.0               # an example that never updated: the replay is the same, the digest not
    claim = certify(model, X, y, sample_weight=other)["PC-1"]
    assert claim.holds is False
    assert claim.note == "the sample_weight given is not the fit's (the digest the fit recorded differs)"
    model.trace_ = dataclasses.replace(model.trace_, weighted=False)
    claim = certify(model, X, y, sample_weight=sample_weight)["PC-1"]
    assert claim.holds is False and "weighted flag" in claim.note


def test_pc1_an_update_logged_on_a_weight_zero_example_fails():
    """PC-1, "Weights": a mistake on an example of weight 0 is no update. A log that records one (it moves
    nothing, so the replay's weights, squared norms and losses stay consistent) passed the certificate before
    (an audit, 2026-12-05); now PC-1 fails and says why."""
    X, y = _iris(3)
    X, y = X[y > 0], y[y > 0]            # versicolor against virginica: not separable, mistakes every epoch
    sample_weight = np.random.default_rng(5).uniform(0.5, 2.0, len(y))
    sample_weight[::4] = 0.0
    model = _quiet(Perceptron(max_iter=6), X, y, sample_weight=sample_weight)
    t = model.trace_
    signs = np.where(y == model.classes_[1], 1.0, -1.0)
    n = len(y)
    # the first weight 0 mistake of the last epoch, with the weights held then (the walk of the run)
    w = t.epoch_weights[-2].astype(np.float64).copy()
    steps_last = set((t.update_steps[t.update_steps >= (t.n_iter - 1) * n] - (t.n_iter - 1) * n).tolist())
    for position in range(n):
        x = np.append(X[position], 1.0)
        if position in steps_last:
            w += signs[position] * sample_weight[position] * x
        elif sample_weight[position] == 0 and not signs[position] * naive.perceptron_inner(w, x) > 0:
            break
    else:
        pytest.fail("no weight 0 mistake in the last epoch")
    step = (t.n_iter - 1) * n + position
    at = int(np.searchsorted(t.update_steps, step))
    mistakes = t.mistakes.copy()
    mistakes[-1] += 1
    tampered = dataclasses.replace(
        t, updates=np.insert(t.updates, at, position), update_steps=np.insert(t.update_steps, at, step),
        squared_norms=np.insert(t.squared_norms, at, t.squared_norms[at - 1]), mistakes=mistakes,
        n_updates=t.n_updates + 1, objective=np.concatenate([[0], np.cumsum(mistakes)]).astype(float))
    model.trace_, model.n_updates_ = tampered, t.n_updates + 1
    claim = certify(model, X, y, sample_weight=sample_weight)["PC-1"]
    assert claim.holds is False and "1 were on examples of weight 0 (no update)" in claim.note, claim.note


def test_pc3_the_rounding_of_the_weighted_moves_is_in_its_slack():
    """PC-7, "Weights": PC-3's cross term for a weighted update is at most c delta_k + u c sum|w x~| + eta
    sum|w|. A run whose weights c = 1 + 2^-23 round every float32 move (z = fl(c x~) != c x~) is certified, and
    delta_k of the certificate is at least c times the unweighted one plus u c sum|w x~| on the same log."""
    from classic._perceptron_certificate import _ProblemCertificate

    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    y = np.where(X @ [1.0, -1.0, 0.5, 0.25] > 0, 1, 0)
    c = np.full(len(y), 1 + 2.0**-23)
    model = _quiet(Perceptron(max_iter=50), X, y, sample_weight=c)
    assert certify(model, X, y, sample_weight=c)
    signs = np.where(y == 1, 1.0, -1.0).astype(np.float32)
    weights = c.astype(np.float32)
    certificate = _ProblemCertificate(X, signs, model.trace_, "", weights=weights)
    replay = certificate._replay(np.ones(5) / np.sqrt(5.0))
    certificate._rounding(replay)
    x2 = np.einsum("ij,ij->i", X[model.trace_.updates], X[model.trace_.updates], dtype=np.float64) + 1.0
    assert np.all(replay["x_norm2"] != x2)   # every move z = fl(c x~) was rounded: its squared norm is not ||x~||^2
    u, D, c_k = 2.0**-24, 5, float(weights[0])
    test_rounding = c_k * D * u / (1 - D * u) * replay["dot_abs"]   # c gamma_D sum|w x~|: the test's, times c
    moves_rounding = u * c_k * replay["dot_abs"]                     # u c sum|w x~|: the moves'
    assert np.all(certificate.delta >= (test_rounding + moves_rounding) * (1 - 1e-12))
    assert not np.all(certificate.delta >= (test_rounding + 2 * moves_rounding) * (1 + 1e-12))   # and no more


@pytest.mark.parametrize(("sample_weight", "error", "match"), [
    (-np.ones(100), ValueError, r"sample_weight has negative values"),
    (np.full(100, np.nan), ValueError, "sample_weight contains NaN or infinity"),
    (np.ones(99), ValueError, r"sample_weight has shape \(99,\); expected \(100,\)"),
    (np.zeros(100), ValueError, "sample_weight is zero for every point"),
    (np.array(["a"] * 100), (TypeError, ValueError), "sample_weight must be numbers"),
    (np.full(100, 1e300), ValueError, r"the weighted example 0 .* has a squared norm beyond float64.*common factor"),
    (True, (TypeError, ValueError), "sample_weight must be numbers or None, got True"),
])
def test_bad_sample_weight_is_refused(sample_weight, error, match):
    """Each a clear error; weights that are no numbers raise an error that is both a TypeError and a
    ValueError (scikit-learn raises a ValueError there: an audit, 2026-12-06, found code written for it
    missing our TypeError)."""
    X, y = _iris(2)
    model = Perceptron()
    for kind in np.atleast_1d(error):
        with pytest.raises(kind, match=match):
            model.fit(X, y, sample_weight=sample_weight)
    assert not hasattr(model, "trace_")


def test_partial_fit_refuses_balanced_class_weights_and_keeps_the_input():
    """"balanced" needs the class counts of the whole data, which partial_fit does not see (scikit-learn
    refuses it too): a ValueError with the fix; weights given are never modified."""
    X, y = _iris(2)
    with pytest.raises(ValueError, match="class_weight='balanced' weighs the classes by their counts in the whole"):
        Perceptron(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    sample_weight = np.linspace(0.5, 2.0, len(y))
    sample_weight.flags.writeable = False
    before = sample_weight.copy()
    Perceptron().partial_fit(X, y, classes=[0, 1], sample_weight=sample_weight)
    _quiet(Perceptron(class_weight="balanced"), X, y, sample_weight=sample_weight)
    np.testing.assert_array_equal(sample_weight, before)


@pytest.mark.parametrize(("class_weight", "sample_weight", "dtype", "match"), [
    ({0: 1e-200}, 1e-200, np.float64, "class_weight times sample_weight of example 0 is below the range of float64"),
    (None, 1e-50, np.float32, "of example 0 is below the range of float32"),
    ({1: 1e30}, 1e30, np.float32, "of example 50 is beyond the range of float32"),
    ({0: 1e-310}, None, np.float64, r"class_weight\[0\] = 1e-310 is below the smallest normal float64"),
])
def test_weights_that_leave_the_precision_are_refused(class_weight, sample_weight, dtype, match):
    """Positive weights whose product (or float32 rounding) is 0 would silently leave examples unlearnt, and
    weights beyond float32 gave NumPy's RuntimeWarnings and a message about inf (an audit, 2026-12-05): a
    ValueError names the example and the fix, without a warning."""
    X, y = _iris(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=match):
            Perceptron(class_weight=class_weight).fit(X.astype(dtype), y, sample_weight=sample_weight)


def test_the_range_of_the_weighted_moves_is_checked_example_by_example():
    """check_update_range: a large weight on a small row and a small weight on a large row are both in range,
    though the largest weight times the largest row is not (its quick bound fails and each example is looked
    at); a large weight on the large row is refused."""
    from classic._perceptron_weights import check_update_range

    X = np.array([[1e150, 0.0], [1.0, 0.0]])
    check_update_range(X, 1.0, [np.array([1.0, 1e150])])
    with pytest.raises(ValueError, match="the weighted example 0 .* squared norm beyond float64"):
        check_update_range(X, 1.0, [np.array([1e10, 1.0])])
    check_update_range(X, 1.0, [None])


@pytest.mark.parametrize(("X", "scale", "weight"), [
    (np.array([[1.0], [-1.0]]), 1e153, 20.0),        # the intercept feature s alone is large (audit 55's W10)
    (np.array([[1e150], [-1e150]]), 1e153, 20.0),     # each row's squared norm needs its s^2 (W12)
    (np.outer([1.0, -1.0], np.full(10, 7.07e152)), 0.0, 7.0),  # the d + 1 terms of a row (W11)
    # float32, one feature: the quick bound's d + 1 and its factor 2 (audit 72's W15 dropped both, and this run
    # started and overflowed at update 1)
    (np.array([[1e18], [-1e18]], dtype=np.float32), 1e18, 15.06),
])
def test_weighted_moves_beyond_the_range_are_named_before_the_run(X, scale, weight):
    """check_update_range's quick bound (c^2 (d + 1) max(|X|, s)^2) and its per-row check (c_i^2 (||x_i||^2 +
    s^2)) count the intercept feature and every feature: a weighted example whose move leaves float64 is
    named before the run starts, not met as an overflow at update 1. Each mutant that dropped a term
    of the bound (audit 55's W10, W11, W12) let these runs start, and every test passed."""
    y = np.array([1, 0])
    with pytest.raises(ValueError, match=f"the weighted example 0 .* squared norm beyond {X.dtype}"):
        Perceptron(fit_intercept=scale != 0, intercept_scaling=scale or 1.0, max_iter=2).fit(
            X, y, sample_weight=[weight, weight])


def test_float32_problem_weights_round_each_factor_then_their_product():
    """problem_weights in float32: c_i = fl32(fl32(class weight) fl32(sample weight)), checked against
    NumPy's float32 product on 2000 random pairs. The product taken in float64 and rounded once (audit
    55's W07) differs in the last bit on some of them (not on 0.3 x 0.1, the case of the test above), and
    every test passed."""
    from classic._perceptron_weights import problem_weights

    rng = np.random.default_rng(0)
    n = 2000
    sample_weight = rng.uniform(0.01, 10.0, n)
    signs = np.where(rng.random(n) < 0.5, 1.0, -1.0)[None, :]
    by_class = np.array([0.1, 0.3])
    c = problem_weights(by_class, sample_weight, signs, np.float32)[0]
    side = np.where(signs[0] > 0, by_class[1], by_class[0]).astype(np.float32)
    assert c.dtype == np.float32
    np.testing.assert_array_equal(c, side * sample_weight.astype(np.float32))


def test_the_moves_of_a_float32_weighted_run_are_rounded_to_float32():
    """moves() gives what a float32 weighted run adds, fl32(c_i x~_i) with x~_i = (x_i, fl32(s)), as
    tests/naive.py's epoch adds it: the averaged and voted predictors and the certificate build on it.
    With the intercept column in float64 (audit 55's P01) the products were taken in float64, the
    averaged coef_ moved by an ulp and, the certificate sharing moves(), every test passed."""
    from classic._perceptron_predictors import moves

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    c = rng.uniform(0.1, 3.0, 40).astype(np.float32)
    rows = np.array([3, 0, 17, 39])
    got = moves(X, 0.1, rows, c)
    want = [(np.append(X[i], np.float32(0.1)).astype(np.float32) * c[i]).astype(np.float64) for i in rows]
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(moves(X, 0.1, None, c)[rows], want)


def test_an_overflow_from_weights_names_them():
    """Weights large enough to overflow the float32 weights (each move in range, their sum not): the message
    offers dividing the weights, not only rescaling X (an audit, 2026-12-05)."""
    X, y = _iris(3)
    X, y = X[y > 0].astype(np.float32), y[y > 0]
    with pytest.raises(ValueError, match="Floating-point overflow.*or divide class_weight and sample_weight by a "
                                         "common factor"):
        _quiet(Perceptron(max_iter=100), X, y, sample_weight=1e18)


def test_class_weights_take_numbers_as_sample_weight_does():
    """A class weight may be any real number type (Decimal, Fraction, a NumPy scalar), as sample weights are;
    one beyond float64 (an int or a Fraction, whose conversion raises OverflowError, or a Decimal, which
    converts to inf) is refused with a ValueError naming the class, and so is Decimal('sNaN') (mutation
    audit 72's ORIG_1: the OverflowError escaped, no ValueError; float() of the signaling NaN raised
    "cannot convert signaling NaN to float", naming no class weight). True is no weight (a slip for
    another argument; audit 72's W3 took it for 1)."""
    from decimal import Decimal
    from fractions import Fraction

    X, y = _iris(2)
    expected = _quiet(Perceptron(max_iter=5, class_weight={0: 0.5}), X, y).coef_
    for weight in (Decimal("0.5"), Fraction(1, 2), np.float32(0.5)):
        np.testing.assert_array_equal(_quiet(Perceptron(max_iter=5, class_weight={0: weight}), X, y).coef_, expected)
    for weight in (10**400, Fraction(10**400), -(10**5000), Decimal("1e400"), Decimal("sNaN"), True):  # True: W3
        with pytest.raises(ValueError, match=r"class_weight\[0\]"):
            Perceptron(class_weight={0: weight}).fit(X, y)


def test_float32_weights_are_formed_as_scikit_learn_forms_them():
    """c = fl32(fl32(class_weight) fl32(sample_weight)), as scikit-learn's float32 SGD forms its product: the
    trace's replay with those weights is the run's (PC-1 holds), and the same weights rounded once from their
    float64 product are not (they differ in the last bit here, and PC-1 fails). (scikit-learn's float32 run
    then adds x c computed in float64, rounded once; the run adds fl32(x c): PC-1, "Weights".)"""
    X, y = _iris(2)
    X = X.astype(np.float32)
    sample_weight = np.full(len(y), 0.1)
    model = Perceptron(class_weight={1: 0.3}).fit(X, y, sample_weight=sample_weight)
    assert certify(model, X, y, sample_weight=sample_weight)
    from classic._perceptron_certificate import _ProblemCertificate

    signs = np.where(y == 1, 1.0, -1.0).astype(np.float32)
    twice = np.where(y == 1, np.float32(0.3) * np.float32(0.1), np.float32(0.1)).astype(np.float32)
    once = np.where(y == 1, np.float32(0.3 * 0.1), np.float32(0.1)).astype(np.float32)
    assert twice[y == 1][0] != once[y == 1][0]
    u = np.ones(5) / np.sqrt(5.0)
    for weights, agrees in ((twice, True), (once, False)):
        replayed = _ProblemCertificate(X, signs, model.trace_, "", weights=weights)._replay(u)["squared_norms"]
        assert np.array_equal(replayed, model.trace_.squared_norms) is agrees


def _two_blobs():
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal(0, 1, (15, 3)), rng.normal(5, 1, (15, 3))]), np.repeat([0, 1], 15)


def test_score_checks_its_weights_and_labels_as_fit_does():
    """score was scikit-learn's ClassifierMixin.score, which checked no weight: 1e308 each gave NaN,
    negative and subnormal weights counted, a scalar was refused (fit takes one); y of the wrong
    length or labels of no classification type gave NumPy's messages (an audit, 2026-12-06). It is
    still the (weighted) share of right labels, as scikit-learn computes it."""
    from sklearn.metrics import accuracy_score

    X, y = _two_blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # three epochs on labels that are not separable
        model = Perceptron(max_iter=3, tol=None).fit(X, np.where(np.arange(30) % 7 == 0, 1 - y, y))
    weights = np.random.default_rng(1).uniform(0.5, 2.0, 30)
    assert model.score(X, y, sample_weight=weights) == pytest.approx(accuracy_score(y, model.predict(X),
                                                                                    sample_weight=weights), abs=1e-15)
    assert model.score(X, y, sample_weight=2.0) == model.score(X, y) == accuracy_score(y, model.predict(X))
    for bad, error, message in [(np.full(30, 1e308), ValueError, "sums to infinity"),
                                (np.where(np.arange(30) < 2, -100.0, 1.0), ValueError, "negative"),
                                (np.full(30, 1e-320), ValueError, "subnormal"),
                                (np.array(["1"] * 30), TypeError, "sample_weight must be numbers"),
                                (np.ones(29), ValueError, "one weight per row")]:
        with pytest.raises(error, match=message):
            model.score(X, y, sample_weight=bad)
    with pytest.raises(ValueError, match="y has 5 labels, but X has 30 rows"):
        model.score(X, y[:5])
    with pytest.raises(ValueError, match="Unknown label type"):
        model.score(X, np.array([0, "a"] * 15, dtype=object))
    with pytest.raises(ValueError, match=r"Mix of label input types \(string and number\)"):  # scikit-learn's words
        model.score(X, y.astype(str))
    with pytest.raises(ValueError, match="requires y to be passed"):
        model.score(X, None)
    text = Perceptron(max_iter=3, tol=None).fit(X, np.array(["no", "yes"])[y])
    assert text.score(X, np.array(["no", "yes"], dtype=object)[y]) == text.score(X, np.array(["no", "yes"])[y])


def test_class_weights_that_zero_every_example_are_refused():
    """class_weight times sample_weight 0 for every example: every mistake moves nothing, and the run
    'converged' at once with w = 0 (converged_ True, accuracy 0.5; an audit, 2026-12-06). As a zero
    sample_weight everywhere, fit refuses it. A one-vs-rest problem whose own class weighs 0 still
    learns from the other rows (its negatives weigh their sample weight), a partial_fit batch may
    weigh nothing, and one class needs nothing learnt: those fit (a review of the first check)."""
    X, y = _two_blobs()
    for class_weight, sample_weight in (({0: 0, 1: 0}, None), ({0: 0.0, 1: 1.0}, (y == 0).astype(float))):
        with pytest.raises(ValueError, match="0 for every example .*nothing can be learnt"):
            Perceptron(class_weight=class_weight).fit(X, y, sample_weight=sample_weight)
    y3 = np.arange(30) % 3
    Perceptron(class_weight={0: 0, 1: 1, 2: 1}).fit(X, y3, sample_weight=(y3 == 0).astype(float))
    batch = Perceptron(class_weight={0: 0, 1: 1}).partial_fit(X, y, classes=[0, 1])
    batch.partial_fit(X, np.zeros(30, int))
    Perceptron(class_weight={0: 0, 1: 1, 2: 1}).partial_fit(X, np.zeros(30, int), classes=[0, 1, 2])
    assert (Perceptron(class_weight={5: 0}).fit(X, np.full(30, 5)).predict(X) == 5).all()
    Perceptron(class_weight={0: 0, 1: 1}).fit(X, y)  # one class weighs 0: the other is learnt
