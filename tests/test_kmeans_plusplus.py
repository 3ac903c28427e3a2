"""k-means++ seeding: proofs/kmeans_plusplus.md (KPP-*)."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import naive
from classic import KMeans, kmeans_plusplus
from classic._jit import CHUNK_SIZE
from classic._seeding_kernels import sample_index
from classic.seeding import _kmeans_plusplus
from classic.strategies import clustering_data
from proof_steps import proof_steps

DELTA = 1e-6  # false-failure rate of each statistical test, per instance (Hoeffding)


@given(clustering_data(max_samples=30), st.data())
@example(np.zeros((4, 2)), None)  # every point identical: the all-zero rule
def test_kpp1_distinct_rows_of_X(X, data):
    """KPP-1 (proofs/kmeans_plusplus.md): k distinct indices, centres are those rows of X, dtype kept."""
    k = data.draw(st.integers(1, len(X))) if data is not None else len(X)
    trials = data.draw(st.integers(1, min(3, len(X)))) if data is not None else 1
    centers, indices = kmeans_plusplus(X, k, n_local_trials=trials, random_state=0)
    assert len(set(indices.tolist())) == k
    np.testing.assert_array_equal(centers, X[indices])
    assert centers.dtype == X.dtype


@given(clustering_data(max_samples=40), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_kpp1_matches_naive(X, k, trials, seed):
    """KPP-1, KPP-3: the kernels draw the same indices as the obvious NumPy version from the same generator."""
    k = min(k, len(X))
    got = _kmeans_plusplus(X, k, trials, np.random.default_rng(seed))[1]
    want = naive.kmeans_plusplus(X, k, np.random.default_rng(seed), n_local_trials=trials)[1]
    np.testing.assert_array_equal(got, want)


def test_kpp1_sampling_frequencies():
    """KPP-1: the second centre is drawn with the D² probabilities. With m draws, by Hoeffding each
    frequency is within sqrt(ln(2 n / DELTA) / (2 m)) of its probability except with probability DELTA."""
    X = np.array([[0.0], [1.0], [3.0], [6.0]])
    m = 20000
    rng = np.random.default_rng(11)
    counts = np.zeros((4, 4))
    firsts = np.zeros(4)
    for _ in range(m):
        idx = _kmeans_plusplus(X, 2, 1, rng)[1]
        counts[idx[0], idx[1]] += 1
        firsts[idx[0]] += 1
    margin = math.sqrt(math.log(2 * 4 * 5 / DELTA) / (2 * m))  # 4 first-centre + up to 16 pair frequencies
    assert np.all(np.abs(firsts / m - 0.25) <= margin)
    for first in range(4):
        d2 = (X[:, 0] - X[first, 0]) ** 2
        p = 0.25 * d2 / d2.sum()
        assert np.all(np.abs(counts[first] / m - p) <= margin), (first, counts[first] / m, p)


# --- sample weights (KPP-1, KPP-2: weighted D² seeding) -------------------------------------------


@st.composite
def _weights_and_k(draw, n):
    """Sample weights for n points (zeros, small integers, and positive floats from the smallest
    normal float64 to 1e6, whose products with D² may underflow to 0) and a number of clusters
    up to the number of positive weights."""
    positive = st.one_of(st.sampled_from([1.0, 2.0, 3.0]), st.floats(np.finfo(np.float64).tiny, 1e6))
    w = np.array(draw(st.lists(st.one_of(st.just(0.0), positive), min_size=n, max_size=n)))
    if not np.any(w > 0):
        w[draw(st.integers(0, n - 1))] = draw(positive)
    return w, draw(st.integers(1, int(np.count_nonzero(w))))


@given(clustering_data(max_samples=30), st.data())
@example(np.zeros((4, 2)), (np.array([0.0, 2.0, 1.0, 0.0]), 2, 1))  # every point identical: the all-zero rule, by weight
@example(np.arange(8.0)[:, None], (np.array([1.0, 0, 0, 0, 0, 0, 0, 1.0]), 2, 1))  # far points of weight 0
def test_kpp1_weighted_distinct_rows_of_positive_weight(X, data):
    """KPP-1 (proofs/kmeans_plusplus.md), weighted: k distinct indices, all of positive weight, centres
    are those rows of X, dtype kept."""
    if isinstance(data, tuple):  # an explicit example: (weights, k, trials)
        w, k, trials = data
    else:
        w, k = data.draw(_weights_and_k(len(X)))
        trials = data.draw(st.integers(1, min(3, len(X))))
    centers, indices = kmeans_plusplus(X, k, sample_weight=w, n_local_trials=trials, random_state=0)
    assert len(set(indices.tolist())) == k
    assert np.all(w[indices] > 0)
    np.testing.assert_array_equal(centers, X[indices])
    assert centers.dtype == X.dtype


@given(clustering_data(max_samples=40), st.integers(1, 3), st.integers(0, 2**32 - 1), st.data())
def test_kpp1_weighted_matches_naive(X, trials, seed, data):
    """KPP-1, KPP-3, weighted: the kernels draw the same indices as the obvious NumPy version (terms
    w_i * D² rounded once in float64, inverse CDF of the weights) from the same generator."""
    w, k = data.draw(_weights_and_k(len(X)))
    got = _kmeans_plusplus(X, k, trials, np.random.default_rng(seed), sample_weight=w)[1]
    want = naive.kmeans_plusplus(X, k, np.random.default_rng(seed), n_local_trials=trials, sample_weight=w)[1]
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kpp1_weighted_matches_naive_across_chunks(dtype):
    """KPP-1, weighted, over several chunks of rows: on small integers with integer weights every
    sum is exact, so the kernels' chunked walk and the oracle's single running sum draw the same."""
    rng = np.random.default_rng(8)
    X = rng.integers(-3, 4, size=(2500, 2)).astype(dtype)
    w = rng.integers(0, 4, size=2500).astype(np.float64)
    for seed in range(5):
        got = _kmeans_plusplus(X, 12, 2, np.random.default_rng(seed), sample_weight=w)[1]
        want = naive.kmeans_plusplus(X, 12, np.random.default_rng(seed), n_local_trials=2, sample_weight=w)[1]
        np.testing.assert_array_equal(got, want)


def test_kpp1_weighted_same_with_one_and_two_threads(numba_threads):
    """KPP-1, weighted: chunked sums in index order, so the draws do not depend on the thread count."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(5000, 3)).astype(np.float32)
    w = rng.exponential(size=5000) * (rng.random(5000) < 0.8)
    runs = []
    for threads in (1, 2):
        numba_threads(threads)
        runs.append(_kmeans_plusplus(X, 9, 3, np.random.default_rng(2), sample_weight=w)[1])
    np.testing.assert_array_equal(runs[0], runs[1])


def test_kpp1_no_weights_draws_as_before():
    """KPP-1 without weights: the indices drawn before sample_weight existed (recorded from the
    previous implementation, commit 8ab548a), for the same seeds: same generator calls, same sums."""
    before = [[42, 13, 1, 0, 41], [94, 23, 166, 74, 106, 84, 64, 141], [2512, 901, 2442, 275, 1791, 2186],
              [2028, 612, 233, 1206, 383, 267, 1084]]
    cases = [(50, 3, 5, 1, np.float64), (200, 2, 8, 3, np.float32), (3000, 4, 6, 1, np.float64),
             (2500, 2, 7, 2, np.float32)]
    for seed, ((n, d, k, trials, dtype), want) in enumerate(zip(cases, before)):
        X = np.random.default_rng(100 + seed).normal(size=(n, d)).astype(dtype)
        assert kmeans_plusplus(X, k, n_local_trials=trials, random_state=seed)[1].tolist() == want
        assert kmeans_plusplus(X, k, sample_weight=None, n_local_trials=trials, random_state=seed)[1].tolist() == want


@given(clustering_data(max_samples=40), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2**32 - 1))
@example(np.zeros((4, 2)), 3, 1, 0)  # the all-zero rule
def test_kpp1_all_ones_weights_draw_as_no_weights(X, k, trials, seed):
    """KPP-1: equal weights draw the first centre, and a centre when all D² are 0, as no weights do
    (rng.integers, rng.choice: the same uniform distribution), and with weights all 1 or all 2
    every term fl(w D²) is w D² exactly, so every potential, target and sampled index is the
    unweighted one: the same centres from the same seed. (Until 2026-12-05 equal weights drew
    those centres by inverse CDF from rng.random: the same distribution, other draws; this test
    then replayed the uniforms.)"""
    k = min(k, len(X))
    unweighted = _kmeans_plusplus(X, k, trials, np.random.default_rng(seed))[1]
    for w in (1.0, 2.0):
        weighted = _kmeans_plusplus(X, k, trials, np.random.default_rng(seed), sample_weight=np.full(len(X), w))[1]
        np.testing.assert_array_equal(weighted, unweighted)


@given(st.sampled_from([np.float64, np.float32]), st.integers(2, 40), st.integers(1, 3), st.integers(1, 6),
       st.integers(1, 3), st.booleans(), st.integers(0, 2**32 - 1), st.data())
@example(np.float64, 50, 3, 6, 1, False, 0, None)   # before 2026-12-03: every D² underflowed at 2^-600
@example(np.float64, 50, 3, 6, 1, True, 0, None)    # ... and weights at 2^-1000 on data at 2^-100
def test_kpp1_draws_do_not_depend_on_the_scale(dtype, n, d, k, trials, weighted, seed, data):
    """KPP-1, "Scale": the same seed draws the same indices for X and X 2^s, and for weights w and
    w 2^t, the powers of two reaching where squared distances (or weighted terms) underflow; the
    centres are the rows of the X given."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, d)).astype(dtype)
    X[np.abs(X) < 2.0**-10] = 0   # so that X 2^s stays normal for the shifts drawn
    w = rng.uniform(0.5, 2.0, n) if weighted else None
    if weighted:   # a zero weight too (scaling w by min(w)'s exponent, 0's, passed: audit 52)
        w[rng.integers(n)] = 0.0
    lowest = -1000 if dtype == np.float64 else -110
    if data is None:   # the pinned examples
        s, t = (-100, -1000) if weighted else (-600, 0)
    else:
        s, t = data.draw(st.integers(lowest, 10)), data.draw(st.integers(-1000, 10))
    k, trials = min(k, n - weighted), min(trials, n)   # at most n candidates per step (n_local_trials <= n_samples)
    scaled_X = np.ldexp(X, s)
    scaled_w = None if w is None else np.ldexp(w, t)
    centers, indices = kmeans_plusplus(X, k, sample_weight=w, n_local_trials=trials, random_state=seed)
    scaled_centers, scaled_indices = kmeans_plusplus(scaled_X, k, sample_weight=scaled_w, n_local_trials=trials,
                                                     random_state=seed)
    np.testing.assert_array_equal(scaled_indices, indices)
    np.testing.assert_array_equal(scaled_centers, scaled_X[indices])
    assert scaled_centers.dtype == dtype


def test_kpp1_the_scale_threshold_keeps_the_draws_just_below_it():
    """KPP-1, "Scale": X whose largest |x| lies in [2^-459, 2^-458), just below the float64 threshold
    2^(e_min/2 + p + 1) = 2^-458, is scaled up, so points 2^-540 apart keep normal squared distances and
    draw as X 2^500 does (audit 73's S22 put the threshold one binade lower: these were not scaled,
    their distances underflowed, and the draws changed with the scale)."""
    s = 2.0**-540
    X = np.array([[1.5 * 2.0**-459], [0.0], [s], [2 * s], [3 * s], [5 * s], [8 * s], [13 * s]])
    for seed in range(40):
        np.testing.assert_array_equal(kmeans_plusplus(X, 4, random_state=seed)[1],
                                      kmeans_plusplus(X * 2.0**500, 4, random_state=seed)[1])


class _Scripted(np.random.Generator):
    """A Generator whose draws are given: ``integers`` returns ``first``, ``random`` the ``uniforms``
    in turn (each a double a Generator can return: a multiple of 2^-53 in [0, 1))."""

    def __init__(self, first, uniforms):
        super().__init__(np.random.PCG64(0))
        self.first, self.uniforms = first, list(uniforms)

    def integers(self, *args, **kwargs):
        return self.first

    def random(self, *args, **kwargs):
        return self.uniforms.pop(0)


@pytest.mark.parametrize("weights, uniforms, want", [
    # D² after row 0: 0, 1, 9 (potential 10); fl(0.1 * 10) = 1.0 is P_1 exactly: row 2's, [1, 10)
    (None, [0.1], [0, 2]),
    (None, [0.0], [0, 1]),                          # r = 0: the first row of positive D², never row 0's empty [0, 0)
    (None, [1 - 2.0**-53], [0, 2]),                 # r just below 1: the last row
    ([0.0, 1.0, 2.0], [0.0, 0.5], [1, 2]),          # first centre by weight at r = 0: never a zero weight
    ([1.0, 2.0, 0.0], [1 - 2.0**-53, 0.0], [1, 0]),  # ... at r near 1: the last positive weight
])
def test_kpp1_each_row_owns_the_half_open_interval_of_its_mass(weights, uniforms, want):
    """KPP-1: the inverse CDF draws row i for a target r·P in [P_(i-1), P_i), P_i the running sum of the
    weighted D² (or of the weights, for the first centre): a target on a partial sum belongs to the
    next row, and a row of mass 0 is never drawn. With >= in place of > (the D² draw) or searchsorted's
    left side (the first centre) every test passed (audit 52); scripted uniforms land on the boundaries."""
    X = np.array([[0.0], [1.0], [3.0]])
    w = None if weights is None else np.array(weights)
    _, indices = kmeans_plusplus(X, 2, sample_weight=w, n_local_trials=1, random_state=_Scripted(0, uniforms))
    assert indices.tolist() == want


def test_kpp1_the_potential_adds_its_chunks_in_index_order():
    """The potential is the chunk partials added in index order (the package's reduction order, the
    order sample_index walks them in), and potential_with (KPP-3) gives the bits update_closest would:
    on chunks of magnitudes 10^-3 to 10^3, where the reverse order rounds otherwise (audit 73's K8
    summed them backwards, and every test passed)."""
    from classic._seeding_kernels import potential_with, update_closest

    rng = np.random.default_rng(0)
    n = 5 * CHUNK_SIZE + 17
    X = rng.random((n, 3)) * np.repeat(10.0 ** rng.integers(-3, 4, size=6), [CHUNK_SIZE] * 5 + [17])[:, None]
    closest, parts = np.full(n, np.inf), np.zeros(6)
    potential = update_closest(X, X[0], closest, np.empty(0), parts)
    forward, backward = 0.0, 0.0
    for part in parts:
        forward += part
    for part in parts[::-1]:
        backward += part
    assert potential == forward != backward   # the premise: the order shows in the bits
    expected = potential_with(X, X[1], closest, np.empty(0))
    assert update_closest(X, X[1], closest.copy(), np.empty(0), parts) == expected


def test_kpp1_a_target_on_a_chunk_boundary_belongs_to_the_next_chunk():
    """KPP-1's walk skips chunk c while the running sum of chunk partials stays <= the target: a
    target equal to that sum lies in the next chunk's interval, even where summing chunk c's terms
    one by one from the previous sum rounds past it. Here P_1 = fl(1 + fl(3t)) = 1 + 2 ulp but
    1 + t + t + t, rounded in turn, is 1 + 3 ulp (t = 0.6 ulp): with < in place of <= every test
    passed (audit 52b's K10) and the draw fell on chunk 1's last row, a target outside its interval."""
    n = 2 * CHUNK_SIZE + 1
    closest = np.zeros(n)
    closest[0] = 1.0
    closest[CHUNK_SIZE:CHUNK_SIZE + 3] = 0.6 * 2.0**-52
    closest[2 * CHUNK_SIZE] = 1.0
    parts = np.zeros(3)
    for i in range(n):                              # update_closest's sums: per chunk, in index order
        parts[i // CHUNK_SIZE] += closest[i]
    target = parts[0] + parts[1]
    assert target == 1 + 2 * 2.0**-52 and (1 + closest[CHUNK_SIZE]) + closest[CHUNK_SIZE] + closest[CHUNK_SIZE] > target
    assert sample_index(closest, np.zeros(0), parts, target) == 2 * CHUNK_SIZE
    # one ulp below: chunk 1, walked term by term (1 + t rounds to 1 + ulp, not past it; 1 + 2t does)
    assert sample_index(closest, np.zeros(0), parts, np.nextafter(target, 0)) == CHUNK_SIZE + 1


def _squared(a, b):
    return sum((int(p) - int(q)) ** 2 for p, q in zip(a, b))


def _first_two_probabilities(X, rows):
    """Exact (Fraction) probabilities of the first two centres, by original row, of unweighted D²
    seeding of the points X[rows] (rows may repeat: the data with repeated points); requires a
    positive potential after any first centre."""
    m = len(rows)
    first, pair = {}, {}
    for a in rows:
        first[a] = first.get(a, 0) + Fraction(1, m)
        d2 = [_squared(X[b], X[a]) for b in rows]
        assert sum(d2) > 0
        for b, d in zip(rows, d2):
            if d:
                pair[a, b] = pair.get((a, b), 0) + Fraction(1, m) * Fraction(d, sum(d2))
    return first, pair


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kpp2_integer_weights_are_repetition(dtype):
    """KPP-2 (proofs/kmeans_plusplus.md): with integer weights, weighted D² seeding draws its first two
    centres with the probabilities of unweighted seeding of the data with row i repeated w_i times
    (computed exactly with fractions; they equal the weighted formula, checked exactly too). On
    small integers every sum is exact. With m draws, by Hoeffding and a union bound over the N
    frequencies, all are within sqrt(ln(2 N / DELTA) / (2 m)) of their probabilities except with
    probability DELTA: the false-failure rate of this test. Ignoring the weights would fail it:
    some probability then moves by more than twice that margin."""
    X = np.array([[0, 0], [1, 0], [3, 1], [3, 1], [0, 2], [2, 2]], dtype=dtype)  # rows 2 and 3 coincide
    w = np.array([2.0, 0.0, 1.0, 3.0, 1.0, 2.0])
    n = len(X)
    first, pair = _first_two_probabilities(X, [i for i in range(n) for _ in range(int(w[i]))])
    W = int(w.sum())
    for a in range(n):  # the weighted formula of KPP-1, exactly
        assert first.get(a, 0) == Fraction(int(w[a]), W)
        total = sum(int(w[l]) * _squared(X[l], X[a]) for l in range(n))
        for b in range(n):
            assert pair.get((a, b), 0) == Fraction(int(w[a]), W) * Fraction(int(w[b]) * _squared(X[b], X[a]), total)
    m = 20000
    margin = math.sqrt(math.log(2 * (n + n * n) / DELTA) / (2 * m))  # n first-centre + n² pair frequencies
    first_u, pair_u = _first_two_probabilities(X, list(range(n)))  # the weights ignored
    assert max(abs(float(pair_u.get(key, 0) - pair.get(key, 0))) for key in set(pair) | set(pair_u)) > 2 * margin
    rng = np.random.default_rng(12)
    counts = np.zeros((n, n))
    for _ in range(m):
        a, b = _kmeans_plusplus(X, 2, 1, rng, sample_weight=w)[1]
        counts[a, b] += 1
    for a in range(n):
        assert abs(counts[a].sum() / m - float(first.get(a, 0))) <= margin, (a, counts[a].sum() / m)
        for b in range(n):
            assert abs(counts[a, b] / m - float(pair.get((a, b), 0))) <= margin, (a, b, counts[a, b] / m)


def test_kmeans_plusplus_sample_weight_validated():
    """Bad weights are refused with the problem named; X and sample_weight are never modified;
    read-only inputs are accepted."""
    X = np.random.default_rng(3).normal(size=(6, 2))
    w = np.array([1.0, 0.0, 2.0, 0.5, 0.0, 3.0])
    X_copy, w_copy = X.copy(), w.copy()
    X.setflags(write=False)
    w.setflags(write=False)
    centers, indices = kmeans_plusplus(X, 4, sample_weight=w, n_local_trials=2, random_state=0)
    assert np.all(w[indices] > 0)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(w, w_copy)
    writeable = w_copy.copy()
    kmeans_plusplus(X_copy, 4, sample_weight=writeable, random_state=1)
    np.testing.assert_array_equal(writeable, w_copy)
    assert len(kmeans_plusplus(X, 6, sample_weight=2.0, random_state=0)[1]) == 6  # a number: every weight
    with pytest.raises(ValueError, match=r"4 positive weights but n_clusters=5.*Lower n_clusters"):
        kmeans_plusplus(X, 5, sample_weight=w)
    with pytest.raises(ValueError, match="negative"):
        kmeans_plusplus(X, 2, sample_weight=[1.0, -1.0, 1.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        kmeans_plusplus(X, 2, sample_weight=[1.0, np.nan, 1.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        kmeans_plusplus(X, 2, sample_weight=[1.0, np.inf, 1.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="shape"):
        kmeans_plusplus(X, 2, sample_weight=np.ones(5))
    with pytest.raises(ValueError, match="zero for every point"):
        kmeans_plusplus(X, 1, sample_weight=np.zeros(6))
    with pytest.raises(ValueError, match="subnormal"):
        kmeans_plusplus(X, 1, sample_weight=np.full(6, 1e-310))
    with pytest.raises(TypeError, match="sample_weight must be numbers"):
        kmeans_plusplus(X, 1, sample_weight=np.array(["a"] * 6))
    with pytest.raises(ValueError, match="too large"):
        kmeans_plusplus(X, 1, sample_weight=np.full(6, 1e307))


def _exact_squared_distances(X):
    """‖x_i − x_j‖² of the rows of X in rational arithmetic (every float is a rational)."""
    Q = [[Fraction(v) for v in row] for row in X.tolist()]
    return [[sum((a - b) ** 2 for a, b in zip(p, q)) for q in Q] for p in Q]


def _exact_expected_cost(X, k, uniform=False):
    """E[φ] of the seeding, exactly: the sum over every path (c_1, ..., c_k) of its probability
    times its cost Σ_x D(x)², in rationals. D² seeding is KPP-1's algorithm (c_1 uniform; then x
    with probability D(x)² / Σ_y D(y)², or, when that sum is 0, uniformly among the points not
    chosen yet); ``uniform=True`` draws every centre uniformly among the points not chosen yet."""
    n, squared = len(X), _exact_squared_distances(X)

    def expected(path, nearest):  # nearest: D(x)² to the centres of the path
        if len(path) == k:
            return sum(nearest)
        total = sum(nearest)
        out = Fraction(0)
        for x in range(n):
            if uniform or total == 0:
                p = Fraction(int(x not in path), n - len(path))
            else:
                p = nearest[x] / total
            if p:
                out += p * expected(path + (x,), [min(a, b) for a, b in zip(nearest, squared[x])])
        return out

    return sum(expected((c,), squared[c]) for c in range(n)) / n


def _exact_optimum(X, k):
    """φ_OPT in rationals: the cheapest labelling into at most k clusters (every labelling
    enumerated; a cluster S costs Σ_S ‖x‖² − ‖Σ_S x‖² / |S|, exactly its scatter)."""
    n = len(X)
    Q = [[Fraction(v) for v in row] for row in X.tolist()]
    scatter = {}
    for mask in range(1, 2**n):
        members = [Q[i] for i in range(n) if mask >> i & 1]
        total = [sum(column) for column in zip(*members)]
        scatter[mask] = sum(sum(v * v for v in q) for q in members) - sum(v * v for v in total) / len(members)
    best = None
    for labels in np.ndindex(*(k,) * n):
        masks = [0] * k
        for i, j in enumerate(labels):
            masks[j] |= 1 << i
        cost = sum(scatter[m] for m in masks if m)
        best = cost if best is None or cost < best else best
    return best


def _bound_factor_below(k):
    """A rational at most 8(ln k + 2): the float64 value lowered by 4 ulp-sized relative steps
    (math.log and the two float operations are each within 1 ulp of their exact results)."""
    return Fraction(8 * (math.log(k) + 2)) * (1 - Fraction(4, 2**52))


def _mean_cost_agrees(X, k, seeding, expectation, m):
    """Hoeffding, two-sided: each of m independent seeding costs lies in [0, B] with
    B = max_c Σ_i ‖x_i − x_c‖² (the cost after the first centre, which later centres only lower),
    so |mean − E[φ]| > B √(ln(2/DELTA) / (2m)) has probability at most DELTA. Returns whether the
    mean of the draws lies within that of ``expectation``, the mean, and the margin."""
    B = max(naive.kmeans_cost(X, X[[c]]) for c in range(len(X)))
    mean = np.mean([naive.kmeans_cost(X, X[seeding()]) for _ in range(m)])
    margin = B * math.sqrt(math.log(2 / DELTA) / (2 * m))
    return abs(mean - float(expectation)) <= margin, mean, margin


def _instances():
    rng = np.random.default_rng(2024)
    out = []
    for n, k, d in [(5, 2, 1), (6, 2, 2), (7, 3, 2), (8, 3, 1), (8, 2, 3), (8, 3, 2)]:
        out.append((rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=d), k))
    groups = np.array([[0.0, 0.0], [0.01, 0.0], [0.0, 0.01], [100.0, 0.0], [100.0, 0.01], [100.01, 0.0],
                       [0.0, 100.0], [0.01, 100.0]])
    out.append((groups, 3))
    return out


@pytest.mark.parametrize("X, k", _instances())
def test_kpp2_expected_cost_bound(X, k):
    """KPP-2 (proofs/kmeans_plusplus.md), exactly: E[φ] of KPP-1's D² seeding, summed over every
    seeding path in rational arithmetic, is at most 8(ln k + 2) φ_OPT, φ_OPT by enumerating every
    labelling in rationals: no rounding and no sampling, so a failure is a counterexample. Then
    classic's sampler: the mean cost of m = 3000 seedings agrees with that exact E[φ] (two-sided
    Hoeffding, false-failure rate DELTA per instance; the draws' distribution step by step is
    KPP-1's, test_kpp1_sampling_frequencies and test_kpp1_matches_naive)."""
    expectation, opt = _exact_expected_cost(X, k), _exact_optimum(X, k)
    assert expectation <= _bound_factor_below(k) * opt, (float(expectation), float(opt))
    rng = np.random.default_rng(0)
    agrees, mean, margin = _mean_cost_agrees(X, k, lambda: _kmeans_plusplus(X, k, 1, rng)[1], expectation, m=3000)
    assert agrees, (mean, float(expectation), margin)


def test_kpp2_zero_optimum_means_zero_cost():
    """KPP-2 with OPT = 0 (k distinct locations, duplicated): E[cost] <= 0 forces every draw to cost
    exactly 0 (exactly, over every path, and for 500 draws of classic's seeding). False-failure rate 0."""
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 1.0], [-3.0, 2.0]]), [3, 2, 3], axis=0)
    rng = np.random.default_rng(1)
    assert _exact_optimum(X, 3) == 0 == _exact_expected_cost(X, 3)
    for _ in range(500):
        assert naive.kmeans_cost(X, X[_kmeans_plusplus(X, 3, 1, rng)[1]]) == 0.0


def test_kpp2_checks_can_fail():
    """Both KPP-2 checks can fail: on three tight, far-apart groups, uniform seeding (k random
    distinct points, no D² weighting) misses a group two times in three, so its exact E[φ]
    exceeds 8(ln k + 2) φ_OPT; and the mean cost of uniform draws disagrees with D² seeding's
    exact E[φ]."""
    X, k = _instances()[-1]
    opt, d2 = _exact_optimum(X, k), _exact_expected_cost(X, k)
    assert _exact_expected_cost(X, k, uniform=True) > Fraction(8 * (math.log(k) + 2)) * (1 + Fraction(4, 2**52)) * opt
    rng = np.random.default_rng(0)
    agrees, _, _ = _mean_cost_agrees(X, k, lambda: rng.choice(len(X), k, replace=False), d2, m=3000)
    assert not agrees


@given(clustering_data(max_samples=40, min_samples=2), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_kpp3_greedy_picks_best_candidate(X, trials, seed):
    """KPP-3 (proofs/kmeans_plusplus.md): with several local trials, each step keeps the candidate of
    lowest potential (compared with the obvious version drawing the same candidates)."""
    k = min(3, len(X))
    got = _kmeans_plusplus(X, k, trials, np.random.default_rng(seed))[1]
    want = naive.kmeans_plusplus(X, k, np.random.default_rng(seed), n_local_trials=trials)[1]
    np.testing.assert_array_equal(got, want)
    assert len(set(got.tolist())) == k


def test_kpp3_none_is_scikit_learns_greedy_rule():
    """KPP-3 (proofs/kmeans_plusplus.md): ``n_local_trials=None`` is scikit-learn's choice,
    2 + floor(ln k) candidates per step, in kmeans_plusplus and in KMeans (the same draws as the
    explicit count); on well-separated clusters its seeds end Lloyd's runs lower than one candidate
    per step does, on average over ten seeds (README, "Seeding": 1.06 against 1.71 times
    scikit-learn's mean inertia on 20 000 points)."""
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(2_000, 8, centers=16, cluster_std=1.0, random_state=0)
    for k in (1, 2, 7, 8, 16):
        trials = 2 + int(math.log(k))
        for seed in range(3):
            want = kmeans_plusplus(X, k, n_local_trials=trials, random_state=seed)[1]
            np.testing.assert_array_equal(kmeans_plusplus(X, k, n_local_trials=None, random_state=seed)[1], want)
    a = KMeans(16, n_local_trials=None, random_state=5).fit(X)
    b = KMeans(16, n_local_trials=4, random_state=5).fit(X)
    assert a.trace_ == b.trace_ and a.get_params()["n_local_trials"] is None
    greedy = np.mean([KMeans(16, n_local_trials=None, random_state=r).fit(X).inertia_ for r in range(10)])
    single = np.mean([KMeans(16, random_state=r).fit(X).inertia_ for r in range(10)])
    assert greedy < single
    # the default of kmeans_plusplus is the original algorithm, one candidate per step, whose 8(ln k + 2)
    # bound is proven (KPP-2); greedy candidates are opt-in (audit 73's S26 made None the default)
    for seed in range(3):
        default = kmeans_plusplus(X, 16, random_state=seed)[1]
        np.testing.assert_array_equal(default, kmeans_plusplus(X, 16, n_local_trials=1, random_state=seed)[1])
        assert not np.array_equal(default, kmeans_plusplus(X, 16, n_local_trials=None, random_state=seed)[1])


def test_kpp_proof_steps_have_these_tests():
    steps = proof_steps("kmeans_plusplus")
    assert {"KPP-1", "KPP-2", "KPP-3"} <= set(steps)


def test_kmeans_plusplus_reproducible_and_validated():
    X = np.random.default_rng(3).normal(size=(50, 3))
    copy = X.copy()
    a = kmeans_plusplus(X, 5, random_state=4)
    b = kmeans_plusplus(X, 5, random_state=np.random.default_rng(4))
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(X, copy)
    with pytest.raises(ValueError, match="n_samples=5 should be >= n_clusters=6"):
        kmeans_plusplus(X[:5], 6)
    with pytest.raises(ValueError, match="n_clusters must be >= 1"):
        kmeans_plusplus(X, 0)
    with pytest.raises(ValueError, match="n_local_trials must be >= 1, got 0; give an integer >= 1, or None"):
        kmeans_plusplus(X, 2, n_local_trials=0)
    with pytest.raises(TypeError, match="n_local_trials must be an integer, got 2.5 .*or None for scikit-learn's"):
        KMeans(2, n_local_trials=2.5).fit(X)
    # more candidates than rows: 2**40 ran for minutes in a Python loop of draws (an input review, 2026-12-05)
    for call in (lambda: kmeans_plusplus(X[:5], 2, n_local_trials=6), lambda: KMeans(2, n_local_trials=2**40).fit(X[:5])):
        with pytest.raises(ValueError, match=r"n_local_trials=\d+ is more candidates per step than the 5 rows of X"):
            call()
    assert kmeans_plusplus(X[:5], 2, n_local_trials=5, random_state=0)[1].size == 2
    with pytest.raises(ValueError, match="NaN"):
        kmeans_plusplus(np.array([[np.nan, 1.0]]), 1)


def test_kmeans_plusplus_takes_scikit_learns_x_squared_norms():
    """scikit-learn's signature, x_squared_norms included (a drop-in call raised TypeError before
    2026-12-04): checked for its shape, not used, so the same seed gives the same centres."""
    from sklearn.utils.extmath import row_norms

    X = np.random.default_rng(3).normal(size=(50, 3))
    plain = kmeans_plusplus(X, 5, random_state=4, n_local_trials=None)
    given = kmeans_plusplus(X, 5, x_squared_norms=row_norms(X, squared=True), random_state=4, n_local_trials=None)
    np.testing.assert_array_equal(plain[1], given[1])
    with pytest.raises(ValueError, match=r"x_squared_norms has shape \(49,\), expected \(50,\)"):
        kmeans_plusplus(X, 5, x_squared_norms=np.ones(49))
