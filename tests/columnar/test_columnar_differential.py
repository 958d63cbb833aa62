"""Differential tests: the Polars and DuckDB back ends agree with the Python back end on every rule's
outcome (fired / passed / undetermined / not applicable), for every shipped ruleset edition.

GIVEN records generated from each edition's declared fields (hypothesis, and a seeded bulk set),
with missing facts, values exactly at / just over / just under the thresholds and lists of units,
WHEN the columnar back ends judge them as one frame,
THEN every status equals the one the generated Python function gives for the same record.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

from fastgen import facts as random_facts  # noqa: E402
from strategies import facts_strategy, thresholds  # noqa: E402

from hazardrules.columnar.polars_ruleset import PolarsRuleset  # noqa: E402
from hazardrules.columnar.schema import facts_columns  # noqa: E402
from hazardrules.compile import STATUS_NAMES  # noqa: E402
from hazardrules.records import normalize_facts  # noqa: E402


def _editions():
    from pathlib import Path

    from hazardrules import Engine

    engine = Engine(Path(__file__).resolve().parents[2] / "rulesets")
    return engine.all_editions()


EDITIONS = _editions()
IDS = [f"{rs.id}@{rs.edition}" for rs in EDITIONS]
_POLARS: dict = {}


def polars_for(rs) -> PolarsRuleset:
    key = (rs.id, rs.edition)
    if key not in _POLARS:
        _POLARS[key] = PolarsRuleset(rs)
    return _POLARS[key]


def frame(rs, facts_list):
    pr = polars_for(rs)
    return pl.DataFrame(facts_columns(rs.fields, facts_list), schema=pr.schema)


def python_statuses(rs, facts_list):
    return [tuple(rs.evaluate_facts(f)) for f in facts_list]


def assert_same(rs, facts_list, got, backend):
    expected = python_statuses(rs, facts_list)
    for n, (want, have, facts) in enumerate(zip(expected, got, facts_list)):
        if tuple(want) != tuple(have):
            diffs = [(r.id, STATUS_NAMES[want[i]], STATUS_NAMES[have[i]]) for i, r in enumerate(rs.rules) if want[i] != have[i]]
            raise AssertionError(f"{backend} differs from Python on record {n} {facts}: {diffs[:5]}")


def duckdb_statuses(rs, df):
    duckdb = pytest.importorskip("duckdb")
    from hazardrules.columnar.sql import ruleset_sql

    con = duckdb.connect()
    con.register("facts", polars_for(rs).conform(df).to_arrow())
    return con.sql(ruleset_sql(rs)).fetchall()


def bulk(rs, n: int, seed: int):
    rng = random.Random(seed)
    nums = thresholds(rs)
    return [normalize_facts(random_facts(rng, rs.fields, nums), rs.fields, "") for _ in range(n)]


@pytest.mark.parametrize("rs", EDITIONS, ids=IDS)
def test_polars_and_duckdb_agree_with_python_on_bulk_records(rs):
    """GIVEN 300 seeded records clustered at the thresholds THEN Polars and DuckDB equal Python."""
    facts_list = bulk(rs, 300, seed=7)
    df = frame(rs, facts_list)
    assert_same(rs, facts_list, polars_for(rs).statuses(df).rows(), "polars")
    assert_same(rs, facts_list, duckdb_statuses(rs, df), "duckdb")


@pytest.mark.parametrize("rs", EDITIONS, ids=IDS)
def test_polars_agrees_with_python_on_hypothesis_records(rs):
    """GIVEN hypothesis records (shrunk to a minimal disagreement if any) THEN Polars equals Python."""
    strategy = st.lists(facts_strategy(rs.fields, thresholds(rs)), min_size=1, max_size=6)

    @settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(raw):
        facts_list = [normalize_facts(f, rs.fields, "") for f in raw]
        df = frame(rs, facts_list)
        assert_same(rs, facts_list, polars_for(rs).statuses(df).rows(), "polars")
        assert_same(rs, facts_list, duckdb_statuses(rs, df), "duckdb")

    check()


def test_every_shipped_rule_compiles_to_polars_and_sql():
    """GIVEN the shipped rulesets THEN no rule needs the per-row Python fallback (today)."""
    from hazardrules.columnar.sql import ruleset_sql

    fallback = {f"{rs.id}@{rs.edition}": polars_for(rs).fallback for rs in EDITIONS if polars_for(rs).fallback}
    assert fallback == {}
    for rs in EDITIONS:
        assert ruleset_sql(rs).count(" AS ") >= len(rs.rules)


def test_computed_comparisons_are_rounding_tolerant_in_every_back_end():
    """Regression (found by hypothesis): GIVEN a fact within binary rounding of a computed threshold
    (``max_monthly_output_t > approved_capacity_t / 10`` with 1e-170 vs 0, and 0.6000000000000001
    vs 6 / 10) THEN Polars and DuckDB decide it as the Python back end does (equal, so not over)."""
    rs = next(r for r in EDITIONS if (r.id, r.edition) == ("coal-mine", "2020"))
    facts_list = [normalize_facts(f, rs.fields, "") for f in (
        {"approved_capacity_t": 0.0, "max_monthly_output_t": 1.3259657540435865e-170},
        {"approved_capacity_t": 6.0, "max_monthly_output_t": 0.6000000000000001},
        {"approved_capacity_t": 6.0, "max_monthly_output_t": 0.61})]
    df = frame(rs, facts_list)
    assert_same(rs, facts_list, polars_for(rs).statuses(df).rows(), "polars")
    assert_same(rs, facts_list, duckdb_statuses(rs, df), "duckdb")
