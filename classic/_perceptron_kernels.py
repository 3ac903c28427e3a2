"""Compiled kernels of the perceptron (see ``proofs/perceptron.md``).

Every kernel works in the precision of its input (float32 data is computed in
float32) on the *augmented* example :math:`\\tilde x_i = (x_i, s)`, where ``s``
is the intercept scale (0 without an intercept). The augmented column is never
materialised: the weight vector has ``n_features + 1`` entries and the last one
multiplies ``s``. All kernels evaluate the inner product in the same order,

.. math:: \\langle w, \\tilde x_i \\rangle = ((w_0 x_{i0} + w_1 x_{i1}) + \\dots + w_{d-1} x_{i,d-1}) + w_d s,

so that a decision replayed by :func:`replay` is bitwise the decision
:func:`epoch` took, and (with ``s = 0``) bitwise scikit-learn's.

Weighted runs (``sample_weight``, ``class_weight``) move the weights by
:math:`y_i z_i` with :math:`z_i = \\mathrm{fl}(c_i \\tilde x_i)`, :math:`c_i \\ge 0` the weight of
example ``i`` (``c``, in the dtype of X), as scikit-learn's SGD does; the mistake test stays
:math:`y_i \\langle w, \\tilde x_i \\rangle \\le 0`, and a mistake on an example of weight 0 moves
nothing and is no update (PC-1, "Weights"). ``c=None`` is the unweighted run, every
:math:`c_i = 1` (Numba compiles it apart, without the multiplications: the same bits).

Kernels never validate: ``X`` is C-contiguous float32/float64 with at least one
column, ``y`` holds +1/-1 in the same dtype, ``c`` is None or non-negative in that dtype,
indices are in range.
"""

import numpy as np

from numba import prange

from classic._jit import CHUNK_SIZE, inline_kernel, kernel, parallel_kernel, prefetch

__all__ = ["epoch", "decision", "replay", "vote"]


@inline_kernel
def _inner(w, X, i, scale):
    # <w, x~_i> in the order documented above (the working precision of X).
    d = X.shape[1]
    total = w[0] * X[i, 0]
    for f in range(1, d):
        total += w[f] * X[i, f]
    return total + w[d] * scale


@inline_kernel
def _squared_norm(w, zero):
    # ||w||^2 in the working precision, as four interleaved partial sums
    # s_r = sum_{f = r mod 4} w_f^2 (f increasing), then (s_0 + s_1) + (s_2 + s_3).
    s0, s1, s2, s3 = zero, zero, zero, zero
    D = w.shape[0]
    f = 0
    while f + 4 <= D:
        s0 += w[f] * w[f]
        s1 += w[f + 1] * w[f + 1]
        s2 += w[f + 2] * w[f + 2]
        s3 += w[f + 3] * w[f + 3]
        f += 4
    if f < D:
        s0 += w[f] * w[f]
    if f + 1 < D:
        s1 += w[f + 1] * w[f + 1]
    if f + 2 < D:
        s2 += w[f + 2] * w[f + 2]
    return (s0 + s1) + (s2 + s3)


@inline_kernel
def _inner_of_four(w, X, i0, i1, i2, i3, scale):
    # <w, x~_i> for the four examples i0, i1, i2, i3: four independent chains of
    # additions, each in the order of _inner (w_d s comes last), so the processor
    # overlaps them and each is bitwise _inner's.
    d = X.shape[1]
    w0 = w[0]
    a0, a1, a2, a3 = w0 * X[i0, 0], w0 * X[i1, 0], w0 * X[i2, 0], w0 * X[i3, 0]
    for f in range(1, d):
        wf = w[f]
        a0 += wf * X[i0, f]
        a1 += wf * X[i1, f]
        a2 += wf * X[i2, f]
        a3 += wf * X[i3, f]
    bias = w[d] * scale
    return a0 + bias, a1 + bias, a2 + bias, a3 + bias


@inline_kernel
def _inner_of_four_and_norm(w, X, i0, i1, i2, i3, scale, zero):
    # _inner_of_four and _squared_norm of the same w in one loop, each bitwise the
    # function's own: the partial sums s_r of ||w||^2 (f = r mod 4, f increasing)
    # run beside the four inner products, whose chains of additions leave the
    # processor room for them.
    d = X.shape[1]
    w0 = w[0]
    a0, a1, a2, a3 = w0 * X[i0, 0], w0 * X[i1, 0], w0 * X[i2, 0], w0 * X[i3, 0]
    s0, s1, s2, s3 = zero + w0 * w0, zero, zero, zero
    f = 1
    while f + 4 <= d:                        # f = 1 mod 4
        for g in range(f, f + 4):
            wg = w[g]
            a0 += wg * X[i0, g]
            a1 += wg * X[i1, g]
            a2 += wg * X[i2, g]
            a3 += wg * X[i3, g]
        s1 += w[f] * w[f]
        s2 += w[f + 1] * w[f + 1]
        s3 += w[f + 2] * w[f + 2]
        s0 += w[f + 3] * w[f + 3]
        f += 4
    for g in range(f, d):
        wg = w[g]
        a0 += wg * X[i0, g]
        a1 += wg * X[i1, g]
        a2 += wg * X[i2, g]
        a3 += wg * X[i3, g]
    for g in range(f, d + 1):                # the rest of w, its last entry w_d included
        r = g - f                            # g = r + 1 mod 4
        if r == 0:
            s1 += w[g] * w[g]
        elif r == 1:
            s2 += w[g] * w[g]
        elif r == 2:
            s3 += w[g] * w[g]
        else:
            s0 += w[g] * w[g]
    bias = w[d] * scale
    return a0 + bias, a1 + bias, a2 + bias, a3 + bias, (s0 + s1) + (s2 + s3)


@inline_kernel
def _first_mistake(y, i0, i1, i2, i3, s0, s1, s2, s3, zero):
    # How many of the examples i0..i3, in this order, their scores s0..s3 classify
    # correctly before the first mistake (4: none), and that mistake's margin.
    margin = y[i0] * s0
    if margin <= 0:
        return 0, margin
    margin = y[i1] * s1
    if margin <= 0:
        return 1, margin
    margin = y[i2] * s2
    if margin <= 0:
        return 2, margin
    margin = y[i3] * s3
    if margin <= 0:
        return 3, margin
    return 4, zero


@inline_kernel
def _correct_of_four(X, y, w, scale, i0, i1, i2, i3, zero):
    # How many of the examples i0, i1, i2, i3, in this order, w classifies
    # correctly before its first mistake among them (4: no mistake), and the
    # margin y<w, x~> of that mistake (zero if none). The four inner products
    # (_inner_of_four) are all made with the same w, which is right up to the
    # first mistake: w changes only there.
    s0, s1, s2, s3 = _inner_of_four(w, X, i0, i1, i2, i3, scale)
    return _first_mistake(y, i0, i1, i2, i3, s0, s1, s2, s3, zero)


@inline_kernel
def _fetch_example(X, i):
    # Start bringing row i of X into cache, one prefetch per 64-byte line (and
    # the last element, for the line a row straddles). A hint: no value changes.
    d = X.shape[1]
    for f in range(0, d, max(1, 64 // X.itemsize)):
        prefetch(X, i, f)
    prefetch(X, i, d - 1)


#: How many examples ahead of the one being classified :func:`epoch` asks for
#: its row (about 13 kB for 50 float64 features): far enough for memory to
#: answer in time, near enough to stay in the first-level cache.
FETCH_AHEAD = 32


@kernel
def epoch(X, y, c, scale, order, w, updates, steps, squared_norms, first_step):
    """One pass of the perceptron over the examples ``order`` (PC-1).

    For each ``i`` in ``order``: if :math:`y_i \\langle w, \\tilde x_i \\rangle \\le 0`
    then :math:`w \\leftarrow w + y_i \\tilde x_i` (weighted: :math:`w + y_i\\,\\mathrm{fl}(c_i
    \\tilde x_i)`, no update where :math:`c_i = 0`).

    Three things change the speed, never a bit of the result. The examples are
    classified four at a time with the current w (:func:`_correct_of_four`):
    up to the first mistake among them w is the one each decision needs; after
    a mistake the next four start at the example that follows it. The squared
    norm of an update's w is computed in the loop of those next four decisions
    (:func:`_inner_of_four_and_norm`, the sums of :func:`_squared_norm`), where the
    decisions' chains of additions leave the processor idle (on 200 000 x 50 with
    5 % of labels flipped, 18 % of presentations are mistakes, and an epoch took
    7.4 ms with the norm computed on its own, 7.0 ms so); if it overflowed, the
    epoch stops there without taking those decisions. And the row of the example
    :data:`FETCH_AHEAD` places ahead in ``order`` is prefetched, so that memory
    traffic overlaps the arithmetic: a prefetch is only a hint to the cache, it
    changes no value the kernel reads or writes.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), +1/-1 in the dtype of X
    c : ndarray of shape (n_samples,), >= 0 in the dtype of X, or None (every weight 1)
    scale : scalar of the dtype of X, the augmented feature ``s``
    order : ndarray of shape (n_samples,), int64, the presentation order
    w : ndarray of shape (n_features + 1,), updated in place
    updates, steps : ndarray of shape (>= n_samples,), int64, outputs
        the example index and the presentation step (``first_step`` + position in
        ``order``) of each update.
    squared_norms : ndarray of shape (>= n_samples,), dtype of X, output
        :math:`\\|w\\|^2` after each update, computed in the working precision.
    first_step : int, the presentation step of ``order[0]`` (epoch times n_samples)

    Returns
    -------
    n_updates : int, the number of updates (= mistakes on examples of positive weight) of this epoch. The epoch stops early,
        after the update whose squared norm overflows to infinity: while it is finite, no inner
        product with a row inside the range rule can overflow (PC-7, "Overflow").
    total_loss : float64, the sum over the epoch's presentations of max(0, -y <w, x~>): the
        opposites of the margins y <w, x~> <= 0 of its mistakes (examples of weight 0 included),
        as computed, added in float64 one after the other (the other presentations add 0),
        unweighted, as scikit-learn's SGD adds its ``sumloss``.
    """
    n, d = order.shape[0], X.shape[1]
    zero = scale - scale                     # 0 in the working precision
    n_updates, t, fetched = 0, 0, 0
    total_loss = np.float64(0.0)
    norm = zero
    pending = False                          # the last update's ||w||^2 is still to be computed
    while t < n:
        while fetched < min(n, t + FETCH_AHEAD):
            _fetch_example(X, order[fetched])
            fetched += 1
        if t + 4 <= n and pending:
            # ||w||^2 of the last update, computed with the decisions that read that w; if it
            # overflowed, those decisions are not taken.
            window = 4
            i0, i1, i2, i3 = order[t], order[t + 1], order[t + 2], order[t + 3]
            s0, s1, s2, s3, norm = _inner_of_four_and_norm(w, X, i0, i1, i2, i3, scale, zero)
            correct, margin = _first_mistake(y, i0, i1, i2, i3, s0, s1, s2, s3, zero)
        elif t + 4 <= n:
            window = 4
            correct, margin = _correct_of_four(X, y, w, scale, order[t], order[t + 1], order[t + 2], order[t + 3], zero)
        else:
            window = 1
            margin = y[order[t]] * _inner(w, X, order[t], scale)
            correct = 0 if margin <= 0 else 1
            if pending:
                norm = _squared_norm(w, zero)
        if pending:
            pending = False
            squared_norms[n_updates - 1] = norm
            if norm == np.inf:
                return n_updates, total_loss  # the next inner products could overflow (PC-7, "Overflow")
        t += correct
        if correct == window:
            continue
        i = order[t]                         # a mistake: w <- w + y_i x~_i (weighted: y_i fl(c_i x~_i))
        total_loss += 0.0 - np.float64(margin)
        if c is None:
            step = y[i]
        else:
            step = y[i] * c[i]
            if step == 0:                    # weight 0: no update (PC-1, "Weights")
                t += 1
                continue
        for f in range(d):
            w[f] += X[i, f] * step
        w[d] += scale * step
        updates[n_updates] = i
        steps[n_updates] = first_step + t
        n_updates += 1
        pending = True
        t += 1
    if pending:
        squared_norms[n_updates - 1] = _squared_norm(w, zero)
    return n_updates, total_loss


@inline_kernel
def _not_finite(score):
    # 1 for inf or NaN, else 0
    return 0 if abs(score) < np.inf else 1


@parallel_kernel
def decision(X, W, scale, out):
    """``out[i, c] = <W_c, x~_i>`` for every row i and weight vector c, in the working
    precision (the order of :func:`epoch`, so predictions agree with the training
    decisions): four rows at a time (:func:`_inner_of_four`, each bitwise :func:`_inner`),
    every weight vector while the rows are in cache, the rows :data:`FETCH_AHEAD` places
    ahead prefetched (a hint: no value changes). Rows are independent: the same bits with
    any number of threads. Returns how many scores are not finite (an inner product that
    overflowed the working precision), so that the caller need not look for them."""
    n = X.shape[0]
    overflowed = 0
    for c in prange((n + CHUNK_SIZE - 1) // CHUNK_SIZE):
        i, end = c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)
        while i + 4 <= end:
            for r in range(i + FETCH_AHEAD, min(i + FETCH_AHEAD + 4, n)):
                _fetch_example(X, r)
            for k in range(W.shape[0]):
                s0, s1, s2, s3 = _inner_of_four(W[k], X, i, i + 1, i + 2, i + 3, scale)
                out[i, k], out[i + 1, k], out[i + 2, k], out[i + 3, k] = s0, s1, s2, s3
                overflowed += _not_finite(s0) + _not_finite(s1) + _not_finite(s2) + _not_finite(s3)
            i += 4
        while i < end:
            for k in range(W.shape[0]):
                out[i, k] = _inner(W[k], X, i, scale)
                overflowed += _not_finite(out[i, k])
            i += 1
    return overflowed


#: Weight vectors :func:`vote` scores a chunk of rows with before it moves on to the next ones
#: (their values stay in the L2 cache while every row of the chunk passes), and of those, how many
#: it scores four rows with at once, keeping the 4 x 16 sums in registers (16: 1.0 s against 2.0 s
#: for 8 and 1.1 s for 32, 20 000 x 20 rows against 17 923 weight vectors; BLAS, the vote until
#: 2026-12-06, 1.8 s).
VOTE_WIDTH, VOTE_BLOCK = 512, 16


@inline_kernel
def _signed_count(score, count):
    # count * sign(score), an integer; 0 for a score of 0 or one not finite (the caller's)
    if abs(score) < np.inf:
        return count if score > 0 else (-count if score < 0 else 0)
    return 0


@parallel_kernel
def vote(X, WT, counts, scale, votes, lost):
    """``votes[i] += sum_k counts[k] sign(<w_k, x~_i>)`` for every row i: Freund and Schapire's
    vote (PC-13), the weight vectors w_k the columns of ``WT`` (n_features + 1, n_weights) and
    ``counts`` their survival counts (int64), all in float64. Each inner product is :func:`_inner`'s,
    in its order (w_0 x_0, plus w_1 x_1, ..., plus w_d s), four rows and :data:`VOTE_BLOCK` weight
    vectors at a time in full blocks and one at a time in the rest: the same operations either
    way, so every score is a function of its row and weight vector alone, whatever block it
    falls in. A score that is not finite adds nothing and counts in ``lost[i]`` (the caller
    evaluates it again). The terms are integers, so the votes are the same in any order and with
    any number of threads."""
    n, d = X.shape
    K = WT.shape[1]
    for c in prange((n + CHUNK_SIZE - 1) // CHUNK_SIZE):
        start, end = c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n)
        sums = np.empty((4, VOTE_BLOCK))
        for k0 in range(0, K, VOTE_WIDTH):
            k1 = min(K, k0 + VOTE_WIDTH)
            for i in range(start, end, 4):
                for b in range(k0, k1, VOTE_BLOCK):
                    if b + VOTE_BLOCK <= k1 and i + 4 <= end:
                        for k in range(VOTE_BLOCK):
                            w = WT[0, b + k]
                            sums[0, k], sums[1, k], sums[2, k], sums[3, k] = w * X[i, 0], w * X[i + 1, 0], \
                                w * X[i + 2, 0], w * X[i + 3, 0]
                        for f in range(1, d):
                            x0, x1, x2, x3 = X[i, f], X[i + 1, f], X[i + 2, f], X[i + 3, f]
                            for k in range(VOTE_BLOCK):
                                w = WT[f, b + k]
                                sums[0, k] += w * x0
                                sums[1, k] += w * x1
                                sums[2, k] += w * x2
                                sums[3, k] += w * x3
                        for q in range(4):
                            total, bad = 0, 0
                            for k in range(VOTE_BLOCK):
                                score = sums[q, k] + WT[d, b + k] * scale
                                total += _signed_count(score, counts[b + k])
                                bad += _not_finite(score)
                            votes[i + q] += total
                            lost[i + q] += bad
                    else:
                        for r in range(i, min(i + 4, end)):
                            for k in range(b, min(b + VOTE_BLOCK, k1)):
                                score = WT[0, k] * X[r, 0]
                                for f in range(1, d):
                                    score += WT[f, k] * X[r, f]
                                score = score + WT[d, k] * scale
                                votes[r] += _signed_count(score, counts[k])
                                lost[r] += _not_finite(score)


@kernel
def unlogged_mistakes(X, y, c, scale, updates, steps, order, t0, w, k):
    r"""The presentations of one epoch that the run's log leaves out (PC-1, completeness).

    Walks the ``n`` presentations of the epoch that starts at step ``t0`` (example
    ``order[t - t0]`` at step ``t``) with the weights ``w`` (in place: the weights at the
    epoch's start, rebuilt as :func:`epoch` builds them; on return those at its end), the log
    read from entry ``k``: at a logged step (``steps[k]``) the logged example ``updates[k]``
    must be the one presented, and the update is applied (the weights ``c`` as in :func:`epoch`);
    at any other step the example must be classified correctly,
    :math:`y_i\\,\\mathrm{fl}\\langle \\hat w, \\tilde x_i\\rangle > 0` as :func:`epoch` decides it,
    or be of weight 0. Returns (the number of steps where either fails, the first such step or
    -1, the log entry the next epoch starts from, the epoch's total loss as :func:`epoch` adds
    it: the opposites of the margins <= 0, in float64, in presentation order).
    """
    n, d = X.shape[0], X.shape[1]
    wrong, first = 0, -1
    total_loss = np.float64(0.0)
    for t in range(t0, t0 + n):
        i = order[t - t0]
        margin = y[i] * _inner(w, X, i, scale)
        if margin <= 0:
            total_loss += 0.0 - np.float64(margin)
        if k < steps.shape[0] and steps[k] == t:
            if updates[k] != i:
                wrong += 1
                first = t if first < 0 else first
            j = updates[k]
            step = y[j] if c is None else y[j] * c[j]
            for f in range(d):
                w[f] += X[j, f] * step
            w[d] += scale * step
            k += 1
        elif not (margin > 0 or (c is not None and c[i] == 0)):
            wrong += 1
            first = t if first < 0 else first
    return wrong, first, k, total_loss


@kernel
def replay(X, y, c, scale, updates, u, w, B, inv_s, decisions, dot_abs, w_abs, squared_norms, inner, inner_abs,
           sums_norm2, x_norm2):
    """Rebuild the computed weights :math:`\\hat w_k` from the replay log (PC-1, PC-7).

    ``w`` (dtype of X, :math:`\\hat w` before the first update of ``updates``) receives the same floating-point
    additions as in :func:`epoch`, so every :math:`\\hat w_k` is bitwise the
    one the run held. For the k-th update (example ``i = updates[k]``) it writes

    * ``decisions[k]``: :math:`y_i\\,\\mathrm{fl}\\langle \\hat w_{k-1}, \\tilde x_i\\rangle`
      recomputed as :func:`epoch` computed it (must be <= 0);
    * ``dot_abs[k]``: :math:`\\sum_f |\\hat w_{k-1,f} \\tilde x_{if}|` (its rounding bound);
    * ``w_abs[k]``: :math:`\\sum_f |\\hat w_{k-1,f}|` in float64 (with weights ``c``, the rounding
      of :math:`z_i = \\mathrm{fl}(c_i \\tilde x_i)` against :math:`c_i \\tilde x_i`, PC-7);
    * ``squared_norms[k]``: :math:`\\|\\hat w_k\\|^2` as :func:`epoch` computed it;
    * ``inner[k]``, ``inner_abs[k]``: :math:`\\langle \\hat w_k, u\\rangle` and
      :math:`\\sum_f |\\hat w_{k,f} u_f|` in float64;
    * ``sums_norm2[k]``: :math:`\\|B_k / s\\|_2^2` with :math:`B_{k,f} = \\sum_{j \\le k} |\\hat w_{j,f}|`, float64,
      for the a-posteriori rounding bound of the weights (PC-7); ``B``, shape
      (n_features + 1,), float64, carries the running sums between calls; ``inv_s`` is
      :math:`1/s`, a power of two that keeps the squares inside float64's range (PC-7, "Overflow");
    * ``x_norm2[k]``: :math:`\\|\\tilde x_i\\|^2` in float64 (with weights, :math:`\\|z_i\\|^2`).

    ``c`` is None (every weight 1) or the weights of :func:`epoch`.
    """
    d = X.shape[1]
    for k in range(updates.shape[0]):
        i = updates[k]
        decisions[k] = y[i] * _inner(w, X, i, scale)
        total_abs = np.float64(0.0)
        weights_abs = np.float64(0.0)
        for f in range(d):
            total_abs += abs(np.float64(w[f]) * np.float64(X[i, f]))
            weights_abs += abs(np.float64(w[f]))
        dot_abs[k] = total_abs + abs(np.float64(w[d]) * np.float64(scale))
        w_abs[k] = weights_abs + abs(np.float64(w[d]))
        step = y[i] if c is None else y[i] * c[i]
        for f in range(d):
            w[f] += X[i, f] * step
        w[d] += scale * step
        squared_norms[k] = _squared_norm(w, scale - scale)
        dot = np.float64(0.0)
        dot_a = np.float64(0.0)
        b2 = np.float64(0.0)
        xx = np.float64(0.0)
        for f in range(d + 1):
            xf = np.float64(X[i, f]) if f < d else np.float64(scale)
            if c is not None:
                xf = np.float64((X[i, f] if f < d else scale) * c[i])   # z_if = fl(c_i x~_if)
            wf = np.float64(w[f])
            dot += wf * u[f]
            dot_a += abs(wf * u[f])
            B[f] += abs(wf)
            b_f = B[f] * inv_s   # exact but where subnormal: a power of two (PC-7, "Overflow")
            b2 += b_f * b_f
            xx += xf * xf
        inner[k] = dot
        inner_abs[k] = dot_a
        sums_norm2[k] = b2
        x_norm2[k] = xx
