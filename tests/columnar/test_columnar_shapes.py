"""Issue 11 item 1: the columnar batch equals the Python batch, byte for byte, on every input shape
and on every shipped rule's own threshold examples — including the values a condition reads from
the record's envelope (``inspection_date``).

GIVEN one file per ruleset holding every example of every rule of every edition (just over, at,
just under each threshold, missing facts, not applicable; dated examples carry their date as the
record's inspection date), written as JSONL, CSV with flat columns, CSV with a ``facts`` JSON
column, Parquet with flat columns and Parquet with a ``facts`` struct,
WHEN ``batch`` judges it with ``--engine python`` and ``--engine columnar``,
THEN the outputs are byte-identical, and each example's rule has the status the example expects.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import orjson
import pytest

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from hazardrules import Engine  # noqa: E402
from hazardrules.batch import Options, run_batch  # noqa: E402
from hazardrules.columnar.batch import run_columnar  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ENGINE = Engine(ROOT / "rulesets")
RULESETS = ENGINE.ruleset_ids()
SHAPES = ("jsonl", "csv-flat", "csv-facts", "parquet-flat", "parquet-facts")


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def example_records(ruleset_id: str) -> list[tuple[dict, str, str]]:
    """``(record, rule id, expected status)`` for every example of every rule of every edition."""
    out = []
    for rs in ENGINE.editions(ruleset_id):
        for rule in rs.rules:
            for n, ex in enumerate(rule.examples):
                facts = {k: _plain(v) for k, v in ex.facts.items() if k != "inspection_date"}
                day = ex.date or rs.effective_from
                record = {"ruleset": rs.id, "edition": rs.edition, "record_id": f"{rule.id}#{n}",
                          "inspection_date": day.isoformat(), "facts": facts}
                out.append((record, rule.id, ex.expect))
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return orjson.dumps(value).decode()
    return str(value)


def write_shape(records: list[dict], shape: str, path: Path) -> Path:
    if shape == "jsonl":
        path = path.with_suffix(".jsonl")
        path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
        return path
    envelope = ("ruleset", "edition", "record_id", "inspection_date")
    if shape.endswith("-facts"):
        rows = [{k: r[k] for k in envelope} | {"facts": r["facts"]} for r in records]
    else:
        rows = [{k: r[k] for k in envelope} | r["facts"] for r in records]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    if shape.startswith("csv"):
        path = path.with_suffix(".csv")
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c)) for c in columns])
        return path
    path = path.with_suffix(".parquet")
    if shape == "parquet-facts":
        # a struct of every fact name; values of one fact keep one type across rows
        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        pq.write_table(pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows]), path)
    return path


def run_both(src: Path, tmp_path: Path) -> tuple[bytes, bytes]:
    py, col = tmp_path / "py.jsonl", tmp_path / "col.jsonl"
    run_batch([str(src)], str(py), options=Options(rules_dir=str(ROOT / "rulesets")))
    run_columnar([str(src)], str(col), options=Options(rules_dir=str(ROOT / "rulesets")))
    return py.read_bytes(), col.read_bytes()


def check_expectations(out: bytes, expected: list[tuple[dict, str, str]]) -> None:
    rows = [orjson.loads(line) for line in out.splitlines()]
    assert len(rows) == len(expected)
    wrong = []
    for row, (record, rule, expect) in zip(rows, expected):
        assert row["ok"], row
        fired = row["fired"] + row.get("deferred", [])  # a deferral example's "fired" means deferred
        status = "fired" if rule in fired else "undetermined" if rule in row["undetermined"] else "other"
        if expect in ("fired", "undetermined") and status != expect:
            wrong.append((record["record_id"], expect, status))
        if expect in ("passed", "not_applicable") and status != "other":
            wrong.append((record["record_id"], expect, status))
    assert wrong == []


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ruleset_id", RULESETS)
def test_columnar_equals_python_on_every_rule_example(ruleset_id, shape, tmp_path):
    expected = example_records(ruleset_id)
    src = write_shape([r for r, _, _ in expected], shape, tmp_path / f"{ruleset_id}")
    py, col = run_both(src, tmp_path)
    check_expectations(py, expected)
    assert col == py


def test_inspection_date_reaches_columnar_conditions(tmp_path):
    """Regression (issue 11.1): construction 2022 第八条（六） compares the fall arrester's validity with
    the inspection date; the columnar back end left it undetermined where Python fired it."""
    record = {"ruleset": "construction", "edition": "2022", "record_id": "R", "inspection_date": "2024-07-01",
              "facts": {"has_construction_cranes": True, "has_construction_hoist": True,
                        "hoist_fall_arrester_valid_until": "2024-06-30", "hoist_mast_bolts_missing_or_failed": False}}
    for shape in SHAPES:
        src = write_shape([record], shape, tmp_path / f"one-{shape}")
        py, col = run_both(src, tmp_path)
        assert col == py, shape
        row = orjson.loads(col)
        assert "con22.8.6" in row["fired"] and row["major_hazard"], shape


def test_inspection_date_given_as_a_fact_wins_in_both_engines(tmp_path):
    """GIVEN ``facts.inspection_date`` next to an earlier envelope date (the Python back end lets the
    fact win) THEN the columnar engine reads the same date, for JSONL objects and Parquet structs."""
    record = {"ruleset": "construction", "edition": "2022", "record_id": "R", "inspection_date": "2024-06-01",
              "facts": {"has_construction_cranes": True, "has_construction_hoist": True, "inspection_date": "2024-07-01",
                        "hoist_fall_arrester_valid_until": "2024-06-30", "hoist_mast_bolts_missing_or_failed": False}}
    for shape in ("jsonl", "parquet-facts"):
        src = write_shape([record], shape, tmp_path / f"fact-{shape}")
        py, col = run_both(src, tmp_path)
        assert col == py, shape
        assert "con22.8.6" in orjson.loads(col)["fired"], shape


def test_jsonl_keys_first_seen_after_the_hundredth_line_are_read(tmp_path):
    """Regression: Polars inferred the JSONL schema from the first 100 lines, so a fact first seen on
    line 101 vanished in columnar (coal 第八条（二） fired in Python, not in columnar)."""
    filler = {"ruleset": "coal-mine", "edition": "2020", "inspection_date": "2021-01-01",
              "facts": {"mine_type": "underground"}}
    late = {"ruleset": "coal-mine", "edition": "2020", "inspection_date": "2021-01-01", "record_id": "late",
            "facts": {"mine_type": "underground", "no_standby_main_fan": True}}
    src = write_shape([filler] * 150 + [late], "jsonl", tmp_path / "late")
    py, col = run_both(src, tmp_path)
    assert col == py
    assert "coal.8.2" in orjson.loads(col.splitlines()[-1])["fired"]


@pytest.mark.parametrize("shape", ("jsonl", "csv-flat", "parquet-flat"))
def test_bad_inspection_date_with_an_explicit_edition_is_the_same_error(shape, tmp_path):
    """GIVEN an explicit edition and an inspection date that is not a real YYYY-MM-DD date
    THEN both engines write the same error row (columnar must not judge it with a null date)."""
    records = [{"ruleset": "construction", "edition": "2022", "record_id": str(n), "inspection_date": day,
                "facts": {"has_construction_cranes": False}} for n, day in enumerate(("2024-02-30", "soon", "2024-07-01"))]
    src = write_shape(records, shape, tmp_path / f"bad-date-{shape}")
    py, col = run_both(src, tmp_path)
    assert col == py
    assert [orjson.loads(line)["ok"] for line in col.splitlines()] == [False, False, True]


def test_odd_envelopes_and_null_undeclared_facts_give_the_same_rows(tmp_path):
    """Hunting (issue 11): JSONL lines whose record_id is a list, a bool or holds NUL, whose enterprise
    holds a list, or whose facts name an undeclared key with null — Polars reads such mixed columns
    as text or as "absent"; the columnar engine must send them to Python and write the same rows."""
    src = ROOT / "tests" / "reliability" / "odd_envelopes.jsonl"
    py, col = run_both(src, tmp_path)
    assert col == py
    assert [orjson.loads(line)["ok"] for line in py.splitlines()].count(False) >= 7


def test_parquet_enterprise_lists_go_to_python(tmp_path):
    table = pa.table({"ruleset": ["coal-mine"] * 2, "edition": ["2020"] * 2, "inspection_date": ["2021-01-01"] * 2,
                      "record_id": ["a", "b\x00"], "enterprise.name": [["x"], None], "mine_type": ["underground"] * 2})
    src = tmp_path / "ent.parquet"
    pq.write_table(table, src)
    py, col = run_both(src, tmp_path)
    assert col == py and [orjson.loads(line)["ok"] for line in py.splitlines()] == [False, False]
