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


def _compile_warnings(source, name):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile(source, name, "exec")
    return [f"{name}: {w.category.__name__}: {w.message}" for w in caught]


def test_every_file_compiles_without_warnings():
    """No invalid escape sequence (e.g. a docstring's \\| in a non-raw string: a SyntaxWarning
    from Python 3.12, an error in a later Python) or other compile-time warning in any file we run."""
    found = [message for folder in ("classic", "tests", "benchmarks", "examples")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for message in _compile_warnings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "\n".join(found)


def test_compile_warning_check_can_fail():
    """The check above sees an invalid escape sequence (it is not vacuous)."""
    assert _compile_warnings('"""norm \\|w\\|"""\n', "module.py")
