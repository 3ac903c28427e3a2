"""What do the learning curves say? Training and validation curves, diagnosed.

``classic.convergence.diagnose`` names the pattern of a training and a
validation curve (healthy, overfitting, underfitting, oscillation, too slow)
with its evidence and the usual remedy, by the rules of Goodfellow, Bengio &
Courville, *Deep Learning*, §5.2 and §7.8. Three runs:

* a perceptron (one epoch per step) on unscaled, non-separable data: its
  error oscillates;
* EM for a Gaussian mixture with many components on few points: the training
  log-likelihood keeps rising while the held-out one falls (higher is better);
* three components on plenty of data: healthy.

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
from sklearn.linear_model import Perceptron
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split

from classic.convergence import diagnose, plot_learning_curves


def perceptron_curves(epochs=60):
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
    model = Perceptron(random_state=0)
    train, val = [], []
    for _ in range(epochs):
        model.partial_fit(X_train, y_train, classes=[0, 1])
        train.append(1 - model.score(X_train, y_train))
        val.append(1 - model.score(X_val, y_val))
    return np.array(train), np.array(val)


def em_curves(n_components, n_samples, steps=40):
    X, _ = make_blobs(n_samples=n_samples, centers=3, n_features=4, cluster_std=2.0, random_state=1)
    X_train, X_val = train_test_split(X, test_size=0.5, random_state=0)
    model = GaussianMixture(n_components, max_iter=1, warm_start=True, reg_covar=1e-6, init_params="random",
                            random_state=0)
    train, val = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(steps):
            model.fit(X_train)
            train.append(model.score(X_train))
            val.append(model.score(X_val))
    return np.array(train), np.array(val)


def main(path="convergence_diagnosis.png"):
    runs = [
        ("perceptron, unscaled features (error)", *perceptron_curves(), False),
        ("EM, 12 components on 60 points (log-likelihood)", *em_curves(12, 120), True),
        ("EM, 3 components on 2000 points (log-likelihood)", *em_curves(3, 4000), True),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for (title, train, val, higher), ax in zip(runs, axes):
        diagnosis = diagnose(train, val, higher_is_better=higher)
        print(f"{title}: {diagnosis}")
        plot_learning_curves(train, val, diagnosis, ax=ax)
        ax.set_title(f"{title}\n{ax.get_title()}", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"plot written to {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
