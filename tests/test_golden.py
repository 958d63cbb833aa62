"""Golden forms: the syntax tree dump and the generated Python of a few conditions.

GIVEN the conditions in tests/golden/conditions.txt
WHEN parsed and compiled
THEN the tree dump and the generated source are exactly the checked-in text (a change to the compiler
shows up here as a readable diff; regenerate deliberately with HAZARDRULES_GOLDEN=update).
"""

import os
import re
from pathlib import Path

from hazardrules import compile_condition, load_yaml
from hazardrules.expr import parse
from hazardrules.expr.ast import dump
from hazardrules.spec import build_field_table

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "conditions.txt"


def _render(cases, fields) -> str:
    out = []
    for c in cases:
        cond = compile_condition(c, fields, "golden")
        out.append(f"=== {c}\n--- ast\n{dump(parse(c))}\n--- python\n{cond.source}")
    return "\n".join(out)


def test_golden_conditions():
    doc = load_yaml(HERE / "conformance" / "expr.yaml")
    fields = build_field_table(doc.data["fields"], doc, ("fields",))
    text = GOLDEN.read_text(encoding="utf-8")
    cases = re.findall(r"^=== (.*)$", text, flags=re.M)
    assert cases
    rendered = _render(cases, fields)
    if os.environ.get("HAZARDRULES_GOLDEN") == "update":
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == text
