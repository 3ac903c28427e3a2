"""``classic demo``: every implemented algorithm on data that ships with
scikit-learn, its certificate printed and its convergence plotted."""

import os

__all__ = ["run_demo", "DEMOS"]


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt, fig, out_dir, name):
    """Lay out ``fig``, write it to ``out_dir/name`` and close it; returns the path."""
    fig.tight_layout()
    path = os.path.join(out_dir, name)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def kmeans_demo(out_dir):
    """k-means++ and Lloyd on the iris measurements, k = 3."""
    from sklearn.datasets import load_iris

    from classic import KMeans, certify

    X = load_iris().data
    model = KMeans(n_clusters=3, random_state=0).fit(X)
    certificate = certify(model, X)
    plt = _figure()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    model.trace_.plot(ax=ax)
    ax.set_title(f"k-means on iris (k=3): certificate {'holds' if certificate else 'FAILS'}")
    path = _save(plt, fig, out_dir, "kmeans.png")
    # Lloyd stops at the fixed point its start leads to, not at the best partition: say how far
    # this one start is from the best of ten (theorems certify descent and termination, not optimality).
    best = KMeans(n_clusters=3, n_init=10, random_state=0).fit(X)
    summary = (f"inertia {model.inertia_:.6g}, {model.n_iter_} iterations, stopped: {model.trace_.stop_reason}\n"
               f"a local optimum of one k-means++ start (n_init='auto'); the best of ten starts (n_init=10) reaches "
               f"{best.inertia_:.6g}")
    return certificate, summary, path


def perceptron_demo(out_dir):
    """The perceptron on iris, setosa against the rest (linearly separable), with intercept."""
    from sklearn.datasets import load_iris

    from classic import Perceptron, certify

    iris = load_iris()
    X, y = iris.data, iris.target_names[iris.target] == "setosa"
    model = Perceptron(random_state=0).fit(X, y)
    certificate = certify(model, X, y)
    bound = certificate["PC-5"].bound if certificate["PC-5"].applies else None
    plt = _figure()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    model.trace_.plot(ax=ax, bound=bound)
    ax.set_title(f"perceptron, iris setosa vs rest: certificate {'holds' if certificate else 'FAILS'}")
    path = _save(plt, fig, out_dir, "perceptron.png")
    summary = (f"{model.n_updates_} updates in {model.n_iter_} epochs ({model.trace_.stop_reason}); "
               f"Novikoff bound (R/gamma)^2 = {bound:.6g}" if bound else f"{model.n_updates_} updates")
    return certificate, summary, path


def convergence_demo(out_dir):
    """The convergence toolkit on k-means (iris, k = 3): rate, stopping rule, stability, learning curves."""
    import warnings

    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split

    from classic import KMeans, certify
    from classic.convergence import (
        RelativeImprovement,
        diagnose,
        estimate_rate,
        plot_learning_curves,
        plot_local_optima,
        plot_rate,
        plot_stopping,
        stability,
    )

    X = load_iris().data
    full = KMeans(n_clusters=3, init="random", n_init=1, random_state=14).fit(X)
    # Lloyd ends on its fixed point, so the last inertia is the limit (proofs/convergence.md, CV-6).
    rate = estimate_rate(full.trace_, limit=full.inertia_)
    stopped = KMeans(n_clusters=3, init="random", n_init=1, random_state=14, stop=RelativeImprovement(1e-2)).fit(X)
    certificate = certify(stopped, X)
    report = stability(KMeans(n_clusters=3, init="random", n_init=1), X, seeds=range(20))
    X_train, X_val = train_test_split(X, test_size=0.5, random_state=0)
    train, val = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for t in range(1, 16):  # a run's first t iterations are the run with max_iter=t (deterministic prefix)
            model = KMeans(n_clusters=3, init="random", n_init=1, random_state=14, max_iter=t).fit(X_train)
            train.append(model.inertia_ / len(X_train))
            val.append(-model.score(X_val) / len(X_val))
    diagnosis = diagnose(train, val)

    plt = _figure()
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    plot_stopping(stopped.trace_, ax=axes[0, 0])
    plot_rate(rate, ax=axes[0, 1])
    plot_local_optima(report, ax=axes[1, 0])
    plot_learning_curves(train, val, diagnosis, ax=axes[1, 1])
    axes[1, 1].set_ylabel("inertia per point")
    fig.suptitle("the convergence toolkit on k-means (iris, k=3, random initialisation)")
    path = _save(plt, fig, out_dir, "convergence.png")
    summary = (
        f"full run: {rate}\n"
        f"stopped by {stopped.trace_.stop_reason} after {stopped.n_iter_} of {full.n_iter_} iterations "
        f"(inertia {stopped.inertia_:.6g} vs {full.inertia_:.6g}); its certificate follows\n"
        f"stability over 20 seeds: {len(report.optima)} local optima, "
        + ", ".join(f"{o.objective:.6g} ({o.count}x)" for o in report.optima)
        + f"; mean ARI {report.mean_agreement:.3f}; reproducible: {report.reproducible}\n"
        f"learning curves (half the data held out): {diagnosis}"
    )
    return certificate, summary, path


def gmm_demo(out_dir):
    """EM for a 3-component Gaussian mixture on iris petal length and width."""
    from sklearn.datasets import load_iris

    from classic import GaussianMixture, certify

    X = load_iris().data[:, 2:4]
    # MAP-EM with the default prior: iris petals are recorded to 0.1 cm, so many
    # points coincide, and exact EM from some starts lets a component collapse
    # onto them (proofs/em.md, EM-8); the prior keeps every covariance definite.
    model = GaussianMixture(3, random_state=0, tol=1e-6, max_iter=300, prior="default").fit(X)
    certificate = certify(model, X)
    plt = _figure()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    model.trace_.plot(ax=left)
    left.set_title(f"MAP-EM on iris petals (k=3): certificate {'holds' if certificate else 'FAILS'}")
    from classic.gmm import plot_ellipses

    right.scatter(X[:, 0], X[:, 1], c=[f"C{k}" for k in model.predict(X)], s=12, alpha=0.6)
    plot_ellipses(model, right)
    right.set_xlabel("petal length (cm)")
    right.set_ylabel("petal width (cm)")
    right.set_title("fitted components (1 and 2 standard deviations)")
    path = _save(plt, fig, out_dir, "gmm.png")
    summary = (
        f"mean log-likelihood {model.score(X):.6g} (objective with the log-prior {model.lower_bound_:.6g}), "
        f"{model.n_iter_} iterations, "
        f"stopped: {model.trace_.stop_reason}"
    )
    return certificate, summary, path


#: (title, function) pairs; each function takes the output folder and returns
#: (certificate, summary, plot path).
DEMOS = [
    ("k-means (Lloyd with k-means++ seeding) on iris", kmeans_demo),
    ("perceptron (Novikoff-certified) on iris, setosa vs rest", perceptron_demo),
    ("convergence toolkit on k-means (iris): rate, stopping rule, stability, learning curves", convergence_demo),
    ("Gaussian mixture (MAP-EM, default prior) on iris petals", gmm_demo),
]


def run_demo(out_dir):
    """Run every demo of ``DEMOS``, printing each certificate and summary.

    Parameters
    ----------
    out_dir : str or path-like
        The folder the plots are written to (made if missing).

    Returns
    -------
    int
        The exit status: 0 when every certificate holds, else 1.
    """
    os.makedirs(out_dir, exist_ok=True)
    all_hold = True
    for title, demo in DEMOS:
        print(f"== {title}")
        certificate, summary, path = demo(out_dir)
        print(summary)
        print(certificate)
        print(f"plot: {path}\n")
        all_hold = all_hold and bool(certificate)
    print("every certificate holds" if all_hold else "SOME CERTIFICATE FAILS")
    return 0 if all_hold else 1
