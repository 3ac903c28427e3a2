"""The expanded-form filter of k-means assignment (``proofs/kmeans.md``, KM-9).

The points the bound test of KM-8 leaves are examined with the expanded form
|a|^2 + |b_j|^2 - 2<a, b_j> of the shifted point a = x - m and centres b_j = c_j - m
(origin m: the mean of the centres, so that cancellation is that of the data's own
spread), rounded to the filter precision: float32 first, then the working
precision for what float32 leaves (float64 data only). The inner products come
from one matrix product per panel of ``PANEL`` points. The filter only *decides*
which centre is nearest when its proven error bound makes that certain; every
number the run records is still a difference-form distance
(:func:`classic._kmeans_kernels.squared_distance`). Called by
:func:`classic._kmeans_kernels._filter`.
"""

import numpy as np

from classic._jit import bits_float, float_bits, kernel

#: Points whose inner products with all centres are taken in one matrix product
#: by the filter of KM-9 (a (PANEL, k) block per thread, never (n, k)); fewer with many
#: features, so that the panel stays in L1 (``_kmeans_kernels._filter``).
PANEL = 256


@kernel
def _origin(centers, origin):
    """The filter's origin m (KM-9): ``origin[f]`` = sum_j fl(c_jf / k) in order, in the
    working precision (any finite m is valid; this one cannot overflow)."""
    k, d = centers.shape
    origin[:] = 0
    for j in range(k):
        for f in range(d):
            origin[f] += centers[j, f] / k


@kernel
def _shifted_centers(centers, origin, constants, index_bits, shifted, norms):
    """The centres' part of a filter stage (KM-9): ``shifted[j, f]`` = fl_v(c_jf - m_f) (the
    difference in the working precision, then rounded to the filter precision of ``shifted``)
    and ``norms[j]`` = fl_v(sum_f shifted[j, f]**2) summed in order. ``constants`` is the
    stage's (kappa, tau, largest_norm, index_bits). Returns kappa and tau in the working
    precision, S = the largest fl(fl(kappa * norms[j]) + tau), and whether the stage's gate
    lets it run (every norm at most largest_norm, at most index_bits bits for the index)."""
    k, d = centers.shape
    kappa, tau = centers.dtype.type(constants[0]), centers.dtype.type(constants[1])
    largest = norms.dtype.type(0)
    largest_slack = tau  # every fl(fl(kappa * norms[j]) + tau) is at least tau
    for j in range(k):
        acc = norms.dtype.type(0)
        for f in range(d):
            b = shifted.dtype.type(centers[j, f] - origin[f])
            shifted[j, f] = b
            acc += b * b
        norms[j] = acc
        largest = max(largest, acc)
        largest_slack = max(largest_slack, kappa * acc + tau)
    return kappa, tau, largest_slack, largest <= constants[2] and index_bits <= constants[3]


@kernel
def _panel_products(X, points, origin, shifted, rows_T, point_norms, products_T):
    """For the points ``points[b]``: ``rows_T[:, b]`` = fl_v(x - m) (the panel stored
    transposed, so that the loops below run over points and vectorise), ``point_norms[b]`` =
    fl_v(sum_f a_f**2) summed in order, and ``products_T[j, b]`` = <b_j, a> through one matrix
    product (BLAS: any summation order, fused or not; KM-9 allows for both)."""
    d = X.shape[1]
    size = points.shape[0]
    for b in range(size):
        i = points[b]
        for f in range(d):
            rows_T[f, b] = rows_T.dtype.type(X[i, f] - origin[f])
    point_norms[:] = 0
    for f in range(d):
        for b in range(size):
            point_norms[b] += rows_T[f, b] * rows_T[f, b]
    np.dot(shifted, rows_T, products_T)


@kernel
def _nearest_keys(products_T, norms, point_norms, mask, near):
    """The three smallest keys of each point of the panel in the expanded form (KM-9).

    For centre j and point b, e = max(fl(fl(|x|^2 + |c_j|^2) - 2 <x, c_j>), 0) and its key
    is the bits of e (signed integers of the same width: for non-negative floats their
    order is the float order) with the low bits ``mask`` replaced by j: keys of one point
    are distinct. ``near[0, b] < near[1, b] < near[2, b]`` are kept by a min/max network;
    the loop runs over the points of the panel and vectorises (every integer is cast back
    to the keys' width, so float32 keys stay 32-bit lanes)."""
    k = norms.shape[0]
    size = point_norms.shape[0]
    zero = norms.dtype.type(0)
    near[:] = np.iinfo(near.dtype).max
    for j in range(k):
        c = norms[j]
        for b in range(size):
            e = max((point_norms[b] + c) - (products_T[j, b] + products_T[j, b]), zero)
            key = near.dtype.type((float_bits(e) & ~mask) | j)
            key1, key2, key3 = near[0, b], near[1, b], near[2, b]
            near[0, b] = min(key1, key)
            key = max(key1, key)
            near[1, b] = min(key2, key)
            key = max(key2, key)
            near[2, b] = min(key3, key)


@kernel
def _key_range(key, mask, like):
    """The smallest and the largest float (of the type of ``like``) whose key is ``key``: the
    bits of ``key`` with the index bits cleared, then set; every e with that key lies between
    them."""
    return bits_float(key & ~mask, like), bits_float(key | mask, like)
