"""The convergence toolkit: rates, stopping rules, stability across seeds,
learning-curve diagnosis, and the plots that show them."""

from classic.convergence.rate import ORDER_TOLERANCE, RateEstimate, RateEvidence, estimate_rate, noise_floor

__all__ = ["ORDER_TOLERANCE", "RateEstimate", "RateEvidence", "estimate_rate", "noise_floor"]
