"""Perceptron epochs against scikit-learn's, in the same run.

200 000 x 50 float64, 20 epochs each, fixed order, no intercept, weights
compared at the end (they agree bit for bit). ``classic`` records its full
trace (the replay log). The data are labelled by a random hyperplane through
the origin: with no label noise they are separable with a tiny margin (a few
hundred to a few thousand mistakes per epoch); with ``--label-noise 0.05``
about 18 % of the presentations are mistakes, the worst case for the kernel
(every update restarts its look-ahead). Neither run stops before 20 epochs. A last run
weighs the examples of the noisy data by ``sample_weight`` drawn from U(0.5, 2) (each update
adds fl(c x), scikit-learn's update, bit for bit).

Run: ``python -m benchmarks.perceptron [--n-samples N] [--n-features D] [--epochs E] [--repeats R]``
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron

from benchmarks import one_and_two_threads, quiet
from classic import Perceptron


def make_data(n_samples, n_features, label_noise, seed=0):
    """Gaussian points labelled by a random hyperplane through 0, a fraction ``label_noise`` flipped."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    y = (X @ rng.standard_normal(n_features) > 0).astype(np.int64)
    flip = rng.random(n_samples) < label_noise
    y[flip] = 1 - y[flip]
    return X, y


def best_time(fit, repeats):
    """Smallest wall time of ``repeats`` calls of ``fit`` (returns it and the last model), after
    the other library's threads have gone quiet (:func:`benchmarks.quiet`)."""
    best, model = np.inf, None
    quiet()
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
    parser.add_argument("--label-noise", type=float, nargs="+", default=[0.0, 0.05],
                        help="fractions of flipped labels, one run each (default: 0 and 0.05)")
    args = parser.parse_args(argv)
    E = args.epochs
    print(f"perceptron, {args.n_samples} x {args.n_features} float64, {E} epochs in a fixed order, "
          f"no intercept (best of {args.repeats})")
    for noise in args.label_noise:
        X, y = make_data(args.n_samples, args.n_features, noise)
        model, times = epochs_against_scikit_learn(X, y, E, args.repeats)
        print(f"  label noise {noise:g}: {model.n_updates_} updates "
              f"({model.n_updates_ / (E * args.n_samples):.1%} of presentations)")
        print(times)
    weighted(args.n_samples, args.n_features, E, args.repeats, max(args.label_noise))
    inference(args.n_samples, args.n_features, args.repeats * 3)
    small_data(args.repeats * 10)
    return 0


def weighted(n_samples, n_features, epochs, repeats, noise):
    """The epochs of the run with the most mistakes again, its examples weighted by sample weights
    from U(0.5, 2), in both libraries."""
    X, y = make_data(n_samples, n_features, noise)
    sample_weight = np.random.default_rng(1).uniform(0.5, 2.0, n_samples)
    model, times = epochs_against_scikit_learn(X, y, epochs, repeats, sample_weight)
    print(f"  label noise {noise:g}, sample_weight U(0.5, 2): {model.n_updates_} updates")
    print(times)


def epochs_against_scikit_learn(X, y, epochs, repeats, sample_weight=None):
    """Our fit of ``epochs`` epochs in index order and scikit-learn's twin on (X, y), best of ``repeats``
    each, after a small fit that compiles our kernels (or loads them): ``(our model, the lines that
    report both times per epoch, the speed-up and whether the weights are identical)``."""
    ours = Perceptron(fit_intercept=False, max_iter=epochs)
    twin = SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=None, fit_intercept=False, max_iter=epochs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        Perceptron(fit_intercept=False, max_iter=1).fit(
            X[:100], y[:100], sample_weight=None if sample_weight is None else sample_weight[:100])
        t_ours, m_ours = best_time(lambda: ours.fit(X, y, sample_weight=sample_weight), repeats)
        t_sk, m_sk = best_time(lambda: twin.fit(X, y, sample_weight=sample_weight), repeats)
        def fit_and_score():   # the fit and its scores, each with the threads of the call
            model = Perceptron(fit_intercept=False, max_iter=epochs).fit(X, y, sample_weight=sample_weight)
            return model, model.decision_function(X)

        fits = one_and_two_threads(fit_and_score)
    same = np.array_equal(m_ours.coef_, m_sk.coef_) and m_ours.n_iter_ == m_sk.n_iter_ == epochs
    bitwise = "not compared (one Numba thread allowed)" if fits is None else (
        fits[0][0].trace_ == fits[1][0].trace_ and np.array_equal(fits[0][0].coef_, fits[1][0].coef_)
        and np.array_equal(fits[0][1], fits[1][1]))
    ms_ours, ms_sk = 1e3 * t_ours / epochs, 1e3 * t_sk / epochs
    return m_ours, (f"    classic (trace recorded): {ms_ours:8.2f} ms/epoch\n"
                    f"    scikit-learn Perceptron:  {ms_sk:8.2f} ms/epoch\n"
                    f"    speed-up {ms_sk / ms_ours:.2f}x, weights identical: {same}, "
                    f"bitwise the same with 1 and 2 threads: {bitwise}")


def inference(n_samples, n_features, repeats):
    """decision_function and predict with the same weights in both libraries (ours copied into
    scikit-learn's estimator), validation included, best of ``repeats`` calls in a row each:
    binary, and three classes one-vs-rest (with an intercept). Our scores are computed in the
    training order (bit for bit the fit's decisions), scikit-learn's by one BLAS product."""
    X, y = make_data(n_samples, n_features, 0.0)
    y3 = y + (X[:, 0] > 0)
    print(f"perceptron inference, {n_samples} x {n_features} float64, the same weights (best of {repeats})")
    for name, labels in (("binary", y), ("three classes", y3)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours = Perceptron(max_iter=2).fit(X, labels)
            twin = SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=None, max_iter=1).fit(X, labels)
        twin.coef_, twin.intercept_ = ours.coef_.copy(), ours.intercept_.copy()
        same = np.array_equal(ours.predict(X), twin.predict(X))
        for method in ("decision_function", "predict"):
            t_ours, _ = best_time(lambda: getattr(ours, method)(X), repeats)
            t_sk, _ = best_time(lambda: getattr(twin, method)(X), repeats)
            print(f"  {name:>13} {method:>17}: classic {1e3 * t_ours:6.2f} ms   scikit-learn {1e3 * t_sk:6.2f} ms   "
                  f"speed-up {t_sk / t_ours:.2f}x, same labels: {same}")


def small_data(repeats):
    """Whole fits on iris (150 x 4, three classes one-vs-rest, one of them not separable): the
    textbook rule (``tol=None``: 1000 epochs for the problems that never converge) and
    scikit-learn's default ``tol=1e-3``. Here the cost per epoch is mostly fixed (a kernel call
    and the trace's bookkeeping per epoch and problem), not arithmetic."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    print(f"perceptron, iris 150 x 4, three classes one-vs-rest, whole fits (best of {repeats})")
    for tol in (None, 1e-3):
        ours = Perceptron(tol=tol)
        twin = SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=tol)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t_ours, m_ours = best_time(lambda: ours.fit(X, y), repeats)
            t_sk, m_sk = best_time(lambda: twin.fit(X, y), repeats)
        same = np.array_equal(m_ours.coef_, m_sk.coef_)
        print(f"  tol={tol}: classic {1e3 * t_ours:6.2f} ms ({m_ours.n_iter_} epochs)   scikit-learn "
              f"{1e3 * t_sk:6.2f} ms ({m_sk.n_iter_})   speed-up {t_sk / t_ours:.2f}x, weights identical: {same}")


if __name__ == "__main__":
    raise SystemExit(main())
