"""README's Python examples run as written, and the results their comments state are the results
(README is what a newcomer copies first; until 2026-12-05 its blocks were checked by hand only)."""

import re
from pathlib import Path

import numpy as np
import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
WORDS = " ".join(README.split())  # its text with each line break and run of spaces one space
BLOCKS = re.findall(r"^```python\n(.*?)^```", README, flags=re.S | re.M)


def readme_line(code):
    """The README line of a block that starts with ``code`` (an assertion error if there is none)."""
    lines = [line for block in BLOCKS for line in block.splitlines() if line.startswith(code)]
    assert len(lines) == 1, (code, lines)
    return lines[0]


@pytest.fixture(scope="module")
def namespaces():
    """Each block run on its own, in a namespace of its own, as a reader copies it (until an audit of
    2026-12-06 the certificate block used the quick start's X and the toolkit block names it left to
    the reader, held-out data and two learning curves, which this fixture defined)."""
    out = []
    for block in BLOCKS:
        namespace = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 -- the README's own examples
        out.append(namespace)
    return out


def test_readme_has_its_three_python_examples():
    assert len(BLOCKS) == 3, [block[:60] for block in BLOCKS]


def test_every_example_runs(namespaces):
    quick_start, certificates, toolkit = namespaces
    assert bool(quick_start["certify"](quick_start["model"], quick_start["X"]))
    assert certificates["certificate"]["KM-2"].holds and certificates["certificate"].failed == ()
    assert toolkit["gmm"].converged_


def test_the_quick_start_comments_state_the_results(namespaces):
    """The quick start's seed ends in a local optimum (an audit of 2026-12-06 saw it taken for the
    usual iris clustering); its comment says so and what ten starts reach, recomputed here."""
    ns = namespaces[0]
    comment = readme_line("model.inertia_ ").split("#", 1)[1]
    assert f"{ns['model'].inertia_:.3f}: a local optimum" in comment
    best = ns["KMeans"](n_clusters=3, n_init=10, random_state=0).fit(ns["X"])
    assert "KMeans(n_clusters=3, n_init=10, random_state=0) keeps the best of ten: " \
           f"{best.inertia_:.3f}" in " ".join(BLOCKS[0].split())
    assert best.inertia_ < ns["model"].inertia_


def test_the_toolkit_comments_state_the_results(namespaces):
    """Each claim a comment of the toolkit block makes, recomputed."""
    ns = namespaces[2]
    estimate_rate = ns["estimate_rate"]

    assert "# linear convergence, rate 0.3192" in readme_line("estimate_rate(gmm.trace_)")
    gmm_rate = estimate_rate(ns["gmm"].trace_)
    assert gmm_rate.kind == "linear" and f"{gmm_rate.rate:.4f}" == "0.3192", str(gmm_rate)

    assert "both about 0.565 late in the run" in README
    from_increments, from_steps = ns["gmm"].trace_.rate_estimates()
    assert abs(from_increments[-1] - 0.565) < 0.005 and abs(from_steps[-1] - 0.565) < 0.005

    assert "# finite termination, terminated at step 12" in readme_line("estimate_rate(model.trace_, limit=")
    kmeans_rate = estimate_rate(ns["model"].trace_, limit=ns["model"].inertia_)
    assert kmeans_rate.kind == "finite" and kmeans_rate.terminated_at == 12, str(kmeans_rate)

    assert "# 'rule:relative_improvement'" in readme_line("KMeans(3, random_state=0, stop=RelativeImprovement")
    stopped = ns["KMeans"](3, random_state=0, stop=ns["RelativeImprovement"](1e-2)).fit(ns["X"])
    assert stopped.trace_.stop_reason == "rule:relative_improvement"

    said = readme_line("diagnose(train_curve, validation_curve)").split("#", 1)[1]
    diagnosis = ns["diagnose"](ns["train_curve"], ns["validation_curve"])
    assert said.startswith(f" '{diagnosis.pattern}': the final gap {diagnosis.evidence['final_gap']:.3g} exceeds "
                           f"δ={diagnosis.evidence['delta']:.3g}"), (said, diagnosis.rule)
    patterns = readme_line("                                                     #   healthy").split("#   ", 1)[1]
    assert set(patterns.strip().split(" / ")) == set(ns["diagnose"].__globals__["PATTERNS"])


def test_coming_from_scikit_learn_states_the_measured_difference():
    """README, "Coming from scikit-learn": on make_blobs(200000, 16, centers=32, cluster_std=2,
    random_state=0) with random_state=0, the defaults run 82 iterations to 1.8 times scikit-learn's
    inertia, KMeans(k, n_local_trials=None, tol=1e-4) 2 iterations to scikit-learn's."""
    from sklearn.cluster import KMeans as ScikitLearnKMeans
    from sklearn.datasets import make_blobs

    from classic import KMeans

    assert ("the defaults ran 82 iterations to a local optimum of 1.8 times scikit-learn's inertia, these "
            "settings 2 iterations to scikit-learn's") in WORDS
    X, _ = make_blobs(200000, 16, centers=32, cluster_std=2, random_state=0)
    reference = ScikitLearnKMeans(32, random_state=0).fit(X).inertia_
    default = KMeans(32, random_state=0).fit(X)
    assert default.n_iter_ == 82 and f"{default.inertia_ / reference:.1f}" == "1.8"
    like_scikit_learn = KMeans(32, n_local_trials=None, tol=1e-4, random_state=0).fit(X)
    # the same partition: each library's inertia is a sum of n non-negative terms of d squares each,
    # relative error at most about (n + d) u apiece (RD-2)
    rounding = 2 * (X.shape[0] + X.shape[1]) * 2.0**-53
    assert like_scikit_learn.n_iter_ == 2 and like_scikit_learn.inertia_ == pytest.approx(reference, rel=rounding)


def test_the_algorithm_notes_state_the_measured_numbers():
    """README, "The algorithms": k-means on iris + 1e14 and + 1e15 from rows 0, 50 and 100 against
    scikit-learn's Lloyd (same labels, 79.2 against 78.9; a rounding cycle at 248 against 80), and
    the perceptron on iris: tol=1e-3 stops where scikit-learn's unshuffled run stops (18 epochs),
    the textbook rule runs 1000, shuffled runs stop at 17 (scikit-learn) and 18 (ours, seed 0, tol=1e-3);
    on separable data (setosa against the rest) a mistake-free epoch stops ours at 4, scikit-learn's at 9
    with the same weights (an audit, 2026-12-05: README left that case out)."""
    import warnings

    from sklearn.cluster import KMeans as ScikitLearnKMeans
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Perceptron as ScikitLearnPerceptron

    from classic import KMeans, Perceptron

    assert ("both libraries find the same labels, our inertia 79.2 against scikit-learn's 78.9; at + 10¹⁵ "
            "(spacing 0.125) ours ends on a rounding cycle (KM-4) at 248 against 80") in WORDS
    X, y = load_iris(return_X_y=True)
    results = {}
    for offset in (1e14, 1e15):
        Z = X + offset
        init = Z[[0, 50, 100]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the cycle at + 1e15, checked below
            ours = KMeans(3, init=init, n_init=1).fit(Z)
        theirs = ScikitLearnKMeans(3, init=init, n_init=1, algorithm="lloyd", tol=0).fit(Z)
        results[offset] = ours, theirs
    ours, theirs = results[1e14]
    assert np.array_equal(ours.labels_, theirs.labels_)
    assert (f"{ours.inertia_:.1f}", f"{theirs.inertia_:.1f}") == ("79.2", "78.9")
    ours, theirs = results[1e15]
    assert ours.trace_.stop_reason == "cycle" and (round(ours.inertia_), round(theirs.inertia_)) == (248, 80)
    fingerprints = list(ours.trace_.partition_fingerprint)  # proofs/kmeans.md, KM-4: iteration 18 repeats 16
    assert ours.n_iter_ == 18 and fingerprints.index(fingerprints[-1]) == 15 and not ours.trace_.relocation_point.size

    assert "on iris, 18 epochs instead of 1000" in WORDS
    assert ("scikit-learn's shuffled run stops at 17 epochs on iris, ours with `shuffle=True, random_state=0, "
            "tol=1e-3` at 18") in WORDS
    assert ("or sooner, at a mistake-free epoch, where scikit-learn runs `n_iter_no_change` more epochs to the "
            "same weights: iris setosa against the rest, 4 epochs against 9") in WORDS
    setosa, theirs = Perceptron(tol=1e-3).fit(X, y == 0), ScikitLearnPerceptron(shuffle=False).fit(X, y == 0)
    assert (setosa.n_iter_, setosa.trace_.stop_reason, theirs.n_iter_) == (4, "mistake-free epoch", 9)
    assert np.array_equal(setosa.coef_, theirs.coef_) and np.array_equal(setosa.intercept_, theirs.intercept_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the textbook rule's 1000 epochs, on purpose
        assert Perceptron(tol=1e-3).fit(X, y).n_iter_ == ScikitLearnPerceptron(shuffle=False).fit(X, y).n_iter_ == 18
        assert Perceptron().fit(X, y).n_iter_ == 1000
    assert ScikitLearnPerceptron().fit(X, y).n_iter_ == 17
    assert Perceptron(shuffle=True, random_state=0, tol=1e-3).fit(X, y).n_iter_ == 18
