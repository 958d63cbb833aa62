"""``hazardrules impact``: re-judge past records under two editions and say what would change."""

from __future__ import annotations

import click

from . import EXIT_BAD, EXIT_OK, engine_from, lang_option, say, say_lines


@click.command("impact")
@click.argument("ruleset_id")
@click.argument("records", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--from", "old", required=True, help="原版本，如 2020 / the edition in force when the records were made")
@click.option("--to", "new", required=True, help="新版本，如 2026 / the edition to adopt")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx", "html"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="写入文件（xlsx 必须给出）/ write to this file (required for xlsx)")
@click.option("--input-format", type=click.Choice(["jsonl", "csv", "parquet"]), default=None,
              help="输入格式（默认按扩展名）/ input format (default: from the suffix)")
@lang_option
@click.pass_context
def impact(ctx, ruleset_id, records, old, new, fmt, output, input_format):
    """修订影响：过去的检查记录按新旧两个版本分别判定，哪些结论会改变。Impact of adopting a new edition.

    每条记录在两个版本下强制判定（不论检查日期）；新版本通过 supersedes 对应旧条款，通过 renamed_from 沿用改名字段。
    Every record is judged under both editions (forced, whatever its date); rules are paired by supersedes and
    renamed fields carried over by renamed_from. Exit 0, or 2 for bad input (rows that cannot be read are listed).
    """
    from ..impact import compare_editions, read_records
    from ..paper import impact_files

    lang = ctx.obj["lang"]
    if fmt == "xlsx" and not output:
        raise click.UsageError("Excel 报告需要用 -o 指定文件名 / an Excel report needs -o FILE")
    for path in records:  # an unknown suffix is a usage error before any work
        from ..batch.sources import input_format as format_of

        format_of(path, input_format)
    result = compare_editions(engine_from(ctx), ruleset_id, old, new, read_records(list(records), input_format),
                              lang=lang)
    if fmt == "json":
        import orjson

        text = orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2).decode()
    elif fmt == "text":
        text = impact_files.render_text(result, lang)
    else:
        text = None
    if output:
        from pathlib import Path

        from ..atomic import atomic_path

        with atomic_path(output) as tmp:
            if fmt == "xlsx":
                impact_files.write_xlsx(result, tmp, lang)
            else:
                Path(tmp).write_text(text if text is not None else impact_files.render_html(result, lang), encoding="utf-8")
        say(f"已写入 {output}" if lang == "zh" else f"wrote {output}", err=True)
    else:
        say_lines(text if text is not None else impact_files.render_html(result, lang))
    ctx.exit(EXIT_BAD if result.errors else EXIT_OK)
