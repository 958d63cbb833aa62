"""The supervision report as files people read: an Excel workbook with charts and one self-contained HTML page.

Both show the same views of :func:`hazardrules.supervision.report.compute` — by month, by region and by
sector, each with its total row — so the figures are the report's own, never recomputed here. Columns come
from ``report.COLUMNS``: a column added to the report appears in both files without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources

VIEWS = (  # grouping, sheet/section title (zh, en), first column heading (zh, en)
    ("period", ("按月份", "By month"), ("月份", "month")),
    ("region", ("按地区", "By region"), ("地区（市级代码）", "region (city code)")),
    ("sector", ("按行业", "By sector"), ("行业（规则集）", "sector (ruleset)")),
)
# the series drawn: (column key, zh, en) — rates in percent on one chart, counts on the other
_RATE_SERIES = ("rectification_rate_major", "major_closed_rate")
_COUNT_SERIES = ("found_major", "overdue")


@dataclass
class ReportViews:
    """Rows per view (the last row of each is the total), with the parameters they were computed for."""

    start: date | None
    end: date
    region: str | None
    sector: str | None
    views: dict[str, list[dict]]


def compute_views(db_url: str | None, *, end: date, start: date | None = None, region: str | None = None,
                  sector: str | None = None, settings=None) -> ReportViews:
    from ..supervision import report as report_mod

    views = {by: report_mod.compute(db_url, start=start, end=end, by=by, period="month", region=region,
                                    sector=sector, settings=settings)
             for by, _, _ in VIEWS}
    return ReportViews(start, end, region, sector, views)


def _columns(lang: str) -> list[tuple[str, str]]:
    from ..supervision.report import COLUMNS

    return [(key, zh if lang == "zh" else en) for key, zh, en in COLUMNS]


def _label(key: str, lang: str) -> str:
    return dict(_columns(lang))[key]


def _cell(value, lang: str, key: str = ""):
    """Spreadsheet value: numbers stay numbers; yes/no in words; 动态清零 未确定 said; missing rates empty (not zero)."""
    from ..supervision.report import UNDETERMINED

    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if value is None and key == "dynamic_clearance":
        return UNDETERMINED[lang]
    return value


def _title(rv: ReportViews, lang: str) -> tuple[str, str]:
    period = f"{rv.start.isoformat() if rv.start else '…'} — {rv.end.isoformat()}"
    scope = []
    if rv.region:
        scope.append(("地区 " if lang == "zh" else "region ") + rv.region)
    if rv.sector:
        scope.append(("行业 " if lang == "zh" else "sector ") + rv.sector)
    head = "重大事故隐患督办统计" if lang == "zh" else "Major accident hazards: supervision report"
    return head, "  ".join([("统计期间 " if lang == "zh" else "period ") + period] + scope)


def write_xlsx(rv: ReportViews, path: str, lang: str = "zh") -> None:
    """One sheet per view with a frozen header, widths to fit, and native charts (trend by month, by region)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = _columns(lang)
    head, sub = _title(rv, lang)
    wb = Workbook()
    wb.remove(wb.active)
    for by, titles, first in VIEWS:
        ws = wb.create_sheet(titles[0] if lang == "zh" else titles[1])
        ws.append([head])
        ws.append([sub])
        ws["A1"].font = Font(bold=True, size=14)
        header = [(first[0] if lang == "zh" else first[1])] + [label for key, label in columns if key != "group"]
        ws.append(header)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        rows = rv.views[by]
        for row in rows:
            ws.append([_cell(row[key], lang, key) for key, _ in columns])
        ws.freeze_panes = "B4"
        for i, text in enumerate(header, start=1):
            longest = max([len(str(text))] + [len(str(r[columns[i - 1][0]])) for r in rows])
            ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest * 1.8), 28)
        groups = len(rows) - 1  # the total row is not charted
        if by in ("period", "region") and groups > 0:
            chart = LineChart() if by == "period" else BarChart()
            chart.title = (("整改率趋势（按月）" if by == "period" else "各地区重大隐患整改率")
                           if lang == "zh" else ("Rectification trend by month" if by == "period"
                                                 else "Major rectification by region"))
            chart.y_axis.title = "%"
            keys = [key for key, _ in columns]
            for key in _RATE_SERIES:
                col = keys.index(key) + 1
                chart.add_data(Reference(ws, min_col=col, min_row=3, max_row=3 + groups), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=3 + groups))
            chart.height, chart.width = 8, 18
            ws.add_chart(chart, f"A{len(rows) + 6}")
            counts = BarChart()
            counts.title = "重大隐患与逾期数量" if lang == "zh" else "Major hazards and overdue cases"
            for key in _COUNT_SERIES:
                col = keys.index(key) + 1
                counts.add_data(Reference(ws, min_col=col, min_row=3, max_row=3 + groups), titles_from_data=True)
            counts.set_categories(Reference(ws, min_col=1, min_row=4, max_row=3 + groups))
            counts.height, counts.width = 8, 18
            ws.add_chart(counts, f"A{len(rows) + 24}")
    wb.properties.title = head
    wb.save(path)


def render_html(rv: ReportViews, lang: str = "zh") -> str:
    """One self-contained page: inline CSS, tables and inline SVG charts; nothing is fetched when it is viewed."""
    import jinja2

    from .svg_charts import bar_chart, line_chart

    columns = _columns(lang)
    head, sub = _title(rv, lang)
    sections = []
    for by, titles, first in VIEWS:
        rows = rv.views[by]
        groups = rows[:-1]
        labels = [r["group"] for r in groups]
        charts = []
        if by in ("period", "region") and groups:
            draw = line_chart if by == "period" else bar_chart
            charts.append(draw(("整改率（%）" if lang == "zh" else "Rectification (%)"), labels,
                               [(_label(k, lang), [r[k] for r in groups]) for k in _RATE_SERIES]))
            charts.append(bar_chart(("重大隐患与逾期（件）" if lang == "zh" else "Major hazards and overdue (cases)"),
                                    labels, [(_label(k, lang), [r[k] for r in groups]) for k in _COUNT_SERIES]))
        sections.append({
            "title": titles[0] if lang == "zh" else titles[1],
            "header": [first[0] if lang == "zh" else first[1]] + [label for key, label in columns if key != "group"],
            "rows": [[_text(r[key], lang, key) for key, _ in columns] for r in rows],
            "charts": charts,
        })
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             loader=jinja2.FunctionLoader(_template))
    return env.get_template("report.html.j2").render(lang=lang, title=head, subtitle=sub, sections=sections,
                                                      note=_NOTE[lang])


def _text(value, lang: str, key: str = "") -> str:
    value = _cell(value, lang, key)
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def _template(name: str) -> str:
    return resources.files("hazardrules.paper").joinpath("templates", name).read_text(encoding="utf-8")


_NOTE = {
    "zh": "口径说明：整改率、每千次检查重大隐患数等指标的计算方法见 docs/supervision.md；“—”表示分母为零，无法计算。",
    "en": "Definitions of every figure are in docs/supervision.md; '—' means the figure has nothing to divide by.",
}
