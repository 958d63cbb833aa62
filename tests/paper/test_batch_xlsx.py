"""Batch and spreadsheets: ``-o results.xlsx`` (one row per input row, errors included) and a folder of
filled Excel checklists as input (one record per workbook, errors naming sheet and cell)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import orjson
import pytest

from hazardrules.batch.xlsx_writer import CONCLUSIONS, HEADERS
from hazardrules.cli import main
from hazardrules.loader import load_yaml

from .test_xlsx_checklist import _write, fill

ROOT = Path(__file__).resolve().parents[2]
_BACK = {v: k for k, v in CONCLUSIONS.items()}


def _xlsx_rows(path: Path) -> list[dict]:
    wb = openpyxl.load_workbook(path)
    legend = {label: key for label, key in wb["列说明"].iter_rows(min_row=2, values_only=True)}
    assert set(legend) == set(HEADERS.values())
    rows = list(wb["判定结果"].iter_rows(values_only=True))
    keys = [legend[h] for h in rows[0]]
    return [dict(zip(keys, r)) for r in rows[1:]]


def _as_jsonl_view(row: dict) -> dict:
    """The xlsx cell values turned back into the JSONL values they stand for."""
    out = {}
    for key, value in row.items():
        if key in ("ok", "major_hazard") and value is not None:
            value = value == "是"
        elif key in ("fired", "undetermined") and value is not None:
            value = [] if value == "无" else value.split("、")
        elif key == "conclusion" and value is not None:
            value = _BACK[value]
        out[key] = value
    return out


@pytest.fixture
def mixed_input(tmp_path) -> Path:
    """The shipped batch file plus two broken lines (bad JSON, unknown ruleset)."""
    path = tmp_path / "mixed.jsonl"
    good = (ROOT / "fixtures/batch/inspections.jsonl").read_bytes()
    path.write_bytes(good + b'{"ruleset": "coal-mine", "record_id": "X1", \n'
                     + b'{"ruleset": "no-such", "record_id": "X2", "inspection_date": "2026-09-01", "facts": {}}\n')
    return path


@pytest.mark.parametrize("engine", ["python", "columnar"])
def test_xlsx_rows_equal_jsonl_rows(runner, tmp_path, mixed_input, engine):
    """GIVEN a JSONL file with good and bad rows WHEN batch writes .xlsx and .jsonl THEN the workbook has one row
    per input row, in order, errors included, and every column equals the JSONL row's value."""
    xlsx, jsonl = tmp_path / "out.xlsx", tmp_path / "out.jsonl"
    for out in (xlsx, jsonl):
        result = runner.invoke(main, ["batch", str(mixed_input), "-o", str(out), "--engine", engine])
        assert result.exit_code == 2, result.output  # two rows are errors
    expected = [orjson.loads(line) for line in jsonl.read_bytes().splitlines()]
    got = [_as_jsonl_view(r) for r in _xlsx_rows(xlsx)]
    assert len(got) == len(expected) == 32
    for g, e in zip(got, expected):
        for key in ("row", "where", "ok", "record_id", "ruleset", "edition", "digest", "inspection_date",
                    "major_hazard", "conclusion", "fired", "undetermined", "error", "message"):
            assert g[key] == e.get(key), (key, g, e)
    assert [g["ok"] for g in got[-2:]] == [False, False] and got[-1]["error"]


def test_xlsx_output_is_all_or_nothing(runner, tmp_path):
    """GIVEN an existing results.xlsx WHEN a batch fails before writing (an input that does not exist is a row
    error, but stdout cannot take xlsx) THEN the old workbook is untouched and no temporary file remains."""
    out = tmp_path / "results.xlsx"
    out.write_bytes(b"old")
    result = runner.invoke(main, ["batch", str(ROOT / "fixtures/batch/inspections.jsonl"), "-o", "-",
                                  "--output-format", "xlsx"])
    assert result.exit_code == 2 and "标准输出" in result.output
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["results.xlsx"]


def test_folder_of_checklists(runner, tmp_path, shipped_engine):
    """GIVEN a folder with two filled checklists, one with a bad cell, and an Excel lock file WHEN batch reads the
    folder THEN each workbook is one row: the good one judged exactly as check judges its YAML, the bad one an
    error row naming sheet and cell; the lock file is not a record."""
    forms = tmp_path / "检查表"
    (forms / "sub").mkdir(parents=True)
    record_path = ROOT / "fixtures/coal-mine/over-capacity.yaml"
    record = load_yaml(record_path).data
    rs = shipped_engine.ruleset("coal-mine", edition="2026")
    good = _write(runner, "coal-mine", "2026", forms / "a-good.xlsx")
    fill(good, record, rs)
    bad = _write(runner, "coal-mine", "2026", forms / "sub" / "b-bad.xlsx")
    fill(bad, record, rs)
    wb = openpyxl.load_workbook(bad)
    ws = wb["检查表"]
    row = next(r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == "annual_output_t")
    ws.cell(row=row, column=3, value=-5)
    wb.save(bad)
    (forms / "~$a-good.xlsx").write_bytes(b"lock")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(forms), "-o", str(out)])
    assert result.exit_code == 2, result.output
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [Path(r["where"]).name for r in rows] == ["a-good.xlsx", "b-bad.xlsx"]
    expected = shipped_engine.evaluate(record)
    assert rows[0]["ok"] and rows[0]["conclusion"] == expected.conclusion
    assert rows[0]["fired"] == [f.rule for f in expected.findings]
    assert not rows[1]["ok"] and f"检查表!C{row}" in rows[1]["message"]


def test_empty_folder_is_an_error(runner, tmp_path):
    (tmp_path / "none").mkdir()
    result = runner.invoke(main, ["batch", str(tmp_path / "none"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and "没有 .xlsx 检查表" in result.output
    assert not (tmp_path / "o.jsonl").exists()
