"""EM for Gaussian mixtures, with a monotone-objective certificate (proofs/em.md).

The loop in :func:`_expectation_maximisation` is the pseudocode of the proof:

1. E-step at θ_t: responsibilities q_t (log-sum-exp), the log-likelihood ℓ(θ_t),
   the lower bound F(q_t, θ_t) (= ℓ(θ_t), EM-1), and the bound F(q_{t-1}, θ_t)
   reached by the previous M-step (EM-2, EM-3);
2. M-step: θ_{t+1} maximises F(q_t, θ) + log p(θ) in closed form (EM-5);

so that ℓ(θ_{t+1}) + log p(θ_{t+1}) ≥ F(q_t, θ_{t+1}) + log p(θ_{t+1})
≥ F(q_t, θ_t) + log p(θ_t) = ℓ(θ_t) + log p(θ_t) (EM-4).

By default this is exact EM (maximum likelihood, ``prior=None``). The
likelihood of a Gaussian mixture is unbounded (a component shrinking onto one
point, EM-8); exact EM then stops with :class:`ComponentCollapseError` (with
``n_init > 1``, a collapsed start is dropped with a ConvergenceWarning and the
error is raised only when every start collapses). ``prior=`` gives MAP-EM
under a fixed conjugate prior (:class:`GaussianMixturePrior`), whose objective
stays bounded and still never decreases.

Numerics: EM runs on standardised data Z = (X - shift) / scale, with ``shift``
the column means and ``scale`` a power of two per feature near its root mean
square deviation (one for all features with spherical covariances), so dividing
by it is exact; EM is equivariant under this map, and every reported objective
is converted back to the user's units.
"""

import contextlib
import copy
import dataclasses
import math
import warnings

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from classic import _gmm_kernels as kernels
from classic._axes import axes_or_new
from classic._gmm_numerics import (
    ComponentCollapseError,
    _covariance_units,
    _feature_spread,
    _make_state,
    _standardisation,
    _standardise,
    _State,
    e_step,
    in_user_units,
    log_normalisers,
    log_prior,
    mean_objective,
    parameter_step,
    posterior_log_odds,
    user_units,
    weighted_log_densities,
)
from classic._argmax import largest_in_rows
from classic._gmm_bounds import deficit_of, error_bounds, m_step_deficit_parts
from classic._gmm_m_step import m_step
from classic._gmm_start import (
    initial_responsibilities,
    parameters_from_responsibilities,
    prior_in_standard_units,
    user_initial_parameters,
)
from classic._jit import for_rows, one_blas_thread
from classic._random import as_generator
from classic._validation import (
    ParameterError,
    caller_stacklevel,
    check_bool,
    check_estimator_data,
    check_int,
    check_option,
    check_real,
    check_validation_data,
    check_verbose,
    restoring_on_error,
)
from classic.certificate import NotCertifiedWarning
from classic.rounding import product_up, sum_up, unit_roundoff
from classic.trace import Trace, float64_problem, trace_dataclass

__all__ = ["GaussianMixture", "GaussianMixturePrior", "GMMTrace", "ComponentCollapseError", "plot_ellipses"]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


@dataclasses.dataclass(frozen=True)
class GaussianMixturePrior:
    """A fixed conjugate prior for MAP-EM (proofs/em.md, EM-2 and EM-5).

    .. math::
        \\log p(\\theta) = (\\alpha - 1)\\sum_k \\log \\pi_k
        - \\frac a2 \\sum_c \\left[\\log|\\Sigma_c| + \\operatorname{tr}(\\Sigma_0 \\Sigma_c^{-1})\\right]
        + \\text{const}

    over the covariances :math:`\\Sigma_c` (one per component, or one if
    tied): an inverse-Wishart with scale :math:`a\\Sigma_0` and
    :math:`a - d - 1` degrees of freedom for full/tied covariances, its
    inverse-gamma analogue per variance for diag and spherical ones, and a
    symmetric Dirichlet(α) on the weights. These are proper distributions only for a
    large enough ``strength`` (:math:`a > 2d` for full covariances: more than
    :math:`d - 1` degrees of freedom; :math:`a > 2` for each variance of diagonal ones);
    below that, as with the default :math:`a = 1` for every d, the prior is improper and
    MAP-EM maximises the
    likelihood penalised by :math:`\\log p(\\theta)`, which is all EM needs
    (proofs/em.md, EM-2). The constant (normalisation, which
    does not depend on θ) is left out of the reported log-prior. The M-step
    becomes :math:`\\Sigma_k = (S_k + a\\Sigma_0)/(N_k + a)`: the prior acts
    as ``strength`` pseudo-observations of covariance :math:`\\Sigma_0`.

    Parameters
    ----------
    covariance : float, ndarray of shape (n_features,) or (n_features, n_features), or None
        :math:`\\Sigma_0`, in the data's units (a float means that multiple of the
        identity, a vector a diagonal). None (default): ``0.01`` times each feature's
        variance in the data, on the diagonal (Murphy, *Machine Learning: a
        Probabilistic Perspective*, §11.4.2.8; Fraley & Raftery 2007), so that every
        feature is pulled in proportion to its own scale (a constant feature: 0.01
        times the mean variance of those that vary); for spherical covariances,
        0.01 times the mean feature variance, times the identity. A cluster of one
        point then gets half that covariance instead of collapsing. A matrix must be
        symmetric positive definite (each :math:`|a_{ij} - a_{ji}|` at most
        :math:`10^{-5}\\sqrt{a_{ii} a_{jj}}`, a test in its own units) and, for
        ``covariance_type`` "diag" or "spherical", whose prior is on the variances
        alone, diagonal (a ValueError otherwise); spherical covariances use the mean
        of its diagonal.
    strength : float, default=1.0
        :math:`a > 0`, the number of pseudo-observations. Larger values pull
        small clusters harder towards :math:`\\Sigma_0`; clusters of many more
        than ``strength`` points barely feel it. Choose it as the number of
        points you would trust as much as your guess :math:`\\Sigma_0`. At most
        :math:`2^{53}` times the number of samples (a ValueError beyond: there
        :math:`N_k + a` rounds to :math:`a` in float64 and the data no longer count).
    weight_concentration : float, default=1.0
        :math:`\\alpha \\ge 1`; 1 puts no prior on the weights, α > 1 adds
        α - 1 pseudo-counts to every component (at most :math:`2^{53}` times the number
        of samples, as ``strength``).
    """

    covariance: object = None
    strength: float = 1.0
    weight_concentration: float = 1.0


#: The shape of the covariances of n_components, n_features for each covariance type.
_COVARIANCE_SHAPES = {"full": lambda K, d: (K, d, d), "tied": lambda K, d: (d, d), "diag": lambda K, d: (K, d),
                      "spherical": lambda K, d: (K,)}


@trace_dataclass
class GMMTrace(Trace):
    """Iteration trace of one EM run (proofs/em.md). Row ``t`` of the
    per-state arrays is at the parameters θ_t (row 0: the initial parameters);
    the per-iteration arrays have one row per M-step. Objective values are in
    the user's units (log-densities of X, not of the standardised data).

    ``objective`` is ℓ(θ_t) + log p(θ_t) (EM-4); without a prior, ℓ(θ_t). ``stop_reason`` is
    ``"tol"`` (mean objective change below tol), ``"max_iter"``, ``"rule:<name>"`` (a
    ``stop=`` rule fired, proofs/convergence.md CV-7) or ``"rule:<name> (best before tol)"``
    (or max_iter: the rule's checkpoint, returned and the record cut there, after ``tol`` or
    ``max_iter`` ended the run).

    Attributes
    ----------
    log_likelihood, log_prior : ndarray of shape (n_iter + 1,)
        The two parts of ``objective``.
    bound_e_step : ndarray of shape (n_iter + 1,)
        F(q_t, θ_t), the E-step's lower bound (EM-1).
    bound_m_step : ndarray of shape (n_iter,)
        F(q_t, θ_{t+1}), the same bound after the M-step (EM-2, EM-3); like ``bound_e_step``,
        without the log-prior (:meth:`plot` adds it).
    log_likelihood_error, log_prior_error, bound_e_step_error, bound_m_step_error : ndarray
        Rounding-error bounds on the computed values (EM-6), the certificate's slack, each of
        the shape of its value; bound_e_step_error also covers the E-step's own gap
        ℓ − F(q̂_t, θ_t) (EM-1).
    m_step_deficit : ndarray of shape (n_iter,)
        Per M-step, a bound on what the M-step computed in floating point may lose against
        the exact maximiser (EM-2), EM-2's and EM-4's allowance (inf where no bound exists).
    parameter_change : ndarray of shape (n_iter,)
        ‖θ_{t+1} − θ_t‖₂ in standardised units (EM-7, EM-9).
    covariance_type : {"full", "tied", "diag", "spherical"}
        The covariance type of the run.
    has_prior : bool
        Whether the run was MAP-EM with a prior (without one, ``log_prior`` and
        ``log_prior_error`` are 0).
    shift, scale : ndarray of shape (n_features,)
        The standardisation Z = (X − shift) / scale (scale: powers of two).
    weights, means, covariances : ndarray
        θ_T in standardised units, in the working precision (``dtype``): shapes (n_components,),
        (n_components, n_features) and, by ``covariance_type``, (n_components, n_features,
        n_features) full, (n_features, n_features) tied, (n_components, n_features) diag,
        (n_components,) spherical.
    previous_weights, previous_means, previous_covariances : ndarray or None, default=None
        θ_{T−1} (EM-5), of the same shapes; None when the trace has no iteration (``n_iter`` = 0).
    """

    OBJECTIVE_SENSE = "max"

    @property
    def OBJECTIVE_NAME(self):  # noqa: N802 -- the Trace protocol's label, which here depends on the prior
        """Label of the objective: the log-likelihood, plus the log-prior when there is a prior."""
        return "log-likelihood + log-prior" if self.has_prior else "log-likelihood"

    log_likelihood: np.ndarray
    log_prior: np.ndarray
    bound_e_step: np.ndarray
    bound_m_step: np.ndarray
    log_likelihood_error: np.ndarray
    log_prior_error: np.ndarray
    bound_e_step_error: np.ndarray
    bound_m_step_error: np.ndarray
    m_step_deficit: np.ndarray
    parameter_change: np.ndarray
    covariance_type: str
    has_prior: bool
    shift: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    previous_weights: object = None
    previous_means: object = None
    previous_covariances: object = None

    @property
    def dtype(self):
        """The precision the run computed in, ``"float32"`` or ``"float64"`` (its objectives are
        float64 either way): that of its parameters."""
        return self.means.dtype.name

    def rows(self):
        n = self.n_iter
        return {**dict.fromkeys(("objective", "log_likelihood", "log_prior", "bound_e_step", "log_likelihood_error",
                                 "log_prior_error", "bound_e_step_error"), n + 1),
                **dict.fromkeys(("bound_m_step", "bound_m_step_error", "m_step_deficit", "parameter_change"), n)}

    def shape_problem(self):
        """As :meth:`Trace.shape_problem`, and the parameters θ_T and θ_{T−1} (None exactly when
        ``n_iter`` = 0) are arrays of the shapes ``covariance_type`` gives, one of the four, in the
        trace's precision, with ``shift`` and ``scale`` float64 vectors of the features, and the
        recorded values float64 vectors."""
        problem = super().shape_problem()
        if problem:
            return problem
        if self.covariance_type not in _COVARIANCE_SHAPES:
            return f"its covariance_type = {self.covariance_type!r} is none of {', '.join(_COVARIANCE_SHAPES)}"
        if not isinstance(self.means, np.ndarray) or self.means.ndim != 2:
            return "its means are not a matrix (n_components, n_features)"
        K, d = self.means.shape
        dtype = self.means.dtype
        shapes = {"weights": (K,), "means": (K, d), "covariances": _COVARIANCE_SHAPES[self.covariance_type](K, d)}
        for name, shape in {**shapes, **{f"previous_{key}": value for key, value in shapes.items()}}.items():
            value = getattr(self, name)
            if name.startswith("previous_") and self.n_iter == 0:   # no M-step: no θ_{T−1}, and None says so
                if value is None:
                    continue
                return f"its {name} is given where a run with n_iter = 0 (no M-step) records None"
            if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != dtype:
                told = "None" if value is None else (f"shape {value.shape}, {value.dtype}" if isinstance(value, np.ndarray)
                                                     else type(value).__name__)
                return (f"its {name} is {told} where a {self.covariance_type} run of {K} components and {d} features "
                        f"with n_iter = {self.n_iter} records shape {shape}, {dtype}")
        for name in ("shift", "scale"):
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.shape != (d,) or value.dtype != np.float64:
                return f"its {name} is not a float64 vector of the {d} features"
        return float64_problem(self, ("log_likelihood", "log_prior", "bound_e_step", "bound_m_step",
                                      "log_likelihood_error", "log_prior_error", "bound_e_step_error",
                                      "bound_m_step_error", "m_step_deficit", "parameter_change"))

    def objective_error(self):
        """Bounds on the error of each objective value (the noise
        :func:`classic.convergence.estimate_rate` allows for): EM-6's ``log_likelihood_error +
        log_prior_error``, plus the conversion of both to the user's units (two float64 roundings
        each, 2u|value|) and the rounding of their sum (u|objective|), evaluated upward."""
        u = unit_roundoff(np.float64)
        return sum_up(self.log_likelihood_error, self.log_prior_error, product_up(2 * u, np.abs(self.log_likelihood)),
                      product_up(2 * u, np.abs(self.log_prior)), product_up(u, np.abs(self.objective)))

    def rate_estimates(self):
        """Two estimates of EM's linear rate λ per iteration (proofs/em.md, EM-9).

        Returns ``(from_increments, from_parameters)``: the square root of the
        ratio of successive objective increments (which decay like λ^{2t}) and
        the ratio of successive parameter changes (which decay like λ^t),
        arrays of length ``n_iter - 1`` (nan where undefined).
        """
        increments = np.diff(self.objective)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = increments[1:] / increments[:-1]
            from_increments = np.sqrt(np.where(ratio >= 0, ratio, np.nan))
            from_parameters = self.parameter_change[1:] / self.parameter_change[:-1]
        return from_increments, from_parameters

    def plot(self, ax=None):
        """The objective per iteration, the log-likelihood (plus the log-prior with a prior),
        summed over the samples, with the bound F(q_t, θ_{t+1}) after each M-step between the
        iterations (EM-2, EM-3); returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            The Axes to draw on; None draws on the Axes of a new figure.

        Returns
        -------
        matplotlib Axes
        """
        ax = axes_or_new(ax)
        steps = np.arange(len(self.objective))
        name = self.OBJECTIVE_NAME
        prior = " + log p(θ_t)" if self.has_prior else ""
        ax.plot(steps, self.objective, marker=".", label=f"{name}: ℓ(θ_t){prior}")
        if len(self.bound_m_step):
            ax.plot(steps[1:] - 0.5, self.bound_m_step + self.log_prior[1:], "x", alpha=0.7,
                    label="F(q_t, θ_{t+1})" + (" + log p(θ_{t+1})" if self.has_prior else ""))
        ax.set_xlabel("iteration t")
        ax.set_ylabel(f"{name} (sum over the samples)")
        ax.set_title(f"{'MAP-EM' if self.has_prior else 'EM'}: stopped ({self.stop_reason}) after {self.n_iter} iterations")
        ax.legend(loc="lower right")
        return ax


@dataclasses.dataclass
class _Run:
    state: _State
    previous: object
    trace: GMMTrace
    objective: float


def _expectation_maximisation(Z, state, covariance_type, prior, feature_variance, extent, max_iter, tol, units,
                              verbose, stop=None, validation=None):
    """The EM loop of proofs/em.md on standardised data; returns a :class:`_Run`.

    ``units = (log-likelihood offset, log-prior offset)`` converts standardised
    values to the user's units. ``stop`` is an optional stopping rule of
    classic.convergence, consulted after each iteration (proofs/convergence.md, CV-7): when it
    fires, or when tol or max_iter ends the run first, a checkpoint it kept before the last
    iteration is returned, the record cut there; ``validation`` = (the held-out data it may score, in the
    user's units, their sample weights or None, and the standardisation's shift and scale).
    """
    n_samples, _ = Z.shape
    n_components = len(state.weights)
    dtype = Z.dtype
    strength, sigma0, alpha = prior if prior is not None else (0.0, np.zeros((Z.shape[1],) * 2), 1.0)
    resp = np.zeros((n_samples, n_components), dtype=dtype)
    rows = {name: [] for name in ("ll", "lp", "fe", "fm", "ell", "elp", "efe", "efm", "deficit", "dtheta")}

    def record_state(sums, state, previous_sums):
        lp, lp_error = log_prior(state, covariance_type, prior)
        ell, efe, efm = error_bounds(sums, previous_sums, n_samples, n_components, Z.shape[1], dtype)
        rows["ll"].append(sums["log_likelihood"])
        rows["lp"].append(lp)
        rows["fe"].append(sums["expected"] + sums["entropy"])  # F(q_t, θ_t), EM-1
        rows["ell"].append(ell)
        rows["elp"].append(lp_error)
        rows["efe"].append(efe)
        if previous_sums is not None:
            rows["fm"].append(sums["expected_previous"] + previous_sums["entropy"])  # F(q_{t-1}, θ_t)
            rows["efm"].append(efm)
        return mean_objective(sums["log_likelihood"], lp, units, n_samples)

    # E-step at θ_0
    sums, counts, first, second = e_step(Z, state, covariance_type, resp, has_previous=False)
    objective = record_state(sums, state, None)
    previous = None
    stop_reason = "max_iter"
    converged = False
    n_iter = 0
    kept = None  # (iteration, state, previous state) of the early-stopping checkpoint
    if stop is not None:
        stop.start()
    for n_iter in range(1, max_iter + 1):
        # M-step: θ_{t+1} = argmax F(q_t, θ) + log p(θ)   (EM-2, EM-5)
        _check_weights_alive(counts, strength, n_iter)
        weights, means, covariances = m_step(
            counts, first, second, state.means, covariance_type, strength, sigma0, alpha
        )
        new_state = _make_state(weights, means, covariances, covariance_type, feature_variance, n_iter,
                                with_prior=prior is not None)
        parts = m_step_deficit_parts(counts, second, state, new_state, covariance_type, prior, n_samples,
                                     sums["normalisation_gap"], extent)
        if prior is None and parts["singular"] >= 0:  # EM-8: within rounding of a singular covariance
            raise ComponentCollapseError(
                parts["singular"] if covariance_type != "tied" else "(tied covariance)", n_iter,
                "its covariance is singular within rounding (its computed Cholesky factor does not verify it "
                "positive definite)", dtype=dtype)
        rows["deficit"].append(deficit_of(parts, n_samples, new_state))
        # E-step at θ_{t+1}: q_{t+1}, ℓ(θ_{t+1}), F(q_{t+1}, θ_{t+1}), F(q_t, θ_{t+1})
        new_sums, counts, first, second = e_step(Z, new_state, covariance_type, resp, has_previous=True)
        new_objective = record_state(new_sums, new_state, sums)
        rows["dtheta"].append(parameter_step(new_state, state))
        change = new_objective - objective  # of the mean objective in the user's units, as scikit-learn's
        if verbose and n_iter % verbose == 0:
            print(f"  EM iteration {n_iter}: mean objective {new_objective:.10g} (change {change:.3g})")
        old_objective = objective
        previous, state, sums, objective = state, new_state, new_sums, new_objective
        tol_ends = abs(change) < tol
        fired = False
        if stop is not None:  # every iteration, the one tol ends too (CV-7)
            fired, kept = _consult_rule(stop, n_iter, objective, old_objective, state, previous, validation,
                                        covariance_type, kept)
        if tol_ends or fired:
            stop_reason, converged = ("tol", True) if tol_ends else (stop.reason, False)
            break
    if stop is not None and kept is not None and kept[0] < n_iter:
        # early stopping returns its best state whatever ended the run (CV-7)
        from classic.convergence.stopping import kept_reason

        stop_reason, converged = kept_reason(stop, stop_reason), False
        n_iter, state, previous = kept
        for name in ("ll", "lp", "fe", "ell", "elp", "efe"):
            del rows[name][n_iter + 1 :]
        for name in ("fm", "efm", "deficit", "dtheta"):
            del rows[name][n_iter:]

    ll_offset, lp_offset = units
    log_likelihood = in_user_units(rows["ll"], ll_offset)   # the sums of mean_objective, row by row
    log_prior_values = in_user_units(rows["lp"], lp_offset)
    trace = GMMTrace(
        objective=log_likelihood + log_prior_values,
        n_iter=n_iter if max_iter > 0 else 0,
        converged=converged,
        stop_reason=stop_reason,
        log_likelihood=log_likelihood,
        log_prior=log_prior_values,
        bound_e_step=in_user_units(rows["fe"], ll_offset),
        bound_m_step=in_user_units(rows["fm"], ll_offset),
        log_likelihood_error=np.asarray(rows["ell"]),
        log_prior_error=np.asarray(rows["elp"]),
        bound_e_step_error=np.asarray(rows["efe"]),
        bound_m_step_error=np.asarray(rows["efm"]),
        m_step_deficit=np.asarray(rows["deficit"]),
        parameter_change=np.asarray(rows["dtheta"]),
        covariance_type=covariance_type,
        has_prior=prior is not None,
        shift=np.zeros(0),
        scale=np.zeros(0),
        weights=state.weights,
        means=state.means,
        covariances=state.covariances,
        previous_weights=None if previous is None else previous.weights,
        previous_means=None if previous is None else previous.means,
        previous_covariances=None if previous is None else previous.covariances,
    )
    return _Run(state, previous, trace, float(trace.objective[-1]))


def _consult_rule(stop, iteration, objective, previous_objective, state, previous, validation, covariance_type, kept):
    """One call of the stopping-rule protocol (proofs/convergence.md, CV-7): the objective is the
    mean objective per sample in the user's units, the numbers the ``tol`` test differences (so
    ``LossPlateau(tol)`` is the ``tol`` test), the
    parameters (weights, means, covariances) in standardised units, the validation score the mean
    held-out log-likelihood (weighted by the held-out sample weights, if any). Returns
    (fired, checkpoint state)."""
    from classic.convergence import IterationState

    score = None
    if validation is not None:
        X_val, w_val, shift, scale = validation
        try:
            log_density = log_normalisers(weighted_log_densities(X_val, state, covariance_type, shift, scale))
        except ValueError as error:  # rows too far from every component to be scored, which it calls "of X"
            raise ValueError(f"the stopping rule's X_val, scored after EM iteration {iteration}: "
                             + str(error).replace(" of X ", " of X_val ")) from None
        score = float(np.average(log_density, weights=w_val))
    parameters = (state.weights, state.means, state.covariances)
    previous_parameters = (previous.weights, previous.means, previous.covariances)
    fired = stop.update(IterationState(iteration, objective, previous_objective, parameters, previous_parameters,
                                       validation_score=score, sense="max"))
    if stop.checkpoint is not None and stop.checkpoint.iteration == iteration:
        kept = (iteration, state, previous)
    return fired, kept


def _features_dependent(Z, feature_variance):
    """Whether the covariance of all of the standardised data Z, one component's under every
    responsibility 1, is singular by EM-8's test (:func:`_make_state`): then every full or tied
    covariance of a mixture is too, and a collapse says nothing about the components. Computed
    only after every start collapsed (an n x d^2 product)."""
    _, (weights, means, covariances) = parameters_from_responsibilities(
        Z, np.ones((Z.shape[0], 1)), "full", None)
    try:
        _make_state(weights, means, covariances, "full", feature_variance, 0)
    except ComponentCollapseError:
        return True
    return False


def _check_weights_alive(counts, strength, iteration):
    """Exact EM cannot continue from a component with no responsibility (EM-8)."""
    if strength == 0 and np.any(counts <= 0):
        k = int(np.argmax(counts <= 0))
        raise ComponentCollapseError(k, iteration, "its weight became zero (no point has any responsibility for it)",
                                     empty=True)


def _warn_if_the_ascent_is_not_certified(trace, dtype):
    """Warn (NotCertifiedWarning) when the run's objective, or an M-step's bound F(q_t, ·) + log p,
    fell at some step by more than its rounding bounds explain where D_t, what a floating-point
    M-step may lose, has no finite bound, or by more than that too: certify() will report EM-4 or
    EM-2 failed or not certified (proofs/em.md, EM-2 *Limitation*: a nearly singular covariance).
    A run whose recorded values never fall passes both exactly and costs two comparisons per
    iteration here."""
    from classic._gmm_certificate import m_step_claim, objective_claim

    checks = (("EM-4", "EM's objective", trace.objective[:-1] - trace.objective[1:], objective_claim),
              ("EM-2", "an M-step's bound F(q_t, θ) + log p(θ)",
               (trace.bound_e_step[:-1] + trace.log_prior[:-1]) - (trace.bound_m_step + trace.log_prior[1:]),
               m_step_claim))
    for name, what, falls, claim_of in checks:
        if not np.any(falls > 0):
            continue
        claim = claim_of(trace)
        if claim.holds:
            continue
        if dtype == np.float32 and np.all(np.isinf(trace.log_likelihood_error)):  # EM-6 needs g < 1: no bound
            why = (f": with {len(trace.weights)} components in float32 no rounding bound of EM-6 exists (one running "
                   "sum per chunk of 1 024 rows carries more than 1/(2u) roundings from about 8 192 components on; "
                   "proofs/em.md, EM-6): fit in float64.")
        else:
            fix = "fit in float64, or pass prior='default'" if dtype == np.float32 else "pass prior='default'"
            why = (f" ({name}: {claim.note.split('; ', 1)[-1]}). A nearly singular covariance does this "
                   f"(proofs/em.md, EM-2, Limitation): {fix} to regularise the covariances, or rescale or "
                   "decorrelate the features.")
        warnings.warn(f"{what} fell by up to {float(np.max(falls)):.3g} at some step of this run, and certify() "
                      f"cannot certify its ascent{why}", NotCertifiedWarning, stacklevel=caller_stacklevel())
        return


def _check_range(X, shift, scale):
    """Refuse X whose covariances cannot be reported in its own units: the fitted covariances grow
    as the square of the scale (a power of two near each feature's root mean square deviation),
    so a scale whose square exceeds X's precision cannot be fitted (_set_fitted would refuse it
    after the run; before 2026-12-04 data near the float64 maximum got misleading errors first:
    "contains infinity", a collapse, "does not vary"), nor can column means that overflow."""
    limit = float(np.finfo(X.dtype).max)
    if not np.all(np.isfinite(shift)):
        cause = "the sums behind its column means overflow float64"
    elif not np.all(np.isfinite(scale)):
        cause = "its deviations from the column means overflow float64"
    elif float(np.max(scale)) > math.sqrt(limit):  # its square, a covariance of about one unit, overflows
        cause = (f"its features' spread (about {float(np.max(scale)):.3g}) squared, the scale of the fitted "
                 f"covariances, exceeds {X.dtype.name} ({limit:.3g})")
    else:
        return
    largest = float(np.max(np.abs(X)))  # for the message only: a pass over X that a fit need not make
    raise ValueError(f"X's values are too large for a Gaussian mixture in {X.dtype.name} (they reach {largest:.3g}): "
                     f"{cause}. Rescale X, e.g. with sklearn.preprocessing.StandardScaler, and fit again.")


def _prior_in_standard_units(prior, X, shift, scale, covariance_type):
    """``prior`` (None, "default" or a GaussianMixturePrior) as (a, Σ0, α) in standardised units, or None."""
    return prior_in_standard_units(GaussianMixturePrior() if isinstance(prior, str) else prior, X, shift, scale,
                                   covariance_type)


@contextlib.contextmanager
def _given_covariances(source, fix):
    """Turn the collapse of a start's covariances, when they were given (``source``), into the
    ValueError that names them: the data did not make them singular, the caller's scale did."""
    try:
        yield
    except ComponentCollapseError as error:
        raise ValueError(
            f"{source} gives component {error.component} a covariance that is singular at the working precision "
            "for this X: below (n_features + 1) eps / 2 times each feature's variance (proofs/em.md, EM-8), so "
            f"EM cannot start from it; {fix}") from None


class GaussianMixture(DensityMixin, BaseEstimator):
    """Gaussian mixture fitted by exact EM (or MAP-EM with ``prior=``), with a
    certificate of its convergence theorems (proofs/em.md).

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components K.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    tol : float, default=1e-3
        Stop when the mean objective per sample (``lower_bounds_``, in the units of X)
        changes by less than ``tol`` between iterations (``tol=0``: run ``max_iter``
        iterations), as scikit-learn differences its mean lower bounds. The returned
        parameters are those whose objective made the small change; scikit-learn
        tests the same change one M-step later (before its last M-step), so it
        returns one more iteration's parameters and an ``n_iter_`` one larger.
    reg_covar : 0.0, default=0.0
        Accepted for scikit-learn compatibility, as 0 only: exact EM adds nothing to the
        covariances (scikit-learn adds 1e-6, which breaks the ascent EM-4 certifies). A
        positive value raises a ValueError that points to ``prior="default"``.
    max_iter : int, default=100
        Most EM iterations per start (each an E-step and an M-step); a start that reaches it
        stops with ``stop_reason="max_iter"`` and ``converged_`` False (and a
        ConvergenceWarning when ``tol`` > 0).
    n_init : int, default=1
        Number of initialisations; the run with the highest final objective is kept.
        A start that collapses (EM-8) is dropped with a ConvergenceWarning; the
        :class:`ComponentCollapseError` is raised only when every start collapses.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default="kmeans"
        "kmeans" (scikit-learn's default): the labels of :class:`classic.KMeans`
        (one k-means++ start with scikit-learn's greedy seeding, ``n_local_trials=None``,
        and ``tol=1e-4``) on the standardised data, and the M-step applied to those hard
        responsibilities; "k-means++": :func:`classic.kmeans_plusplus` centres (greedy
        seeding too) and every point assigned to its nearest one, then the same;
        "random": random responsibilities (scikit-learn's rule). A k-means++ start alone
        can give a component a handful of points and a singular covariance.
        "random_from_data" (scikit-learn's rule): ``n_components`` distinct data
        points, each the only member of its component, so the means start at those
        points and the covariances at a single point's, 0 (scikit-learn adds
        ``reg_covar``): exact EM cannot start there, so without ``prior=`` or
        ``precisions_init`` fit raises a ValueError saying so; with ``prior=`` each
        starts at :math:`a\\Sigma_0/(1 + a)`.
    weights_init : ndarray of shape (n_components,), default=None
        Initial mixing weights, positive and summing to 1 (within 1e-6; renormalised).
    means_init : ndarray of shape (n_components, n_features), default=None
        Initial means, in the units of X.
    precisions_init : ndarray, default=None
        Shape (n_components, d, d) full, (d, d) tied, (n_components, d) diag,
        (n_components,) spherical, the inverses of the initial covariances in the units
        of X (full and tied: symmetric positive definite, tested as ``prior.covariance`` of
        :class:`GaussianMixturePrior`). Given all three ``*_init``, EM starts exactly there; a parameter not given
        comes, as in scikit-learn, from the M-step on the responsibilities of
        ``init_params``.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, default=None
        An int seeds a new Generator (the same seed gives bitwise the same fit); a Generator is
        used as is (its draws advance it); a RandomState (scikit-learn's) gives a seed drawn from
        it; None draws a seed from NumPy's global generator (``np.random.seed``), as scikit-learn's None.
    warm_start : bool, default=False
        Continue the previous fit: EM starts from its parameters (then ``n_init`` and the
        ``*_init`` parameters are ignored). ``tol``, ``max_iter``, ``prior`` and the data may
        change; ``n_components``, ``covariance_type`` and the number of features may not (the
        previous parameters cannot start such a fit): a ValueError says so, and leaves the
        previous fit as it was. Set ``warm_start=False`` to start afresh.
    verbose : int or bool, default=0
        Print the objective every ``verbose_interval`` iterations when > 0 (or True).
    verbose_interval : int, default=10
        Iterations between two printed lines when ``verbose`` > 0.
    prior : None, "default" or GaussianMixturePrior, default=None
        None: exact EM (maximum likelihood). Otherwise MAP-EM under the fixed
        conjugate prior (see :class:`GaussianMixturePrior`; "default" is
        ``GaussianMixturePrior()``: one pseudo-observation of covariance 0.01
        times each feature's variance, or for spherical covariances 0.01 times their mean).
    stop : classic.convergence.StoppingRule or None, default=None
        An extra stopping rule, consulted after each iteration (the ``tol``
        test first: at an iteration where both hold, ``tol`` ends the run). It sees
        the mean objective per sample, the numbers
        the ``tol`` test differences (so ``LossPlateau(eps)`` is the ``tol``
        test with ``tol=eps``), the
        parameters (weights, means, covariances) in standardised units, and,
        for ``ValidationPatience(p, X_val)``, the mean held-out
        log-likelihood; early stopping returns its best iteration's parameters
        (``stop_.checkpoint``) and cuts the trace there, whether the rule fired
        (``stop_reason="rule:<name>"``) or ``tol`` or ``max_iter`` ended the run
        first (``"rule:<name> (best before tol)"``, as scikit-learn's MLP restores its
        best coefficients). A run so stopped or cut has ``converged_=False``
        (proofs/convergence.md, CV-7). Each start runs a copy of the rule (``stop``
        itself never changes); the copy of the start returned is ``stop_``.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray (shape as ``precisions_init``)
    precisions_ : ndarray (same shape)
    precisions_cholesky_ : ndarray (same shape)
        Upper-triangular U with precision = U Uᵀ (scikit-learn's convention).
    converged_ : bool
        Whether the ``tol`` test stopped the run (False for ``max_iter`` or a stopping rule).
    n_iter_ : int
    lower_bound_ : float
        Mean objective per sample (log-likelihood + log-prior) at the returned
        parameters (scikit-learn reports it at the parameters before the last M-step).
    lower_bounds_ : ndarray of shape (n_iter_ + 1,)
        Mean objective per sample at θ_0, ..., θ_T (``trace_.objective / n``), the returned
        parameters' last. scikit-learn's is a list of ``n_iter_`` values, at θ_0, ..., θ_{T-1}:
        one fewer, without the returned parameters'.
    trace_ : GMMTrace
    stop_ : classic.convergence.StoppingRule or None
        The copy of ``stop`` that the start returned ran with: its record of that run
        (``fired``, ``consulted_at``, ``checkpoint``), for ``plot_stopping(trace_, rule=stop_)``;
        None without a rule.

    Notes
    -----
    Every method called after ``fit`` (``predict``, ``predict_proba``, ``score``, ``sample``,
    ``bic``, :func:`plot_ellipses`, the certificate) answers for what was fitted: parameters set
    since (``set_params``) take effect at the next ``fit``, as in scikit-learn, save
    ``random_state``, which ``sample`` reads when called (scikit-learn's too). The fitted
    attributes (``weights_``, ``means_``, ``covariances_``, ``precisions_``, ...) report that fit:
    editing them changes no method's answer (scikit-learn's ``predict`` would read an edited
    ``means_`` beside unedited ``precisions_cholesky_``; here inference works in the
    standardised units of proofs/em.md, "Units", and ``sample`` draws from the same fit), and
    each method then warns that the edit has no effect. To use parameters of your own, fit with
    ``weights_init``, ``means_init``, ``precisions_init`` and ``max_iter=0``.

    A fit whose objective, or an M-step's bound, fell at some step by more than its rounding
    bounds explain (a nearly singular covariance: proofs/em.md, EM-2, *Limitation*) warns with a
    :class:`classic.NotCertifiedWarning`: ``certify`` would not certify its ascent (EM-4, EM-2).
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=0.0,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
        prior=None,
        stop=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.prior = prior
        self.stop = stop

    # ---- validation -------------------------------------------------------------------

    def _check_parameters(self, X):
        check_int(self.n_components, "n_components", minimum=1)
        check_option(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        check_real(self.tol, "tol", minimum=0.0)
        if check_real(self.reg_covar, "reg_covar", minimum=0.0) > 0:
            raise ParameterError(
                f"reg_covar={self.reg_covar}: classic runs exact EM, whose objective never decreases "
                "(proofs/em.md, EM-4); adding reg_covar to every covariance after the M-step (scikit-learn's "
                "default 1e-6) is no longer an ascent of a fixed objective, so the certificate could not hold. "
                "Against collapsing components use prior='default' (MAP-EM, certified the same way)."
            )
        check_bool(self.warm_start, "warm_start")
        check_verbose(self.verbose)
        check_int(self.verbose_interval, "verbose_interval", minimum=1)
        check_int(self.max_iter, "max_iter", minimum=0)
        check_int(self.n_init, "n_init", minimum=1)
        check_option(self.init_params, "init_params", ("kmeans", "k-means++", "random", "random_from_data"))
        if X.shape[0] < self.n_components:
            raise ValueError(
                f"n_samples={X.shape[0]} should be >= n_components={self.n_components}; "
                "reduce n_components or pass more samples"
            )
        from classic.convergence.stopping import check_stop

        check_stop(self.stop, "GaussianMixture")
        if not (self.prior is None or isinstance(self.prior, GaussianMixturePrior)
                or (isinstance(self.prior, str) and self.prior == "default")):
            raise ParameterError(f"prior must be None, 'default' or a GaussianMixturePrior, got {self.prior!r}")

    def _standard_prior(self, X, shift, scale):
        """The prior of the last fit (not the ``prior`` set since) as (a, Σ0, α) in the
        standardised units of ``shift`` and ``scale``, or None; the certificate's EM-5 passes
        the fit's X, on which the default Σ0 is computed again, the same bits."""
        return _prior_in_standard_units(self._fitted_prior, X, shift, scale, self._fitted_covariance_type)


    def fit_predict(self, X, y=None):
        """Fit, then return the most responsible component of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype intp
            ``predict(X)`` of the fitted model.
        """
        return self.fit(X, y).predict(X)

    @restoring_on_error
    def fit(self, X, y=None):
        """Fit by EM (MAP-EM with ``prior=``); returns self.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data: at least 2 rows, and at least ``n_components``.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : GaussianMixture
            The fitted estimator.
        """
        warm = self.warm_start and hasattr(self, "_state")
        X = check_estimator_data(self, X, reset=True, min_samples=2)
        self._check_parameters(X)
        conflict = warm and self._warm_start_conflict(X.shape[1])
        if conflict:  # restoring_on_error leaves the previous fit as it was
            raise ValueError(conflict)
        if not warm and self.init_params == "random_from_data" and self.prior is None and self.precisions_init is None:
            raise ValueError(
                "init_params='random_from_data' starts each component at one data point, whose covariance is 0, "
                "so exact EM (prior=None) has no start: the likelihood is unbounded there (proofs/em.md, EM-8). "
                "Pass prior='default' for MAP-EM, or precisions_init, or another init_params ('kmeans', the default)"
            )
        n_samples, d = X.shape
        dtype = X.dtype
        # every product BLAS makes in the fit (the start, the E- and M-steps, the precisions) on one
        # thread: a product split across threads may round otherwise, and the fit must not depend on
        # the number of threads. Their widths: d (d + 1) for the scatter matrices, K d for the start's
        # resp^T Z (until 2026-12-06 only d^2 was counted, and 128 components on 1 000 x 8 came out
        # otherwise with 1 and 2 OpenBLAS threads: an audit)
        with one_blas_thread(n_samples, max(d * (d + 1), self.n_components * d)):
            shift, scale = _standardisation(X, per_feature=self.covariance_type != "spherical")
            _check_range(X, shift, scale)
            Z = _standardise(X, shift, scale)
            prior = _prior_in_standard_units(self.prior, X, shift, scale, self.covariance_type)
            feature_variance, extent = _feature_spread(Z)
            if prior is None and np.any(feature_variance == 0):
                j = int(np.argmax(feature_variance == 0))
                raise ValueError(
                    f"feature {j} of X does not vary at working precision (it is constant, or its spread is "
                    "negligible beside the other features'), so every covariance would be singular and the "
                    "likelihood unbounded (proofs/em.md, EM-8), for any n_components; drop the feature (e.g. "
                    "sklearn.feature_selection.VarianceThreshold), rescale it, or pass prior='default' for MAP-EM"
                )
            units = user_units(n_samples, scale, prior, self.covariance_type, self.n_components)
            rng = as_generator(self.random_state)
            validation = None
            if self.stop is not None and self.stop.validation_data is not None:
                # X_val keeps its dtype: float64 rows that overflow float32 are scored in float64 (weighted_log_densities)
                X_val, y_val = self.stop.validation_data
                X_val, w_val = check_validation_data(self, X_val, self.stop.validation_weight, unused_labels=y_val)
                # the weighted mean does not depend on their scale: as fractions of their total, w_i l_i
                # cannot overflow where the mean does not (weights of 1e300 did, to a score of -inf)
                validation = (X_val, None if w_val is None else w_val / w_val.sum(), shift, scale)
            given = None if warm else user_initial_parameters(self, d, shift, scale, dtype)  # once, before any start
            best, collapses = None, []
            n_starts = 1 if warm else self.n_init
            for _ in range(n_starts):
                try:
                    if warm:
                        start = self._warm_state(shift, scale, dtype, feature_variance)
                    else:
                        start = self._initial_state(Z, rng, prior, feature_variance, scale, given)
                    rule = None if self.stop is None else self.stop._copy_for_run()  # self.stop stays as given
                    run = _expectation_maximisation(
                        Z, start, self.covariance_type, prior, feature_variance, extent, self.max_iter, self.tol,
                        units, self.verbose_interval if self.verbose else 0, rule, validation,
                    )
                except ComponentCollapseError as error:  # EM-8: this start has no answer; others may
                    collapses.append(error)
                    continue
                if best is None or run.objective > best.objective:
                    best, stop_ = run, rule  # the rule's record of the start returned
            if best is None:
                full = self.covariance_type in ("full", "tied")
                if prior is None and full and _features_dependent(Z, feature_variance):
                    float32 = dtype == np.float32  # where float64 may tell the features apart
                    raise ValueError(
                        f"the features of X are linearly dependent at {'float32' if float32 else 'working'} precision "
                        "(the covariance of all of X is singular: a feature is a combination of others), so every "
                        "full or tied covariance would be singular and the likelihood unbounded (proofs/em.md, EM-8), "
                        "for any n_components; "
                        + ("fit X.astype(numpy.float64), in whose precision they may not be, " if float32 else "")
                        + "drop the dependent features (e.g. keep sklearn.decomposition.PCA's components of nonzero "
                        "variance), use covariance_type='diag', or pass prior='default' for MAP-EM"
                    ) from collapses[0]
                raise collapses[0]
            if collapses:
                warnings.warn(
                    f"{len(collapses)} of {n_starts} EM starts collapsed and were dropped (the first: {collapses[0]}); "
                    "the best of the others is returned",
                    ConvergenceWarning,
                    stacklevel=caller_stacklevel(),
                )
            trace = dataclasses.replace(best.trace, shift=shift, scale=scale)
            from classic.convergence.stopping import ended_by_max_iter

            if ended_by_max_iter(trace.stop_reason) and self.max_iter > 0 and self.tol > 0:
                warnings.warn(
                    f"EM did not converge in max_iter={self.max_iter} iterations (tol={self.tol})"
                    + ("" if trace.stop_reason == "max_iter" else
                       f"; early stopping returned its best iteration, {trace.n_iter}")
                    + "; increase max_iter or tol",
                    ConvergenceWarning,
                    stacklevel=caller_stacklevel(),
                )
            _warn_if_the_ascent_is_not_certified(trace, dtype)
            self._set_fitted(best.state, trace, shift, scale, X)
            self.stop_ = stop_
        return self

    def _initial_state(self, Z, rng, prior, feature_variance, scale, given):
        # the *_init parameters, standardised (None where not given); copies, as every start begins there
        weights, means, covariances = (None if a is None else a.copy() for a in given)
        # given covariances that are singular for this X are the caller's scale, not a collapse
        guard = (contextlib.nullcontext() if covariances is None else _given_covariances(
            "precisions_init", "give precisions on X's scale (e.g. the inverses of covariances fitted on X), "
            "or leave precisions_init=None"))
        if weights is None or means is None or covariances is None:
            resp = initial_responsibilities(Z, scale, self.n_components, self.init_params, rng)
            counts, (w, m, c) = parameters_from_responsibilities(Z, resp, self.covariance_type, prior)
            if prior is None and np.any(counts <= 0):
                raise ComponentCollapseError(int(np.argmax(counts <= 0)), 0,
                                             "no point was assigned to it at initialisation", empty=True)
            weights = w if weights is None else weights
            means = m if means is None else means
            covariances = c if covariances is None else covariances
        with guard:
            return _make_state(weights, means, covariances, self.covariance_type, feature_variance, 0,
                               with_prior=prior is not None)

    def _warm_start_conflict(self, n_features):
        """What keeps this fit from continuing the previous one (warm_start), as the
        ValueError's message, or "" when nothing does."""
        fitted = {"n_components": len(self._state.weights), "covariance_type": self._fitted_covariance_type,
                  "n_features": self._state.means.shape[1]}
        asked = {"n_components": self.n_components, "covariance_type": self.covariance_type, "n_features": n_features}
        changed = [f"{name}={asked[name]!r}" if isinstance(asked[name], str) else f"{name}={asked[name]}"
                   for name in fitted if asked[name] != fitted[name]]
        if not changed:
            return ""
        return (
            "warm_start=True continues the previous fit, which had n_components={n_components}, "
            "covariance_type={covariance_type!r} and n_features={n_features}; this fit has ".format(**fitted)
            + " and ".join(changed) + ", so the previous parameters cannot start it. Set warm_start=False "
            "to start a new fit, or restore the previous setting."
        )

    def _warm_state(self, shift, scale, dtype, feature_variance):
        # the previous fit's parameters, re-expressed in this fit's standardised units
        old_shift, old_scale = self.trace_.shift, self.trace_.scale
        state = self._state
        means = ((state.means.astype(np.float64) * old_scale + old_shift - shift) / scale).astype(dtype)
        units = _covariance_units(self.covariance_type, old_scale) / _covariance_units(self.covariance_type, scale)
        covariances = (state.covariances.astype(np.float64) * units).astype(dtype)
        with _given_covariances("warm_start=True (the previous fit's covariances)", "set warm_start=False for a "
                                "new start, as the data's scale has changed since the previous fit"):
            return _make_state(state.weights.astype(dtype), means, covariances, self.covariance_type,
                               feature_variance, 0)

    def _set_fitted(self, state, trace, shift, scale, X):
        n_samples = X.shape[0]
        self._n_samples_fit = n_samples
        dtype = state.means.dtype
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):  # checked below (inf * 0 in a product)
            means = (state.means.astype(np.float64) * scale + shift).astype(dtype)
            units = _covariance_units(self.covariance_type, scale)
            covariances = (state.covariances.astype(np.float64) * units).astype(dtype)
            if self.covariance_type in ("full", "tied"):
                factors = state.factors if self.covariance_type == "full" else state.factors[0]
                factors = np.swapaxes(factors, -1, -2)
                upper = factors.astype(np.float64) / scale[:, None]  # U = D⁻¹ Wᵀ, D = diag(scale)
                cholesky = upper.astype(dtype)
                precisions = (upper @ np.swapaxes(upper, -1, -2)).astype(dtype)
            else:
                factors = state.factors if self.covariance_type == "diag" else state.factors[:, 0]
                cholesky = (factors.astype(np.float64) / (scale if self.covariance_type == "diag" else scale[0])).astype(dtype)
                precisions = cholesky**2

        def diagonal(a):  # the variances (and the factors' diagonals): none may underflow to 0
            return np.diagonal(a, axis1=-2, axis2=-1) if self.covariance_type in ("full", "tied") else a

        standard = ((state.covariances, covariances), (factors, cholesky))
        if not all(np.isfinite(a).all() for a in (means, covariances, cholesky, precisions)) or any(
            np.any((diagonal(z) != 0) & (diagonal(a) == 0)) for z, a in standard
        ):
            ranges = np.ptp(X.astype(np.float64), axis=0)  # X's own: scale is kept within 2^±32 of the others'
            low, high = X.min(axis=0).astype(np.float64), X.max(axis=0).astype(np.float64)
            with np.errstate(over="ignore", invalid="ignore"):
                far = ~np.isfinite(means) | (means < low - 1e3 * (high - low)) | (means > high + 1e3 * (high - low))
            if self.means_init is not None and np.any(far):
                # where means_init started them (an audit, 2026-12-06: means_init times 1e300 on data of range 9
                # was reported as X's scale, and the fix named, rescaling X, could not help)
                raise ValueError(
                    f"the fitted means of components {np.flatnonzero(far.any(axis=1)).tolist()[:5]} lie far "
                    f"outside X's range (beyond 1000 times its span), where means_init started them, and their "
                    f"covariances or precisions leave {dtype.name}: give initial means within X's range (e.g. rows "
                    "of X, or the centres of a k-means fit)"
                )
            raise ValueError(
                f"X's scale (its features range over {np.min(ranges):.3g} to {np.max(ranges):.3g}) puts the fitted "
                f"covariances or precisions outside {dtype.name} "
                "in X's units (covariances grow as the square of the scale, precisions as its inverse); "
                "rescale X, e.g. with sklearn.preprocessing.StandardScaler, and fit again."
            )
        self._state = state
        self._fitted_covariance_type = self.covariance_type  # what inference, sample and bic use from now on
        self._fitted_prior = copy.deepcopy(self.prior)  # what the certificate checks (EM-5)
        # what the run's stop depended on and its precision, for the certificate (EM-5), whatever
        # set_params does later
        self._fit_settings = {"max_iter": self.max_iter, "tol": float(self.tol), "rule": self.stop is not None,
                              "dtype": dtype.name}
        self.trace_ = trace
        self.weights_ = state.weights.copy()
        self.means_, self.covariances_ = means, covariances
        self._fitted_parameters = (self.weights_.copy(), means.copy(), covariances.copy())  # for sample, plots, bic
        self.precisions_cholesky_, self.precisions_ = cholesky, precisions
        self._fitted_precisions = (cholesky.copy(), precisions.copy())  # for the certificate (EM-5)
        self.converged_ = trace.converged
        self.n_iter_ = trace.n_iter
        self.lower_bounds_ = trace.objective / n_samples
        self.lower_bound_ = np.float64(self.lower_bounds_[-1])  # scikit-learn's type (a float too)

    # ---- inference --------------------------------------------------------------------

    def _edited_parameters(self, deleted_too=False):
        """The parameter attributes (weights_, means_, covariances_, precisions_cholesky_, precisions_)
        that differ from what the fit set; a deleted one is an AttributeError (which ``certify`` names),
        or with ``deleted_too`` one of them."""
        recorded = [*zip(("weights_", "means_", "covariances_"), self._fitted_parameters),
                    *zip(("precisions_cholesky_", "precisions_"), self._fitted_precisions)]

        def current(name):
            return getattr(self, name, None) if deleted_too else getattr(self, name)

        return [name for name, value in recorded if not np.array_equal(np.asarray(current(name)), value)]

    def _warn_if_edited(self):
        """A UserWarning when a parameter attribute was edited since the fit: inference answers for
        the fitted parameters (class Notes), where scikit-learn's would read the edit, so the edit
        would otherwise be ignored silently (audit 48)."""
        edited = self._edited_parameters(deleted_too=True)
        if edited:
            warnings.warn(f"{', '.join(edited)} changed since the fit, and GaussianMixture answers for the parameters "
                          "it fitted: the edit has no effect. To use other parameters, fit with weights_init, "
                          "means_init and precisions_init, and max_iter=0", UserWarning, stacklevel=caller_stacklevel())

    def _weighted_log_densities(self, X, posterior=False):
        """log π_k + log N(x | μ_k, Σ_k) in the user's units, float64 of shape (n_samples, n_components),
        and the dtype of the responsibilities: float32 for float32 X and a float32 fit, else float64
        (as scikit-learn's, whose arithmetic follows NumPy's promotion of the two). ``posterior``: values
        with the same softmax, for tied covariances one constant more in each row (their linear form,
        ``posterior_log_odds``)."""
        check_is_fitted(self, "trace_")
        self._warn_if_edited()
        X = check_estimator_data(self, X, reset=False, finite=False)  # NaN, inf: weighted_log_densities
        evaluate = posterior_log_odds if posterior else weighted_log_densities
        a = evaluate(X, self._state, self._fitted_covariance_type, self.trace_.shift, self.trace_.scale)
        return a, np.result_type(X.dtype, self._state.means.dtype)

    def score_samples(self, X):
        """Log-density of each sample, float64 ndarray of shape (n_samples,), also for float32 X and a
        float32 fit (scikit-learn's is float32 there): the log-density of a far row, which the model
        evaluates again in float64 where float32 overflows, may lie beyond float32's range.

        :math:`\\hat L = \\mathrm{fl}(m + \\mathrm{fl}(\\log t))` with m the row's largest weighted
        log-density a_k and :math:`t = \\sum_k e^{a_k - m} \\in [1, K]` (proofs/em.md, EM-6 step 2):
        the float nearest m + log t, up to the rounding of t and log t. Far from every
        component, where log t ≤ log K falls below half an ulp of m (|m| beyond about 10¹⁷), that
        float is m itself; the error of m, about u|m| (EM-6, "Density error"), is far larger.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        log_density : ndarray of shape (n_samples,), float64
            Whatever the dtypes of X and of the fit.
        """
        return log_normalisers(self._weighted_log_densities(X)[0])

    def score(self, X, y=None):
        """Mean log-likelihood per sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        float
            The mean of :meth:`score_samples` (the log-prior of a MAP-EM fit is not included),
            finite whenever they are: where their sum overflows float64 (rows far from every
            component, log-densities near -1e307) they are summed scaled by a power of two.
        """
        return _mean(self.score_samples(X))

    def predict_proba(self, X):
        """Responsibilities, ndarray of shape (n_samples, n_components) (float32 for float32 X and
        a float32 fit, as scikit-learn's).

        Computed as the E-step's (proofs/em.md, EM-6 step 1): :math:`e^{a_k - m}/t` with m the
        row's largest weighted log-density and :math:`t = \\sum_k e^{a_k - m} \\ge 1`, so every row
        sums to 1 within :math:`\\gamma_{2K}`, however far the point (through the log-normaliser,
        :math:`e^{a_k - \\hat L}` loses log t beside a large |m|: rows summed to 2). Far from every
        component the differences a_j − a_k may be below the rounding of the a_k themselves
        (about u|m|); the responsibilities are then no better determined than they are, except with
        tied covariances: there a_j − a_k is linear in x, and the a_k are taken in that form, each
        plus ‖L z‖²/2 (EM-6, "Tied posteriors"; a row 10⁹ from the data in float32, or 10¹⁷ in
        float64, was 1/K for every component where its exact posterior is one-hot, as scikit-learn's).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        responsibilities : ndarray of shape (n_samples, n_components)
            float32 when X and the fit are both float32, else float64.
        """
        a, dtype = self._weighted_log_densities(X, posterior=True)
        for_rows(kernels.normalise_rows, a.shape[0])(a)
        return a.astype(dtype, copy=False)

    def predict(self, X):
        """Most responsible component of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype intp
            The index of each sample's most responsible component.
        """
        a, _ = self._weighted_log_densities(X, posterior=True)
        labels = np.empty(a.shape[0], dtype=np.intp)
        for_rows(largest_in_rows, a.shape[0])(a, labels)
        return labels

    def sample(self, n_samples=1):
        """Draw ``n_samples`` points; returns (X, component labels).

        Parameters
        ----------
        n_samples : int, default=1
            The number of points to draw, at least 1. They are drawn with ``random_state`` as
            ``fit`` takes it (an int gives the same points at every call, as in scikit-learn).

        Returns
        -------
        X : ndarray of shape (n_samples, n_features), float64
            The points in the units of the training data, grouped by component (component 0's
            first), float64 also for a float32 fit.
        labels : ndarray of shape (n_samples,), dtype intp
            The component each point was drawn from (non-decreasing).
        """
        check_is_fitted(self, "trace_")
        self._warn_if_edited()
        n_samples = check_int(n_samples, "n_samples", minimum=1, maximum=np.iinfo(np.int64).max)  # NumPy's draws
        rng = as_generator(self.random_state)
        weights, means, _ = self._fitted_parameters
        # the proportions in float64, divided by their float64 sum (a float32 sum of a float32 fit's weights
        # rounded to 1 and left them summing to 1 + 3e-8: audit 56)
        weights = weights.astype(np.float64)
        counts = rng.multinomial(n_samples, weights / weights.sum())
        blocks = []
        for k, count in enumerate(counts):
            cov = _component_covariance(self, k)
            blocks.append(rng.multivariate_normal(means[k], cov, size=int(count)))
        X = np.vstack(blocks)
        return X, np.repeat(np.arange(len(counts)), counts)

    def _n_parameters(self):
        K, d = self._fitted_parameters[1].shape
        cov = {"full": K * d * (d + 1) / 2, "diag": K * d, "tied": d * (d + 1) / 2, "spherical": K}[
            self._fitted_covariance_type]
        return int(cov + K * d + K - 1)

    def bic(self, X):
        """Bayesian information criterion on X (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        float
            -2 log L + p log n. A ValueError where -2 log L lies beyond float64's range (rows
            far from every component; scikit-learn returns inf there), naming ``score(X)``, the
            mean log-likelihood, which stays finite.
        """
        deviance, n = self._deviance(X)
        return deviance + self._n_parameters() * math.log(n)

    def aic(self, X):
        """Akaike information criterion on X (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        float
            -2 log L + 2 p. A ValueError where -2 log L lies beyond float64's range, as for
            :meth:`bic`.
        """
        return self._deviance(X)[0] + 2 * self._n_parameters()

    def _deviance(self, X):
        """-2 times the log-likelihood of X (n times :meth:`score`), and the number of rows n; a
        ValueError where it lies beyond float64's range (BIC and AIC were then infinite, silently,
        until an audit of 2026-12-06)."""
        mean = self.score(X)
        n = np.shape(X)[0]  # X is valid: score(X) checked it
        deviance = -2 * mean * n
        if not math.isfinite(deviance):
            raise ValueError(f"-2 times the log-likelihood of X under the model ({n} rows, {mean:.3g} per row: "
                             "score(X)) is beyond float64's range, and so are BIC and AIC: X lies far from every "
                             "component. Check that X is on the scale the model was fitted on, or compare score(X)")
        return deviance, n

    _TRACE_TYPES = (GMMTrace,)  # what certify() accepts as trace_

    def _certify(self, X):
        from classic._gmm_certificate import certify_gmm
        from classic.certificate import check_training_rows, in_fit_dtype

        X = check_estimator_data(self, X, reset=False, min_samples=2)  # features, and their names, as fit's
        X = in_fit_dtype(X, self._fit_settings["dtype"])
        check_training_rows(X.shape[0], getattr(self, "_n_samples_fit", X.shape[0]))
        if self.trace_.covariance_type != self._fitted_covariance_type:
            raise ValueError(f"trace_ is the record of a covariance_type={self.trace_.covariance_type!r} run, this fit's "
                             f"is {self._fitted_covariance_type!r}: restore trace_, or fit again")
        return certify_gmm(self, X)


def _component_covariance(model, k):
    """Covariance matrix (n_features, n_features) of component ``k`` of a
    fitted mixture, whatever the covariance type it was fitted with."""
    covariance_type = model._fitted_covariance_type
    _, means, covariances = model._fitted_parameters
    if covariance_type == "full":
        return covariances[k]
    if covariance_type == "tied":
        return covariances
    if covariance_type == "diag":
        return np.diag(covariances[k])
    return covariances[k] * np.eye(means.shape[1])


def plot_ellipses(model, ax, features=(0, 1), n_std=(1.0, 2.0), **style):
    """Draw each fitted component of ``model`` as ellipses of ``n_std`` standard
    deviations in the plane of two ``features``; returns the Axes.

    Parameters
    ----------
    model : GaussianMixture
        A fitted mixture with at least two features.
    ax : matplotlib Axes
        The Axes to draw on.
    features : pair of int, default=(0, 1)
        The indices of the two features of the plane (negative ones count from the end).
    n_std : float or sequence of float, default=(1.0, 2.0)
        The number of standard deviations of each ellipse, each > 0.
    **style
        Passed to each ``Ellipse``, except ``colors``: one colour per component (default
        ``"C0"``, ``"C1"``, ...). ``color``, ``fill``, ``alpha`` and ``lw`` are set by the function
        (giving them is a TypeError).

    Returns
    -------
    matplotlib Axes
        ``ax``, with the ellipses and each component's mean (an ``x``) drawn on it.
    """
    from matplotlib.axes import Axes
    from matplotlib.patches import Ellipse

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes to draw on, got {type(ax).__name__}")
    if not isinstance(model, GaussianMixture):
        raise TypeError(f"plot_ellipses draws a fitted classic.GaussianMixture, got {type(model).__name__}")
    check_is_fitted(model, "trace_")
    model._warn_if_edited()
    _, means, _ = model._fitted_parameters
    d = means.shape[1]
    if d < 2:
        raise ValueError("plot_ellipses draws a plane of two features, and the model has 1: plot its "
                         "components' means and standard deviations on a line instead")
    indices = np.asarray(features) if not isinstance(features, (str, bytes)) else np.asarray(None)
    if indices.shape != (2,) or indices.dtype.kind not in "iu":
        raise ValueError(f"features must be two feature indices, e.g. (0, 1); got {features!r}")
    i, j = (check_int(int(f), "features", minimum=-d, maximum=d - 1) % d for f in indices)  # -1: the last
    if i == j:
        raise ValueError(f"features must be two different feature indices, got ({i}, {j})")
    n_std = [check_real(s, "n_std", minimum=0.0, strict=True) for s in np.atleast_1d(n_std).tolist()]
    colors = style.pop("colors", None)
    for k in range(len(means)):
        block = np.asarray(_component_covariance(model, k), dtype=np.float64)[np.ix_([i, j], [i, j])]
        values, vectors = np.linalg.eigh(block)
        angle = math.degrees(math.atan2(vectors[1, 1], vectors[0, 1]))
        color = colors[k] if colors is not None else f"C{k}"
        for s in n_std:
            width, height = 2 * s * np.sqrt(np.maximum(values[::-1], 0))
            ax.add_patch(
                Ellipse(means[k, [i, j]], width, height, angle=angle, fill=False, color=color,
                        alpha=min(1.0, 0.9 / s), lw=1.5, **style)
            )
        ax.plot(*means[k, [i, j]], "x", color=color)
    return ax


def _mean(values):
    """The mean of finite float64 ``values``, finite whenever it lies in float64's range: where their
    sum overflows, the values are scaled by 2**-k first (exact: k is what n values of the largest
    magnitude need) and the mean scaled back."""
    with np.errstate(over="ignore"):  # a sum that overflows: scaled below
        mean = float(np.mean(values))
    if math.isfinite(mean) or not np.all(np.isfinite(values)):
        return mean
    k = math.ceil(math.log2(values.shape[0])) + 1
    with np.errstate(over="ignore"):
        return float(np.mean(values * 2.0**-k) * 2.0**k)
