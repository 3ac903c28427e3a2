"""k-means++ (D²) seeding against uniform seeding, with the bound of Arthur and Vassilvitskii.

Eight points in three tight groups far apart (sizes 3, 3 and 2), k = 3. The
optimal inertia φ_OPT is found by trying all 3⁸ = 6561 labellings. A seeding
picks 3 of the points as centres; its cost is the inertia of those centres
before any Lloyd iteration.

* KPP-2, checked exactly (proofs/kmeans_plusplus.md): D² seeding (one candidate
  per step) has expected cost at most 8(ln k + 2) φ_OPT = 24.8 φ_OPT. With 8
  points and k = 3 the expectation is a finite sum: every seeding path
  (c₁, c₂, c₃), 8³ = 512 of them, has probability 1/8 for c₁ times, for each
  next centre x, D(x)² / Σ_y D(y)² (D the distance to the nearest centre chosen
  so far; KPP-1's rule for Σ_y D(y)² = 0, uniform over the points not chosen
  yet, is implemented but cannot occur here, the points being distinct). So
  E[cost] = Σ P(path) cost(path), and the script compares E[cost] / φ_OPT with
  24.8: a deterministic statement. Rounding: every number in it comes from the
  coordinates by subtractions (exact within a group, by Sterbenz's lemma;
  rounded once between groups), squares, sums, products and quotients of
  non-negative numbers (φ_OPT too, as Σ_j Σ_{i,l ∈ C_j} ‖x_i − x_l‖² / (2|C_j|),
  without means), each with relative error below a few dozen u (u = 2⁻⁵³), and
  the sum of the 512 non-negative terms adds less than 512u: E[cost] / φ_OPT is
  exact to 10⁻¹², against a factor 6.8 between it (3.65) and the bound. Of the
  3.65, about 1.65 comes from missing a group, an event of probability 2·10⁻⁸
  that costs about 8·10⁷ φ_OPT: 3000 draws never see it (their mean is 2.00).
* Uniform seeding (3 distinct points, all 56 subsets equally likely) has no such
  guarantee: its exact expected cost, the mean over the 56 subsets, is 5.75·10⁷
  φ_OPT, far above the bound (38 of the 56 subsets miss a group, at about 10⁸
  φ_OPT each). So the exact check can fail.
* ``classic.kmeans_plusplus`` samples the D² distribution: over 3000 seeds, the
  frequency of two events is compared with its exact probability from the
  enumeration by an exact two-sided binomial test (each tail P(X ≤ x), P(X ≥ x)
  of Binomial(3000, p), from ``math.comb``, must exceed δ/2 with δ = 10⁻⁶, so a
  correct sampler fails each test with probability at most δ; the seeds are
  fixed, so the run is deterministic). The events: 'a group missed'
  (probability 2·10⁻⁸: two misses in 3000 fail the test, and uniform seeding
  would miss about 2000 times), and 'the second centre is in the group at the
  origin' (probability 0.244, accepted between 619 and 849 of 3000; weighting by
  D instead of D² gives 0.297, which fails the test with probability 0.95).
* Greedy D² seeding (``n_local_trials=None``: scikit-learn's 2 + ⌊ln k⌋ candidates
  per step, the one of lowest potential kept) is outside the theorem (KPP-3);
  the script prints its mean cost beside the others.

The script exits 1 if the exact KPP-2 check or a binomial test fails. It draws
the data with one seeding of each kind (left) and the distribution of cost /
φ_OPT over the seeds, with the bound and the exact expectations (right).

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
GROUPS = np.array([0, 0, 0, 1, 1, 1, 2, 2])  # the group of each point; group 0 at the origin
K, SEEDS, DELTA = 3, 3000, 1e-6


def squared_distances(A, B):
    """‖a − b‖² for every row a of A and b of B."""
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2)


def cost(X, centers):
    """Inertia of X against ``centers``: each point's squared distance to its nearest centre."""
    return float(squared_distances(X, centers).min(axis=1).sum())


def optimum(X, k):
    """The optimal inertia, by enumerating every labelling of X into at most k clusters; each
    cluster's inertia as Σ_{i,l} ‖x_i − x_l‖² / (2|C|), a sum of non-negative terms."""
    squared = squared_distances(X, X)
    best = math.inf
    for labels in itertools.product(range(k), repeat=len(X)):
        labels = np.array(labels)
        best = min(best, sum(float(squared[np.ix_(labels == j, labels == j)].sum()) / (2 * np.sum(labels == j))
                             for j in set(labels.tolist())))
    return best


def seeding_paths(X, k):
    """Every D² seeding path (c_1, ..., c_k) of KPP-1 with its probability: c_1 uniform over
    the points, then each next centre x with probability D(x)² / Σ_y D(y)², or, if that sum is
    0, uniformly among the points not chosen yet. Returns a list of (path, probability), n^k
    paths (those of probability 0 included)."""
    n = len(X)
    squared = squared_distances(X, X)
    paths = []

    def extend(path, probability, nearest):  # nearest: D(x)² to the centres of the path
        if len(path) == k:
            paths.append((path, probability))
            return
        total = nearest.sum()
        for x in range(n):
            step = nearest[x] / total if total > 0 else (x not in path) / (n - len(path))
            extend(path + (x,), probability * step, np.minimum(nearest, squared[x]))

    for first in range(n):
        extend((first,), 1.0 / n, squared[first])
    return paths


def binomial_tails(count, m, p):
    """P(S ≤ count) and P(S ≥ count) for S ~ Binomial(m, p), term by term from math.comb."""
    def pmf(j):
        if p in (0.0, 1.0):
            return float(j == (0 if p == 0.0 else m))
        return math.exp(math.log(math.comb(m, j)) + j * math.log(p) + (m - j) * math.log1p(-p))

    return sum(pmf(j) for j in range(count + 1)), sum(pmf(j) for j in range(count, m + 1))


def binomial_test(name, count, m, p):
    """True unless a tail of ``count`` under Binomial(m, p) is at most DELTA / 2 (a correct
    sampler fails with probability at most DELTA)."""
    lower, upper = binomial_tails(count, m, p)
    holds = min(lower, upper) > DELTA / 2
    print(f"  {name}: {count} of {m} seeds, exact probability {p:.4g} (expected {m * p:.4g}); "
          f"P(S <= {count}) = {lower:.3g}, P(S >= {count}) = {upper:.3g}: {'holds' if holds else 'FAILS'}")
    return holds


def main(path="kmeans_plusplus_seeding.png"):
    opt = optimum(X, K)
    bound = 8 * (math.log(K) + 2)
    paths = seeding_paths(X, K)
    expected_d2 = sum(p * cost(X, X[list(c)]) for c, p in paths)
    missed = sum(p for c, p in paths if len(set(GROUPS[list(c)])) < K)
    second_at_origin = sum(p for c, p in paths if GROUPS[c[1]] == 0)
    expected_uniform = np.mean([cost(X, X[list(c)]) for c in itertools.combinations(range(len(X)), K)])
    print(f"optimum (enumerated): {opt:.6g}; {len(paths)} D² seeding paths, probabilities summing to "
          f"{sum(p for _, p in paths):.17g}")
    holds = expected_d2 <= bound * opt
    print(f"KPP-2, exact: E[cost] / optimum = {expected_d2 / opt:.6g} <= 8(ln k + 2) = {bound:.6g}: "
          f"{'holds' if holds else 'FAILS'}")
    print(f"uniform seeding, exact: E[cost] / optimum = {expected_uniform / opt:.4g} > {bound:.3g}: "
          f"{'exceeds the bound (no such guarantee)' if expected_uniform > bound * opt else 'within the bound'}")

    d2 = [kmeans_plusplus(X, K, random_state=seed) for seed in range(SEEDS)]  # (centres, their indices)
    groups = [GROUPS[indices] for _, indices in d2]  # the groups of c_1, c_2, c_3
    print(f"classic.kmeans_plusplus against the exact D² probabilities (binomial tests, delta = {DELTA:g} each):")
    # & rather than "and": both tests run and print
    samples = (binomial_test("a group missed", sum(len(set(g)) < K for g in groups), SEEDS, missed)
               & binomial_test("second centre in the group at the origin", sum(g[1] == 0 for g in groups), SEEDS,
                               second_at_origin))
    d2_costs = np.array([cost(X, centers) for centers, _ in d2])
    rng = np.random.default_rng(0)
    uniform = np.array([cost(X, X[rng.choice(len(X), K, replace=False)]) for _ in range(SEEDS)])
    greedy = np.array([cost(X, kmeans_plusplus(X, K, n_local_trials=None, random_state=seed)[0])
                       for seed in range(SEEDS)])
    print(f"simulated mean cost / optimum over {SEEDS} seeds: D² {d2_costs.mean() / opt:.4g}, uniform "
          f"{uniform.mean() / opt:.4g}, greedy D² (n_local_trials=None, outside KPP-2) {greedy.mean() / opt:.4g}")

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    left.scatter(X[:, 0], X[:, 1], s=60, color="0.6", label="points (three tight groups)")
    left.scatter(*kmeans_plusplus(X, K, random_state=1)[0].T, s=200, marker="x", color="C0", label="a D² seeding")
    uniform_pick = np.random.default_rng(3).choice(len(X), K, replace=False)
    missed = K - len(set(GROUPS[uniform_pick]))   # groups left without a centre (the + coincide at this scale)
    left.scatter(*X[uniform_pick].T, s=160, marker="+", color="C3",
                 label="a uniform seeding" + (f" (misses {missed} group: two + in one)" if missed else ""))
    left.set_xlabel("x₁")
    left.set_ylabel("x₂")
    left.set_title(f"{len(X)} points, k = {K}")
    left.legend(loc="upper right")

    ratios = np.maximum(np.concatenate([d2_costs, uniform]) / opt, 1.0)
    bins = np.logspace(0, math.log10(ratios.max()) + 0.5, 40)
    right.hist(np.maximum(d2_costs / opt, 1.0), bins=bins, alpha=0.7, color="C0", label="D² seeding (k-means++)")
    right.hist(np.maximum(uniform / opt, 1.0), bins=bins, alpha=0.5, color="C3", label="uniform seeding")
    right.axvline(bound, color="k", linestyle="--", label=f"8(ln k + 2) = {bound:.1f} (KPP-2, on E[cost])")
    right.axvline(expected_d2 / opt, color="C0", label=f"D²: exact E[cost] = {expected_d2 / opt:.3g}")
    right.axvline(expected_uniform / opt, color="C3", label=f"uniform: exact E[cost] = {expected_uniform / opt:.3g}")
    right.set_xscale("log")
    right.set_xlabel("seeding cost / optimal inertia")
    right.set_ylabel(f"seeds (of {SEEDS})")
    right.set_title(f"seeding cost over {SEEDS} seeds; KPP-2 {'holds' if holds else 'FAILS'} (exact)")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")
    return 0 if holds and samples else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
