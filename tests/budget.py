"""Example counts of the Hypothesis tests that fix their own, because each example fits a model.

A test's ``@settings(max_examples=n)`` overrides the profile's count, so under the ``thorough``
profile (``make test-thorough``) such a test ran its ``n`` examples only, as in CI (until
2026-12-07, 37 of them). They write ``@settings(max_examples=examples(n))`` instead:
``n`` under the ``ci`` and ``dev`` profiles (40 examples each), that share of the profile's
count under another (``thorough``'s 1 000: 25 n).
"""

from hypothesis import settings

#: The example count of the ``ci`` profile (tests/conftest.py), the one each test's ``n`` is set for.
CI_EXAMPLES = 40


def examples(n):
    """``n`` scaled by the loaded profile's max_examples over the ``ci`` profile's (at least 1)."""
    return max(1, round(n * settings.default.max_examples / CI_EXAMPLES))
