"""When to stop? The same run cut off by different stopping rules.

``classic.convergence`` stopping rules are small objects an iterative method
consults after every iteration (proofs/convergence.md, CV-7): ``rule.start()``
once, then ``rule.update(IterationState(...))`` until it returns True; the
rule's name goes into the trace's ``stop_reason``. This script drives a plain
gradient descent on the logistic loss (breast-cancer data, standardised) with
four rules, and draws each run's objective with its stopping point:

* ``LossPlateau(1e-4)``: |f(t) - f(t-1)| < 1e-4;
* ``RelativeImprovement(1e-3) | GradientNorm(1e-2)``: whichever holds first;
* ``ParameterChange(1e-3)``: ||w(t) - w(t-1)|| < 1e-3;
* ``ValidationPatience(20, X_val, y_val)``: early stopping on held-out
  accuracy, returning the best checkpoint.

The bottom row passes rules to classic's estimators (``stop=``): k-means on
the standardised wine data cut by ``RelativeImprovement(1e-2)`` after 2 of
the 13 iterations the full run takes (inertia 1580 instead of 1278: a plateau
rule can stop a run that is about to move again), with its
certificate (the stop claim says the rule, not convergence, ended the run);
and the perceptron on the breast-cancer data (separable, but its first mistake-free
epoch is epoch 189) with early stopping on held-out accuracy, which returns its best epoch,
also certified. Both panels' titles give the certificate's outcome; the script exits 1
unless both hold.

``plot_stopping(trace, rule=rule)`` (for an estimator, ``plot_stopping(model.trace_,
rule=model.stop_)``: the fit consults a copy of ``stop``) marks where each run stopped and, for early
stopping, the checkpoint returned (a star): the gradient descent keeps its whole
trace (stopped at 49, checkpoint 29); the perceptron's trace is cut back to its
best epoch 1, so the rule's firing at epoch 6 (best epoch + patience) lies past
the trace's end, and the epochs run and then cut are shaded.

The parameter-change rule does not fire within 3000 iterations here: the loss
is still falling slowly and the weights keep growing (the training data are
close to separable, where the logistic loss has no finite minimiser), a case
where a small loss change and a small parameter change disagree.

Run: ``python examples/convergence_stopping.py [out.png]``
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from classic import KMeans, Perceptron, certify
from classic.convergence import (
    GradientNorm,
    IterationState,
    LossPlateau,
    ParameterChange,
    RelativeImprovement,
    ValidationPatience,
    plot_stopping,
)
from classic.trace import Trace


def logistic(w, X, y):
    """Mean logistic loss and its gradient; y in {-1, +1}."""
    margins = y * (X @ w)
    loss = np.mean(np.logaddexp(0.0, -margins))
    gradient = -(X.T @ (y / (1.0 + np.exp(margins)))) / len(y)
    return loss, gradient


def gradient_descent(X, y, rule, step=0.5, max_iter=3000):
    """Gradient descent consulting ``rule`` after every iteration (the protocol of CV-7)."""
    w = np.zeros(X.shape[1])
    loss, gradient = logistic(w, X, y)
    objective, stop_reason = [loss], "max_iter"
    rule.start()
    validation = rule.validation_data
    for t in range(1, max_iter + 1):
        previous = w
        w = w - step * gradient
        previous_loss = loss
        loss, gradient = logistic(w, X, y)
        objective.append(loss)
        score = None
        if validation is not None:
            X_val, y_val = validation
            score = float(np.mean(np.sign(X_val @ w) == y_val))  # held-out accuracy, higher is better
        state = IterationState(t, loss, previous_loss, w, previous, gradient_norm=float(np.linalg.norm(gradient)),
                               validation_score=score)
        if rule.update(state):
            stop_reason = rule.reason
            break
    if rule.checkpoint is not None:
        w = rule.checkpoint.parameters  # early stopping returns the best state seen
    trace = Trace(objective=np.array(objective), n_iter=len(objective) - 1, converged=False, stop_reason=stop_reason)
    return w, trace


def main(path="convergence_stopping.png"):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = 2.0 * y - 1.0
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
    rules = [
        LossPlateau(1e-4),
        RelativeImprovement(1e-3) | GradientNorm(1e-2),
        ParameterChange(1e-3),
        ValidationPatience(20, X_val, y_val),
    ]
    fig, axes = plt.subplots(3, 2, figsize=(11, 12))
    for rule, ax in zip(rules, axes.ravel()[:4]):
        w, trace = gradient_descent(X_train, y_train, rule)
        accuracy = np.mean(np.sign(X_val @ w) == y_val)
        extra = f", checkpoint of iteration {rule.checkpoint.iteration}" if rule.checkpoint is not None else ""
        print(f"{rule!r}: stopped ({trace.stop_reason}) after {trace.n_iter} iterations, "
              f"loss {trace.objective[-1]:.5f}, held-out accuracy {accuracy:.3f}{extra}")
        plot_stopping(trace, ax=ax, rule=rule)
        ax.set_yscale("log")   # the four losses part by small amounts: on a linear axis they look one curve
        ax.set_ylabel("training logistic loss (mean)")
        ax.set_title(f"{rule!r}\n{trace.n_iter} iterations{extra}", fontsize="small")

    from sklearn.datasets import load_wine

    wine = StandardScaler().fit_transform(load_wine().data)
    kmeans = KMeans(n_clusters=3, init="random", n_init=1, random_state=3, stop=RelativeImprovement(1e-2)).fit(wine)
    certificate = certify(kmeans, wine)
    print(f"k-means on wine: stopped ({kmeans.trace_.stop_reason}) after {kmeans.n_iter_} iterations; "
          f"certificate {'holds' if certificate else 'FAILS'}; KM-5: {certificate['KM-5'].note}")
    plot_stopping(kmeans.trace_, ax=axes[2, 0])
    axes[2, 0].set_title("KMeans(stop=RelativeImprovement(1e-2)) on wine: stopped too early\n"
                         f"certificate {'holds' if certificate else 'FAILS'} (KM-5: a rule, not convergence)",
                         fontsize="small")

    perceptron = Perceptron(max_iter=200, stop=ValidationPatience(5, X_val, y_val)).fit(X_train, y_train)
    early = perceptron.stop_  # the copy of the rule the fit consulted, with its record of the run
    perceptron_certificate = certify(perceptron, X_train, y_train)
    print(f"perceptron: stopped ({perceptron.trace_.stop_reason}); best epoch {early.checkpoint.iteration} "
          f"(held-out accuracy {early.checkpoint.score:.3f}) returned; "
          f"certificate {'holds' if perceptron_certificate else 'FAILS'}")
    plot_stopping(perceptron.trace_, ax=axes[2, 1], rule=early)
    axes[2, 1].set_title(f"Perceptron(stop=ValidationPatience(5, ...)): best held-out accuracy "
                         f"{early.checkpoint.score:.3f}\nat epoch {early.checkpoint.iteration}, returned; certificate "
                         f"{'holds' if perceptron_certificate else 'FAILS'}", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"plot written to {path}")
    return 0 if certificate and perceptron_certificate else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
