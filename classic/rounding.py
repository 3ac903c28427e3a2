"""Rounding-error bounds used by the certificates.

Every floating-point slack in a :class:`classic.certificate.Claim` is one of
these bounds evaluated on the run's own numbers; the derivations are in
``proofs/rounding.md`` (standard results, Higham, *Accuracy and Stability of
Numerical Algorithms*, 2nd ed., ch. 3-4).

``u`` is the unit roundoff of the working precision (2**-53 for float64,
2**-24 for float32), and

.. math:: \\gamma_n = \\frac{n u}{1 - n u}

bounds the relative error accumulated by ``n`` successive roundings
(Higham, Lemma 3.1).
"""

from fractions import Fraction

import numpy as np

__all__ = ["unit_roundoff", "gamma", "gamma_exact", "sum_error_bound"]


def unit_roundoff(dtype):
    """Unit roundoff ``u`` of ``dtype``: half the machine epsilon."""
    return float(np.finfo(dtype).eps) / 2.0


def gamma(n, dtype):
    """Higham's :math:`\\gamma_n = n u / (1 - n u)` for the precision of ``dtype``.

    Raises ValueError when ``n u >= 1`` (no bound exists).
    """
    u = unit_roundoff(dtype)
    nu = float(n) * u
    if nu >= 1.0:
        raise ValueError(f"gamma({n}) is undefined in {np.dtype(dtype).name}: n*u >= 1")
    return nu / (1.0 - nu)


def gamma_exact(n, dtype):
    """:math:`\\gamma_n` of ``dtype`` as an exact fraction, for constants computed in rational
    arithmetic and then rounded up (``classic.kmeans._filter_constants``).

    Raises ValueError when ``n u >= 1``.
    """
    nu = int(n) * Fraction(unit_roundoff(dtype))
    if nu >= 1:
        raise ValueError(f"gamma({n}) is undefined in {np.dtype(dtype).name}: n*u >= 1")
    return nu / (1 - nu)


def sum_error_bound(n_terms, abs_sum, dtype, term_roundings=0):
    """Bound on ``|fl(sum) - sum|`` for a sum of ``n_terms`` terms (proofs/rounding.md, RD-1, RD-2).

    With exact terms, :math:`|\\hat s - s| \\le \\gamma_{n-1} \\sum |x_i|`
    (Higham, eq. 4.4), whatever the order of summation, so it also covers
    chunked parallel sums. When each term is itself computed with at most
    ``term_roundings`` roundings (relative error at most
    :math:`\\gamma_m`), the bound becomes :math:`\\gamma_{n-1+m} \\sum |x_i|`
    (Higham, Lemma 3.3).
    """
    return gamma(max(int(n_terms) - 1, 0) + int(term_roundings), dtype) * float(abs_sum)
