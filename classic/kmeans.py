"""k-means: Lloyd's algorithm with k-means++ seeding, traced and certified.

The loop in :func:`_lloyd` follows the pseudocode of ``proofs/kmeans.md``;
each half-step is one compiled kernel of :mod:`classic._kmeans_kernels`, named
after its proof step. The objective is the inertia

.. math:: F(L, C) = \\sum_{i=1}^{n} \\lVert x_i - c_{L(i)} \\rVert^2 .

References: Shalev-Shwartz & Ben-David, *Understanding Machine Learning*, ch. 22;
Bishop, *Pattern Recognition and Machine Learning*, §9.1; Arthur & Vassilvitskii,
"k-means++: the advantages of careful seeding", SODA 2007.
"""

import sys
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from classic import _kmeans_kernels as kernels
from classic._axes import axes_or_new, mark_zeros
from classic._jit import for_rows, one_blas_thread
from classic._kmeans_assignment import _buffers, _nearest_centers, _pruning_factors, _weights
from classic._random import as_generator, check_random_state
from classic._validation import (
    ParameterError,
    VALIDATION_WEIGHTS,
    caller_stacklevel,
    check_bool,
    check_estimator_data,
    check_int,
    check_numbers,
    check_option,
    check_positive_weights,
    check_real,
    check_sample_weight,
    check_squared_distances,
    check_validation_data,
    check_verbose,
    counted,
    held_out_precision,
    in_model_precision,
    largest_magnitude_of,
    restoring_on_error,
)
from classic.rounding import gamma
from classic.seeding import _draw_by_weight, _kmeans_plusplus, _uniform, kmeans_plusplus, local_trials
from classic.trace import Trace, float64_problem, trace_dataclass

__all__ = ["KMeans", "KMeansTrace", "kmeans_plusplus"]

#: Half-step kinds, in the order of ``KMeansTrace.objective`` after row 0.
HALF_STEPS = ("relocate", "update", "assign")


@trace_dataclass
class KMeansTrace(Trace):
    """The record of one Lloyd run (proofs/kmeans.md names the step each field witnesses).

    ``objective`` interleaves the half-steps: row 0 is the inertia of the initial
    assignment to the initial centres, then for each iteration t = 1..n_iter the
    inertia after its relocation, update and assignment half-steps (so it has
    ``1 + 3 * n_iter`` rows). ``stop_reason`` is ``"converged"`` (no label
    changed), ``"tol"``, ``"max_iter"``, ``"cycle"`` (a state of the loop repeated, KM-4)
    or ``"rule:<name>"`` (a ``stop=`` rule of :mod:`classic.convergence` fired), or
    ``"rule:<name> (best before tol)"`` (or max_iter: the rule's checkpoint, returned and the
    record cut there, after ``tol`` or ``max_iter`` ended the run).

    Attributes
    ----------
    objective_assign : ndarray of shape (n_iter + 1,)
        Inertia after each assignment half-step (row 0: initial assignment). KM-1.
    objective_relocate : ndarray of shape (n_iter,)
        Inertia after each relocation half-step. KM-3.
    objective_update : ndarray of shape (n_iter,)
        Inertia after each update half-step. KM-2.
    center_shift : ndarray of shape (n_iter,)
        :math:`\\sum_j W_j \\lVert \\mu_j(t) - \\mu_j(t-1) \\rVert^2`, computed in float64, with W_j
        the cluster's weight (its size N_j without weights). KM-2.
    center_moves : ndarray of shape (n_iter,)
        :math:`\\sum_j \\lVert \\mu_j(t) - \\mu_j(t-1) \\rVert^2`, unweighted, computed in float64
        from the same squared moves: what the ``tol`` rule compares with its threshold. KM-5.
    n_reassigned : ndarray of shape (n_iter,)
        Points whose label changed in each assignment half-step. KM-5.
    n_relocated : ndarray of shape (n_iter,)
        Empty clusters relocated in each iteration. KM-3.
    relocation_iteration, relocation_point, relocation_cluster : ndarray of shape (n_relocations,)
        Each relocation: its iteration, the point moved, the (empty) cluster it seeds.
    relocation_distance : ndarray of shape (n_relocations,)
        That point's objective term, its weight times its squared distance to its former
        centre (the squared distance without weights): the objective drop. KM-3.
    partition_fingerprint : ndarray of shape (n_iter,), uint64
        Fingerprint of the partition whose means are the centres of iteration t. KM-4.
    labels_fingerprint : ndarray of shape (n_iter + 1,), uint64
        Fingerprint of the labels after each assignment half-step. KM-6.
    cluster_sizes : ndarray of shape (n_iter + 1, n_clusters)
        Cluster sizes (numbers of points, whatever their weights) after each assignment half-step.
    n_scanned : ndarray of shape (n_iter,)
        Points compared with all centres in each assignment half-step; the
        others were settled by the lower-bound test (KM-8). The expanded-form
        filter (KM-9) decides most of the compared ones without changing a bit.
    n_exact : ndarray of shape (n_iter,)
        Of those, the points the filter left undecided: scanned in the difference form
        against all centres (KM-9). ``n_scanned - n_exact`` is what the filter saved. With
        few clusters the filter is off and every compared point is scanned so
        (``n_exact == n_scanned``; proofs/kmeans.md, "When the filter is off").
    dtype : str
        Working precision of the run ("float64" or "float32").
    weighted : bool
        Whether the run was fitted with ``sample_weight`` (the certificate then needs them).
    total_weight : float
        The sum of the sample weights in float64, in chunk order (n_samples without weights).
    n_features : int
        The number of features of X (the objective's rounding bound depends on it).
    """

    OBJECTIVE_SENSE = "min"
    OBJECTIVE_NAME = "inertia"

    objective_assign: np.ndarray
    objective_relocate: np.ndarray
    objective_update: np.ndarray
    center_shift: np.ndarray
    center_moves: np.ndarray
    n_reassigned: np.ndarray
    n_relocated: np.ndarray
    relocation_iteration: np.ndarray
    relocation_point: np.ndarray
    relocation_cluster: np.ndarray
    relocation_distance: np.ndarray
    partition_fingerprint: np.ndarray
    labels_fingerprint: np.ndarray
    cluster_sizes: np.ndarray
    n_scanned: np.ndarray
    n_exact: np.ndarray
    dtype: str
    weighted: bool
    total_weight: float
    n_features: int

    def rows(self):
        n, relocations = self.n_iter, len(self.relocation_iteration)
        return {"objective": 1 + 3 * n,
                **dict.fromkeys(("objective_assign", "labels_fingerprint", "cluster_sizes"), n + 1),
                **dict.fromkeys(("objective_relocate", "objective_update", "center_shift", "center_moves",
                                 "n_reassigned", "n_relocated", "partition_fingerprint", "n_scanned", "n_exact"), n),
                **dict.fromkeys(("relocation_point", "relocation_cluster", "relocation_distance"), relocations)}

    def shape_problem(self):
        """As :meth:`Trace.shape_problem`, and the counts, indices and fingerprints are integers,
        ``cluster_sizes`` a matrix (a row per assignment, a column per cluster), the relocations
        vectors of points that exist, the objectives float64."""
        relocations = ("relocation_iteration", "relocation_point", "relocation_cluster", "relocation_distance")
        for name in relocations:  # rows() counts the relocations
            if not isinstance(getattr(self, name), np.ndarray) or getattr(self, name).ndim != 1:
                return f"its {name} is not a vector (one entry per relocation)"
        problem = super().shape_problem()
        if problem:
            return problem
        for name in ("n_reassigned", "n_relocated", "relocation_iteration", "relocation_point", "relocation_cluster",
                     "partition_fingerprint", "labels_fingerprint", "cluster_sizes", "n_scanned", "n_exact"):
            if not np.issubdtype(getattr(self, name).dtype, np.integer):
                return f"its {name} holds {getattr(self, name).dtype}, not integers"
        if self.cluster_sizes.ndim != 2:
            return f"its cluster_sizes has {self.cluster_sizes.ndim} dimensions, not 2 (assignments, clusters)"
        if not np.all((self.relocation_point >= 0) & (self.relocation_point < self.cluster_sizes[0].sum())):
            return "its relocation_point names a point that is not one of the run's"
        return float64_problem(self, ("objective_assign", "objective_relocate", "objective_update", "center_shift",
                                      "center_moves", "relocation_distance"))

    def objective_error(self):
        """Bounds on the error of each ``objective`` value, ρ_F F̂ + 3τ (proofs/kmeans.md,
        "Rounding constants"): what :func:`classic.convergence.estimate_rate` allows for."""
        from classic._kmeans_certificate import objective_error

        return objective_error(self)

    def plot(self, ax=None):
        """Objective per half-step (relocate, update, assign marked apart); on a log scale of
        ``objective - final`` when the run moved, where the half-steps at exactly the final
        inertia (the last ones, at least) are marked hollow on the x-axis.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            The Axes to draw on; None draws on the Axes of a new figure.

        Returns
        -------
        matplotlib Axes
        """
        ax = axes_or_new(ax)
        t = np.arange(self.n_iter + 1, dtype=float)
        relocated = self.n_relocated > 0  # relocation markers only where an empty cluster was relocated
        series = [
            ("initial assignment", t[:1], self.objective_assign[:1], "k", "o"),
            ("relocation", (t[1:] - 2 / 3)[relocated], self.objective_relocate[relocated], "tab:red", "x"),
            ("update (centres to means)", t[1:] - 1 / 3, self.objective_update, "tab:blue", "v"),
            ("assignment", t[1:], self.objective_assign[1:], "tab:green", "^"),
        ]
        final = self.objective[-1]
        gap = self.objective - final
        log = self.n_iter > 0 and np.any(gap > 0)
        x_all = np.concatenate([[0.0], np.repeat(t[1:], 3) + np.tile([-2 / 3, -1 / 3, 0.0], self.n_iter)])
        if log:
            ax.set_yscale("log")
            ax.plot(x_all[gap > 0], gap[gap > 0], color="0.7", lw=1, zorder=1)
        else:
            ax.plot(x_all, self.objective, color="0.7", lw=1, zorder=1)
        for label, x, y, color, marker in series:
            keep = y > final if log else np.ones(len(y), bool)
            if np.any(keep):
                ax.scatter(x[keep], y[keep] - final if log else y[keep], color=color, marker=marker, label=label,
                           zorder=2, s=18)
        if log:
            at_final = np.sort(np.concatenate([x[y == final] for _, x, y, _, _ in series[1:]]))
            mark_zeros(ax, at_final, color="k", label="exactly the final inertia (gap 0, on the axis)")
        ax.set_xlabel("iteration (half-steps between integers)")
        ax.set_ylabel(f"{self.OBJECTIVE_NAME} - final ({final:.6g})" if log else self.OBJECTIVE_NAME)
        ax.set_title(f"k-means: stopped ({self.stop_reason}) after {self.n_iter} iterations")
        ax.legend(fontsize="small")
        return ax


def _initial_centers(X, init, n_clusters, n_local_trials, rng, sample_weight=None):
    if isinstance(init, str) and init == "k-means++":
        return _kmeans_plusplus(X, n_clusters, n_local_trials, rng, sample_weight=sample_weight)[0]
    if isinstance(init, str) and init == "random":
        if _uniform(sample_weight):  # no weights, or equal ones: a uniform draw, as without weights
            return X[np.sort(rng.choice(X.shape[0], n_clusters, replace=False))].copy()
        # distinct rows, each drawn with probability proportional to its weight among those not drawn
        # yet (as scikit-learn), by inverse CDF on the weights themselves: w / sum(w) may underflow
        remaining, drawn = sample_weight.copy(), []
        for _ in range(n_clusters):
            drawn.append(_draw_by_weight(remaining, rng))
            remaining[drawn[-1]] = 0.0
        return X[np.sort(drawn)].copy()
    if callable(init):
        return _called_centers(X, init, n_clusters, rng, sample_weight)
    return np.array(init, dtype=X.dtype, order="C")


def _called_centers(X, init, n_clusters, rng, sample_weight):
    """The centres a callable ``init`` returns, called as scikit-learn calls it:
    ``init(X, n_clusters, random_state=RandomState)`` (its random state seeded from ``rng``; X
    read-only), checked: finite numbers of shape (n_clusters, n_features) within the range rule
    (a ValueError naming the callable otherwise), in X's dtype."""
    view = X.view()
    view.flags.writeable = False
    name = f"the array returned by init={getattr(init, '__name__', type(init).__name__)}"
    centers = check_numbers(init(view, n_clusters, random_state=np.random.RandomState(int(rng.integers(2**32)))),
                            name)
    if centers.shape != (n_clusters, X.shape[1]):
        raise ValueError(f"{name} has shape {centers.shape}; expected (n_clusters, n_features) = "
                         f"({n_clusters}, {X.shape[1]})")
    check_squared_distances(X, centers, weight=sample_weight, others_name=name,
                            others_fix="Return initial centres in the range of X.")
    return np.array(centers, dtype=X.dtype, order="C")


# --------------------------------------------------------------------- Lloyd


def _fingerprint_after_move(fingerprint, point, old, new, n_clusters):
    mask = (1 << 64) - 1
    drop = int(kernels.label_key(point, old, n_clusters))
    add = int(kernels.label_key(point, new, n_clusters))
    return np.uint64((int(fingerprint) - drop + add) & mask)


def _objective_terms(X, sample_weight, centers, labels, distance):
    """Each point's objective term, fl(w_i d_i) in float64 (d_i in the working dtype, written to
    ``distance``; the term is d_i itself without weights): the numbers :func:`kernels.assign`
    adds up."""
    for_rows(kernels.distance_to_own_center, X.shape[0])(X, centers, labels, distance)
    return distance if sample_weight is None else sample_weight * distance


def _relocate_empty(X, sample_weight, centers, labels, masses, distance, fingerprint, t):
    """Relocation half-step (KM-3), in place: each empty cluster (weight 0), in index order,
    takes the point of largest objective term w_i d_i among clusters holding at least two
    distinct points of positive weight (term > 0, lowest index on ties). Returns the
    relocations as (t, point, cluster, objective term) and the new partition fingerprint."""
    k = centers.shape[0]
    moves = []
    terms = _objective_terms(X, sample_weight, centers, labels, distance)
    first, second = np.full(k, -1, dtype=np.int64), np.full(k, -1, dtype=np.int64)
    weights = _weights(sample_weight)
    kernels.distinct_witnesses(X, weights, labels, masses > 0, first, second)
    for j in np.flatnonzero(masses == 0):
        i = kernels.farthest_point(terms, labels, second)
        if i < 0:
            break  # fewer distinct points of positive weight than clusters: j stays empty
        old = labels[i]
        moves.append((t, int(i), int(j), float(terms[i])))
        fingerprint = _fingerprint_after_move(fingerprint, i, old, j, k)
        labels[i] = j
        centers[j] = X[i]
        terms[i] = 0
        if i in (first[old], second[old]):  # the donor lost a witness: does it still hold two distinct points?
            kernels.distinct_witnesses(X, weights, labels, np.arange(k) == old, first, second)
    return moves, fingerprint, terms


#: The record's lists with one entry per iteration (the others have one more, for the start).
_PER_ITERATION = ("relocate", "update", "shift", "moves", "reassigned", "relocated", "partition", "scanned", "exact")


def _loop_state(fingerprint, masses, centers):
    """The state of the loop after a relocation half-step, as KM-4's termination proof defines
    it: the labelling L'_t (its fingerprint) and the centres its empty clusters keep (those of
    mass 0; the update leaves them where they are). A labelling that repeats with other kept
    centres is not a repeat of the state, so the loop goes on. ``masses`` None says no cluster was
    empty before the relocation, hence none after it: the labelling alone is the state (the int
    key, also when a relocation has filled every empty cluster; 4 us an iteration saved on iris)."""
    empty = None if masses is None else np.flatnonzero(masses == 0)
    if empty is None or empty.size == 0:
        return int(fingerprint)
    return int(fingerprint), empty.tobytes(), centers[empty].tobytes()


def _tol_threshold(tol, X):
    """The threshold of the ``tol`` rule (KM-5): ``tol`` times the mean feature variance of X in
    float64 (scikit-learn's scaling), 0.0 for ``tol`` = 0. X is read row after row (made
    C-contiguous), so that the certificate, given the same numbers, gets the same float."""
    if tol == 0:
        return 0.0
    return float(tol) * float(np.mean(np.var(np.ascontiguousarray(X), axis=0, dtype=np.float64)))


def _lloyd(X, centers, max_iter, tol, verbose=0, stop=None, validation=None, sample_weight=None):
    """Lloyd's algorithm from ``centers`` (k, d); returns (centers, labels, trace).

    Pseudocode of proofs/kmeans.md::

        L_0 = assign(C_0)                         lowest index among the minima
        for t = 1, 2, ..., max_iter:
            L'_t = relocate_empty(L_{t-1}, C_{t-1})                KM-3
            C_t  = means(L'_t)                                     KM-2
            L_t  = assign(C_t), keeping L'_t unless strictly closer KM-1
            stop if L_t == L'_t ("converged", KM-5); if L'_t and the centres
            its empty clusters keep repeat an earlier state ("cycle", KM-4); if tol > 0 and
            sum_j |C_t,j - C_t-1,j|^2 <= tol ("tol"); if the stopping
            rule ``stop`` fires ("rule:<name>", proofs/convergence.md CV-7)

    ``tol`` here is the threshold itself, :func:`_tol_threshold` of the estimator's ``tol``.
    """
    n, d = X.shape
    k = centers.shape[0]
    centers = np.array(centers, dtype=X.dtype, order="C")
    labels = np.zeros(n, dtype=np.int64)
    weights = _weights(sample_weight)
    buffers = _buffers(n, k, d)
    sums, counts, masses = buffers[3], buffers[4], buffers[5]
    distance = np.empty(n, dtype=X.dtype)
    lower = np.zeros(n)  # KM-8: lower bounds on the distance to the other centres
    pruning = _pruning_factors(d, X.dtype, k)
    drift = np.zeros(3)  # KM-8: how far the centres moved (largest, second largest, index of the largest)
    drift_factor = 1.0 + 2.0 * gamma(d + 4, np.float64)

    assign, cluster_sums = for_rows(kernels.assign, n), for_rows(kernels.cluster_sums, n)
    _, f_assign, _, fingerprint, _, _ = assign(X, weights, centers, labels, False, lower, np.zeros(3), *pruning,
                                               *buffers)
    rec = {"assign": [f_assign], "labels_fp": [fingerprint], "sizes": [counts.copy()]}
    for name in _PER_ITERATION:
        rec[name] = []
    relocations, seen = [], set()
    stop_reason = "max_iter"
    checkpoint_labels = None
    if stop is not None:
        stop.start()
    for t in range(1, max_iter + 1):
        # Relocation half-step (KM-3).
        f_relocate, moves = f_assign, []
        drift_origin = centers.astype(np.float64)
        had_empty = bool((masses == 0).any())
        if had_empty:
            moves, fingerprint, terms = _relocate_empty(X, sample_weight, centers, labels, masses, distance,
                                                        fingerprint, t)
            if moves:
                lower[[m[1] for m in moves]] = 0.0  # their label changed: no bound yet
                f_relocate = kernels.chunked_sum(terms)
                cluster_sums(X, weights, labels, *buffers[:6])
        state = _loop_state(fingerprint, masses if had_empty else None, centers)  # None: no cluster was empty
        repeated = state in seen
        seen.add(state)

        # Update half-step (KM-2): centres to the means of their clusters.
        center_shift, squared_moves = kernels.update_centers(sums, masses, centers)

        # Assignment half-step (KM-1): a point moves only to a strictly closer centre.
        kernels.center_drift(centers, drift_origin, drift_factor, drift)
        f_update, f_assign, n_changed, labels_fp, n_scanned, n_exact = assign(
            X, weights, centers, labels, True, lower, drift, *pruning, *buffers
        )

        relocations += moves
        for name, value in (
            ("relocate", f_relocate), ("update", f_update), ("assign", f_assign), ("shift", center_shift),
            ("moves", squared_moves),
            ("reassigned", n_changed), ("relocated", len(moves)), ("partition", fingerprint),
            ("labels_fp", labels_fp), ("sizes", counts.copy()), ("scanned", n_scanned), ("exact", n_exact),
        ):
            rec[name].append(value)
        fingerprint = labels_fp
        if verbose:
            print(f"k-means iteration {t}: inertia {f_assign:.10g}, {counted(n_changed, 'point')} reassigned",
                  file=sys.stdout)
        if n_changed == 0:
            stop_reason = "converged"
            break
        if repeated:
            stop_reason = "cycle"
            break
        tol_ends = tol > 0 and squared_moves <= tol
        # Stopping rule (classic.convergence; proofs/convergence.md, CV-7), the iteration tol ends too.
        fired = False
        if stop is not None:
            # theta(t-1) is the centres the iteration began with, before its relocation moved any (CV-7)
            fired, checkpoint_labels = _consult_rule(stop, t, rec["assign"], centers, drift_origin, labels,
                                                     checkpoint_labels, validation)
        if tol_ends or fired:
            stop_reason = "tol" if tol_ends else stop.reason
            break
    if (stop is not None and stop_reason not in ("converged", "cycle") and stop.checkpoint is not None
            and stop.checkpoint.iteration < len(rec["update"])):
        # early stopping returns its best state whatever ended the run, save Lloyd's own termination (CV-7)
        from classic.convergence.stopping import kept_reason

        stop_reason = kept_reason(stop, stop_reason)
        centers, labels = _restore_checkpoint(stop.checkpoint, checkpoint_labels, rec, relocations, X.dtype)
    total = float(n) if sample_weight is None else kernels.chunked_sum(sample_weight)
    trace = _make_trace(rec, relocations, stop_reason, X.dtype, total, sample_weight is not None, d)
    return centers, labels, trace


# ------------------------------------------------------- stopping rules (convergence toolkit)


def _consult_rule(stop, t, objective_assign, centers, previous, labels, checkpoint_labels, validation):
    """One call of the stopping-rule protocol after iteration t; returns (fired, labels of the
    rule's checkpoint). The validation score is minus the held-out inertia of ``validation`` =
    (X_val, its sample weights or None), as KMeans.score gives it."""
    from classic.convergence import IterationState

    score = None
    if validation is not None:
        X_val, w_val = validation
        score = -float(_nearest_centers(X_val, centers.astype(X_val.dtype, copy=False), objective=True,
                                        sample_weight=w_val)[1])
    state = IterationState(t, float(objective_assign[-1]), float(objective_assign[-2]), centers.copy(),
                           previous, validation_score=score, sense="min")
    fired = stop.update(state)
    if stop.checkpoint is not None and stop.checkpoint.iteration == t:
        checkpoint_labels = labels.copy()
    return fired, checkpoint_labels


def _restore_checkpoint(checkpoint, labels, rec, relocations, dtype):
    """Early stopping returns its best state (iteration s): centres and labels of s, and the
    record cut after iteration s, so the trace describes the returned model."""
    s = checkpoint.iteration
    for name in _PER_ITERATION:
        del rec[name][s:]
    for name in ("assign", "labels_fp", "sizes"):
        del rec[name][s + 1 :]
    relocations[:] = [move for move in relocations if move[0] <= s]
    return np.array(checkpoint.parameters, dtype=dtype, order="C"), labels


def _interleave(rec):
    halves = np.column_stack([rec["relocate"], rec["update"], rec["assign"][1:]]) if rec["update"] else np.empty((0, 3))
    return np.concatenate([rec["assign"][:1], halves.ravel()]).astype(np.float64)


def _make_trace(rec, relocations, stop_reason, dtype, total_weight, weighted, n_features):
    columns = list(zip(*relocations)) if relocations else [(), (), (), ()]
    return KMeansTrace(
        objective=_interleave(rec),
        n_iter=len(rec["update"]),
        converged=stop_reason in ("converged", "tol"),
        stop_reason=stop_reason,
        objective_assign=np.array(rec["assign"], dtype=np.float64),
        objective_relocate=np.array(rec["relocate"], dtype=np.float64),
        objective_update=np.array(rec["update"], dtype=np.float64),
        center_shift=np.array(rec["shift"], dtype=np.float64),
        center_moves=np.array(rec["moves"], dtype=np.float64),
        n_reassigned=np.array(rec["reassigned"], dtype=np.int64),
        n_relocated=np.array(rec["relocated"], dtype=np.int64),
        relocation_iteration=np.array(columns[0], dtype=np.int64),
        relocation_point=np.array(columns[1], dtype=np.int64),
        relocation_cluster=np.array(columns[2], dtype=np.int64),
        relocation_distance=np.array(columns[3], dtype=np.float64),
        partition_fingerprint=np.array(rec["partition"], dtype=np.uint64),
        labels_fingerprint=np.array(rec["labels_fp"], dtype=np.uint64),
        cluster_sizes=np.array(rec["sizes"], dtype=np.int64).reshape(len(rec["sizes"]), -1),
        n_scanned=np.array(rec["scanned"], dtype=np.int64),
        n_exact=np.array(rec["exact"], dtype=np.int64),
        dtype=np.dtype(dtype).name,
        weighted=weighted,
        total_weight=total_weight,
        n_features=n_features,
    )


def _empty_clusters_message(X, sample_weight, centers, labels, stop_reason):
    """Why a fit on at least k distinct points (of positive weight) ends with empty clusters (weight
    0), for its warning; None when none is empty. Either the run stopped right after an assignment
    that emptied them (a relocation half-step now would refill them all), or the relocation finds
    no donor: every point of positive term lies in a cluster of copies, which with k distinct points
    happens only when squared distances underflow to 0 (proofs/kmeans.md, KM-3)."""
    k = centers.shape[0]
    masses = np.bincount(labels, weights=sample_weight, minlength=k).astype(np.float64)
    empty = np.flatnonzero(masses == 0)
    if empty.size == 0:
        return None
    plural = empty.size > 1
    clusters = f"{empty.size} empty cluster{'s' if plural else ''} {empty.tolist()}"
    moves = _relocate_empty(X, sample_weight, centers.copy(), labels.copy(), masses, np.empty(X.shape[0], X.dtype),
                            np.uint64(0), 0)[0]
    if len(moves) == empty.size:
        return (f"k-means ended with {clusters}: the run stopped ({stop_reason}) right after an assignment half-step "
                f"that emptied {'them' if plural else 'it'}, before a relocation half-step (KM-3) could refill "
                f"{'them' if plural else 'it'}, so {'their centres are' if plural else 'its centre is'} left over "
                "from an earlier iteration. Let the run go on (a larger max_iter, tol=0, no stopping rule).")
    info = np.finfo(X.dtype)
    power = -int(np.frexp(largest_magnitude_of(X))[1])   # 2**power * max|x| lies in [1/2, 1)
    hint = (f"Rescale X, e.g. multiply it by 2**{power} (a power of two: exact), which brings its largest |value| "
            "to about 1" if power > 0 else "At X's scale these points cannot be told apart: use fewer clusters")
    weighted = "" if sample_weight is None else " of positive weight"
    return (f"k-means ended with {clusters} although X has at least n_clusters={k} distinct points{weighted}: "
            f"squared distances{'' if sample_weight is None else ' (times the weights)'} between its points underflow "
            f"in {X.dtype.name} (a difference below {np.sqrt(info.tiny):.2g} squares into the subnormal range, below "
            f"{np.sqrt(float(info.smallest_subnormal)) / np.sqrt(2.0):.2g} to 0), so points tie and none can be moved "
            f"to an empty cluster (proofs/kmeans.md, KM-3); {'their centres are' if plural else 'its centre is'} stale. "
            f"{hint}.")


def _n_distinct_rows(X, k):
    """Number of distinct rows of X if it is below ``k``, else ``k``. Reads X in
    blocks of doubling size, from 2k rows, and stops as soon as ``k`` distinct rows
    are seen (for most data, in the first block: a fixed block of 1024 rows cost
    2.3 ms per fit on the digits data, half of the whole fit). Rows are told apart by
    their bytes, in a set (``np.unique(..., axis=0)`` sorts and took 42 us on iris'
    first 6 rows); ``+ 0.0`` merges -0.0 with 0.0 (the same point, other bytes)."""
    distinct = set()
    start, block = 0, 2 * k
    while start < X.shape[0]:
        rows = X[start : start + block] + 0.0   # a new C-contiguous array
        distinct.update(rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel().tolist())
        if len(distinct) >= k:
            return k
        start, block = start + block, 2 * block
    return len(distinct)


# --------------------------------------------------------------------- estimator


class KMeans(ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """k-means clustering: Lloyd's algorithm, exact termination, certified trace.

    Minimises the inertia :math:`\\sum_i \\lVert x_i - c_{L(i)} \\rVert^2` by
    alternating half-steps (proofs/kmeans.md): relocation of empty clusters
    (KM-3: an empty cluster takes the point farthest from its centre among the
    clusters holding two distinct points; with fewer distinct points than
    clusters, or squared distances that underflow to 0, some stay empty, with a
    warning saying which and why), centres to cluster means (KM-2),
    and assignment to the nearest
    centre, where a point changes cluster only when another centre is strictly
    closer and the lowest index wins among the strict minima (KM-1). By default
    (``tol=0``) the run stops when no label changes; it always terminates
    (KM-4). ``classic.certify(model, X)`` checks these theorems on the run.
    ``fit(X, sample_weight=w)`` weights each point's term,
    :math:`\\sum_i w_i \\lVert x_i - c_{L(i)} \\rVert^2`, as scikit-learn does
    (proofs/kmeans.md, "Weights"); then ``certify(model, X, sample_weight=w)``.

    Parameters
    ----------
    n_clusters : int, default=8
    init : {"k-means++", "random"}, callable or array-like of shape (n_clusters, n_features), default="k-means++"
        k-means++ (D²) seeding, ``n_clusters`` distinct random rows (centres in row order), given centres, or a
        callable called as scikit-learn calls it, ``init(X, n_clusters, random_state)`` with
        X read-only and a ``numpy.random.RandomState`` seeded from ``random_state``, that
        returns the centres (checked as given centres are).
    n_local_trials : int or None, default=1
        Candidates per k-means++ step (at most n_samples); 1 is the algorithm with the proven
        8(ln k + 2) bound, more is the greedy variant (see :func:`kmeans_plusplus`), and
        None is scikit-learn's seeding (2 + ⌊ln k⌋ candidates, what ``sklearn.cluster.KMeans``
        always uses): on well-separated clusters it starts closer to them, so pass
        ``n_local_trials=None`` for scikit-learn's results (README, "Seeding").
    n_init : int or "auto", default="auto"
        Independent runs; the one of lowest inertia is kept (with its trace). "auto" is
        scikit-learn's rule and default: 1 run with k-means++ seeding or given centres, 10 with
        "random" (until 2026-12-03 the default was 1, also for "random").
    max_iter : int, default=300
        Iteration cap (``stop_reason="max_iter"`` and a ConvergenceWarning).
    tol : float, default=0.0
        0: exact termination. > 0: also stop when
        :math:`\\sum_j \\lVert \\mu_j(t) - \\mu'_j(t-1) \\rVert^2 \\le` ``tol`` times the
        mean feature variance of X (scikit-learn's rule; ``stop_reason="tol"``), with
        :math:`\\mu'_j(t-1)` the centres after iteration t's relocation of empty clusters.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, default=None
        An int seeds a new Generator (the same seed gives bitwise the same fit); a Generator is
        used as is (its draws advance it); a RandomState (scikit-learn's) gives a seed drawn from
        it; None draws a seed from NumPy's global generator (``np.random.seed``), as scikit-learn's None.
    verbose : int or bool, default=0
        If > 0 (or True), print the inertia after every iteration.
    stop : classic.convergence.StoppingRule or None, default=None
        An extra stopping rule consulted after every iteration (e.g.
        ``LossPlateau(1e-3)``, ``RelativeImprovement(1e-4)``, or
        ``ValidationPatience(p, X_val)`` scored by minus the held-out
        inertia, weighted with ``ValidationPatience(p, X_val, sample_weight=w)``,
        which returns the best checkpoint, ``stop_.checkpoint``, and cuts the trace
        there, whether it fired or ``tol`` or ``max_iter`` ended the run first
        (``stop_reason="rule:<name> (best before max_iter)"``); a run that reaches
        Lloyd's fixed point returns it, the theorem's own end, as does a cycle, KM-4).
        None (the default): Lloyd's own exact termination. A run the rule
        stops or cuts has ``stop_reason="rule:<name>"`` (or that "best before") and ``converged_=False``;
        its certificate still checks every recorded step (proofs/convergence.md, CV-7).
        Each start runs a copy of the rule (``stop`` itself never changes); the copy
        of the start returned is ``stop_``.
    copy_x : bool, default=True
        Accepted for scikit-learn compatibility. classic never modifies X, with either
        value (scikit-learn, given ``copy_x=False``, centres X in place and restores it).
    algorithm : {"lloyd", "elkan"}, default="lloyd"
        Accepted for scikit-learn compatibility. Both run the same iteration: Lloyd's,
        whose every assignment is exact (KM-1); the bounds that skip distances
        (KM-8, KM-9) are proven never to change a label, so the two values give the
        same result bit for bit. (scikit-learn's "elkan" is likewise the same iteration
        as its "lloyd", with Elkan's bounds.)

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centres, in the dtype of X (float32 runs are computed in float32).
    labels_ : ndarray of shape (n_samples,), int32
        As scikit-learn's (and ``predict``'s).
    inertia_ : float
        Sum of squared distances of the points to their centres (each times its weight,
        with ``sample_weight``).
    n_iter_ : int
        Update half-steps run (scikit-learn counts one more when converged:
        its last pass only confirms that no label changes).
    converged_ : bool
        Whether the run ended on its own test: labels unchanged (``stop_reason``
        "converged", exact termination, KM-5) or the ``tol`` test ("tol", which stops
        before exact termination); False for ``max_iter``, a cycle or a stopping rule.
    trace_ : KMeansTrace
    stop_ : classic.convergence.StoppingRule or None
        The copy of ``stop`` that the start returned ran with: its record of that run
        (``fired``, ``consulted_at``, ``checkpoint``), for ``plot_stopping(trace_, rule=stop_)``;
        None without a rule.
    n_features_in_ : int
    """

    def __init__(self, n_clusters=8, *, init="k-means++", n_local_trials=1, n_init="auto", max_iter=300,
                 tol=0.0, random_state=None, verbose=0, stop=None, copy_x=True, algorithm="lloyd"):
        self.n_clusters = n_clusters
        self.init = init
        self.n_local_trials = n_local_trials
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose
        self.stop = stop
        self.copy_x = copy_x
        self.algorithm = algorithm

    def _init_array(self):
        """Whether ``init`` gives the centres themselves (not a rule or a callable that draws them)."""
        return not (isinstance(self.init, str) or callable(self.init))

    def _check_params(self, X, sample_weight=None):
        k = check_int(self.n_clusters, "n_clusters", minimum=1)
        trials = local_trials(self.n_local_trials, k, X.shape[0])
        if isinstance(self.n_init, str):
            if self.n_init != "auto":  # scikit-learn's default since 1.4
                raise ParameterError(f"n_init must be an integer or 'auto', got {self.n_init!r}")
            n_init = 10 if callable(self.init) or (isinstance(self.init, str) and self.init == "random") else 1
        else:
            n_init = check_int(self.n_init, "n_init", minimum=1)
        check_int(self.max_iter, "max_iter", minimum=1)
        check_real(self.tol, "tol", minimum=0)
        check_verbose(self.verbose)
        check_bool(self.copy_x, "copy_x")
        check_option(self.algorithm, "algorithm", ("lloyd", "elkan"))
        from classic.convergence.stopping import check_stop

        check_stop(self.stop, "KMeans")
        if isinstance(self.init, str):
            check_option(self.init, "init", ("k-means++", "random"))
        elif not callable(self.init):
            try:
                init = np.asarray(self.init)
            except ValueError as error:  # a ragged nesting of sequences
                raise ParameterError("init must be 'k-means++', 'random', a callable or an array of numbers of shape "
                                     f"(n_clusters, n_features) = ({k}, {X.shape[1]}): {error}") from None
            if init.dtype.kind not in "biuf":
                raise ParameterError(f"init must be 'k-means++', 'random', a callable or an array of numbers; "
                                     f"got dtype {init.dtype}")
            if init.shape != (k, X.shape[1]):
                raise ParameterError(
                    f"init array has shape {init.shape}; expected (n_clusters, n_features) = ({k}, {X.shape[1]})"
                )
            if not np.all(np.isfinite(init)):
                raise ParameterError("init array contains NaN or infinity; give finite initial centres")
            if n_init != 1:
                warnings.warn(
                    f"Explicit initial centres given: performing one run instead of n_init={n_init}.",
                    RuntimeWarning,
                    stacklevel=caller_stacklevel(),
                )
                n_init = 1
        if X.shape[0] < k:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={k}: lower n_clusters")
        if isinstance(self.init, str):
            check_positive_weights(sample_weight, k, alternative=", or give init centres")
        check_squared_distances(X, *([self.init] if self._init_array() else []), weight=sample_weight,
                                others_name="the init array",
                                others_fix="Give initial centres in the range of X, or rescale both alike.")
        return k, n_init, trials

    @restoring_on_error
    def fit(self, X, y=None, sample_weight=None):
        """Run k-means on X of shape (n_samples, n_features); returns self.

        ``sample_weight`` (array-like of shape (n_samples,), default None: every point weighs 1)
        weights each point's term of the objective, :math:`\\sum_i w_i \\lVert x_i - c_{L(i)}
        \\rVert^2`: centres are weighted means, seeding draws with probability proportional to
        the weight, and a point of weight 0 is labelled but moves no centre (proofs/kmeans.md,
        "Weights"). Weights that are all equal seed with the draws of no weights, so
        ``np.ones(n)`` gives the fit without weights, bit for bit (centres, labels, inertia).
        ``classic.certify`` then needs the same ``sample_weight``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data.
        y : Ignored
            Not used, present for API consistency by convention.
        sample_weight : float or array-like of shape (n_samples,), default=None
            The weight of each point: finite, non-negative, 0 or at least the smallest normal
            float64, and at least ``n_clusters`` of them positive when ``init`` is a string (a
            number is every point's weight; None: every point weighs 1).

        Returns
        -------
        self : KMeans
            The fitted estimator.
        """
        X = check_estimator_data(self, X, reset=True, finite=False)  # NaN, inf: _check_params
        sample_weight = check_sample_weight(sample_weight, X)
        k, n_init, trials = self._check_params(X, sample_weight)
        # given centres draw nothing: the random state is only checked (making a Generator costs 12 us)
        rng = check_random_state(self.random_state) if self._init_array() else as_generator(self.random_state)
        tol = _tol_threshold(self.tol, X)
        best = None
        validation = None
        if self.stop is not None and self.stop.validation_data is not None:
            X_val, y_val = self.stop.validation_data
            X_val, w_val = check_validation_data(self, X_val, self.stop.validation_weight,
                                                 held_out_precision(X_val, X.dtype), unused_labels=y_val)
            given = self._init_array()
            check_squared_distances(X_val, X, *([self.init] if given else []), name="X_val", weight=w_val,
                                    others_name="X or the init array" if given else "X",
                                    others_fix="Rescale X and X_val alike.", weight_name=VALIDATION_WEIGHTS)
            validation = (X_val, w_val)
        for _ in range(n_init):
            centers = _initial_centers(X, self.init, k, trials, rng, sample_weight)
            if validation is not None and callable(self.init):  # X_val's distances to centres not drawn from X
                check_squared_distances(validation[0], X, centers, name="X_val", weight=validation[1],
                                        others_name="X or the centres returned by init",
                                        others_fix="Rescale X and X_val alike.", weight_name=VALIDATION_WEIGHTS)
            rule = None if self.stop is None else self.stop._copy_for_run()  # self.stop stays as given
            with one_blas_thread(X.shape[0], k * X.shape[1]):  # the filter's products: points x centres
                run = _lloyd(X, centers, self.max_iter, tol, self.verbose, rule, validation, sample_weight)
            if best is None or run[2].objective[-1] < best[2].objective[-1]:
                best, self.stop_ = run, rule  # the rule's record of the start returned
        self.cluster_centers_, labels, self.trace_ = best
        # what the run's stop depended on and its precision, for the certificate (KM-5, KM-6), whatever
        # set_params does later
        self._fit_settings = {"max_iter": self.max_iter, "tol": float(self.tol), "rule": self.stop is not None,
                              "dtype": X.dtype.name}
        self.labels_ = labels.astype(np.int32)  # scikit-learn's dtype (the kernels keep int64)
        self.inertia_ = float(self.trace_.objective[-1])
        self.n_iter_ = self.trace_.n_iter
        self.converged_ = self.trace_.converged
        if self.trace_.stop_reason == "cycle":
            warnings.warn(
                f"k-means: the partition of iteration {self.n_iter_} repeats an earlier one "
                "(a rounding-induced cycle); stopped there (proofs/kmeans.md, KM-4).",
                ConvergenceWarning,
                stacklevel=caller_stacklevel(),
            )
        from classic.convergence.stopping import ended_by_max_iter

        if ended_by_max_iter(self.trace_.stop_reason):
            cut = self.trace_.stop_reason != "max_iter"
            warnings.warn(
                f"k-means stopped at max_iter={self.max_iter} before the labels settled "
                + (f"(early stopping returned its best iteration, {self.trace_.n_iter})" if cut else
                   f"({self.trace_.n_reassigned[-1]} points moved in the last iteration)")
                + "; increase max_iter.",
                ConvergenceWarning,
                stacklevel=caller_stacklevel(),
            )
        n_distinct = _n_distinct_rows(X if sample_weight is None else X[sample_weight > 0], k)
        if n_distinct < k:
            warnings.warn(
                f"Number of distinct points{'' if sample_weight is None else ' of positive weight'} ({n_distinct}) "
                f"in X is smaller than n_clusters ({k}): "
                "some clusters are empty or hold copies of the same point. Use fewer clusters.",
                ConvergenceWarning,
                stacklevel=caller_stacklevel(),
            )
        elif not np.all(self.trace_.cluster_sizes[-1]) or sample_weight is not None:
            message = _empty_clusters_message(X, sample_weight, self.cluster_centers_, self.labels_,
                                              self.trace_.stop_reason)
            if message:
                warnings.warn(message, ConvergenceWarning, stacklevel=caller_stacklevel())
        return self

    def _centers_for(self, X):
        """``cluster_centers_`` in X's dtype, checked against X: a ValueError unless they are a
        finite (k, n_features) array with X's n_features (centres set by hand, after the fit,
        reach the kernels only so)."""
        centers = check_numbers(self.cluster_centers_, "cluster_centers_")
        if centers.ndim != 2 or centers.shape[0] == 0 or centers.shape[1] != X.shape[1]:
            raise ValueError(f"cluster_centers_ has shape {centers.shape}, but X has {X.shape[1]} features: "
                             f"give centres of shape (n_clusters, {X.shape[1]}), or fit again")
        return np.ascontiguousarray(centers, dtype=X.dtype)

    def _inference_data(self, X):
        """X validated for inference, in float32 only when X and ``cluster_centers_`` both are,
        else in float64 (exact for float32 X): a float32 X on a float64 model is measured against
        the fitted centres themselves, not their float32 roundings (scikit-learn's ``transform``
        also gives float64 there)."""
        X = check_estimator_data(self, X, reset=False, finite=False)  # NaN, inf: below
        return in_model_precision(X, self.cluster_centers_)

    def _nearest(self, X, objective, sample_weight=None):
        # Labels (lowest index among the minima) and, if asked, the (weighted) inertia of X.
        X = self._inference_data(X)
        sample_weight = check_sample_weight(sample_weight, X)
        centers = self._centers_for(X)
        check_squared_distances(X, centers, weight=sample_weight, fitted=True)
        return _nearest_centers(X, centers, objective=objective, sample_weight=sample_weight)

    def predict(self, X):
        """Index of the nearest centre (lowest index among the minima), shape (n_samples,).

        On the training data this equals ``labels_`` except at exact ties, where
        ``labels_`` keeps the cluster the point was in (KM-1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        labels : ndarray of shape (n_samples,), int32
            The index of each sample's nearest centre (scikit-learn's dtype, as ``labels_``).
        """
        check_is_fitted(self, "cluster_centers_")
        return self._nearest(X, objective=False)[0]

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit (with ``sample_weight``, as :meth:`fit`) and return ``labels_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data.
        y : Ignored
            Not used, present for API consistency by convention.
        sample_weight : array-like of shape (n_samples,), default=None
            The weight of each point, as in :meth:`fit`.

        Returns
        -------
        labels : ndarray of shape (n_samples,), int32
            ``labels_`` of the fit (at exact ties, the cluster the point was in: see :meth:`predict`).
        """
        return self.fit(X, sample_weight=sample_weight).labels_

    def transform(self, X):
        """Euclidean distances to the centres, shape (n_samples, n_clusters): float32 when X and
        the centres are, else float64.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
            float32 when X and ``cluster_centers_`` are both float32, else float64.
        """
        check_is_fitted(self, "cluster_centers_")
        X = self._inference_data(X)
        centers = self._centers_for(X)
        check_squared_distances(X, centers, fitted=True)
        out = np.empty((X.shape[0], centers.shape[0]), dtype=X.dtype)
        for_rows(kernels.squared_distances, X.shape[0])(X, np.ascontiguousarray(centers.T), out)
        return np.sqrt(out, out=out)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X against the fitted centres (higher is better), each
        point's term weighted by ``sample_weight`` if given.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.
        y : Ignored
            Not used, present for API consistency by convention.
        sample_weight : float or array-like of shape (n_samples,), default=None
            The weight of each point's term: finite, non-negative, 0 or at least the smallest
            normal float64, not all 0 (a number is every point's weight; None: every point
            weighs 1).

        Returns
        -------
        float
            Minus the (weighted) sum of the squared distances to the nearest centres.
        """
        check_is_fitted(self, "cluster_centers_")
        return -float(self._nearest(X, objective=True, sample_weight=sample_weight)[1])

    @property
    def _n_features_out(self):
        # transform's columns, one per centre: get_feature_names_out gives kmeans0, kmeans1, ...
        return self.cluster_centers_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    _TRACE_TYPES = (KMeansTrace,)  # what certify() accepts as trace_

    def _certify(self, X, sample_weight=None):
        from classic._kmeans_certificate import kmeans_claims
        from classic.certificate import check_training_rows, in_fit_dtype

        X = check_estimator_data(self, X, reset=False, finite=False)  # NaN, inf: below
        X = in_fit_dtype(X, self._fit_settings["dtype"])
        labels = np.asarray(self.labels_)
        k = len(self.trace_.cluster_sizes[-1])
        if labels.ndim != 1 or labels.dtype.kind not in "iu" or labels.size == 0 or labels.min() < 0 \
                or labels.max() >= k:
            values = f", values from {labels.min()} to {labels.max()}" if labels.size and labels.dtype.kind in "iuf" else ""
            raise ValueError(f"labels_ must be this run's labels, one integer from 0 to {k - 1} per row; got "
                             f"{labels.dtype} of shape {labels.shape}{values}: restore labels_, or fit again")
        check_training_rows(X.shape[0], len(labels))  # before the weights, which are sized by X
        sample_weight = check_sample_weight(sample_weight, X)
        if self.trace_.weighted and sample_weight is None:
            raise ValueError("this run was fitted with sample_weight: pass the same weights, "
                             "certify(model, X, sample_weight=w)")
        if not self.trace_.weighted and sample_weight is not None:
            raise ValueError("this run was fitted without sample_weight: call certify(model, X) without weights")
        centers = self._centers_for(X)
        check_squared_distances(X, centers, weight=sample_weight)
        if centers.shape[0] != k:
            raise ValueError(f"cluster_centers_ has {centers.shape[0]} rows, but this run has {k} clusters: restore "
                             "the fitted centres, or fit again")
        return kmeans_claims(self, X, centers, labels, sample_weight)
