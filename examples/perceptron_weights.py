"""Class weights and the perceptron's theorems: what the weights change, and what they cannot.

A weighted mistake moves the weights by y fl(c x) (``class_weight``, ``sample_weight``): the run is
the perceptron of the theorem on the weighted examples z = c x (proofs/perceptron.md, PC-1
"Weights"), and every claim is checked on them. Two data sets in which one class is rare:

* left, separable data (10 dimensions, margin 0.05 through the origin, R = 1; the rare positives
  lie near the separator): Novikoff's bound is (R_z / gamma_z)^2 with R_z = max c ||x|| and
  gamma_z = min c y <u, x> (PC-5). Weighing the rare class by a scales its radius and its margin
  by a, so the bound is smallest near a = 1 and grows as a moves away: weights buy no worst-case
  guarantee, and every run ends mistake-free on the training data whatever a is;
* right, two overlapping Gaussian clouds (5 dimensions, one point in ten positive), not
  separable: the runs stop by scikit-learn's ``tol`` rule, predict with the averaged weights, and
  are certified by Freund and Schapire's bound (PC-9). Here the weights decide the classifier:
  the held-out recall of the rare class rises with a, from 0.18 to 0.96, while the accuracy
  peaks near a = 1/2 to 1 (0.95) and falls beyond, to 0.72 at a = 64 ("balanced" is about a = 5).

Every run is certified (``classic.certify``; on the separable data given u).

Run: ``python examples/perceptron_weights.py [out.png]``
"""

import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from classic import Perceptron, certify
from perceptron_novikoff import separable  # the data of the example beside this one (its folder is on the path)

WEIGHTS = 2.0 ** np.arange(-4, 7)   # the class weight a of the rare class: 1/16, 1/8, ..., 64, exactly


def separable_rare(rng):
    """Separable data (``separable``) keeping every negative and one positive in five of those within
    0.1 of the separator: (X, y, u), the first 1500 rows."""
    X, y, u = separable(6000, 10, 0.05, rng)
    chosen = (y < 0) | ((rng.random(y.size) < 0.2) & (y * (X @ u) < 0.1))
    return X[chosen][:1500], y[chosen][:1500], u


def overlapping_rare(rng, n=4000):
    """Two Gaussian clouds in 5 dimensions, the positives (one in ten) shifted by 1.2 in every
    coordinate: training and held-out halves."""
    X = rng.standard_normal((n, 5))
    y = np.where(rng.random(n) < 0.1, 1, -1)
    X[y > 0] += 1.2
    return X[: n // 2], y[: n // 2], X[n // 2:], y[n // 2:]


def certified(model, X, y, claim, **options):
    """The certificate of ``model``, or None (printed) if it or its ``claim`` does not hold."""
    certificate = certify(model, X, y, **options)
    if not certificate or not certificate[claim].holds:
        print(certificate)
        return None
    return certificate


def main(path="perceptron_weights.png"):
    rng = np.random.default_rng(1)
    X, y, u = separable_rare(rng)
    print(f"separable: {np.sum(y > 0)} positives, {np.sum(y < 0)} negatives")
    updates, bounds = [], []
    for a in WEIGHTS:
        model = Perceptron(fit_intercept=False, class_weight={1: a}, max_iter=10**5).fit(X, y)
        certificate = certified(model, X, y, "PC-5", separator=u)
        if certificate is None:
            return 1
        updates.append(model.n_updates_)
        bounds.append(certificate["PC-5"].bound)
        print(f"  class weight {a:g}: {model.n_updates_} updates, bound (R_z/gamma_z)^2 = {bounds[-1]:.5g}")
    X, y, X_test, y_test = overlapping_rare(np.random.default_rng(2))
    balanced = len(y) / (2 * np.sum(y > 0))    # scikit-learn's "balanced" weight of the rare class
    print(f"overlapping: {np.sum(y > 0)} positives, {np.sum(y < 0)} negatives; balanced a = {balanced:.3g}")
    recall, accuracy = [], []
    for a in WEIGHTS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = Perceptron(class_weight={1: a}, tol=1e-3, prediction="averaged").fit(X, y)
        if certified(model, X, y, "PC-9") is None:
            return 1
        predicted = model.predict(X_test)
        recall.append(np.mean(predicted[y_test > 0] == 1))
        accuracy.append(np.mean(predicted == y_test))
        print(f"  class weight {a:g}: {model.n_iter_} epochs (tol), held-out recall of the rare class "
              f"{recall[-1]:.3f}, accuracy {accuracy[-1]:.3f}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8))
    left.plot(WEIGHTS, bounds, "-", color="tab:red", label=r"bound $(R_z/\gamma_z)^2$ (PC-5)")
    left.plot(WEIGHTS, updates, "o", color="tab:blue", label="updates made")
    left.set_yscale("log")
    left.set_ylabel("updates")
    left.set_title("separable: every run certified, bound of z = c x")
    right.plot(WEIGHTS, recall, "o-", label="held-out recall of the rare class")
    right.plot(WEIGHTS, accuracy, "s-", label="held-out accuracy")
    right.axvline(balanced, color="tab:green", linestyle=":", label=f'"balanced" (a = {balanced:.2g})')
    right.set_ylim(0, 1.02)
    right.set_ylabel("fraction of the held-out points")
    right.set_title("not separable: every run certified (PC-9)")
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("class weight a of the rare class")
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
