"""Slow, obvious NumPy versions of the compiled kernels, for the tests.

Each algorithm has its own section; keep additions inside your section.
"""

import numpy as np

# --- Gaussian mixtures ---
# Oracles of classic/_gmm_kernels.py: plain loops and dense linear algebra,
# full covariance matrices for every covariance type, float64 throughout.


def gmm_full_covariances(covariances, covariance_type, n_components, n_features):
    """Every covariance type as a stack of (n_features, n_features) matrices."""
    c = np.asarray(covariances, dtype=np.float64)
    if covariance_type == "full":
        return c
    if covariance_type == "tied":
        return np.repeat(c[None], n_components, axis=0)
    if covariance_type == "diag":
        return np.stack([np.diag(row) for row in c])
    return np.stack([v * np.eye(n_features) for v in c])


def gmm_weighted_log_densities(Z, weights, means, covariances, covariance_type):
    """a[i, k] = log w_k + log N(z_i | mu_k, Sigma_k), by slogdet and solve."""
    Z = np.asarray(Z, dtype=np.float64)
    n, d = Z.shape
    K = len(weights)
    sigmas = gmm_full_covariances(covariances, covariance_type, K, d)
    out = np.empty((n, K))
    for k in range(K):
        _, logdet = np.linalg.slogdet(sigmas[k])
        diff = Z - np.asarray(means[k], dtype=np.float64)
        maha = np.einsum("ij,ij->i", diff, np.linalg.solve(sigmas[k], diff.T).T)
        out[:, k] = np.log(weights[k]) - 0.5 * (d * np.log(2 * np.pi) + logdet + maha)
    return out


def gmm_e_step(Z, weights, means, covariances, covariance_type, previous_resp=None):
    """Log-likelihood, responsibilities, the bound terms and the statistics, naively."""
    a = gmm_weighted_log_densities(Z, weights, means, covariances, covariance_type)
    log_norm = np.array([np.log(np.sum(np.exp(row - row.max()))) + row.max() for row in a])
    log_resp = a - log_norm[:, None]
    resp = np.exp(log_resp)
    out = {
        "log_likelihood": float(np.sum(log_norm)),
        "resp": resp,
        "expected": float(np.sum(resp * a)),
        "entropy": float(-np.sum(resp * log_resp)),
        "counts": resp.sum(axis=0),
    }
    if previous_resp is not None:
        out["expected_previous"] = float(np.sum(previous_resp * a))
    return out


def gmm_m_step(Z, resp, covariance_type, strength=0.0, prior_covariance=None, concentration=1.0):
    """Closed-form (MAP-)M-step from responsibilities, two-pass: means first, then scatter."""
    Z = np.asarray(Z, dtype=np.float64)
    resp = np.asarray(resp, dtype=np.float64)
    n, d = Z.shape
    K = resp.shape[1]
    sigma0 = np.zeros((d, d)) if prior_covariance is None else np.asarray(prior_covariance, dtype=np.float64)
    N = resp.sum(axis=0)
    weights = (N + concentration - 1) / (N.sum() + K * (concentration - 1))
    means = np.stack([resp[:, k] @ Z / N[k] for k in range(K)])
    scatter = np.stack([(resp[:, k, None] * (Z - means[k])).T @ (Z - means[k]) for k in range(K)])
    if covariance_type == "full":
        covariances = np.stack([(scatter[k] + strength * sigma0) / (N[k] + strength) for k in range(K)])
    elif covariance_type == "tied":
        covariances = (scatter.sum(axis=0) + strength * sigma0) / (N.sum() + strength)
    elif covariance_type == "diag":
        covariances = np.stack([(np.diag(scatter[k]) + strength * np.diag(sigma0)) / (N[k] + strength) for k in range(K)])
    else:
        covariances = np.array([(np.trace(scatter[k]) + strength * np.trace(sigma0)) / (d * (N[k] + strength)) for k in range(K)])
    return weights, means, covariances
