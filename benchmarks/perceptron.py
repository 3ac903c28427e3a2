"""Perceptron epochs against scikit-learn's, in the same run.

200 000 x 50 float64, 20 epochs each, fixed order, no intercept, weights
compared at the end (they agree bit for bit). ``classic`` records its full
trace (the replay log). The data are labelled by a random hyperplane with 5 %
of the labels flipped, so every epoch makes updates and no run stops early.

Run: ``python -m benchmarks.perceptron [--n-samples N] [--n-features D] [--epochs E] [--repeats R]``
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron

from classic import Perceptron


def make_data(n_samples, n_features, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    y = (X @ rng.standard_normal(n_features) > 0).astype(np.int64)
    flip = rng.random(n_samples) < 0.05
    y[flip] = 1 - y[flip]
    return X, y


def best_time(fit, repeats):
    """Smallest wall time of ``repeats`` calls of ``fit`` (returns it and the last model)."""
    best, model = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        model = fit()
        best = min(best, time.perf_counter() - start)
    return best, model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=200_000)
    parser.add_argument("--n-features", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    X, y = make_data(args.n_samples, args.n_features)
    E = args.epochs
    ours = Perceptron(fit_intercept=False, max_iter=E)
    twin = SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=None, fit_intercept=False, max_iter=E)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        Perceptron(fit_intercept=False, max_iter=1).fit(X[:100], y[:100])       # compile (or load the cache)
        t_ours, m_ours = best_time(lambda: ours.fit(X, y), args.repeats)
        t_sk, m_sk = best_time(lambda: twin.fit(X, y), args.repeats)
    assert m_ours.n_iter_ == E and m_sk.n_iter_ == E
    same = np.array_equal(m_ours.coef_, m_sk.coef_)
    ms_ours, ms_sk = 1e3 * t_ours / E, 1e3 * t_sk / E
    print(f"perceptron, {args.n_samples} x {args.n_features} float64, {E} epochs in a fixed order "
          f"(best of {args.repeats})")
    print(f"  classic (trace recorded, {m_ours.n_updates_} updates): {ms_ours:8.2f} ms/epoch")
    print(f"  scikit-learn Perceptron:                 {ms_sk:8.2f} ms/epoch")
    print(f"  speed-up: {ms_sk / ms_ours:.2f}x   weights identical: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
