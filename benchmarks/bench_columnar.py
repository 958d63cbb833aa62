"""The columnar back ends over a Parquet file: every rule's status for N records.

Run: ``python -m pytest benchmarks/bench_columnar.py --benchmark-enable``. Size with
``HAZARDRULES_BENCH_ROWS`` (default 1,000,000). Two rulesets: the 21-rule coal subset (scalar
thresholds) and the whole coal-mine 2026 edition (198 rules, 14 lists of units).
"""

import os

import pytest
from peers import common

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
N = int(os.environ.get("HAZARDRULES_BENCH_ROWS", "1000000"))


def _rulesets():
    from hazardrules import Engine

    return {"subset21": common.subset_ruleset(),
            "coal2026": Engine(common.ROOT / "rulesets").ruleset("coal-mine", edition="2026")}


@pytest.fixture(scope="module", params=["subset21", "coal2026"])
def parquet(request, tmp_path_factory):
    from hazardrules.columnar.polars_ruleset import PolarsRuleset
    from hazardrules.columnar.schema import facts_columns

    rs = _rulesets()[request.param]
    pr = PolarsRuleset(rs)
    frame = pl.DataFrame(facts_columns(rs.fields, common.records(10_000, seed=11)), schema=pr.schema)
    frame = pl.concat([frame] * max(1, N // frame.height), rechunk=True)
    path = tmp_path_factory.mktemp("columnar") / f"{request.param}.parquet"
    frame.write_parquet(path)
    return rs, pr, path


@pytest.mark.benchmark(group="columnar-parquet", min_rounds=2)
def test_polars(benchmark, parquet):
    rs, pr, path = parquet
    out = benchmark(lambda: pr.statuses(pl.scan_parquet(path)))
    assert out.width == len(rs.rules)


@pytest.mark.benchmark(group="columnar-parquet", min_rounds=1)
def test_duckdb(benchmark, parquet):
    from hazardrules.columnar.sql import ruleset_sql

    rs, pr, path = parquet
    con = duckdb.connect()
    sql = ruleset_sql(rs, table=f"read_parquet('{path}')")
    out = benchmark.pedantic(lambda: _table(con.sql(sql)), rounds=2, iterations=1)
    assert out.num_columns == len(rs.rules)


def _table(relation):
    """The whole result as an Arrow table (newer DuckDB returns a lazy reader from ``arrow()``)."""
    out = relation.arrow()
    return out.read_all() if hasattr(out, "read_all") else out
