"""k-means++ seeding: proofs/kmeans_plusplus.md (KPP-*)."""

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import naive
from classic import kmeans_plusplus
from classic.seeding import _kmeans_plusplus
from classic.strategies import clustering_data
from proof_steps import proof_steps

DELTA = 1e-6  # false-failure rate of each statistical test, per instance (Hoeffding)


@given(clustering_data(max_samples=30), st.data())
@example(np.zeros((4, 2)), None)  # every point identical: the all-zero rule
def test_kpp1_distinct_rows_of_X(X, data):
    """KPP-1 (proofs/kmeans_plusplus.md): k distinct indices, centres are those rows of X, dtype kept."""
    k = data.draw(st.integers(1, len(X))) if data is not None else len(X)
    trials = data.draw(st.integers(1, 3)) if data is not None else 1
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


def _hoeffding_statistic(X, k, seeding, m):
    """mean cost - B sqrt(ln(1/DELTA)/(2m)), the lower confidence bound on E[cost] (proofs/kmeans_plusplus.md, KPP-2)."""
    B = max(naive.kmeans_cost(X, X[[c]]) for c in range(len(X)))
    costs = np.array([naive.kmeans_cost(X, X[seeding()]) for _ in range(m)])
    return costs, costs.mean() - B * math.sqrt(math.log(1 / DELTA) / (2 * m))


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
    """KPP-2 (proofs/kmeans_plusplus.md): the mean seeding cost over m seeds stays within 8(ln k + 2)
    of the optimum found by enumeration. Each cost lies in [0, B]; Hoeffding's inequality makes the
    probability that the lower confidence bound exceeds 8(ln k + 2) OPT at most DELTA = 1e-6 when
    the theorem holds: that is the false-failure rate of this test, per instance."""
    opt = naive.kmeans_optimum(X, k)
    rng = np.random.default_rng(0)
    costs, lower = _hoeffding_statistic(X, k, lambda: _kmeans_plusplus(X, k, 1, rng)[1], m=3000)
    assert lower <= 8 * (math.log(k) + 2) * opt, (lower, opt)


def test_kpp2_zero_optimum_means_zero_cost():
    """KPP-2 with OPT = 0 (k distinct locations, duplicated): E[cost] <= 0 forces every draw to cost
    exactly 0. False-failure rate 0."""
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 1.0], [-3.0, 2.0]]), [3, 2, 3], axis=0)
    rng = np.random.default_rng(1)
    assert naive.kmeans_optimum(X, 3) < 1e-9
    for _ in range(500):
        assert naive.kmeans_cost(X, X[_kmeans_plusplus(X, 3, 1, rng)[1]]) == 0.0


def test_kpp2_statistic_rejects_uniform_seeding():
    """The KPP-2 test can fail: on three tight, far-apart groups, uniform seeding (k random distinct
    points, no D² weighting) misses a group two times in three, and the statistic rejects it."""
    X, k = _instances()[-1]
    opt = naive.kmeans_optimum(X, k)
    rng = np.random.default_rng(0)
    _, lower = _hoeffding_statistic(X, k, lambda: rng.choice(len(X), k, replace=False), m=3000)
    assert lower > 8 * (math.log(k) + 2) * opt


@given(clustering_data(max_samples=40, min_samples=2), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_kpp3_greedy_picks_best_candidate(X, trials, seed):
    """KPP-3 (proofs/kmeans_plusplus.md): with several local trials, each step keeps the candidate of
    lowest potential (compared with the obvious version drawing the same candidates)."""
    k = min(3, len(X))
    got = _kmeans_plusplus(X, k, trials, np.random.default_rng(seed))[1]
    want = naive.kmeans_plusplus(X, k, np.random.default_rng(seed), n_local_trials=trials)[1]
    np.testing.assert_array_equal(got, want)
    assert len(set(got.tolist())) == k


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
    with pytest.raises(ValueError, match="minimum of 6"):
        kmeans_plusplus(X[:5], 6)
    with pytest.raises(ValueError, match="n_clusters must be >= 1"):
        kmeans_plusplus(X, 0)
    with pytest.raises(ValueError, match="n_local_trials must be >= 1"):
        kmeans_plusplus(X, 2, n_local_trials=0)
    with pytest.raises(ValueError, match="NaN"):
        kmeans_plusplus(np.array([[np.nan, 1.0]]), 1)
