"""``hazardrules batch``: exactly one output row per input row, in order, whatever the input holds.

GIVEN files mixing good records, records of several sectors and bad rows (truncated JSONL, a CSV
row with the wrong column count, a non-number in a number column, an unknown ruleset, an
unreadable Parquet file) WHEN the batch runs THEN every input row has its output row (a
determination or an error object naming the row and what is wrong), the batch goes on, the summary
counts the errors and the exit status is 2.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import orjson
import pytest

from hazardrules.cli import main
from hazardrules.inputs import read_records

ROOT = Path(__file__).resolve().parents[2]


def fixture_records() -> list[dict]:
    out = []
    for p in sorted((ROOT / "fixtures").rglob("*.yaml")):
        expected = p.with_name(p.stem + ".expected.yaml")
        if expected.exists() and "error:" in expected.read_text(encoding="utf-8"):
            continue  # a fixture that expects an error (e.g. no encoded edition in force) is not a good record
        if not p.name.endswith(".expected.yaml"):
            out.extend(r for _, r in read_records(p))
    return out


def _default(o):
    if isinstance(o, datetime.date):
        return o.isoformat()
    raise TypeError(o)


def dumps(record) -> bytes:
    return orjson.dumps(record, default=_default)


def rows_of(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def records():
    return fixture_records()[:12]


@pytest.fixture
def bad_jsonl(tmp_path, records):
    p = tmp_path / "in.jsonl"
    lines = [dumps(r) for r in records[:4]]
    lines.append(b'{"ruleset": "coal-mine", "inspection_date": "2026-08-01", "facts": {"annual_output_t": "abc"}}')
    lines.append(b"")  # blank line: not a record
    lines.append(b'{"ruleset": "coal-mine", "insp')  # truncated
    lines.append(b'{"ruleset": "no-such-standard", "inspection_date": "2026-08-01", "facts": {}}')
    lines.extend(dumps(r) for r in records[4:8])
    p.write_bytes(b"\n".join(lines) + b"\n")
    return p


def test_jsonl_one_row_out_per_row_in_with_error_objects(runner, bad_jsonl, tmp_path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(bad_jsonl), "-o", str(out)])
    assert result.exit_code == 2, result.output
    rows = rows_of(out)
    assert [r["row"] for r in rows] == list(range(1, 12))
    assert [r["ok"] for r in rows] == [True] * 4 + [False] * 3 + [True] * 4
    bad_number, truncated, unknown = rows[4], rows[5], rows[6]
    assert bad_number["error"] == "bad_value" and "annual_output_t" in bad_number["message"]
    assert bad_number["where"] == f"{bad_jsonl}:5" and "应为数值" in bad_number["message"]
    assert truncated["error"] == "json_syntax" and truncated["where"] == f"{bad_jsonl}:7"
    assert "截断" in truncated["message"] and "truncated" in truncated["message_en"]
    assert unknown["error"] == "ruleset_not_found"
    assert "错误 3 行" in result.stderr
    assert "Traceback" not in result.output


def test_workers_keep_order_and_give_identical_output(runner, bad_jsonl, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert runner.invoke(main, ["batch", str(bad_jsonl), "-o", str(one), "--chunk-size", "2"]).exit_code == 2
    assert runner.invoke(main, ["batch", str(bad_jsonl), "-o", str(two), "-j", "2", "--chunk-size", "2"]).exit_code == 2
    assert one.read_bytes() == two.read_bytes()


def test_full_detail_matches_the_library_determination(runner, records, tmp_path):
    from hazardrules import Engine

    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(dumps(r) + b"\n" for r in records[:3]))
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(src), "-o", str(out), "--detail", "full"])
    assert result.exit_code == 0, result.output
    engine = Engine(ROOT / "rulesets")
    for row, record in zip(rows_of(out), records):
        expected = orjson.loads(engine.evaluate(orjson.loads(dumps(record))).to_json())
        assert {k: v for k, v in row.items() if k not in ("row", "where", "ok")} == expected


def write_csv(path: Path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)


CSV_HEADER = ["ruleset", "record_id", "inspection_date", "annual_output_t", "approved_capacity_t", "mine_type",
              "fire_area_seal_or_unseal_noncompliant"]
CSV_ROWS = [
    ["coal-mine", "A", "2026-08-01", "1320001", "1200000", "underground", "false"],
    ["coal-mine", "B", "2026-08-01", "1320000", "1200000", "open_pit", ""],
    ["coal-mine", "C", "2026-08-01", "abc", "1200000", "underground", "是"],  # non-number
    ["coal-mine", "D", "2026-08-01", "1"],  # wrong column count
    ["coal-mine", "E", "2026-08-01", "", "", "", "true"],
    ["coal-mine", "F", "2026-08-01", "1,5", "1200000", "underground", "1"],  # decimal comma: not a number
]


def test_csv_bad_rows_get_error_objects(runner, tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.jsonl"
    write_csv(src, CSV_HEADER, CSV_ROWS)
    result = runner.invoke(main, ["batch", str(src), "-o", str(out)])
    assert result.exit_code == 2, result.output
    rows = rows_of(out)
    assert [r["record_id"] for r in rows] == ["A", "B", "C", None, "E", "F"]
    assert [r["ok"] for r in rows] == [True, True, False, False, True, False]
    assert "coal26.4.1" in rows[0]["fired"]  # over 110 % of capacity
    assert "coal26.4.1" not in rows[1]["fired"] + rows[1]["undetermined"]  # exactly 110 %: 超过 excludes it
    assert rows[2]["where"] == f"{src}:4" and "annual_output_t" in rows[2]["message"]
    assert rows[3]["error"] == "csv_columns" and "4 列" in rows[3]["message"] and "7" in rows[3]["message"]
    assert "coal26.4.1" in rows[4]["undetermined"]  # empty cells are "not recorded"


def test_columnar_engine_gives_the_same_rows_as_the_python_engine(runner, tmp_path):
    pytest.importorskip("polars")
    pytest.importorskip("pyarrow")
    src = tmp_path / "in.csv"
    write_csv(src, CSV_HEADER, CSV_ROWS * 3)
    py, col = tmp_path / "py.jsonl", tmp_path / "col.jsonl"
    assert runner.invoke(main, ["batch", str(src), "-o", str(py)]).exit_code == 2
    result = runner.invoke(main, ["batch", str(src), "-o", str(col), "--engine", "columnar"])
    assert result.exit_code == 2, result.output
    assert py.read_bytes() == col.read_bytes()


def test_parquet_in_and_out(runner, tmp_path, records):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.parquet"
    table = pa.table({"ruleset": ["coal-mine", "coal-mine", "nope"], "record_id": ["A", "B", "C"],
                      "inspection_date": [datetime.date(2026, 8, 1)] * 3,
                      "annual_output_t": [1320001.0, None, 1.0], "approved_capacity_t": [1200000.0] * 3})
    pq.write_table(table, src)
    for engine in ("python", "columnar"):
        out = tmp_path / f"out-{engine}.parquet"
        result = runner.invoke(main, ["batch", str(src), "-o", str(out), "--engine", engine])
        assert result.exit_code == 2, result.output
        rows = pq.read_table(out).to_pylist()
        assert [r["row"] for r in rows] == [1, 2, 3]
        assert [r["ok"] for r in rows] == [True, True, False]
        assert "coal26.4.1" in rows[0]["fired"] and "coal26.4.1" in rows[1]["undetermined"]
        assert rows[2]["error"] == "ruleset_not_found" and rows[2]["where"] == f"{src}#3"


def test_unreadable_parquet_is_one_error_row_and_the_batch_goes_on(runner, tmp_path, records):
    pytest.importorskip("pyarrow")
    broken, good = tmp_path / "broken.parquet", tmp_path / "good.jsonl"
    broken.write_bytes(b"PAR1 this is not parquet")
    good.write_bytes(dumps(records[0]) + b"\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(broken), str(good), "-o", str(out)])
    assert result.exit_code == 2
    rows = rows_of(out)
    assert [(r["row"], r["ok"]) for r in rows] == [(1, False), (2, True)]
    assert rows[0]["error"] == "parquet_unreadable" and rows[0]["where"] == str(broken)


def test_no_partial_output_and_no_traceback_on_usage_errors(runner, tmp_path, bad_jsonl):
    out = tmp_path / "missing-dir" / "out.jsonl"
    result = runner.invoke(main, ["batch", str(bad_jsonl), "-o", str(out)])
    assert result.exit_code == 2 and "输出目录不存在" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(main, ["batch", str(tmp_path / "x.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and "不支持的输入类型" in result.stderr
    assert not (tmp_path / "o.jsonl").exists()
    assert not list(tmp_path.glob(".o.jsonl.*"))


def test_interrupted_batch_leaves_no_output_file(tmp_path, bad_jsonl, monkeypatch):
    from hazardrules.batch import runner as batch_runner

    def boom(chunk):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_runner, "process_chunk", boom)
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        batch_runner.run_batch([str(bad_jsonl)], str(out))
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))


def test_exit_codes_summary_json_and_progress(runner, tmp_path, records):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(dumps(r) + b"\n" for r in records))
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = runner.invoke(main, ["batch", str(src), "-o", str(out), "--summary-json", str(summary), "--progress"])
    assert result.exit_code == 0, result.output
    data = orjson.loads(summary.read_bytes())
    assert data["rows"] == len(records) == data["judged"] and data["errors"] == 0
    assert "行/秒" in result.stderr
    found = runner.invoke(main, ["batch", str(src), "-o", str(out), "--fail-on-hazard"])
    assert found.exit_code == (1 if data["major_hazard"] else (3 if data["incomplete"] else 0))
    refused = runner.invoke(main, ["batch", str(src), "-o", str(out), "--engine", "columnar", "--detail", "full"])
    assert refused.exit_code == 2 and "--engine python" in refused.stderr


def test_columnar_jsonl_matches_python_on_odd_records(runner, tmp_path, records):
    """GIVEN JSONL with typed and untyped values, a fact outside ``facts``, blank lines, an enterprise
    and a truncated line THEN the columnar engine writes the same bytes as the Python engine."""
    pytest.importorskip("polars")
    lines = [dumps(r) for r in records[:3]]
    lines += [
        b'{"ruleset": "coal-mine", "record_id": 7, "inspection_date": "2026-08-01", "enterprise": {"name": "x"},'
        b' "facts": {"annual_output_t": 1320001, "approved_capacity_t": 1200000, "mine_type": "underground"}}',
        b'{"ruleset": "coal-mine", "inspection_date": "2026-08-01", "facts": {"annual_output_t": "1320001"}}',
        b"",
        b'{"ruleset": "coal-mine", "inspection_date": "2026-08-01", "annual_output_t": 5, "facts": {}}',
        b'{"ruleset": "coal-mine", "inspection_date": "2026-08-01", "enterprise": "x", "facts": {"annual_output_t": 1}}',
        b'{"ruleset": "coal-mine", "inspection_date": " 2026-08-01", "facts": {"mine_type": "\xe4\xba\x95\xe5\xb7\xa5\xe7\x85\xa4\xe7\x9f\xbf"}}',
    ]
    good = tmp_path / "good.jsonl"
    good.write_bytes(b"\n".join(lines) + b"\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(lines + [b'{"ruleset": "coal-mi']) + b"\n")
    for src in (good, bad):
        py, col = tmp_path / "py.jsonl", tmp_path / "col.jsonl"
        runner.invoke(main, ["batch", str(src), "-o", str(py)])
        result = runner.invoke(main, ["batch", str(src), "-o", str(col), "--engine", "columnar"])
        assert result.exit_code == 2, result.output
        assert py.read_bytes() == col.read_bytes()


def test_columnar_parquet_with_lists_of_units_matches_python(runner, tmp_path):
    """GIVEN Parquet rows carrying a list of units (judged row by row in columnar mode, see docs)
    THEN the columnar engine's output equals the Python engine's."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pytest.importorskip("polars")
    faces = [[{"id": "F1", "actual_air_m3_min": 1500.0, "required_air_m3_min": 2000.0}],
             None, [], [{"id": "F1", "actual_air_m3_min": None, "required_air_m3_min": 10.0},
                        {"id": "F1", "actual_air_m3_min": 5.0, "required_air_m3_min": 1.0}]]
    table = pa.table({"ruleset": ["coal-mine"] * 4, "record_id": list("ABCD"), "inspection_date": ["2026-08-01"] * 4,
                      "mine_type": ["underground"] * 4, "total_air_insufficient": [False, True, False, None],
                      "working_faces": faces})
    src = tmp_path / "lists.parquet"
    pq.write_table(table, src)
    py, col = tmp_path / "py.jsonl", tmp_path / "col.jsonl"
    assert runner.invoke(main, ["batch", str(src), "-o", str(py)]).exit_code == 2  # D repeats unit id F1
    assert runner.invoke(main, ["batch", str(src), "-o", str(col), "--engine", "columnar"]).exit_code == 2
    assert py.read_bytes() == col.read_bytes()
    rows = rows_of(py)
    assert [r["ok"] for r in rows] == [True, True, True, False] and rows[3]["error"] == "duplicate_unit"


def test_columnar_batch_equals_python_on_generated_parquet(runner, tmp_path, shipped_engine):
    """GIVEN 300 seeded coal-mine 2026 and metal-underground 2024 records (missing facts, thresholds,
    lists of units with record-level reads) in one Parquet file THEN the columnar batch (lists
    validated as columns) writes exactly the Python batch's rows."""
    pl = pytest.importorskip("polars")
    import random
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "columnar"))
    sys.path.insert(0, str(ROOT / "tests"))
    from fastgen import facts as random_facts
    from strategies import thresholds

    from hazardrules.columnar.schema import facts_columns, polars_schema
    from hazardrules.records import normalize_facts

    frames = []
    for rid, edition, day in (("coal-mine", "2026", "2026-08-01"), ("metal-underground", "2024", "2025-03-01")):
        rs = shipped_engine.ruleset(rid, edition=edition)
        rng = random.Random(5)
        facts = [normalize_facts(random_facts(rng, rs.fields, thresholds(rs)), rs.fields, "") for _ in range(150)]
        frame = pl.DataFrame(facts_columns(rs.fields, facts), schema=polars_schema(rs.fields))
        frames.append(frame.with_columns(pl.lit(rid).alias("ruleset"), pl.lit(day).alias("inspection_date")))
    src = tmp_path / "mixed.parquet"
    pl.concat(frames, how="diagonal_relaxed").write_parquet(src)
    py, col = tmp_path / "py.jsonl", tmp_path / "col.jsonl"
    result_py = runner.invoke(main, ["batch", str(src), "-o", str(py)])
    result_col = runner.invoke(main, ["batch", str(src), "-o", str(col), "--engine", "columnar"])
    assert result_py.exit_code == result_col.exit_code
    assert py.read_bytes() == col.read_bytes()
    assert sum(r["ok"] for r in rows_of(col)) > 250


def _conclusion_rows(tmp_path):
    """One record per conclusion, in the coal-mine standard: a finding, a blank record, a fully decided one."""
    from hazardrules import Engine

    decided = yaml_record(ROOT / "fixtures" / "coal-mine" / "clean-underground-low-gas.yaml")
    assert Engine().evaluate(decided).conclusion == "no_major_hazard"
    major = {"ruleset": "coal-mine", "inspection_date": "2026-08-01",
             "facts": {"annual_output_t": 1320001, "approved_capacity_t": 1200000, "mine_type": "underground"}}
    blank = {"ruleset": "coal-mine", "inspection_date": "2026-08-01", "facts": {}}
    return decided, major, blank


def yaml_record(path: Path) -> dict:
    return next(r for _, r in read_records(path))


@pytest.mark.parametrize("engine", ["python", "columnar"])
def test_batch_counts_the_three_conclusions_apart(runner, tmp_path, engine):
    """GIVEN a clean, a major and a blank record WHEN batched THEN rows carry their conclusion, the summary
    counts 1/1/1, and --fail-on-hazard exits 1; without the major row 3; with only the clean row 0."""
    if engine == "columnar":
        pytest.importorskip("polars")
    decided, major, blank = _conclusion_rows(tmp_path)
    src, out, summary = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "s.json"
    src.write_bytes(b"".join(dumps(r) + b"\n" for r in (decided, major, blank)))
    r = runner.invoke(main, ["batch", str(src), "-o", str(out), "--engine", engine, "--summary-json", str(summary),
                             "--fail-on-hazard"])
    assert r.exit_code == 1, r.output
    assert [row["conclusion"] for row in rows_of(out)] == ["no_major_hazard", "major_hazard", "incomplete"]
    data = orjson.loads(summary.read_bytes())
    assert (data["major_hazard"], data["incomplete"], data["no_major_hazard"]) == (1, 1, 1)
    assert "未能得出结论 1 行" in r.stderr
    src.write_bytes(b"".join(dumps(r) + b"\n" for r in (decided, blank)))
    r = runner.invoke(main, ["batch", str(src), "-o", str(out), "--engine", engine, "--fail-on-hazard"])
    assert r.exit_code == 3, r.output
    assert runner.invoke(main, ["batch", str(src), "-o", str(out), "--engine", engine]).exit_code == 0
    src.write_bytes(dumps(decided) + b"\n")
    assert runner.invoke(main, ["batch", str(src), "-o", str(out), "--engine", engine, "--fail-on-hazard"]).exit_code == 0
