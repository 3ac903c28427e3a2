"""The convergence toolkit: what a course on convergence asks of every run.

* :func:`estimate_rate` -- sublinear, linear, superlinear, quadratic or finite
  termination, with the order, the rate and the evidence (``rate``);
* stopping rules an estimator consults after each iteration, composable with
  ``|`` and ``&`` (``stopping``);
* :func:`stability` -- do different seeds reach the same solution?
  (``stability``);
* :func:`diagnose` -- the pattern of a training and a validation curve
  (``diagnosis``);
* the plots that show each (``plots``).

Derivations: ``proofs/convergence.md`` (steps CV-1 to CV-9).
"""

from classic.convergence.diagnosis import PATTERNS, Diagnosis, diagnose
from classic.convergence.plots import plot_learning_curves, plot_local_optima, plot_rate, plot_stopping
from classic.convergence.rate import ORDER_TOLERANCE, RateEstimate, RateEvidence, estimate_rate, noise_floor
from classic.convergence.stability import (
    LocalOptimum,
    StabilityReport,
    matched_centre_distance,
    same_partition,
    stability,
)
from classic.convergence.stopping import (
    AllOf,
    AnyOf,
    Checkpoint,
    GradientNorm,
    IterationState,
    LossPlateau,
    ParameterChange,
    RelativeImprovement,
    StoppingRule,
    ValidationPatience,
)

__all__ = [
    "ORDER_TOLERANCE",
    "PATTERNS",
    "AllOf",
    "AnyOf",
    "Checkpoint",
    "Diagnosis",
    "GradientNorm",
    "IterationState",
    "LocalOptimum",
    "LossPlateau",
    "ParameterChange",
    "RateEstimate",
    "RateEvidence",
    "RelativeImprovement",
    "StabilityReport",
    "StoppingRule",
    "ValidationPatience",
    "diagnose",
    "estimate_rate",
    "matched_centre_distance",
    "noise_floor",
    "plot_learning_curves",
    "plot_local_optima",
    "plot_rate",
    "plot_stopping",
    "same_partition",
    "stability",
]
