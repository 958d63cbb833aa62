"""Regulator commands: ``rulesets``, ``validate``, ``test``, ``explain``, ``diff``."""

from __future__ import annotations

from pathlib import Path

import click

from ..text import safe_text
from . import EXIT_BAD, EXIT_FOUND, EXIT_OK, engine_from, lang_option, say, say_lines


@click.command("rulesets")
@lang_option
@click.pass_context
def rulesets_cmd(ctx):
    """列出规则集及其版本。List rulesets, editions and rule counts."""
    from ..listing import all_summaries  # not the engine: listing compiles nothing and imports little

    lang = ctx.obj["lang"]
    broken: list = []
    for rs in all_summaries(ctx.obj.get("rules_dir"), broken):
        title = rs.title if lang == "zh" else (rs.title_en or rs.title)
        until = rs.effective_to or ("至今" if lang == "zh" else "now")
        partial = ""
        if rs.partial:
            partial = (f"  [部分编码：{rs.clauses_total} 条中已编码 {rs.clauses_encoded} 条]" if lang == "zh"
                       else f"  [partial: {rs.clauses_encoded} of {rs.clauses_total} clauses encoded]")
        say(f"{rs.id:<22} {rs.edition:<6} v{rs.version:<8} {rs.rule_count:>4} "
            f"{'条规则' if lang == 'zh' else 'rules'}  {rs.effective_from}–{until}  {title}（{rs.document}）{partial}")
    for rid, error in broken:  # listed after the others, which are still usable
        click.echo(click.style("✗ ", fg="red") + error.render(lang), err=True)
    if broken:
        ctx.exit(EXIT_BAD)


class Broken:
    """A file or edition that could not be read or compiled: what it is, and every problem found in it."""

    def __init__(self, label: str, exc):
        self.label, self.exc = label, exc

    def say(self, lang: str) -> None:
        n = len(self.exc.diagnostics)
        head = f"{self.label}：{n} 个错误" if lang == "zh" else f"{self.label}: {n} error{'s' * (n != 1)}"
        click.echo(click.style("✗ ", fg="red") + safe_text(head), err=True)
        for d in self.exc.diagnostics:
            click.echo("    " + d.render(lang), err=True)  # render escapes control characters itself


def _compile_paths(ctx, paths, *, with_policies: bool = False):
    """Compile every edition (and policy) under ``paths``; a broken file or edition is reported (all its
    problems), never stops the others."""
    from ..catalog import scan
    from ..compile import compile_ruleset
    from ..errors import HazardRulesError
    from ..supervision.policy import load_policy_doc  # supervision validates its own documents

    roots = [Path(p) for p in paths] or [engine_from(ctx).rules_dir]
    unreadable: list = []
    editions, policy_docs = scan(roots, errors=unreadable)
    errors = [Broken(_file_of(exc), exc) for exc in unreadable]
    compiled, policies = [], []
    for e in editions:
        try:
            compiled.append(compile_ruleset(e.root, e.parts))
        except HazardRulesError as exc:
            errors.append(Broken(f"{e.root.data.get('ruleset')} {e.root.data.get('edition')}  {e.root.path}", exc))
    for doc in policy_docs:
        try:
            policies.append(load_policy_doc(doc))
        except HazardRulesError as exc:
            errors.append(Broken(f"{doc.data.get('policy')}  {doc.path}", exc))
    return (compiled, policies, errors) if with_policies else (compiled, errors)


def _file_of(exc) -> str:
    """The file a load error is about: the place of its first diagnostic without line and column."""
    where = exc.diagnostics[0].where if exc.diagnostics else ""
    return where.split(":", 1)[0] if where else "?"


def say_marked(mark: str, text: str) -> None:
    """A styled ✓/!/✗ mark (our own escape codes) before a line of data-bearing text (escaped)."""
    from ..text import safe_text

    click.echo(f"{mark} {safe_text(text)}")


def _calendar(ctx):
    """The holiday calendar of the rules directory in use (working-day deadlines in examples)."""
    from ..supervision.calendar import load_calendar

    return load_calendar(engine_from(ctx).rules_dir)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--strict", is_flag=True, help="把覆盖率警告当作错误 / treat lint warnings as errors")
@lang_option
@click.pass_context
def validate(ctx, paths, strict):
    """校验规则集（结构、字段、条件类型、示例覆盖）。Validate rulesets."""
    from ..examples import lint

    lang = ctx.obj["lang"]
    compiled, policies, errors = _compile_paths(ctx, paths, with_policies=True)
    warnings = 0
    for rs in compiled:
        found = lint(rs)
        warnings += len(found)
        mark = click.style("✓", fg="green") if not found else click.style("!", fg="yellow")
        say_marked(mark, f"{rs.id} {rs.edition}：{len(rs.rules)} 条规则，{len(rs.elements)} 个要素，{len(rs.fields)} 个字段  {rs.path}"
                   if lang == "zh" else f"{rs.id} {rs.edition}: {len(rs.rules)} rules, {len(rs.elements)} elements, "
                   f"{len(rs.fields)} fields  {rs.path}")
        for w in found:
            say(f"    {w.where}: {w.rule}: {w.zh if lang == 'zh' else w.en}")
    from ..supervision.examples import lint_policy

    for pol in policies:  # supervision policies get the same treatment
        found = lint_policy(pol, _calendar(ctx))
        warnings += len(found)
        mark = click.style("✓", fg="green") if not found else click.style("!", fg="yellow")
        say_marked(mark, f"监管策略 {pol.id}：{len(pol.rules)} 条适用规则，{len(pol.offered)} 条待采纳的假设，"
                   f"{len(pol.declared)} 个声明事实，{len(pol.examples)} 个示例" if lang == "zh" else
                   f"policy {pol.id}: {len(pol.rules)} rules applied, {len(pol.offered)} assumptions offered, "
                   f"{len(pol.declared)} declared facts, {len(pol.examples)} examples")
        for w in found:
            say(f"    {w[0]}: {w[1] if lang == 'zh' else w[2]}")
    for broken in errors:
        broken.say(lang)
    say(f"{len(compiled)} 个版本有效，{len(policies)} 个监管策略有效，{len(errors)} 个有错误，{warnings} 个警告" if lang == "zh"
               else f"{len(compiled)} editions valid, {len(policies)} policies valid, {len(errors)} with errors, {warnings} warnings")
    ctx.exit(EXIT_BAD if errors or (strict and warnings) else EXIT_OK)


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="列出每个示例 / list every example")
@lang_option
@click.pass_context
def test_cmd(ctx, paths, verbose):
    """运行规则集中的示例。Run the examples written inside the rulesets."""
    from ..examples import run_examples
    from ..supervision.examples import run_policy_examples

    lang = ctx.obj["lang"]
    compiled, policies, errors = _compile_paths(ctx, paths, with_policies=True)
    outcomes = []  # (ok, label, failure message) for every example, policies first
    for policy in policies:  # routing policies: every example under both reasoners
        for r in run_policy_examples(policy, calendar=_calendar(ctx)):
            outcomes.append((r.ok, f"{r.where} {r.name or ''} [{r.reasoner}]", "; ".join(r.problems)))
    for rs in compiled:
        for r in run_examples(rs):
            got = r.got if r.got == r.reference else f"{r.got} (reference interpreter: {r.reference})"
            why = f"期望 {r.expected}，实际 {got} {r.detail}" if lang == "zh" else f"expected {r.expected}, got {got} {r.detail}"
            outcomes.append((r.ok, f"{r.where} {r.rule} {r.name or ''}", why))
    for ok, label, why in outcomes:
        if ok and verbose:
            say(f"ok   {label}")
        elif not ok:
            click.echo(click.style("FAIL ", fg="red") + safe_text(f"{label}: {why}"))
    failed = sum(1 for ok, _, _ in outcomes if not ok)
    passed = len(outcomes) - failed
    for broken in errors:
        broken.say(lang)
    say(f"{passed} passed, {failed} failed" + (f", {len(errors)} broken" if errors else ""))
    ctx.exit(EXIT_BAD if errors else (EXIT_FOUND if failed else EXIT_OK))


@click.command()
@click.argument("rule_id")
@click.option("--edition", default=None, help="版本 / edition")
@click.option("--show-python", is_flag=True, help="显示生成的 Python 代码 / show the generated Python")
@lang_option
@click.pass_context
def explain(ctx, rule_id, edition, show_python):
    """说明一条规则：出处、适用条件、判定条件、字段与示例。Explain one rule."""
    from ..explain_rule import describe_rule

    lang = ctx.obj["lang"]
    say_lines(describe_rule(engine_from(ctx), rule_id, edition, lang, show_python))


@click.command()
@click.argument("ruleset_id")
@click.argument("old")
@click.argument("new")
@lang_option
@click.pass_context
def diff(ctx, ruleset_id, old, new):
    """比较两个版本：新增、删除、修改的规则。Show what changed between two editions."""
    from ..diff import diff_editions, render_diff

    engine = engine_from(ctx)
    a = engine.ruleset(ruleset_id, edition=old)
    b = engine.ruleset(ruleset_id, edition=new)
    say_lines(render_diff(diff_editions(a, b), a, b, ctx.obj["lang"]))
