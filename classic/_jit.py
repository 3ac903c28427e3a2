"""The one Numba decorator policy of the package.

Every compiled kernel in ``classic`` is declared with :func:`kernel` or
:func:`parallel_kernel` from this module; ``tests/test_jit_policy.py`` fails if
any other module calls ``numba.njit``/``numba.jit`` or mentions ``fastmath``.

Policy
------
* ``cache=True``: compiled code is written next to the module, so only the
  first run on a machine pays for compilation.
* never ``fastmath`` set to True: it lets LLVM assume there is no ``inf``/``nan``,
  which breaks the ``inf`` sentinels of k-means and log-sum-exp. No kernel
  currently needs fast-math; if one ever does, it must use :data:`SAFE_FASTMATH`
  and say in its docstring that reassociation changes summation order.
* kernels assume valid, C-contiguous input of one fixed dtype; validation and
  conversion happen once, in Python, before the loop.
* parallel reductions are made over fixed-size chunks of :data:`CHUNK_SIZE`
  rows, each chunk reduced sequentially, and the chunk results combined in
  index order, so a result never depends on the number of threads.
"""

import contextlib

import numba
from threadpoolctl import threadpool_limits

__all__ = ["kernel", "parallel_kernel", "CHUNK_SIZE", "SAFE_FASTMATH", "n_chunks", "one_blas_thread"]

#: Rows per chunk of every parallel reduction. Fixed, so that the order of
#: floating-point additions (and hence every result, bit for bit) does not
#: depend on how many threads run.
CHUNK_SIZE = 1024

#: The only fast-math flags a kernel may use (not ``nnan``/``ninf``).
SAFE_FASTMATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})

_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy"}


def kernel(func):
    """Compile ``func`` as a serial kernel under the package policy."""
    return numba.njit(**_OPTIONS)(func)


def parallel_kernel(func):
    """Compile ``func`` as a multi-threaded kernel (``prange``) under the package policy."""
    return numba.njit(parallel=True, **_OPTIONS)(func)


def n_chunks(n_rows):
    """Number of :data:`CHUNK_SIZE` chunks covering ``n_rows`` rows."""
    return (n_rows + CHUNK_SIZE - 1) // CHUNK_SIZE


def one_blas_thread(n_samples):
    """Context in which BLAS runs single-threaded, for loops whose kernels make small
    matrix products inside their own threads (one per chunk: the k-means filter,
    KM-9, and the EM scatter matrices): each must not start a BLAS thread pool, and
    a product made by one thread is then the same bits whichever thread makes it.
    With a single chunk there is nothing to oversubscribe (and the ~1 ms the limit
    costs is saved)."""
    return threadpool_limits(limits=1, user_api="blas") if n_samples > CHUNK_SIZE else contextlib.nullcontext()
