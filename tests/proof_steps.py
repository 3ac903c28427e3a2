"""Reading proof steps out of ``proofs/*.md``.

A step is a heading ``## ID. Title`` (or ``###``), where ID is letters, a dash
and a number (``KM-2``, ``EM-3a``), followed somewhere in its section by the
lines ``- witness: `Name.field` ...`` and ``- test: `tests/file.py::test_name` ...``.
"""

import dataclasses
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROOFS = ROOT / "proofs"

_HEADING = re.compile(r"^#{2,3}\s+([A-Z]{1,6}-\d+[a-z]?)[.:]?\s+(.*)$")
_FIELD = re.compile(r"^-\s+(witness|test):\s*(.*)$", re.IGNORECASE)
_TICKED = re.compile(r"`([^`]+)`")


@dataclasses.dataclass
class Step:
    id: str
    title: str
    file: str
    witnesses: list
    tests: list


def proof_steps(name=None):
    """All steps of ``proofs/<name>.md`` (or of every proof), keyed by id."""
    files = [PROOFS / f"{name}.md"] if name else sorted(PROOFS.glob("*.md"))
    steps = {}
    for path in files:
        current = None
        for line in path.read_text().splitlines():
            heading = _HEADING.match(line)
            if heading:
                step_id = heading.group(1)
                if step_id in steps:
                    raise AssertionError(f"step id {step_id} appears twice ({path.name})")
                current = steps[step_id] = Step(step_id, heading.group(2), path.name, [], [])
                continue
            if line.startswith("#"):
                current = None
                continue
            field = _FIELD.match(line.strip())
            if field and current is not None:
                target = current.witnesses if field.group(1).lower() == "witness" else current.tests
                target.extend(_TICKED.findall(field.group(2)))
    return steps
