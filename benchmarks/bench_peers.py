"""The same 21 coal-mine rules in hazardrules and in peer engines, on the same complete records.

Run: ``python -m pytest benchmarks/bench_peers.py --benchmark-enable``; ``python benchmarks/report.py``
prints the same comparison as one table of ratios to the hand-written Python.
"""

import pytest
from peers import common, durable_peer, handwritten, rule_engine_peer, zen_peer

PEERS = {"handwritten": handwritten.judge, "rule_engine": rule_engine_peer.judge, "zen": zen_peer.judge,
         "durable_rules": durable_peer.judge}


@pytest.fixture(scope="module")
def records():
    recs = common.records(500)
    common.check_all_agree(PEERS, recs)  # no engine is timed unless it gives hazardrules' outcomes
    return recs


def _loop(fn, items):
    for item in items:
        fn(item)


@pytest.mark.benchmark(group="peers-per-record")
@pytest.mark.parametrize("name", list(PEERS))
def test_peer(benchmark, records, name):
    benchmark(_loop, PEERS[name], records)


@pytest.mark.benchmark(group="peers-per-record")
def test_hazardrules_generated_function(benchmark, records):
    benchmark(_loop, common.subset_ruleset().evaluate_facts, records)


@pytest.mark.benchmark(group="peers-per-record")
def test_hazardrules_engine_evaluate(benchmark, records):
    from hazardrules import Engine

    engine = Engine(common.subset_dir())
    envelopes = [{"ruleset": "coal-mine", "inspection_date": "2026-08-14", "facts": f} for f in records]
    benchmark(_loop, engine.evaluate, envelopes)
