"""Hypothesis profiles, chosen by the HYPOTHESIS_PROFILE environment variable.

``ci`` (the default): deterministic (derandomised, no example database), no
deadline (first calls compile Numba kernels), a moderate number of examples.
``dev``: random, with the local example database, for exploring.
``thorough``: many examples, for long runs (``make test-thorough``).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
