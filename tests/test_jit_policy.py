"""One Numba decorator policy: only classic/_jit.py calls numba's jit, and
nothing asks for fastmath."""

import pathlib
import re

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "classic"
FORBIDDEN = re.compile(r"\b(njit|numba\.jit|fastmath\s*=)")


def test_only_the_policy_module_compiles():
    offenders = [
        p.name
        for p in PACKAGE.rglob("*.py")
        if p.name != "_jit.py" and FORBIDDEN.search(p.read_text())
    ]
    assert offenders == []


def test_policy_has_no_fastmath():
    source = (PACKAGE / "_jit.py").read_text()
    assert "fastmath=True" not in source
    assert '"cache": True' in source
