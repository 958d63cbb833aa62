"""``hazardrules checklist SECTOR`` — a blank record to fill in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..checklist import inspection_day_for, render_checklist
from ..errors import EditionNotEncoded, diag
from ..records import normalize_facts
from . import engine_from, lang_option


@click.command()
@click.argument("ruleset_id")
@click.option("--edition", default=None, help="版本（默认今天施行的版本）/ edition (default: in force today)")
@click.option("--date", "on", default=None, help="按该日期选择版本 / pick the edition in force on this date (YYYY-MM-DD)")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
              help="已知事实，用于筛选适用章节 / known facts that select the sections that apply")
@click.option("--format", "fmt", type=click.Choice(["yaml", "xlsx"]), default="yaml", show_default=True,
              help="格式：YAML 记录或 Excel 检查表 / a YAML record or an Excel workbook")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="输出文件（xlsx 必须指定）/ output file (required for xlsx)")
@lang_option
@click.pass_context
def checklist(ctx, ruleset_id, edition, on, sets, fmt, output):
    """生成空白检查记录。Print a blank inspection record for a sector."""
    engine = engine_from(ctx)
    day = None
    if on:
        from ..records import parse_date

        day = parse_date(on)
        if day is None:
            raise click.BadParameter(f"{on!r}：应为 YYYY-MM-DD / expected YYYY-MM-DD", param_hint="--date")
    try:
        rs = engine.ruleset(ruleset_id, edition=edition, on=day)
    except EditionNotEncoded as exc:
        raise _suggest_edition(engine, ruleset_id, exc) from None
    given = {}
    for item in sets:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}：应为 字段=值 / expected FIELD=VALUE", param_hint="--set")
        key, value = item.split("=", 1)
        key, value = key.strip(), value.strip()
        field = rs.fields.get(key)
        # a list of units can only be given as "none of this kind" (e.g. --set cranes=[]); units go in the record
        given[key] = [] if field is not None and field.type == "list" and value in ("[]", "无", "none") else value
    facts = normalize_facts(given, rs.fields, "--set", coerce=True)
    if fmt == "xlsx":
        if not output:
            raise click.UsageError("Excel 检查表需要 -o 文件名.xlsx / an Excel checklist needs -o FILE.xlsx")
        from ..atomic import atomic_path
        from ..paper.xlsx_checklist import write_checklist_xlsx

        with atomic_path(output) as tmp:
            write_checklist_xlsx(rs, facts, tmp, inspection_day=inspection_day_for(rs, day))
        click.echo(f"已写入 {output}" if ctx.obj["lang"] == "zh" else f"wrote {output}", err=True)
        return
    text = render_checklist(rs, facts, ctx.obj["lang"], day=day)
    if output:
        from ..atomic import atomic_path

        with atomic_path(output) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
        return
    click.echo(text, nl=False)


def _suggest_edition(engine, ruleset_id: str, exc: EditionNotEncoded) -> EditionNotEncoded:
    """The edition in force is not encoded: say so, and give the command that prints an encoded edition's blank."""
    latest = engine.editions(ruleset_id)[-1]
    d = exc.diagnostics[0]
    cmd = f"hazardrules checklist {ruleset_id} --edition {latest.edition}"
    return EditionNotEncoded(diag(d.code, d.where, f"{d.zh}\n生成已编码版本的检查表（检查日期将写在该版本施行期内）：{cmd}",
                                  f"{d.en}\nFor a blank of an encoded edition (dated inside that edition): {cmd}"))
