"""Per-record speed of the engine on the coal-mine ruleset (应急管理部令第21号, 198 rules).

Run: ``python -m pytest benchmarks/bench_engine.py --benchmark-enable``. Compare the group
``coal-evaluate``: the generated function vs the hand-written-style reference over the same
validated facts, and the full ``Engine.evaluate`` (envelope, edition choice, validation, evaluation).
"""

import pytest


def _loop(fn, items):
    for item in items:
        fn(item)


@pytest.mark.benchmark(group="coal-evaluate")
def test_reference_if_statements(benchmark, coal):
    rs, records, facts, reference = coal
    benchmark(_loop, reference, facts)


@pytest.mark.benchmark(group="coal-evaluate")
def test_compiled_ruleset(benchmark, coal):
    rs, records, facts, reference = coal
    benchmark(_loop, rs.evaluate_facts, facts)


@pytest.mark.benchmark(group="coal-evaluate")
def test_engine_evaluate(benchmark, coal, engine):
    rs, records, facts, reference = coal
    benchmark(_loop, engine.evaluate, records)


@pytest.mark.benchmark(group="coal-render")
def test_determination_to_json(benchmark, coal, engine):
    rs, records, facts, reference = coal
    dets = [engine.evaluate(r) for r in records]
    benchmark(lambda: [type(d)(d.compiled, d.facts, d.statuses).to_json() for d in dets])
