"""The blank checklist as an Excel workbook an inspector fills without reading documentation.

Layout (read back by :mod:`hazardrules.paper.xlsx_record`, which relies on it):

- sheet ``检查表``: a header block (ruleset, edition, document, digest, then the record's envelope as
  input cells), then one row per fact — machine name (column A, hidden from print), label, value cell,
  unit, what is accepted, clause — grouped by the standard's articles; scope facts first, marked 必填;
- one sheet per list of units (罐区、工作面、厂站…): a header row of labels, a row of machine names, then
  blank rows, one per unit;
- a hidden sheet ``_meta`` naming the ruleset, edition, digest and the layout version, and holding the
  drop-down lists (a data-validation list longer than 255 characters must live in cells).

Enum and 是/否 cells get drop-downs of Chinese labels; number cells are validated against the field's
range. Validation in Excel is a convenience for the inspector, never a guarantee: reading the workbook
back checks every value again.
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..checklist import checklist_fields
from ..compile import CompiledRuleset
from ..expr.fields import Field

LAYOUT = "hazardrules-checklist/1"
MAIN = "检查表"
META = "_meta"
UNIT_ROWS = 30  # blank unit rows per list sheet; more can be added by copying a row
YES, NO, NONE = "是", "否", "无"
HEADER = ("字段", "检查事项", "检查结果（填写）", "单位", "填写说明", "条款")
ENVELOPE = (  # (key, label): the record's envelope, filled in the header block
    ("record_id", "记录编号"), ("inspection_date", "检查日期"), ("enterprise.name", "企业名称"),
    ("enterprise.credit_code", "统一社会信用代码"), ("enterprise.region_code", "行政区划代码（6 位）"),
    ("enterprise.address", "地址"), ("inspectors", "检查人员（多人用顿号分隔）"),
)
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_FILL_INPUT = PatternFill("solid", fgColor="FFF9E5")
_FILL_GROUP = PatternFill("solid", fgColor="DDEBF7")
_FILL_REQUIRED = PatternFill("solid", fgColor="FCE4D6")
_THIN = Border(*(Side(style="thin", color="BFBFBF"),) * 4)


def is_scope(f: Field) -> bool:
    return bool(getattr(f, "scope", False))


def accepted_text(f: Field) -> str:
    """What a cell accepts, in the inspector's words."""
    if f.type == "bool":
        return "是 / 否；不清楚留空"
    if f.type == "enum":
        return "下拉选择：" + "、".join(f.values.values()) + "；不清楚留空"
    if f.type in ("number", "integer"):
        kind = "整数" if f.type == "integer" else "数值"
        lo = "" if f.min is None else f"{f.min:g}"
        hi = "" if f.max is None else f"{f.max:g}"
        rng = f"，范围 {lo}～{hi}" if lo or hi else ""
        return f"{kind}{rng}；不清楚留空"
    if f.type == "date":
        return "日期 YYYY-MM-DD；不清楚留空"
    return "文字；不清楚留空"


def sheet_title(f: Field, used: set[str]) -> str:
    """A list field's sheet name: its label, within Excel's 31 characters and without []:*?/\\."""
    base = "".join(ch for ch in f.label if ch not in "[]:*?/\\")[:24] or f.name[:24]
    name, n = base, 2
    while name in used or name in (MAIN, META):
        name, n = f"{base[:22]}{n}", n + 1
    used.add(name)
    return name


class _Lists:
    """Drop-down sources kept on the hidden sheet: one column per distinct list of labels."""

    def __init__(self, sheet):
        self.sheet, self.cols = sheet, {}

    def ref(self, labels: tuple[str, ...]) -> str:
        if labels not in self.cols:
            col = 3 + len(self.cols)
            for row, text in enumerate(labels, 1):
                self.sheet.cell(row=row, column=col, value=text)
            self.cols[labels] = col
        letter = get_column_letter(self.cols[labels])
        return f"{quote_sheetname(META)}!${letter}$1:${letter}${len(labels)}"


def _validation(f: Field, lists: _Lists) -> DataValidation | None:
    prompt = accepted_text(f)
    if f.type in ("bool", "enum"):
        labels = (YES, NO) if f.type == "bool" else tuple(f.values.values())
        dv = DataValidation(type="list", formula1=lists.ref(labels), allow_blank=True)
    elif f.type in ("number", "integer"):
        kind = "whole" if f.type == "integer" else "decimal"
        lo = -1e15 if f.min is None else f.min
        hi = 1e15 if f.max is None else f.max
        dv = DataValidation(type=kind, operator="between", formula1=f"{lo:g}", formula2=f"{hi:g}", allow_blank=True)
    elif f.type == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    else:
        return None
    dv.error, dv.errorTitle = prompt, f.label[:32]
    dv.prompt, dv.promptTitle = prompt, f.label[:32]
    dv.showErrorMessage = dv.showInputMessage = True
    return dv


def write_checklist_xlsx(rs: CompiledRuleset, given: dict, path, inspection_day: date | None = None,
                         record_id: str | None = None) -> None:
    """Write the blank (or ``given``-prefilled) checklist of ``rs`` to ``path`` as .xlsx."""
    keep = checklist_fields(rs, given)
    wb = Workbook()
    ws = wb.active
    ws.title = MAIN
    meta = wb.create_sheet(META)
    meta.sheet_state = "hidden"
    for row, (k, v) in enumerate((("layout", LAYOUT), ("ruleset", rs.id), ("edition", rs.edition),
                                  ("digest", rs.digest), ("version", rs.version)), 1):
        meta.cell(row=row, column=1, value=k)
        meta.cell(row=row, column=2, value=v)
    lists = _Lists(meta)

    ws.append([f"{rs.title} —— 检查记录表"])
    ws["A1"].font = _TITLE
    info = (("标准", f"{rs.document}（{rs.edition} 版，{rs.effective_from} 起施行）"), ("规则集", f"{rs.id}  {rs.version}"),
            ("规则集摘要", rs.digest))
    for label, value in info:
        ws.append([None, label, value])
    ws.append([None, "填写方法", "黄色格子填写检查结果；不清楚或未检查的项留空（留空＝未知，不等于“否”）；标“必填”的项决定哪些条款适用，请先填写。"])
    envelope_start = ws.max_row + 1
    for key, label in ENVELOPE:
        value = record_id if key == "record_id" else (inspection_day if key == "inspection_date" else None)
        ws.append([key, label, value])
        cell = ws.cell(row=ws.max_row, column=3)
        cell.fill, cell.border = _FILL_INPUT, _THIN
        if key == "inspection_date":
            cell.number_format = "yyyy-mm-dd"
    date_dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=False)
    date_dv.prompt, date_dv.promptTitle, date_dv.showInputMessage = "检查日期 YYYY-MM-DD", "检查日期", True
    ws.add_data_validation(date_dv)
    date_dv.add(f"C{envelope_start + 1}")
    ws.append([])
    ws.append(list(HEADER))
    for cell in ws[ws.max_row]:
        cell.font, cell.fill, cell.border = _BOLD, _FILL_GROUP, _THIN

    fields = [f for f in rs.fields if f.name in keep and f.name != "inspection_date"]
    groups = {g.id: g for g in rs.groups}
    scope = [f for f in fields if is_scope(f) and f.type != "list"]
    rest = [f for f in fields if not is_scope(f) and f.type != "list"]
    sections: list[tuple[str, list[Field]]] = []
    if scope:
        sections.append(("必填：决定适用范围的事实", scope))
    order = [None] + [g.id for g in rs.groups]
    by_group: dict = {}
    for f in rest:
        by_group.setdefault(f.group if f.group in groups else None, []).append(f)
    for gid in order:
        if by_group.get(gid):
            g = groups.get(gid)
            title = f"{gid} {g.title}（{g.cite}）" if g and g.cite else (f"{gid} {g.title}" if g else "基本情况")
            sections.append((title, by_group[gid]))
    validations: dict[int, DataValidation] = {}
    for title, members in sections:
        ws.append([None, title])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill = _BOLD, _FILL_GROUP
        for f in members:
            cite = groups[f.group].cite if f.group in groups and groups[f.group].cite else ""
            label = f"{f.label}（必填）" if is_scope(f) else f.label
            help_text = accepted_text(f) + (f"。{f.help}" if f.help else "")
            ws.append([f.name, label, _shown(f, given.get(f.name)), f.unit or "", help_text, cite])
            row = ws.max_row
            cell = ws.cell(row=row, column=3)
            cell.fill, cell.border = (_FILL_REQUIRED if is_scope(f) else _FILL_INPUT), _THIN
            if f.type == "date":
                cell.number_format = "yyyy-mm-dd"
            _add_validation(ws, f, f"C{row}", lists, validations)
    _columns(ws, (22, 46, 22, 10, 60, 24))
    ws.freeze_panes = ws.cell(row=envelope_start + len(ENVELOPE) + 2, column=3)
    ws.column_dimensions["A"].hidden = False  # the machine names stay visible: they are what errors cite

    used: set[str] = set()
    unit_lists = [(f, sheet_title(f, used)) for f in fields if f.type == "list"]
    if unit_lists:
        ws.append([None, "逐个单元填写的事项（每类一张工作表）"])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill = _BOLD, _FILL_GROUP
        none_dv = DataValidation(type="list", formula1=lists.ref((NONE,)), allow_blank=True)
        none_dv.prompt, none_dv.showInputMessage = "没有此类单元时选“无”；留空时按工作表中填写的单元判定", True
        ws.add_data_validation(none_dv)
    for f, title in unit_lists:
        ws.append([f.name, f.label, NONE if given.get(f.name) == [] else None, "", f"在工作表“{title}”中每行填写一个；本企业没有此类单元时此格选“{NONE}”，"
                   "留空且工作表也未填写＝未检查", ""])
        ws.cell(row=ws.max_row, column=3).fill = _FILL_INPUT
        none_dv.add(f"C{ws.max_row}")
    for f, title in unit_lists:
        _unit_sheet(wb, f, title, lists)
    wb.move_sheet(META, offset=len(wb.sheetnames))
    wb.save(path)


def _shown(f: Field, value):
    if value is None:
        return None
    if f.type == "bool":
        return YES if value else NO
    if f.type == "enum":
        return f.values.get(value, value)
    return value


def _add_validation(ws, f: Field, ref: str, lists: _Lists, cache: dict) -> None:
    """One DataValidation object per field kind and range (Excel caps their number per sheet)."""
    key = (f.type, f.min, f.max, tuple(f.values.values()) if f.values else None, f.label)
    dv = cache.get(key)
    if dv is None:
        dv = _validation(f, lists)
        if dv is None:
            return
        ws.add_data_validation(dv)
        cache[key] = dv
    dv.add(ref)


def _unit_sheet(wb, f: Field, title: str, lists: _Lists) -> None:
    ws = wb.create_sheet(title)
    subs = [f.item[f.key]] + [s for s in f.item if s.name != f.key]
    ws.append([f"{f.label}：每行一个单元（{f.item[f.key].label}必填，不能重复）；不清楚的项留空"])
    ws["A1"].font = _BOLD
    ws.append([s.label + (f"（{s.unit}）" if s.unit else "") for s in subs])
    ws.append([f"{f.name}.{s.name}" for s in subs])
    ws.append([accepted_text(s) for s in subs])
    for cell in ws[2]:
        cell.font, cell.fill, cell.border = _BOLD, _FILL_GROUP, _THIN
    for cell in ws[4]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first, last = 5, 4 + UNIT_ROWS
    cache: dict = {}
    for col, s in enumerate(subs, 1):
        letter = get_column_letter(col)
        for row in range(first, last + 1):
            ws.cell(row=row, column=col).fill = _FILL_INPUT
            ws.cell(row=row, column=col).border = _THIN
            if s.type == "date":
                ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        _add_validation(ws, s, f"{letter}{first}:{letter}{last}", lists, cache)
        ws.column_dimensions[letter].width = max(12, min(30, len(s.label) * 2 + 4))
    ws.freeze_panes = "B5"


def _columns(ws, widths) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row in ws.iter_rows(min_col=5, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
