"""The Excel checklist: written from the ruleset, filled as an inspector would, read back by ``check``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from hazardrules import Engine
from hazardrules.cli import main
from hazardrules.inputs import read_records
from hazardrules.loader import load_yaml

ROOT = Path(__file__).resolve().parents[2]
# one fixture per sector, each with lists of units where the sector has them
FIXTURES = sorted(
    next(p for p in sorted(d.glob("*.yaml")) if not p.name.endswith(".expected.yaml"))
    for d in (ROOT / "fixtures").iterdir() if d.is_dir() and any(d.glob("*.yaml"))
) + [ROOT / "fixtures/hazardous-chemicals/ammonia-plant.yaml", ROOT / "fixtures/coal-mine/over-capacity.yaml",
     # AQ 3067-2026 (three lists of units) and civil explosives (lists with dates: appointments, scrapping)
     ROOT / "fixtures/hazardous-chemicals/aq3067-nitration-fine-chemicals.yaml",
     ROOT / "fixtures/civil-explosives/clean-producer-at-thresholds.yaml"]


@pytest.fixture(scope="module")
def engine():
    return Engine(ROOT / "rulesets")


def _cell_value(field, value):
    """What an inspector types or picks: Chinese labels for enums, 是/否 for yes/no, dates as dates."""
    if field.type == "bool":
        return "是" if value else "否"
    if field.type == "enum":
        return field.values[value]
    if field.type == "date":
        return datetime.combine(value if isinstance(value, date) else date.fromisoformat(value), datetime.min.time())
    return value


def fill(path: Path, record: dict, rs) -> None:
    """Fill a written checklist from a record, cell by cell, the way an inspector would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["检查表"]
    rows = {row[0].value: row[0].row for row in ws.iter_rows(min_col=1, max_col=1) if isinstance(row[0].value, str)}
    ws.cell(row=rows["record_id"], column=3, value=record.get("record_id"))
    day = record["inspection_date"]
    ws.cell(row=rows["inspection_date"], column=3,
            value=datetime.combine(day if isinstance(day, date) else date.fromisoformat(day), datetime.min.time()))
    for key, value in (record.get("enterprise") or {}).items():
        ws.cell(row=rows[f"enterprise.{key}"], column=3, value=value)
    sheets = {}
    for sheet in wb.sheetnames[1:]:
        names = [c.value for c in wb[sheet][3]]
        if names and isinstance(names[0], str) and "." in names[0]:
            sheets[names[0].split(".")[0]] = (wb[sheet], names)
    for name, value in record["facts"].items():
        field = rs.fields[name]
        if value is None:
            continue
        if field.type == "list" and not value:  # "no such units", said in the main sheet
            ws.cell(row=rows[name], column=3, value="无")
            continue
        if field.type == "list":
            sheet, names = sheets[name]
            for i, unit in enumerate(value):
                for col, full in enumerate(names, 1):
                    sub = full.split(".", 1)[1]
                    if unit.get(sub) is not None:
                        sheet.cell(row=5 + i, column=col, value=_cell_value(field.item[sub], unit[sub]))
            continue
        assert name in rows, f"{name} has no row in the checklist"
        ws.cell(row=rows[name], column=3, value=_cell_value(field, value))
    wb.save(path)


def _write(runner, rid, edition, path):
    result = runner.invoke(main, ["checklist", rid, "--edition", edition, "--format", "xlsx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_round_trip_equals_yaml(fixture, engine, runner, tmp_path):
    """GIVEN a fixture record WHEN its edition's Excel checklist is filled with the same facts (labels, 是/否,
    dates, unit rows, empties) and read back THEN the determination is byte-identical to the YAML's."""
    record = load_yaml(fixture).data
    from_yaml = engine.evaluate(record, where=str(fixture))
    rs = from_yaml.compiled
    book = _write(runner, rs.id, rs.edition, tmp_path / "检查表.xlsx")
    fill(book, record, rs)
    [(where, back)] = list(read_records(book, engine))
    from_xlsx = engine.evaluate(back, where=where)
    assert from_xlsx.to_json() == from_yaml.to_json()
    result = runner.invoke(main, ["check", "--exit-zero", "--format", "json", str(book)])
    assert result.exit_code in (0, 3), result.output
    assert from_yaml.record_id in result.output


def test_workbook_layout(engine, runner, tmp_path):
    """GIVEN the chemicals checklist THEN it has a header block with edition and digest, drop-downs of
    Chinese labels for enums and 是/否, range checks on numbers and one sheet per list of units."""
    book = _write(runner, "hazardous-chemicals", "2017", tmp_path / "hc.xlsx")
    rs = engine.ruleset("hazardous-chemicals", edition="2017")
    wb = openpyxl.load_workbook(book)
    ws = wb["检查表"]
    header = " ".join(str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value)
    assert rs.digest in header and rs.document in header
    lists = [f for f in rs.fields if f.type == "list"]
    assert len(wb.sheetnames) == 2 + len(lists)
    assert wb["_meta"].sheet_state == "hidden"
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "whole"} <= kinds
    meta = wb["_meta"]
    labels = {c.value for col in meta.iter_cols(min_col=3) for c in col if c.value}
    unit_type = rs.fields["unit_type"]
    assert set(unit_type.values.values()) <= labels and {"是", "否"} <= labels
    numbers = [dv for dv in ws.data_validations.dataValidation if dv.type == "whole"]
    assert all(dv.formula1 is not None and dv.operator == "between" for dv in numbers)


def test_edition_date_is_inside_the_edition(runner, tmp_path):
    """GIVEN an older edition WHEN its xlsx checklist is written THEN the date cell lies inside it, so the
    blank is judged by the edition it was made for."""
    book = _write(runner, "coal-mine", "2020", tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(book)["检查表"]
    day = next(r[2].value for r in ws.iter_rows() if r[0].value == "inspection_date")
    assert date(2021, 1, 1) <= day.date() <= date(2026, 6, 30)


def test_bad_cells_are_named(engine, runner, tmp_path):
    """GIVEN a number cell with text, an enum cell with an unknown label and a unit row without its id
    WHEN checked THEN exit 2 and every error names sheet, cell and the fact's label."""
    book = _write(runner, "hazardous-chemicals", "2017", tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["检查表"]
    rows = {r[0].value: r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if isinstance(r[0].value, str)}
    ws.cell(row=rows["unassessed_safety_managers_people"], column=3, value="两个")
    ws.cell(row=rows["unit_type"], column=3, value="加油站")
    units = wb[wb.sheetnames[1]]
    units.cell(row=6, column=2, value="是")
    wb.save(book)
    result = runner.invoke(main, ["check", str(book)])
    assert result.exit_code == 2
    row = rows["unassessed_safety_managers_people"]
    assert f"检查表!C{row}（未经考核合格的安全生产管理人员人数）" in result.output
    assert f"检查表!C{rows['unit_type']}（单位类型）" in result.output and "加油站" in result.output
    assert f"{wb.sheetnames[1]}!A6" in result.output
    assert "Traceback" not in result.output


def test_range_error_names_the_cell(runner, tmp_path):
    """GIVEN a negative count (outside the field's range) THEN the engine's range message names the cell."""
    book = _write(runner, "hazardous-chemicals", "2017", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["检查表"]
    row = next(r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == "unassessed_safety_managers_people")
    ws.cell(row=row, column=3, value=-1)
    wb.save(book)
    result = runner.invoke(main, ["check", str(book)])
    assert result.exit_code == 2 and f"检查表!C{row}" in result.output, result.output


def test_not_a_checklist(runner, tmp_path):
    """GIVEN an arbitrary workbook THEN a clear error says how to make a checklist."""
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "hazardrules checklist --format xlsx" in result.output


def test_xlsx_needs_output(runner):
    result = runner.invoke(main, ["checklist", "coal-mine", "--format", "xlsx"])
    assert result.exit_code == 2 and "-o" in result.output
