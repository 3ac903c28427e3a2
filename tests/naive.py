"""Slow, obvious NumPy versions of the compiled kernels: the oracles of the tests.

Shared by every algorithm: each has its own clearly headed section.
"""

import math
from fractions import Fraction

import numpy as np

# --- perceptron ---------------------------------------------------------------
# classic/_perceptron_kernels.py, proofs/perceptron.md


def perceptron_inner(w, x_aug):
    """<w, x~> in the working dtype, terms added left to right."""
    total = w[0] * x_aug[0]
    for f in range(1, len(x_aug)):
        total = total + w[f] * x_aug[f]
    return total


def perceptron_vote(A, in_effect):
    """The voted perceptron's scores of the augmented rows ``A``: the sum over the presentations of
    sign<w, x~>, w the weights in effect there (``perceptron_presentations``), each inner product
    as ``perceptron_inner`` takes it, every row at once."""
    W = np.asarray(in_effect)
    scores = A[:, None, 0] * W[None, :, 0]
    for f in range(1, A.shape[1]):
        scores = scores + A[:, None, f] * W[None, :, f]
    return np.sign(scores).sum(axis=1)


def perceptron_squared_norm(w):
    """||w||^2 in the working dtype: partial sums over f = r mod 4, then (s0 + s1) + (s2 + s3)."""
    s = [w.dtype.type(0)] * 4
    for f in range(len(w)):
        s[f % 4] = s[f % 4] + w[f] * w[f]
    return (s[0] + s[1]) + (s[2] + s[3])


def perceptron_epoch(X, y, scale, order, w, c=None):
    """One pass: returns (new w, update indices, update positions, ||w||^2 after each update,
    the mean perceptron loss of the pass). The loss is
    scikit-learn's ``sumloss / n``: max(0, -y p) of every presentation added in float64 in
    order (``_plain_sgd``, Hinge(threshold=0)). With weights ``c`` (X's dtype) a mistake adds
    y_i fl(c_i x~_i), and none where c_i = 0 (proofs/perceptron.md, PC-1 "Weights")."""
    w = w.copy()
    updates, positions, norms = [], [], []
    sumloss = 0.0
    for t, i in enumerate(order):
        x_aug = np.append(X[i], X.dtype.type(scale)).astype(X.dtype)
        z = y[i] * perceptron_inner(w, x_aug)
        sumloss += float(0.0 - z) if z <= 0 else 0.0
        if z <= 0 and (c is None or c[i] != 0):
            w = w + y[i] * (x_aug if c is None else x_aug * c[i])
            updates.append(i)
            positions.append(t)
            norms.append(perceptron_squared_norm(w))
    return w, updates, positions, norms, sumloss / len(order)


def perceptron_presentations(X, y, scale, orders, w0=None):
    """The perceptron presentation by presentation, for the given orders (one per
    epoch), from the start ``w0`` (augmented; None is 0): the list of weights (float64)
    in effect at each presentation."""
    w = np.zeros(X.shape[1] + 1, dtype=X.dtype) if w0 is None else np.array(w0, dtype=X.dtype)
    in_effect = []
    for order in orders:
        for i in order:
            in_effect.append(w.astype(np.float64))
            x_aug = np.append(X[i], X.dtype.type(scale)).astype(X.dtype)
            if y[i] * perceptron_inner(w, x_aug) <= 0:
                w = w + y[i] * x_aug
    return in_effect


# --- k-means --------------------------------------------------------------------
# classic/_kmeans_kernels.py, proofs/kmeans.md, proofs/kmeans_plusplus.md

CHUNK = 1024  # classic._jit.CHUNK_SIZE, restated: the oracle fixes the summation order itself


def kmeans_squared_distances(X, C):
    """(n, k) squared distances in the working dtype, features added in order f = 0..d-1."""
    D = np.zeros((X.shape[0], C.shape[0]), dtype=X.dtype)
    for f in range(X.shape[1]):
        D += (X[:, f, None] - C[None, :, f]) ** 2
    return D


def kmeans_chunked_sum(values):
    """Float64 sum in the package's order: per chunk sequentially, then chunks in order."""
    total = 0.0
    for start in range(0, len(values), CHUNK):
        part = 0.0
        for v in values[start : start + CHUNK]:
            part += float(v)
        total += part
    return total


def kmeans_terms(distances, w):
    """Objective terms: fl(w_i d_i) in float64, or the distances themselves without weights."""
    return distances if w is None else w * distances.astype(np.float64)


def kmeans_assign(X, C, labels=None, w=None):
    """Assignment half-step: (new labels, objective before, objective after, n changed).

    Without ``labels``: lowest index among the minima. With ``labels``: keep
    the old label unless some centre is strictly closer. Objectives weighted by ``w`` if given."""
    D = kmeans_squared_distances(X, C)
    n = X.shape[0]
    new = np.argmin(D, axis=1)  # first index among the minima
    before = 0.0
    if labels is not None:
        own = D[np.arange(n), labels]
        keep = ~(D[np.arange(n), new] < own)
        new = np.where(keep, labels, new)
        before = kmeans_chunked_sum(kmeans_terms(own, w))
    after = kmeans_chunked_sum(kmeans_terms(D[np.arange(n), new], w))
    changed = 0 if labels is None else int(np.sum(new != labels))
    return new.astype(np.int64), before, after, changed


def kmeans_cluster_sums(X, labels, k, w=None):
    """Cluster sums (float64) and sizes, chunk by chunk, each chunk in index order; with weights
    ``w``, the sums of fl(w_i x_i) and the masses (sums of w_i) instead of the sizes."""
    sums, masses = np.zeros((k, X.shape[1])), np.zeros(k)
    for start in range(0, X.shape[0], CHUNK):
        part, mass = np.zeros((k, X.shape[1])), np.zeros(k)
        rows = X[start : start + CHUNK].astype(np.float64)
        if w is not None:
            rows = w[start : start + CHUNK, None] * rows
            np.add.at(mass, labels[start : start + CHUNK], w[start : start + CHUNK])
        np.add.at(part, labels[start : start + CHUNK], rows)
        sums += part
        masses += mass
    return sums, (np.bincount(labels, minlength=k) if w is None else masses)


def kmeans_update_centers(sums, counts, centers):
    """Means of the non-empty clusters, rounded to the centres' dtype; empty clusters keep their centre."""
    out = centers.copy()
    full = counts > 0
    out[full] = (sums[full] / counts[full, None]).astype(centers.dtype)
    return out


def kmeans_center_shift(new, old, masses):
    """sum_j W_j ||new_j - old_j||^2 and sum_j ||new_j - old_j||^2 in Python floats (float64),
    f in order within a centre, centres in index order."""
    shift = moves = 0.0
    for j in range(len(new)):
        move = 0.0
        for f in range(new.shape[1]):
            diff = float(new[j, f]) - float(old[j, f])
            move += diff * diff
        shift += float(masses[j]) * move
        moves += move
    return shift, moves


def kmeans_splittable(X, labels, k, w=None):
    """Whether each cluster holds at least two distinct points (of positive weight, with
    weights ``w``): the empty-cluster rule's donors."""
    member = (lambda j: labels == j) if w is None else (lambda j: (labels == j) & (w > 0))
    return np.array([len(np.unique(X[member(j)], axis=0)) >= 2 for j in range(k)])


def kmeans_farthest_point(distance, labels, splittable):
    """Largest distance > 0 among clusters holding two distinct points, lowest index on ties; -1 if none."""
    eligible = splittable[labels] & (distance > 0)
    if not eligible.any():
        return -1
    masked = np.where(eligible, distance, -np.inf)
    return int(np.argmax(masked))


def kmeans_fingerprint(labels, k):
    """Partition fingerprint with Python integers (sum of splitmix64 keys mod 2**64)."""
    mask = (1 << 64) - 1
    total = 0
    for i, label in enumerate(labels):
        z = (i * k + int(label) + 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        total += z ^ (z >> 31)
    return total & mask


def kmeans_lloyd(X, C0, max_iter, w=None):
    """The whole run of proofs/kmeans.md, obviously: returns (centres, labels, per-iteration
    objectives as a list of (relocate, update, assign), initial objective, stop reason), stopping
    as the package does when no label changes (KM-5) or the loop's state repeats (KM-4: the
    partition with the centres its empty clusters keep). With
    weights ``w``: weighted objectives and means; a cluster of weight 0 is empty."""
    C = np.array(C0, dtype=X.dtype)
    k = C.shape[0]
    labels, _, f_assign, _ = kmeans_assign(X, C, w=w)
    f0, rows, seen = f_assign, [], set()
    for _ in range(max_iter):
        masses = kmeans_cluster_sums(X, labels, k, w)[1]
        f_relocate = f_assign
        if np.any(masses == 0):
            D = kmeans_squared_distances(X, C)
            terms = kmeans_terms(D[np.arange(len(X)), labels], w)
            moved = False
            for j in np.flatnonzero(masses == 0):
                i = kmeans_farthest_point(terms, labels, kmeans_splittable(X, labels, k, w))
                if i < 0:
                    break
                labels[i] = j
                C[j] = X[i]
                terms[i] = 0
                moved = True
            if moved:
                f_relocate = kmeans_chunked_sum(terms)
        sums, masses = kmeans_cluster_sums(X, labels, k, w)
        empty = np.flatnonzero(masses == 0)  # KM-4's state: the partition with the centres its empty clusters keep
        state = (tuple(labels), tuple(empty), C[empty].tobytes())
        repeated = state in seen  # this state was met before (a rounding cycle)
        seen.add(state)
        C = kmeans_update_centers(sums, masses, C)
        labels_new, f_update, f_assign, changed = kmeans_assign(X, C, labels, w)
        rows.append((f_relocate, f_update, f_assign))
        labels = labels_new
        if changed == 0:
            return C, labels, rows, f0, "converged"
        if repeated:
            return C, labels, rows, f0, "cycle"
    return C, labels, rows, f0, "max_iter"


def kmeans_plusplus(X, k, rng, n_local_trials=1, sample_weight=None):
    """D² seeding drawing from ``rng`` exactly as the package does (greedy when n_local_trials > 1).

    With ``sample_weight`` (float64) not all equal (equal weights draw as none): the first centre,
    and the next one when every weighted D² is 0 (among the unchosen points of positive weight), by
    :func:`kmeans_weighted_draw`; each other one
    by the running sum of the terms w_i * D(x_i)² (each rounded once, in float64). The running sums
    here are one sequential sum, which is the kernels' chunked walk bit for bit when n <= CHUNK or
    when every sum is exact (small integers)."""
    n = X.shape[0]
    w = sample_weight
    uniform = w is None or bool(np.all(w == w[0]))  # equal weights draw as no weights
    indices = [int(rng.integers(n))] if uniform else [kmeans_weighted_draw(w, rng.random())]
    closest = np.full(n, np.inf, dtype=X.dtype)
    for _ in range(1, k):
        closest = np.minimum(closest, kmeans_squared_distances(X, X[indices[-1]][None])[:, 0])
        terms = closest.astype(np.float64) if w is None else w * closest.astype(np.float64)
        potential = kmeans_chunked_sum(terms)
        if potential == 0.0:
            rest = np.setdiff1d(np.arange(n), indices)
            if uniform:
                indices.append(int(rng.choice(rest)))
            else:
                rest = rest[w[rest] > 0]
                indices.append(int(rest[kmeans_weighted_draw(w[rest], rng.random())]))
            continue
        cumulative = np.cumsum(terms)
        candidates = []
        for _ in range(n_local_trials):
            i = int(np.searchsorted(cumulative, rng.random() * potential, side="right"))
            candidates.append(i if i < n else int(np.flatnonzero(terms > 0)[-1]))
        if n_local_trials > 1:
            potentials = []
            for c in candidates:
                after = np.minimum(closest, kmeans_squared_distances(X, X[c][None])[:, 0]).astype(np.float64)
                potentials.append(kmeans_chunked_sum(after if w is None else w * after))
            candidates = [candidates[int(np.argmin(potentials))]]
        indices.append(candidates[0])
    return X[indices], np.array(indices)


def kmeans_weighted_draw(weights, r):
    """Inverse CDF of the weights for the uniform ``r``: the first i whose running float64 sum
    (index order) exceeds r times the total; the last positive weight if none does."""
    total = 0.0
    for v in weights:
        total += v
    target = r * total
    running = 0.0
    for i, v in enumerate(weights):
        running += v
        if running > target:
            return i
    return int(np.flatnonzero(weights > 0)[-1])


def kmeans_cost(X, centers):
    """Inertia of X against its nearest centres, in float64."""
    D = ((X[:, None, :].astype(np.float64) - centers[None].astype(np.float64)) ** 2).sum(-1)
    return float(D.min(axis=1).sum())


def kmeans_optimum(X, k):
    """Optimal k-means inertia by enumerating every labelling (tiny n only)."""
    n = X.shape[0]
    X = X.astype(np.float64)
    grids = np.indices((k,) * n).reshape(n, -1).T  # every labelling, shape (k**n, n)
    best = np.inf
    for block in range(0, len(grids), 4096):
        L = grids[block : block + 4096]
        cost = np.zeros(len(L))
        for j in range(k):
            mask = (L == j).astype(np.float64)  # (m, n)
            size = mask.sum(axis=1)
            s = mask @ X
            sq = mask @ (X**2).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                cost += np.where(size > 0, sq - (s**2).sum(axis=1) / np.maximum(size, 1), 0.0)
        best = min(best, float(cost.min()))
    return max(best, 0.0)
# --- Gaussian mixtures ---
# Oracles of classic/_gmm_kernels.py, _gmm_m_step.py and _gmm_standardisation.py: plain loops and dense linear algebra,
# full covariance matrices for every covariance type, float64 throughout.


def gmm_full_covariances(covariances, covariance_type, n_components, n_features):
    """Every covariance type as a stack of (n_features, n_features) matrices."""
    c = np.asarray(covariances, dtype=np.float64)
    if covariance_type == "full":
        return c
    if covariance_type == "tied":
        return np.repeat(c[None], n_components, axis=0)
    if covariance_type == "diag":
        return np.stack([np.diag(row) for row in c])
    return np.stack([v * np.eye(n_features) for v in c])


def gmm_weighted_log_densities(Z, weights, means, covariances, covariance_type):
    """a[i, k] = log w_k + log N(z_i | mu_k, Sigma_k), by slogdet and solve."""
    Z = np.asarray(Z, dtype=np.float64)
    n, d = Z.shape
    K = len(weights)
    sigmas = gmm_full_covariances(covariances, covariance_type, K, d)
    out = np.empty((n, K))
    for k in range(K):
        _, logdet = np.linalg.slogdet(sigmas[k])
        diff = Z - np.asarray(means[k], dtype=np.float64)
        maha = np.einsum("ij,ij->i", diff, np.linalg.solve(sigmas[k], diff.T).T)
        out[:, k] = np.log(weights[k]) - 0.5 * (d * np.log(2 * np.pi) + logdet + maha)
    return out


def gmm_e_step(Z, weights, means, covariances, covariance_type, previous_resp=None):
    """Log-likelihood, responsibilities, the bound terms and the statistics, naively."""
    a = gmm_weighted_log_densities(Z, weights, means, covariances, covariance_type)
    log_norm = np.array([np.log(np.sum(np.exp(row - row.max()))) + row.max() for row in a])
    log_resp = a - log_norm[:, None]
    resp = np.exp(log_resp)
    out = {
        "log_likelihood": float(np.sum(log_norm)),
        "resp": resp,
        "expected": float(np.sum(resp * a)),
        "entropy": float(-np.sum(resp * log_resp)),
        "counts": resp.sum(axis=0),
    }
    if previous_resp is not None:
        out["expected_previous"] = float(np.sum(previous_resp * a))
    return out


def gmm_m_step(Z, resp, covariance_type, strength=0.0, prior_covariance=None, concentration=1.0):
    """Closed-form (MAP-)M-step from responsibilities, two-pass: means first, then scatter."""
    Z = np.asarray(Z, dtype=np.float64)
    resp = np.asarray(resp, dtype=np.float64)
    n, d = Z.shape
    K = resp.shape[1]
    sigma0 = np.zeros((d, d)) if prior_covariance is None else np.asarray(prior_covariance, dtype=np.float64)
    N = resp.sum(axis=0)
    weights = (N + concentration - 1) / (N.sum() + K * (concentration - 1))
    means = np.stack([resp[:, k] @ Z / N[k] for k in range(K)])
    scatter = np.stack([(resp[:, k, None] * (Z - means[k])).T @ (Z - means[k]) for k in range(K)])
    if covariance_type == "full":
        covariances = np.stack([(scatter[k] + strength * sigma0) / (N[k] + strength) for k in range(K)])
    elif covariance_type == "tied":
        covariances = (scatter.sum(axis=0) + strength * sigma0) / (N.sum() + strength)
    elif covariance_type == "diag":
        covariances = np.stack([(np.diag(scatter[k]) + strength * np.diag(sigma0)) / (N[k] + strength) for k in range(K)])
    else:
        covariances = np.array([(np.trace(scatter[k]) + strength * np.trace(sigma0)) / (d * (N[k] + strength)) for k in range(K)])
    return weights, means, covariances


# --- rational arithmetic ------------------------------------------------------
# proofs/rounding.md, RD-4: the exact values the certificates' slacks must bound


def sqrt_range(q, bits=200):
    """Rationals a <= sqrt(q) <= b, b - a <= 2**-bits sqrt(q) (q a non-negative Fraction)."""
    if q == 0:
        return Fraction(0), Fraction(0)
    shift = bits - (q.numerator.bit_length() - q.denominator.bit_length()) // 2   # sqrt(q) 2**shift ~ 2**bits
    root = math.isqrt(math.floor(q * Fraction(4) ** shift))
    return Fraction(root) / Fraction(2) ** shift, Fraction(root + 1) / Fraction(2) ** shift
