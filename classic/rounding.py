"""Rounding-error bounds used by the certificates.

Every floating-point slack in a :class:`classic.certificate.Claim` is one of
these bounds evaluated on the run's own numbers; the derivations are in
``proofs/rounding.md`` (standard results, Higham, *Accuracy and Stability of
Numerical Algorithms*, 2nd ed., ch. 3-4).

``u`` is the unit roundoff of the working precision (2**-53 for float64,
2**-24 for float32), and

.. math:: \\gamma_n = \\frac{n u}{1 - n u}

bounds the relative error accumulated by ``n`` successive roundings
(Higham, Lemma 3.1). :func:`euclidean_norm` evaluates a norm whose squares would overflow.
"""

import functools
import math
from fractions import Fraction

import numpy as np

from classic._jit import CHUNK_SIZE

__all__ = ["unit_roundoff", "gamma", "gamma_exact", "round_up", "round_down", "upper_bound", "lower_bound",
           "above", "below", "sum_up", "product_up", "sum_of_products_up", "sum_of_products_down", "sum_error_bound",
           "chunked_additions", "euclidean_norm"]


@functools.lru_cache(maxsize=None)
def unit_roundoff(dtype):
    """Unit roundoff ``u`` of ``dtype``: half the machine epsilon (cached: ``np.finfo`` costs
    a microsecond, and the loops ask for it every iteration)."""
    return float(np.finfo(dtype).eps) / 2.0


def gamma(n, dtype):
    """Higham's :math:`\\gamma_n = n u / (1 - n u)` for the precision of ``dtype``.

    Raises ValueError when ``n u >= 1`` (no bound exists).

    Parameters
    ----------
    n : int
        The number of roundings, ``n >= 0``.
    dtype : numpy dtype
        The working precision.

    Returns
    -------
    float
    """
    u = unit_roundoff(dtype)
    nu = float(n) * u
    if nu >= 1.0:
        raise ValueError(f"gamma({n}) is undefined in {np.dtype(dtype).name}: n*u >= 1")
    return nu / (1.0 - nu)


def gamma_exact(n, dtype):
    """:math:`\\gamma_n` of ``dtype`` as an exact fraction, for constants computed in rational
    arithmetic and then rounded up (``classic._kmeans_assignment._filter_constants``).

    Raises ValueError when ``n u >= 1``.

    Parameters
    ----------
    n : int
        The number of roundings, ``n >= 0``.
    dtype : numpy dtype
        The working precision.

    Returns
    -------
    fractions.Fraction
    """
    nu = int(n) * Fraction(unit_roundoff(dtype))
    if nu >= 1:
        raise ValueError(f"gamma({n}) is undefined in {np.dtype(dtype).name}: n*u >= 1")
    return nu / (1 - nu)


def sum_error_bound(n_terms, abs_sum, dtype, term_roundings=0):
    """Bound on ``|fl(sum) - sum|`` for a sum of ``n_terms`` terms (proofs/rounding.md, RD-1, RD-2),
    ``abs_sum`` a float at least :math:`\\sum |x_i|`.

    With exact terms, :math:`|\\hat s - s| \\le \\gamma_{n-1} \\sum |x_i|`
    (Higham, eq. 4.4), whatever the order of summation, so it also covers
    chunked parallel sums. When each term is itself computed with at most
    ``term_roundings`` roundings (relative error at most
    :math:`\\gamma_m`), the bound becomes :math:`\\gamma_{n-1+m} \\sum |x_i|`
    (Higham, Lemma 3.3). The bound is evaluated upward (RD-4): :math:`\\gamma` exactly, then
    rounded up, times ``abs_sum`` rounded up (it was rounded to nearest until 2026-12-05, up to
    half an ulp below the bound).

    Parameters
    ----------
    n_terms : int
        The number of terms of the sum.
    abs_sum : float
        At least the sum of the terms' absolute values.
    dtype : numpy dtype
        The precision the sum is computed in.
    term_roundings : int, default=0
        The most roundings each term carries before it is added.

    Returns
    -------
    float
    """
    factor = round_up(gamma_exact(max(int(n_terms) - 1, 0) + int(term_roundings), dtype))
    return float(product_up(factor, float(abs_sum)))


def chunked_additions(n_terms, chunk=CHUNK_SIZE):
    """The most additions a term of a sum of ``n_terms`` rows takes part in, in the package's
    order (proofs/rounding.md, RD-1, "Chunked order"): each chunk of ``chunk`` rows added from 0
    one row after the other, then the chunk totals from 0 in index order, so
    ``(min(n, chunk) - 1) + (ceil(n / chunk) - 1)`` (0 for no term), where any order needs n - 1.
    A sum over a subset of the rows, in the same order, needs no more.

    Parameters
    ----------
    n_terms : int
        The number of rows summed.
    chunk : int, default=CHUNK_SIZE
        The number of rows of a chunk.

    Returns
    -------
    int
    """
    n = int(n_terms)
    if n <= 0:
        return 0
    return (min(n, chunk) - 1) + (-(-n // chunk) - 1)


def round_up(value, dtype=np.float64):
    """The smallest number of ``dtype`` at least the rational (or float) ``value``, as a float:
    constants computed exactly with :func:`gamma_exact` enter a slack rounded up (RD-4).

    Parameters
    ----------
    value : fractions.Fraction, int or float
        The number to round.
    dtype : numpy dtype, default=float64
        The precision to round to.

    Returns
    -------
    float
        A number of ``dtype``, as a Python float; ``inf`` when ``value`` exceeds the largest
        finite one, minus the largest when ``value`` is below it (but not -inf), and ``value``
        itself when it is an infinite float. A NaN is a ValueError.
    """
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        if math.isnan(value):
            raise ValueError("round_up: value is NaN, which no number of the precision bounds")
        return float(value)  # ±inf: the smallest number of the precision at least it is itself
    value = Fraction(value)
    largest = Fraction(float(np.finfo(dtype).max))
    if value > largest:  # infinity is the smallest number of dtype above it
        return float("inf")
    if value < -largest:  # the finite numbers of dtype are all above it: the smallest is -largest
        return -float(largest)
    rounded = np.dtype(dtype).type(float(value))  # |value| <= largest: no overflow
    if Fraction(float(rounded)) < value:
        rounded = np.nextafter(rounded, np.dtype(dtype).type(np.inf))
    return float(rounded)


def round_down(value, dtype=np.float64):
    """The largest number of ``dtype`` at most the rational (or float) ``value``, as a float (RD-4).

    Parameters
    ----------
    value : fractions.Fraction, int or float
        The number to round.
    dtype : numpy dtype, default=float64
        The precision to round to.

    Returns
    -------
    float
        A number of ``dtype``, as a Python float; ``-inf`` when ``value`` is below minus the
        largest finite one, the largest when ``value`` exceeds it (but not inf), and ``value``
        itself when it is an infinite float. A NaN is a ValueError.
    """
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        raise ValueError("round_down: value is NaN, which no number of the precision bounds")
    return -round_up(-value, dtype)  # round_up takes ±inf, and any value a Fraction can be made of


def upper_bound(computed, roundings):
    """An upper bound on the exact value of a non-negative float64 expression (RD-4).

    ``computed`` is the float64 value of an expression built with +, *, / and the square root
    from non-negative exact leaves (recorded floats, or constants rounded up), whose evaluation
    took at most ``roundings`` roundings along any path, counted as in proofs/rounding.md, RD-4.
    The exact value is then at most ``computed / (1 - gamma_m)``; the result is that quotient,
    itself rounded upward, so it bounds the exact value whatever the evaluation's roundings.
    Zero stays zero.

    Parameters
    ----------
    computed : float or array-like
        The float64 value(s) of the expression, >= 0.
    roundings : int
        The most roundings along any path of its evaluation.

    Returns
    -------
    ndarray
        float64, of the shape of ``computed`` (0-d for a number).
    """
    computed = np.asarray(computed, dtype=np.float64)
    factor = round_up(1 / (1 - gamma_exact(roundings, np.float64)))
    product = computed * factor
    return np.where(product > 0, np.nextafter(product, np.inf), product)


def lower_bound(computed, roundings):
    """A lower bound on the exact value of a non-negative float64 expression (RD-4 (b)).

    The mirror of :func:`upper_bound`: with ``computed`` = s (1 + theta), |theta| <= gamma_m, the
    exact s is at least ``computed / (1 + gamma_m) = computed (1 - m u)``; the result is that
    product with the factor rounded down, moved one float down. Zero stays zero.

    Parameters
    ----------
    computed : float or array-like
        The float64 value(s) of the expression, >= 0.
    roundings : int
        The most roundings along any path of its evaluation.

    Returns
    -------
    ndarray
        float64, of the shape of ``computed`` (0-d for a number).
    """
    computed = np.asarray(computed, dtype=np.float64)
    factor = round_down(1 - int(roundings) * Fraction(unit_roundoff(np.float64)))
    product = computed * factor
    return np.where(product > 0, np.nextafter(product, -np.inf), product)


def above(x):
    """The float64 just above each computed ``x`` (RD-4 (c)): at least the exact result of the
    one float64 operation (+, -, *, / or the square root of floats) that rounded to ``x``, the
    subnormal range and overflow included (the float above the largest is infinity, as it should
    be: no warning). Infinity and NaN stay."""
    with np.errstate(over="ignore"):
        return np.nextafter(np.asarray(x, dtype=np.float64), np.inf)


def below(x):
    """The float64 just below each computed ``x``: at most the exact result of the one operation
    that rounded to it (RD-4 (c)), the mirror of :func:`above`."""
    with np.errstate(over="ignore"):
        return np.nextafter(np.asarray(x, dtype=np.float64), -np.inf)


def sum_up(*terms):
    """An upper bound on the exact sum of float64 numbers or arrays (broadcast), added left to
    right with each partial sum moved to the float above (RD-4 (c))."""
    total = np.asarray(terms[0], dtype=np.float64)
    for term in terms[1:]:
        total = above(total + term)
    return total


def product_up(*factors):
    """An upper bound on the exact product of non-negative float64 numbers or arrays, multiplied
    left to right with each partial product moved to the float above (RD-4 (c))."""
    total = np.asarray(factors[0], dtype=np.float64)
    for factor in factors[1:]:
        total = above(total * factor)
    return total


#: The smallest positive float64 (subnormal): at least the underflow loss of one rounded product.
SIGMA64 = float(np.finfo(np.float64).smallest_subnormal)


def sum_of_products_up(computed, n_products, roundings):
    """An upper bound on the exact sum of ``n_products`` non-negative products of floats, from its
    float64 evaluation ``computed`` with at most ``roundings`` roundings along any path, underflow
    included: (computed + n sigma64) / (1 - gamma_m), evaluated upward (RD-4 (b), "Underflow").

    Parameters
    ----------
    computed : float or array-like
        The float64 evaluation of the sum.
    n_products : int or array-like
        The number of products summed.
    roundings : int
        The most roundings along any path of its evaluation.

    Returns
    -------
    ndarray
        float64, of the broadcast shape of ``computed`` and ``n_products`` (0-d for numbers).
    """
    return upper_bound(above(computed + n_products * SIGMA64), roundings)


def sum_of_products_down(computed, n_products, roundings):
    """The mirror of :func:`sum_of_products_up`: a lower bound on the same exact sum,
    computed / (1 + gamma_m) - n sigma64, evaluated downward (and at least 0).

    Parameters
    ----------
    computed : float or array-like
        The float64 evaluation of the sum.
    n_products : int or array-like
        The number of products summed.
    roundings : int
        The most roundings along any path of its evaluation.

    Returns
    -------
    ndarray
        float64, of the broadcast shape of ``computed`` and ``n_products`` (0-d for numbers).
    """
    return np.maximum(below(lower_bound(computed, roundings) - n_products * SIGMA64), 0.0)


def euclidean_norm(vector):
    """‖v‖₂ of a float64 vector: the square root of NumPy's pairwise sum of the squares (the same
    float every time), or, when those squares overflow or underflow, the largest |v_i| times the
    norm of v scaled by it (Higham, §27.5), so that a vector of entries near 1e300 gets its finite
    norm, not infinity (a probe, 2026-12-05: GaussianMixture's ``parameter_change`` was inf under
    a prior of covariance 1e300, and ParameterChange could never fire), and one of entries near
    1e-170 not 0. The plain sum is kept while it is at least d 2^-1021: each square loses at most
    σ/2 = 2^-1075 to underflow, at most u/2 relative to that sum. Infinity only when the norm
    itself exceeds the largest float64, or an entry is infinite; NaN for a NaN entry.

    Parameters
    ----------
    vector : array-like
        The entries of v (raveled), converted to float64.

    Returns
    -------
    float
    """
    vector = np.asarray(vector, dtype=np.float64).ravel()
    with np.errstate(over="ignore", under="ignore"):
        squared = float(np.sum(vector * vector))
    if vector.size * 2.0**-1021 <= squared < math.inf:
        return math.sqrt(squared)
    largest = float(np.max(np.abs(vector), initial=0.0))
    if not largest < math.inf:  # an infinite or NaN entry: the norm is that
        return largest
    if largest == 0.0:
        return 0.0
    with np.errstate(under="ignore"):
        scaled = vector / largest
        total = float(np.sum(scaled * scaled))
    with np.errstate(over="ignore"):
        return float(np.float64(largest) * math.sqrt(total))
