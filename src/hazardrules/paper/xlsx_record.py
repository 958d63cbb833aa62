"""Reading a filled Excel checklist back into an inspection record.

The workbook must have been written by :mod:`hazardrules.paper.xlsx_checklist` (its hidden ``_meta``
sheet names the ruleset and edition). Every value is converted by its declared field type; an error
names the workbook, sheet, cell and the fact's label, and says what the cell accepts. An empty cell is
an unknown fact, never "no". Range, enum and unit checks happen again in the engine's record
validation; :func:`cell_of` maps the engine's field paths back to cells for its messages.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

from ..errors import Diagnostic, HazardRulesError, LoadError, diag
from ..expr.fields import Field, FieldTable
from .xlsx_checklist import ENVELOPE, LAYOUT, MAIN, META, NO, NONE, YES, accepted_text

_TRUE = {YES, "有", "true", "True", "TRUE", "1", "Y", "y", "yes", "√"}
_FALSE = {NO, "无", "false", "False", "FALSE", "0", "N", "n", "no", "×"}


class XlsxRecord:
    """One record read from a workbook, with the cell of every fact (for error messages)."""

    def __init__(self, record: dict, cells: dict[str, str]):
        self.record, self.cells = record, cells

    def cell_of(self, path: str) -> str | None:
        """``faces[W1].gas_pct`` or ``annual_output_t`` -> ``工作面!C7（瓦斯浓度）``."""
        return self.cells.get(path) or self.cells.get(path.split("[")[0])


def read_xlsx_record(path, fields_for) -> XlsxRecord:
    """Read ``path``; ``fields_for(ruleset, edition)`` gives the declared :class:`FieldTable`."""
    from openpyxl import load_workbook

    shown = str(path)
    try:
        wb = load_workbook(Path(path), data_only=True, read_only=False)
    except FileNotFoundError:
        raise LoadError(diag("file_not_found", shown, "文件不存在", "file not found")) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise LoadError(diag("xlsx_unreadable", shown, f"无法读取 Excel 工作簿：{type(exc).__name__}",
                             f"cannot read the Excel workbook: {type(exc).__name__}")) from None
    if META not in wb.sheetnames or MAIN not in wb.sheetnames:
        raise LoadError(diag("xlsx_not_checklist", shown,
                             "不是 hazardrules 检查表（缺少 _meta 或 检查表 工作表）；请用 hazardrules checklist --format xlsx 生成",
                             "not a hazardrules checklist (no _meta or 检查表 sheet); make one with hazardrules checklist --format xlsx"))
    meta = {row[0]: row[1] for row in wb[META].iter_rows(min_col=1, max_col=2, values_only=True) if row[0]}
    if meta.get("layout") != LAYOUT:
        raise LoadError(diag("xlsx_layout", f"{shown} {META}!B1", f"检查表版式 {meta.get('layout')!r} 不受支持；应为 {LAYOUT}",
                             f"checklist layout {meta.get('layout')!r} is not supported; expected {LAYOUT}"))
    fields: FieldTable = fields_for(meta["ruleset"], meta.get("edition"))
    problems: list[Diagnostic] = []
    cells: dict[str, str] = {}
    record: dict = {"ruleset": meta["ruleset"], "edition": meta.get("edition")}
    facts: dict = {}
    enterprise: dict = {}
    envelope = dict(ENVELOPE)
    declared_none: set[str] = set()
    for row in wb[MAIN].iter_rows(min_col=1, max_col=3):
        key, value_cell = row[0].value, row[2]
        if not isinstance(key, str):
            continue
        place = f"{shown} {MAIN}!{value_cell.coordinate}"
        if key in envelope:
            value = _envelope_value(key, value_cell.value, f"{place}（{envelope[key]}）", problems)
            if value is None:
                continue
            if key.startswith("enterprise."):
                enterprise[key.split(".", 1)[1]] = value
            else:
                record[key] = value
            cells[key] = f"{place}（{envelope[key]}）"
            continue
        f = fields.get(key)
        if f is None:
            continue
        if f.type == "list":  # "无" declares that the enterprise has no such units: an empty list
            if value_cell.value is not None and str(value_cell.value).strip():
                cells[key] = f"{place}（{f.label}）"
                if str(value_cell.value).strip() != NONE:
                    problems.append(diag("bad_value", cells[key], f"“{value_cell.value}”不符合要求；应为“{NONE}”或留空",
                                         f"{value_cell.value!r} is not accepted; expected {NONE!r} (none) or empty"))
                else:
                    declared_none.add(key)
            continue
        cells[key] = f"{place}（{f.label}）"
        value = convert(value_cell.value, f, cells[key], problems)
        if value is not None:
            facts[key] = value
    for sheet in wb.sheetnames:
        if sheet in (MAIN, META):
            continue
        _units(wb[sheet], shown, fields, facts, cells, problems)
    for key in declared_none:
        if facts.get(key):
            problems.append(diag("units_and_none", cells[key], f"选了“{NONE}”，但工作表中填写了 {len(facts[key])} 个单元：请二选一",
                                 f"marked as none, but {len(facts[key])} units are filled in: choose one"))
        facts[key] = []
    if problems:
        raise LoadError(problems)
    if enterprise:
        record["enterprise"] = enterprise
    record["facts"] = facts
    read = XlsxRecord(record, cells)
    _check_with_cells(read, fields, shown)
    return read


def _check_with_cells(read: XlsxRecord, fields: FieldTable, shown: str) -> None:
    """Validate the facts as the engine will, and name cells instead of field paths in any error."""
    from ..records import normalize_facts

    try:
        normalize_facts(read.record["facts"], fields, shown)
    except HazardRulesError as exc:
        placed = []
        for d in exc.diagnostics:
            path = d.where[len(shown):].strip() if d.where.startswith(shown) else ""
            cell = read.cell_of(path) if path else None
            placed.append(Diagnostic(d.code, cell or d.where, d.zh, d.en))
        raise type(exc)(placed) from None


def _envelope_value(key: str, value, place: str, problems: list):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if key == "inspection_date":
        day = _as_date(value)
        if day is None:
            problems.append(diag("bad_date", place, f"检查日期无效：{value!r}；应为日期 YYYY-MM-DD",
                                 f"invalid inspection date {value!r}; expected a date YYYY-MM-DD"))
        return day.isoformat() if day else None
    if key == "inspectors":
        return [p.strip() for p in str(value).replace(",", "、").replace("，", "、").split("、") if p.strip()]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a region or credit code typed as a number
    return str(value).strip()


def _units(ws, shown: str, fields: FieldTable, facts: dict, cells: dict, problems: list) -> None:
    """A unit sheet: row 3 names ``list.sub`` per column; rows 5.. hold one unit each."""
    names = [c.value for c in ws[3]] if ws.max_row >= 3 else []
    owners = {n.split(".", 1)[0] for n in names if isinstance(n, str) and "." in n}
    if len(owners) != 1:
        return  # not a unit sheet of ours (an inspector may add notes sheets)
    list_name = owners.pop()
    f = fields.get(list_name)
    if f is None or f.type != "list":
        return
    subs = [f.item.get(n.split(".", 1)[1]) if isinstance(n, str) else None for n in names]
    units = []
    for row in ws.iter_rows(min_row=5):
        values = {}
        for cell, sub in zip(row, subs):
            if sub is None:
                continue
            place = f"{shown} {ws.title}!{cell.coordinate}（{f.label}·{sub.label}）"
            value = convert(cell.value, sub, place, problems)
            if value is not None:
                values[sub.name] = (value, place)
        if not values:
            continue
        if f.key not in values:
            first = row[0].coordinate
            problems.append(diag("unit_without_key", f"{shown} {ws.title}!{first}",
                                 f"第 {row[0].row} 行填写了内容但缺少{f.item[f.key].label}（每个单元必须有编号）",
                                 f"row {row[0].row} has values but no {f.key} (every unit needs its id)"))
            continue
        unit_id = values[f.key][0]
        for name, (_, place) in values.items():
            cells[f"{list_name}[{unit_id}].{name}"] = place
        units.append({k: v for k, (v, _) in values.items()})
    if units:
        facts[list_name] = units
        cells.setdefault(list_name, f"{shown} {ws.title}（{f.label}）")


def convert(value, f: Field, place: str, problems: list):
    """A cell's value as the field's type, or None when empty; a wrong value adds a diagnostic."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else value
    bad = (f"“{value}”不符合要求；应为：{accepted_text(f)}", f"{value!r} is not accepted; expected {f.type}")
    if f.type == "bool":
        if isinstance(text, bool):
            return text
        if str(text) in _TRUE:
            return True
        if str(text) in _FALSE:
            return False
    elif f.type == "enum":
        by_label = {label: key for key, label in f.values.items()}
        if text in by_label:
            return by_label[text]
        if text in f.values:
            return text
    elif f.type in ("number", "integer"):
        number = _as_number(text)
        if number is not None and (f.type == "number" or float(number).is_integer()):
            return int(number) if f.type == "integer" else number
    elif f.type == "date":
        day = _as_date(text)
        if day is not None:
            return day.isoformat()
    else:
        if isinstance(text, float) and text.is_integer():
            text = int(text)
        return str(text)
    problems.append(diag("bad_value", place, *bad))
    return None


def _as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    try:
        text = str(value).replace(",", "").replace("，", "")
        number = int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None
