"""proofs/rounding.md: the rounding-error bounds hold against exact rational arithmetic."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from classic import rounding
from classic._kmeans_kernels import chunked_sum
from classic.rounding import chunked_additions, gamma, gamma_exact, round_up, sum_error_bound, unit_roundoff


def finite(dtype):
    """Finite normal-or-zero values exactly representable in ``dtype`` (width=32 for float32,
    which older Hypothesis requires of array elements)."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    return st.floats(-1e6, 1e6, width=width, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def test_unit_roundoff_and_gamma():
    assert unit_roundoff(np.float64) == 2.0**-53
    assert unit_roundoff(np.float32) == 2.0**-24
    assert gamma(0, np.float64) == 0.0
    assert gamma(2, np.float32) > 2 * 2.0**-24
    assert gamma_exact(3, np.float32) == Fraction(3, 2**24 - 3)
    assert gamma_exact(18, np.float64) == Fraction(18, 2**53 - 18)
    for n in (1, 18, 10**6):
        assert float(gamma_exact(n, np.float64)) == gamma(n, np.float64)  # nu / (1 - nu): one rounding here
    for bad in (gamma, gamma_exact):
        with pytest.raises(ValueError, match="n\\*u >= 1"):
            bad(2**24, np.float32)


@given(st.sampled_from([np.float32, np.float64]), st.data())
def test_rd1_summation_bound(dtype, data):
    """RD-1 (proofs/rounding.md): sequential and chunked sums stay within gamma_{n-1} sum|x|."""
    x = data.draw(arrays(dtype, st.integers(1, 300), elements=finite(dtype)))
    chunk = data.draw(st.integers(1, 64))
    exact = sum(Fraction(float(v)) for v in x)
    bound = Fraction(sum_error_bound(len(x), float(np.sum(np.abs(x.astype(np.float64)))), dtype))
    sequential = dtype(0)
    for v in x:
        sequential = dtype(sequential + v)
    partials = [np.add.reduce(x[i : i + chunk], dtype=dtype) for i in range(0, len(x), chunk)]
    chunked = dtype(0)
    for p in partials:
        chunked = dtype(chunked + p)
    for computed in (sequential, chunked):
        assert abs(Fraction(float(computed)) - exact) <= bound


@given(st.sampled_from([np.float32, np.float64]), st.integers(0, 10**6), st.integers(0, 4),
       st.floats(0, 1e300, allow_subnormal=True))
@example(np.float64, 0, 0, 1.0)     # no term: no addition, the bound is 0
@example(np.float64, 3, 0, 0.1)     # gamma_2 and the product both inexact
@example(np.float64, 38, 0, 0.8553762468369701)  # gamma_37 rounded to nearest, then the product up: below
def test_rd1_the_bound_is_evaluated_upward(dtype, n_terms, term_roundings, abs_sum):
    """RD-1, RD-2 and RD-4 (c): sum_error_bound(n, S, dtype, m) is at least gamma_{max(n-1, 0)+m} S
    evaluated exactly, and within 4 ulps of it: gamma exactly, then rounded up (at most 1 ulp), times
    S rounded to nearest and moved a float up (RD-4 (c): at most 1.5 ulps, and 1.5 units of
    underflow). gamma rounded to nearest, or the product, falls below the exact bound for some
    inputs; an n of 0 taken as n - 1 = -1 terms' additions gives a negative bound (mutation audit
    59, 2026-12-07, of classic/rounding.py: no test evaluated the function against its formula)."""
    bound = Fraction(sum_error_bound(n_terms, abs_sum, dtype, term_roundings=term_roundings))
    exact = gamma_exact(max(n_terms - 1, 0) + term_roundings, dtype) * Fraction(abs_sum)
    assert exact <= bound <= exact * (1 + Fraction(2) ** -50) + Fraction(2) ** -1073


@given(st.sampled_from([np.float32, np.float64]), st.integers(1, 5000), st.integers(0, 2**32 - 1), st.booleans())
@example(np.float32, 3 * 1024 + 1, 0, True)
def test_rd1_chunked_sum_bound(dtype, n, seed, subset):
    """RD-1, "Chunked order": the package's chunked sum (classic._kmeans_kernels.chunked_sum: chunks
    of 1024 rows, totals in index order), here run in ``dtype`` row by row, is within
    gamma_c(n) sum|x| of the exact sum, c(n) = (min(n, 1024) - 1) + (ceil(n/1024) - 1); and so is a
    sum over a random subset of the rows in the same order (a cluster's). Terms of one sign and
    mixed magnitudes make the error grow with the count."""
    rng = np.random.default_rng(seed)
    x = (rng.uniform(0.5, 1.0, n) * 2.0 ** rng.integers(-8, 8, n)).astype(dtype)
    if subset:
        x = np.where(rng.random(n) < 0.7, x, dtype(0))
    assert chunked_additions(n) == min(n, 1024) - 1 + -(-n // 1024) - 1 < max(n, 1)
    total = dtype(0)
    for start in range(0, n, 1024):
        part = dtype(0)
        for v in x[start : start + 1024]:
            part = dtype(part + v)
        total = dtype(total + part)
    if dtype == np.float64:  # the kernel adds in this order, bit for bit
        assert chunked_sum(x) == total
    exact = sum(Fraction(float(v)) for v in x)
    assert abs(Fraction(float(total)) - exact) <= gamma_exact(chunked_additions(n), dtype) * exact


def test_rd1_chunked_additions_count():
    """c(n) of RD-1 at the sizes the benchmarks run: 1218 additions at 2e5 rows where any order
    needs 199 999; none for one row or none."""
    assert [chunked_additions(n) for n in (0, 1, 2, 1024, 1025, 2048, 200_000)] == [0, 0, 1, 1023, 1024, 1024, 1218]
    assert chunked_additions(200_000, chunk=200_000) == 199_999


@given(st.sampled_from([np.float32, np.float64]), st.data())
def test_rd2_squared_distance_bound(dtype, data):
    """RD-2 (proofs/rounding.md): a computed squared distance is within gamma_{d+2} of the exact one."""
    d = data.draw(st.integers(1, 40))
    x = data.draw(arrays(dtype, d, elements=finite(dtype)))
    c = data.draw(arrays(dtype, d, elements=finite(dtype)))
    # Underflow is outside the rounding model (proofs/rounding.md): every exact square must be 0 or
    # normal (the difference of two close normal floats can square below the normal range).
    tiny = Fraction(float(np.finfo(dtype).tiny))
    assume(all((Fraction(float(a)) - Fraction(float(b))) ** 2 in (0,) or (Fraction(float(a)) - Fraction(float(b))) ** 2 >= tiny for a, b in zip(x, c)))
    computed = dtype(0)
    for a, b in zip(x, c):
        diff = dtype(a - b)
        computed = dtype(computed + dtype(diff * diff))
    exact = sum((Fraction(float(a)) - Fraction(float(b))) ** 2 for a, b in zip(x, c))
    bound = Fraction(gamma(d + 2, dtype)) * exact
    assert abs(Fraction(float(computed)) - exact) <= bound
    # the witness: rounding.sum_error_bound with m = 3 roundings per term (the difference, entering
    # squared, and the square), at least gamma_{d+2} times the sum, evaluated upward (RD-4)
    gamma_d2 = Fraction(int(d + 2)) * Fraction(unit_roundoff(dtype)) / (1 - Fraction(int(d + 2)) * Fraction(unit_roundoff(dtype)))
    abs_sum = round_up(exact)  # sum_error_bound takes a float at least the sum of the |terms|
    witness = sum_error_bound(d, abs_sum, dtype, term_roundings=3)
    assert Fraction(witness) >= gamma_d2 * Fraction(abs_sum) and abs(Fraction(float(computed)) - exact) <= witness


def test_rd2_underflow_is_outside_the_model():
    """Why RD-2's test assumes no square underflows: a float32 difference of 1.3e-20 squares to a
    subnormal, rounded with an absolute (not relative) error, and the relative bound gamma_3 fails."""
    diff = np.float32(1.3e-20)
    computed = np.float32(diff * diff)
    exact = Fraction(float(diff)) ** 2
    assert 0 < computed < np.finfo(np.float32).tiny
    assert abs(Fraction(float(computed)) - exact) > Fraction(gamma(3, np.float32)) * exact


_TINY_SUBNORMAL_ERROR = Fraction(2) ** -1075


@given(st.floats(-1200.0, 0.0, allow_nan=False))
@example(0.0)
@example(-0.0)
@example(-5e-324)
@example(-0.34657359027997264)  # ln(2)/2: the reduction's boundary
@example(-708.3964185322641)  # e**x = 2**-1022, the smallest normal result
@example(-708.40)
@example(-745.1332191019411)  # e**x = 2**-1074, the smallest subnormal
@example(-745.2)
@example(-1100.0)
def test_rd3_exp_nonpositive_error(x):
    """RD-3 (proofs/rounding.md): |exp_nonpositive(x) - e^x| <= 6u e^x (+ 2^-1075 for subnormal
    results), against e^x to 60 significant digits."""
    from decimal import Context, Decimal

    from classic._gmm_kernels import exp_nonpositive

    computed = exp_nonpositive(x)
    exact = Fraction(Context(prec=60).exp(Decimal(x)))
    bound = 6 * Fraction(2) ** -53 * exact
    if computed < np.finfo(np.float64).tiny:
        bound += _TINY_SUBNORMAL_ERROR
    assert abs(Fraction(computed) - exact) <= bound
    if x == 0.0:
        assert computed == 1.0


def test_rd3_exp_nonpositive_limits():
    """RD-3: e^-inf = 0 exactly, and a float32 argument is converted exactly."""
    from classic._gmm_kernels import exp_nonpositive

    assert exp_nonpositive(-np.inf) == 0.0
    assert exp_nonpositive(np.float32(-0.5)) == exp_nonpositive(-0.5)


# ------------------------------------------------------------------ RD-4: evaluating a claim

def _exact(x):
    return Fraction(float(x))


@given(st.lists(st.floats(-1e300, 1e300, allow_nan=False), min_size=1, max_size=4),
       st.floats(-1e300, 1e300, allow_nan=False), st.floats(0, 1e300, allow_nan=False), st.booleans())
@example([1.0, 2.0**-60], 1.0, 0.0, False)   # fl(1 + 2^-60) = 1 <= 1, but the real sum exceeds 1
@example([1.0, -1.0, 2.0**-1074], 0.0, 0.0, True)   # a value of one subnormal against slack 0
@example([1e300, -1e300], 0.0, 0.0, True)    # exactly zero: an exact claim with slack 0 holds
@example([2.0**53, 1.0, -(2.0**53)], 0.0, 1.0, False)   # fl: 2^53 + 1 = 2^53, so 0 <= 1; exact 1 <= 1 too
@example([2.0**53, 1.0, 1.0, -(2.0**53)], 0.0, 1.0, False)  # fl gives 0; exactly 2 > 1: fails
@example([1.7e308, 1.7e308, -1.7e308], 1.7e308, 0.0, False)  # the float64 margin overflows; exactly 0 <= 0
@example([1.7e308, 1.7e308, -1.7e308], 1.6e308, 0.0, False)  # ... and here exactly below 0: fails
@example([1.0, 2.0**-60, -1.0, -(2.0**-70)], 0.0, 0.0, False)  # fl margin +2^-70, exact -(2^-60 - 2^-70): fails
def test_rd4_comparison_is_exact(terms, bound, slack, absolute):
    """RD-4 (a): a claim holds exactly when the real numbers satisfy value <= bound + slack, with
    the value the exact (absolute) sum of its terms, whatever float64 evaluation would say."""
    from classic.certificate import inequality_claim

    claim = inequality_claim("X-1", "s", tuple(np.array([t]) for t in terms), bound, slack, "p", absolute=absolute)
    value = sum(_exact(t) for t in terms)
    value = abs(value) if absolute else value
    assert claim.holds == (value <= _exact(bound) + _exact(slack))


def test_rd4_an_infinite_slack_certifies_nothing():
    """RD-4: where no rounding bound exists (a slack of inf), the claim fails and says why,
    however clearly the value meets its bound; an infinite *bound* (a vacuous limit, such as
    Novikoff's for data without a margin) is a plain comparison."""
    from classic.certificate import inequality_claim

    claim = inequality_claim("X-1", "s", np.array([0.0, -5.0]), 1.0, np.array([0.0, np.inf]), "p")
    assert claim.holds is False and "no finite rounding bound at step 1" in claim.note
    assert inequality_claim("X-1", "s", np.array([7.0]), np.inf, 0.0, "p").holds is True


def test_rd4_an_allowance_joins_only_where_needed():
    """RD-4 (e): a step that meets the exact theorem within its slack holds whatever its
    allowance (even none, inf); a step that does not gets its allowance as one more exact
    operand, and fails "not certified" when the allowance is inf."""
    from classic.certificate import inequality_claim

    values, slacks = np.array([-1.0, 2.0, 0.5]), np.ones(3)
    claim = inequality_claim("X-1", "s", values, 0.0, slacks, "p", allowance=np.array([np.inf, 1.0, np.inf]))
    assert claim.holds is True and "allowance needed at 1 of 3 steps" in claim.note
    assert claim.slack == 2.0 and claim.worst == 2.0  # the step that needed it, its slack with the allowance
    # exact: 2 ≤ 1 + 1 holds, the next float above 2 does not (a float64 sum would round it away)
    above = np.array([-1.0, np.nextafter(2.0, 3.0), 0.5])
    assert inequality_claim("X-1", "s", above, 0.0, slacks, "p", allowance=np.array([np.inf, 1.0, np.inf])).holds is False
    unused = inequality_claim("X-1", "s", values, 2.0, slacks, "p", "allowance: A", allowance=np.full(3, 5.0))
    assert unused.holds is True and unused.note == "allowance: A; allowance needed at 0 of 3 steps"  # not as if used
    assert unused.slack == 1.0
    refused = inequality_claim("X-1", "s", values, 0.0, slacks, "p", allowance=np.array([0.0, np.inf, 0.0]))
    assert refused.holds is False and "no finite rounding bound at step 1: not certified" in refused.note
    # without an allowance the same numbers fail plainly; with none needed, the note says 0 (before
    # 2026-12-04 it said nothing, and a note naming the allowance read as if it had been used)
    assert inequality_claim("X-1", "s", values, 0.0, slacks, "p").holds is False
    plain = inequality_claim("X-1", "s", values[[0, 2]], 0.0, 1.0, "p", allowance=np.array([np.inf, np.inf]))
    assert plain.holds is True and plain.note == "allowance needed at 0 of 2 steps" and plain.slack == 1.0


@given(st.fractions(min_value=0, max_value=2**1000).filter(lambda f: f == 0 or f > 2**-1000),
       st.sampled_from([np.float64, np.float32]))
@example(Fraction(1, 3), np.float64)
@example(Fraction(2**53 + 1), np.float64)
@example(Fraction(1, 2**60) + 1, np.float64)
@example(Fraction(1, 3), np.float32)   # 1/3 rounded in float64 is no float32 (mutation audit 59's M26)
def test_rd4_round_up_is_the_next_float_up(value, dtype):
    """RD-4 (b): round_up(value, dtype) is the smallest number of dtype at least the rational value
    (inf beyond dtype's largest), and round_down(value, dtype) the largest at most it."""
    from classic.rounding import round_down, round_up

    largest = float(np.finfo(dtype).max)
    up, down = round_up(value, dtype), round_down(value, dtype)
    assert float(dtype(up)) == up and float(dtype(down)) == down
    assert _exact(up) >= value if up < np.inf else value > _exact(largest)
    assert up == 0 or _exact(np.nextafter(dtype(up), dtype(-np.inf))) < value
    assert _exact(down) <= value
    assert down == largest or _exact(np.nextafter(dtype(down), dtype(np.inf))) > value


def test_rd4_round_up_beyond_the_largest_float_is_infinite():
    from classic.rounding import round_up

    largest = Fraction(float(np.finfo(np.float32).max))
    assert round_up(largest, np.float32) == float(np.finfo(np.float32).max)
    assert round_up(largest + 1, np.float32) == np.inf and round_up(Fraction(10) ** 400) == np.inf


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rd4_rounding_beyond_the_range_gives_the_nearest_bound_on_the_right_side(dtype):
    """round_up of a number below minus the largest float is minus the largest (the smallest float
    above it), round_down of one above the largest is the largest, and the other side of each is
    infinite; infinite floats round to themselves and NaN is a ValueError. Until 2026-12-05 the
    first two raised OverflowError (round_down(1e39, float32): "cannot convert Infinity to integer
    ratio")."""
    from classic.rounding import round_down, round_up

    largest = float(np.finfo(dtype).max)
    for beyond in (Fraction(largest) * 2, Fraction(2) ** 1025, Fraction(10) ** 400):
        assert round_up(-beyond, dtype) == -largest and round_down(beyond, dtype) == largest
        assert round_up(beyond, dtype) == np.inf and round_down(-beyond, dtype) == -np.inf
    just_beyond = Fraction(largest) + Fraction(1, 10**9)
    assert round_down(just_beyond, dtype) == largest and round_up(-just_beyond, dtype) == -largest
    assert round_up(Fraction(largest), dtype) == largest and round_down(-Fraction(largest), dtype) == -largest
    if dtype is np.float32:
        assert round_down(1e39, dtype) == largest and round_up(-1e39, dtype) == -largest
    for infinite in (np.inf, -np.inf, dtype(np.inf)):
        assert round_up(infinite, dtype) == infinite and round_down(infinite, dtype) == infinite
    for function in (round_up, round_down):
        with pytest.raises(ValueError, match="NaN"):
            function(float("nan"), dtype)


nonneg = st.floats(0, 1e100, allow_nan=False, allow_subnormal=False)


@given(st.floats(0, 1e300, allow_subnormal=True), st.integers(0, 2**40))
@example(0.0, 5)                              # zero stays zero, both ways
@example(2760264.540795109, 972711350278)     # factor 1 + gamma_m: below x / (1 - gamma_m)
@example(221191480.89720097, 325166939246)    # gamma_(m-1): below
@example(458845684677257.1, 254567169663)     # the product not moved a float up: below
@example(134983740966200.19, 38)              # lower bound with (m - 1) u: above x (1 - m u)
def test_rd4_the_bounds_are_their_formulas_evaluated_outward(x, m):
    """RD-4 (b): upper_bound(x, m) is at least x / (1 - gamma_m) and lower_bound(x, m) at most
    x / (1 + gamma_m) = x (1 - m u), exactly, each within 4 ulps (the factor rounded outward, the
    product rounded to nearest and moved a float outward); 0 stays 0. A factor 1 + gamma_m, a count
    m - 1 or a product left where it rounded each gave a bound on the wrong side at the examples
    (mutation audit 59, 2026-12-07: the tests above evaluate formulas whose rounding stays far
    inside these bounds, so they passed)."""
    from classic.rounding import lower_bound, upper_bound

    up, down = _exact(upper_bound(x, m)), _exact(lower_bound(x, m))
    high, low = Fraction(x) / (1 - gamma_exact(m, np.float64)), Fraction(x) * (1 - m * Fraction(2) ** -53)
    assert high <= up <= high * (1 + Fraction(2) ** -50) + Fraction(2) ** -1073
    assert low * (1 - Fraction(2) ** -50) - Fraction(2) ** -1073 <= down <= low
    if x == 0:
        assert up == down == 0


@given(st.floats(0, 1e300, allow_subnormal=True), st.integers(0, 10**6), st.integers(0, 2**40))
@example(0.0, 3, 2)           # nothing computed, three products that may have underflowed: 0 below
@example(2.0**-1070, 100, 1)  # the underflow terms outweigh the computed sum: 0 below, not negative
def test_rd4_sums_of_products_are_bounded_both_ways(computed, n_products, m):
    """RD-4 (b), "Underflow": sum_of_products_up(s, n, m) is at least (s + n sigma64) / (1 - gamma_m)
    and sum_of_products_down(s, n, m) at most max(s / (1 + gamma_m) - n sigma64, 0) and at least 0,
    exactly, each within a few ulps and underflow units of its formula. A lower bound left
    negative where the underflow allowance exceeds the computed sum passed every test (mutation
    audit 59, 2026-12-07): the certificates' lower bounds are of sums of non-negative products."""
    from classic.rounding import SIGMA64, sum_of_products_down, sum_of_products_up

    sigma = Fraction(SIGMA64)
    high = (Fraction(computed) + n_products * sigma) / (1 - gamma_exact(m, np.float64))
    low = max(Fraction(computed) * (1 - m * Fraction(2) ** -53) - n_products * sigma, Fraction(0))
    up = _exact(sum_of_products_up(computed, n_products, m))
    down = _exact(sum_of_products_down(computed, n_products, m))
    assert high <= up <= high * (1 + Fraction(2) ** -49) + 4 * sigma
    assert max(low * (1 - Fraction(2) ** -49) - 4 * sigma, Fraction(0)) <= down <= low


@given(nonneg, nonneg, nonneg, nonneg, st.fractions(min_value=0, max_value=1))
@example(1.0, 1.0, 1.0, 1.0, Fraction(1, 3))
@example(0.1, 0.2, 0.3, 3.0, Fraction(2, 3))
def test_rd4_upper_bound_covers_the_evaluation(a, b, c, e, constant):
    """RD-4 (b): upper_bound(fl(formula), m) is at least the exact formula, for formulas with the
    shapes of the k-means slacks and the path counts of proofs/rounding.md, RD-4."""
    from classic.rounding import round_up, upper_bound

    k = round_up(constant)  # a constant rounded up: a leaf, at least its exact value
    assume(all(x == 0 or x > 1e-100 for x in (a, b, c, e)))  # no underflow in the evaluation
    # k (a + b): 2 roundings (KM-1); k (a + b + c): 3 (KM-3); k a + 5 b: 2 (KM-6)
    assert _exact(upper_bound(k * (a + b), 2)) >= constant * (_exact(a) + _exact(b))
    assert _exact(upper_bound(k * (a + b + c), 3)) >= constant * (_exact(a) + _exact(b) + _exact(c))
    assert _exact(upper_bound(k * a + 5 * b, 2)) >= constant * _exact(a) + 5 * _exact(b)
    # products of sums: ((a + b) c + e) (k + c): 1 + 0 + 1, + 1 = 3; times (k + c), 1: 3 + 1 + 1 = 5
    assert _exact(upper_bound(((a + b) * c + e) * (k + c), 5)) >= (
        ((_exact(a) + _exact(b)) * _exact(c) + _exact(e)) * (constant + _exact(c)))
    # a square root: sqrt(a + b) e has 1 + 1 + 1 = 3; check its square against the exact square
    root = upper_bound(np.sqrt(a + b) * e, 3)
    assert _exact(root) ** 2 >= (_exact(a) + _exact(b)) * _exact(e) ** 2


@given(nonneg, nonneg, nonneg, st.fractions(min_value=0, max_value=1))
@example(1.0, 1.0, 1.0, Fraction(1, 3))
@example(0.1, 0.2, 0.3, Fraction(2, 3))
def test_rd4_lower_bound_covers_the_evaluation(a, b, c, constant):
    """RD-4 (b), the mirror: lower_bound(fl(formula), m) is at most the exact formula."""
    from classic.rounding import lower_bound, round_down

    k = round_down(constant)  # a constant rounded down: at most its exact value
    assume(all(x == 0 or x > 1e-100 for x in (a, b, c)))  # no underflow in the evaluation
    assert _exact(lower_bound(k * (a + b), 2)) <= constant * (_exact(a) + _exact(b))
    assert _exact(lower_bound((a + b) * c + k, 3)) <= (_exact(a) + _exact(b)) * _exact(c) + constant
    root = lower_bound(np.sqrt(a + b) * c, 3)   # check its square against the exact square
    assert _exact(root) ** 2 <= (_exact(a) + _exact(b)) * _exact(c) ** 2


any_float = st.floats(allow_nan=False, allow_infinity=False)


@given(any_float, any_float, st.sampled_from(["+", "-", "*", "/", "sqrt"]))
@example(2.0**-1074, 0.5, "*")          # the product underflows to 0: above gives 2^-1074
@example(1e-200, 1e-200, "*")           # underflows entirely
@example(1.7e308, 1.7e308, "+")         # overflows: above is infinity
@example(1.0, 3.0, "/")
@example(2.0, 0.0, "sqrt")
def test_rd4_above_and_below_bracket_one_operation(a, b, op):
    """RD-4 (c): the float after (before) a result rounded to nearest is at least (at most) the
    exact result of that operation, in the subnormal range and at overflow too."""
    from classic.rounding import above, below

    x, y = np.float64(a), np.float64(b)
    with np.errstate(all="ignore"):
        computed = {"+": x + y, "-": x - y, "*": x * y, "/": x / y if b else np.nan, "sqrt": np.sqrt(abs(x))}[op]
    assume(not np.isnan(computed))
    hi, lo = float(above(computed)), float(below(computed))
    assert hi > computed or computed == np.inf
    assert lo < computed or computed == -np.inf
    if op == "sqrt":  # compare squares: lo <= sqrt|a| <= hi
        assert _exact(hi) ** 2 >= abs(_exact(a)) if hi < np.inf else True
        assert lo < 0 or _exact(lo) ** 2 <= abs(_exact(a))
        return
    exact = {"+": _exact(a) + _exact(b), "-": _exact(a) - _exact(b), "*": _exact(a) * _exact(b),
             "/": _exact(a) / _exact(b) if b else None}[op]
    assert hi == np.inf or _exact(hi) >= exact
    assert lo == -np.inf or _exact(lo) <= exact


@given(arrays(np.float64, st.integers(1, 40),
              elements=st.floats(-1e300, 1e300) | st.floats(-1e3, 1e3) | st.floats(-1e-150, 1e-150)))
@example(np.array([3e-160, 4e-160]))
@example(np.array([5.21895971e-287]))
@example(np.array([1e-170, 1e-170]))
def test_euclidean_norm_is_finite_where_the_norm_is(vector):
    """euclidean_norm: NumPy's sum of squares where it is at least d 2^-1021 and finite (bit for
    bit), else the scaled form, within (d + 3) u relative of the exact norm (computed with
    Fractions; underflow in the plain sum costs at most u/2 more); infinity only when the exact norm
    exceeds the largest float64 (and at most the smallest subnormal off where the norm is
    subnormal). np.sqrt(np.sum(v**2)) overflowed at 1e155 and underflowed to 0 at
    1e-170 (a review, 2026-12-05: the first version scaled only on overflow)."""
    from classic.rounding import euclidean_norm

    exact_squared = sum(Fraction(float(v)) ** 2 for v in vector)
    norm = euclidean_norm(vector)
    with np.errstate(over="ignore", under="ignore"):
        plain = float(np.sum(vector * vector))
    if len(vector) * 2.0**-1021 <= plain < np.inf:
        assert norm == np.sqrt(plain)
    largest = Fraction(float(np.finfo(np.float64).max))
    if exact_squared > largest**2 * (1 + Fraction(1, 2**40)):
        assert norm == np.inf
        return
    assume(exact_squared < largest**2 * (1 - Fraction(1, 2**40)))
    assert np.isfinite(norm)
    bound = (len(vector) + 4) * Fraction(2) ** -53
    # (1 - b) e - sigma <= norm <= (1 + b) e + sigma, e the exact norm, compared exactly through squares
    # (sigma: a subnormal result cannot be relatively accurate; [5e-324, 5e-324] has e = 7.1e-324)
    sigma, norm = Fraction(5e-324), Fraction(norm)
    assert max(norm - sigma, 0) ** 2 <= (1 + bound) ** 2 * exact_squared
    assert (norm + sigma) ** 2 >= (1 - bound) ** 2 * exact_squared


def test_above_the_largest_float_does_not_warn():
    """above() at the largest float gives inf without a warning (its docstring: "no warning") (audit 77's
    R42)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rounding.above(np.finfo(np.float64).max) == np.inf


def test_sum_up_bounds_a_sum_that_rounds_down():
    """sum_up is an upper bound of the exact sum even when the float sum rounds down (a tie to even) (audit
    77's R43)."""
    assert Fraction(float(rounding.sum_up(1.0, 2.0**-53))) >= 1 + Fraction(2) ** -53


def test_sum_of_products_up_bounds_its_formula_at_a_large_count():
    """Sum_of_products_up bounds (computed + n sigma) / (1 - gamma_m) for a large count m too (audit 77's
    R51)."""
    m = 3 * 2**50  # m u = 3/8: gamma_m and gamma_{m-1} differ by several ulps of the factor
    exact = 1 / (1 - rounding.gamma_exact(m, np.float64))
    assert Fraction(float(rounding.sum_of_products_up(1.0, 0, m))) >= exact


def test_euclidean_norm_of_many_entries_with_subnormal_squares_is_accurate():
    """The plain sum of squares is kept only when the subnormal squares' losses are negligible (d 2^-1021)
    (audit 77's R58)."""
    x, d = 1.2345e-155, 10000
    assert abs(rounding.euclidean_norm(np.full(d, x)) / (100 * x) - 1) <= 4 * 2.0**-53


def test_euclidean_norm_of_large_negative_entries():
    """The scaled branch uses the largest |v_i|, so negative entries whose squares overflow keep their norm
    (audit 77's R62)."""
    assert rounding.euclidean_norm([-1e300, -1e300]) == pytest.approx(math.sqrt(2) * 1e300, rel=1e-15)
