"""``hazardrules lint``: findings beyond validity (boundary examples with proposals, number words, unused
fields, impossible comparisons, duplicates) for rulesets, as text or JSON for CI."""

from __future__ import annotations

import click

from . import EXIT_BAD, EXIT_FOUND, EXIT_OK, lang_option, say


@click.command("lint")
@click.argument("rulesets", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show-info", is_flag=True, help="也列出提示级（info）的发现 / also list info findings")
@lang_option
@click.pass_context
def lint(ctx, rulesets, fmt, show_info):
    """规则集检查：阈值边界示例（并给出建议示例）、数量用语、未用字段、重复等。Lint rulesets beyond validity.

    RULESETS 可为规则集或监管策略编号（默认全部）/ ruleset or policy ids (default: all).

    退出码 / exit: 0 无警告 no warnings; 1 有警告 warnings found; 2 规则集有错误 a ruleset does not compile.
    """
    import orjson

    from ..lint import lint_ruleset
    from .rulesets import _compile_paths

    lang = ctx.obj["lang"]
    compiled, policies, errors = _compile_paths(ctx, [], with_policies=True)
    wanted = set(rulesets)
    unknown = wanted - {rs.id for rs in compiled} - {p.id for p in policies}
    if unknown:
        raise click.UsageError(f"没有规则集或监管策略 / no such ruleset or policy: {', '.join(sorted(unknown))}")
    findings = [f for rs in compiled if not wanted or rs.id in wanted for f in lint_ruleset(rs)]
    findings += [f for pol in policies if not wanted or pol.id in wanted for f in _policy_findings(ctx, pol)]
    warnings = sum(f.severity == "warning" for f in findings)
    if fmt == "json":
        click.echo(orjson.dumps({"findings": [f.to_dict() for f in findings], "warnings": warnings,
                                 "infos": len(findings) - warnings, "broken": [b.label for b in errors]},
                                option=orjson.OPT_INDENT_2).decode())
    else:
        for f in findings:
            if f.severity == "info" and not show_info:
                continue
            mark = click.style("!", fg="yellow") if f.severity == "warning" else click.style("i", fg="blue")
            head = f"{f.where}: {f.rule + ': ' if f.rule else ''}{f.zh if lang == 'zh' else f.en}"
            click.echo(f"{mark} {head}")
            if f.proposal:
                say("    建议补充的示例（结果为规则现在给出的结果，请核对）：" if lang == "zh"
                    else "    proposed examples (the outcome is what the rule gives now: confirm it):")
                for line in f.proposal.splitlines():
                    say(f"      {line}")
        for broken in errors:
            broken.say(lang)
        infos = len(findings) - warnings
        say(f"{warnings} 个警告，{infos} 个提示" + (f"，{len(errors)} 个规则集有错误" if errors else "")
            if lang == "zh" else f"{warnings} warnings, {infos} infos" + (f", {len(errors)} broken" if errors else ""))
    ctx.exit(EXIT_BAD if errors else (EXIT_FOUND if warnings else EXIT_OK))


def _policy_findings(ctx, pol):
    """Supervision policies are linted too: rules no example fires, declared facts no rule reads, no examples."""
    from ..lint import Finding
    from ..supervision.examples import lint_policy
    from .rulesets import _calendar

    return [Finding("warning", "policy", pol.id, pol.version, where, "", zh, en)
            for where, zh, en in lint_policy(pol, _calendar(ctx))]
