"""Weighted k-means: a point of weight m counts as m copies of it.

The digits data that ships with scikit-learn, projected on its first two
principal axes and rounded to a grid of step 2, has many repeated cells
(1797 points on 528 cells). This
script compresses it to the distinct cells, each weighted by how many points it
holds, and runs Lloyd's algorithm on both from the same k-means++ centres:

* the weighted run on the distinct cells and the run on every point take the
  same steps (proofs/kmeans.md, "Weights": on a grid of integers every cluster
  sum is exact, so the centres agree bit for bit), and their objectives agree
  half-step by half-step up to the rounding of their sums (fl(m d) against m
  additions of d);
* both certificates hold (``classic.certify(model, X, sample_weight=w)`` for the
  weighted run).

It draws the two objective traces (left) and the cells, sized by their weight,
with the final centres (right).

Run: ``python examples/kmeans_weights.py [out.png]``
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

from classic import KMeans, certify, kmeans_plusplus


def main(path="kmeans_weights.png"):
    X = 2 * np.round(PCA(n_components=2, random_state=0).fit_transform(load_digits().data) / 2)
    cells, counts = np.unique(X, axis=0, return_counts=True)
    weights = counts.astype(np.float64)
    print(f"{len(X)} points on {len(cells)} distinct cells (up to {counts.max()} points in one)")

    centers, _ = kmeans_plusplus(cells, 10, sample_weight=weights, random_state=0)
    everything = KMeans(10, init=centers).fit(X)
    weighted = KMeans(10, init=centers).fit(cells, sample_weight=weights)
    certificates = certify(everything, X), certify(weighted, cells, sample_weight=weights)
    for certificate in certificates:
        print(certificate)
    same_centres = np.array_equal(everything.cluster_centers_, weighted.cluster_centers_)
    gap = np.max(np.abs(everything.trace_.objective - weighted.trace_.objective) / everything.trace_.objective)
    print(f"same centres bit for bit: {same_centres}; inertia {everything.inertia_:.6f} (every point) "
          f"and {weighted.inertia_:.6f} (weighted cells); objectives differ by at most {gap:.1e} (relative)")

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for model, label, style in ((everything, f"every point (n = {len(X)})", "o-"),
                                (weighted, f"weighted cells (n = {len(cells)})", "x--")):
        trace = model.trace_
        x = np.concatenate([[0.0], np.repeat(np.arange(1, trace.n_iter + 1), 3)
                            + np.tile([-2 / 3, -1 / 3, 0.0], trace.n_iter)])
        left.plot(x, trace.objective, style, ms=4, label=label)
    left.set_xlabel("iteration (half-steps between integers)")
    left.set_ylabel("inertia (weighted)")
    left.set_title(f"the same run: {everything.n_iter_} and {weighted.n_iter_} iterations")
    left.legend()

    right.scatter(cells[:, 0], cells[:, 1], s=3 * weights, c=weighted.labels_, cmap="tab10", alpha=0.6)
    right.scatter(*weighted.cluster_centers_.T, marker="*", s=200, c="k", label="centres")
    held = all(certificates)
    right.set_xlabel("first principal component (rounded to step 2)")
    right.set_ylabel("second principal component (rounded to step 2)")
    right.set_title(f"cells sized by weight; certificates {'hold' if held else 'FAIL'}")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")
    return 0 if held and same_centres else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
