"""Validation at the public boundary: once, in Python, before any kernel runs.

Kernels never validate; everything they receive went through this module and
is a finite, C-contiguous, writeable float64 or float32 array (a read-only or
strided input is copied, never modified).
"""

import collections.abc
import contextlib
import functools
import math
import numbers
import os
import re
import sys
import warnings

import numpy as np
import sklearn
from scipy.sparse import issparse
from sklearn.utils.validation import check_array, validate_data

from classic._jit import for_rows
from classic._kmeans_kernels import largest_magnitude

__all__ = [
    "ParameterError",
    "FLOAT_DTYPES",
    "check_data",
    "check_estimator_data",
    "check_squared_distances",
    "check_finite",
    "check_sample_weight",
    "check_validation_data",
    "check_positive_weights",
    "check_bool",
    "check_int",
    "check_verbose",
    "check_real",
    "check_numbers",
    "check_not_iterator",
    "check_option",
    "restoring_on_error",
    "caller_stacklevel",
    "at_callers_line",
]

#: How messages name the sample weights of a stopping rule's held-out rows (X_val).
VALIDATION_WEIGHTS = "ValidationPatience's sample_weight (the validation weights)"

#: The two working precisions; anything else is converted to float64.
FLOAT_DTYPES = (np.float64, np.float32)


def _kernel_ready(X):
    # C order and writeable: one compiled specialisation per dtype.
    return np.require(X, requirements=["C_CONTIGUOUS", "WRITEABLE", "ALIGNED"])


def _is_plain_matrix(X, min_samples, dtype, finite):
    """Whether ``X`` is already what scikit-learn's ``check_array`` would return unchanged: a
    NumPy array (not a subclass), 2-D, of one of ``dtype``, C-contiguous, with at least
    ``min_samples`` rows and one column (and finite if ``finite``: the range rule's pass over X,
    whose largest |value| is NaN or infinity if X holds one; until 2026-12-03 NumPy's sum of X,
    single-threaded, 3.1 ms on 200 000 x 50 against 2.0). For such input the checks
    are these few attribute reads; ``check_array`` spends about 35 us on them, and
    ``validate_data`` about 95 us (a third of a k-means fit on iris), mostly asking whether X
    is a data frame of some library."""
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in dtype
        and X.flags.c_contiguous
        and X.shape[0] >= max(min_samples, 1)
        and X.shape[1] >= 1
        and (not finite or np.isfinite(largest_magnitude_of(X)))
    )


def _is_plain_labels(y, n_samples):
    """Whether ``y`` is absent, or what scikit-learn's ``check_X_y`` returns unchanged for a
    classifier: a 1-D NumPy array of integers or booleans (nothing to find non-finite) with
    one label per row. Anything else (floats, strings, columns, lists) goes to scikit-learn."""
    return y is None or (type(y) is np.ndarray and y.ndim == 1 and y.dtype.kind in "iub"
                         and y.shape[0] == n_samples)


def check_data(X, *, name="X", min_samples=1, dtype=FLOAT_DTYPES, finite=True):
    """Validate a 2-D data matrix for a public function.

    Raises ValueError for non-numeric data, NaN or inf, a wrong number of
    dimensions, or fewer than ``min_samples`` rows. ``finite=False`` as for
    :func:`check_estimator_data`.
    """
    if _is_plain_matrix(X, min_samples, dtype, finite):
        return _kernel_ready(X)
    _check_container(X, name)
    with _in_classic_words(name, X):
        X = check_array(
            X,
            dtype=list(dtype),
            order="C",
            ensure_min_samples=min_samples,
            ensure_all_finite=finite,
            input_name=name,
        )
    return _kernel_ready(X)


def _check_container(X, name):
    """A TypeError naming what ``X`` is when it cannot hold a data matrix at all: an iterator, a
    dict or set (NumPy makes each one object: "float() argument must be ... not 'generator'"), or
    a structured array ("Cannot cast array data from dtype([...])")."""
    check_not_iterator(X, name)
    if X is None:  # scikit-learn: "Expected 2D array, got scalar array instead: array=nan" (an audit, 2026-12-06)
        raise ValueError(f"{name} is None: give a 2-D array of numbers, one row per sample")
    if isinstance(X, (dict, set, frozenset)) and not issparse(X):  # a DOK matrix is a dict: scikit-learn's words
        raise TypeError(f"{name} must be a 2-D array of numbers, a list of rows or a data frame, got a "
                        f"{type(X).__name__}")
    if getattr(getattr(X, "dtype", None), "names", None):
        raise TypeError(f"{name} is a structured array (fields {', '.join(X.dtype.names)}): give its numeric fields as "
                        "columns of a 2-D array, e.g. numpy.lib.recfunctions.structured_to_unstructured(X)")


@contextlib.contextmanager
def _in_classic_words(name, data=None):
    """scikit-learn's validation errors in classic's words: its conversion of Python numbers beyond
    float64 (an int of 400 digits) raises a bare OverflowError, here the ValueError that names the
    input; its "Input X contains NaN." (bare where no estimator is named: certify, stability,
    labels) becomes :func:`check_finite`'s message, which says what to do, and where in ``data``
    (the input called ``name``) the first such value is."""
    try:
        yield
    except OverflowError as error:
        raise ValueError(f"{name} holds a number beyond float64's range ({error}): rescale it") from None
    except TypeError as error:  # NumPy's float() of an entry: a complex number (X itself, or in a row), a dict
        if "float() argument must be" not in str(error):
            raise
        raise TypeError(f"{name} must be a 2-D array of real numbers, but an entry is not one ({error})") from None
    except ValueError as error:
        if str(error).startswith("Complex data not supported"):  # scikit-learn's, followed by the whole array
            raise ValueError(f"Complex data not supported: {name} holds complex numbers; give real ones (e.g. "
                             "numpy.real(X) or numpy.abs(X))") from None
        if "could not convert string to float" in str(error):
            raise ValueError(f"{name} holds text, not numbers ({error}): encode categories as numbers first, e.g. "
                             "with sklearn.preprocessing.OneHotEncoder") from None
        if "inhomogeneous" in str(error):  # NumPy's "setting an array element with a sequence. ..."
            raise ValueError(f"{name} must be a 2-D array of numbers: its rows are of different lengths, or "
                             "nest further") from None
        found = re.match(r"Input (\w+) contains (NaN|infinity)", str(error))
        if found is None:
            raise
        where = _locate_non_finite(data, found.group(2)) if found.group(1) == name and not issparse(data) else ""
        raise _non_finite(*found.groups(), where) from None


def in_model_precision(X, *fitted):
    """Validated ``X`` for inference with the ``fitted`` arrays (centres, weights): as it is when
    every one of them has X's dtype, else in float64 (exact for float32 X), so that a float32 X on
    a float64 model meets the fitted numbers themselves, not their float32 roundings."""
    if any(np.asarray(a).dtype != X.dtype for a in fitted):
        return X.astype(np.float64, copy=False)
    return X


def held_out_precision(X_val, dtype):
    """The precision ``score`` measures held-out rows in after a fit in ``dtype``: ``dtype`` when
    X_val is an array of it, else float64 (:func:`in_model_precision`'s rule), so that early
    stopping's score of X_val is the returned model's ``score`` (a float32 fit scored a float64
    X_val rounded to float32 until an audit, 2026-12-06)."""
    return np.dtype(dtype) if getattr(X_val, "dtype", None) == dtype else np.dtype(np.float64)


def check_estimator_data(estimator, X, *, reset, min_samples=1, y=None, finite=True, **kwargs):
    """Validate ``X`` (and ``y``) for an estimator method, scikit-learn style.

    ``reset=True`` (in ``fit``) records ``n_features_in_``; ``reset=False``
    checks that ``X`` has that many features. ``finite=False`` leaves NaN and infinity
    to :func:`check_squared_distances`, which the caller must run next: its one pass over
    X finds them along with the largest magnitude (scikit-learn's own check is a second
    pass, 1 ms on 200 000 x 16); or, in the perceptron's ``decision_function``, to the scores,
    which are not finite for such rows (``_perceptron_predictors._rescore_overflowed``).
    """
    # Plain input needs only validate_data's bookkeeping: n_features_in_ set or compared. An
    # estimator fitted on a data frame (feature_names_in_), or a feature count that differs,
    # takes scikit-learn's path below, for its warning or its error message.
    if (not kwargs and not hasattr(estimator, "feature_names_in_")
            and _is_plain_matrix(X, min_samples, FLOAT_DTYPES, finite) and _is_plain_labels(y, X.shape[0])
            and (reset or X.shape[1] == getattr(estimator, "n_features_in_", X.shape[1]))):
        if reset:
            estimator.n_features_in_ = X.shape[1]
        return _kernel_ready(X) if y is None else (_kernel_ready(X), y)
    _check_container(X, "X")
    with _in_classic_words("X", X):  # scikit-learn's warnings (a column y, feature names) at the user's line
        if y is None:
            return _kernel_ready(at_callers_line(validate_data, estimator, X, reset=reset, dtype=list(FLOAT_DTYPES),
                                                 order="C", ensure_min_samples=min_samples, ensure_all_finite=finite,
                                                 **kwargs))
        X, y = at_callers_line(validate_data, estimator, X, y, reset=reset, dtype=list(FLOAT_DTYPES), order="C",
                               ensure_min_samples=min_samples, ensure_all_finite=finite, **kwargs)
    return _kernel_ready(X), y


def check_sample_weight(sample_weight, X, *, name="sample_weight", rows="X"):
    """Sample weights for a public function on ``X``: None (every point weighs 1) stays None;
    otherwise a new float64 array of shape (n_samples,) (a number is broadcast). Raises
    ValueError naming the problem (a :class:`ParameterError`, also a TypeError, for what is not
    numbers: scikit-learn raises a ValueError there): non-numeric, a wrong shape, NaN or infinity, a
    negative weight, a positive weight below the smallest normal float64 (2.2e-308: its
    products would lose their relative accuracy, proofs/kmeans.md, "Weights"), a total of 0
    or an infinite total. The messages call the weights ``name`` and ``X`` ``rows``. The
    caller's array is never modified."""
    if sample_weight is None:
        return None
    n = X.shape[0]
    if isinstance(sample_weight, (bool, np.bool_)):
        raise ParameterError(f"{name} must be numbers or None, got {sample_weight!r}; give an array of non-negative "
                        f"floats, one per row of {rows}")
    if isinstance(sample_weight, numbers.Number):  # a number is every row's, checked as an array of it would be
        sample_weight = np.full(n, sample_weight, dtype=np.asarray(sample_weight).dtype)  # (complex: refused below)
    weights = np.asarray(sample_weight)
    # numbers as objects (Decimal, Fraction, a pandas column) convert, as in scikit-learn; strings are not parsed
    if weights.dtype.kind == "O" and not any(isinstance(v, (str, bytes)) for v in weights.flat):
        try:
            weights = weights.astype(np.float64)
        except (TypeError, ValueError, OverflowError) as error:  # OverflowError: a Python int beyond float64
            raise ParameterError(f"{name} must be numbers, but an entry does not convert to float ({error}); give an "
                            f"array of non-negative floats, one per row of {rows}") from None
    if weights.dtype.kind not in "biuf":
        raise ParameterError(f"{name} must be numbers, got dtype {weights.dtype}; give an array of "
                        f"non-negative floats, one per row of {rows}")
    if weights.shape != (n,):
        raise ValueError(f"{name} has shape {weights.shape}; expected ({n},), one weight per row of {rows}")
    weights = np.array(weights, dtype=np.float64, order="C")  # a copy: never the caller's array
    if not np.all(np.isfinite(weights)):
        raise ValueError(f"{name} contains NaN or infinity; give finite non-negative weights")
    if np.any(weights < 0):
        raise ValueError(f"{name} has negative values (the smallest is {weights.min():.3g}); "
                         "weights must be >= 0")
    tiny = float(np.finfo(np.float64).tiny)
    if np.any((weights > 0) & (weights < tiny)):
        raise ValueError(f"{name} has positive values below {tiny:.3g} (subnormal); set them to 0 "
                         "or rescale all weights by a common factor")
    with np.errstate(over="ignore"):
        total = float(np.sum(weights))
    if total == 0:
        raise ValueError(f"{name} is zero for every point: at least one point must have a positive weight")
    if not np.isfinite(total):
        raise ValueError(f"{name} sums to infinity; rescale all weights by a common factor")
    return weights


def check_validation_data(estimator, X_val, sample_weight, dtype=None, *, unused_labels=None):
    """A stopping rule's held-out rows (``ValidationPatience(p, X_val, sample_weight=...)``) for
    ``estimator``'s fit, after X: X_val as :func:`check_estimator_data` returns it, with X's
    features, finite, converted to ``dtype`` if given (X's: a value beyond its range is an
    error); its weights as :func:`check_sample_weight`'s. Every message names X_val or the
    validation weights, not the X and sample_weight of ``fit``. ``unused_labels``: the rule's
    y_val for an estimator that scores X_val without labels, refused unless None (it would be
    ignored)."""
    if unused_labels is not None:
        raise ValueError(f"{type(estimator).__name__} scores the stopping rule's X_val without labels, so its y_val "
                         "would be ignored: give ValidationPatience(p, X_val) without y_val")
    try:
        shape = np.shape(X_val)
    except ValueError:  # ragged rows: check_estimator_data names them
        shape = ()
    if len(shape) == 2 and shape[1] != estimator.n_features_in_:
        raise ValueError(f"the stopping rule's X_val has {shape[1]} features, but X has {estimator.n_features_in_}; "
                         "give held-out rows with the features of X")
    try:
        X_val = check_estimator_data(estimator, X_val, reset=False, finite=False)  # NaN, inf: next line
    except (TypeError, ValueError) as error:  # scikit-learn's and _check_container's words call it X
        message = "the stopping rule's X_val: " + re.sub(r"\bX\b", "X_val", str(error))
        raise (ValueError if isinstance(error, ValueError) else TypeError)(message) from None
    if not np.isfinite(largest_magnitude_of(X_val)):
        check_finite(X_val, "X_val")
    if dtype is not None and X_val.dtype != dtype:
        with np.errstate(over="ignore"):
            X_val = X_val.astype(dtype)
        if not np.isfinite(largest_magnitude_of(X_val)):
            raise ValueError(f"X_val holds values beyond the range of {np.dtype(dtype).name}, the dtype of X; "
                             "rescale X and X_val alike, or give X in float64")
    return X_val, check_sample_weight(sample_weight, X_val, name=VALIDATION_WEIGHTS, rows="X_val")


def check_positive_weights(sample_weight, n_clusters, *, alternative=""):
    """Raise ValueError unless at least ``n_clusters`` of the validated ``sample_weight`` (None:
    nothing to check) are positive: initial centres are drawn among the points of positive
    weight. ``alternative`` is appended to the suggested fixes."""
    if sample_weight is None:
        return
    n_positive = int(np.count_nonzero(sample_weight))
    if n_positive < n_clusters:
        raise ValueError(
            f"sample_weight has {counted(n_positive, 'positive weight')} but "
            f"n_clusters={n_clusters}: the initial centres are drawn among distinct points of positive weight. "
            f"Lower n_clusters to at most {n_positive}, or give more points a positive weight{alternative}."
        )


def largest_magnitude_of(array):
    """max |a| over ``array`` (any shape, floats kept, other numbers as float64), in float64; NaN
    or infinity if it holds one (:func:`~classic._kmeans_kernels.largest_magnitude`, in this
    thread for one chunk)."""
    array = np.asarray(array)
    floating = array.dtype if array.dtype in FLOAT_DTYPES else np.float64
    array = np.require(array.reshape(-1, array.shape[-1]), dtype=floating, requirements="C")
    return for_rows(largest_magnitude, array.shape[0])(array)


def check_finite(values, name="X", rows=None):
    """Raise ValueError naming NaN (first) or infinity if ``values`` (a number, or rows of the input
    called ``name``) holds one: the one check and message of every estimator, whether a pass over X
    found its largest |value| or the scores of some rows led to them (the perceptron's and
    GaussianMixture's inference). For rows (a 2-D array) the message names the first such entry,
    its row numbered by ``rows`` (their numbers in the input; default 0, 1, ...) and its column:
    scikit-learn names neither, and a row of 10^6 is hard to find (an audit, 2026-12-06)."""
    values = np.asarray(values)
    if np.isfinite(values).all():
        return
    value = "NaN" if np.isnan(values).any() else "infinity"
    raise _non_finite(name, value, _first_position(values, value, rows))


def _first_position(values, value, rows=None):
    """Where in the rows ``values`` (2-D) the first ``value`` ("NaN" or "infinity") is, for a message:
    " (the first at row i, column j, counted from 0)", the row numbered by ``rows``; "" for an array
    that is not 2-D or holds none."""
    if values.ndim != 2:
        return ""
    found = np.argwhere(np.isnan(values) if value == "NaN" else np.isinf(values))
    if found.size == 0:
        return ""
    row, column = found[0]
    return f" (the first at row {row if rows is None else rows[row]}, column {column}, counted from 0)"


def _locate_non_finite(data, value):
    """:func:`_first_position` of ``value`` in ``data`` as a float64 array where it is one (a list, a
    data frame); "" where it is not."""
    try:
        values = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return ""
    return _first_position(values, value)


def _non_finite(name, value, where=""):
    """The ValueError for ``value`` ("NaN" or "infinity") in the input called ``name`` (at ``where``),
    with the fix: remove or impute the values (labels ``y``: remove the rows)."""
    fix = "remove those rows" if name == "y" else "remove or impute those values (e.g. with sklearn.impute.SimpleImputer)"
    return ValueError(f"Input {name} contains {value}{where}: {fix}.")


def _out_of_fitted_range(X, A_X, A_c, mass, W, name, rule):
    """The range rule's ValueError for rows given to a fitted model (``fitted=True``): what the
    model takes, since rescaling the data would mean fitting again. Its centres, of largest |value|
    A_c, passed the rule when fitted; with X they break it, either because this call's mass (n
    rows, or the total weight W when larger) is too much for A_c itself (then no values of X help:
    give fewer rows at a time), or because X's values exceed what that mass allows (then the
    message says how large they may be: at least A_c)."""
    n, d = X.shape
    per_row = float(np.finfo(X.dtype).max) / (16.0 * d)
    mass_name = counted(n, "row") if W is None or W <= n else f"a total weight of {W:.3g}"
    allowed = float(np.finfo(np.float64).max) / (16.0 * d * A_c * A_c) if A_c else math.inf
    if mass > allowed:   # the centres alone: fewer rows (less weight) at a time
        most = f"{math.floor(allowed)} rows" if W is None or W <= n else f"a total weight of {allowed:.3g}"
        raise ValueError(
            f"{name} is too much for this model at once in {X.dtype.name}: with its centres' largest |value| "
            f"{A_c:.3g}, the sum of squared distances over {mass_name} could overflow float64 {rule}. Give at most "
            f"{most} a call (in batches)")
    largest = math.sqrt(min(per_row, float(np.finfo(np.float64).max) / (16.0 * d * mass)))
    raise ValueError(
        f"{name} is out of this model's range in {X.dtype.name}: its largest |value| is {A_X:.3g}, so squared "
        f"distances to the centres or their sum over {mass_name} could overflow {rule}. The model takes rows whose "
        f"values are at most about {largest:.3g} in magnitude (with {mass_name}); scale the rows as the training data "
        "was scaled")


def check_squared_distances(X, *others, name="X", method="k-means", weight=None, others_name="the centre array",
                            others_fix="Rescale the data and the centres alike.", weight_name="sample_weight",
                            rule="proofs/kmeans.md, range rule", fitted=False):
    """The range rule of proofs/kmeans.md: raise ValueError if ``X`` holds NaN or infinity
    (found in the same pass; ``others`` must be finite), or unless every squared distance
    k-means computes on ``X`` (against centres drawn from ``X`` and ``others``, or means of
    them) and every float64 sum of ``n_samples`` of them (weighted by ``weight``, validated
    sample weights, if given) is finite.

    With A the largest |value| in ``X`` and ``others`` and W the total weight (n without
    weights), it requires 16 d A² <= the largest number of ``X``'s dtype and
    16 max(n, W) d A² <= the largest float64, both evaluated in float64 (the proof's margin
    is a factor of 2).

    The message names what is too large: ``X`` (called ``name``) if X alone breaks the rule
    over its n rows; else ``others`` (called ``others_name``, the fix ``others_fix``) if they
    widen A beyond it; else the weights (called ``weight_name``), whose total W > n does. It cites
    ``rule``, where the caller's proof states the rule. ``fitted``: the centres are a fitted model's
    (``predict``, ``transform``, ``score``), so rescaling the data would mean fitting again; the
    message then says which magnitudes the model accepts.
    """
    n, d = X.shape
    A_X = largest_magnitude_of(X)
    if not np.isfinite(A_X):  # the magnitude bits of NaN and infinity exceed those of every finite number
        check_finite(X, name)
    A_others = max([0.0, *(largest_magnitude_of(array) for array in others)])  # the centres: finite already
    A = max(A_X, A_others)
    W = None if weight is None else float(np.sum(weight))

    def bounds(A, mass):  # 16 d A^2 and its sum over mass rows, in float64
        with np.errstate(over="ignore"):
            single = 16.0 * d * (A * A)
            return single, single * mass

    def within(A, mass):
        single, total = bounds(A, mass)
        return single <= float(np.finfo(X.dtype).max) and total <= float(np.finfo(np.float64).max)

    mass = float(n) if W is None else max(float(n), W)
    if within(A, mass):
        return
    single, total = bounds(A, mass)
    rule = f"({rule})"
    if fitted:
        _out_of_fitted_range(X, A_X, A_others, mass, W, name, rule)
    if within(A_X, n) and not within(A, n):
        raise ValueError(
            f"{others_name} is too large for {method} in {X.dtype.name}: its largest |value| is {A:.3g} "
            f"({name}'s is {A_X:.3g}), so squared distances or norms over the {n} rows of {name} (up to "
            f"16 d A^2 = {single:.3g}) or their sum ({total:.3g}) could overflow {rule}. {others_fix}")
    if within(A, n):  # n rows are fine: the weights' total W > n is not
        raise ValueError(
            f"{weight_name} is too large for {method}: it sums to {W:.3g}, so the weighted sum of squared "
            f"distances over the {n} rows of {name} (up to 16 d A^2 W = {total:.3g}, A = {A:.3g} the largest "
            f"|value|) could overflow float64 {rule}. Rescale the weights by a common factor.")
    single, total = bounds(A_X, mass)  # X alone breaks the rule
    raise ValueError(
        f"{name} is too large for {method} in {X.dtype.name}: its largest |value| is {A_X:.3g}, so squared "
        f"distances or norms (up to 16 d A^2 = {single:.3g}) or their sum over {n} rows"
        f"{'' if weight is None else ' with their weights'} ({total:.3g}) could "
        f"overflow {rule}. Rescale the data, e.g. with sklearn.preprocessing.StandardScaler"
        + (", or the weights by a common factor." if weight is not None and mass > n else ".")
    )


class ParameterError(ValueError, TypeError):
    """A parameter of the wrong type or value. Both a ValueError and a TypeError, as
    scikit-learn's ``InvalidParameterError`` is, so that ``except ValueError`` (or ``except
    TypeError``) catches what it catches for scikit-learn's estimators."""


def check_bool(value, name):
    """Return ``value`` as a bool if it is one (Python's or NumPy's, scikit-learn's "boolean"
    constraint), or raise ParameterError naming ``name``: 0, 1 or "no" are refused ("no" is truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def check_verbose(value, name="verbose"):
    """Return a verbosity as an int: an integer >= 0 or a bool (scikit-learn's "verbose"
    constraint; True is 1), or raise ParameterError naming ``name``."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be an integer >= 0 or a bool, got {value!r} ({type(value).__name__})")
    return check_int(value, name, minimum=0)


def check_int(value, name, *, minimum=None, maximum=None):
    """Return ``value`` as an int, or raise ParameterError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ParameterError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ParameterError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_real(value, name, *, minimum=None, strict=False):
    """Return ``value`` as a finite float >= ``minimum`` (> if ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    try:
        value = float(value)
    except OverflowError:  # a Python int or Fraction beyond float64
        raise ParameterError(f"{name} must be finite, got a number beyond the range of float64") from None
    if not np.isfinite(value):
        raise ParameterError(f"{name} must be finite, got {value}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ParameterError(f"{name} must be {'>' if strict else '>='} {minimum}, got {value}")
    return value


def check_numbers(values, name):
    """Return ``values`` (a number or an array-like of numbers, any shape) as a float64 array, or
    raise a ParameterError (a ValueError and a TypeError) naming ``name``: unless they are numbers
    (strings are refused, not parsed; objects such as Fractions convert as NumPy converts them),
    for a ragged nesting, NaN or infinity. Shapes are the caller's to check. ``True`` and ``False``
    alone are no numbers (a slip for another argument, as ``check_real`` says); arrays of them
    count as 0 and 1, as in NumPy."""
    if isinstance(values, (bool, np.bool_)):
        raise ParameterError(f"{name} must be numbers, got {values!r} (a bool)")
    try:
        array = np.asarray(values)
    except ValueError as error:  # a ragged nesting of sequences
        raise ParameterError(f"{name} must be an array of numbers: {error}") from None
    # None is not a number (NumPy would make it NaN: "contains NaN" for an init that returned nothing)
    if array.dtype.kind == "O" and not any(isinstance(v, (str, bytes)) or v is None for v in array.flat):
        try:
            array = array.astype(np.float64)
        except OverflowError:  # a Python int beyond float64
            raise ParameterError(f"{name} holds a number beyond the range of float64; rescale it") from None
        except (TypeError, ValueError):
            pass  # not numbers: below
    if array.dtype.kind not in "biuf":
        shown = repr(values)
        raise ParameterError(f"{name} must be numbers, got {shown if len(shown) <= 60 else shown[:57] + '...'} "
                             f"(dtype {array.dtype})")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ParameterError(f"{name} contains {'NaN' if np.isnan(array).any() else 'infinity'}; give finite numbers")
    return array


def check_not_iterator(values, name):
    """Raise TypeError if ``values`` is an iterator (a generator, say): NumPy makes it one object,
    not the numbers it would yield."""
    if isinstance(values, collections.abc.Iterator):
        raise TypeError(f"{name} must be a list or array of numbers, got an iterator ({type(values).__name__}): "
                        "pass list(...) of it")


def check_option(value, name, options):
    """Raise ParameterError unless ``value`` is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        choices = ", ".join(repr(o) for o in options)
        raise ParameterError(f"{name} must be one of {choices}; got {value!r}")
    return value


def restoring_on_error(fit):
    """Decorate an estimator's ``fit``: if it raises, the estimator's attributes are put back as
    they were before the call, so a failed fit leaves the previous fit (or no fit) as it was.
    Without this, a refit refused after ``check_estimator_data(reset=True)`` would leave
    ``n_features_in_`` describing the refused data beside arrays fitted on other data, and
    predict would read past them. A random Generator the fit drew from is not rewound. The
    wrapper is one more frame between a warning in ``fit`` and the user's call: ``fit`` warns with
    ``stacklevel=caller_stacklevel()``, which counts it (and every other frame of the library)."""

    @functools.wraps(fit)
    def fit_or_restore(estimator, *args, **kwargs):
        before = dict(vars(estimator))
        try:
            return fit(estimator, *args, **kwargs)
        except BaseException:
            vars(estimator).clear()
            vars(estimator).update(before)
            raise

    return fit_or_restore


#: Where the library's frames come from: classic's package, scikit-learn's (whose
#: ``TransformerMixin.fit_transform``, its ``set_output`` wrapper, Pipeline and the model-selection
#: functions call ``fit``) and joblib's (through which ``cross_val_score`` and the searches do).
_LIBRARY_DIRS = tuple(os.path.dirname(module.__file__) + os.sep for module in (sys.modules[__name__], sklearn,
                                                                                sys.modules.get("joblib"))
                      if module is not None)  # joblib: imported by scikit-learn, not one of our dependencies


def counted(n, noun):
    """``n`` and ``noun``, plural unless n is 1: "1 row", "3 rows", "0 rows" (messages and verbose output)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def at_callers_line(function, *args, **kwargs):
    """``function(*args, **kwargs)``, its warnings (scikit-learn's validation: a column y, feature
    names) recorded and warned again at the user's line (:func:`caller_stacklevel`), as classic's own
    warnings are; they named classic's file that called scikit-learn until 2026-12-05."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    for warning in caught:
        warnings.warn(warning.message, warning.category, stacklevel=caller_stacklevel())
    return result


def caller_stacklevel():
    """The ``stacklevel`` with which the function calling this one makes ``warnings.warn`` name
    the user's line: that of the innermost frame outside classic, scikit-learn and joblib (the
    last frame if every one is inside; Python 3.12's ``skip_file_prefixes`` and pandas'
    ``find_stack_level`` do the same). A warning from ``fit`` so names the caller of ``fit``,
    ``fit_predict``, ``fit_transform`` (scikit-learn's ``TransformerMixin`` and its
    ``set_output`` wrapper: two frames), a Pipeline, ``cross_val_score`` (in this process) or a
    classic function that fits (``stability``), whatever the frames between. Until 2026-12-05
    each warning counted its frames in a constant (``stacklevel=3``: fit, restoring_on_error's
    wrapper, the caller), and ``KMeans.fit_predict`` named classic/kmeans.py, ``fit_transform``
    scikit-learn's base.py."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame, level = frame.f_back, level + 1
    return level
