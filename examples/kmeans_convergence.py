"""k-means on the wine data: the objective per half-step, with the certificate.

Lloyd's algorithm alternates half-steps (relocation of empty clusters,
update of the centres, assignment of the points), and each can only lower the
k-means objective (proofs/kmeans.md, KM-1 to KM-3). This script runs
k-means++ seeding and Lloyd's iterations on the standardised wine data that
ships with scikit-learn, checks the theorems on the run's own trace with
``classic.certify``, and draws

* left: the objective after every half-step, minus its final value, on a log
  scale; the half-steps that end exactly at the final value (a difference of 0,
  which a log scale cannot show: the last ones) are marked hollow on the x-axis; a flat step
  from t to t + 1/3 is a relocation half-step with no empty cluster to fill (it changes nothing);
* right: the decrease achieved by each update and assignment half-step, on a
  log scale, with the update half-step's exact decrease sum_j N_j |Δμ_j|²
  (KM-2) beside it: the two coincide up to rounding. A decrease of exactly 0
  (the last assignment, which changes no label) is marked hollow on the x-axis.

Run: ``python examples/kmeans_convergence.py [out.png]``
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

from classic import KMeans, certify


def main(path="kmeans_convergence.png"):
    X = StandardScaler().fit_transform(load_wine().data)
    model = KMeans(n_clusters=6, random_state=3).fit(X)
    certificate = certify(model, X)
    print(certificate)

    trace = model.trace_
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    trace.plot(ax=left)
    left.set_title(f"k-means on wine (k=6): {model.n_iter_} iterations, {trace.stop_reason}")

    t = np.arange(1, trace.n_iter + 1)
    update_drop = trace.objective_relocate - trace.objective_update
    assign_drop = trace.objective_update - trace.objective_assign[1:]
    right.semilogy(t, np.where(update_drop > 0, update_drop, np.nan), "v-", label="update half-step: decrease")
    right.semilogy(t, np.where(trace.center_shift > 0, trace.center_shift, np.nan), "k+", ms=10,
                   label=r"$\sum_j N_j\|\Delta\mu_j\|^2$ (KM-2)")
    right.semilogy(t, np.where(assign_drop > 0, assign_drop, np.nan), "^-", label="assignment half-step: decrease")
    on_axis = right.get_xaxis_transform()  # x in data units, y in axes units: 0 is the x-axis
    for drop, marker, color, kind in ((update_drop, "v", "C0", "update"), (assign_drop, "^", "C1", "assignment")):
        zero = t[drop == 0]
        if len(zero):
            right.plot(zero, np.zeros(len(zero)), marker, color=color, mfc="none", ms=9, clip_on=False,
                       transform=on_axis, label=f"{kind} half-step: decrease exactly 0 (on the axis)")
    right.set_xlabel("iteration")
    right.set_ylabel("decrease")
    right.set_title("certificate " + ("holds" if certificate else "FAILS") + " (classic.certify)")
    right.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")
    return 0 if certificate else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
