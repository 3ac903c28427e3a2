"""Slow, obvious NumPy versions of the compiled kernels: the oracles of the tests.

Shared by every algorithm: each has its own clearly headed section.
"""

import numpy as np

# --- perceptron ---------------------------------------------------------------
# classic/_perceptron_kernels.py, proofs/perceptron.md


def perceptron_inner(w, x_aug):
    """<w, x~> in the working dtype, terms added left to right."""
    total = w[0] * x_aug[0]
    for f in range(1, len(x_aug)):
        total = total + w[f] * x_aug[f]
    return total


def perceptron_squared_norm(w):
    """||w||^2 in the working dtype: partial sums over f = r mod 4, then (s0 + s1) + (s2 + s3)."""
    s = [w.dtype.type(0)] * 4
    for f in range(len(w)):
        s[f % 4] = s[f % 4] + w[f] * w[f]
    return (s[0] + s[1]) + (s[2] + s[3])


def perceptron_epoch(X, y, scale, order, w):
    """One pass: returns (new w, update indices, update positions, ||w||^2 after each update)."""
    w = w.copy()
    updates, positions, norms = [], [], []
    for t, i in enumerate(order):
        x_aug = np.append(X[i], X.dtype.type(scale)).astype(X.dtype)
        if y[i] * perceptron_inner(w, x_aug) <= 0:
            w = w + y[i] * x_aug
            updates.append(i)
            positions.append(t)
            norms.append(perceptron_squared_norm(w))
    return w, updates, positions, norms


def perceptron_presentations(X, y, scale, orders):
    """The perceptron presentation by presentation, for the given orders (one per
    epoch): the list of weights (float64) in effect at each presentation."""
    w = np.zeros(X.shape[1] + 1, dtype=X.dtype)
    in_effect = []
    for order in orders:
        for i in order:
            in_effect.append(w.astype(np.float64))
            x_aug = np.append(X[i], X.dtype.type(scale)).astype(X.dtype)
            if y[i] * perceptron_inner(w, x_aug) <= 0:
                w = w + y[i] * x_aug
    return in_effect
