"""Stability across seeds: do runs from different initialisations reach the same solution?

Lloyd's algorithm, EM and the perceptron converge to *a* fixed point that
depends on the initialisation (and the presentation order). Refitting over
seeds and comparing the solutions measures how much (proofs/convergence.md,
CV-8): pairwise agreement of the labels (for clusterers the adjusted Rand
index, Hubert & Arabie 1985, as renaming the clusters changes nothing; for
supervised estimators the fraction of equal predictions, as renaming the
classes changes the answer), distance
between centres after the best matching (the assignment problem, solved
exactly by ``scipy.optimize.linear_sum_assignment``), the spread of the final
objective, and the distinct local optima with their frequencies.
"""

import dataclasses
import math
import numbers
import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.base import clone, is_classifier
from sklearn.metrics import adjusted_rand_score

from classic._validation import check_bool, check_data, check_not_iterator, check_numbers

__all__ = ["LocalOptimum", "StabilityReport", "stability", "same_partition", "matched_centre_distance"]


def _frozen(array):
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


@dataclasses.dataclass(frozen=True)
class LocalOptimum:
    """One distinct solution: its objective, how many seeds reached it, and which.

    Attributes
    ----------
    objective : float
        The final objective of the first of its seeds' runs (runs that reach the same
        solution may differ in the last bits, or, for a mixture, more).
    count : int
        How many seeds reached it.
    frequency : float
        The fraction of the seeds that reached it.
    seeds : tuple of int
        The seeds that reached it.
    """

    objective: float
    count: int
    frequency: float
    seeds: tuple


@dataclasses.dataclass(frozen=True, eq=False)
class StabilityReport:
    """Result of :func:`stability`.

    Attributes
    ----------
    seeds : tuple of int
    objectives : ndarray of shape (n_seeds,)
        Final objective of each run. Clusterers: the trace's objective, else
        ``inertia_`` ("min"), ``lower_bound_`` ("max") or ``score(X)``.
        Supervised estimators (``y`` given): the training score
        ``score(X, y)`` ("max"; the accuracy for a classifier, weighted by
        ``sample_weight`` when the fits are), as scikit-learn reports a
        classifier's quality; never an optimiser's internal count, such as
        the perceptron's number of updates.
    objective_sense : {"min", "max"}
    objective_spread : float
        ``max - min`` of the final objectives.
    agreement : ndarray of shape (n_seeds, n_seeds)
        Agreement between the labels of each pair of runs, 1 for the same
        solution. Clusterers: the adjusted Rand index, blind to renaming the
        clusters (and below 1 for different partitions). Supervised
        estimators: the fraction of points with equal predictions on ``X``,
        so a classifier and its complement agree on 0, not 1.
    agreement_measure : {"adjusted Rand index", "fraction of equal predictions"}
    mean_agreement, min_agreement : float
        Over the pairs ``i < j``.
    centre_distance : ndarray of shape (n_seeds, n_seeds) or None
        Root-mean-square distance between matched centres (None when the
        estimator has no ``cluster_centers_`` or ``means_``).
    max_centre_distance : float or None
    optima : tuple of LocalOptimum
        The distinct solutions reached, best objective first: distinct
        partitions for clusterers (equal up to renaming), distinct
        predictions on ``X`` for supervised estimators (``y`` given), whose
        objective, the training score, is then the same for every run of
        an optimum; highest training score first.
    reproducible : bool or None
        Whether refitting the first seed gave bitwise the same labels, centres
        and objective (None when not checked).
    """

    seeds: tuple
    objectives: np.ndarray
    objective_sense: str
    objective_spread: float
    agreement: np.ndarray
    agreement_measure: str
    mean_agreement: float
    min_agreement: float
    centre_distance: np.ndarray | None
    max_centre_distance: float | None
    optima: tuple
    reproducible: bool | None

    @property
    def stable(self):
        """True when every seed reached the same solution (partition, or predictions)."""
        return len(self.optima) == 1

    def __str__(self):
        lines = [
            f"{len(self.seeds)} seeds, {len(self.optima)} distinct solution(s); "
            f"mean {self.agreement_measure} {self.mean_agreement:.4f} (min {self.min_agreement:.4f}); "
            f"objective spread {self.objective_spread:.6g}"
        ]
        for o in self.optima:
            lines.append(f"  objective {o.objective:.6g}: {o.count} run(s) ({100 * o.frequency:.0f}%)")
        if self.reproducible is not None:
            lines.append(f"refitting seed {self.seeds[0]}: " + (
                "bitwise the same result" if self.reproducible else
                "NOT the same result: the runs vary beyond their seed, so seeds are not all that differs above"))
        return "\n".join(lines)


def same_partition(a, b):
    """True when label vectors ``a`` and ``b`` define the same partition (equal up to renaming).

    Exact: the pairs ``(a_i, b_i)`` are as many as the distinct labels of each. Labels are any
    values of one orderable kind (integers, floats, strings, as scikit-learn's
    ``adjusted_rand_score`` takes them); NaN is no label (a ValueError).

    Parameters
    ----------
    a, b : array-like of shape (n_samples,)
        The two label vectors.

    Returns
    -------
    bool
    """
    a, b = (_label_codes(labels, name) for name, labels in (("a", a), ("b", b)))
    if a.shape != b.shape:
        raise ValueError(f"same_partition compares two label vectors of the same length, got {a.size} and {b.size} "
                         "labels")
    if a.size == 0:
        return True
    pairs = np.unique(a * (int(b.max()) + 1) + b).size  # a code per pair: below n^2 <= 2^63 for n < 3e9
    return pairs == int(a.max()) + 1 == int(b.max()) + 1


def _label_codes(labels, name):
    """The labels as integer codes 0, 1, ... (one per distinct label, in sorted order), checked
    for :func:`same_partition`."""
    check_not_iterator(labels, name)
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"same_partition compares two 1-D label vectors, got {name} of shape {labels.shape}; "
                         "give one label per point")
    if (labels.dtype.kind in "fc" and np.isnan(labels).any()) or \
            (labels.dtype.kind == "O" and any(value != value for value in labels)):  # NaN is the value unequal to itself
        raise ValueError(f"same_partition: {name} contains NaN, which is no label; give every point a label")
    try:
        return np.unique(labels, return_inverse=True)[1].reshape(-1).astype(np.int64)
    except TypeError:  # values that cannot be ordered, such as a mix of strings and numbers
        raise TypeError(f"same_partition: the labels of {name} cannot be sorted (a mix of types, such as strings "
                        "and numbers?); give labels of one type") from None


def matched_centre_distance(centres_a, centres_b):
    """Root-mean-square distance between two sets of centres after the best permutation.

    .. math:: \\min_{\\pi} \\Big(\\frac{1}{k}\\sum_j \\|a_j - b_{\\pi(j)}\\|^2\\Big)^{1/2}

    (the linear assignment problem on squared distances, solved exactly). Both sets hold
    the same number ``k >= 1`` of finite centres in the same dimension ``n_features >= 1`` (a
    ValueError otherwise: a partial matching would ignore the unmatched centres, and the mean
    over no centres is undefined).

    Parameters
    ----------
    centres_a, centres_b : array-like of shape (k, n_features)
        The two sets of centres.

    Returns
    -------
    float
    """
    a, b = (check_numbers(centres, f"matched_centre_distance: {name}")
            for name, centres in (("centres_a", centres_a), ("centres_b", centres_b)))
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(
            f"matched_centre_distance matches two sets of k centres in the same dimension, arrays of the same "
            f"shape (k, n_features); got shapes {a.shape} and {b.shape}"
        )
    if a.shape[0] == 0:
        raise ValueError(f"matched_centre_distance needs at least one centre, got shape {a.shape}")
    if a.shape[1] == 0:
        raise ValueError(f"matched_centre_distance needs centres with at least one feature, got shape {a.shape}")
    # in units of a power of two near the largest |value| (exact): the squares neither overflow
    # nor, for centres far below 1, underflow to 0
    exponent = math.frexp(float(max(np.max(np.abs(a)), np.max(np.abs(b)))))[1]
    a, b = np.ldexp(a, -exponent), np.ldexp(b, -exponent)
    cost = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    with np.errstate(over="ignore"):  # a distance beyond float64 is inf, as the unscaled formula would give
        return float(np.ldexp(np.sqrt(cost[rows, cols].mean()), exponent))


def _labels(model, X, supervised):
    """The fit's labels (a classifier's predictions on X), one per row of X, or an error naming
    what the estimator lacks: found after its first fit, not after every seed's."""
    name = type(model).__name__
    if supervised or not hasattr(model, "labels_"):
        if not hasattr(model, "predict"):
            raise TypeError(f"{name} has no {'predict' if supervised else 'labels_ or predict'}: stability compares "
                            "the labels of its fits, so it takes a clusterer or a classifier")
        labels = np.asarray(model.predict(X))
    else:
        labels = np.asarray(model.labels_)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"{name}'s labels have shape {labels.shape}; stability needs one label per row of X "
                         f"({X.shape[0]},)")
    if labels.dtype.kind in "fc" and not np.all(np.isfinite(labels)):
        raise ValueError(f"{name}'s labels hold NaN or infinity; stability needs a label for every row of X")
    return labels


def _centres(model):
    for name in ("cluster_centers_", "means_"):
        if hasattr(model, name):
            return np.asarray(getattr(model, name))
    return None


def _fraction_equal(a, b):
    """Agreement of two classifiers: the fraction of points with equal predictions."""
    return float(np.mean(a == b))


def _objective(model, X, y, fit_params):
    """Final objective and its sense: with ``y``, the training score (weighted as the fit was);
    else the trace's, inertia_, lower_bound_, or score(X)."""
    if y is not None:
        weight = fit_params.get("sample_weight")
        return float(model.score(X, y) if weight is None else model.score(X, y, sample_weight=weight)), "max"
    if hasattr(model, "trace_"):
        return float(model.trace_.objective[-1]), model.trace_.OBJECTIVE_SENSE
    if hasattr(model, "inertia_"):
        return float(model.inertia_), "min"
    if hasattr(model, "lower_bound_"):
        return float(model.lower_bound_), "max"
    if not hasattr(model, "score"):
        raise TypeError(f"{type(model).__name__} reports no objective (a trace_, inertia_, lower_bound_ or score) "
                        "by which stability could rank its fits")
    return float(model.score(X)), "max"


def _fit(estimator, seed, X, y, fit_params):
    model = clone(estimator).set_params(random_state=seed)
    try:
        return model.fit(X, **fit_params) if y is None else model.fit(X, y, **fit_params)
    except ValueError as error:  # name the seed (the others may fit), keeping the error's type
        error.args = (f"random_state={seed}: {error}", *error.args[1:])
        raise


def _seed_free(estimator):
    """Why one of classic's estimators draws nothing from ``random_state`` with its parameters, or
    None (also for other libraries' estimators, whose parameters of these names may mean else): a
    fixed order (``shuffle=False``, the perceptron's default), given initial centres (an array
    ``init``), or every initial mixture parameter given."""
    from classic import GaussianMixture, KMeans, Perceptron

    if not isinstance(estimator, (GaussianMixture, KMeans, Perceptron)):
        return None
    params = estimator.get_params()
    shuffle = params.get("shuffle")
    if isinstance(shuffle, (bool, np.bool_)) and not shuffle:  # NumPy's False too, which the estimators take
        return "shuffle=False: the examples are visited in a fixed order; pass shuffle=True"
    init = params.get("init")
    if init is not None and not isinstance(init, str) and not callable(init):
        return "init is an array of centres; pass init='k-means++' or 'random'"
    if all(params.get(name) is not None for name in ("weights_init", "means_init", "precisions_init")):
        return "weights_init, means_init and precisions_init are all given"
    return None


def stability(estimator, X, y=None, seeds=range(10), *, check_reproducible=True, **fit_params):
    """Refit ``estimator`` over ``seeds`` and report how often the runs agree.

    Parameters
    ----------
    estimator : unfitted scikit-learn-style estimator
        With a ``random_state`` parameter, ``fit``, ``labels_`` or ``predict`` (one label per
        row of X), an objective to rank its fits by (``trace_``, ``inertia_``, ``lower_bound_``
        or ``score``), and optionally ``cluster_centers_`` / ``means_``.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), optional
        Required for classifiers and refused for the others: the labels are then the
        predictions on ``X``, the agreement the fraction of equal predictions and the objective
        the training score ``score(X, y)`` (see :class:`StabilityReport`).
    seeds : iterable of int, or int, default range(10)
        At least two seeds, distinct for a measure of stability (a repeated seed repeats its run: a
        UserWarning says so); an int n stands for the seeds 0, ..., n - 1 (as ``cv=5`` stands for
        five folds in scikit-learn).
    check_reproducible : bool, default True
        Refit the first seed and check the fit is bitwise the same.
    **fit_params
        Passed to every ``fit``, e.g. ``sample_weight=w`` (the objectives are then the
        weighted ones the fits report).

    Returns
    -------
    StabilityReport

    Warns
    -----
    UserWarning
        When one of classic's estimators has parameters that leave nothing to random_state
        (``shuffle=False``, an array ``init``, every ``*_init`` of a mixture given): every seed
        then gives one run. When refitting the first seed does not give bitwise the same result
        (``reproducible`` False): the report then mixes the seeds' effect with the estimator's
        own variation from run to run.
    """
    if isinstance(estimator, type):
        raise TypeError(f"stability takes an estimator, not its class: pass {estimator.__name__}(...), with its "
                        "parameters")
    if not hasattr(estimator, "get_params") or "random_state" not in estimator.get_params():
        raise ValueError(f"{type(estimator).__name__} has no random_state parameter: nothing varies across seeds")
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        if seeds < 0:
            raise ValueError(f"seeds={seeds}: give the number of seeds (at least 2) or an iterable of them")
        seeds = range(int(seeds))
    try:
        seeds = tuple(seeds)
    except TypeError:
        raise TypeError(f"seeds must be an iterable of non-negative integers or their number, got {seeds!r}") from None
    if len(seeds) < 2:
        raise ValueError(f"stability needs at least 2 seeds, got {len(seeds)}")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"seeds must be non-negative integers, got {seed!r}")
    repeated = sorted({int(seed) for seed in seeds if seeds.count(seed) > 1})
    if repeated:  # the same fit again: a check of reproducibility, which agrees with itself whatever the estimator
        warnings.warn(f"seeds {repeated} {'is' if len(repeated) == 1 else 'are'} given more than once: a repeated "
                      "seed repeats the same run, which checks reproducibility but agrees with itself whatever the "
                      "estimator; for stability across seeds give distinct ones, e.g. seeds=range(10)", UserWarning,
                      stacklevel=2)
    check_reproducible = check_bool(check_reproducible, "check_reproducible")
    supervised = y is not None
    if supervised != is_classifier(estimator):
        raise ValueError(
            f"{type(estimator).__name__} is a classifier: pass its labels, stability(estimator, X, y)" if not supervised
            else f"y is for classifiers, whose predictions are compared as they are; {type(estimator).__name__} is "
                 "not one (its labels are compared up to renaming the clusters): call stability(estimator, X)")
    X = check_data(X, min_samples=2)
    reason = _seed_free(estimator)
    if reason is not None:
        warnings.warn(f"{type(estimator).__name__} draws nothing from random_state ({reason}): every seed gives "
                      "the same run, and agreement across seeds says nothing about stability", UserWarning,
                      stacklevel=2)

    models, labels, objectives, senses = [], [], [], []
    for seed in seeds:  # each fit's labels and objective at once: a missing one is named after the first fit
        models.append(_fit(estimator, int(seed), X, y, fit_params))
        labels.append(_labels(models[-1], X, supervised))
        objective, sense = _objective(models[-1], X, y, fit_params)
        objectives.append(objective)
        senses.append(sense)
    centres = [_centres(m) for m in models]
    objectives = np.array(objectives)
    sense = senses[0]
    if not np.all(np.isfinite(objectives)):
        bad = int(np.flatnonzero(~np.isfinite(objectives))[0])
        raise ValueError(f"the fit with seed {seeds[bad]} has objective {objectives[bad]}, not a finite number: "
                         "its solution cannot be ranked; check that fit (it may have diverged)")

    # Clusterings are equal up to renaming the clusters; a classifier's predictions are not.
    if supervised:
        measure, agree, same = "fraction of equal predictions", _fraction_equal, np.array_equal
    else:
        measure, agree, same = "adjusted Rand index", adjusted_rand_score, same_partition
    n = len(seeds)
    agreement = np.ones((n, n))
    distance = np.zeros((n, n)) if centres[0] is not None else None
    for i in range(n):
        for j in range(i + 1, n):
            agreement[i, j] = agreement[j, i] = agree(labels[i], labels[j])
            if distance is not None:
                distance[i, j] = distance[j, i] = matched_centre_distance(centres[i], centres[j])
    upper = agreement[np.triu_indices(n, 1)]

    groups = []  # [representative index, members]
    for i in range(n):
        for group in groups:
            if same(labels[group[0]], labels[i]):
                group[1].append(i)
                break
        else:
            groups.append([i, [i]])
    optima = [
        LocalOptimum(float(objectives[g[0]]), len(g[1]), len(g[1]) / n, tuple(seeds[k] for k in g[1])) for g in groups
    ]
    optima.sort(key=lambda o: o.objective if sense == "min" else -o.objective)

    reproducible = None
    if check_reproducible:
        again = _fit(estimator, int(seeds[0]), X, y, fit_params)
        same_centres = centres[0] is None or np.array_equal(_centres(again), centres[0])
        reproducible = bool(
            np.array_equal(_labels(again, X, supervised), labels[0])
            and same_centres
            and _objective(again, X, y, fit_params)[0] == objectives[0]
        )
        if not reproducible:
            warnings.warn(f"refitting {type(estimator).__name__} with random_state={seeds[0]} did not give bitwise the "
                          "same labels, centres and objective: its runs vary beyond their seed (threads, or a source "
                          "of randomness other than random_state), so the differences across seeds are not the "
                          "seeds' alone", UserWarning, stacklevel=2)

    return StabilityReport(
        seeds=seeds,
        objectives=_frozen(objectives),
        objective_sense=sense,
        objective_spread=float(objectives.max() - objectives.min()),
        agreement=_frozen(agreement),
        agreement_measure=measure,
        mean_agreement=float(upper.mean()),
        min_agreement=float(upper.min()),
        centre_distance=None if distance is None else _frozen(distance),
        max_centre_distance=None if distance is None else float(distance.max()),
        optima=tuple(optima),
        reproducible=reproducible,
    )
