"""Speed benchmarks: ``python -m benchmarks`` (or ``make bench``) runs them all.

Each algorithm adds a module here with a ``main(argv)`` taking command-line
arguments (called with none: every section at its defaults) or a ``run()``
function, and registers it in :data:`BENCHMARKS`. Benchmarks compare with scikit-learn in the same run, on the
same data, and print ratios; timings never go into the tests.
"""

import importlib
import time

import numba

#: Seconds to wait before timing one library's call(s) after the other's. After a parallel call
#: each library's worker threads keep spinning for a while (OpenBLAS's, under scikit-learn's
#: products, about 2**28 cycles, 0.1 s, by default; libgomp's briefly): timed right after the
#: other library, a call shares the two cores with them. Measured on the perceptron's binary
#: decision_function on 200 000 x 50 (eighth session): ours alone 1.6 ms, in a row after
#: scikit-learn's 1.5-4.8 ms over three runs of the benchmark. Neither library's own cost.
#: The EM and perceptron benchmarks pause once before each library's calls in a row. The k-means
#: benchmark takes single calls in turn and does not pause: a pause before every call times a
#: cold start instead (threads asleep, caches cold): iris fits went from 0.21 to 0.73 ms (ours)
#: and 0.53 to 1.69 ms (scikit-learn's), predict of one row from 0.03 to 0.36 ms.
QUIET = 0.3

#: Seconds between two calls taken in turn (the k-means benchmark): long enough for libgomp's
#: workers under scikit-learn's k-means to stop spinning, too short for either library's
#: threads to fall asleep. Measured (tenth session) on float32 predict, 200 000 x 16, k = 8: ours
#: alone 1.8-1.9 ms; right after scikit-learn's predict median 4.3 ms, after a pause of 1 ms
#: 3.3, 2 ms 2.4, 5 ms and more 2.0 (the benchmark had it at 0.63-1.22x in turn, 1.2-1.3x alone).
SWITCH = 0.01


def quiet():
    """Let the other library's spinning threads go to sleep before a timing (:data:`QUIET`)."""
    time.sleep(QUIET)


def one_and_two_threads(run):
    """``(run(), run())`` with 1 and then 2 Numba threads, the count restored after; None when
    this machine's Numba allows only one (NUMBA_NUM_THREADS): the benchmark then says it could
    not compare, where it compared one thread with itself (GMM) or raised numba's ValueError
    (k-means) until 2026-12-05."""
    if numba.config.NUMBA_NUM_THREADS < 2:
        return None
    previous = numba.get_num_threads()
    try:
        runs = []
        for threads in (1, 2):
            numba.set_num_threads(threads)
            runs.append(run())
        return tuple(runs)
    finally:
        numba.set_num_threads(previous)


#: Benchmark modules, run in this order by ``python -m benchmarks``.
BENCHMARKS = ["benchmarks.kmeans", "benchmarks.gmm", "benchmarks.perceptron", "benchmarks.certificates"]


def run_all(names=None):
    for name in names or BENCHMARKS:
        module = importlib.import_module(name)
        print(f"== {name}")
        if hasattr(module, "main"):
            module.main([])
        else:
            module.run()
