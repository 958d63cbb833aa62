"""The ``hazardrules`` command line: a thin layer over the library facade.

Exit codes (documented in the README): 0 ok / no major hazard, 1 a major hazard found or an example
failed, 2 bad input, bad ruleset or usage error. Errors print one clear message on stderr, never a
traceback.
"""

from __future__ import annotations

import sys

import click

from ..errors import HazardRulesError

EXIT_OK, EXIT_FOUND, EXIT_BAD = 0, 1, 2


class _Main(click.Group):
    """Turns every HazardRulesError into a message on stderr and exit status 2.

    Command groups with heavy imports (the ledger's SQLAlchemy, the columnar back end) are imported
    only when invoked, so ``hazardrules check`` starts without them.
    """

    lazy = {"case": "hazardrules.cli.case:case", "report": "hazardrules.cli.report:report",
            "batch": "hazardrules.cli.batch:batch"}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name in self.lazy:
            module, attr = self.lazy[name].split(":")
            command = getattr(__import__(module, fromlist=[attr]), attr)
        return command

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HazardRulesError as exc:
            lang = (ctx.obj or {}).get("lang", "zh")
            click.echo(exc.render(lang), err=True)
            ctx.exit(EXIT_BAD)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), envvar="HAZARDRULES_RULES",
              help="规则集目录（默认：随包安装的规则集）/ rulesets directory (default: the shipped ones)")
@click.option("--lang", type=click.Choice(["zh", "en"]), envvar="HAZARDRULES_LANG", default="zh", show_default=True,
              help="输出语言 / output language")
@click.version_option(package_name="hazardrules")
@click.pass_context
def main(ctx, rules_dir, lang):
    """hazardrules —— 重大事故隐患判定。Determine major accident hazards (重大事故隐患) by the official standards."""
    ctx.ensure_object(dict)
    ctx.obj["rules_dir"] = rules_dir
    ctx.obj["lang"] = lang


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


from . import check, checklist, rulesets  # noqa: E402,F401  (these commands register themselves)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
