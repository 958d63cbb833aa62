"""The benchmarks' rule subset (benchmarks/peers/common.py) must stay a valid ruleset.

CI's speed guard runs after pytest and builds this subset; a shipped-ruleset change that the subset cannot follow
(the item inventory, issue 14) once failed CI only there. Checked here so it fails with the tests.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_subset_compiles_with_exactly_its_rules():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from peers import common
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    rs = common.subset_ruleset()
    assert sorted(r.id for r in rs.rules) == sorted(common.RULE_IDS)
    records = common.records(20)
    assert len(records) == 20 and all(records)
