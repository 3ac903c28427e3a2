"""Static checks of everything the project runs: no unused import, undefined name, shadowed
import or unused local variable (pyflakes, which reports errors of this kind only, never style)
in the package, the tests, the benchmarks and the examples."""

import io
import os
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


def test_fixed_example_counts_grow_with_the_profile():
    """A test's own ``@settings(max_examples=n)`` overrides the Hypothesis profile's count: under
    ``thorough`` (make test-thorough) 37 tests ran their CI count only. Every such count goes
    through tests/budget.py's ``examples(n)``: n under ``ci``, 25 n under ``thorough``."""
    import re
    import subprocess
    import sys

    fixed = [f"{path.name}:{number}" for path in sorted((ROOT / "tests").glob("test_*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if re.match(r"\s*@settings\(.*max_examples=(?!examples\()", line)]
    assert not fixed, f"write max_examples=examples(n) (tests/budget.py): {fixed}"
    probe = ("from budget import examples\nimport test_gmm\n"
             "print(examples(15), test_gmm.test_em1_e_step_tight._hypothesis_internal_use_settings"
             ".max_examples)")
    counts = {}
    for profile in ("ci", "thorough"):
        run = subprocess.run([sys.executable, "-c", "import conftest\n" + probe], cwd=ROOT / "tests", text=True,
                             capture_output=True, env={**os.environ, "HYPOTHESIS_PROFILE": profile})
        assert run.returncode == 0, run.stderr
        counts[profile] = run.stdout.split()
    assert counts == {"ci": ["15", "15"], "thorough": ["375", "375"]}
