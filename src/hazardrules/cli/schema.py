"""``hazardrules schema``: the JSON Schemas of the ruleset format, the policy format and a record of an edition."""

from __future__ import annotations

import click

from . import engine_from, lang_option


@click.group("schema")
def schema():
    """JSON Schema：规则集格式、监管策略格式、某版本的检查记录。JSON Schemas for editors and integrators."""


def _emit(data: dict, output: str | None) -> None:
    from ..json_schemas import dumps

    if output:
        from ..atomic import atomic_path

        with atomic_path(output) as tmp, open(tmp, "wb") as handle:
            handle.write(dumps(data))
        return
    click.echo(dumps(data).decode(), nl=False)


_OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                       help="写入文件（默认标准输出）/ write to this file (default: stdout)")


@schema.command("ruleset")
@_OUTPUT
def ruleset_cmd(output):
    """规则集文件（根文件或分文件）的 JSON Schema。The ruleset file format."""
    from ..json_schemas import ruleset_schema

    _emit(ruleset_schema(), output)


@schema.command("policy")
@_OUTPUT
def policy_cmd(output):
    """监管策略文件的 JSON Schema。The supervision policy format."""
    from ..json_schemas import policy_schema

    _emit(policy_schema(), output)


@schema.command("record")
@click.argument("ruleset_id")
@click.option("--edition", default=None, help="版本（默认：今日施行的版本）/ edition (default: in force today)")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="按此检查日期选择版本 / the edition in force on this inspection date")
@_OUTPUT
@lang_option
@click.pass_context
def record_cmd(ctx, ruleset_id, edition, on, output):
    """某版本检查记录的 JSON Schema（标题为中文名称，适用范围事实在前）。A record of one edition."""
    from ..json_schemas import record_schema_file

    if edition and on:
        raise click.UsageError("--edition 与 --date 只能给一个 / give --edition or --date, not both")
    rs = engine_from(ctx).ruleset(ruleset_id, edition=edition, on=on.date() if on else None)
    _emit(record_schema_file(rs, ctx.obj["lang"]), output)
