"""What do the learning curves say? Training and validation curves, diagnosed.

``classic.convergence.diagnose`` names the pattern of a training and a
validation curve (healthy, overfitting, underfitting, oscillation, too slow, diverging)
with its evidence and the usual remedy, by the rules of Goodfellow, Bengio &
Courville, *Deep Learning*, §5.2 and §7.8. Three runs of classic's estimators:

* ``classic.Perceptron`` (shuffled, one epoch per step) on breast cancer's training rows,
  unscaled: its error oscillates. These rows are separable (standardised, a run finds a
  mistake-free epoch at epoch 189: examples/convergence_stopping.py), but unscaled their
  R/gamma is so large that Novikoff's bound (R/gamma)^2 is out of reach: no mistake-free epoch
  in 100 000 epochs. The perceptron's step size changes none of its mistakes (PC-1): the remedy
  is to standardise the features (scaling all of them alike leaves R/gamma as it is). One fit of 60 epochs; the error (a fraction of the rows)
  after each epoch is read off the weights its trace keeps (``trace_.epoch_weights``, from w = 0);
* ``classic.GaussianMixture`` with 12 components on 60 points, one EM iteration
  per step (``warm_start=True, max_iter=1``, after a first fit with ``max_iter=0``
  that only initialises): the training log-likelihood keeps
  rising while the held-out one falls (higher is better). Exact EM cannot run
  here: at the first iteration a component's covariance becomes singular and
  the likelihood is unbounded (proofs/em.md, EM-8; classic raises
  ComponentCollapseError, and refuses scikit-learn's ``reg_covar``, which would
  break the ascent EM-4 certifies). So this run is MAP-EM with
  ``prior="default"``, whose training curve is still the log-likelihood;
* exact EM, 3 components on 2000 points, 80 iterations from random
  responsibilities: it leaves a plateau, then both curves settle: healthy.

The errors and log-likelihoods are means per point; the legends sit below the
axes, clear of the curves.

Run: ``python examples/convergence_diagnosis.py [out.png]``
"""

import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from classic import GaussianMixture, Perceptron
from classic.convergence import diagnose, plot_learning_curves


def perceptron_curves(epochs=60):
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # no mistake-free epoch within 60: it runs them all
        model = Perceptron(max_iter=epochs, shuffle=True, random_state=0).fit(X_train, y_train)
    trace = model.trace_

    def error(X, y, w):  # w: augmented weights (coefficients, then the intercept's, times s)
        positive = X @ w[:-1] + w[-1] * trace.intercept_scaling > 0
        return np.mean(positive != (y == model.classes_[1]))

    weights = trace.epoch_weights  # row t: after t epochs (row 0: w = 0)
    return (np.array([error(X_train, y_train, w) for w in weights]),
            np.array([error(X_val, y_val, w) for w in weights]))


def em_curves(n_components, n_samples, steps, prior=None):
    X, _ = make_blobs(n_samples=n_samples, centers=3, n_features=4, cluster_std=2.0, random_state=1)
    X_train, X_val = train_test_split(X, test_size=0.5, random_state=0)
    model = GaussianMixture(n_components, max_iter=0, tol=0.0, warm_start=True, init_params="random",
                            random_state=0, prior=prior)
    train, val = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # one iteration per fit, on purpose
        for t in range(steps + 1):  # step t: after t iterations (the first fit only initialises)
            model.set_params(max_iter=min(t, 1)).fit(X_train)
            train.append(model.score(X_train))
            val.append(model.score(X_val))
    return np.array(train), np.array(val)


def main(path="convergence_diagnosis.png"):
    runs = [
        ("Perceptron, separable rows, unscaled features", "error rate", *perceptron_curves(), False),
        ("GaussianMixture (MAP-EM), 12 components on 60 points", "mean log-likelihood",
         *em_curves(12, 120, 40, prior="default"), True),
        ("GaussianMixture (exact EM), 3 components on 2000 points", "mean log-likelihood",
         *em_curves(3, 4000, 80), True),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    for (title, quantity, train, val, higher), ax in zip(runs, axes):
        diagnosis = diagnose(train, val, higher_is_better=higher)
        print(f"{title}: {diagnosis}")
        plot_learning_curves(train, val, diagnosis, ax=ax)
        ax.set_ylabel(f"{quantity} ({'higher' if higher else 'lower'} is better)")
        ax.set_xlabel("epochs run" if title.startswith("Perceptron") else "EM iterations run")
        ax.set_title(f"{title}\n{ax.get_title()}", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"plot written to {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
