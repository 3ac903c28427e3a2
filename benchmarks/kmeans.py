"""k-means: classic.KMeans against scikit-learn's Lloyd, per iteration.

Same data (uniform on [0, 1)), same initial centres, a fixed number of
iterations (``max_iter``, so neither converges), best of ``repeats`` timings taken
in turn (ours, scikit-learn, ours, ...), so that the shared machine's slow spells hit both:
each turn waits 10 ms (``benchmarks.SWITCH``: the threads of the library called before have
stopped spinning), then makes 3 calls in a row (the later ones warm).
scikit-learn: ``KMeans(algorithm="lloyd", n_init=1, tol=0, init=C0, max_iter=N)``.
Both make N + 1 passes over the data for N iterations (ours: the initial
assignment; scikit-learn: its final assignment after max_iter). The trace is
recorded as always. Then checks that our run is bit for bit the same with
1 and with 2 Numba threads, and times one assignment in which every point is
settled by the bound (the work no pruning can remove: the ceiling of any
pruning scheme on this data). Finally, both run to exact termination (tol=0)
from the same centres on the smaller cases: there the lower-bound test of
KM-8 settles most points in the late iterations. The points it does not settle
are decided by the expanded-form filter of KM-9 (one BLAS product per panel of
points, single-threaded inside our chunks) when its error bound allows. ``predict``
is timed with the same centres on both sides, validation included.
"""

import os
import platform
import time
import warnings

import numba
import numpy as np
from sklearn.cluster import KMeans as SKKMeans
from sklearn.exceptions import ConvergenceWarning

from benchmarks import SWITCH, one_and_two_threads
from classic import KMeans, kmeans_plusplus
from classic import _kmeans_kernels as kernels
from classic._jit import one_blas_thread
from classic._kmeans_assignment import UNWEIGHTED, _buffers, _pruning_factors

#: Runs to exact termination (tol=0, labels unchanged) on the same data and centres.
CONVERGENCE_CASES = [
    (np.float64, 200_000, 16, 32),
    (np.float32, 200_000, 16, 32),
]

#: (dtype, n_samples, n_features, n_clusters, iterations)
CASES = [
    (np.float64, 200_000, 16, 32, 20),
    (np.float32, 200_000, 16, 32, 20),
    (np.float32, 1_000_000, 32, 256, 5),
    # scikit-learn's default n_clusters: here the points the bound leaves are scanned exactly
    # across points (EXACT_PANEL_CLUSTERS), not filtered
    (np.float64, 200_000, 16, 8, 20),
    (np.float32, 200_000, 16, 8, 20),
    # many features: the filter's panels hold fewer points, to stay in L1
    (np.float64, 50_000, 64, 32, 20),
]

#: The same with sample weights, uniform on [0.5, 2) (both sides get the same weights).
WEIGHTED_CASES = [
    (np.float64, 200_000, 16, 32, 20),
]


def _cpu():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _best_times(fits, repeats, in_a_row=3):
    """Best time and last result of each of ``fits``, taken in turn ``repeats`` times, so that
    a slow spell of the (shared) machine falls on both sides of a ratio alike: each turn is a
    pause of :data:`benchmarks.SWITCH` (the other library's threads stop spinning), then
    ``in_a_row`` calls (the later ones warm: threads awake, as in a user's loop)."""
    best, models = [np.inf] * len(fits), [None] * len(fits)
    for _ in range(repeats):
        for a, fit in enumerate(fits):
            time.sleep(SWITCH)
            for _ in range(in_a_row):
                start = time.perf_counter()
                models[a] = fit()
                best[a] = min(best[a], time.perf_counter() - start)
    return best, models


def mandatory_ms(X, model, repeats=3, weights=UNWEIGHTED):
    """Time of one assignment half-step in which the KM-8 bound settles every point (bounds set
    to infinity): what is left is the work every iteration does whatever the pruning — the own
    distances for the trace's objectives, the sums of the next update, the fingerprint. scikit-learn's
    time per iteration divided by this is the most any pruning could gain on this data."""
    n, d = X.shape
    k = model.n_clusters
    centers = np.ascontiguousarray(model.cluster_centers_, dtype=X.dtype)
    pruning, buffers = _pruning_factors(d, X.dtype, k), _buffers(n, k, d)
    best = np.inf
    with one_blas_thread(n, k * d):
        for _ in range(repeats):
            # inputs made outside the timing: labels, and bounds that stay infinite (no drift)
            labels, lower = model.labels_.astype(np.int64), np.full(n, np.inf)
            start = time.perf_counter()
            kernels.assign(X, weights, centers, labels, True, lower, np.zeros(3), *pruning, *buffers)
            best = min(best, time.perf_counter() - start)
    return 1000 * best


def bench_case(dtype, n, d, k, iterations, repeats=3, weighted=False):
    rng = np.random.default_rng(0)
    X = rng.random((n, d)).astype(dtype)
    C0 = X[rng.choice(n, k, replace=False)]
    w = rng.uniform(0.5, 2.0, size=n).astype(dtype).astype(np.float64) if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        (ours_t, sk_t), (ours, sk) = _best_times(
            [lambda: KMeans(k, init=C0, max_iter=iterations).fit(X, sample_weight=w),
             lambda: SKKMeans(k, init=C0, n_init=1, algorithm="lloyd", tol=0, max_iter=iterations).fit(
                 X, sample_weight=w)],
            repeats,
        )
        runs = one_and_two_threads(lambda: KMeans(k, init=C0, max_iter=iterations).fit(X, sample_weight=w))
    same = "n/a (one Numba thread)" if runs is None else (
        runs[0].trace_ == runs[1].trace_ and np.array_equal(runs[0].cluster_centers_, runs[1].cluster_centers_))
    ours_ms = 1000 * ours_t / ours.n_iter_
    sk_ms = 1000 * sk_t / sk.n_iter_
    agree = np.mean(ours.labels_ == sk.labels_)
    floor_ms = mandatory_ms(X, ours, weights=UNWEIGHTED if w is None else w)
    print(
        f"{np.dtype(dtype).name:7s} {n:>9d} x {d:<3d} k={k:<4d} iters={ours.n_iter_:<3d} "
        f"{'weighted ' if weighted else ''}"
        f"classic {ours_ms:8.2f} ms/iter   sklearn {sk_ms:8.2f} ms/iter   "
        f"speed-up x{sk_ms / ours_ms:5.2f}   1 vs 2 threads bitwise equal: {same}   "
        f"labels equal to sklearn's: {agree:.4%}   "
        f"points scanned per iteration (rest settled by the KM-8 bound): {ours.trace_.n_scanned.mean() / n:.0%}   "
        f"every point settled: {floor_ms:.2f} ms/iter (at most x{sk_ms / floor_ms:.2f} over sklearn)"
    )
    return ours_ms, sk_ms, same


def bench_convergence(dtype, n, d, k):
    """Both run until no label changes; pruning (KM-8) pays off most in the late iterations."""
    rng = np.random.default_rng(0)
    X = rng.random((n, d)).astype(dtype)
    C0 = X[rng.choice(n, k, replace=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        (ours_t, sk_t), (ours, sk) = _best_times(
            [lambda: KMeans(k, init=C0, max_iter=10_000).fit(X),
             lambda: SKKMeans(k, init=C0, n_init=1, algorithm="lloyd", tol=0, max_iter=10_000).fit(X)],
            1, in_a_row=1,
        )
    print(
        f"{np.dtype(dtype).name:7s} {n:>9d} x {d:<3d} k={k:<4d} to convergence: "
        f"classic {ours_t:6.2f} s ({ours.n_iter_} iterations, {ours.trace_.stop_reason})   "
        f"sklearn {sk_t:6.2f} s ({sk.n_iter_} iterations)   speed-up x{sk_t / ours_t:5.2f}   "
        f"labels equal: {np.mean(ours.labels_ == sk.labels_):.4%}"
    )
    return ours_t, sk_t


#: predict on (dtype, n_samples, n_features, n_clusters): the data of the fixed-iteration cases,
#: a small batch, and one row (the latency of a single query)
PREDICT_CASES = [
    (np.float64, 200_000, 16, 32),
    (np.float32, 200_000, 16, 32),
    (np.float64, 10_000, 8, 8),
    (np.float32, 200_000, 16, 8),
    (np.float64, 1, 16, 32),
]


def bench_predict(dtype, n, d, k, repeats=None):
    """``predict`` with the same centres (ours after 20 iterations on 200 000 training points,
    copied into scikit-learn's fitted model), timed in turn; the labels must be equal."""
    rng = np.random.default_rng(0)
    train = rng.random((200_000, d)).astype(dtype)
    X = rng.random((n, d)).astype(dtype)
    C0 = train[rng.choice(len(train), k, replace=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = KMeans(k, init=C0, max_iter=20).fit(train)
        sk = SKKMeans(k, init=ours.cluster_centers_, n_init=1, algorithm="lloyd", max_iter=1).fit(train[:k])
    sk.cluster_centers_ = ours.cluster_centers_.copy()
    repeats = repeats or (8 if n > 10_000 else 70)  # turns of 3 calls; best of 5 calls swung 1.10-1.91x on 2026-12-03
    (ours_t, sk_t), (labels, sk_labels) = _best_times([lambda: ours.predict(X), lambda: sk.predict(X)], repeats)
    print(
        f"{np.dtype(dtype).name:7s} {n:>9d} x {d:<3d} k={k:<4d} predict: "
        f"classic {1000 * ours_t:8.3f} ms   sklearn {1000 * sk_t:8.3f} ms   speed-up x{sk_t / ours_t:5.2f}   "
        f"labels equal: {np.array_equal(labels, sk_labels)}"
    )
    return ours_t, sk_t


#: Small data that ships with scikit-learn, run to exact termination: here fixed costs per fit
#: and per iteration (validation, checks, thread wake-ups) weigh as much as the arithmetic.
SMALL_CASES = [("iris", 3), ("digits", 10)]


def bench_small(name, k, repeats=10):
    """Whole fits from the same k-means++ centres to exact termination, timed in turn."""
    from sklearn import datasets

    X = getattr(datasets, f"load_{name}")().data
    C0 = kmeans_plusplus(X, k, random_state=0)[0]
    (ours_t, sk_t), (ours, sk) = _best_times(
        [lambda: KMeans(k, init=C0).fit(X),
         lambda: SKKMeans(k, init=C0, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)],
        repeats,
    )
    print(
        f"{name:8s} {X.shape[0]:>6d} x {X.shape[1]:<3d} k={k:<3d} whole fit: classic {1000 * ours_t:7.3f} ms "
        f"({ours.n_iter_} iterations)   sklearn {1000 * sk_t:7.3f} ms ({sk.n_iter_})   speed-up x{sk_t / ours_t:5.2f}   "
        f"labels equal: {np.mean(ours.labels_ == sk.labels_):.4%}"
    )
    return ours_t, sk_t


def run():
    print(f"machine: {_cpu()}, {os.cpu_count()} logical CPUs, numba threads {numba.config.NUMBA_NUM_THREADS}")
    # Warm-up: compile (or load from cache) every kernel once, outside the timings.
    KMeans(4, random_state=0).fit(np.random.default_rng(1).random((3000, 4)))
    KMeans(4, random_state=0).fit(np.random.default_rng(1).random((3000, 4)).astype(np.float32))
    KMeans(4, random_state=0).fit(np.random.default_rng(1).random((3000, 4)), sample_weight=np.ones(3000))
    print("fixed iteration count (neither converges):")
    for case in CASES:
        bench_case(*case)
    for case in WEIGHTED_CASES:
        bench_case(*case, weighted=True)
    print("small data, whole fits to exact termination from the same centres:")
    for case in SMALL_CASES:
        bench_small(*case)
    print("predict with the same centres:")
    for case in PREDICT_CASES:
        bench_predict(*case)
    print("to exact termination from the same centres:")
    for case in CONVERGENCE_CASES:
        bench_convergence(*case)


if __name__ == "__main__":
    run()
