"""The shared machinery: traces, certificates, random states, validation, CSV reading."""

import copy
import dataclasses
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from sklearn.base import BaseEstimator

import classic
from classic import _validation as V
from classic._csv import CSVError, label_column, numeric_columns, read_csv
from classic._random import as_generator
from classic._validation import (
    ParameterError,
    check_bool,
    check_data,
    check_int,
    check_numbers,
    check_option,
    check_real,
    check_verbose,
)
from classic.convergence import diagnose
from classic.certificate import Certificate, Claim, certify, inequality_claim
from classic.trace import Trace, trace_dataclass


@trace_dataclass
class _ToyTrace(Trace):
    extra: np.ndarray


def _toy():
    return _ToyTrace(objective=np.array([3.0, 2.0, 1.0]), n_iter=2, converged=True, stop_reason="converged", extra=np.arange(3))


def test_trace_is_immutable_and_copies_its_arrays():
    source = np.array([3.0, 2.0])
    trace = _ToyTrace(objective=source, n_iter=1, converged=True, stop_reason="converged", extra=np.zeros(1))
    source[0] = -1.0
    assert trace.objective[0] == 3.0
    with pytest.raises(ValueError):
        trace.objective[0] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.n_iter = 5


def _arrays(trace):
    """Every array of a trace, those of its one-vs-rest problems' traces too."""
    for field in dataclasses.fields(trace):
        value = getattr(trace, field.name)
        if isinstance(value, np.ndarray):
            yield f"{type(trace).__name__}.{field.name}", value
        elif isinstance(value, tuple) and value and all(isinstance(t, Trace) for t in value):
            for t in value:
                yield from _arrays(t)


@pytest.mark.parametrize("how", ["pickle", "deepcopy", "copy"])
def test_a_trace_stays_immutable_when_copied_or_unpickled(how):
    """pickle and copy restore a trace's fields without __post_init__, and numpy keeps no array's
    read-only flag across either: the restored trace freezes again, so a saved model's trace is as
    read-only as a fresh one (an audit, 2026-12-06, edited an unpickled trace in place)."""
    import pickle
    import warnings

    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    restore = {"pickle": lambda m: pickle.loads(pickle.dumps(m)), "deepcopy": copy.deepcopy, "copy": copy.copy}[how]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = [classic.KMeans(3, random_state=0).fit(X), classic.GaussianMixture(3, random_state=0).fit(X),
                  classic.Perceptron(tol=1e-3).fit(X, y)]  # three classes: a trace per problem inside
    for original in [_toy()] + [model.trace_ for model in models]:
        trace = restore(original)
        assert trace == original
        arrays = list(_arrays(trace))
        assert arrays and all(not array.flags.writeable for _, array in arrays), [
            name for name, array in arrays if array.flags.writeable]
        with pytest.raises(ValueError, match="read-only"):
            trace.objective[0] = 0.0


def test_trace_to_dict_and_equality():
    trace = _toy()
    d = trace.to_dict()
    assert d == {"objective": [3.0, 2.0, 1.0], "n_iter": 2, "converged": True, "stop_reason": "converged", "extra": [0, 1, 2]}
    assert trace == _toy()
    assert trace != dataclasses.replace(trace, n_iter=3)
    # traces of two types are unequal both ways, without an error (an isinstance test raised
    # AttributeError for the field the base type lacks: audit 53)
    fitted = classic.KMeans(2, random_state=0).fit(np.arange(12.0).reshape(6, 2)).trace_
    base = Trace(objective=fitted.objective, n_iter=fitted.n_iter, converged=fitted.converged,
                 stop_reason=fitted.stop_reason)
    assert not base == fitted and not fitted == base and base != fitted


def test_trace_plot_draws_the_objective():
    import matplotlib

    matplotlib.use("Agg")
    ax = _toy().plot()
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [3.0, 2.0, 1.0])


def test_inequality_claim_reports_the_tightest_step():
    claim = inequality_claim("X-1", "f falls", [0.0, 1e-3, -1.0], 0.0, [1e-2, 2e-3, 0.0], "proofs/x.md")
    assert claim.holds and claim.worst == 1e-3 and claim.slack == 2e-3
    failing = inequality_claim("X-1", "f falls", [0.0, 5e-3], 0.0, [1e-2, 2e-3], "proofs/x.md")
    assert failing.holds is False and failing.worst == 5e-3
    assert inequality_claim("X-1", "vacuous", [], [], [], "p").holds


def test_inequality_claim_decides_infinities_by_the_float64_margin():
    """RD-4 (a): an infinite bound against finite values holds (a vacuous limit); an infinite value
    fails against a finite bound and against an infinite one (inf - inf is NaN: audit 77's ORIG_2 found
    the docstring said "compare in float64", which holds inf <= inf); NaN fails."""
    inf = np.inf
    assert inequality_claim("X-1", "vacuous limit", [1.0, 1e300], inf, 0.0, "p").holds
    for values, bound in (([inf], 1e300), ([inf], inf), ([-inf], -inf), ([np.nan], inf)):
        assert inequality_claim("X-1", "non-finite", values, bound, 0.0, "p").holds is False, (values, bound)


def test_certificate_truth_table_and_printing():
    ok = Claim("A-1", "a", 0.0, 0.0, 0.0, True, "proofs/a.md")
    na = Claim("A-2", "b", 0.0, 0.0, 0.0, None, "proofs/a.md", "does not apply: single class")
    bad = Claim("A-3", "c", 1.0, 0.0, 0.0, False, "proofs/a.md")
    assert Certificate("Toy", (ok, na))
    assert not Certificate("Toy", (ok, na, bad))
    assert Certificate("Toy", (ok, na, bad)).failed == (bad,)
    text = str(Certificate("Toy", (ok, na, bad)))
    assert "A-3" in text and "NO" in text and "n/a" in text and "single class" in text
    assert Certificate("Toy", (ok,))["A-1"] is ok
    # a claim that fails applies as one that holds does; to_dict's verdict is bool's (audit 53)
    assert ok.applies and bad.applies and not na.applies
    for claims in ((ok, na, bad), (bad,), (ok, na), (na,), ()):
        certificate = Certificate("Toy", claims)
        assert certificate.to_dict()["holds"] is bool(certificate)


def test_certify_rejects_foreign_and_unfitted_estimators():
    from sklearn.cluster import KMeans
    from sklearn.exceptions import NotFittedError

    with pytest.raises(TypeError, match="classic estimator"):
        certify(KMeans(), np.zeros((3, 2)))

    from sklearn.base import BaseEstimator

    class Unfitted(BaseEstimator):
        def _certify(self, X, y):
            return []

        def fit(self):
            return self

    with pytest.raises(NotFittedError):
        certify(Unfitted(), np.zeros((3, 2)))


def test_as_generator():
    assert as_generator(3).random() == as_generator(3).random()
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert isinstance(as_generator(np.random.RandomState(0)), np.random.Generator)
    # scikit-learn's convention: a RandomState gives a seed below 2^31 - 1 (a smaller range merged
    # streams, every test passing: audit 52)
    for seed in range(3):
        want = np.random.default_rng(np.random.RandomState(seed).randint(np.iinfo(np.int32).max)).random(4)
        np.testing.assert_array_equal(as_generator(np.random.RandomState(seed)).random(4), want)
    with pytest.raises(TypeError, match="random_state"):
        as_generator("seed")
    with pytest.raises(ValueError, match="non-negative"):
        as_generator(-1)


def test_check_data_errors_and_no_mutation():
    with pytest.raises(ValueError, match="NaN"):
        check_data([[1.0, np.nan]])
    with pytest.raises(ValueError, match="infinity"):
        check_data([[1.0, np.inf]])
    with pytest.raises(ValueError, match="2D"):
        check_data([1.0, 2.0])
    with pytest.raises(ValueError, match="could not convert|numeric"):
        check_data([["a", "b"]])
    ro = np.arange(12.0).reshape(3, 4)[:, ::2]
    ro.setflags(write=False)
    out = check_data(ro)
    assert out.flags.c_contiguous and out.flags.writeable and out.dtype == np.float64
    assert check_data(np.ones((2, 2), dtype=np.float32)).dtype == np.float32
    assert check_data(np.ones((2, 2), dtype=np.int64)).dtype == np.float64


@pytest.mark.parametrize("value", [True, False, np.True_, np.False_])
def test_check_bool_accepts_python_and_numpy_booleans(value):
    assert check_bool(value, "flag") is bool(value) and type(check_bool(value, "flag")) is bool


@pytest.mark.parametrize("value", [0, 1, "yes", "False", None, 1.0, np.array([True]), np.int64(1)])
def test_check_bool_names_the_parameter_and_the_fix(value):
    """scikit-learn's "boolean" constraint: bool and numpy.bool only (0, 1 and "no" are refused: "no" is truthy)."""
    with pytest.raises(TypeError, match=r"^flag must be True or False, got "):
        check_bool(value, "flag")


@pytest.mark.parametrize("value, expected", [(0, 0), (3, 3), (np.int64(2), 2), (True, 1), (False, 0), (np.True_, 1)])
def test_check_verbose_is_scikit_learns_verbosity(value, expected):
    assert check_verbose(value) == expected and type(check_verbose(value)) is int


@pytest.mark.parametrize("value, error, match", [(-1, ValueError, "^verbose must be >= 0, got -1"),
                                                 (0.5, TypeError, "^verbose must be an integer >= 0 or a bool"),
                                                 ("1", TypeError, "^verbose must be an integer >= 0 or a bool")])
def test_check_verbose_names_the_problem(value, error, match):
    with pytest.raises(error, match=match):
        check_verbose(value)


def test_check_numbers_returns_float64_and_names_what_is_wrong():
    from fractions import Fraction

    np.testing.assert_array_equal(check_numbers([[1, 2], [3, 4]], "m"), [[1.0, 2.0], [3.0, 4.0]])
    assert check_numbers(np.float32(0.5), "m").dtype == np.float64 and check_numbers(2, "m").shape == ()
    assert check_numbers([Fraction(1, 2)], "m")[0] == 0.5   # objects that are numbers convert, as np.asarray's
    for bad, error, match in [("a", TypeError, "^m must be numbers, got 'a'"),
                              (["1.0", "2.0"], TypeError, r"^m must be numbers, got \['1.0', '2.0'\]"),
                              ([1 + 2j], TypeError, "^m must be numbers"),
                              ([[1.0], [1.0, 2.0]], ValueError, "^m must be an array of numbers"),
                              ([1.0, np.nan], ValueError, "^m contains NaN; give finite numbers"),
                              ([1.0, -np.inf], ValueError, "^m contains infinity; give finite numbers"),
                              # None is not a number (NumPy makes it NaN: an init returning None said NaN)
                              (None, TypeError, "^m must be numbers, got None"),
                              ([1.0, None], TypeError, r"^m must be numbers, got \[1.0, None\]")]:
        with pytest.raises(error, match=match):
            check_numbers(bad, "m")


def _inputs():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(7, 3))
    read_only = base.copy()
    read_only.setflags(write=False)
    return [base, base.astype(np.float32), np.asfortranarray(base), base[:, ::2], read_only, base.astype(np.int64),
            base.tolist(), np.array([[np.nan, 1.0]]), np.array([[np.inf, 1.0]]), np.ones((0, 3)), np.ones((3, 0)),
            base[:, :, None], np.ma.masked_array(base), np.asmatrix(base),
            np.full((3, 2), 1e308), np.full((3, 2), 3e38, dtype=np.float32)]   # finite, though their sums overflow


@pytest.mark.parametrize("finite", [False, True])
@pytest.mark.parametrize("X", _inputs(), ids=lambda X: f"{type(X).__name__}-{getattr(X, 'dtype', '')}-{np.shape(X)}")
def test_plain_arrays_skip_scikit_learns_validation_with_the_same_outcome(X, finite, monkeypatch):
    """check_estimator_data's fast path for plain C-ordered float arrays returns what
    scikit-learn's validate_data returns, records the same n_features_in_, and leaves every
    other input (and every error) to scikit-learn."""
    from sklearn.utils.validation import validate_data

    from classic import KMeans
    from classic import _validation

    def outcome(check, estimator, X, reset):
        try:
            out = check(estimator, X, reset=reset)
        except (TypeError, ValueError) as error:
            return (type(error), str(error)), None
        return (out.dtype, out.shape, out.tobytes(), getattr(estimator, "n_features_in_", None)), out

    def ours(estimator, X, reset):
        return _validation.check_estimator_data(estimator, X, reset=reset, finite=finite)

    def theirs(estimator, X, reset):  # with classic's wording of scikit-learn's errors
        with _validation._in_classic_words("X", X):
            out = validate_data(estimator, X, reset=reset, dtype=[np.float64, np.float32], order="C",
                                ensure_all_finite=finite)
        return _validation._kernel_ready(out)

    for reset, fitted_width in ((True, None), (False, 3), (False, 2)):
        a, b = KMeans(), KMeans()
        if fitted_width is not None:
            a.n_features_in_ = b.n_features_in_ = fitted_width
        (got, out), (expected, _) = outcome(ours, a, X, reset), outcome(theirs, b, X, reset)
        assert got == expected
        if out is not None:
            assert out.flags.c_contiguous and out.flags.writeable
    # plain arrays do not reach scikit-learn at all (the point of the fast path)
    monkeypatch.setattr(_validation, "validate_data", None)
    plain = type(X) is np.ndarray and X.ndim == 2 and X.dtype.kind == "f" and X.flags.c_contiguous and X.size > 0
    if plain and (not finite or np.isfinite(X).all()):   # finite data whose sum overflows too
        assert _validation.check_estimator_data(KMeans(), X, reset=True, finite=finite).shape == X.shape


def _labels():
    y = np.arange(7) % 3
    return [y, y.astype(np.uint8), y == 1, y.astype(np.float64), np.array(list("abcabca")), y[:, None], y.tolist(),
            y[:6], y[::-1], np.array([0, 1, 2, 0, 1, 2, np.nan])]


@pytest.mark.parametrize("y", _labels(), ids=lambda y: f"{type(y).__name__}-{getattr(y, 'dtype', '')}-{np.shape(y)}")
def test_plain_labels_skip_scikit_learns_validation_with_the_same_outcome(y, monkeypatch):
    """With labels (the perceptron's fit): integer or boolean 1-D arrays of the right length take
    the fast path and come back as scikit-learn's check_X_y would return them; everything else
    goes to scikit-learn."""
    import warnings

    from sklearn.utils.validation import validate_data

    from classic import Perceptron
    from classic import _validation

    X = np.random.default_rng(1).normal(size=(7, 3))

    def outcome(check):
        estimator = Perceptron()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                X_out, y_out = check(estimator, X, y)
        except (TypeError, ValueError) as error:
            return type(error), str(error)
        return (X_out.tobytes(), y_out.dtype, y_out.shape, y_out.tobytes(), estimator.n_features_in_,
                [type(w.message) for w in caught])

    ours = outcome(lambda e, X, y: _validation.check_estimator_data(e, X, reset=True, y=y, finite=False))
    def theirs(e, X, y):  # with classic's wording of scikit-learn's errors
        with _validation._in_classic_words("X"):
            return validate_data(e, X, y, reset=True, dtype=[np.float64, np.float32], order="C",
                                 ensure_all_finite=False)

    assert ours == outcome(theirs)
    monkeypatch.setattr(_validation, "validate_data", None)
    if isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "iub" and len(y) == 7:
        assert _validation.check_estimator_data(Perceptron(), X, reset=True, y=y, finite=False)[1] is y


def test_scalar_checks():
    assert check_int(3, "k", minimum=1) == 3
    with pytest.raises(ValueError, match="k must be >= 1"):
        check_int(0, "k", minimum=1)
    with pytest.raises(TypeError, match="k must be an integer"):
        check_int(2.5, "k")
    with pytest.raises(TypeError):
        check_int(True, "k")
    assert check_real(0.5, "tol", minimum=0) == 0.5
    with pytest.raises(ValueError, match="tol must be >= 0"):
        check_real(-1, "tol", minimum=0)
    with pytest.raises(ValueError, match="finite"):
        check_real(float("nan"), "tol")
    with pytest.raises(ValueError, match="init must be one of"):
        check_option("kmeans", "init", ("k-means++", "random"))


def test_csv_reading(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("a,b\n1,2\n3,4\n")
    header, rows = read_csv(good)
    assert header == ["a", "b"]
    np.testing.assert_array_equal(numeric_columns(good, header, rows, [0, 1]), [[1, 2], [3, 4]])
    with pytest.raises(CSVError, match="no such file"):
        read_csv(tmp_path / "missing.csv")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2\n3\n")
    with pytest.raises(CSVError, match="row 2 has 1 fields"):
        read_csv(ragged)
    words = tmp_path / "words.csv"
    words.write_text("a,b\n1,x\n")
    header, rows = read_csv(words)
    with pytest.raises(CSVError, match="non-numeric value 'x' in b"):
        numeric_columns(words, header, rows, [0, 1])


def test_a_headerless_csv_with_text_labels_keeps_its_first_row(tmp_path):
    """A first row is a header only where a cell is text above a number: rows of numbers with a
    text label (iris as many ship it) are all data. Before: any text cell made the first row a
    header, and its example was silently dropped."""
    path = tmp_path / "iris.csv"
    path.write_text("5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n")
    header, rows = read_csv(path)
    assert header is None and len(rows) == 3
    np.testing.assert_array_equal(label_column(path, header, rows, 2), ["setosa", "versicolor", "virginica"])
    named = tmp_path / "named.csv"
    named.write_text("length,width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n")
    header, rows = read_csv(named)
    assert header == ["length", "width", "species"] and len(rows) == 2
    one = tmp_path / "one.csv"
    one.write_text("length,width\n")
    with pytest.raises(CSVError, match="header but no data rows"):
        read_csv(one)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_largest_in_rows_is_numpys_argmax(dtype):
    """classic._argmax.largest_in_rows (the labels of GaussianMixture.predict and of a one-vs-rest
    Perceptron.predict) gives numpy.argmax's labels along the rows: the first of equal largest
    entries, also for ties at +inf and rows of -inf, one column, and over several chunks in
    parallel and in the serial twin alike."""
    from classic._argmax import largest_in_rows

    rng = np.random.default_rng(3)
    for n, k in ((5, 1), (7, 3), (5000, 4)):
        a = rng.integers(-2, 3, (n, k)).astype(dtype)  # many ties
        a[::7, :] = np.inf
        a[3::11, :] = -np.inf
        a[5::13, -1] = np.inf
        for kernel in (largest_in_rows, largest_in_rows.in_one_thread):
            labels = np.full(n, -1, dtype=np.intp)
            kernel(a, labels)
            np.testing.assert_array_equal(labels, np.argmax(a, axis=1))


@pytest.mark.parametrize("name", ["KMeans", "GaussianMixture", "Perceptron"])
def test_a_failed_refit_leaves_the_previous_fit_as_it_was(name):
    """A refit on wider data that fails after the data were checked (NaN found by the range rule, a
    constant feature) leaves every attribute as before the call, n_features_in_ included. Before:
    the refused data's width was recorded beside centres or weights fitted on 2 features, so
    k-means' and the perceptron's kernels read past their arrays and returned numbers from
    nowhere (GaussianMixture compared X with its parameters and refused)."""
    import classic

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    wider = np.hstack([X, np.ones((60, 1))])
    if name != "GaussianMixture":
        wider[5, 2] = np.nan
    model = getattr(classic, name)(**({"n_components": 2} if name == "GaussianMixture" else {}), random_state=0)
    model.fit(X, y)
    before = dict(vars(model))
    predicted = model.predict(X)
    with pytest.raises(ValueError, match="NaN" if name != "GaussianMixture" else "does not vary"):
        model.fit(wider, y)
    assert vars(model).keys() == before.keys()
    assert all(vars(model)[key] is value for key, value in before.items())
    np.testing.assert_array_equal(model.predict(X), predicted)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 2 features"):
        model.predict(wider)


@pytest.mark.parametrize("name, attribute", [("KMeans", "cluster_centers_"), ("Perceptron", "coef_"),
                                             ("Perceptron", "intercept_")])
@pytest.mark.parametrize("edit", ["narrower", "wider", "nan"])
def test_inference_checks_fitted_arrays_set_by_hand(name, attribute, edit):
    """Fitted arrays replaced by hand reach the kernels only with X's width and finite: predict,
    transform, score and certify raise a ValueError naming the attribute. Before: a narrower
    cluster_centers_ or coef_ was read past its end (labels and distances from nowhere, or a
    TypeError from score)."""
    import classic

    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    model = getattr(classic, name)(**({"n_clusters": 3} if name == "KMeans" else {}), random_state=0).fit(X, y)
    fitted = getattr(model, attribute)
    replaced = {"narrower": fitted[..., :-1], "wider": np.concatenate([fitted, fitted[..., :1]], axis=-1),
                "nan": np.where(np.arange(fitted.shape[-1]) == 0, np.nan, fitted)}[edit]
    setattr(model, attribute, replaced)
    methods = [model.predict, model.score] + ([model.transform] if name == "KMeans" else [model.decision_function])
    for method in methods:
        with pytest.raises(ValueError, match=rf"{attribute}.*or fit again|{attribute} contains NaN"):
            method(X, y) if method == model.score else method(X)


def test_fit_warnings_name_the_callers_line():
    """A warning from ``fit`` names the user's line, not the library's (restoring_on_error's
    wrapper is one more frame: the warnings' stacklevel is caller_stacklevel(), which skips every
    frame of classic and scikit-learn). Before 2026-12-04 k-means' named classic/_validation.py
    and the others' their own warn call."""
    import warnings

    import classic

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)  # not separable
    fits = [
        lambda: classic.KMeans(3, max_iter=1, random_state=0).fit(X),
        lambda: classic.KMeans(3, init=X[:3], n_init=2).fit(X),
        lambda: classic.KMeans(4, random_state=0).fit(np.repeat(X[:3], 5, axis=0)),
        lambda: classic.GaussianMixture(2, max_iter=1, random_state=0).fit(X),
        lambda: classic.Perceptron(max_iter=2).fit(X, y),
    ]
    for fit in fits:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit()
        assert caught, fit
        for warning in caught:
            assert warning.filename == __file__, (str(warning.message), warning.filename)


@pytest.mark.parametrize("entry", ["fit", "pipeline", "cross_val_score"])
def test_perceptron_warnings_name_the_callers_line_through_any_entry_point(entry):
    """The Perceptron's ConvergenceWarning names the caller's line, binary or one-vs-rest, also
    when scikit-learn fits it (a Pipeline, cross_val_score): caller_stacklevel skips classic's and
    scikit-learn's frames. Until 2026-12-05 the warning counted its frames in a constant
    (stacklevel=3), and a Pipeline's named sklearn/pipeline.py. (Here, not in
    tests/test_perceptron.py, which another session was editing; the Perceptron has no
    fit_predict or fit_transform.)"""
    import warnings

    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    binary = (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)  # not separable
    three = binary + (X[:, 1] > 0)
    for y in (binary, three):
        model = classic.Perceptron(max_iter=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if entry == "fit":
                model.fit(X, y)
            elif entry == "pipeline":
                make_pipeline(model).fit(X, y)
            else:
                cross_val_score(model, X, y, cv=2)
        assert any("no mistake-free epoch" in str(w.message) for w in caught), entry
        for w in caught:
            assert w.filename == __file__, (entry, str(w.message), w.filename)


def test_parameter_errors_are_value_and_type_errors_as_in_scikit_learn():
    """scikit-learn's InvalidParameterError is both a ValueError and a TypeError, so
    ``except ValueError`` catches a wrongly typed parameter; ours are too (ParameterError; before
    2026-12-04 a float n_clusters or a string prior raised a plain TypeError)."""
    import classic
    from classic._validation import ParameterError

    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    fits = [lambda: classic.KMeans(n_clusters=3.0).fit(X), lambda: classic.KMeans(n_clusters=0).fit(X),
            lambda: classic.KMeans(n_init="x").fit(X), lambda: classic.KMeans(3, stop=1).fit(X),
            lambda: classic.Perceptron(max_iter=10.0).fit(X, y), lambda: classic.Perceptron(shuffle=1).fit(X, y),
            lambda: classic.GaussianMixture(prior="strong").fit(X), lambda: classic.GaussianMixture(tol=-1.0).fit(X)]
    for fit in fits:
        for caught in (ValueError, TypeError):
            with pytest.raises(caught) as info:
                fit()
            assert isinstance(info.value, ParameterError), info.value


@pytest.mark.parametrize("name", ["KMeans", "GaussianMixture", "Perceptron"])
def test_certify_checks_the_features_as_predict_does(name):
    """certify reads X as the estimator's other methods do: another number of features gets
    scikit-learn's message, for every estimator (before 2026-12-04 GaussianMixture and the
    perceptron had their own wording and did not compare a data frame's column names)."""
    import classic

    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    labels = (y,) if name == "Perceptron" else ()
    model = getattr(classic, name)(**({"n_components": 2} if name == "GaussianMixture" else {}), random_state=0)
    model.fit(X, *labels)
    assert certify(model, X, *labels)
    with pytest.raises(ValueError, match=f"X has 3 features, but {name} is expecting 2 features as input"):
        certify(model, np.hstack([X, X[:, :1]]), *labels)


@pytest.mark.parametrize("name", ["KMeans", "GaussianMixture", "Perceptron"])
def test_certify_checks_a_data_frames_column_names(name):
    """The same for a data frame's column names (pandas is not a dependency: run where it is)."""
    import classic

    pandas = pytest.importorskip("pandas")
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    labels = (y,) if name == "Perceptron" else ()
    model = getattr(classic, name)(**({"n_components": 2} if name == "GaussianMixture" else {}), random_state=0)
    frame = pandas.DataFrame(X, columns=["a", "b"])
    model.fit(frame, *labels)
    assert certify(model, frame, *labels)
    with pytest.raises(ValueError, match="The feature names should match those that were passed during fit"):
        certify(model, frame.rename(columns={"a": "c"}), *labels)


def test_random_state_none_draws_from_numpys_global_generator():
    """random_state=None draws a seed from NumPy's global generator, as scikit-learn's None does, so
    np.random.seed makes a notebook's fits repeatable (before 2026-12-04 None took fresh entropy, and
    np.random.seed had no effect); the draw advances the global generator, so the next fit differs."""
    from sklearn.datasets import load_iris

    X = load_iris().data
    np.random.seed(42)
    first = [classic.KMeans(3, init="random", n_init=1).fit(X).cluster_centers_ for _ in range(2)]
    np.random.seed(42)
    again = classic.KMeans(3, init="random", n_init=1).fit(X).cluster_centers_
    np.testing.assert_array_equal(first[0], again)
    assert not np.array_equal(first[0], first[1])
    np.random.seed(42)
    assert as_generator(None).random() == (np.random.seed(42), as_generator(None).random())[1]


@pytest.mark.parametrize("make", [
    lambda: classic.KMeans(3, random_state="0"),
    lambda: classic.KMeans(3, random_state=1.5),
    lambda: classic.KMeans(3, random_state=-1),
    lambda: classic.KMeans(3, random_state=True),          # a bool is not a seed (accepting it passed: audit 52)
    lambda: classic.GaussianMixture(2, random_state=False),
    lambda: classic.KMeans(3, init=5),
    lambda: classic.KMeans(3, init=np.zeros((2, 4))),
    lambda: classic.Perceptron(l1_ratio=2.0),
    lambda: classic.Perceptron(validation_fraction=1.0),
    lambda: classic.Perceptron(penalty="l3"),
    lambda: classic.GaussianMixture(2, weights_init="abc"),
    lambda: classic.GaussianMixture(2, weights_init=[0.2, 0.2]),
    lambda: classic.GaussianMixture(2, prior=classic.GaussianMixturePrior(covariance=-np.eye(4))),
])
def test_a_bad_parameter_is_both_a_value_error_and_a_type_error(make):
    """README: a wrongly typed or out-of-range parameter raises an error that is both a ValueError and
    a TypeError, as scikit-learn's InvalidParameterError (before 2026-12-04 these raised one of the
    two only, so `except ValueError` missed a random_state of the wrong type)."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    model = make()
    with pytest.raises(ParameterError) as raised:
        model.fit(X, y) if isinstance(model, classic.Perceptron) else model.fit(X)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, TypeError)


@pytest.mark.parametrize("fit", [lambda X: classic.KMeans(2).fit(X), lambda X: classic.GaussianMixture(2).fit(X),
                                 lambda X: classic.Perceptron().fit(X, np.arange(30) % 2),
                                 lambda X: classic.kmeans_plusplus(X, 2)])
def test_data_that_are_not_real_numbers_get_messages_that_name_them(fit):
    """None, a complex number, text and complex arrays as X: scikit-learn's and NumPy's messages
    ("Expected 2D array, got scalar array instead: array=nan." for None, "could not convert string to
    float", "Complex data not supported" and the whole array) named neither the problem nor the fix
    (an audit, 2026-12-06)."""
    cases = [(None, ValueError, "X is None: give a 2-D array of numbers"),
             (1 + 2j, TypeError, "X must be a 2-D array of real numbers, but an entry is not one"),
             ([["a", "b", "c"]] * 30, ValueError, "X holds text, not numbers .*OneHotEncoder"),
             (np.ones((30, 2)) + 1j, ValueError, r"Complex data not supported: X holds complex numbers; give real")]
    for X, error, message in cases:
        with pytest.raises(error, match=message):
            fit(X)


def test_true_and_false_alone_are_no_numbers_but_arrays_of_them_are_zeros_and_ones():
    """README's rule for booleans: a parameter refuses True (value_error=True and noise_floor(True, False)
    were taken as 1 and 0; an audit, 2026-12-06), arrays of booleans are 0 and 1 as in NumPy."""
    from classic.convergence import estimate_rate, noise_floor

    with pytest.raises(ParameterError, match="value_error must be numbers, got True"):
        estimate_rate(0.5 ** np.arange(30.0), value_error=True)
    with pytest.raises(ParameterError, match="must be numbers, got True"):
        noise_floor(True, False)
    X = np.random.default_rng(0).normal(size=(30, 3))
    centres = np.array([[True, False, True], [False, True, False]])
    np.testing.assert_array_equal(classic.KMeans(2, init=centres).fit(X).cluster_centers_,
                                  classic.KMeans(2, init=centres.astype(float)).fit(X).cluster_centers_)


@pytest.mark.parametrize("fit", [lambda X, w: classic.KMeans(2, n_init=1).fit(X, sample_weight=w),
                                 lambda X, w: classic.Perceptron().fit(X, np.arange(30) % 2, sample_weight=w)])
def test_a_number_as_sample_weight_is_checked_as_an_array_of_it(fit):
    """A number as sample_weight is every row's weight, refused where an array of it is: a complex
    number lost its imaginary part with NumPy's ComplexWarning only, while an array of it was refused
    (audit 77's ORIG_1); an integer beyond float64 gets the message an array of it gets."""
    X = np.random.default_rng(0).normal(size=(30, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for weight in (1 + 2j, np.full(30, 1 + 2j)):
            with pytest.raises(ParameterError, match="sample_weight must be numbers, got dtype complex128"):
                fit(X, weight)
        for weight in (10**400, np.full(30, 10**400, dtype=object)):
            with pytest.raises(ParameterError, match="an entry does not convert to float"):
                fit(X, weight)


def test_sample_weight_of_number_objects_converts_as_in_scikit_learn():
    """sample_weight as an object array of numbers (Decimal, Fraction: what a pandas column of
    mixed numbers gives) converts to float64, as scikit-learn's _check_sample_weight converts it
    (before 2026-12-04: "must be numbers, got dtype object"); strings stay refused, and an entry
    that does not convert is named in the error."""
    from decimal import Decimal
    from fractions import Fraction

    X = np.random.default_rng(0).normal(size=(30, 2))
    w = np.random.default_rng(1).integers(1, 4, size=30).astype(np.float64)
    objects = np.array([Decimal(int(v)) if i % 2 else Fraction(int(v)) for i, v in enumerate(w)], dtype=object)
    model = classic.KMeans(2, random_state=0)
    np.testing.assert_array_equal(model.fit(X, sample_weight=objects).cluster_centers_,
                                  classic.KMeans(2, random_state=0).fit(X, sample_weight=w).cluster_centers_)
    with pytest.raises(TypeError, match="must be numbers"):
        model.fit(X, sample_weight=np.array(["1.0"] * 30, dtype=object))
    with pytest.raises(TypeError, match="does not convert to float"):
        model.fit(X, sample_weight=np.array([object()] * 30, dtype=object))
    with pytest.raises(TypeError, match="does not convert to float .*too large"):  # was a bare OverflowError
        model.fit(X, sample_weight=np.array([10**400] + [1] * 29, dtype=object))


def test_numeric_columns_read_every_cell_as_float_does():
    """numeric_columns parses a whole table with NumPy (3-4x the per-cell loop on 200 000 x 16)
    and falls back to the loop only to name a bad cell: the values are float()'s for every spelling
    float() accepts (spaces, signs, "1_000", full-width digits, "1e400" refused as non-finite), with
    all columns or a selection."""
    from classic._csv import numeric_columns

    cells = ["1.5", " 2 ", "+3", ".5", "5.", "1_000", "\uff11\uff12", "\t7\t", "-0", "1e-320", "6.02e23", "0.1"]
    rows = [cells[i:] + cells[:i] for i in range(len(cells))]
    expected = np.array([[float(c) for c in row] for row in rows])
    np.testing.assert_array_equal(numeric_columns("f.csv", None, rows, list(range(len(cells)))), expected)
    np.testing.assert_array_equal(numeric_columns("f.csv", None, rows, [3, 0]), expected[:, [3, 0]])
    for bad, message in (("1e400", "non-finite value '1e400' in column 2, data row 2"),
                         ("nan", "non-finite value 'nan' in column 2, data row 2"),
                         ("1,5", "non-numeric value '1,5' in column 2, data row 2")):
        table = [["1", "2"], ["3", bad]]
        with pytest.raises(CSVError, match=message):
            numeric_columns("f.csv", None, table, [0, 1])


@pytest.mark.parametrize("make", [lambda: classic.KMeans(3, random_state=0),
                                  lambda: classic.GaussianMixture(3, random_state=0, prior="default"),
                                  lambda: classic.Perceptron(max_iter=20, tol=1e-3)])
def test_a_certificate_reads_x_in_its_run_s_precision(make):
    """A float32 run certifies with its data given as float64 (the same numbers): before 2026-12-04
    KMeans ran the check in float64 and failed the honest run (KM-7), while GaussianMixture and the
    perceptron rounded any float64 X to float32, so data that only rounded to the training data
    certified. Now X is converted when its numbers convert exactly, and refused otherwise."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    X32 = X.astype(np.float32)
    model = make()
    args = (y,) if isinstance(model, classic.Perceptron) else ()
    model.fit(X32, *args)
    assert certify(model, X32, *args) and certify(model, X32.astype(np.float64), *args)
    with pytest.raises(ValueError, match="X is float64 and holds numbers that are not float32 numbers"):
        certify(model, X32.astype(np.float64) * (1 + 1e-9), *args)
    with_nan = X32.astype(np.float64)
    with_nan[3, 1] = np.nan  # named as NaN, not as a number float32 lacks
    with pytest.raises(ValueError, match="NaN"):
        certify(model, with_nan, *args)


def test_a_weighted_kmeans_certificate_names_the_rows_of_x_before_the_weights():
    """X with the wrong number of rows gets the row-count message, not "sample_weight has shape
    (150,); expected (100,)" (the weights were right); labels_ that are not labels get the
    restore-labels_ message, not len() of an unsized object."""
    from sklearn.datasets import load_iris

    X = load_iris().data
    model = classic.KMeans(3, random_state=0).fit(X, sample_weight=np.ones(150))
    with pytest.raises(ValueError, match="X has 100 rows, but this run was fitted on 150"):
        certify(model, X[:100], sample_weight=np.ones(150))
    model.labels_ = None
    with pytest.raises(ValueError, match="labels_ must be this run's labels"):
        certify(model, X, sample_weight=np.ones(150))


def test_a_claim_checked_once_per_class_is_not_picked_by_its_id_alone():
    """A one-vs-rest perceptron checks PC-1 ... once per class: certificate["PC-1"] returned class
    0's claim, so a failure in another class was hidden (found 2026-12-04). Now it is a ValueError
    pointing to certificate.all("PC-1"), which gives every class's claim; an id checked once still
    returns its claim, and an unknown id is a KeyError."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    model = classic.Perceptron(max_iter=20, tol=1e-3).fit(X, y)
    y2 = y.copy()
    y2[60], y2[110] = 2, 1  # not the run's labels: classes 1 and 2 fail PC-1, class 0 holds
    certificate = certify(model, X, y2)
    with pytest.raises(ValueError, match=r"PC-1 is checked 3 times .* certificate.all\('PC-1'\)"):
        certificate["PC-1"]
    assert [c.holds for c in certificate.all("PC-1")] == [True, False, False] and not certificate
    with pytest.raises(KeyError):
        certificate["PC-99"]
    # `in` asks what [] finds: "PC-1" in certificate was False, as it compared the id with each Claim
    # (an audit, 2026-12-05)
    assert "PC-1" in certificate and "PC-99" not in certificate and certificate.all("PC-1")[1] in certificate
    binary = classic.Perceptron(max_iter=20, tol=1e-3).fit(X, y == 0)
    assert certify(binary, X, y == 0)["PC-1"].holds is True


def test_a_certificate_reads_like_its_tuple_of_claims():
    """certificate[0] was a KeyError: 0, though the module docstring called a Certificate a tuple of
    claims and it has len and iteration (an API probe, 2026-12-07). An int or a slice indexes the
    claims in order, as the tuple does; an unknown id's KeyError lists the ids there are; a bool is
    no index."""
    from sklearn.datasets import load_iris

    X = load_iris().data
    certificate = certify(classic.KMeans(3, random_state=0).fit(X), X)
    assert certificate[0] is certificate.claims[0] and certificate[-1] is certificate.claims[-1]
    assert certificate[np.int64(1)] is certificate.claims[1] and certificate[1:3] == certificate.claims[1:3]
    assert [c.id for c in certificate] == [certificate[i].id for i in range(len(certificate))]
    with pytest.raises(KeyError, match=r"'KM-99': this certificate checks no claim of that id \(its ids: KM-1, KM-2, "):
        certificate["KM-99"]
    with pytest.raises(KeyError):
        certificate[True]
    with pytest.raises(IndexError):
        certificate[len(certificate)]


def test_certify_says_what_it_takes():
    """scikit-learn's own KMeans was "got KMeans" (ours is called so too), a pipeline got no hint,
    and an unknown option named the private _certify (found 2026-12-04). Labels given for a model
    fitted without them were ignored, so weights passed in y's place were lost: certify(kmeans, X, w)
    certified the run as unweighted (audit 48); now a TypeError."""
    from sklearn.cluster import KMeans as ScikitKMeans
    from sklearn.datasets import load_iris
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = load_iris().data
    for call, match in [
        (lambda: certify(ScikitKMeans(3, n_init=1).fit(X), X),
         r"takes a fitted classic estimator .*got sklearn\.cluster\._kmeans\.KMeans$"),
        (lambda: certify(make_pipeline(StandardScaler(), classic.KMeans(3)).fit(X), X),
         r"got sklearn\.pipeline\.Pipeline: certify its last step .*certify\(pipe\[-1\], pipe\[:-1\]\.transform\(X\)\)"),
        (lambda: certify(classic.KMeans(3, random_state=0).fit(X), X, foo=1),
         r"unknown option 'foo' for KMeans, which takes sample_weight="),
        (lambda: certify(classic.GaussianMixture(2, random_state=0).fit(X), X, sample_weight=np.ones(len(X))),
         r"unknown option 'sample_weight' for GaussianMixture, which takes no options"),
        (lambda: certify(classic.KMeans(3, random_state=0).fit(X), X, np.ones(len(X))),
         r"^certify\(\) got y for KMeans, which is fitted without labels: call certify\(model, X\); the fit's "
         r"weights go in sample_weight=$"),
        (lambda: certify(classic.GaussianMixture(2, random_state=0, prior="default").fit(X), X, np.zeros(len(X))),
         r"^certify\(\) got y for GaussianMixture, which is fitted without labels: call certify\(model, X\)$"),
    ]:
        with pytest.raises(TypeError, match=match):
            call()


@pytest.mark.parametrize("name, make, attribute", [
    ("KMeans", lambda X, y: classic.KMeans(3, random_state=0).fit(X), "inertia_"),
    ("KMeans", lambda X, y: classic.KMeans(3, random_state=0).fit(X), "_fit_settings"),
    ("GaussianMixture", lambda X, y: classic.GaussianMixture(3, random_state=0, prior="default").fit(X), "means_"),
    ("Perceptron", lambda X, y: classic.Perceptron(max_iter=30, tol=1e-3).fit(X, y), "classes_"),
])
def test_certify_names_a_fitted_attribute_that_is_gone(name, make, attribute):
    """A deleted fitted attribute (or a model pickled before the fit set it) was a bare
    AttributeError from inside the certificate, and a trace_ set to None an AttributeError on
    None (found 2026-12-04); both are ValueErrors naming the attribute and the fix."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    model = make(X, y)
    args = (y,) if name == "Perceptron" else ()
    delattr(model, attribute)
    with pytest.raises(ValueError, match=f"{name} has no {attribute}, which its fit sets: restore it, or fit again"):
        certify(model, X, *args)
    model = make(X, y)
    model.trace_ = None
    with pytest.raises(ValueError, match=rf"trace_ is a NoneType, not the \w+Trace.* that {name}.fit records: "
                                         "restore trace_, or fit again"):
        certify(model, X, *args)


def _tampered(model, trace):
    model = copy.deepcopy(model)
    model.trace_ = trace
    return model


def test_certify_refuses_a_trace_that_is_no_record_of_a_run():
    """A trace of another estimator, or one whose arrays disagree with its own counts or whose
    precision is no precision, is a ValueError naming what is wrong and the fix, before any claim
    reads it (an audit, 2026-12-05: AttributeError 'GMMTrace' object has no attribute
    'cluster_sizes', NumPy's "operands could not be broadcast together", "data type 'max_iter' not
    understood"). A trace rebuilt as it was still certifies."""
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    X, y = load_iris(return_X_y=True)
    kmeans = classic.KMeans(3, random_state=0).fit(X)
    gmm = classic.GaussianMixture(3, random_state=0).fit(X)
    binary = classic.Perceptron(max_iter=5).fit(X, y == 0)
    with pytest.warns(ConvergenceWarning, match="no mistake-free epoch"):  # iris is not separable: 5 epochs, on purpose
        rest = classic.Perceptron(max_iter=5).fit(X, y)
    fix = r"\. Restore trace_, or fit again$"
    for model, labels in ((kmeans, ()), (gmm, ()), (binary, (y == 0,)), (rest, (y,))):
        t = model.trace_
        assert certify(_tampered(model, dataclasses.replace(t)), X, *labels)
        with pytest.raises(ValueError, match=r"^trace_ cannot be the record of a run: its objective has shape "
                                             rf"\(\d+,\) where n_iter = {t.n_iter + 1}.* gives \d+ rows{fix}"):
            certify(_tampered(model, dataclasses.replace(t, n_iter=t.n_iter + 1)), X, *labels)
        with pytest.raises(ValueError, match=rf"^trace_ cannot be the record of a run: its n_iter = 2\.5 is not a count{fix}"):
            certify(_tampered(model, dataclasses.replace(t, n_iter=2.5)), X, *labels)
    other = (("a KMeans", kmeans, gmm.trace_, r"a GMMTrace, not the KMeansTrace"),
             ("a GaussianMixture", gmm, kmeans.trace_, r"a KMeansTrace, not the GMMTrace"),
             ("a Perceptron", binary, gmm.trace_, r"a GMMTrace, not the PerceptronTrace or OneVsRestTrace"))
    for _, model, trace, match in other:
        with pytest.raises(ValueError, match=rf"trace_ is {match} that \w+\.fit records"):
            certify(_tampered(model, trace), X, *((y == 0,) if model is binary else ()))
    for model in (kmeans, gmm):   # an objective of another precision or shape (unchecked, it passed: audit 53)
        for objective, kind in ((model.trace_.objective.astype(np.float32), "1-d float32"),
                                (model.trace_.objective[:, None], "2-d float64")):
            with pytest.raises(ValueError, match=rf"^trace_ cannot be the record of a run: its objective is {kind}, "
                                                 "not a float64 vector"):
                certify(_tampered(model, dataclasses.replace(model.trace_, objective=objective)), X)
    with pytest.raises(ValueError, match=rf"its dtype = 'max_iter' is neither 'float32' nor 'float64'{fix}"):
        certify(_tampered(kmeans, dataclasses.replace(kmeans.trace_, dtype="max_iter")), X)
    with pytest.raises(ValueError, match=r"its relocation_point has shape \(1,\) where n_iter = \d+ gives 0 rows"):
        certify(_tampered(kmeans, dataclasses.replace(kmeans.trace_, relocation_point=np.array([0]))), X)
    with pytest.raises(ValueError, match=r"its updates has shape \(\d+,\) where n_iter = \d+, n_updates = \d+ gives"):
        certify(_tampered(binary, dataclasses.replace(binary.trace_, n_updates=binary.trace_.n_updates - 1)), X, y == 0)
    problems = (rest.trace_.problems[0], dataclasses.replace(rest.trace_.problems[1], epoch_loss=np.zeros(0)))
    with pytest.raises(ValueError, match=r"the trace of its problem 1: its epoch_loss has shape \(0,\)"):
        certify(_tampered(rest, dataclasses.replace(rest.trace_, problems=problems)), X, y)
    with pytest.raises(ValueError, match=r"its classes has shape \(2,\) where n_iter = \d+ gives 3 rows"):
        certify(_tampered(rest, dataclasses.replace(rest.trace_, classes=rest.trace_.classes[:2])), X, y)


def test_certify_refuses_parameters_that_are_no_record_of_the_fit():
    """A GaussianMixture trace whose covariance_type, parameters θ_T or θ_{T−1} or standardisation
    are not what a run of its kind records, and a KMeans trace whose counts or indices are not
    integers, are a ValueError before any claim (an audit, 2026-12-06: an unknown covariance_type
    made a compiled kernel write past its array and glibc abort the interpreter, another valid
    one raised Numba's TypingError, previous_means=None alone made EM-5 "not applicable" on a run
    of 5 iterations and the certificate pass, a float relocation_iteration an IndexError). So is a
    trace whose stop reason, flags, relocations or recorded values are not of the types a run
    records."""
    from sklearn.datasets import load_iris

    X = load_iris().data
    fix = r"\. Restore trace_, or fit again$"
    gmms = {kind: classic.GaussianMixture(3, covariance_type=kind, random_state=0, max_iter=5, tol=0.0).fit(X)
            for kind in ("full", "spherical")}
    for kind, gmm in gmms.items():
        t = gmm.trace_
        assert t.n_iter == 5 and certify(gmm, X)
        edits = {"covariance_type": ("bogus", r"its covariance_type = 'bogus' is none of full, tied, diag, spherical"),
                 "previous_means": (None, r"its previous_means is None where a \w+ run of 3 components and 4 features "
                                          r"with n_iter = 5 records shape \(3, 4\), float64"),
                 "previous_weights": (t.previous_weights.astype(np.float32), r"its previous_weights is shape \(3,\), "
                                                                             r"float32 where"),
                 "covariances": (t.covariances[:2], r"its covariances is shape \(2,.*\), float64 where"),
                 "shift": (np.float64(0.0), r"its shift is not a float64 vector of the 4 features"),
                 # a float32 scale, and one step's change missing (audit 74's G75, G70)
                 "scale": (t.scale.astype(np.float32), r"its scale is not a float64 vector of the 4 features"),
                 "parameter_change": (t.parameter_change[:-1],
                                      r"its parameter_change has shape \(4,\) where n_iter = 5 gives 5 rows")}
        edits["covariance_type"] = {"full": ("tied", r"its covariances is shape \(3, 4, 4\), float64 where a tied run"),
                                    "spherical": ("bogus", edits["covariance_type"][1])}[kind]
        for name, (value, match) in edits.items():
            with pytest.raises(ValueError, match=rf"^trace_ cannot be the record of a run: {match}.*{fix}"):
                certify(_tampered(gmm, dataclasses.replace(t, **{name: value})), X)
    # θ_{T−1} recorded for a run of no M-step (audit 74's ORIG_1: certify then raised IndexError on the empty
    # parameter_change), the converse of previous_means=None above
    still = classic.GaussianMixture(3, random_state=0, max_iter=0).fit(X)
    t = still.trace_
    assert t.n_iter == 0 and t.previous_means is None and certify(still, X)
    assert certify(still, X)["EM-5"].holds is None   # no M-step: not applicable, not "holds" (audit 74's C30)
    with pytest.raises(ValueError, match=r"^trace_ cannot be the record of a run: its previous_weights is given where "
                                         rf"a run with n_iter = 0 \(no M-step\) records None{fix}"):
        certify(_tampered(still, dataclasses.replace(t, previous_weights=t.weights, previous_means=t.means,
                                                     previous_covariances=t.covariances)), X)
    # a whole consistent trace of another covariance type: the fit's own type decides
    full, spherical = gmms["full"], gmms["spherical"]
    with pytest.raises(ValueError, match=r"trace_ is the record of a covariance_type='spherical' run, this fit's is "
                                         r"'full': restore trace_, or fit again"):
        certify(_tampered(full, spherical.trace_), X)
    kmeans = classic.KMeans(4, init=np.vstack([X[:3], X[:1]]), n_init=1).fit(X)
    t = kmeans.trace_
    assert len(t.relocation_iteration) == 1 and certify(kmeans, X)
    with pytest.raises(ValueError, match=rf"its relocation_iteration holds float64, not integers{fix}"):
        certify(_tampered(kmeans, dataclasses.replace(t, relocation_iteration=t.relocation_iteration * 1.0)), X)
    with pytest.raises(ValueError, match=rf"its cluster_sizes holds float64, not integers{fix}"):   # audit 75's K92
        certify(_tampered(kmeans, dataclasses.replace(t, cluster_sizes=t.cluster_sizes * 1.0)), X)
    with pytest.raises(ValueError, match=rf"its relocation_distance is 1-d float32, not a float64 vector{fix}"):  # K93
        certify(_tampered(kmeans, dataclasses.replace(t, relocation_distance=np.float32(t.relocation_distance))), X)
    with pytest.raises(ValueError, match=rf"its cluster_sizes has 1 dimensions, not 2 \(assignments, clusters\){fix}"):
        certify(_tampered(kmeans, dataclasses.replace(t, cluster_sizes=t.cluster_sizes[:, 0])), X)
    # a stop reason or a convergence flag of another type, relocations that are no vectors or name no
    # point of the run (AttributeError, TypeError, IndexError or a pass before 2026-12-06, a fuzz of edits)
    for edit, match in (({"stop_reason": None}, r"its stop_reason = None is not a string"),
                        ({"converged": "yes"}, r"its converged = 'yes' is not a bool"),
                        # an int, a bool count and a float16 precision (audit 73's T14, T9, T10 let them through)
                        ({"converged": 1}, r"its converged = 1 is not a bool"),
                        ({"n_iter": True}, r"its n_iter = True is not a count"),
                        ({"dtype": "float16"}, r"its dtype = 'float16' is neither 'float32' nor 'float64'"),
                        ({"relocation_iteration": None}, r"its relocation_iteration is not a vector"),
                        ({"relocation_point": t.relocation_point[:, None]}, r"its relocation_point is not a vector"),
                        ({"relocation_point": -t.relocation_point - 1}, r"its relocation_point names a point that is "
                                                                        r"not one of the run's"),
                        ({"center_moves": t.center_moves.astype(np.float32)}, r"its center_moves is 1-d float32, not a "
                                                                              r"float64 vector")):
        with pytest.raises(ValueError, match=rf"^trace_ cannot be the record of a run: {match}.*{fix}"):
            certify(_tampered(kmeans, dataclasses.replace(t, **edit)), X)
    # NumPy compares a float32 with a Python float in float32: a parameter_change rounded to float32
    # passed EM-5's bit-for-bit test of its last entry
    t = gmms["full"].trace_
    with pytest.raises(ValueError, match=rf"its parameter_change is 1-d float32, not a float64 vector{fix}"):
        certify(_tampered(gmms["full"], dataclasses.replace(t, parameter_change=t.parameter_change.astype(np.float32))),
                X)


def test_nan_and_infinity_get_the_fix_wherever_they_are_found():
    """Every entry point says what to do with NaN or infinity in X (remove or impute) or in y (remove
    the rows), and where the first one is. Where scikit-learn's check found them without an estimator's
    name (certify, stability, labels) its message was a bare "Input X contains NaN." (an input review,
    2026-12-05); until 2026-12-06 no message said which row (an audit)."""
    from classic.convergence import ValidationPatience, stability

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2100, 2))
    bad = X.copy()
    bad[1500, 1] = np.nan
    bad[1700, 0] = np.inf
    infinite = np.where(np.isnan(bad), 0.0, bad)
    y = (X[:, 0] > 0).astype(int)
    fitted = classic.KMeans(2, random_state=0).fit(X)
    mixture = classic.GaussianMixture(2, random_state=0).fit(X)
    last, voted = classic.Perceptron().fit(X, y), classic.Perceptron(prediction="voted").fit(X, y)
    fix = r": remove or impute those values \(e.g. with sklearn.impute.SimpleImputer\)\.$"
    nan = r"^Input X contains NaN \(the first at row 1500, column 1, counted from 0\)" + fix
    inf = r"^Input X contains infinity \(the first at row 1700, column 0, counted from 0\)" + fix
    for call in (lambda Z: classic.GaussianMixture(1).fit(Z), lambda Z: certify(fitted, Z),
                 lambda Z: stability(classic.KMeans(2), Z, seeds=range(2)), lambda Z: fitted.predict(Z),
                 lambda Z: fitted.predict(Z.astype(np.float32)), lambda Z: fitted.transform(Z.tolist()),
                 lambda Z: mixture.predict_proba(Z), lambda Z: mixture.score_samples(Z.astype(np.float32)),
                 lambda Z: classic.Perceptron().fit(Z, y), lambda Z: last.decision_function(Z),
                 lambda Z: voted.predict(Z), lambda Z: classic.kmeans_plusplus(Z, 2)):
        for data, message in ((bad, nan), (infinite, inf)):
            with pytest.raises(ValueError, match=message):
                call(data)
    with pytest.raises(ValueError, match=r"^Input X_val contains NaN \(the first at row 1500, column 1, counted") as caught:
        classic.Perceptron(stop=ValidationPatience(2, bad, y)).fit(X, y)
    for call in (lambda: classic.GaussianMixture(2).fit(bad.tolist()), lambda: certify(fitted, bad)):
        with pytest.raises(ValueError, match=nan) as caught:
            call()
        # one message: scikit-learn's, which this one replaces, is not chained above it (an audit, 2026-12-06)
        error = caught.value
        assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    with pytest.raises(ValueError, match=r"^Input y contains NaN: remove those rows\.$"):
        classic.Perceptron().fit(X, np.where(y == 1, np.nan, 0.0))


@pytest.mark.parametrize("call", [
    lambda X: classic.KMeans(3).fit(X), lambda X: classic.GaussianMixture(2).fit(X),
    lambda X: classic.kmeans_plusplus(X, 2), lambda X: classic.Perceptron().fit(X, [0, 1, 0, 1, 1]),
])
def test_python_numbers_beyond_float64_in_x_are_named(call):
    """An X of Python ints beyond float64 gets a ValueError naming X and the fix; scikit-learn's
    conversion raised a bare OverflowError (a probe, 2026-12-05)."""
    with pytest.raises(ValueError, match="X holds a number beyond float64's range .* rescale it"):
        call([[10**400, 1, 2]] + [[1, 2, 3]] * 4)



@pytest.mark.parametrize("fit", [
    lambda X, y: classic.KMeans(2, tol=10**400).fit(X),
    lambda X, y: classic.GaussianMixture(2, reg_covar=10**400).fit(X),
    lambda X, y: classic.GaussianMixture(prior=classic.GaussianMixturePrior(strength=10**400)).fit(X),
    lambda X, y: classic.Perceptron(eta0=Fraction(10**400)).fit(X, y),
    lambda X, y: classic.certify(classic.Perceptron().fit(X, y), X, y, margin=10**400),
    lambda X, y: diagnose([4.0, 3.0, 2.0, 1.0], [4.0, 3.0, 2.0, 1.0], tol=-10**400),
], ids=["KMeans tol", "GaussianMixture reg_covar", "prior strength", "Perceptron eta0", "certify margin",
        "diagnose tol"])
def test_a_real_parameter_beyond_float64_is_named(fit):
    """A Python int or Fraction too large for float64 is refused naming the parameter (every real
    parameter goes through check_real); it raised float()'s bare OverflowError (an audit, 2026-12-05)."""
    X = np.random.default_rng(0).normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match=r"^[\w.]+ must be finite, got a number beyond the range of float64"):
        fit(X, y)


@pytest.mark.parametrize("make, error, message", [
    (lambda X: (row for row in X), TypeError, r"^X must be a list or array of numbers, got an iterator \(generator\)"),
    (lambda X: dict(enumerate(X)), TypeError, r"^X must be a 2-D array of numbers, a list of rows or a data frame, got "
                                              r"a dict$"),
    (lambda X: {1.0, 2.0}, TypeError, r"got a set$"),
    (lambda X: np.zeros(5, dtype=[("a", float), ("b", float)]), TypeError,
     r"^X is a structured array \(fields a, b\): give its numeric fields as columns"),
    (lambda X: [[1.0, 2.0], [3.0]], ValueError, r"^X must be a 2-D array of numbers: its rows are of different lengths"),
])
@pytest.mark.parametrize("call", [
    lambda X: classic.KMeans(2).fit(X), lambda X: classic.kmeans_plusplus(X, 2),
    lambda X: classic.GaussianMixture(2).fit(X), lambda X: classic.Perceptron().fit(X, [0, 1]),
    lambda X: classic.KMeans(2).fit(np.eye(2)).predict(X),
], ids=["KMeans.fit", "kmeans_plusplus", "GaussianMixture.fit", "Perceptron.fit", "KMeans.predict"])
def test_what_cannot_hold_a_data_matrix_is_named(call, make, error, message):
    """A generator, a dict, a set, a structured array or a ragged list of rows: each is named, where
    NumPy's words came through ("float() argument must be ... not 'generator'", "Cannot cast array
    data from dtype([...])", "setting an array element with a sequence"; an audit, 2026-12-05)."""
    with pytest.raises(error, match=message):
        call(make(np.eye(2)))


def _layouts(X):
    """X's float32 values as a Fortran-ordered, a strided and a read-only array."""
    read_only = np.array(X)
    read_only.flags.writeable = False
    return {"fortran": np.asfortranarray(X), "strided": np.repeat(X, 2, axis=0)[::2], "read-only": read_only}


@pytest.mark.parametrize("layout", ["fortran", "strided", "read-only"])
def test_float32_data_fit_in_float32_whatever_their_layout(layout):
    """float32 X keeps its precision in every estimator and kmeans_plusplus for any memory layout,
    not only a C-ordered writeable one: the slow path of validation cast such X to float64, and
    every test passed (audit 53)."""
    rng = np.random.default_rng(0)
    X32 = rng.normal(size=(60, 3)).astype(np.float32)
    X, y = _layouts(X32)[layout], (X32[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = [classic.KMeans(3, random_state=0).fit(X).cluster_centers_,
                  classic.GaussianMixture(2, random_state=0).fit(X).means_,
                  classic.Perceptron(random_state=0).fit(X, y).coef_,
                  classic.kmeans_plusplus(X, 3, random_state=0)[0]]
    assert [array.dtype for array in fitted] == [np.float32] * 4


def test_the_public_boundary_as_a_mutation_audit_found_it():
    """Audit 53 (mutation testing of validation): what each surviving mutant let through, every test
    passing. Weights of shape (n, 1) are refused by every estimator (their size is n); the message on
    negative weights gives the smallest; the range rule counts a mass of max(n, W), so weights that
    sum below n do not loosen it; a failed first fit leaves no fitted attribute; a model fitted on named
    columns warns when given a plain array (its names set by hand: no data-frame library here)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    fits = [lambda w: classic.KMeans(2, random_state=0).fit(X, sample_weight=w),
            lambda w: classic.kmeans_plusplus(X, 2, sample_weight=w, random_state=0),
            lambda w: classic.Perceptron(random_state=0).fit(X, y, sample_weight=w)]
    for fit in fits:
        for w in (np.ones((40, 1)), np.ones((1, 40))):
            with pytest.raises(ValueError, match=rf"^sample_weight has shape \({w.shape[0]}, {w.shape[1]}\); expected "
                                                 r"\(40,\), one weight per row of X"):
                fit(w)
        with pytest.raises(ValueError, match=r"^sample_weight has negative values \(the smallest is -3\); "
                                             "weights must"):
            fit(np.r_[1.0, -3.0, 5.0, -1.0, np.ones(36)])
    # 16 d A^2 = 1.44e308 is below float64's largest, 2 of it is not: one row or a mass 1 would pass
    wide, half = np.array([[3e153], [-3e153]]), np.array([0.5, 0.5])
    for fit in (lambda: classic.kmeans_plusplus(wide, 1, sample_weight=half, random_state=0),
                lambda: classic.KMeans(1, random_state=0).fit(wide, sample_weight=half)):
        with pytest.raises(ValueError, match=r"^X is too large for k-means in float64: its largest \|value\| "
                                             r"is 3e\+153"):
            fit()
    for model, message in ((classic.KMeans(5), "n_samples=3 should be >= n_clusters=5"),
                           (classic.GaussianMixture(5), "n_samples=3 should be >= n_components=5"),
                           (classic.Perceptron(class_weight={5: 1.0}), r"class_weight names \[5\]")):
        # each refused after X's checks
        with pytest.raises(ValueError, match=message):
            model.fit(X[:3], y[:3]) if isinstance(model, classic.Perceptron) else model.fit(X[:3])
        assert not [name for name in vars(model) if name.endswith("_")], vars(model)
    model = classic.KMeans(2, random_state=0).fit(X)
    model.feature_names_in_ = np.array(["a", "b"], dtype=object)
    with pytest.warns(UserWarning, match="X does not have valid feature names, but KMeans was fitted with feature "
                                         "names"):
        model.predict(X)


# ---- audit 77 (_validation.py, certificate.py, trace.py): tests of its real survivors ----


def _claim(id_, holds=True, note=""):
    return Claim(id_, "s", 0.0, 0.0, 0.0, holds, "proofs/x.md", note)


def _X(n=3, d=2):
    return np.arange(n * d, dtype=np.float64).reshape(n, d)


class _Fitted(BaseEstimator):
    n_features_in_ = 2


def test_empty_claim_is_noted_vacuous():
    """An empty claim holds vacuously and says so (audit 77's C04)."""
    c = inequality_claim("X-1", "s", np.array([]), np.array([]), np.array([]), "r")
    assert c.holds is True and c.note == "no step to check (vacuous)"


def test_worst_is_the_sum_of_the_terms():
    """Worst is the (float64) sum of the terms of a tuple value, at the tightest step (audit 77's C14)."""
    c = inequality_claim("X-1", "s", (np.array([5.0]), np.array([-3.0])), np.array([4.0]), np.array([0.0]), "r")
    assert c.holds and c.worst == 2.0


def test_worst_is_absolute_when_asked():
    """With absolute=True worst is the absolute value of the sum (audit 77's C15)."""
    c = inequality_claim("X-1", "s", (np.array([1.0]), np.array([-3.0])), np.array([4.0]), np.array([0.0]), "r",
                         absolute=True)
    assert c.holds and c.worst == 2.0


def test_reported_step_counts_the_slack():
    """The reported step is that of the smallest margin bound + slack - value (slack included) (audit 77's
    C16)."""
    c = inequality_claim("X-1", "s", np.array([0.0, 0.0]), np.array([1.0, 2.0]), np.array([5.0, 0.0]), "r")
    assert (c.bound, c.slack) == (2.0, 0.0)


def test_nan_step_is_reported():
    """A NaN step is the one reported (its margin is the smallest), and the claim fails (audit 77's C21)."""
    c = inequality_claim("X-1", "s", np.array([0.0, np.nan]), np.array([1.0, 1.0]), np.array([0.0, 0.0]), "r")
    assert c.holds is False and math.isnan(c.worst)


def test_reported_bound_is_at_the_tightest_step():
    """The reported bound is the bound at the tightest step, not the first (audit 77's C23)."""
    c = inequality_claim("X-1", "s", np.array([0.0, 0.0]), np.array([5.0, 1.0]), np.array([0.0, 0.0]), "r")
    assert c.bound == 1.0


def test_getitem_refuses_an_id_checked_twice():
    """A certificate checking an id twice refuses certificate[id] (ValueError naming .all()) (audit 77's
    C38)."""
    cert = Certificate("Perceptron", (_claim("PC-2"), _claim("PC-2")))
    with pytest.raises(ValueError, match="all"):
        cert["PC-2"]


def test_to_dict_lists_every_claim():
    """to_dict lists every claim (audit 77's C43)."""
    cert = Certificate("KMeans", (_claim("KM-1"), _claim("KM-2", holds=None)))
    assert [c["id"] for c in cert.to_dict()["claims"]] == ["KM-1", "KM-2"]


def _row(text, claim_id):
    return next(line.split() for line in text.splitlines() if line.split()[:1] == [claim_id])


def test_table_columns_in_order():
    """The table's columns are claim, holds, worst, bound, slack, statement, in that order (audit 77's C46,
    C49)."""
    cert = Certificate("KMeans", (Claim("KM-1", "stmt", 1.5, 2.5, 0.125, True, "proofs/kmeans.md"),))
    assert _row(str(cert), "KM-1") == ["KM-1", "yes", "1.5", "2.5", "0.125", "stmt"]


def test_table_header_says_when_a_claim_fails():
    """The header says SOME CLAIMS FAIL when one fails (audit 77's C47)."""
    cert = Certificate("KMeans", (_claim("KM-1"), _claim("KM-2", holds=False)))
    assert "SOME CLAIMS FAIL" in str(cert).splitlines()[0]


def test_training_rows_message_names_y_for_labelled_fits():
    """The training-rows message of an estimator fitted with labels names certify(model, X, y) (audit 77's
    C51)."""
    from classic.certificate import check_training_rows
    with pytest.raises(ValueError, match=r"certify\(model, X, y\)"):
        check_training_rows(3, 4, labels=True)
    with pytest.raises(ValueError, match=r"certify\(model, X\) checks"):
        check_training_rows(3, 4, labels=False)


def _fake_estimator(certify_body):
    class Fake(BaseEstimator):
        _TRACE_TYPES = (Trace,)

        def fit(self, X):
            return self

        def _certify(self, X):
            return certify_body(self)

    est = Fake()
    est.trace_ = Trace(objective=np.array([0.0]), n_iter=0, converged=True, stop_reason="x")
    return est


def test_certify_reraises_foreign_attribute_errors():
    """An AttributeError that is not about the estimator's own attributes propagates unchanged (audit 77's
    C58)."""

    def body(est):
        return None.missing_attribute

    with pytest.raises(AttributeError):
        certify(_fake_estimator(body), np.zeros((1, 1)))


def test_shape_problem_of_a_0d_field():
    """shape_problem describes a 0-d array field instead of raising IndexError (audit 77's T10)."""
    @trace_dataclass
    class Rowed(Trace):
        def rows(self):
            return {"objective": self.n_iter + 1}

    t = Rowed(objective=np.array(0.0), n_iter=0, converged=True, stop_reason="x")
    assert "shape" in t.shape_problem()


def test_plot_steps_and_label():
    """Plot draws the objective against steps 0, 1, ... and labels it with OBJECTIVE_NAME (audit 77's T17,
    T18)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    @trace_dataclass
    class Named(Trace):
        OBJECTIVE_NAME = "inertia"

    ax = Named(objective=np.array([3.0, 2.0, 1.0]), n_iter=2, converged=True, stop_reason="x").plot()
    try:
        assert list(ax.lines[0].get_xdata()) == [0, 1, 2] and ax.get_ylabel() == "inertia"
    finally:
        plt.close(ax.figure)


def test_default_objective_sense_is_min():
    """The protocol's default sense is "min" (documented on Trace.OBJECTIVE_SENSE) (audit 77's T23)."""
    assert Trace.OBJECTIVE_SENSE == "min"


def test_int_scalar_weight_broadcast():
    """An integer scalar weight is broadcast to every row (audit 77's V33)."""
    assert V.check_sample_weight(2, _X()).tolist() == [2.0, 2.0, 2.0]


def test_sample_weight_is_copied():
    """The returned weights are a new array, never the caller's (audit 77's V37)."""
    w = np.ones(3)
    out = V.check_sample_weight(w, _X())
    assert not np.shares_memory(out, w)


def test_validation_converted_to_fit_dtype():
    """X_val is converted to the fit's dtype (audit 77's V50, V51)."""
    assert V.check_validation_data(_Fitted(), _X(), None, dtype=np.float32)[0].dtype == np.float32


def test_validation_beyond_float32_refused():
    """X_val beyond the fit dtype's range is refused (audit 77's V52)."""
    with pytest.raises(ValueError, match="beyond the range of float32"):
        V.check_validation_data(_Fitted(), np.full((2, 2), 1e300), None, dtype=np.float32)


def test_first_nan_position():
    """The message names the first non-finite entry in row order (audit 77's V58)."""
    with pytest.raises(ValueError, match="row 0, column 1"):
        V.check_finite(np.array([[0.0, np.nan], [np.nan, 0.0]]))


def test_nan_position_not_inf():
    """The position given for NaN is that of a NaN, not of an earlier infinity (audit 77's V60)."""
    with pytest.raises(ValueError, match=r"NaN \(the first at row 0, column 1"):
        V.check_finite(np.array([[np.inf, np.nan]]))


def test_range_rule_fix_mentions_weights_only_when_heavy():
    """The fix mentions the weights only when their total exceeds n (audit 77's V69)."""
    with pytest.raises(ValueError, match=r"StandardScaler\.$"):
        V.check_squared_distances(np.full((2, 1), 1e160), weight=np.array([1.0, 1.0]))


def test_check_real_refuses_infinity():
    """check_real refuses infinity (audit 77's V77)."""
    with pytest.raises(ValueError, match="finite"):
        V.check_real(float("inf"), "tol")


def test_iterators_refused_as_data():
    """Any iterator (map, iter) is refused as data, not only generators (audit 77's V81)."""
    with pytest.raises(TypeError, match=r"got an iterator \(list_iterator\): pass list"):
        V.check_data(iter([[1.0, 2.0], [3.0, 4.0]]))


def test_restoring_on_error_rolls_back_any_exception():
    """A fit that raises a TypeError (or any exception) is rolled back too (audit 77's V85)."""
    class E:
        @V.restoring_on_error
        def fit(self):
            self.n_features_in_ = 3
            raise TypeError("boom")
    e = E()
    with pytest.raises(TypeError):
        e.fit()
    assert not hasattr(e, "n_features_in_")


def test_counted_plural_for_zero():
    """Counted() is plural for 0 (audit 77's V86)."""
    assert V.counted(0, "row") == "0 rows" and V.counted(1, "row") == "1 row"


def test_sklearn_warning_at_the_users_line():
    """scikit-learn's validation warnings (a column y) name the user's line (audit 77's V88)."""
    from sklearn.exceptions import DataConversionWarning
    from classic import Perceptron
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.5], [1.0, 0.2]])
    with pytest.warns(DataConversionWarning) as record:
        Perceptron(random_state=0).fit(X, np.array([[0], [1], [0], [1]]))
    assert record[0].filename == __file__
