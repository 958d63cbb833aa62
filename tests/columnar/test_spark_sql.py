"""The generated Spark SQL runs on Spark (local mode) and agrees with the Python back end.

GIVEN seeded records (missing facts, thresholds, lists of units) for rulesets that use lists with
record-level reads (coal-mine 2020, metal-underground 2024: ``lookup`` too) and counting rules
(fire 2017), written to Parquet WHEN Spark runs ``ruleset_sql(rs, dialect="spark")`` over them
THEN every rule's status equals the Python back end's. Marked ``spark`` (deselect with
``-m 'not spark'``); skipped only when pyspark or a Java runtime is not installed.
"""

from __future__ import annotations

import random
import shutil

import pytest

pyspark = pytest.importorskip("pyspark")
pl = pytest.importorskip("polars")
if shutil.which("java") is None:  # pragma: no cover - Java is part of the supported setup
    pytest.skip("pyspark needs a Java runtime (17+)", allow_module_level=True)

from fastgen import facts as random_facts  # noqa: E402
from strategies import thresholds  # noqa: E402

from hazardrules.columnar.polars_ruleset import PolarsRuleset  # noqa: E402
from hazardrules.columnar.schema import facts_columns  # noqa: E402
from hazardrules.columnar.sql import ruleset_sql  # noqa: E402
from hazardrules.records import normalize_facts  # noqa: E402

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("hazardrules-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
               .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("ruleset_id,edition", [("coal-mine", "2020"), ("metal-underground", "2024"), ("fire", "2017")])
def test_spark_sql_agrees_with_python(spark, shipped_engine, tmp_path, ruleset_id, edition):
    rs = shipped_engine.ruleset(ruleset_id, edition=edition)
    rng = random.Random(17)
    nums = thresholds(rs)
    facts_list = [normalize_facts(random_facts(rng, rs.fields, nums), rs.fields, "") for _ in range(150)]
    pr = PolarsRuleset(rs)
    frame = pl.DataFrame(facts_columns(rs.fields, facts_list), schema=pr.schema).with_row_index("row_n")
    path = tmp_path / "facts.parquet"
    frame.write_parquet(path)
    spark.read.parquet(str(path)).createOrReplaceTempView("facts")
    sql = ruleset_sql(rs, table="facts", dialect="spark", extra=("row_n",))
    rows = sorted(spark.sql(sql).collect(), key=lambda r: r[0])
    assert len(rows) == len(facts_list)
    for row, facts in zip(rows, facts_list):
        want = tuple(rs.evaluate_facts(facts))
        got = tuple(row[1:])
        assert got == want, [(r.id, w, g) for r, w, g in zip(rs.rules, want, got) if w != g][:5]
