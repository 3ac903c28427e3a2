"""Hypothesis strategies for testing learning algorithms, public so that users
can test their own code against the same data the library is tested on.

Requires ``hypothesis`` (an optional, test-time dependency). Each algorithm has
its own clearly headed section.
"""

import dataclasses

import numpy as np
from hypothesis import strategies as st

__all__ = ["SeparableSample", "linearly_separable"]


# --- perceptron ---------------------------------------------------------------
# Separable data with a known separator and margin (proofs/perceptron.md).


@dataclasses.dataclass(frozen=True)
class SeparableSample:
    """Labelled data with a known separating hyperplane.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
    y : ndarray of shape (n_samples,), int, values in {-1, +1}
    direction : ndarray of shape (n_features,), float64, unit norm (to rounding)
    offset : float
        0.0 unless the strategy was asked for an intercept.
    margin : float
        :math:`\\min_i y_i (\\langle \\text{direction}, x_i\\rangle + \\text{offset})`,
        evaluated in float64 on ``X`` as returned; at least the prescribed margin.
    """

    X: np.ndarray
    y: np.ndarray
    direction: np.ndarray
    offset: float
    margin: float

    def augmented_separator(self, scale):
        """The unit separator of the augmented data :math:`(x, s)` (proofs/perceptron.md, PC-8)."""
        u = np.append(self.direction, self.offset / scale if scale else 0.0)
        return u / np.linalg.norm(u)


@st.composite
def linearly_separable(
    draw,
    n_samples=st.integers(1, 40),
    n_features=st.integers(1, 6),
    margin=st.floats(0.05, 1.0),
    intercept=False,
    dtype=np.float64,
    radius=4.0,
):
    """Data separated by a known hyperplane with at least a prescribed margin.

    Points are drawn in the cube :math:`[-r, r]^d` with independent labels;
    each point on the wrong side of the margin is moved along the normal
    until :math:`y (\\langle v, x\\rangle + b) \\ge \\gamma`. Duplicate points and a
    single class are possible (both are legitimate data).

    Parameters
    ----------
    n_samples, n_features, margin : int, int, float or strategies of them
    intercept : bool
        Draw an offset :math:`b \\in [-r/2, r/2]` (a hyperplane not through 0).
    dtype : numpy float dtype of ``X``
    radius : float, the half-width ``r`` of the cube

    Returns
    -------
    SeparableSample
    """

    def value(x):
        return draw(x) if isinstance(x, st.SearchStrategy) else x

    n, d, gamma = value(n_samples), value(n_features), value(margin)
    coords = st.floats(-radius, radius, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    v = np.array(draw(st.lists(coords, min_size=d, max_size=d)))
    if np.linalg.norm(v) < 1e-3:
        v[0] = 1.0
    v = v / np.linalg.norm(v)
    b = draw(st.floats(-radius / 2, radius / 2, allow_subnormal=False)) if intercept else 0.0
    Z = np.array(draw(st.lists(st.lists(coords, min_size=d, max_size=d), min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n)))
    target = gamma * (1 + 1e-3)                   # room for the rounding of the cast to dtype
    shortfall = np.maximum(0.0, target - y * (Z @ v + b))
    X = (Z + (y * shortfall)[:, None] * v[None, :]).astype(dtype)
    achieved = float(np.min(y * (X.astype(np.float64) @ v + b)))
    return SeparableSample(X=X, y=y, direction=v, offset=float(b), margin=achieved)
