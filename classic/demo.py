"""``classic demo``: every implemented algorithm on data that ships with
scikit-learn, its certificate printed and its convergence plotted."""

import os

__all__ = ["run_demo", "DEMOS"]


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


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
    fig.tight_layout()
    path = os.path.join(out_dir, "kmeans.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    summary = f"inertia {model.inertia_:.6g}, {model.n_iter_} iterations, stopped: {model.trace_.stop_reason}"
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
    ax.set_yscale("symlog")
    ax.set_title(f"perceptron, iris setosa vs rest: certificate {'holds' if certificate else 'FAILS'}")
    fig.tight_layout()
    path = os.path.join(out_dir, "perceptron.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    summary = (f"{model.n_updates_} updates in {model.n_iter_} epochs ({model.trace_.stop_reason}); "
               f"Novikoff bound (R/gamma)^2 = {bound:.6g}" if bound else f"{model.n_updates_} updates")
    return certificate, summary, path


#: (title, function) pairs; each function takes the output folder and returns
#: (certificate, one-line summary, plot path).
DEMOS = [
    ("k-means (Lloyd with k-means++ seeding) on iris", kmeans_demo),
    ("perceptron (Novikoff-certified) on iris, setosa vs rest", perceptron_demo),
]


def run_demo(out_dir):
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
