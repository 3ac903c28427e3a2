"""The one Numba decorator policy of the package.

Every compiled kernel in ``classic`` is declared with :func:`kernel`,
:func:`parallel_kernel` or (a small helper called in a hot loop)
:func:`inline_kernel` from this module; ``tests/test_jit_policy.py`` fails if
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
* every parallel kernel has a serial twin, the same code compiled without
  threads, which :func:`for_rows` picks for data of one chunk (small data pays
  more to wake the threads than it has work for them); the same bits either way.
* the two low-level helpers live here so that all numba machinery sits in one
  module: :func:`prefetch`, a cache hint that changes no value, and
  :func:`float_bits`, a float's bit pattern as a signed integer, and
  :func:`bits_float`, back (no rounding either way).
* kernels that make small matrix products inside their own threads run under
  :func:`one_blas_thread`, so BLAS does not start a thread pool per chunk.
* under ``NUMBA_DISABLE_JIT=1`` every kernel runs as Python, and Python twins stand in
  for the three intrinsics (float64 results bit for bit the compiled ones wherever NumPy's
  BLAS and SciPy's, which Numba calls, round the full mixtures' scatter product alike).
* Numba checks a cached kernel against its own module's source only, not against
  the modules of the kernels it calls; :func:`drop_stale_caches`, run when this
  module is imported, removes the package's cache files when any module that
  defines compiled code has changed, wherever Numba keeps them
  (:func:`numba_cache_directory`: ``NUMBA_CACHE_DIR`` too).
"""

import contextlib
import functools
import hashlib
import importlib
import os
import pathlib
import threading
import types as types_module
import warnings

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic
from threadpoolctl import ThreadpoolController

__all__ = ["kernel", "inline_kernel", "parallel_kernel", "for_rows", "prefetch", "float_bits", "bits_float",
           "drop_stale_caches", "numba_cache_directory", "CHUNK_SIZE", "SAFE_FASTMATH", "n_chunks", "held_chunks",
           "one_blas_thread"]

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


def inline_kernel(func):
    """Compile ``func`` as a small helper that Numba inlines into every kernel
    calling it (its body is copied in, so a hot loop pays no call per example).
    The operations are the same as with :func:`kernel`, hence every bit too."""
    return numba.njit(inline="always", **_OPTIONS)(func)


def parallel_kernel(func):
    """Compile ``func`` as a multi-threaded kernel (``prange``) under the package policy,
    with a serial twin for data of one chunk (see :func:`for_rows`)."""
    dispatcher = numba.njit(parallel=True, **_OPTIONS)(func)
    # The twin is the same code under another name: Numba names its cache files after the
    # function's qualified name and does not tell a parallel from a serial compilation of
    # one function apart, so a twin of the same name would load the other's machine code.
    twin = types_module.FunctionType(func.__code__, func.__globals__, func.__name__ + "_in_one_thread",
                                     func.__defaults__, func.__closure__)
    twin.__qualname__ = func.__qualname__ + "_in_one_thread"
    twin.__module__, twin.__doc__ = func.__module__, func.__doc__
    dispatcher.in_one_thread = numba.njit(**_OPTIONS)(twin)   # compiled on its first call, like every kernel
    return dispatcher


#: Data of at most this many rows is given to the serial twin of a parallel kernel
#: (:func:`for_rows`). Tests set it to 0 to run the threads on small data.
SERIAL_ROWS = CHUNK_SIZE


def for_rows(kernel, n_rows):
    """The variant of the parallel ``kernel`` to run on data of ``n_rows`` rows: for one chunk
    (at most :data:`SERIAL_ROWS`) its serial twin, else ``kernel``. One chunk leaves the
    threads nothing to share, and waking them cost 7 us per call of the k-means assignment
    on iris (14.5 against 7.6 us: 90 us of a 300 us fit). The two give the same bits: the
    twin runs the same code, its ``prange`` loops as ``range``, and every reduction adds its
    chunks in index order either way.

    Under Numba's ``workqueue`` threading layer (the one it falls back to where neither OpenMP
    nor TBB loads), two Python threads in parallel kernels at once abort the process
    ("Concurrent access has been detected"): there the kernel runs under a lock, and a call
    that finds it taken runs the serial twin instead, with the same bits.

    In a process forked after the parent's kernels started Numba's OpenMP threads (a
    ``multiprocessing`` worker, say), GNU OpenMP cannot run: Numba kills such a child at its
    first parallel call ("fork() called from a process already using GNU OpenMP"), and a pool
    waits for it forever. There every kernel runs its serial twin (:func:`_after_fork`): the same
    bits, one thread per process."""
    if n_rows <= SERIAL_ROWS or _FORKED_FROM_OPENMP:
        return kernel.in_one_thread
    return functools.partial(_one_caller_at_a_time, kernel) if _workqueue_layer() else kernel


#: Non-empty in a process forked from one whose kernels had started Numba's OpenMP threads.
_FORKED_FROM_OPENMP = []


def _after_fork():
    """Run in the child of every ``fork``: mark it when the parent's parallel kernels run on the
    OpenMP layer (Numba knows its layer only once one has run), so :func:`for_rows` gives it
    serial twins. The Intel runtime would survive a fork, but the layer's name does not tell
    the two runtimes apart: a child of either runs on one thread."""
    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel has run in the parent: the child may start the threads itself
        return
    if layer == "omp":
        _FORKED_FROM_OPENMP.append(True)


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork)

_PARALLEL_CALL = threading.Lock()
_LAYER = []  # the threading layer, once Numba has chosen it (at the first parallel call)


def _workqueue_layer():
    """Whether parallel kernels run on Numba's workqueue layer; True until the layer is known."""
    if not _LAYER:
        try:
            _LAYER.append(numba.threading_layer())
        except ValueError:  # no parallel kernel has run yet: the first may bring up workqueue
            return True
    return _LAYER[0] == "workqueue"


def _one_caller_at_a_time(kernel, *args):
    """``kernel(*args)`` if no other thread is in a parallel kernel, else its serial twin."""
    if _PARALLEL_CALL.acquire(blocking=False):
        try:
            return kernel(*args)
        finally:
            _PARALLEL_CALL.release()
    return kernel.in_one_thread(*args)


@intrinsic
def _prefetch(typingctx, array, i, j):
    """``prefetch(X, i, j)`` in a kernel: ask the processor to start bringing the
    cache line that holds ``X[i, j]`` (a 2-d array) into its caches.

    It is LLVM's ``llvm.prefetch`` (read, keep in all levels): a hint that
    loads nothing into a register and writes nothing, so no value computed
    after it can differ; only the time of later loads changes. Like every
    kernel, it does not check its indices: they must be in range.
    """
    if not (isinstance(array, types.Array) and array.ndim == 2
            and isinstance(i, types.Integer) and isinstance(j, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        ary = context.make_array(array_type)(context, builder, args[0])
        indices = [context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], signature.args[1:])]
        address = cgutils.get_item_pointer(context, builder, array_type, ary, indices, wraparound=False)
        byte_pointer, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        llvm_prefetch = builder.module.declare_intrinsic(
            "llvm.prefetch", [byte_pointer], fnty=ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]))
        read, keep_in_all_levels, data_cache = ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)
        builder.call(llvm_prefetch, [builder.bitcast(address, byte_pointer), read, keep_in_all_levels, data_cache])
        return context.get_dummy_value()

    return types.void(array, i, j), codegen


@intrinsic
def _float_bits(typingctx, x):
    """``float_bits(x)`` in a kernel: the bit pattern of the float ``x`` as a signed integer
    of the same width (float32 -> int32, float64 -> int64), like ``view`` on an array but on a
    scalar, so a loop that orders floats by their bits (non-negative floats order like their
    bit patterns) keeps them in registers. A reinterpretation: no value is rounded."""
    if not isinstance(x, types.Float):
        return None
    width = x.bitwidth
    integer = types.int32 if width == 32 else types.int64

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(width))

    return integer(x), codegen


@intrinsic
def _bits_float(typingctx, n, like):
    """``bits_float(n, like)`` in a kernel: the float of the type of ``like`` (float32 or float64)
    whose bit pattern is the low bits of the integer ``n`` (the inverse of :func:`float_bits`;
    ``like``'s value is not used). A reinterpretation: no value is rounded."""
    if not isinstance(n, types.Integer) or not isinstance(like, types.Float):
        return None
    width = like.bitwidth

    def codegen(context, builder, signature, args):
        bits = args[0]
        if n.bitwidth > width:
            bits = builder.trunc(bits, ir.IntType(width))
        elif n.bitwidth < width:
            bits = builder.zext(bits, ir.IntType(width))
        return builder.bitcast(bits, context.get_value_type(like))

    return like(n, like), codegen


def n_chunks(n_rows):
    """Number of :data:`CHUNK_SIZE` chunks covering ``n_rows`` rows."""
    return (n_rows + CHUNK_SIZE - 1) // CHUNK_SIZE


#: Bytes of chunk partials a parallel reduction holds at once (:func:`held_chunks`), beyond the
#: few chunks per thread it always holds.
PARTIALS_BYTES = 64 * 2**20


def held_chunks(n_chunk, bytes_per_chunk):
    """How many chunk partials a reduction over ``n_chunk`` chunks holds at once: all of them
    when they fit in :data:`PARTIALS_BYTES`, else that many (and at least four per thread).
    The reduction computes that many chunks in parallel, adds their partials to the totals in
    chunk order, and moves on to the next ones: the additions are those of holding every chunk
    (each total adds the chunks' partials in index order), so the bits depend on neither this
    number nor the threads; only the memory does (until 2026-12-06 k-means held one (k, d) partial
    per chunk: 780 MB for n = 1e6, k = 1000, d = 100)."""
    held = max(4 * numba.get_num_threads(), PARTIALS_BYTES // max(int(bytes_per_chunk), 1))
    return max(1, min(int(n_chunk), held))


#: Products of fewer multiply-adds than this (rows times ``width``) are never split across BLAS
#: threads (OpenBLAS threads a matrix product from 4 * 65536 multiply-adds): no limit is needed.
SMALL_PRODUCT = 2**16


def one_blas_thread(n_samples, width=0):
    """Context in which BLAS runs single-threaded, for loops whose kernels make small
    matrix products inside their own threads (one per chunk: the k-means filter,
    KM-9, and the EM scatter matrices): each must not start a BLAS thread pool, and
    a product made by one thread is then the same bits whichever thread makes it.

    Also with a single chunk, whenever a product may be large enough for BLAS to split it
    across its threads (``n_samples * width`` multiply-adds, ``width`` the product's other
    dimensions, e.g. d² for EM's scatter matrices, at least :data:`SMALL_PRODUCT`): a split
    product may round otherwise (EM with 40 features on 900 points, full covariances, gave other
    parameters with 1 and with 2 OpenBLAS threads until 2026-12-04). Below that, no limit is set
    (setting one costs about 0.02 ms, a tenth of a whole k-means fit on iris)."""
    if n_samples <= CHUNK_SIZE and n_samples * width < SMALL_PRODUCT:
        return contextlib.nullcontext()
    return _blas_controller().limit(limits=1, user_api="blas")


@functools.cache
def _blas_controller():
    """The thread pools of the loaded libraries, found once: finding them takes ~2 ms (a scan
    of the process's shared libraries), setting a limit through them ~0.02 ms. The BLAS our
    kernels call (Numba's ``np.dot`` goes through SciPy's ``cython_blas``) is loaded first,
    so that the scan sees it (SciPy comes with scikit-learn, and Numba needs it for ``np.dot``)."""
    importlib.import_module("scipy.linalg.cython_blas")  # loads SciPy's BLAS before the scan

    return ThreadpoolController()


#: File beside the package's Numba cache files holding the digest of the sources they came from.
SOURCES_DIGEST = "kernel-sources.sha256"

_DEFINES_COMPILED_CODE = (b"@kernel", b"@parallel_kernel", b"@inline_kernel", b"@intrinsic")


def drop_stale_caches(package_dir, cache=None):
    """Remove the Numba cache files of ``package_dir``'s modules from ``cache`` (default: the
    package's ``__pycache__``, where Numba caches when it can write there) when the source of
    any of its modules that define compiled code has changed since they were written. Returns
    whether they were removed.

    Numba keys a cached kernel on a hash of its own module's source only, not on the modules
    of the kernels it calls (numba/numba#8396 and #9563 proposed more; neither was merged).
    After an edit of ``_kmeans_filter.py`` alone (or an upgrade that changes only that file;
    pip leaves cache files in place), the cached ``assign`` of ``_kmeans_kernels.py`` would
    go on running the old filter. So a digest of every module that defines compiled code
    is kept beside the cache files; when it differs, the files of the package's modules
    (``<module>.*.nbi``, ``*.nbc``) are all removed, and each kernel is compiled anew on first
    use. A directory that cannot be written is left alone."""
    package_dir = pathlib.Path(package_dir)
    cache = package_dir / "__pycache__" if cache is None else pathlib.Path(cache)
    hasher = hashlib.sha256()
    modules = sorted(package_dir.glob("*.py"))
    for module in modules:
        source = module.read_bytes()
        if any(tag in source for tag in _DEFINES_COMPILED_CODE):
            hasher.update(module.name.encode() + b"\0" + source + b"\0")
    digest = hasher.hexdigest()
    stamp = cache / SOURCES_DIGEST
    try:
        if stamp.read_text() == digest:
            return False
    except OSError:
        pass
    try:
        for module in modules:
            for path in sorted(cache.glob(f"{module.stem}.*.nbi")) + sorted(cache.glob(f"{module.stem}.*.nbc")):
                path.unlink()
        cache.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)
    except OSError:
        return False
    return True


def _cache_probe():
    """Nothing: compiled never; its dispatcher says where Numba caches this package's kernels."""


def numba_cache_directory():
    """The directory Numba caches the kernels of this package in, as Numba chooses it for a
    function of this module (every module of the package gets the same): ``NUMBA_CACHE_DIR``'s
    subdirectory for the package when that is set, else the package's ``__pycache__`` when it
    can be written, else Numba's user-wide cache directory. None where Numba has none (JIT
    disabled)."""
    try:
        return pathlib.Path(numba.njit(cache=True)(_cache_probe)._cache._cache_path)
    except (AttributeError, RuntimeError):  # NUMBA_DISABLE_JIT=1: a plain function, no cache
        return None


_CACHE = numba_cache_directory()
if _CACHE is not None:
    drop_stale_caches(pathlib.Path(__file__).parent, _CACHE)


def _prefetch_in_python(array, i, j):
    """A cache hint: nothing in Python (``NUMBA_DISABLE_JIT=1``)."""


def _float_bits_in_python(x):
    """:func:`float_bits` in Python (``NUMBA_DISABLE_JIT=1``): a NumPy view of the scalar."""
    x = np.asarray(x)
    return x.view(np.int32 if x.dtype == np.float32 else np.int64)[()]


def _bits_float_in_python(n, like):
    """:func:`bits_float` in Python (``NUMBA_DISABLE_JIT=1``)."""
    # the low bits of n, an integer narrower than the float read as unsigned (the intrinsic
    # zero-extends it: int32 -1 gives float64 bits 0x00000000ffffffff); a Python int is an int64
    dtype = np.asarray(like).dtype
    unsigned = np.uint32 if dtype == np.float32 else np.uint64
    width = min(8 * n.dtype.itemsize if isinstance(n, np.integer) else 64, 8 * dtype.itemsize)
    return np.asarray(int(n) & ((1 << width) - 1), dtype=unsigned).view(dtype)[()]


if numba.config.DISABLE_JIT:
    # NUMBA_DISABLE_JIT=1 (Numba's switch for stepping through kernels in a debugger): every kernel
    # runs as the Python it is written in, and these three stand in for the intrinsics, which
    # Numba cannot run as Python. float64 fits are bit for bit the compiled ones (full and tied mixtures
    # where NumPy's BLAS rounds their scatter product as SciPy's does), and so are float32
    # k-means and perceptron fits: the kernels' float64 accumulators start at np.float64(0.0), as
    # a Python 0.0 plus a float32 term is a float32 in NumPy (NEP 50) where Numba types the sum
    # float64; a float32 mixture's rounding bounds may differ in last bits (NumPy's float32
    # logarithm rounds otherwise than the compiled one; a float32 value and a Python float literal
    # make a float32 in NumPy, a float64 in Numba). The partition fingerprint's arithmetic
    # wraps around 2**64 on purpose (KM-4), which NumPy's scalars report as overflow.
    warnings.filterwarnings("ignore", r"overflow encountered in scalar (multiply|add)", RuntimeWarning,
                            r"classic\._kmeans_kernels")

    prefetch, float_bits, bits_float = _prefetch_in_python, _float_bits_in_python, _bits_float_in_python
else:
    prefetch, float_bits, bits_float = _prefetch, _float_bits, _bits_float
