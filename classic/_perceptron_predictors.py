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
    a weighted run's moves :func:`moves` for :math:`\\tilde x_{i_j}`). A ``partial_fit`` call that
    continues an average (the trace's ``carried_presentations`` :math:`T_0 > 0` and
    ``carried_average`` :math:`\\bar a_0`) returns :math:`(T_0 \\bar a_0 + T \\bar a) / (T_0 + T)`.
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
    average = start + average if np.any(start) else average
    carried = int(trace.carried_presentations)
    if carried == 0:
        return average
    return (trace.carried_average * float(carried) + average * float(n_steps)) / float(carried + n_steps)


def _voted_weights(X, signs, scale, trace, weights=None):
    """All weights :math:`w_0 .. w_K` (float64, from the start ``epoch_weights[0]``, the updates (:func:`moves`)
    added one after the other), as the columns of an array (n_features + 1, K + 1) as :func:`_vote`
    reads them, and their survival counts :math:`c_k` (PC-13)."""
    signed = moves(X, scale, trace.updates, weights) * signs[trace.updates, None]
    path = np.cumsum(np.vstack([trace.epoch_weights[0].astype(np.float64), signed]), axis=0)
    steps = np.concatenate([[-1], trace.update_steps, [trace.n_iter * trace.n_samples - 1]])
    return np.ascontiguousarray(path.T), np.diff(steps).astype(np.float64)


def _vote(X, WT, counts, scale, name="X"):
    """:math:`\\sum_k c_k\\,\\mathrm{sign}\\langle w_k, \\tilde x\\rangle` for every row of X (float64), the
    weights :math:`w_k` the columns of ``WT`` (n_features + 1, n_weights; float64, C order),
    :math:`c_k` the ``counts``.

    Each score is :func:`classic._perceptron_kernels.vote`'s, in the order of the training
    decisions, and one that overflowed is evaluated again in long double (the same sums by
    numpy, then :func:`_rescore_overflowed`): a number fixed by the row and the weight vector alone.
    The terms :math:`c_k\\,\\mathrm{sign}` are integers and so is every partial sum (below
    :math:`2^{53}`, the run's presentations), so the vote is exact in any order: a vote over some
    weight vectors plus a vote over the others is the vote over all of them, bit for bit
    (:class:`HeldOutVote` votes so). No (n_samples, n_weights) matrix is formed."""
    X64 = np.ascontiguousarray(X, dtype=np.float64)
    counts = counts.astype(np.int64)
    votes, lost = np.zeros(X.shape[0], np.int64), np.zeros(X.shape[0], np.int64)
    with np.errstate(over="ignore", invalid="ignore"):  # scores that overflow: evaluated again below
        for_rows(_k.vote, X.shape[0])(X64, WT, counts, float(scale), votes, lost)
        for i in np.flatnonzero(lost):
            scores = WT[0] * X64[i, 0]  # the kernel's sums, in its order
            for f in range(1, X.shape[1]):
                scores += WT[f] * X64[i, f]
            scores += WT[-1] * float(scale)
            bad = ~np.isfinite(scores)
            rescored = scores[None, bad]
            _rescore_overflowed(X64[i:i + 1], WT[:, bad].T, scale, rescored, name=name, first_row=i)
            votes[i] += int(np.sign(rescored[0]).astype(np.int64) @ counts[bad])
    return votes.astype(np.float64)


def held_out_scores(X_val, prediction, X, signs, scale, weights, run):
    """The scores of X_val by the predictor ``prediction`` ("last" or "averaged") of the run
    ``run`` on (X, signs, ``weights``), computed as ``predict`` computes them after a fit that
    returns that run (step size 1): what early stopping scores (proofs/convergence.md, CV-7).
    ``run`` is a trace, or a run still going with the trace's fields ``n_iter``, ``n_samples``,
    ``updates``, ``update_steps`` and ``epoch_weights``. The average costs a pass over the
    updates so far. The vote, whose earlier weight vectors' votes are kept from epoch to epoch,
    is :class:`HeldOutVote`'s."""
    if prediction not in ("last", "averaged"):
        raise ValueError(f"held_out_scores scores the last or averaged weights, not {prediction!r}: the vote's held-out "
                         "scores are HeldOutVote's")
    scale = float(scale)
    w = run.epoch_weights[-1] if prediction == "last" else _averaged_weights(X, signs, scale, run, weights)
    W = coef_and_intercept(np.reshape(w, (1, -1)), scale, X.dtype).astype(X_val.dtype)  # in X_val's, as predict
    return _scores(X_val, W, 1.0, name="X_val")[:, 0]


class HeldOutVote:
    """The votes of the held-out rows X_val by the voted perceptron of a run still going on (X, signs,
    ``weights``), epoch after epoch, as ``predict`` computes them after a fit that returns the run so
    far (:func:`_vote` over :func:`_voted_weights`, bit for bit): what early stopping scores with
    ``prediction="voted"`` (proofs/convergence.md, CV-7).

    A weight vector's survival count is final once the next update is made, so its votes are added
    once and kept; each epoch scores the held-out rows with its own updates' weight vectors and
    the last one only, whose count grows until the next update. Until 2026-12-06 every epoch voted
    with every weight vector so far, quadratic in the epochs (benchmarks/HISTORY.md, 2026-12-06,
    05:40: 5 000 x 20 with 1 000 held-out rows, 1.1-1.5 s for 20 epochs and 3.6-4.9 s for 40, now
    0.10-0.11 and 0.21-0.23 s). The weight vectors are
    the cumulative sums :func:`_voted_weights` takes, continued from the last one (numpy's
    cumulative sum adds in order: the same bits)."""

    def __init__(self, X, signs, scale, weights=None):
        self.X, self.signs, self.scale, self.weights = X, signs, float(scale), weights
        self._X_val = None

    def __call__(self, X_val, run):
        """The votes of every row of ``X_val`` after the run so far, ``run`` as :func:`held_out_scores`'s."""
        if X_val is not self._X_val:  # the first epoch scored (a rule scores one X_val throughout)
            self._X_val, self._voted, self._votes = X_val, 0, np.zeros(X_val.shape[0])
            self._last = run.epoch_weights[0].astype(np.float64)
        K, done, steps = len(run.updates), self._voted, run.update_steps
        added = self.signs[run.updates[done:], None] * moves(self.X, self.scale, run.updates[done:], self.weights)
        path = np.cumsum(np.vstack([self._last, added]), axis=0).T.copy()  # w_done, ..., w_K as columns
        final = np.diff(np.concatenate([[steps[done - 1] if done else -1], steps[done:K]])).astype(np.float64)
        self._votes += _vote(X_val, path[:, :-1].copy(), final, self.scale, name="X_val")
        self._voted, self._last = K, path[:, -1].copy()
        count = run.n_iter * run.n_samples - 1 - (steps[K - 1] if K else -1)  # w_K's presentations so far
        return self._votes + count * _vote(X_val, path[:, -1:].copy(), np.ones(1), self.scale, name="X_val")


def coef_and_intercept(weights, scale, dtype):
    """``coef_`` and ``intercept_`` as the rows ``predict`` scores with, from the augmented weights
    (n_problems, n_features + 1) of the runs: their first n_features entries, and the last one
    times the augmented feature ``scale`` (PC-8), rounded in ``dtype``."""
    weights = np.asarray(weights, dtype=dtype)
    return np.column_stack([weights[:, :-1], weights[:, -1] * np.dtype(dtype).type(scale)])


def _scores(X, W, scale, name="X"):
    """<W_c, x~_i> (x~_i = (x_i, scale)) for every row and weight vector, shape (n_samples,
    n_problems), in X's precision and the training order (``_perceptron_kernels.decision``),
    scores that overflowed evaluated again (:func:`_rescore_overflowed`)."""
    scores = np.empty((X.shape[0], W.shape[0]), dtype=X.dtype)
    if for_rows(_k.decision, X.shape[0])(X, W, X.dtype.type(scale), scores):
        _rescore_overflowed(X, W, scale, scores, name=name)
    return scores


def _rescore_overflowed(X, W, scale, scores, name="X", first_row=0, block=65536):
    """Entries of ``scores`` (n_samples, n_problems) that are not finite: an inner product
    <W_c, x~_i> overflowed X's precision, which the fit's range rule excludes for its own data
    but a row given to ``predict`` may do (inf − inf is NaN). Each is evaluated again in long
    double, where no such product or sum overflows, and rounded to the scores' precision: ±inf
    where the value lies beyond it, never NaN; the finite entries stay as the kernel computed them,
    so that every score is a function of its row and weight vector alone (the vote sums them in
    blocks: :func:`_vote`). Where long double is no wider than float64 and a NaN remains, a
    ValueError names the row.

    It is also where NaN and infinity in X are found (``decision_function`` does not look for them
    first: that pass, a sum over X, took 3.1 of the 7.4 ms of a binary ``decision_function`` on
    200 000 x 50): every product w_f x_f with x_f NaN or infinite is NaN or infinite (0 inf is
    NaN), and so is any sum that holds one, so such a row's scores are never finite and it is
    among ``rows``; a ValueError names NaN or infinity, as the check before a fit does.

    Messages call the rows ``name`` and number them from ``first_row`` (X is a block of them).
    The entries are evaluated ``block`` at a time."""
    rows, columns = np.nonzero(~np.isfinite(scores))
    if rows.size == 0:
        return
    found = np.unique(rows)
    check_finite(X[found], name, rows=found + first_row)
    for start in range(0, rows.size, block):
        r, c = rows[start:start + block], columns[start:start + block]
        wide = W[c].astype(np.longdouble)
        # products summed without BLAS, whose float64 kernels may turn inf - inf into ±inf (OpenBLAS does)
        with np.errstate(over="ignore", invalid="ignore"):  # only where long double is float64; NaN refused below
            exact = (X[r].astype(np.longdouble) * wide[:, :-1]).sum(axis=1) + wide[:, -1] * np.longdouble(scale)
        with np.errstate(over="ignore"):
            scores[r, c] = exact.astype(scores.dtype)
        lost = np.flatnonzero(np.isnan(scores[r, c]))
        if lost.size:
            raise ValueError(f"the perceptron's score of row {first_row + r[lost[0]]} of {name} overflows even in long "
                             "double on this platform; rescale X (and refit)")
