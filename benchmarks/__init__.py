"""Speed benchmarks: ``python -m benchmarks`` (or ``make bench``) runs them all.

Each algorithm adds a module here with a ``main(argv)`` taking command-line
arguments (called with none: every section at its defaults) or a ``run()``
function, and registers it in :data:`BENCHMARKS`. Benchmarks compare with scikit-learn in the same run, on the
same data, and print ratios; timings never go into the tests.
"""

import importlib

#: Benchmark modules, run in this order by ``python -m benchmarks``.
BENCHMARKS = ["benchmarks.kmeans", "benchmarks.gmm", "benchmarks.perceptron"]


def run_all(names=None):
    for name in names or BENCHMARKS:
        module = importlib.import_module(name)
        print(f"== {name}")
        if hasattr(module, "main"):
            module.main([])
        else:
            module.run()
