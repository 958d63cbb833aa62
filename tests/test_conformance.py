"""Conformance corpus for the condition language, run through both back ends.

GIVEN each case of tests/conformance/expr.yaml
WHEN it is compiled to Python and also run by the reference interpreter
THEN both give the case's result, or the same error code.
"""

import os
from pathlib import Path

import pytest

from hazardrules import HazardRulesError, compile_condition, load_yaml
from hazardrules.compile import Table
from hazardrules.expr import interpret
from hazardrules.records import normalize_facts
from hazardrules.spec import build_field_table

HERE = Path(__file__).parent / "conformance" / "expr.yaml"
DOC = load_yaml(HERE)
FIELDS = build_field_table(DOC.data["fields"], DOC, ("fields",))
TABLES = {n: Table(n, t["label"], None, t["key"], t["values"]) for n, t in DOC.data["tables"].items()}
CASES = DOC.data["cases"]
ONLY = os.environ.get("HAZARDRULES_CASE")


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_case(case):
    if ONLY and ONLY not in case["expr"]:
        pytest.skip("filtered by HAZARDRULES_CASE")
    if "error" in case:
        with pytest.raises(HazardRulesError) as info:
            compile_condition(case["expr"], FIELDS, "case", tables=TABLES)
        assert info.value.code == case["error"]
        return
    cond = compile_condition(case["expr"], FIELDS, "case", tables=TABLES)
    facts = normalize_facts(case["facts"], FIELDS, "case")
    compiled = cond(facts)
    reference = interpret(cond.checked, facts, {n: t.values for n, t in TABLES.items()})
    assert compiled == case["result"], cond.source
    assert reference == case["result"]
    assert type(compiled) is type(case["result"])
