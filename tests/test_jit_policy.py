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


def test_float_bits_is_the_bit_pattern():
    """``_jit.float_bits`` in a kernel gives the same integers as ``ndarray.view`` (the KM-9 keys
    rely on it), for float32 and float64, zero, subnormals, the largest float and infinity."""
    import numpy as np

    from classic._jit import float_bits, kernel

    @kernel
    def bits_of(values, out):
        for i in range(values.shape[0]):
            out[i] = float_bits(values[i])

    for dtype, integer in ((np.float32, np.int32), (np.float64, np.int64)):
        info = np.finfo(dtype)
        values = np.array([0.0, info.smallest_subnormal, info.tiny, 1.0, 1.5, info.max, np.inf, -2.0], dtype=dtype)
        out = np.zeros(len(values), dtype=integer)
        bits_of(values, out)
        np.testing.assert_array_equal(out, values.view(integer))
