"""Stability across seeds (proofs/convergence.md, CV-8): known answers on blobs and on uniform data."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans as SKKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

from classic.convergence import matched_centre_distance, same_partition, stability

SEEDS = range(6)


def separated_blobs(k, n_per, dim, seed):
    """k blobs of radius ~1 whose centres are 50 apart on a simplex-like grid: every point is far
    closer to its own centre than to any other, so the true partition is the unique good optimum."""
    rng = np.random.default_rng(seed)
    centres = 50.0 * np.eye(max(k, dim))[:k, :dim] if dim >= k else 50.0 * rng.permutation(np.arange(k))[:, None] * np.ones((1, dim))
    X = np.concatenate([c + rng.normal(size=(n_per, dim)) for c in centres])
    truth = np.repeat(np.arange(k), n_per)
    return X, truth


@settings(max_examples=15)  # ~60 k-means fits per example set; 15 covers k, n, dim, seed
@given(k=st.integers(2, 5), n_per=st.integers(10, 40), dim=st.integers(1, 4), seed=st.integers(0, 1000))
def test_cv8_kmeans_on_separated_blobs_is_stable(k, n_per, dim, seed):
    """CV-8 (proofs/convergence.md): on well-separated blobs every seed reaches the true partition:
    one optimum, adjusted Rand index 1 between every pair, matched centres equal up to rounding."""
    X, truth = separated_blobs(k, n_per, dim, seed)
    report = stability(SKKMeans(n_clusters=k, n_init=1), X, seeds=SEEDS)
    assert report.stable and report.optima[0].count == len(SEEDS)
    assert report.min_agreement == 1.0
    assert report.max_centre_distance <= 1e-9 * np.abs(X).max()
    assert report.objective_spread <= 1e-9 * report.objectives.max()
    model = SKKMeans(n_clusters=k, n_init=1, random_state=0).fit(X)
    assert adjusted_rand_score(model.labels_, truth) == 1.0


@settings(max_examples=15)
@given(n=st.integers(150, 300), k=st.integers(15, 30), seed=st.integers(0, 1000))
def test_cv8_kmeans_on_uniform_data_with_large_k_is_not_stable(n, k, seed):
    """CV-8 (proofs/convergence.md): uniform data has no cluster structure; with many clusters the
    seeds land in different local optima, with different objectives."""
    X = np.random.default_rng(seed).uniform(size=(n, 2))
    report = stability(SKKMeans(n_clusters=k, n_init=1), X, seeds=SEEDS)
    assert len(report.optima) >= 2
    assert report.min_agreement < 1.0
    assert report.objective_spread > 0
    assert sum(o.count for o in report.optima) == len(SEEDS)
    objectives = [o.objective for o in report.optima]
    assert objectives == sorted(objectives)  # best (lowest inertia) first


def test_cv8_same_seed_same_data_is_bitwise_the_same_fit():
    """CV-8 (proofs/convergence.md): refitting one seed reproduces labels, centres and objective bitwise."""
    X = np.random.default_rng(0).uniform(size=(200, 2))
    report = stability(SKKMeans(n_clusters=20, n_init=1), X, seeds=[7, 7, 7])
    assert report.reproducible is True
    assert report.stable and report.objective_spread == 0.0
    assert np.all(report.centre_distance == 0.0)


def test_fit_params_reach_every_fit():
    """stability(..., sample_weight=w): each seed's objective is the weighted fit's inertia (and
    differs from the unweighted one), and the reproducibility refit gets the weights too."""
    from classic import KMeans

    rng = np.random.default_rng(1)
    X = rng.uniform(size=(150, 2))
    w = rng.uniform(0, 3, size=150)
    report = stability(KMeans(4), X, seeds=range(3), sample_weight=w)
    want = [KMeans(4, random_state=s).fit(X, sample_weight=w).inertia_ for s in range(3)]
    np.testing.assert_array_equal(report.objectives, want)
    assert report.reproducible is True
    assert not np.array_equal(stability(KMeans(4), X, seeds=range(3)).objectives, want)


def test_gaussian_mixture_uses_means_and_lower_bound():
    X, _ = separated_blobs(3, 30, 2, 0)
    report = stability(GaussianMixture(3), X, seeds=range(3))
    assert report.objective_sense == "max"
    assert report.stable and report.min_agreement == 1.0


@given(st.lists(st.integers(0, 3), min_size=1, max_size=30), st.permutations(range(4)))
def test_cv8_same_partition_is_relabelling(labels, renaming):
    """CV-8: a renaming of the labels is the same partition (and its adjusted Rand index is 1);
    merging two labels that both occur is not."""
    a = np.array(labels)
    b = np.array(renaming)[a]
    assert same_partition(a, b)
    assert adjusted_rand_score(a, b) == 1.0
    present = np.unique(a)
    if len(present) >= 2:
        merged = np.where(a == present[1], present[0], a)
        assert not same_partition(a, merged)


@given(st.integers(1, 5), st.integers(1, 3), st.integers(0, 10**6))
def test_cv8_matched_distance_is_the_minimum_over_permutations(k, dim, seed):
    """CV-8: the assignment solver returns the best permutation (checked against all k! of them)."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(k, dim)), rng.normal(size=(k, dim))
    brute = min(np.sqrt(np.mean(np.sum((a - b[list(p)]) ** 2, axis=1))) for p in itertools.permutations(range(k)))
    assert abs(matched_centre_distance(a, b) - brute) <= 1e-12 * max(1.0, brute)
    assert matched_centre_distance(a, a[rng.permutation(k)]) == 0.0


def test_supervised_solutions_differ_when_their_predictions_differ():
    """For a classifier, predictions with the classes swapped are a different solution (not a renaming)."""
    from sklearn.linear_model import Perceptron

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=200) > 0).astype(int)  # not separable: the solution depends on the order
    report = stability(Perceptron(max_iter=5, tol=None), X, y, seeds=range(6))
    assert report.objective_sense == "max" and report.centre_distance is None
    predictions = [Perceptron(max_iter=5, tol=None, random_state=s).fit(X, y).predict(X) for s in range(6)]
    distinct = {tuple(p) for p in predictions}
    assert len(report.optima) == len(distinct)


def test_bad_arguments_are_rejected():
    from sklearn.cluster import AgglomerativeClustering

    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="random_state"):
        stability(AgglomerativeClustering(), X)
    with pytest.raises(ValueError, match="at least 2 seeds"):
        stability(SKKMeans(2), X, seeds=[0])
    with pytest.raises(ValueError, match="non-negative integers"):
        stability(SKKMeans(2), X, seeds=[0, -1])
    with pytest.raises(ValueError):
        stability(SKKMeans(2), np.full((10, 2), np.nan))


def test_cv8_classic_kmeans_is_stable_on_blobs_unstable_on_noise_and_bitwise_reproducible():
    """CV-8 (proofs/convergence.md) with classic.KMeans: the same known answers as scikit-learn's twin,
    and the refitted seed is bitwise the same fit (labels, centres, inertia)."""
    from classic import KMeans

    for seed in range(5):
        X, truth = separated_blobs(4, 30, 2, seed)
        report = stability(KMeans(n_clusters=4), X, seeds=SEEDS)
        assert report.stable and report.min_agreement == 1.0 and report.reproducible
        assert adjusted_rand_score(KMeans(n_clusters=4, random_state=0).fit(X).labels_, truth) == 1.0
    X = np.random.default_rng(0).uniform(size=(200, 2))
    report = stability(KMeans(n_clusters=20), X, seeds=SEEDS)
    assert len(report.optima) >= 2 and report.min_agreement < 1.0 and report.reproducible is True
    assert report.objective_sense == "min"
    np.testing.assert_array_equal(report.objectives, [KMeans(20, random_state=s).fit(X).inertia_ for s in SEEDS])
