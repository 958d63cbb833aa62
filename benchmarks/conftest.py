"""Shared data for the benchmarks: the shipped coal-mine records and the hand-written-style reference."""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


def coal_records():
    from hazardrules.inputs import read_records

    out = []
    for p in sorted((ROOT / "fixtures" / "coal-mine").glob("*.yaml")):
        if p.name.endswith(".expected.yaml"):
            continue
        for _, record in read_records(p):
            if str(record.get("inspection_date", "")) >= "2026-07-01":
                out.append(record)
    return out


@pytest.fixture(scope="session")
def engine():
    from hazardrules import Engine

    return Engine(ROOT / "rulesets")


@pytest.fixture(scope="session")
def coal(engine):
    """(compiled 2026 coal ruleset, raw records, validated facts, reference evaluate function)."""
    from make_reference import write

    rs = engine.ruleset("coal-mine", edition="2026")
    records = coal_records()
    facts = [engine.prepare(r)[1] for r in records]
    namespace: dict = {}
    exec(compile(write(rs), "reference_coal.py", "exec"), namespace)
    reference = namespace["evaluate"]
    for f in facts:  # the reference must compute the same outcomes, or the comparison means nothing
        assert reference(f) == rs.evaluate_facts(f)
    return rs, records, facts, reference
