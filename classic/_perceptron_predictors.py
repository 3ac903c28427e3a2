"""The predictors of a fitted perceptron (proofs/perceptron.md, PC-6 and PC-13), for
:class:`classic.perceptron.Perceptron`: the scores of the last weights, in the training's
order and precision, with the rows that overflowed evaluated again; and Freund and Schapire's
averaged and voted perceptrons, from the run's trace."""

import numpy as np

from classic import _perceptron_kernels as _k
from classic._jit import for_rows
from classic._validation import check_finite


def moves(X, scale, rows=None, weights=None):
    """The vectors the run adds for the examples ``rows`` (None: every row; before their sign),
    float64: the augmented rows :math:`\\tilde x_i = (x_i, s)`, ``s`` in X's precision, or with
    ``weights`` :math:`c` (PC-1, "Weights") :math:`\\mathrm{fl}(c_i \\tilde x_i)` rounded in X's
    precision as the run rounds them."""
    chosen = X if rows is None else X[rows]
    augmented = np.column_stack([chosen, np.full(chosen.shape[0], scale, dtype=X.dtype)])
    if weights is not None:
        with np.errstate(under="ignore"):
            augmented = augmented * (weights if rows is None else weights[rows])[:, None]
    return augmented.astype(np.float64)


def _averaged_weights(X, signs, scale, trace, weights=None):
    """Freund and Schapire's average :math:`\\frac1T \\sum_k c_k w_k` (PC-13), in float64.

    :math:`w_k` predicts :math:`c_k = t_{k+1} - t_k` presentations, so the
    average is :math:`w_0 + \\frac1T \\sum_j y_{i_j} \\tilde x_{i_j} (T - 1 - t_j)`
    (the start :math:`w_0`, ``epoch_weights[0]``, added last, and only when it is not 0;
    a weighted run's moves :func:`moves` for :math:`\\tilde x_{i_j}`).
    """
    n_steps = trace.n_iter * trace.n_samples
    coefficient = np.zeros(X.shape[0])
    np.add.at(coefficient, trace.updates, signs[trace.updates] * (n_steps - 1 - trace.update_steps) / n_steps)
    rows = np.unique(trace.updates)  # the other rows have coefficient 0
    augmented = moves(X, scale, rows, weights)
    # summed row after row (numpy's reduction over axis 0), not by BLAS, whose order may depend on its
    # threads: the certificate recomputes this average and compares it with coef_ bit for bit (PC-1)
    average = (coefficient[rows, None] * augmented).sum(axis=0)
    start = trace.epoch_weights[0].astype(np.float64)
    return start + average if np.any(start) else average


def _voted_weights(X, signs, scale, trace, weights=None):
    """All weights :math:`w_0 .. w_K` (float64, from the start ``epoch_weights[0]``, the updates (:func:`moves`)
    added one after the other) and their survival counts :math:`c_k` (PC-13)."""
    signed = moves(X, scale, trace.updates, weights) * signs[trace.updates, None]
    path = np.cumsum(np.vstack([trace.epoch_weights[0].astype(np.float64), signed]), axis=0)
    steps = np.concatenate([[-1], trace.update_steps, [trace.n_iter * trace.n_samples - 1]])
    return path, np.diff(steps).astype(np.float64)


def _vote(X, weights, counts, scale, block=256):
    """:math:`\\sum_k c_k\\,\\mathrm{sign}\\langle w_k, \\tilde x\\rangle` for every row of X."""
    X64 = X.astype(np.float64)
    out = np.empty(X.shape[0])
    for start in range(0, X.shape[0], block):
        rows = X64[start:start + block]
        with np.errstate(over="ignore", invalid="ignore"):  # overflowed rows: evaluated again below
            inner = rows @ weights[:, :-1].T + scale * weights[:, -1]
        _rescore_overflowed(rows, weights, scale, inner, first_row=start)
        out[start:start + block] = np.sign(inner) @ counts
    return out


def held_out_scores(X_val, prediction, X, signs, scale, weights, run):
    """The scores of X_val by the predictor ``prediction`` ("last", "averaged" or "voted") of the run
    ``run`` on (X, signs, ``weights``), computed as ``predict`` computes them after a fit that
    returns that run (step size 1): what early stopping scores (proofs/convergence.md, CV-7).
    ``run`` is a trace, or a run still going with the trace's fields ``n_iter``, ``n_samples``,
    ``updates``, ``update_steps`` and ``epoch_weights``. The average costs a pass over the
    updates so far; the vote scores every row of X_val with every weight vector so far."""
    scale = float(scale)
    if prediction == "voted":
        return _vote(X_val, *_voted_weights(X, signs, scale, run, weights), scale)
    w = run.epoch_weights[-1] if prediction == "last" else _averaged_weights(X, signs, scale, run, weights)
    W = coef_and_intercept(np.reshape(w, (1, -1)), scale, X.dtype).astype(X_val.dtype)  # in X_val's, as predict
    return _scores(X_val, W, 1.0, name="X_val")[:, 0]


def coef_and_intercept(weights, scale, dtype):
    """``coef_`` and ``intercept_`` as the rows ``predict`` scores with, from the augmented weights
    (n_problems, n_features + 1) of the runs: their first n_features entries, and the last one
    times the augmented feature ``scale`` (PC-8), rounded in ``dtype``."""
    weights = np.asarray(weights, dtype=dtype)
    return np.column_stack([weights[:, :-1], weights[:, -1] * np.dtype(dtype).type(scale)])


def _scores(X, W, scale, name="X"):
    """<W_c, x~_i> (x~_i = (x_i, scale)) for every row and weight vector, shape (n_samples,
    n_problems), in X's precision and the training order (``_perceptron_kernels.decision``),
    rows whose scores overflowed evaluated again (:func:`_rescore_overflowed`)."""
    scores = np.empty((X.shape[0], W.shape[0]), dtype=X.dtype)
    if for_rows(_k.decision, X.shape[0])(X, W, X.dtype.type(scale), scores):
        _rescore_overflowed(X, W, scale, scores, name=name)
    return scores


def _rescore_overflowed(X, W, scale, scores, name="X", first_row=0):
    """Rows of ``scores`` (n_samples, n_problems) that are not finite: an inner product
    <W_c, x~_i> overflowed X's precision, which the fit's range rule excludes for its own data
    but a row given to ``predict`` may do (inf − inf is NaN). They are evaluated again in long
    double, where no such product or sum overflows, and rounded to the scores' precision: ±inf
    where the value lies beyond it, never NaN. Where long double is no wider than float64 and a
    NaN remains, a ValueError names the row.

    It is also where NaN and infinity in X are found (``decision_function`` does not look for them
    first: that pass, a sum over X, took 3.1 of the 7.4 ms of a binary ``decision_function`` on
    200 000 x 50): every product w_f x_f with x_f NaN or infinite is NaN or infinite (0 inf is
    NaN), and so is any sum that holds one, so such a row's scores are never finite and it is
    among ``rows``; a ValueError names NaN or infinity, as the check before a fit does.

    Messages call the rows ``name`` and number them from ``first_row`` (X is a block of them)."""
    rows = np.flatnonzero(~np.isfinite(scores).all(axis=1))
    if rows.size == 0:
        return
    check_finite(X[rows], name)
    wide = W.astype(np.longdouble)
    # products summed without BLAS, whose float64 kernels may turn inf - inf into ±inf (OpenBLAS does)
    with np.errstate(over="ignore", invalid="ignore"):  # only where long double is float64; NaN refused below
        products = X[rows].astype(np.longdouble)[:, None, :] * wide[None, :, :-1]
        exact = products.sum(axis=2) + wide[:, -1] * np.longdouble(scale)
    with np.errstate(over="ignore"):
        scores[rows] = exact.astype(scores.dtype)
    if np.isnan(scores[rows]).any():
        raise ValueError(f"the perceptron's score of row {first_row + rows[0]} of {name} overflows even in long double on this "
                         "platform; rescale X (and refit)")
