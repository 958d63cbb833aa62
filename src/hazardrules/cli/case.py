"""``hazardrules case …``: list, show and move supervision cases; ``sweep`` applies escalations.

Every command takes ``--db URL`` (or ``$HAZARDRULES_DB``; default ``./hazardrules.sqlite``). Errors
(unknown case, illegal step, date before the case was opened, same actor reviewing, conflict with a
concurrent change) print one message and exit 2; nothing is written.
"""

from __future__ import annotations

from datetime import date

import click
import orjson

from ..supervision import service
from ..supervision.lifecycle import EVENTS, STATES
from . import say, settings_from

CASE_ID = click.IntRange(1, 2**63 - 1)  # the ledger's integer keys: a larger number is no case, not an overflow

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def db_option(fn):
    return click.option("--db", "db_url", envvar="HAZARDRULES_DB", default=None,
                        help="案件库 URL（默认 ./hazardrules.sqlite）/ ledger URL (sqlite:///file or postgresql://…)")(fn)


def _lang(ctx) -> str:
    return (ctx.obj or {}).get("lang", "zh")


def _state_label(state: str, lang: str) -> str:
    zh, en = STATES.get(state, (state, state))
    return zh if lang == "zh" else en


@click.group("case")
def case():
    """督办案件：列表、详情、整改、复核、销号、重新打开、逾期巡查。Supervision cases."""


@case.command("list")
@db_option
@click.option("--state", type=click.Choice(sorted(STATES)), help="只列此状态 / only this state")
@click.option("--open", "open_only", is_flag=True, help="只列未销号案件 / only open cases")
@click.option("--region", help="行政区划代码前缀 / region code prefix, e.g. 1506")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_cmd(ctx, db_url, state, open_only, region, fmt):
    """列出案件。List cases."""
    from ..supervision.ledger import Ledger

    with Ledger(db_url, create=False) as ledger:
        rows = ledger.list_cases(state=state, open_only=open_only, region=region)
    lang = _lang(ctx)
    if fmt == "json":
        keep = ("id", "record_id", "ruleset", "rule", "hazard_class", "enterprise_name", "region_code", "state",
                "level", "deadline", "found_on", "closed_on", "policy")
        click.echo(orjson.dumps([{k: r[k] for k in keep} for r in rows], option=orjson.OPT_INDENT_2).decode())
        return
    if not rows:
        say("没有案件" if lang == "zh" else "no cases")
        return
    settings = settings_from(ctx)
    for r in rows:
        level = service.labels(r["policy"], lang, settings)[0].get(r["level"], r["level"])
        say(f"#{r['id']:<5} {_state_label(r['state'], lang):<8} {level:<10} "
                   f"{(r['deadline'] or '—')!s:<10}  {r['rule']:<18} {r['enterprise_name'] or ''}")


_REPORT_STATE = {"on_time": ("按时报送", "on time"), "late": ("逾期报送", "late"), "missing": ("逾期未报", "missing"),
                 "pending": ("未到期", "not yet due")}


@case.command("show")
@db_option
@click.argument("case_id", type=CASE_ID)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--today", type=_DATE, default=None, help="企业报表状态按此日期计算（默认今天）/ reporting status as of (default today)")
@click.pass_context
def show_cmd(ctx, db_url, case_id, fmt, today):
    """案件详情与完整事件历史。Show a case and its event history."""
    from ..supervision import statistics as stats_mod
    from ..supervision.ledger import Ledger

    on = today.date() if today else date.today()
    with Ledger(db_url, create=False) as ledger:
        row = ledger.case_row(case_id)
        history = ledger.history(case_id)
        with ledger.engine.connect() as conn:  # the enterprise's own 16号令 duty: statistics reports
            key = row["credit_code"] or row["enterprise_name"]
            reports = [r for r in stats_mod.statuses(conn, on) if r.enterprise == key]
    routing = orjson.loads(row["routing"])
    if fmt == "json":
        body = {k: v for k, v in row.items() if k not in ("routing", "finding")}
        body.update(routing=routing, finding=orjson.loads(row["finding"]),
                    events=[{k: e[k] for k in ("seq", "kind", "actor", "on_date", "recorded_at", "data")} for e in history],
                    enterprise_reports=[{"period": r.period, "due": r.due, "submitted_on": r.submitted_on,
                                         "status": r.status} for r in reports])
        click.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())
        return
    lang = _lang(ctx)
    zh = lang == "zh"
    settings = settings_from(ctx)
    levels, targets = service.labels(row["policy"], lang, settings)
    say(f"案件 #{row['id']}  {row['enterprise_name'] or ''}" if zh else f"case #{row['id']}  {row['enterprise_name'] or ''}")
    say(f"  {'条款' if zh else 'clause'}: {row['cite']}  ({row['rule']})  {row['title']}")
    say(f"  {'状态' if zh else 'state'}: {_state_label(row['state'], lang)}   "
               f"{'挂牌督办' if zh else 'listing'}: {levels.get(row['level'], row['level'])}   {'整改期限' if zh else 'deadline'}: {row['deadline']}")
    if row["level"] == "unknown":
        reason = _current_reason(history) or routing.get("level_reason") or {}
        say(f"  {'挂牌督办层级：未确定' if zh else 'listing level: undetermined'}（{reason.get(lang, '')}）")
    if routing.get("jurisdiction_text"):
        say(f"  {'辖区' if zh else 'jurisdiction'}: {routing['jurisdiction_text']}")
    if routing.get("tier"):
        tier = routing["tier"]["tier"]
        info = service.tier_label(row["policy"], tier, lang, settings)
        say(f"  {'风险分级（检查时）' if zh else 'control tier (at inspection)'}: {info}")
    say(f"  {'交办' if zh else 'assigned to'}: {('、' if zh else ', ').join(targets.get(t, t) for t in routing['targets'])}   "
               f"{'策略' if zh else 'policy'}: {routing['policy']} {routing['policy_version']} ({routing['reasoner']})")
    for fired in routing["fired"]:
        mark = ("［假设］" if zh else "[assumption] ") if fired["assumption"] else ""
        say(f"    - {fired['id']}: {mark}{fired['title']}")
    say("  事件 / events:")
    for e in history:
        label = EVENTS[e["kind"]][2 if zh else 3]
        extra = {k: v for k, v in e["data"].items() if k in ("level", "deadline", "note", "targets", "from_level")}
        say(f"    {e['seq']:>3} {e['on_date']} {label:<10} {e['actor']:<12} {orjson.dumps(extra).decode() if extra else ''}")
    if reports:
        say("  企业隐患排查治理统计分析表（16号令第十四条）:" if zh else "  enterprise statistics reports (16号令 第十四条):")
        for r in reports:
            state = _REPORT_STATE[r.status][0 if zh else 1]
            sub = f"  {'报送' if zh else 'submitted'} {r.submitted_on}" if r.submitted_on else ""
            say(f"    {r.period:<7} {'截止' if zh else 'due'} {r.due}  {state}{sub}")


def _current_reason(history) -> dict | None:
    """The latest stated reason why the level is undetermined (grading may have changed it)."""
    for e in reversed(history):
        if "level_reason" in e["data"]:
            return e["data"]["level_reason"]
    return None


def _mover(name: str, kind: str, helps: str, *, fail_flag: bool = False):
    @case.command(name, help=helps)
    @db_option
    @click.argument("case_id", type=CASE_ID)
    @click.option("--by", "actor", required=True, help="操作人 / actor (person or unit)")
    @click.option("--date", "on", type=_DATE, required=True, help="日期 YYYY-MM-DD / date of the step")
    @click.option("--note", default=None, help="说明 / note")
    @click.option("--fail", is_flag=True, hidden=not fail_flag, help="复核不通过 / review failed")
    @click.pass_context
    def command(ctx, db_url, case_id, actor, on, note, fail):
        actual = "review_failed" if (fail and fail_flag) else kind
        out = service.step(db_url, case_id, actual, actor=actor, on=on.date(), data={"note": note} if note else None,
                           settings=settings_from(ctx))
        lang = _lang(ctx)
        say(f"案件 #{case_id}：{_state_label(out['state'], lang)}（期限 {out['deadline']}）" if lang == "zh"
                   else f"case #{case_id}: {_state_label(out['state'], lang)} (deadline {out['deadline']})")

    return command


_mover("rectify", "rectification_reported", "报告整改完成。Report the rectification done.")
_mover("verify", "review_passed", "复核（--fail 表示不通过）。Record the 复核 (review); --fail if it failed.", fail_flag=True)
_mover("close", "closed", "销号（须先复核通过）。Close (销号) a case after a passed review.")
_mover("reopen", "reopened", "重新打开已销号案件。Reopen a closed case.")


from . import case_steps  # noqa: E402,F401  (the 16号令 steps, deadlines, grading, manual findings, sweep)
