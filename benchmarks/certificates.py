"""What a certificate costs beside its fit, on the benchmarks' data.

``classic.certify`` checks a run's theorems on its own trace after the fit (README, "Certificates").
For each algorithm's benchmark data (the same generators and starts as ``benchmarks.kmeans``,
``benchmarks.gmm`` and ``benchmarks.perceptron``) this times the fit, the certificate and
scikit-learn's twin fit, best of ``repeats`` each, and prints the certificate's time and its
ratio to both fits (nothing in scikit-learn certifies a run, so its fit is the yardstick a
practitioner knows). Every certificate must hold: the benchmark says so, and exits 1 if one
does not.

Run: ``python -m benchmarks.certificates [--repeats R]``
"""

import argparse
import warnings

import numpy as np
from sklearn.cluster import KMeans as SKKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.mixture import GaussianMixture as SklearnGaussianMixture

from benchmarks.gmm import initial_parameters, mixture
from benchmarks.perceptron import best_time, make_data
from classic import GaussianMixture, KMeans, Perceptron, certify


def cases():
    """``(name, data, our estimator, scikit-learn's twin, y)`` for each benchmark setting."""
    rng = np.random.default_rng(0)
    X = rng.random((200_000, 16))
    C0 = X[rng.choice(len(X), 32, replace=False)]
    yield ("k-means, 200 000 x 16, k = 32, 20 iterations", X, KMeans(32, init=C0, max_iter=20),
           SKKMeans(32, init=C0, n_init=1, algorithm="lloyd", tol=0, max_iter=20), None)
    for covariance_type, d, k in (("full", 8, 8), ("diag", 8, 8), ("diag", 64, 10)):
        X = mixture(100_000, d, k)
        init = initial_parameters(X, covariance_type, k)
        yield (f"EM, {covariance_type}, 100 000 x {d}, k = {k}, 10 iterations", X,
               GaussianMixture(k, covariance_type=covariance_type, max_iter=10, **init),
               SklearnGaussianMixture(k, covariance_type=covariance_type, max_iter=10, reg_covar=0.0, **init), None)
    for noise in (0.0, 0.05):
        X, y = make_data(200_000, 50, noise)
        yield (f"perceptron, 200 000 x 50, 20 epochs, {noise:.0%} of labels flipped", X,
               Perceptron(fit_intercept=False, max_iter=20),
               SkPerceptron(penalty=None, eta0=1, shuffle=False, tol=None, fit_intercept=False, max_iter=20), y)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"certificates beside their fits (best of {args.repeats} each)")
    all_hold = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, X, ours, theirs, y in cases():
            fit = (lambda: ours.fit(X)) if y is None else (lambda: ours.fit(X, y))
            fit()   # compile (or load the cache) outside the timing
            t_fit, model = best_time(fit, args.repeats)
            t_certificate, certificate = best_time(lambda: certify(model, X, y), args.repeats)
            t_theirs, _ = best_time((lambda: theirs.fit(X)) if y is None else (lambda: theirs.fit(X, y)), args.repeats)
            all_hold = all_hold and bool(certificate)
            print(f"  {name}: fit {t_fit * 1e3:8.1f} ms   certificate {t_certificate * 1e3:8.1f} ms "
                  f"({t_certificate / t_fit:.2f} of our fit, {t_certificate / t_theirs:.2f} of scikit-learn's "
                  f"{t_theirs * 1e3:.1f} ms)   holds: {bool(certificate)}")
    return 0 if all_hold else 1


if __name__ == "__main__":
    raise SystemExit(main())
