"""``hazardrules batch INPUT... -o OUTPUT`` — judge large files, one output row per input row.

退出码 / exit status: 0 every row was judged; 2 at least one row failed (its error object is in the
output) or the command could not run; with ``--fail-on-hazard``, when every row was judged: 1 when at
least one has a major accident hazard, else 3 when at least one is incomplete (未能得出结论).
"""

from __future__ import annotations

import os

import click
import orjson

from . import EXIT_BAD, EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, lang_option, say_lines


def _auto_engine(inputs: list[str], input_format: str | None) -> str:
    """``--engine auto``: whole columns when every input is Parquet (typed columns, read in batches — measured
    faster there); per record for JSONL and CSV, where parsing rows dominates and the columnar engine is slower
    (docs/speed.md). An unknown suffix goes to the Python engine, which reports it."""
    from ..batch.sources import input_format as format_of
    from ..errors import HazardRulesError

    try:
        formats = {format_of(p, input_format) for p in inputs}
    except HazardRulesError:
        return "python"
    return "columnar" if formats == {"parquet"} else "python"


class _Workers(click.ParamType):
    name = "N|auto"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value == "auto":
            return value
        try:
            n = int(value)
        except ValueError:
            n = 0
        if not 1 <= n <= 256:
            self.fail(f"{value!r}：应为 1～256 的整数或 auto / expected a whole number from 1 to 256, or auto", param, ctx)
        return n


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="输出文件 .jsonl、.parquet 或 .xlsx（- 为标准输出）/ output file .jsonl, .parquet or .xlsx (- for stdout)")
@click.option("--workers", "-j", type=_Workers(), default="auto", show_default=True,
              help="工作进程数上限；auto：每核一个，输入足够大时才启用多进程 / at most this many worker processes; "
                   "auto: one per core; processes start only when the input is large enough to gain from them")
@click.option("--engine", "engine_name", type=click.Choice(["auto", "python", "columnar"]), default="auto", show_default=True,
              help="auto：Parquet 整列判定，JSONL/CSV 逐条判定（汇总中写明所用引擎）；python：逐条流式判定；columnar：整列判定（Polars）/ "
                   "auto: whole columns for Parquet, per record for JSONL/CSV (the summary names the engine used); "
                   "python: per-record streaming; columnar: whole columns (Polars)")
@click.option("--detail", type=click.Choice(["summary", "full"]), default="summary", show_default=True,
              help="summary：结论和规则编号；full：完整判定（含依据和说明，较慢）/ verdict and rule ids, or the full determination")
@click.option("--edition", default=None, help="指定标准版本（默认按检查日期选择）/ force an edition")
@click.option("--input-format", type=click.Choice(["jsonl", "csv", "parquet", "xlsx"]), default=None,
              help="输入格式（默认按扩展名）/ input format (default: from the suffix)")
@click.option("--output-format", type=click.Choice(["jsonl", "parquet", "xlsx"]), default=None,
              help="输出格式（默认按扩展名）/ output format (default: from the suffix)")
@click.option("--progress/--no-progress", default=None,
              help="在 stderr 显示进度（默认：终端时显示）/ progress bar on stderr (default: when it is a terminal)")
@click.option("--summary-json", type=click.Path(dir_okay=False), default=None,
              help="把汇总写成 JSON 文件 / also write the summary as JSON")
@click.option("--fail-on-hazard", is_flag=True,
              help="发现重大事故隐患时退出码为 1，否则有未能得出结论的行时为 3 / exit 1 on a major hazard, else 3 on an incomplete row")
@click.option("--chunk-size", type=click.IntRange(1, 1_000_000), default=1000, hidden=True)
@lang_option
@click.pass_context
def batch(ctx, inputs, output, workers, engine_name, detail, edition, input_format, output_format, progress,
          summary_json, fail_on_hazard, chunk_size):
    """批量判定：每输入一行输出一行（判定或错误对象），顺序不变。Judge files of records, one output row per input row.

    输入 / input: JSONL、CSV、Parquet（可混合多个行业，每行写明 ruleset），或填好的 Excel 检查表（.xlsx 文件，或装有检查表的文件夹：
    每个工作簿一条记录）/ or filled Excel checklists (.xlsx files, or a folder of them: one record per workbook).
    退出码 / exit: 0 全部判定 all rows judged; 2 有行出错 some row failed (see its error object);
    --fail-on-hazard 时 1 = 发现重大事故隐患 a major hazard was found, 3 = 有未能得出结论的行 some row incomplete.
    """
    from ..batch import Options, run_batch
    from ..batch.runner import stderr_is_tty, terminate_as_interrupt
    from ..batch.sources import expand_inputs
    from ..batch.writers import refuse_output_among_inputs

    inputs = expand_inputs(list(inputs))  # a folder of filled checklists: each workbook in it
    if summary_json:
        refuse_output_among_inputs(summary_json, list(inputs), option="--summary-json")
        if output != "-" and os.path.abspath(summary_json) == os.path.abspath(output):
            raise click.UsageError("--summary-json 不能与 -o 相同 / --summary-json must differ from -o")
    terminate_as_interrupt()

    lang = ctx.obj["lang"]
    show = stderr_is_tty() if progress is None else progress
    options = Options(rules_dir=ctx.obj.get("rules_dir"), edition=edition, detail=detail, lang=lang)
    chosen = engine_name if engine_name != "auto" else ("python" if detail == "full" else _auto_engine(list(inputs), input_format))
    if chosen == "columnar":
        from ..columnar.batch import run_columnar

        summary = run_columnar(list(inputs), output, options=options, input_fmt=input_format, output_fmt=output_format,
                               progress=show, workers=1 if workers == "auto" else workers)
    else:
        summary = run_batch(list(inputs), output, workers=workers, options=options, input_fmt=input_format,
                            output_fmt=output_format, progress=show, chunk_size=chunk_size)
    if engine_name == "auto":
        summary.engine = f"{summary.engine}（auto）" if lang == "zh" else f"{summary.engine} (auto)"
    say_lines(summary.render(lang), err=True)
    if summary_json:
        with open(summary_json, "wb") as handle:
            handle.write(orjson.dumps(summary.to_dict(), option=orjson.OPT_INDENT_2) + b"\n")
    if summary.errors:
        ctx.exit(EXIT_BAD)
    if not fail_on_hazard:
        ctx.exit(EXIT_OK)
    ctx.exit(EXIT_FOUND if summary.major else (EXIT_INCOMPLETE if summary.incomplete else EXIT_OK))
