"""The convergence toolkit: rates, stopping rules, stability across seeds,
learning-curve diagnosis, and the plots that show them."""

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
from classic.convergence.diagnosis import PATTERNS, Diagnosis, diagnose
from classic.convergence.stability import (
    LocalOptimum,
    StabilityReport,
    matched_centre_distance,
    same_partition,
    stability,
)
from classic.convergence.plots import plot_learning_curves, plot_local_optima, plot_rate, plot_stopping
from classic.convergence.rate import ORDER_TOLERANCE, RateEstimate, RateEvidence, estimate_rate, noise_floor

__all__ = [
    "AllOf",
    "AnyOf",
    "Checkpoint",
    "GradientNorm",
    "IterationState",
    "LossPlateau",
    "ParameterChange",
    "RelativeImprovement",
    "StoppingRule",
    "ValidationPatience",
"ORDER_TOLERANCE", "RateEstimate", "RateEvidence", "estimate_rate", "noise_floor"]
