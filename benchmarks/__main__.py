"""``python -m benchmarks [module ...]``: run every registered benchmark (or the named ones)."""

import sys

from benchmarks import run_all

run_all(sys.argv[1:] or None)
