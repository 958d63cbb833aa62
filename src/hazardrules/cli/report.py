"""``hazardrules report``: supervision statistics from the case ledger (table, JSON or CSV)."""

from __future__ import annotations

from datetime import date

import click

from ..supervision import report as report_mod
from . import say_lines, settings_from
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
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def report(ctx, db_url, start, end, by, period, region, sector, fmt):
    """整改率、重大隐患整改率、每千次检查重大隐患数、企业自查占比、逾期数、动态清零。Supervision report."""
    rows = report_mod.compute(db_url, start=start.date() if start else None, end=end.date() if end else date.today(),
                              by=by, period=period, region=region, sector=sector,
                              settings=settings_from(ctx))
    say_lines(report_mod.render(rows, fmt, (ctx.obj or {}).get("lang", "zh")))
