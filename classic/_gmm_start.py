"""Where an EM run starts (proofs/em.md), for :class:`classic.gmm.GaussianMixture`: the
user's ``weights_init``, ``means_init`` and ``precisions_init`` validated and standardised; the
starting responsibilities of ``init_params``, as scikit-learn's ``_initialize_parameters``; the
parameters they give (the M-step applied once); and the prior in standardised units."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from classic._gmm_m_step import m_step
from classic._gmm_numerics import _covariance_units
from classic._gmm_standardisation import second_moments
from classic._validation import ParameterError, check_numbers, check_real


def user_initial_parameters(model, d, shift, scale, dtype):
    """``model``'s weights_init, means_init, precisions_init validated and standardised (None where
    not given)."""
    K = model.n_components
    weights = means = covariances = None
    if model.weights_init is not None:
        weights = check_numbers(model.weights_init, "weights_init")
        if weights.shape != (K,) or np.any(weights <= 0):
            raise ParameterError(f"weights_init must be {K} positive numbers, got shape {weights.shape}"
                                 + (f" and smallest value {weights.min():.3g}" if weights.shape == (K,) else ""))
        if not abs(weights.sum() - 1.0) <= 1e-6:
            raise ParameterError(f"weights_init must sum to 1, got {weights.sum()}")
        weights = (weights / weights.sum()).astype(dtype)
    if model.means_init is not None:
        means = check_numbers(model.means_init, "means_init")
        if means.shape != (K, d):
            raise ParameterError(f"means_init must have shape (n_components, n_features) = ({K}, {d}), "
                                 f"got {means.shape}")
        means = ((means - shift) / scale).astype(dtype)
    if model.precisions_init is not None:
        shapes = {"full": (K, d, d), "tied": (d, d), "diag": (K, d), "spherical": (K,)}
        precisions = check_numbers(model.precisions_init, "precisions_init")
        if precisions.shape != shapes[model.covariance_type]:
            raise ParameterError(
                f"precisions_init must have shape {shapes[model.covariance_type]} for "
                f"covariance_type={model.covariance_type!r}, got {precisions.shape}"
            )
        if model.covariance_type in ("full", "tied"):
            check_symmetric_positive_definite(precisions, "precisions_init")
            with np.errstate(over="ignore", invalid="ignore"):  # overflowing inverses: below
                covariances = np.linalg.inv(precisions)
                covariances = (covariances + np.swapaxes(covariances, -1, -2)) / 2
        else:
            if np.any(precisions <= 0):
                raise ParameterError("precisions_init must be positive")
            with np.errstate(over="ignore", divide="ignore"):  # overflowing inverses: below
                covariances = 1.0 / precisions
        with np.errstate(over="ignore", invalid="ignore"):
            covariances = (covariances / _covariance_units(model.covariance_type, scale)).astype(dtype)
        if not np.all(np.isfinite(covariances)):
            raise ParameterError(f"precisions_init is so small that its inverse, the initial covariance, overflows "
                                 f"{np.dtype(dtype).name} in X's units: give precisions on X's scale (e.g. the "
                                 "inverses of covariances fitted on X), or leave precisions_init=None")
    return weights, means, covariances


def initial_responsibilities(Z, scale, n_components, init_params, rng):
    """Responsibilities to start from, as scikit-learn's ``_initialize_parameters``; k-means and
    k-means++ run in X's metric, as scikit-learn's: Z rescaled by the powers of two ``scale``
    relative to the largest (exact; no copy when the scales are equal)."""
    n_samples = Z.shape[0]
    if init_params == "random":
        resp = rng.uniform(size=(n_samples, n_components))
        return resp / resp.sum(axis=1, keepdims=True)
    if init_params == "random_from_data":  # n_components distinct points, each alone in its component
        resp = np.zeros((n_samples, n_components))
        resp[rng.choice(n_samples, size=n_components, replace=False), np.arange(n_components)] = 1.0
        return resp
    relative = scale / np.max(scale)
    if np.any(relative != 1.0):
        Z = Z * relative.astype(Z.dtype)
    if init_params == "kmeans":  # the labels of one k-means run, as scikit-learn's default
        from classic.kmeans import KMeans

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # a start: a run cut short by tol is what we want
            labels = KMeans(n_components, n_local_trials=None, n_init=1, tol=1e-4, random_state=rng).fit(Z).labels_
    else:
        from classic.seeding import kmeans_plusplus  # k-means++ centres, then a hard assignment

        centers, _ = kmeans_plusplus(Z, n_components, n_local_trials=None, random_state=rng)
        Z64 = Z.astype(np.float64)   # one centre at a time: n x K, never an n x K x d array
        distances = np.column_stack([((Z64 - centre) ** 2).sum(axis=1) for centre in np.asarray(centers, np.float64)])
        labels = np.argmin(distances, axis=1)
    resp = np.zeros((n_samples, n_components))
    resp[np.arange(n_samples), labels] = 1.0
    return resp


def parameters_from_responsibilities(Z, resp, covariance_type, prior):
    """The M-step applied to given responsibilities (statistics about the origin)."""
    dtype = Z.dtype
    resp = resp.astype(dtype)
    counts = resp.sum(axis=0)
    first = resp.T @ Z
    if covariance_type in ("full", "tied"):
        second = np.einsum("ik,ip,iq->kpq", resp, Z, Z)
    else:
        second = resp.T @ (Z * Z)
    strength, sigma0, alpha = prior if prior is not None else (0.0, np.zeros((Z.shape[1],) * 2), 1.0)
    origin = np.zeros((resp.shape[1], Z.shape[1]), dtype=dtype)
    return counts, m_step(counts, first, second, origin, covariance_type, strength, sigma0, alpha)


def check_symmetric_positive_definite(matrices, name):
    """A ParameterError unless ``matrices`` (shape (..., d, d)) are symmetric positive definite.
    Symmetric: :math:`|a_{ij} - a_{ji}| \\le 10^{-5} \\sqrt{a_{ii} a_{jj}}`, numpy.allclose's relative
    tolerance against the bound a positive definite matrix puts on :math:`|a_{ij}|`: a test in the
    matrix's own units, which a change of the features' units leaves as it is. numpy.allclose's
    absolute 1e-8 accepted any asymmetry between entries of order 1e-9 (a prior covariance on data of
    scale 1e-5, whose fit returned covariances that were not symmetric; audit, 2026-12-06)."""
    root = np.sqrt(np.abs(np.diagonal(matrices, axis1=-2, axis2=-1)))
    asymmetry = np.abs(matrices - np.swapaxes(matrices, -1, -2))
    if np.any(asymmetry > 1e-5 * (root[..., :, None] * root[..., None, :])):
        raise ParameterError(f"{name} must be symmetric positive definite, but an entry (i, j) differs from (j, i) "
                             "by more than 1e-5 sqrt(a_ii a_jj): give a symmetric matrix, e.g. (A + A.T) / 2")
    if np.any(np.linalg.eigvalsh(matrices) <= 0):
        raise ParameterError(f"{name} must be symmetric positive definite, but it has an eigenvalue <= 0")


def prior_in_standard_units(prior, X, shift, scale, covariance_type):
    """``prior`` (None or a :class:`classic.gmm.GaussianMixturePrior`) as (a, Σ0, α) in standardised
    units, or None."""
    if prior is None:
        return None
    n, d = X.shape
    strength = check_real(prior.strength, "prior.strength", minimum=0.0, strict=True)
    alpha = check_real(prior.weight_concentration, "prior.weight_concentration", minimum=1.0)
    # pseudo-counts beyond 2^53 n: every N_k + a (N_k + alpha - 1) rounds to the prior's alone in float64,
    # the data no longer move the fit, and the log-prior's a-fold sums head for overflow
    most = 2.0**53 * n
    for name, count in (("prior.strength", strength), ("prior.weight_concentration - 1", alpha - 1.0)):
        if count > most:
            raise ParameterError(f"{name} = {count:.3g} pseudo-observations is beyond 2^53 times the {n} "
                                 f"samples ({most:.3g}): the data would no longer count against the prior in "
                                 "float64 (N + a rounds to a); give a smaller value")
    if prior.covariance is None:
        variance = np.empty(d)
        second_moments(X, np.asarray(shift, dtype=np.float64), np.asarray(scale, dtype=np.float64), variance)
        if not np.any(variance > 0):
            raise ValueError("X has zero variance in every feature (its rows are one point), so the default "
                             "prior, whose covariance is 0.01 times X's, has none: pass "
                             "GaussianMixturePrior(covariance=...) explicitly")
        if covariance_type == "spherical":
            # 0.01 × the mean feature variance in X's units, times the identity, in standardised units:
            # feature j's entry is 0.01 (1/d) Σ_k v_k (s_k / s_j)², v_k the variance of feature k of Z
            sigma0 = 0.01 * np.diag(np.mean(variance[None, :] * (scale[None, :] / scale[:, None]) ** 2, axis=1))
        else:
            # 0.01 × each feature's own variance (a constant feature: the mean of the others', which
            # are not constant), in standardised units 0.01 v_j: every feature's covariance is pulled in
            # proportion to its scale
            varies = variance > 0
            others = np.mean(variance[None, varies] * (scale[None, varies] / scale[:, None]) ** 2, axis=1)
            own = np.where(varies, variance, others)
            sigma0 = 0.01 * np.diag(own)
    else:
        sigma0 = check_numbers(prior.covariance, "prior.covariance")
        if sigma0.ndim == 0:
            sigma0 = float(sigma0) * np.eye(d)
        elif sigma0.shape == (d,):
            sigma0 = np.diag(sigma0)
        if sigma0.shape != (d, d):
            raise ParameterError(f"prior.covariance must be a float, a ({d},) vector or a ({d}, {d}) matrix, "
                                 f"got shape {np.shape(prior.covariance)}")
        check_symmetric_positive_definite(sigma0, "prior.covariance")
        if covariance_type in ("diag", "spherical") and np.any(sigma0 != np.diag(np.diag(sigma0))):
            raise ParameterError(
                f"prior.covariance has entries off its diagonal, which covariance_type={covariance_type!r} cannot "
                "use (its prior is on the variances alone): give its diagonal, np.diag(covariance), or "
                "covariance_type='full'")
        sigma0 = (np.tril(sigma0) + np.tril(sigma0, -1).T) / np.outer(scale, scale)  # the triangle eigvalsh read
    largest = float(np.finfo(X.dtype).max)
    if not strength * float(np.max(np.abs(sigma0))) < largest:  # the M-step's a Σ0 would be inf: "collapsed"
        raise ParameterError(f"prior.strength times prior.covariance, {strength:.3g} x {np.max(np.abs(sigma0)):.3g} "
                             f"in X's standardised units, overflows {X.dtype.name}: give a covariance on X's scale "
                             "(None: 0.01 times X's own)")
    return strength, sigma0, alpha
