"""Novikoff's bound against the perceptron's actual number of updates.

For data sets of shrinking margin gamma (500 points in 10 dimensions, separated
through the origin by a known unit vector u with one point exactly at the nominal
margin, then rescaled to R = 1, which scales the margins by the same factor:
gamma/R runs from 0.29 to 0.003), the perceptron makes at most (R/gamma)^2 updates
(proofs/perceptron.md, PC-5). The script checks that on every run with
``classic.certify`` (given the known separator) and draws the updates against
the bound on a log-log plot, together with the tight example of
Shalev-Shwartz & Ben-David (x_i = e_i, PC-11), which lies on the diagonal.

Run: ``python examples/perceptron_novikoff.py [out.png]``
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from classic import Perceptron, certify


def separable(n, d, margin, rng):
    """n points of the unit ball with labels from a unit vector u, every margin >= ``margin``,
    and one point at exactly ``margin``."""
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    X = rng.standard_normal((n, d))
    X /= np.maximum(1.0, np.linalg.norm(X, axis=1))[:, None] * rng.uniform(1.0, 2.0, size=(n, 1))
    y = np.where(X @ u >= 0, 1, -1)
    shortfall = np.maximum(0.0, margin - y * (X @ u))
    X += (y * shortfall)[:, None] * u                    # push the points out of the margin band
    X[0] += (y[0] * margin - X[0] @ u) * u               # one point exactly on the margin
    X /= np.max(np.linalg.norm(X, axis=1))               # R = 1 (margins scale by the same factor)
    return X, y, u


def main(path="perceptron_novikoff.png"):
    rng = np.random.default_rng(0)
    margins = np.geomspace(0.3, 0.003, 12)
    bounds, updates = [], []
    for margin in margins:
        X, y, u = separable(500, 10, margin, rng)
        model = Perceptron(fit_intercept=False, max_iter=10**6).fit(X, y)
        certificate = certify(model, X, y, separator=u)
        if not certificate:
            print(certificate)
            return 1
        bounds.append(certificate["PC-5"].bound)
        updates.append(model.n_updates_)
        print(f"gamma/R = {1 / np.sqrt(bounds[-1]):.4g}: {model.n_updates_:6d} updates, "
              f"bound (R/gamma)^2 = {bounds[-1]:.6g}, {model.n_iter_} epochs")
    tight, tight_bounds = np.array([2, 5, 20, 100, 400]), []
    for m in tight:  # x_i = e_i, all labels +1: u = (1, ..., 1)/sqrt(m), gamma = 1/sqrt(m), R = 1
        X, y = np.eye(m), np.ones(m, dtype=int)
        model = Perceptron(fit_intercept=False).fit(X, y)
        certificate = certify(model, X, y, separator=np.ones(m))
        if not certificate or model.n_updates_ != m:
            print(certificate)
            return 1
        tight_bounds.append(certificate["PC-5"].bound)
        print(f"tight example, m = {m}: {model.n_updates_} updates, bound (R/gamma)^2 = {tight_bounds[-1]:.6g}")

    fig, ax = plt.subplots(figsize=(7, 5))
    ratios = 1 / np.sqrt(bounds)  # the certified gamma/R of each run
    ax.loglog(bounds, updates, "o", label=rf"perceptron runs, $\gamma/R$ from {ratios.max():.2g} to {ratios.min():.2g}")
    ax.loglog(tight_bounds, tight, "s", label=r"tight example $x_i = e_i$ (PC-11)")
    line = np.array([1, 2 * max(bounds)])
    ax.loglog(line, line, "k--", label=r"updates $= (R/\gamma)^2$ (Novikoff, PC-5)")
    ax.set_xlabel(r"Novikoff's bound $(R/\gamma)^2$ (certified)")
    ax.set_ylabel("updates made")
    ax.set_title("every run stays on or below the diagonal (classic.certify holds for each)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
