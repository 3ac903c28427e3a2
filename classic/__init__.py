"""classic: Numba-accelerated reference implementations of classical learning
algorithms, whose convergence theorems are checked on each run's own trace.

>>> from classic import KMeans, certify
>>> model = KMeans(n_clusters=3, random_state=0).fit(X)     # doctest: +SKIP
>>> print(certify(model, X))                                # doctest: +SKIP
"""

from classic import convergence
from classic.certificate import Certificate, Claim, certify
from classic.trace import Trace

__version__ = "0.1.0"

__all__ = [
    "Certificate",
    "Claim",
    "Trace",
    "certify",
    "convergence",
]
