"""classic: Numba-accelerated reference implementations of classical learning
algorithms, whose convergence theorems are checked on each run's own trace.

>>> from classic import KMeans, certify
>>> model = KMeans(n_clusters=3, random_state=0).fit(X)     # doctest: +SKIP
>>> print(certify(model, X))                                # doctest: +SKIP
"""

from classic import convergence
from classic.certificate import Certificate, Claim, NotCertifiedWarning, certify
from classic.kmeans import KMeans, KMeansTrace, kmeans_plusplus
from classic.perceptron import OneVsRestTrace, Perceptron, PerceptronTrace
from classic.gmm import ComponentCollapseError, GaussianMixture, GaussianMixturePrior, GMMTrace
from classic.trace import Trace

__version__ = "0.1.0"

__all__ = [
    "Certificate",
    "Claim",
    "NotCertifiedWarning",
    "KMeans",
    "KMeansTrace",
    "OneVsRestTrace",
    "Perceptron",
    "PerceptronTrace",
    "ComponentCollapseError",
    "GaussianMixture",
    "GaussianMixturePrior",
    "GMMTrace",
    "Trace",
    "certify",
    "kmeans_plusplus",
    "convergence",
]
