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

import numbers

import numpy as np

from classic._validation import ParameterError

__all__ = ["check_class_weight", "class_weights", "problem_weights", "check_update_range"]


def check_class_weight(class_weight):
    """``class_weight`` as a parameter, before the classes are known: None, "balanced" or a
    mapping from labels to finite non-negative numbers; a ParameterError naming the fix otherwise."""
    if class_weight is None or (isinstance(class_weight, str) and class_weight == "balanced"):
        return
    if not isinstance(class_weight, dict):
        raise ParameterError(f"class_weight must be None, 'balanced' or a dict from class labels to weights, got "
                             f"{class_weight!r}")
    for label, weight in class_weight.items():
        if not isinstance(weight, numbers.Real) or isinstance(weight, bool) or not np.isfinite(weight) or weight < 0:
            raise ParameterError(f"class_weight[{label!r}] = {weight!r}: the weights must be finite numbers >= 0")


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
        raise ValueError(f"class_weight names {unknown[:5]!r}, not among the classes {list(known)[:5]!r}: give "
                         "weights to classes of y only")
    return np.array([float(class_weight.get(label, 1.0)) for label in np.asarray(classes).tolist()])


def problem_weights(by_class, sample_weight, problems, dtype):
    """The weights :math:`c_i` of each binary problem (rows of ``problems``, its +1/-1 signs), in
    ``dtype``, as the module docstring forms them; None for a problem whose weights are all 1 (the
    unweighted run: its arithmetic is the same, bit for bit)."""
    kind = np.dtype(dtype).type
    n_problems, n = problems.shape
    samples = np.ones(n, dtype) if sample_weight is None else np.asarray(sample_weight).astype(dtype)
    weights = []
    for p, signs in enumerate(problems):
        if by_class is None:
            sides = np.ones(n, dtype)
        else:
            if n_problems == 1 and by_class.size == 2:   # two classes: classes_[1] positive, classes_[0] negative
                positive, negative = by_class[1], by_class[0]
            else:   # one class, or one-vs-rest: the problem's class against weight 1
                positive, negative = by_class[p], 1.0
            sides = np.where(signs > 0, kind(positive), kind(negative)).astype(dtype)
        with np.errstate(over="ignore", under="ignore"):
            c = sides * samples
        weights.append(None if np.all(c == 1) else c)
    return weights


def check_update_range(X, scale, weights):
    """A ValueError unless every weighted example :math:`c_i \\tilde x_i` has a squared norm
    within X's precision (the range rule of PC-7 for the moves of a weighted run): with the
    rows themselves in range, only weights far above 1 can break it."""
    largest = float(np.finfo(X.dtype).max)
    rows = None
    for c in weights:
        if c is None:
            continue
        if rows is None:
            rows = np.einsum("ij,ij->i", X, X, dtype=np.float64) + float(scale) ** 2
        with np.errstate(over="ignore"):
            moves = c.astype(np.float64) ** 2 * rows
        if not (np.all(np.isfinite(c)) and np.all(moves <= largest)):
            i = int(np.argmax(~(np.isfinite(moves) & (moves <= largest))))
            raise ValueError(
                f"the weighted example {i} (class_weight times sample_weight, {float(c[i]):.3g}, times the row) has a "
                f"squared norm beyond {X.dtype.name} ({float(moves[i]):.3g}): the weights would overflow "
                "(proofs/perceptron.md, PC-7). Divide the weights by a common factor")
