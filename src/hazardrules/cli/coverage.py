"""``hazardrules coverage``: item by item of the document, the rules that encode it and the examples testing them."""

from __future__ import annotations

import click

from . import engine_from, lang_option, say_lines


@click.command("coverage")
@click.argument("ruleset_id")
@click.option("--edition", default=None, help="版本（默认：今日施行的版本）/ edition (default: in force today)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@click.pass_context
def coverage(ctx, ruleset_id, edition, fmt):
    """条款覆盖：标准逐项由哪些规则编码、有多少示例、哪些未编码。Clause coverage of an edition."""
    import orjson

    from ..coverage import coverage as compute
    from ..coverage import render

    cov = compute(engine_from(ctx).ruleset(ruleset_id, edition=edition))
    say_lines(orjson.dumps(cov.to_dict(), option=orjson.OPT_INDENT_2).decode() if fmt == "json"
              else render(cov, ctx.obj["lang"]))
