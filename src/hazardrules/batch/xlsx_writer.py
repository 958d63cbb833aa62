"""``batch -o results.xlsx``: one worksheet row per input row, errors included, for people who work in Excel.

The columns are those of the Parquet output (the same flat row, :func:`.writers.parquet_row`) under
Chinese headers; a second sheet (列说明) pairs each header with its Parquet column name for programs.
The workbook is streamed (openpyxl write-only mode) into a temporary file that is renamed into place only
when the batch completes, like every other output.
"""

from __future__ import annotations

from ..errors import LoadError, diag

MAX_ROWS = 1_048_576 - 1  # Excel's sheet limit, less the header row
HEADERS = {  # Parquet column -> 中文表头
    "row": "行号", "where": "位置", "ok": "已判定", "record_id": "记录编号", "ruleset": "规则集", "edition": "版本",
    "version": "规则集版本", "digest": "规则集摘要", "inspection_date": "检查日期", "major_hazard": "存在重大事故隐患",
    "conclusion": "结论", "fired": "成立的规则", "undetermined": "无法判定的规则", "error": "错误代码",
    "message": "错误说明", "message_en": "错误说明（英文）", "detail": "其他（JSON）",
}
CONCLUSIONS = {"major_hazard": "存在重大事故隐患", "no_major_hazard": "未发现重大事故隐患", "incomplete": "未能得出结论"}
_WIDTHS = {"where": 28, "record_id": 24, "digest": 20, "conclusion": 18, "fired": 40, "undetermined": 40,
           "message": 60, "message_en": 60, "detail": 40}


class XlsxWriter:
    """Accepts the flat rows (lists of dicts, or Arrow tables from the columnar engine) of a batch."""

    def __init__(self, path: str, atomic):
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        if path == "-":
            raise LoadError(diag("xlsx_stdout", path, "Excel 工作簿不能写到标准输出，请给出文件名",
                                 "an Excel workbook cannot go to standard output; give a file name"))
        from .writers import _PARQUET_KEYS

        self.keys = _PARQUET_KEYS
        self.atomic = atomic(path)
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("判定结果")
        for i, key in enumerate(self.keys, start=1):
            self.sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(key, 12)
        self.sheet.freeze_panes = "A2"
        self.sheet.append([HEADERS[k] for k in self.keys])
        self.rows = 0

    def write(self, payload) -> None:
        for row in payload or ():
            self._append(row)

    def write_table(self, table) -> None:
        for row in table.to_pylist():
            self._append(row)

    def _append(self, row: dict) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise LoadError(diag("xlsx_too_many_rows", self.atomic.path,
                                 f"超过 Excel 单个工作表的行数上限（{MAX_ROWS:,} 行）；请输出为 .jsonl 或 .parquet",
                                 f"more rows than an Excel sheet holds ({MAX_ROWS:,}); write .jsonl or .parquet instead"))
        self.sheet.append([_cell(key, row.get(key)) for key in self.keys])

    def commit(self) -> None:
        legend = self.book.create_sheet("列说明")
        legend.append(["表头", "列名 (Parquet/JSONL)"])
        for key in self.keys:
            legend.append([HEADERS[key], key])
        self.book.save(self.atomic.tmp)
        self.atomic.commit()

    def abort(self) -> None:
        self.atomic.abort()


def _cell(key: str, value):
    if value is None:
        return None
    if key in ("fired", "undetermined"):
        return "、".join(value) if value else "无"
    if key in ("ok", "major_hazard"):
        return "是" if value else "否"
    if key == "conclusion":
        return CONCLUSIONS.get(value, value)
    return value
