"""The ``hazardrules`` command line: a thin layer over the library facade.

Exit codes (documented in the README): 0 ok / no major hazard, 1 a major hazard found or an example
failed, 2 bad input, bad ruleset or usage error, 3 incomplete (no finding, but some rule could not be
decided: never reported as clean), 4 internal error (a bug: one line says so and names the file
holding the traceback), 130 interrupted (Ctrl-C), 141 the reader of the output closed it (``| head``: no message). Errors print one clear message on stderr, never a
traceback.
"""

from __future__ import annotations

import importlib
import sys

import click
from click.utils import make_default_short_help

from ..errors import HazardRulesError

EXIT_OK, EXIT_FOUND, EXIT_BAD, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_INTERNAL, EXIT_INTERRUPTED = 4, 130  # a bug (one line says so and where the details are); Ctrl-C
EXIT_PIPE_CLOSED = 141  # the reader of our output went away (``| head``): 128 + SIGPIPE, as the shell reports it


# --- Command registry: every command is imported only when it is invoked ------------------------------
#
# HOW TO ADD A COMMAND (all contributors — the CLI must start at once, `hazardrules --help` in ~0.1 s):
#   1. Write it in a module of this package with a plain ``@click.command("name")`` or ``@click.group("name")``.
#      Never ``@main.command``: that forces the module to be imported whenever the CLI starts.
#      Heavy imports (engine, compile, pydantic, polars, duckdb, sqlalchemy, ...) go inside the function or at
#      the top of *that* module, which is imported only when its command runs.
#   2. Add one line to COMMANDS: name -> ("hazardrules.cli.<module>:<function>", "short help for --help").
#      The short help is shown by ``hazardrules --help`` without importing the module; keep it equal to the
#      first line of the command's docstring (tests/test_cli_lazy.py checks that, that every entry imports
#      and that ``--help`` imports no heavy module).
#   3. Helpers shared by commands (EXIT_*, engine_from, lang_option) live here and import nothing heavy.
COMMANDS: dict[str, tuple[str, str]] = {
    "batch": ("hazardrules.cli.batch:batch",
              "批量判定：每输入一行输出一行（判定或错误对象），顺序不变。Judge files of records, one output row per input row."),
    "case": ("hazardrules.cli.case:case", "督办案件：列表、详情、整改、复核、销号、重新打开、逾期巡查。Supervision cases."),
    "check": ("hazardrules.cli.check:check", "检查记录是否存在重大事故隐患。Check inspection records for major accident hazards."),
    "checklist": ("hazardrules.cli.checklist:checklist", "生成空白检查记录。Print a blank inspection record for a sector."),
    "coverage": ("hazardrules.cli.coverage:coverage",
                 "条款覆盖：标准逐项由哪些规则编码、有多少示例、哪些未编码。Clause coverage of an edition."),
    "diff": ("hazardrules.cli.rulesets:diff", "比较两个版本：新增、删除、修改的规则。Show what changed between two editions."),
    "explain": ("hazardrules.cli.rulesets:explain", "说明一条规则：出处、适用条件、判定条件、字段与示例。Explain one rule."),
    "impact": ("hazardrules.cli.impact:impact",
               "修订影响：过去的检查记录按新旧两个版本分别判定，哪些结论会改变。Impact of adopting a new edition."),
    "lint": ("hazardrules.cli.lint:lint",
             "规则集检查：阈值边界示例（并给出建议示例）、数量用语、未用字段、重复等。Lint rulesets beyond validity."),
    "report": ("hazardrules.cli.report:report",
               "整改率、重大隐患整改率、每千次检查重大隐患数、企业自查占比、逾期数、动态清零。Supervision report."),
    "schema": ("hazardrules.cli.schema:schema",
               "JSON Schema：规则集格式、监管策略格式、某版本的检查记录。JSON Schemas for editors and integrators."),
    "serve": ("hazardrules.cli.serve:serve", "启动 HTTP 服务（OpenAPI 文档见 /docs）。Run the HTTP service (OpenAPI at /docs)."),
    "tier": ("hazardrules.cli.tier:tier", "管控等级：按 LEC 或 LS 评价值和辖区策略给出红橙黄蓝。Control tier from an LEC or LS assessment."),
    "token": ("hazardrules.cli.token:token", "服务令牌：创建、列表、吊销。API tokens for hazardrules serve."),
    "rulesets": ("hazardrules.cli.rulesets:rulesets_cmd", "列出规则集及其版本。List rulesets, editions and rule counts."),
    "test": ("hazardrules.cli.rulesets:test_cmd", "运行规则集中的示例。Run the examples written inside the rulesets."),
    "validate": ("hazardrules.cli.rulesets:validate", "校验规则集（结构、字段、条件类型、示例覆盖）。Validate rulesets."),
}


def load_command(name: str) -> click.Command:
    """Import the module of one registered command and return the command."""
    module, attr = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(module), attr)


class _Main(click.Group):
    """The command group: lazy commands (see COMMANDS) and every HazardRulesError as a message + exit 2."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name in COMMANDS:
            command = load_command(name)
        return command

    def format_commands(self, ctx, formatter):
        """The command list from the registry's short help, so ``--help`` imports no command module."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS and name not in self.commands:
                rows.append((name, make_default_short_help(COMMANDS[name][1], limit)))
            else:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx):
        lang = (ctx.obj or {}).get("lang", "zh")
        try:
            return super().invoke(ctx)
        except HazardRulesError as exc:
            click.echo(exc.render((ctx.obj or {}).get("lang", lang)), err=True)
            ctx.exit(EXIT_BAD)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise  # click's own: usage errors exit 2, --help and ctx.exit() exit as asked
        except KeyboardInterrupt:
            click.echo("\n已中断 / interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            ctx.exit(EXIT_PIPE_CLOSED)
        except Exception:  # noqa: BLE001 - a bug: never exit 1 ("major hazard found"), never a bare traceback
            where = _write_crash_report()
            if (ctx.obj or {}).get("lang", lang) == "en":
                line = f"internal error: this is a bug in hazardrules, please report it; details: {where}"
            else:
                line = f"内部错误：这是 hazardrules 的缺陷，请报告；详情：{where}"
            click.echo(line, err=True)
            ctx.exit(EXIT_INTERNAL)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null: the reader is gone, and the final flush at exit must not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (a test runner's buffer): nothing to flush
        pass


def _write_crash_report() -> str:
    """The traceback, into ``$HAZARDRULES_CRASH_DIR`` (default: the temp directory); returns where it went.

    If the file cannot be written the traceback goes to stderr after all, so the details are never lost.
    """
    import os
    import tempfile
    import time
    import traceback

    text = f"hazardrules internal error, {time.strftime('%Y-%m-%d %H:%M:%S')}, argv: {sys.argv!r}\n" + traceback.format_exc()
    folder = os.environ.get("HAZARDRULES_CRASH_DIR") or tempfile.gettempdir()
    try:
        fd, path = tempfile.mkstemp(prefix="hazardrules-crash-", suffix=".txt", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path
    except OSError:
        sys.stderr.write(text)
        return "stderr"


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), envvar="HAZARDRULES_RULES",
              help="规则集目录（默认：随包安装的规则集）/ rulesets directory (default: the shipped ones)")
@click.option("--lang", type=click.Choice(["zh", "en"]), envvar="HAZARDRULES_LANG", default="zh", show_default=True,
              help="输出语言 / output language")
@click.option("--jurisdiction", envvar="HAZARDRULES_JURISDICTION", default=None, metavar="POLICY",
              help="默认辖区：记录无行政区划代码时采用的监管策略（如 inner-mongolia）；不设则层级为未确定 / "
                   "default jurisdiction (policy id) for records without a region code; unset = undetermined")
@click.version_option(package_name="hazardrules")
@click.pass_context
def main(ctx, rules_dir, lang, jurisdiction):
    """hazardrules —— 重大事故隐患判定。Determine major accident hazards (重大事故隐患) by the official standards."""
    ctx.ensure_object(dict)
    ctx.obj["rules_dir"] = rules_dir
    ctx.obj["lang"] = lang
    ctx.obj["jurisdiction"] = jurisdiction


def settings_from(ctx):
    """Supervision settings of this invocation: ``--rules`` reaches the policies and the holiday
    calendar in that directory; ``--jurisdiction`` is the user's default jurisdiction."""
    from ..supervision.context import Settings

    obj = ctx.find_root().obj or {}
    return Settings.resolve(Settings(rules_dir=obj.get("rules_dir"), jurisdiction=obj.get("jurisdiction")))


def say(text="", **kwargs) -> None:
    """``click.echo`` of one line of text output, with control characters from data escaped."""
    from ..text import safe_text

    click.echo(safe_text(text), **kwargs)


def say_lines(text: str, **kwargs) -> None:
    """``click.echo`` of a block of text output: its own line breaks kept, every other control escaped."""
    from ..text import safe_lines

    click.echo(safe_lines(text), **kwargs)


def engine_from(ctx):
    from ..engine import Engine

    return Engine(ctx.obj.get("rules_dir"))


def lang_option(fn):
    """A per-command --lang that overrides the group's."""

    def callback(ctx, param, value):
        if value:
            ctx.obj["lang"] = value
        return value

    return click.option("--lang", type=click.Choice(["zh", "en"]), default=None, expose_value=False,
                        callback=callback, help="输出语言 / output language")(fn)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
