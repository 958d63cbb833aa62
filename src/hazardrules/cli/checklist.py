"""``hazardrules checklist SECTOR`` — a blank record to fill in."""

from __future__ import annotations

from datetime import date

import click

from ..checklist import render_checklist
from ..records import normalize_facts
from . import engine_from, lang_option


@click.command()
@click.argument("ruleset_id")
@click.option("--edition", default=None, help="版本（默认今天施行的版本）/ edition (default: in force today)")
@click.option("--date", "on", default=None, help="按该日期选择版本 / pick the edition in force on this date (YYYY-MM-DD)")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
              help="已知事实，用于筛选适用章节 / known facts that select the sections that apply")
@lang_option
@click.pass_context
def checklist(ctx, ruleset_id, edition, on, sets):
    """生成空白检查记录。Print a blank inspection record for a sector."""
    engine = engine_from(ctx)
    day = None
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise click.BadParameter(f"{on!r}：应为 YYYY-MM-DD / expected YYYY-MM-DD", param_hint="--date") from None
    rs = engine.ruleset(ruleset_id, edition=edition, on=day)
    given = {}
    for item in sets:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}：应为 字段=值 / expected FIELD=VALUE", param_hint="--set")
        key, value = item.split("=", 1)
        given[key.strip()] = value.strip()
    facts = normalize_facts(given, rs.fields, "--set", coerce=True)
    click.echo(render_checklist(rs, facts, ctx.obj["lang"]), nl=False)
