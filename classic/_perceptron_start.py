"""The start of a perceptron run other than 0 (proofs/perceptron.md, PC-1, "A start"), for
:class:`classic.perceptron.Perceptron`: the start ``fit`` makes of ``coef_init`` and
``intercept_init`` (or, with ``warm_start``, of the previous ``coef_`` and ``intercept_``), the
start ``partial_fit`` continues from (the previous run's last weights), and the classes its first
call declares. Each is validated here, once, with a ValueError naming the value and the fix."""

import numpy as np
from sklearn.utils.multiclass import unique_labels

from classic._validation import check_numbers

__all__ = ["declared_classes", "intercept_for_scale", "last_weights", "same_classes", "start_weights"]


def start_weights(given, n_problems, n_features, n_classes, scale, eta0, dtype, inherited=()):
    """The augmented start w_0 of each binary problem (one row each, in ``dtype``), from
    ``coef_init`` and ``intercept_init`` (``given``, a dict; None is 0) in the units of ``coef_`` and
    ``intercept_``: the step-1 run from w_0 = (coef_init, intercept_init / s) / eta0 is the
    eta0-run from (coef_init, intercept_init) scaled by 1/eta0 (PC-1, "Step size"), each
    division rounded once in ``dtype``; ``scale`` is s (0: no intercept). A ValueError names the
    shape expected, or a start whose squared norm leaves the precision's range (PC-7, "Overflow"),
    each naming warm_start for the values it took from the previous fit (the names in ``inherited``)."""
    coef_shape = (n_problems, n_features)
    intercept_shape = (n_problems,)
    start = np.zeros((n_problems, n_features + 1), dtype=dtype)
    for name, shape in (("coef_init", coef_shape), ("intercept_init", intercept_shape)):
        value = given[name]
        if value is None:
            continue
        origin = name if name not in inherited else f"{name} (warm_start: the previous fit's {name.replace('_init', '_')})"
        value = check_numbers(value, origin)
        if n_problems == 1 and value.size == int(np.prod(shape)) and value.ndim <= len(shape):
            value = value.reshape(shape)   # scikit-learn's binary shapes: (d,) or (1, d); () or (1,)
        if value.shape != shape:
            expected = f"({n_features},) or {coef_shape}" if n_problems == 1 and name == "coef_init" else (
                "() or (1,)" if n_problems == 1 else str(shape))
            raise ValueError(f"{origin} has shape {value.shape}, but X has {n_features} features and y {n_classes} "
                             f"classes: give shape {expected} (one row per one-vs-rest problem when there are more "
                             "than two classes)")
        if name == "intercept_init":
            if scale == 0 and np.any(value != 0):
                raise ValueError(f"{origin} is not 0, but fit_intercept=False: the run learns no intercept, and a "
                                 "fixed one is outside Novikoff's theorem (proofs/perceptron.md, PC-8). " + (
                                     "Pass intercept_init=0, set warm_start=False, or set fit_intercept=True"
                                     if name in inherited else "Set fit_intercept=True, or pass intercept_init=None"))
            if scale != 0:
                with np.errstate(over="ignore", under="ignore"):
                    start[:, -1] = value.astype(dtype) / dtype.type(scale)
        else:
            with np.errstate(over="ignore"):
                start[:, :-1] = value.astype(dtype)
    if eta0 != 1:
        with np.errstate(over="ignore", under="ignore"):
            start = start / dtype.type(eta0)
    if not _within_range(start, dtype):
        source = "coef_init and intercept_init" + (" (warm_start: the previous fit's coef_ and intercept_)"
                                                   if inherited else "")
        raise ValueError(
            f"the start from {source} (divided by eta0={eta0:g}, its intercept by intercept_scaling) has a squared "
            f"norm beyond the largest {np.dtype(dtype).name}, so its inner products could overflow "
            "(proofs/perceptron.md, PC-7, 'Overflow'): rescale the start")
    return start


def last_weights(traces, fitted_eta0, eta0, scale, dtype):
    """The last augmented weights of each problem's run (``traces``), in ``dtype`` (rounded once if
    the previous run's precision was wider), as the start of a run with step ``eta0`` and augmented
    feature ``scale``: times fitted_eta0 / eta0 if the step size changed (``coef_`` is eta0 times
    the run's weights: the same classifier, as scikit-learn continues it), and the intercept's
    weight re-expressed as s_old w / s if the feature, rounded to ``dtype`` as the run rounds it,
    changed (a ValueError if it is not 0 and ``scale`` is)."""
    weights = np.array([t.epoch_weights[-1] for t in traces], dtype=np.float64)
    old = np.array([t.intercept_scaling for t in traces])
    new = float(dtype.type(scale))
    if np.any(old != new):
        weights[:, -1] = intercept_for_scale(weights[:, -1], old, new)
    with np.errstate(over="ignore", under="ignore"):
        weights = weights.astype(dtype)
        if fitted_eta0 != eta0:   # coef_ = fl(eta0_old w), then divided by eta0 as a coef_init is
            weights = (weights * dtype.type(fitted_eta0)) / dtype.type(eta0)
    if not _within_range(weights, dtype):
        raise ValueError(f"the model's weights, as the start of a run with eta0={eta0:g} and intercept_scaling="
                         f"{scale:g} in {np.dtype(dtype).name}, have a squared norm beyond its range: keep the "
                         "previous eta0 and intercept_scaling, or fit afresh")
    return weights


def intercept_for_scale(intercept, old, new, what="intercept"):
    """The intercept's weight (or weights: a number or an array) of a run with augmented feature
    ``old``, re-expressed for the feature ``new``: s_old w / s, the same intercept s w to rounding
    (float64); 0 for ``new`` = 0, and a ValueError naming the model's ``what`` if its intercept
    s_old w is not 0 there. The start of a continued run (:func:`last_weights`) and the average or
    vote a ``partial_fit`` call continues (PC-13) are re-expressed so."""
    intercept = np.asarray(intercept, dtype=np.float64)
    if new == 0:
        if np.any(intercept * old != 0):
            raise ValueError(f"the model's {what} is not 0, but fit_intercept=False now: the run learns no "
                             "intercept, and a fixed one is outside Novikoff's theorem (proofs/perceptron.md, PC-8). "
                             "Set fit_intercept=True, or fit afresh")
        return np.zeros_like(intercept)
    return intercept * old / new


def _within_range(weights, dtype):
    """Whether every row's squared norm, in float64, is at most the largest number of ``dtype`` (PC-7,
    "Overflow": then no inner product of the first decisions can overflow)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(np.sum(np.square(weights.astype(np.float64)), axis=1) <= np.finfo(dtype).max))


def declared_classes(classes):
    """The ``classes`` of partial_fit's first call as ``classes_`` is made in fit: sorted, unique,
    strings as str; a ValueError unless it is a 1-D sequence of labels of one kind."""
    given = classes
    classes = np.asarray(classes)
    if classes.ndim != 1 or classes.size == 0:
        raise ValueError(f"classes must be a one-dimensional, non-empty array of labels, got shape {classes.shape}")
    if classes.dtype.kind in "fc" and not np.all(np.isfinite(classes)):
        raise ValueError("classes holds NaN or infinity: give the labels of y")
    try:   # scikit-learn's test of the labels as given: a mix of strings and numbers, None
        unique_labels(given)
        unique = np.unique(classes)
    except (TypeError, ValueError) as error:
        raise ValueError(f"classes must be labels of one kind, all numbers or all strings, without NaN or None: "
                         f"{error}") from None
    return unique_labels(classes) if unique.dtype == object else unique


def same_classes(a, b):
    """Whether two arrays of classes are the same, in the same order."""
    return len(a) == len(b) and bool(np.all(a == b))
