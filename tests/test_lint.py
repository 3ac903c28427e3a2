"""Static checks of everything the project runs: no unused import, undefined name, shadowed
import or unused local variable (pyflakes, which reports errors of this kind only, never style)
in the package, the tests, the benchmarks and the examples."""

import io
import pathlib

from pyflakes.api import checkRecursive
from pyflakes.reporter import Reporter

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_pyflakes_finds_nothing():
    out, err = io.StringIO(), io.StringIO()
    paths = [str(ROOT / folder) for folder in ("classic", "tests", "benchmarks", "examples")]
    n_messages = checkRecursive(paths, Reporter(out, err))
    assert n_messages == 0 and not err.getvalue(), out.getvalue() + err.getvalue()


def test_pyflakes_check_can_fail(tmp_path):
    """The check above sees an unused import and an undefined name (it is not vacuous)."""
    module = tmp_path / "module.py"
    module.write_text("import os\n\n\ndef f():\n    return undefined_name\n")
    out = io.StringIO()
    assert checkRecursive([str(tmp_path)], Reporter(out, io.StringIO())) == 2
    assert "'os' imported but unused" in out.getvalue() and "undefined name 'undefined_name'" in out.getvalue()
