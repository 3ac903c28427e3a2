"""k-means++ (D²) seeding against uniform seeding, with the bound of Arthur and Vassilvitskii.

Eight points in three tight groups far apart (sizes 3, 3 and 2), k = 3. The
optimal inertia φ_OPT is found by trying all 3⁸ = 6561 labellings. Each seeding
picks 3 of the points as centres; its cost is the inertia of those centres
before any Lloyd iteration. Over 3000 seeds:

* D² seeding (``classic.kmeans_plusplus``, one candidate per step) has expected
  cost at most 8(ln k + 2) φ_OPT (proofs/kmeans_plusplus.md, KPP-2). The script
  checks the mean cost with Hoeffding's inequality, as the test suite does: the
  lower confidence bound, mean − B √(ln(1/δ)/(2m)) with δ = 10⁻⁶, must not exceed
  the bound (B is the largest possible cost).
* Uniform seeding (3 distinct random points) has no such guarantee. Here it
  misses a group about two times in three, and each miss costs about 10⁸ times
  φ_OPT: the same check rejects it, so the check can fail.
* Greedy D² seeding (``n_local_trials=None``: scikit-learn's 2 + ⌊ln k⌋ candidates
  per step, the one of lowest potential kept) is outside the theorem (KPP-3);
  the script prints its mean cost beside the others.

It draws the data with one seeding of each kind (left) and the distribution of
cost / φ_OPT over the seeds, with the bound and the two means (right).

Run: ``python examples/kmeans_plusplus_seeding.py [out.png]``
"""

import itertools
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from classic import kmeans_plusplus

X = np.array([[0.0, 0.0], [0.01, 0.0], [0.0, 0.01], [100.0, 0.0], [100.0, 0.01], [100.01, 0.0],
              [0.0, 100.0], [0.01, 100.0]])
K, SEEDS, DELTA = 3, 3000, 1e-6


def cost(centers):
    """Inertia of X against ``centers``: each point's squared distance to its nearest centre."""
    return float(np.sum(np.min(((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2), axis=1)))


def optimum():
    """The optimal inertia, by enumerating every labelling of X into at most K clusters."""
    best = math.inf
    for labels in itertools.product(range(K), repeat=len(X)):
        labels = np.array(labels)
        best = min(best, sum(float(((X[labels == j] - X[labels == j].mean(axis=0)) ** 2).sum())
                             for j in set(labels.tolist())))
    return best


def main(path="kmeans_plusplus_seeding.png"):
    opt = optimum()
    rng = np.random.default_rng(0)
    d2 = np.array([cost(kmeans_plusplus(X, K, random_state=seed)[0]) for seed in range(SEEDS)])
    uniform = np.array([cost(X[rng.choice(len(X), K, replace=False)]) for _ in range(SEEDS)])
    greedy = np.array([cost(kmeans_plusplus(X, K, n_local_trials=None, random_state=seed)[0]) for seed in range(SEEDS)])
    bound = 8 * (math.log(K) + 2)
    largest = max(cost(X[[c]]) for c in range(len(X)))  # B: one centre; more centres only lower the cost
    margin = largest * math.sqrt(math.log(1 / DELTA) / (2 * SEEDS))   # Hoeffding, costs in [0, B]
    lower, lower_uniform = d2.mean() - margin, uniform.mean() - margin
    print(f"optimum (enumerated): {opt:.6g}")
    print(f"D² seeding:      mean cost {d2.mean() / opt:9.3g} x optimum, missed a group in "
          f"{np.mean(d2 > 10 * opt):.1%} of {SEEDS} seeds")
    print(f"uniform seeding: mean cost {uniform.mean() / opt:9.3g} x optimum, missed a group in "
          f"{np.mean(uniform > 10 * opt):.1%}")
    print(f"greedy D² (n_local_trials=None, outside KPP-2): mean cost {greedy.mean() / opt:9.3g} x optimum, "
          f"missed a group in {np.mean(greedy > 10 * opt):.1%}")
    holds = lower <= bound * opt
    print(f"KPP-2 for D² seeding: lower confidence bound on E[cost] / optimum = {max(lower, 0) / opt:.3g} "
          f"<= 8(ln k + 2) = {bound:.3g}: {'holds' if holds else 'FAILS'} (false-failure rate <= {DELTA:g})")
    print(f"the same check on uniform seeding: {max(lower_uniform, 0) / opt:.3g} "
          f"{'>' if lower_uniform > bound * opt else '<='} {bound:.3g}: "
          f"{'rejected (no such guarantee)' if lower_uniform > bound * opt else 'not rejected'}")

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    left.scatter(X[:, 0], X[:, 1], s=60, color="0.6", label="points (three tight groups)")
    left.scatter(*kmeans_plusplus(X, K, random_state=1)[0].T, s=200, marker="x", color="C0", label="a D² seeding")
    left.scatter(*X[np.random.default_rng(3).choice(len(X), K, replace=False)].T, s=160, marker="+", color="C3",
                 label="a uniform seeding")
    left.set_title(f"{len(X)} points, k = {K}")
    left.legend(loc="upper right")

    ratios = np.maximum(np.concatenate([d2, uniform]) / opt, 1.0)
    bins = np.logspace(0, math.log10(ratios.max()) + 0.5, 40)
    right.hist(np.maximum(d2 / opt, 1.0), bins=bins, alpha=0.7, color="C0", label="D² seeding (k-means++)")
    right.hist(np.maximum(uniform / opt, 1.0), bins=bins, alpha=0.5, color="C3", label="uniform seeding")
    right.axvline(bound, color="k", linestyle="--", label=f"8(ln k + 2) = {bound:.1f} (KPP-2, on the mean)")
    right.axvline(d2.mean() / opt, color="C0", label=f"D² mean: {d2.mean() / opt:.3g}")
    right.axvline(uniform.mean() / opt, color="C3", label=f"uniform mean: {uniform.mean() / opt:.3g}")
    right.set_xscale("log")
    right.set_xlabel("seeding cost / optimal inertia")
    right.set_ylabel(f"seeds (of {SEEDS})")
    right.set_title("k-means++ seeding cost over seeds")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
