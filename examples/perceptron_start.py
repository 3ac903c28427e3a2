"""Novikoff's bound from a start w_0 != 0: how far the start is, and where it points.

One data set (500 points in 10 dimensions, separated through the origin by a unit vector u with
margin gamma, rescaled to R = 1; (R/gamma)^2 is about 400). The perceptron starts at
w_0 = c (cos(phi) u + sin(phi) v), v a unit vector orthogonal to u, for sizes c of 1, 5 and 20
and angles phi from 0 (along u) to 180 degrees (against it). From a start the number of updates
is at most the largest k with (<w_0, u> + k gamma)^2 <= ||w_0||^2 + k R^2 (proofs/perceptron.md,
PC-5). A start along u makes no update at all, whatever its size c > 0 (every y <w_0, x> =
c y <u, x> >= c gamma > 0); the bound, which knows only <w_0, u>, ||w_0||, R and gamma, falls below
(R/gamma)^2 and reaches 0 only once c gamma >= R^2 / 2. For a start against u it rises by about
2c/gamma, room for the updates that turn the start round. Every run is certified
(``classic.certify``, given u); the plot draws the updates made and the bound against phi, one
colour per size, and the bound from 0, on a symmetric-log axis (linear below 1), where a count
of 0 and a bound of hundreds both show.

Run: ``python examples/perceptron_start.py [out.png]``
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from classic import Perceptron, certify
from perceptron_novikoff import separable  # the data of the example beside this one (its folder is on the path)


def main(path="perceptron_start.png"):
    rng = np.random.default_rng(0)
    X, y, u = separable(500, 10, 0.05, rng)
    v = rng.standard_normal(u.size)
    v -= (v @ u) * u
    v /= np.linalg.norm(v)
    plain = Perceptron(fit_intercept=False, max_iter=10**5).fit(X, y)
    from_zero = certify(plain, X, y, separator=u)["PC-5"].bound
    print(f"from 0: {plain.n_updates_} updates, bound (R/gamma)^2 = {from_zero:.6g}")
    angles = np.linspace(0.0, 180.0, 13)
    fig, ax = plt.subplots(figsize=(7.5, 6))
    for size, colour in zip((1.0, 5.0, 20.0), ("tab:blue", "tab:orange", "tab:green")):
        updates, bounds = [], []
        for phi in np.radians(angles):
            w0 = size * (np.cos(phi) * u + np.sin(phi) * v)
            model = Perceptron(fit_intercept=False, max_iter=10**5).fit(X, y, coef_init=w0)
            certificate = certify(model, X, y, separator=u)
            if not certificate or not certificate["PC-5"].holds:
                print(certificate)
                return 1
            updates.append(model.n_updates_)
            bounds.append(certificate["PC-5"].bound)
        # the bound is on a count: its integer part (the certificate's is the root rounded up, 3e-12 for 0)
        print(f"|w_0| = {size:g}: updates {updates[0]} along u, {updates[-1]} against it; "
              f"at most {int(np.floor(bounds[0]))} and {int(np.floor(bounds[-1]))} by the bound")
        ax.plot(angles, bounds, "-", color=colour, label=rf"bound from $w_0$, $\|w_0\| = {size:g}$")
        ax.plot(angles, updates, "o", color=colour, label=rf"updates made, $\|w_0\| = {size:g}$")
    ax.axhline(from_zero, color="k", linestyle="--", label=rf"$(R/\gamma)^2$ = {from_zero:.0f} (from $w_0 = 0$)")
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_ylim(0, 2 * max(max(line.get_ydata()) for line in ax.get_lines()))   # headroom above the bounds
    ax.set_xlabel(r"angle between $w_0$ and the separator $u$ (degrees)")
    ax.set_ylabel("updates")
    ax.set_xticks(angles[::2])
    ax.set_title("Novikoff from a start: every run certified (PC-5)")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
