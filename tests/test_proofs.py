"""Every proof step names a witness that exists and a test that exists.

A proof step no test checks is a defect; so is a certificate claim with no
proof step (checked per algorithm, e.g. ``test_kmeans.py::test_claim_ids_are_proof_steps``).
"""

import ast
import dataclasses
import functools

import pytest

import classic
from proof_steps import ROOT, proof_steps

STEPS = proof_steps()


@functools.cache
def _test_names(path):
    tree = ast.parse((ROOT / path).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            names.add(node.name)
    return names


def _resolve(dotted):
    obj = classic
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if hasattr(obj, part):
            obj = getattr(obj, part)
        elif dataclasses.is_dataclass(obj) and part in {f.name for f in dataclasses.fields(obj)}:
            return i == len(parts) - 1
        else:
            return False
    return True


def test_there_are_proof_steps():
    assert len(STEPS) > 0


@pytest.mark.parametrize("step_id", sorted(STEPS))
def test_step_has_a_witness_that_exists(step_id):
    step = STEPS[step_id]
    assert step.witnesses, f"{step.file} {step_id} names no witness"
    for witness in step.witnesses:
        assert _resolve(witness), f"{step.file} {step_id}: witness `{witness}` is not a name in classic"


@pytest.mark.parametrize("step_id", sorted(STEPS))
def test_step_has_a_test_that_exists(step_id):
    step = STEPS[step_id]
    assert step.tests, f"{step.file} {step_id} names no test"
    for test in step.tests:
        path, _, name = test.partition("::")
        assert (ROOT / path).is_file(), f"{step.file} {step_id}: no test file {path}"
        assert name in _test_names(path), f"{step.file} {step_id}: no test {name} in {path}"
