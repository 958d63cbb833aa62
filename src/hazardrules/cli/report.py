"""``hazardrules report``: supervision statistics from the case ledger (table, JSON, CSV, Excel or HTML)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..supervision import report as report_mod
from . import say, say_lines, settings_from
from .case import _DATE, db_option


@click.command("report")
@db_option
@click.option("--from", "start", type=_DATE, default=None, help="起始日期（发现日期）/ period start (found date)")
@click.option("--to", "end", type=_DATE, default=None, help="截止日期（默认今天）/ as-of date (default today)")
@click.option("--by", type=click.Choice(report_mod.GROUPINGS), default="none", show_default=True,
              help="分组：行业/地区/期间 / group by sector, region (city) or period")
@click.option("--period", type=click.Choice(report_mod.PERIODS), default="month", show_default=True)
@click.option("--region", default=None, help="行政区划代码前缀 / region code prefix")
@click.option("--sector", default=None, help="规则集编号 / ruleset id, e.g. coal-mine")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx", "html"]), default="table",
              show_default=True, help="xlsx/html：按月份、地区、行业三个视图并附图表 / by month, region and sector, with charts")
@click.option("--headers", type=click.Choice(["labels", "keys"]), default="labels", show_default=True,
              help="CSV 表头：中文名称（带 BOM，Excel 直接打开）或字段键名 / CSV headers: labels (with BOM) or keys")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="写入文件（xlsx 必须给出）/ write to this file (required for xlsx)")
@click.pass_context
def report(ctx, db_url, start, end, by, period, region, sector, fmt, headers, output):
    """整改率、重大隐患整改率、每千次检查重大隐患数、企业自查占比、逾期数、动态清零。Supervision report."""
    lang = (ctx.obj or {}).get("lang", "zh")
    if fmt == "xlsx" and not output:
        raise click.UsageError("Excel 报表需要用 -o 指定文件名 / an Excel report needs -o FILE")
    end_day = end.date() if end else date.today()
    if fmt in ("xlsx", "html"):
        from ..paper.report_files import compute_views

        views = compute_views(db_url, start=start.date() if start else None, end=end_day, region=region,
                              sector=sector, settings=settings_from(ctx))
        _write_file(views, fmt, output, lang)
        return
    rows = report_mod.compute(db_url, start=start.date() if start else None, end=end_day,
                              by=by, period=period, region=region, sector=sector,
                              settings=settings_from(ctx))
    text = report_mod.render(rows, fmt, lang, headers=headers)
    if output:
        from ..atomic import atomic_path

        with atomic_path(output) as tmp:
            Path(tmp).write_text(text + "\n", encoding="utf-8")
        say(f"已写入 {output}" if lang == "zh" else f"wrote {output}", err=True)
    elif text.startswith(report_mod.BOM):  # the mark passes as is; the rest is escaped like all terminal text
        click.echo(report_mod.BOM, nl=False)
        say_lines(text[1:])
    else:
        say_lines(text)


def _write_file(views, fmt: str, output: str | None, lang: str) -> None:
    from ..paper import report_files

    if fmt == "html" and not output:
        say_lines(report_files.render_html(views, lang))
        return
    from ..atomic import atomic_path

    with atomic_path(output) as tmp:
        if fmt == "xlsx":
            report_files.write_xlsx(views, tmp, lang)
        else:
            Path(tmp).write_text(report_files.render_html(views, lang), encoding="utf-8")
    say(f"已写入报表 {output}" if lang == "zh" else f"wrote {output}", err=True)
