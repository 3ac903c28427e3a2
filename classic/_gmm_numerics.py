"""Numerics of EM for Gaussian mixtures (proofs/em.md), used by :mod:`classic.gmm`:
the standardisation, the parameters θ in standardised units with their
precision Cholesky factors (and the collapse test of EM-8), the E-step call
with its per-component constants, the log-prior, and the rounding-error
bound on the log-prior (the other bounds of EM-2, EM-5 and EM-6 are in
:mod:`classic._gmm_bounds`)."""

import dataclasses
import functools
import math

import numpy as np

from classic import _gmm_kernels as kernels
from classic._gmm_m_step import precision_factors
from classic._gmm_standardisation import column_statistics, column_variances, standardise
from classic._jit import for_rows, held_chunks, n_chunks
from classic._validation import check_finite
from classic.rounding import euclidean_norm, gamma, unit_roundoff

LOG_2PI = math.log(2.0 * math.pi)


class ComponentCollapseError(ValueError):
    """A component collapsed (proofs/em.md, EM-8): its covariance became singular at working
    precision, or under exact EM its weight reached zero (``empty``: its mean and covariance are
    0/0 in the M-step, which has no closed form to go on with). Under exact EM the likelihood is
    unbounded there, so maximum likelihood has no answer, and a prior (``prior="default"``) makes
    the problem well posed in both cases. Under MAP-EM (``with_prior``) the exact covariance
    :math:`(S_k + a\\Sigma_0)/(N_k + a)` is positive definite and a weight of zero is allowed: a
    collapse there is rounding, and the message says what causes it and what helps instead.

    Parameters
    ----------
    component : int or str
        The component that collapsed, or ``"(tied covariance)"`` for the shared covariance of
        ``covariance_type="tied"`` (kept as ``self.component``).
    iteration : int
        The iteration it collapsed at, 0 for the initial parameters (kept as ``self.iteration``).
    reason : str
        What happened to it, in words, for the message.
    empty : bool, default=False
        Whether its weight reached zero (else its covariance became singular).
    dtype : numpy dtype or None, default=None
        The working precision; float32 (unless ``empty``: 0/0 is no matter of precision) adds that
        fitting in float64 may help.
    with_prior : bool, default=False
        Whether the run was MAP-EM (not with ``empty``, which MAP-EM allows: a ValueError).
    """

    def __init__(self, component, iteration, reason, empty=False, dtype=None, with_prior=False):
        if empty and with_prior:
            raise ValueError("MAP-EM allows a component of weight zero (its prior keeps it defined): an empty "
                             "component is a collapse only with_prior=False")
        self.component = component
        self.iteration = iteration
        self._arguments = (component, iteration, reason, empty, dtype, with_prior)
        float32 = dtype is not None and np.dtype(dtype) == np.float32 and not empty
        if float32:
            # singular at float32's precision, which correlated features reach where float64 fits (an input
            # review, 2026-12-05)
            reason += " in float32"
        if with_prior and not empty:
            # until 2026-12-05 this case, too, said exact EM had no solution and advised prior='default'
            why = ("With a prior (MAP-EM) the exact covariance (S_k + a Sigma_0)/(N_k + a) is positive definite "
                   "(proofs/em.md, EM-8): rounding lost this one. Either the component's mean lies far from the "
                   "points it is responsible for (a start outside the data, such as means_init not on X's scale) and "
                   "the M-step's sums, taken about that mean, cancel: start nearer the data (means_init within X's "
                   "range, or None for init_params='kmeans'); or the prior's covariance Sigma_0 is so small beside "
                   "the data's spread that a Sigma_0/(N_k + a) is below working precision: give GaussianMixturePrior "
                   "a larger covariance (None: 0.01 times each feature's variance)"
                   + ("; in float32, fit X.astype(numpy.float64) too" if float32 else ""))
        elif float32:
            why = ("Singular at float32's precision need not be singular: with correlated features, fit "
                   "X.astype(numpy.float64). Where the likelihood is unbounded, pass prior='default' (or a "
                   "GaussianMixturePrior) for MAP-EM, which keeps every covariance positive definite, or use fewer "
                   "components")
        elif empty:
            why = ("An empty component's mean and covariance are 0/0 in the M-step, so exact EM (maximum "
                   "likelihood) cannot go on. Pass prior='default' (or a GaussianMixturePrior) for MAP-EM, whose "
                   "pseudo-observations keep every component defined, or use fewer components")
        else:
            why = ("The likelihood is unbounded there, so exact EM (maximum likelihood) has no solution. "
                   "Pass prior='default' (or a GaussianMixturePrior) for MAP-EM, which keeps every "
                   "covariance positive definite, or use fewer components")
        super().__init__(f"Gaussian mixture component {component} collapsed at iteration {iteration}: {reason}. "
                         f"{why}.")

    def __reduce__(self):
        # pickle and copy rebuild an exception from its args, here the message alone, which __init__ does not
        # take: the error of a fit in a joblib worker (GridSearchCV(n_jobs=2)) could not reach the parent
        # process (mutation audit 68, 2026-12-07)
        return type(self), self._arguments, self.__dict__



#: A feature's scale stays within 2^±SCALE_RANGE of the common scale: a feature that does not
#: vary (its deviations are the rounding of its mean) keeps a scale near the others'.
SCALE_RANGE = 32


def _power_of_two(root):
    # at most 2^1023, float64's largest power of two: a root rounding to 2^1024 raised Python's bare
    # OverflowError before gmm._check_range could refuse the data (mutation audit 68, 2026-12-07)
    return 2.0 ** min(round(math.log2(root)), 1023) if root > 0 else 1.0


def _standardisation(X, per_feature=True):
    """Column means and power-of-two scales near each feature's root mean square deviation
    (``per_feature=False``: one scale for all, near the root mean feature variance), shape (d,)
    (proofs/em.md, "Units"). Deviations from the means beyond float64 have no scale: infinite
    scales, which gmm._check_range refuses (before 2026-12-07 scales of 1, and the fit then said
    "X contains infinity" of finite data: mutation audit 68)."""
    n, d = X.shape
    shift, spread, squares = np.empty(d), np.empty(d), np.empty(d + 1)
    column_statistics(X, shift, spread, squares)
    largest = float(np.max(spread))
    if not np.isfinite(largest):
        return shift, np.full(d, np.inf)
    if largest == 0.0:
        return shift, np.ones(d)
    common = _power_of_two(largest * math.sqrt(squares[d] / (n * d)))
    if not per_feature:
        return shift, np.full(d, common)
    root = spread * np.sqrt(squares[:d] / n)
    scale = np.array([_power_of_two(r) if s > 0.0 else common for r, s in zip(root.tolist(), spread.tolist())])
    return shift, np.clip(scale, common * 2.0**-SCALE_RANGE, common * 2.0**SCALE_RANGE)


def _standardise(X, shift, scale):
    """Z = (X − shift)/scale, computed in float64 and rounded to X's precision, C-contiguous."""
    Z = np.empty(X.shape, dtype=X.dtype)
    for_rows(standardise, X.shape[0])(X, np.asarray(shift, dtype=np.float64),
                                              np.asarray(scale, dtype=np.float64), Z)
    return Z


def weighted_log_densities(X, state, covariance_type, shift, scale, row_numbers=None):
    """log π_k + log N(x_i | μ_k, Σ_k) in X's units, float64 of shape (n_samples, n_components):
    the E-step's a_ik at the model's precision (each row standardised in the kernel), less the
    log-Jacobian. Rows where that precision overflows (a row far from every component, in
    float32) are evaluated again in float64 from the same parameters; where float64 overflows
    too, a ValueError names the rows (no NaN is returned).

    NaN and infinity in X are found here too (inference does not look for them first: that
    pass took 2 ms of an 11 ms ``predict`` on 100 000 x 64): a row holding one has a NaN or
    every entry -inf (a NaN or infinite deviation makes every Mahalanobis term NaN or +inf), so
    it is among the unresolved rows, and a ValueError names NaN or infinity. ``row_numbers``: the
    rows' numbers in the caller's X, for the message (X is then a selection of its rows)."""
    dtype = state.means.dtype
    n_samples, n_components = X.shape[0], len(state.weights)
    values = np.empty((n_samples, n_components))
    const, _ = _log_const(state)
    working = _in_working_precision(X, dtype)
    arguments = (working, np.asarray(shift, dtype=np.float64), np.asarray(scale, dtype=np.float64), state.means)
    if covariance_type in ("full", "tied"):
        unresolved = for_rows(kernels.log_densities_full, n_samples)(
            *arguments, state.kernel_factors, const, _log_jacobian(scale), values)
    else:
        unresolved = for_rows(kernels.log_densities_diag, n_samples)(
            *arguments, state.factors, const, _log_jacobian(scale), values)
    if unresolved:
        rows = np.flatnonzero(~(values.max(axis=1) > -np.inf))
        _again_in_float64(X, values, rows, state, row_numbers, "their Mahalanobis distances overflow float64",
                          lambda wide_X, wide, numbers: weighted_log_densities(wide_X, wide, covariance_type, shift,
                                                                                scale, row_numbers=numbers))
    return values


def posterior_log_odds(X, state, covariance_type, shift, scale, row_numbers=None):
    """Per row, values whose softmax over the components is the posterior (float64, shape
    (n_samples, n_components)): :func:`weighted_log_densities`, except for tied covariances, whose
    log-odds are linear in z: a_ik + ‖L z_i‖²/2, one constant more in each row, from the linear form
    (``kernels.tied_log_odds``; proofs/em.md, EM-6, "Tied posteriors"). Far from every component
    the quadratic forms round away the differences a_ij − a_ik, and every posterior came out 1/K.
    Rows the working precision overflows are evaluated again in float64, as there; NaN and infinity
    in X and float64's overflow raise a ValueError."""
    if covariance_type != "tied":
        return weighted_log_densities(X, state, covariance_type, shift, scale, row_numbers)
    dtype = state.means.dtype
    values = np.empty((X.shape[0], len(state.weights)))
    const, _ = _log_const(state)
    factors = state.kernel_factors
    centres, offsets = np.empty(state.means.shape, dtype=dtype), np.empty(len(state.weights), dtype=dtype)
    kernels.tied_centres(state.means, factors, const, centres, offsets)
    working = _in_working_precision(X, dtype)
    unresolved = for_rows(kernels.tied_log_odds, X.shape[0])(
        working, np.asarray(shift, dtype=np.float64), np.asarray(scale, dtype=np.float64), centres, offsets, factors,
        values)
    if unresolved:
        rows = np.flatnonzero(np.any(~np.isfinite(values) & (offsets > -np.inf), axis=1))
        _again_in_float64(X, values, rows, state, row_numbers, "their log-odds overflow float64",
                          lambda wide_X, wide, numbers: posterior_log_odds(wide_X, wide, covariance_type, shift, scale,
                                                                           row_numbers=numbers))
    return values


def _in_working_precision(X, dtype):
    """X in the model's precision: float64 rows beyond float32 become inf there, and then unresolved
    rows, which :func:`_again_in_float64` evaluates in float64."""
    with np.errstate(over="ignore"):
        return X if X.dtype == dtype else X.astype(dtype)


def _again_in_float64(X, values, rows, state, row_numbers, overflowed, evaluate):
    """The ``rows`` of ``values`` that the working precision left unresolved: a ValueError for NaN or
    infinity in X, or for a float64 model (``overflowed`` says what overflowed), else evaluated again
    by ``evaluate(rows of X in float64, the model in float64, their numbers in the caller's X)``."""
    numbers = rows if row_numbers is None else row_numbers[rows]
    check_finite(X[rows], rows=numbers)
    if state.means.dtype == np.float64:
        raise ValueError(
            f"{rows.size} row(s) of X (the first: row {numbers[0]}) lie so far from every component that "
            f"{overflowed}, so their densities cannot be evaluated; remove those rows or check their units")
    wide = _State(*(np.asarray(p, dtype=np.float64) for p in (state.weights, state.means, state.covariances,
                                                             state.factors)), state.log_det_w)
    values[rows] = evaluate(X[rows].astype(np.float64), wide, numbers)


def log_normalisers(values):
    """log Σ_k exp(values_ik) per row (float64, shape (n_samples,)): the log-density of each row."""
    out = np.empty(values.shape[0])
    for_rows(kernels.log_normalisers, values.shape[0])(values, out)
    return out


def _feature_spread(Z):
    """The variance of each feature of Z (float64; exactly 0 for a constant feature) and its extent
    max_i |z_ij| (float64, exact), from one kernel's passes over Z."""
    variance, extent = np.empty(Z.shape[1]), np.empty(Z.shape[1])
    column_variances(Z, variance, extent)
    return variance, extent


def _log_jacobian(scale):
    """Σ_j log scale_j, the log-Jacobian of z ↦ x per sample: for powers of two, the exact
    sum of the exponents times log 2 (one rounding)."""
    return float(np.sum(np.frexp(np.asarray(scale, dtype=np.float64))[1] - 1)) * math.log(2.0)


def user_units(n_samples, scale, prior, covariance_type, n_components):
    """``(log-likelihood offset, log-prior offset)``, what standardisation by ``scale`` takes from the
    log-likelihood of n samples (n Σ_j log scale_j) and from the log-prior (its strength times that
    for each covariance; ``prior`` in standardised units, or None): added back, they give the
    user's units. The same floats for the fit and its certificate."""
    n_cov = 1 if covariance_type == "tied" else n_components
    log_jacobian = _log_jacobian(scale)
    return -n_samples * log_jacobian, 0.0 if prior is None else -prior[0] * n_cov * log_jacobian


def in_user_units(values, offset):
    """Standardised log-likelihoods (or log-priors, or bounds on them: numbers or arrays) in the
    user's units, float64: plus ``offset``, one of :func:`user_units`. The one addition the fit's
    loop, its trace and the certificate all make."""
    return np.asarray(values, dtype=np.float64) + offset


def mean_objective(log_likelihood, log_prior, units, n_samples):
    """The mean objective per sample in the user's units, as the trace records it (``objective / n``,
    ``lower_bounds_``), from the standardised log-likelihood and log-prior: the number the ``tol``
    test, a stopping rule and the certificate all read (proofs/convergence.md, CV-7)."""
    return (in_user_units(log_likelihood, units[0]) + in_user_units(log_prior, units[1])) / n_samples


def _covariance_units(covariance_type, scale):
    """The factor taking covariances of ``covariance_type`` from standardised to the user's
    units (s_p s_q; divide by it for the way back); exact for powers of two."""
    if covariance_type in ("full", "tied"):
        return np.outer(scale, scale)
    return scale**2 if covariance_type == "diag" else scale[0] ** 2


def _cholesky_or_collapse(covariances, covariance_type, feature_variance, iteration, dtype, with_prior=False):
    """Precision Cholesky factors W (Σ⁻¹ = WᵀW) of standardised covariances,
    and log|W| per component; raises ComponentCollapseError (EM-8) when a
    covariance is singular at working precision relative to the data's spread (``with_prior``:
    the covariances are MAP-EM's, so its message does not advise a prior)."""
    d = feature_variance.shape[0]
    floor = (d + 1) * float(np.finfo(dtype).eps) / 2.0 * feature_variance
    if covariance_type in ("full", "tied"):
        stack = np.ascontiguousarray(covariances if covariance_type == "full" else covariances[None])
        factors = np.empty_like(stack)
        collapsed = precision_factors(stack, floor, factors)
        if collapsed >= 0:
            which = collapsed if covariance_type == "full" else "(tied covariance)"
            raise ComponentCollapseError(which, iteration, "its covariance became singular", dtype=dtype,
                                         with_prior=with_prior)
        log_det_w = np.sum(np.log(np.diagonal(factors, axis1=1, axis2=2).astype(np.float64)), axis=1)
        return factors, log_det_w
    variances = covariances if covariance_type == "diag" else covariances[:, None]
    factors = np.empty((len(covariances), d), dtype=dtype)
    log_det_w, collapsed = kernels.diagonal_factors(np.ascontiguousarray(variances), floor, factors)
    if collapsed >= 0:
        raise ComponentCollapseError(collapsed, iteration, "its variance became zero at working precision",
                                     dtype=dtype, with_prior=with_prior)
    return factors, log_det_w


@dataclasses.dataclass
class _State:
    """Parameters θ in standardised units, with what the kernels need."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    factors: np.ndarray  # W_k (full; (K, d, d)) or 1/σ (diag; (K, d))
    log_det_w: np.ndarray  # log|W_k| = -½ log|Σ_k|, float64

    @property
    def log_magnitude(self):
        """Σ_j |log W_k,jj| per component, float64: log|W_k| is a float64 sum of d logs, so its
        rounding grows with this sum, not with |log|W_k|| (diagonal entries 1e-145 and 1e145 give
        log|W_k| near 0; mutation audit 68, 2026-12-07; EM-6, ε_k)."""
        diagonal = np.diagonal(self.factors, axis1=1, axis2=2) if self.factors.ndim == 3 else self.factors
        return np.sum(np.abs(np.log(diagonal.astype(np.float64))), axis=1)

    @property
    def kernel_factors(self):
        """What the kernels take: U_k = W_kᵀ (full/tied, C-contiguous) or 1/σ (diag)."""
        if self.factors.ndim == 3:
            return np.ascontiguousarray(np.swapaxes(self.factors, 1, 2))
        return self.factors


def _make_state(weights, means, covariances, covariance_type, feature_variance, iteration, with_prior=False):
    factors, log_det_w = _cholesky_or_collapse(covariances, covariance_type, feature_variance, iteration, means.dtype,
                                               with_prior)
    if covariance_type == "tied":
        factors = np.ascontiguousarray(np.repeat(factors, len(weights), axis=0))
        log_det_w = np.repeat(log_det_w, len(weights))
    return _State(weights, np.ascontiguousarray(means), covariances, np.ascontiguousarray(factors), log_det_w)


def _log_const(state):
    """log π_k − (d/2) log 2π + log|W_k| in float64 (stored in the working precision), and a
    bound on its rounding (EM-6; ``kernels.log_constants``)."""
    return _log_const_and_largest(state)[:2]


def _log_const_and_largest(state):
    """_log_const, and the largest const_k + error_k over the live components (float64)."""
    d = state.means.shape[1]
    dtype = state.means.dtype
    const, error = np.empty(len(state.weights), dtype=dtype), np.empty(len(state.weights), dtype=dtype)
    largest = kernels.log_constants(state.weights, state.log_det_w, state.log_magnitude, 0.5 * d * LOG_2PI, float(d),
                                    gamma(d + 12, dtype), const, error)
    return const, error, largest


def _spread_factors(factors, dtype):
    """The metrics of the Mahalanobis term's error bound (EM-6, "Density error";
    ``kernels.spread_factors``): (spread_factor (2, K), column_weight (K, d)), in the working
    precision. Its float64 evaluation (at most 2d + 2 roundings) and its rounding to the working
    precision (u) are covered by the inflation 1 + 4γ_{2d+2} of the working precision."""
    K, d = factors.shape[0], factors.shape[1]
    info = np.finfo(dtype)
    spread_factor, column_weight = np.empty((2, K), dtype=dtype), np.empty((K, d), dtype=dtype)
    kernels.spread_factors(factors, 1.0 + 4.0 * gamma(2 * d + 2, dtype), float(info.smallest_normal), float(info.max),
                           spread_factor, column_weight)
    return spread_factor, column_weight


@functools.lru_cache(maxsize=16)
def _limits(dtype, n_components):
    """(ν', u, log ν') of the working precision, float64: ν' = 2K × the smallest normal number (EM-6)."""
    tiny = 2.0 * n_components * float(np.finfo(dtype).smallest_normal)
    limits = np.array([tiny, unit_roundoff(dtype), math.log(tiny)])
    return limits


def e_step(Z, state, covariance_type, resp, has_previous):
    """Run the E-step kernel at ``state``; returns (sums dict, counts, first, second)."""
    const, const_error, largest = _log_const_and_largest(state)
    dtype = Z.dtype
    n, d = Z.shape
    K = len(state.weights)
    second = K * d * d if covariance_type in ("full", "tied") else K * d
    held = held_chunks(n_chunks(n), dtype.itemsize * (len(kernels.SUMS) + K + K * d + second))
    if covariance_type in ("full", "tied"):
        spread_factor, column_weight = _spread_factors(state.factors, dtype)
        sums, counts, first, second = for_rows(kernels.e_step_full, Z.shape[0])(
            Z, state.means, state.kernel_factors, const, const_error, spread_factor, column_weight,
            dtype.type(gamma(d + 4, dtype)), _limits(dtype, K), resp, has_previous, held
        )
    else:
        sums, counts, first, second = for_rows(kernels.e_step_diag, Z.shape[0])(
            Z, state.means, state.factors, const, const_error, dtype.type(gamma(d + 5, dtype)),
            _limits(dtype, K), resp, has_previous, held
        )
    sums = dict(zip(kernels.SUMS, sums.astype(np.float64)))
    # for the entries whose Mahalanobis term overflowed (EM-6): exact log_const_k <= const_k + error_k; a
    # component of weight 0 (const = -inf, possible under a prior with α = 1) is exactly 0 in both
    sums["largest_log_const"] = largest
    return sums, counts, first, second


def log_prior(state, covariance_type, prior):
    """log p(θ̃) in standardised units (float64) and a bound on its rounding error (EM-6).

    ``prior`` is ``(a, Σ0, α)`` in standardised units, or None (then 0, 0). θ̃ is what the
    kernels evaluate: the covariances enter through their factors W (Σ̃⁻¹ = WᵀW,
    log|Σ̃| = −2 Σ_j log W_jj), exact inputs to the float64 evaluation, whose error is at most
    γ_m M with m = d² + 2d + 2K + 24 (8 roundings per log, EM-6(b)) and
    M = |α − 1| Σ_k |log π_k| + (a/2) Σ_c [2 Σ_j |log W_c,jj| + Σ_pq |Σ0_pq| (|W_c|ᵀ|W_c|)_qp].
    """
    if prior is None:
        return 0.0, 0.0
    a, sigma0, alpha = prior
    d = state.means.shape[1]
    value = np.float64(0.0)
    magnitude = np.float64(0.0)
    if alpha != 1.0:
        log_weights = np.log(state.weights.astype(np.float64))
        value += (alpha - 1.0) * np.sum(log_weights)
        magnitude += abs(alpha - 1.0) * np.sum(np.abs(log_weights))
    if a > 0:
        n_cov = 1 if covariance_type == "tied" else len(state.weights)
        factors = state.factors[:n_cov].astype(np.float64)  # tied: the K copies are equal
        log_det_sigma = -2.0 * state.log_det_w[:n_cov]
        if covariance_type in ("full", "tied"):
            precision = np.swapaxes(factors, 1, 2) @ factors
            trace = np.einsum("pq,kqp->k", sigma0, precision)
            absolute = np.abs(factors)
            trace_magnitude = np.einsum("pq,kqp->k", np.abs(sigma0), np.swapaxes(absolute, 1, 2) @ absolute)
        else:
            trace = np.sum(np.diag(sigma0)[None, :] * factors**2, axis=1)
            trace_magnitude = np.sum(np.abs(np.diag(sigma0))[None, :] * factors**2, axis=1)
        value -= 0.5 * a * np.sum(log_det_sigma + trace)
        magnitude += 0.5 * a * np.sum(2.0 * state.log_magnitude[:n_cov] + trace_magnitude)
    # M is itself a float64 sum of non-negative terms (at most d² + 2d + K + 8 roundings each)
    m = d * d + 2 * d + 2 * len(state.weights) + 24
    evaluated = 1.0 - gamma(d * d + 2 * d + len(state.weights) + 9, np.float64)
    return float(value), gamma(m, np.float64) * float(magnitude) / evaluated


def _parameter_vector(state):
    return np.concatenate([state.weights.ravel(), state.means.ravel(), state.covariances.ravel()]).astype(np.float64)


def parameter_step(state, previous):
    """‖θ − θ'‖₂ of two states' parameter vectors (the trace's ``parameter_change``, EM-7), summed
    by NumPy's pairwise sum, not BLAS (whose dot product may split a long vector across its
    threads): the certificate recomputes the last one bit for bit."""
    return euclidean_norm(_parameter_vector(state) - _parameter_vector(previous))
