"""The weights of a weighted perceptron run (``class_weight``, ``sample_weight``;
proofs/perceptron.md, PC-1 "Weights"), for :class:`classic.perceptron.Perceptron` and its
certificate.

Each binary problem weighs example ``i`` by :math:`c_i = \\mathrm{fl}(\\mathrm{fl}(a_i)\\,
\\mathrm{fl}(s_i))` in X's precision, with :math:`a_i` the class weight of its side of the
problem and :math:`s_i` its sample weight, as scikit-learn's SGD forms ``class_weight *
sample_weight``: the weight of the positive class for the positives, and for the negatives
that of the negative class with two classes, 1 in one-vs-rest (scikit-learn's
``weight_neg = 1``). The run moves by :math:`y_i\\,\\mathrm{fl}(c_i \\tilde x_i)`.
"""

import hashlib
import numbers

import numpy as np

from classic._validation import ParameterError, largest_magnitude_of

__all__ = ["check_class_weight", "class_weights", "problem_weights", "check_update_range", "weights_digest"]


def check_class_weight(class_weight):
    """``class_weight`` as a parameter, before the classes are known: None, "balanced" or a
    mapping from labels to finite non-negative numbers; a ParameterError naming the fix otherwise."""
    if class_weight is None or (isinstance(class_weight, str) and class_weight == "balanced"):
        return
    if not isinstance(class_weight, dict):
        raise ParameterError(f"class_weight must be None, 'balanced' or a dict from class labels to weights, got "
                             f"{class_weight!r}")
    tiny = float(np.finfo(np.float64).tiny)
    for label, weight in class_weight.items():
        # numbers as sample_weight takes them (Decimal, Fraction, NumPy scalars), never bool, complex or text
        value = np.nan
        if isinstance(weight, numbers.Number) and not isinstance(weight, (bool, complex)):
            try:
                value = float(weight)
            except OverflowError:   # an int or a Fraction beyond float64 (its repr may be thousands of digits)
                raise ParameterError(f"class_weight[{label!r}] is beyond the range of float64: the weights must be "
                                     f"finite numbers >= 0; scale every class weight by a common factor") from None
            except ValueError:      # Decimal('sNaN'): "cannot convert signaling NaN to float", naming nothing
                pass
        if not (np.isfinite(value) and value >= 0):
            raise ParameterError(f"class_weight[{label!r}] = {weight!r}: the weights must be finite numbers >= 0")
        if 0 < value < tiny:
            raise ParameterError(f"class_weight[{label!r}] = {weight!r} is below the smallest normal float64 "
                                 f"({tiny:.3g}); set it to 0, or scale every class weight by a common factor")


def class_weights(class_weight, classes, y_index):
    """The weight of each class (float64, in the order of ``classes``), or None for
    ``class_weight=None``. "balanced" is scikit-learn's n / (n_classes * count of the class in
    y); a dict names classes (the classes it leaves out weigh 1), and a ValueError names a key
    that is not a class."""
    if class_weight is None:
        return None
    if isinstance(class_weight, str):   # "balanced" (check_class_weight)
        counts = np.bincount(y_index, minlength=len(classes)).astype(np.float64)
        with np.errstate(divide="ignore"):
            return np.where(counts > 0, y_index.size / (len(classes) * counts), 1.0)
    known = set(np.asarray(classes).tolist())
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(f"class_weight names {unknown[:5]!r}, not among the classes "
                         f"{np.asarray(classes).tolist()[:5]!r}: give weights to classes of y only")
    return np.array([float(class_weight.get(label, 1.0)) for label in np.asarray(classes).tolist()])


def weights_digest(sample_weight):
    """A digest of validated sample weights (float64; None for none), which the fit records so that
    the certificate can tell the weights it is given are the fit's (PC-1)."""
    return None if sample_weight is None else hashlib.sha256(np.ascontiguousarray(sample_weight).tobytes()).hexdigest()


def problem_weights(by_class, sample_weight, problems, dtype):
    """The weights :math:`c_i` of each binary problem (rows of ``problems``, its +1/-1 signs), in
    ``dtype``, as the module docstring forms them; None for a problem whose weights are all 1 (the
    unweighted run: its arithmetic is the same, bit for bit)."""
    n_problems, n = problems.shape
    if by_class is None and sample_weight is None:   # the unweighted run (a fit without weights skips the rest)
        return [None] * n_problems
    with np.errstate(over="ignore", under="ignore"):   # beyond float32: refused below, by name
        samples = np.ones(n, dtype) if sample_weight is None else np.asarray(sample_weight).astype(dtype)
    positive = np.ones(n, bool) if sample_weight is None else np.asarray(sample_weight) > 0   # before rounding
    weights = []
    for p, signs in enumerate(problems):
        if by_class is None:
            sides = np.ones(n)
        else:
            two = n_problems == 1 and by_class.size == 2   # two classes: classes_[1] positive, classes_[0] negative
            up, down = (1, 0) if two else (p, None)           # else one class, or one-vs-rest: against weight 1
            sides = np.where(signs > 0, by_class[up], 1.0 if down is None else by_class[down])   # float64
        with np.errstate(over="ignore", under="ignore"):
            c = sides.astype(dtype) * samples              # fl(fl(a) fl(s)) in dtype
        _check_product(c, positive & (sides > 0), dtype)   # the examples meant to weigh more than 0
        weights.append(None if np.all(c == 1) else c)
    return weights


def _check_product(c, positive, dtype):
    """A ValueError naming the example where class weight times sample weight leaves ``dtype``: beyond
    its range, or ``positive`` factors whose product (or factor) rounds to 0 (the example would silently
    not be learnt)."""
    lost = ~np.isfinite(c) | ((c == 0) & positive)
    if lost.any():
        i = int(np.argmax(lost))
        where = "beyond" if not np.isfinite(c[i]) else "below"
        raise ValueError(
            f"class_weight times sample_weight of example {i} is {where} the range of {np.dtype(dtype).name} "
            "(the weights are rounded to the data's precision, as scikit-learn's): scale class_weight and "
            "sample_weight by a common factor towards 1")


def check_update_range(X, scale, weights):
    """A ValueError unless every weighted example :math:`c_i \\tilde x_i` has a squared norm
    within X's precision (the range rule of PC-7 for the moves of a weighted run): with the
    rows themselves in range, only weights far above 1 can break it."""
    largest = float(np.finfo(X.dtype).max)
    given = [c for c in weights if c is not None]
    if not given:
        return
    # enough, and one pass over X: every ||c_i x~_i||^2 <= max c^2 (d + 1) max(|X|, s)^2; the factor 2 covers the
    # few roundings of that product in float64 and of z = fl(c x~) in X's precision, each below 1 + 2^-24 (a
    # per-row einsum took 5.4 ms of a weighted fit on 200 000 x 50)
    top = np.float64(max(largest_magnitude_of(X), abs(float(scale))))
    heaviest = np.float64(max(float(np.max(c)) for c in given))
    with np.errstate(over="ignore"):
        if 2.0 * heaviest * heaviest * (X.shape[1] + 1) * top * top <= largest:
            return
    rows = np.einsum("ij,ij->i", X, X, dtype=np.float64) + float(scale) ** 2
    for c in given:
        with np.errstate(over="ignore"):
            moves = c.astype(np.float64) ** 2 * rows
        if not np.all(moves <= largest):
            i = int(np.argmax(~(moves <= largest)))
            raise ValueError(
                f"the weighted example {i} (class_weight times sample_weight, {float(c[i]):.3g}, times the row) has a "
                f"squared norm beyond {X.dtype.name} ({float(moves[i]):.3g}): the weights would overflow "
                "(proofs/perceptron.md, PC-7). Divide the weights by a common factor")


def check_something_weighs(weights, n_classes):
    """A ValueError when two or more classes are to be told apart but every example weighs 0 in every
    binary problem (``weights`` as :func:`problem_weights` returns them): every mistake would move
    nothing, and the run "converged" at once with w = 0 (an audit, 2026-12-06). ``fit`` checks it;
    a ``partial_fit`` batch may weigh nothing, and one class needs nothing learnt."""
    if n_classes >= 2 and all(c is not None and not np.any(c) for c in weights):
        raise ValueError("class_weight times sample_weight is 0 for every example (of every one-vs-rest problem): "
                         "nothing can be learnt; give some examples a positive weight")
