"""``hazardrules case …`` steps beyond the basic moves: the 16号令 lifecycle (plan with its six
elements, suspension, assessment, resumption application), filing and publication, deadlines within
the policy's caps, grading, findings recorded by hand, enterprise statistics, and the sweep."""

from __future__ import annotations

from pathlib import Path

import click

from ..supervision import service
from ..supervision.lifecycle import ASSESSMENT_KINDS, PLAN_ELEMENTS
from . import say, settings_from
from .case import CASE_ID, _DATE, _lang, _state_label, case, db_option


def _common(fn):
    fn = click.option("--date", "on", type=_DATE, required=True, help="日期 YYYY-MM-DD / date of the step")(fn)
    fn = click.option("--by", "actor", required=True, help="操作人 / actor (person or unit)")(fn)
    fn = click.argument("case_id", type=CASE_ID)(fn)
    return db_option(fn)


def _done(ctx, case_id: int, out: dict) -> None:
    lang = _lang(ctx)
    say(f"案件 #{case_id}：{_state_label(out['state'], lang)}（期限 {out.get('deadline') or '待定'}）" if lang == "zh"
        else f"case #{case_id}: {_state_label(out['state'], lang)} (deadline {out.get('deadline') or 'pending'})")


def _step(ctx, db_url, case_id, kind, actor, on, data=None):
    out = service.step(db_url, case_id, kind, actor=actor, on=on.date(), data=data, settings=settings_from(ctx))
    _done(ctx, case_id, out)


def _plan_options(fn):
    for key, zh, en in reversed(PLAN_ELEMENTS):
        fn = click.option(f"--{key.replace('_', '-')}", key, default=None, help=f"{zh} / {en}")(fn)
    return fn


@case.command("plan")
@_common
@_plan_options
@click.option("--plan-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="治理方案 YAML（六项内容为键）/ the plan as YAML with the six elements as keys")
@click.pass_context
def plan_cmd(ctx, db_url, case_id, actor, on, plan_file, **elements):
    """报送治理方案（16号令第十五条六项内容，缺项拒收）。Record the plan; all six elements are required."""
    plan = {}
    if plan_file:
        from ..loader import load_yaml

        doc = load_yaml(Path(plan_file))
        plan.update({k: v for k, v in (doc.data or {}).items()} if isinstance(doc.data, dict) else {})
    plan.update({k: v for k, v in elements.items() if v})
    _step(ctx, db_url, case_id, "plan_submitted", actor, on, {"plan": plan})


@case.command("suspend")
@_common
@click.option("--scope", type=click.Choice(["full", "partial"]), default="full", show_default=True,
              help="全部或局部停产停业 / full or partial suspension")
@click.pass_context
def suspend_cmd(ctx, db_url, case_id, actor, on, scope):
    """责令停产停业（其后须评估、申请复查方可复核）。Order suspension (assessment and application then precede review)."""
    _step(ctx, db_url, case_id, "suspension_ordered", actor, on, {"scope": scope})


@case.command("assess")
@_common
@click.option("--kind", type=click.Choice(sorted(ASSESSMENT_KINDS)), required=True,
              help="self 本单位技术人员和专家评估 / third_party 委托安全评价机构")
@click.option("--institution", default=None, help="安全评价机构（委托评估时必填）/ assessment institution")
@click.pass_context
def assess_cmd(ctx, db_url, case_id, actor, on, kind, institution):
    """治理效果评估（16号令第十八条）。Record the remediation assessment (self or third party)."""
    _step(ctx, db_url, case_id, "assessed", actor, on,
          {"kind": kind, **({"institution": institution} if institution else {})})


@case.command("apply")
@_common
@click.pass_context
def apply_cmd(ctx, db_url, case_id, actor, on):
    """企业申请复查（恢复生产）；监管部门须在时限内现场审查。Record the review (resumption) application."""
    _step(ctx, db_url, case_id, "resumption_applied", actor, on)


@case.command("file")
@_common
@click.option("--to", "to", default=None, help="报备对象 / filed with (e.g. 市安委会办公室)")
@click.pass_context
def file_cmd(ctx, db_url, case_id, actor, on, to):
    """挂牌报备（如青岛：挂牌后3个工作日内报市安委办）。Record the filing with the higher authority."""
    _step(ctx, db_url, case_id, "filed", actor, on, {"to": to} if to else None)


@case.command("publish")
@_common
@click.option("--where", "where", default=None, help="公告媒体 / where it was published")
@click.pass_context
def publish_cmd(ctx, db_url, case_id, actor, on, where):
    """向社会公告挂牌或摘牌销号。Record the publication (of the listing or of the closure)."""
    _step(ctx, db_url, case_id, "published", actor, on, {"where": where} if where else None)


def _override_options(fn):
    fn = click.option("--approved-by", default=None, help="超上限的批准人 / who approved going beyond the cap")(fn)
    fn = click.option("--override-reason", default=None, help="超上限的理由 / why the cap is exceeded")(fn)
    return fn


@case.command("deadline")
@_common
@click.option("--deadline", "deadline", type=_DATE, required=True, help="整改期限 / the deadline")
@_override_options
@click.option("--note", default=None, help="依据（如督办通知书文号）/ note (e.g. the notice's number)")
@click.pass_context
def deadline_cmd(ctx, db_url, case_id, actor, on, deadline, override_reason, approved_by, note):
    """设定整改期限（如督办通知书所定；不超过策略上限）。Set the deadline by hand, within the policy's cap."""
    from ..supervision.steps import set_deadline

    out = set_deadline(db_url, case_id, deadline.date(), actor=actor, on=on.date(), override_reason=override_reason,
                       approved_by=approved_by, note=note, settings=settings_from(ctx))
    _said_deadline(ctx, case_id, out, "设定" if _lang(ctx) == "zh" else "set")


@case.command("extend")
@_common
@click.option("--deadline", "deadline", type=_DATE, required=True, help="新的整改期限 / new deadline")
@click.option("--requested-on", type=_DATE, default=None, help="企业提出延期申请的日期 / date the extension was requested")
@_override_options
@click.option("--note", default=None, help="理由 / reason")
@click.pass_context
def extend_cmd(ctx, db_url, case_id, actor, on, deadline, requested_on, override_reason, approved_by, note):
    """延长整改期限（受策略上限和申请时限约束）。Extend the deadline (within the cap and request limits)."""
    from ..supervision.steps import extend

    out = extend(db_url, case_id, deadline.date(), actor=actor, on=on.date(),
                 requested_on=requested_on.date() if requested_on else None, override_reason=override_reason,
                 approved_by=approved_by, note=note, settings=settings_from(ctx))
    _said_deadline(ctx, case_id, out, "延至" if _lang(ctx) == "zh" else "extended to")
    if out.get("decided_late"):
        say(f"  注意：延期决定晚于规定（应在 {out['decision_due']} 前作出）" if _lang(ctx) == "zh"
            else f"  note: the decision is late (due by {out['decision_due']})")


def _said_deadline(ctx, case_id, out, verb):
    zh = _lang(ctx) == "zh"
    say(f"案件 #{case_id}：整改期限{verb} {out['deadline']}" if zh else f"case #{case_id}: deadline {verb} {out['deadline']}")
    if out.get("override"):
        o = out["override"]
        say(f"  超出上限，已记录理由“{o['reason']}”与批准人 {o['approved_by']}" if zh
            else f"  beyond the cap: reason '{o['reason']}' and approver {o['approved_by']} recorded")


def _parse_sets(values) -> dict:
    out = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}：应为 名称=值 / expected name=value", param_hint="--set")
        k, v = item.split("=", 1)
        v = {"true": True, "false": False, "是": True, "否": False}.get(v, v)
        if isinstance(v, str) and v.lstrip("-").isdigit():
            v = int(v)
        out[k.strip()] = v
    return out


def _said_level(ctx, case_id, out):
    zh = _lang(ctx) == "zh"
    if out["level"] == "unknown":
        why = (out.get("level_reason") or {}).get(_lang(ctx), "")
        say(f"案件 #{case_id}：挂牌督办层级：未确定（{why}）" if zh else f"case #{case_id}: listing level undetermined ({why})")
        return
    case_row_policy = out.get("policy")
    levels = service.labels(case_row_policy, _lang(ctx), settings_from(ctx))[0] if case_row_policy else {}
    say(f"案件 #{case_id}：挂牌督办：{levels.get(out['level'], out['level'])}  整改期限：{out['deadline'] or '待定'}" if zh
        else f"case #{case_id}: listing {levels.get(out['level'], out['level'])}, deadline {out['deadline'] or 'pending'}")


@case.command("grade")
@_common
@click.option("--level", "level", required=True, help="隐患等级，如 三级 / the grade the department assigned")
@click.pass_context
def grade_cmd(ctx, db_url, case_id, actor, on, level):
    """评定隐患等级（策略声明的 hazard_grade），据此确定挂牌层级。Grade a hazard; the listing level follows."""
    from ..supervision.steps import grade

    out = grade(db_url, case_id, level, actor=actor, on=on.date(), settings=settings_from(ctx))
    _said_level(ctx, case_id, _with_policy(db_url, case_id, out))


@case.command("facts")
@_common
@click.option("--set", "sets", multiple=True, required=True, metavar="NAME=VALUE",
              help="策略声明的事实 / a fact the case's policy declares")
@click.pass_context
def facts_cmd(ctx, db_url, case_id, actor, on, sets):
    """补充策略声明的事实并重新确定层级。Record facts the policy routes on; route again."""
    from ..supervision.steps import set_facts

    out = set_facts(db_url, case_id, _parse_sets(sets), actor=actor, on=on.date(), settings=settings_from(ctx))
    _said_level(ctx, case_id, _with_policy(db_url, case_id, out))


def _with_policy(db_url, case_id, out):
    from ..supervision.ledger import Ledger

    with Ledger(db_url, create=False) as ledger:
        return dict(out, policy=ledger.case_row(case_id)["policy"])


@case.command("add")
@db_option
@click.option("--ruleset", required=True, help="行业（规则集编号）/ sector, e.g. industry-trade")
@click.option("--enterprise", "name", required=True, help="企业名称 / enterprise name")
@click.option("--credit-code", default=None, help="统一社会信用代码 / credit code")
@click.option("--region", "region_code", default=None, help="行政区划代码 / region code")
@click.option("--title", required=True, help="隐患描述 / what was found")
@click.option("--class", "hazard_class", type=click.Choice(["general", "major"]), required=True,
              help="general 一般事故隐患 / major 重大事故隐患")
@click.option("--reason", required=True, help="定级理由 / why this class")
@click.option("--rule", default=None, help="对应规则编号（如有）/ rule id, if any")
@click.option("--cite", default=None, help="依据条款（如有）/ clause, if any")
@click.option("--found-by", default="county", show_default=True,
              type=click.Choice(["self_check", "county", "city", "province", "national", "report"]))
@click.option("--on-spot", is_flag=True, help="一般隐患现场立即整改：立案即销号 / rectified on the spot (general only)")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="策略声明的事实 / declared facts")
@click.option("--by", "actor", required=True, help="检查员 / inspector")
@click.option("--date", "on", type=_DATE, required=True, help="发现日期 / date found")
@click.pass_context
def add_cmd(ctx, db_url, ruleset, name, credit_code, region_code, title, hazard_class, reason, rule, cite, found_by,
            on_spot, sets, actor, on):
    """手工登记隐患（一般或重大，写明理由；一般隐患可现场整改销号）。Record a hazard by hand."""
    from ..supervision.steps import add_case

    ent = {"name": name, **({"credit_code": credit_code} if credit_code else {}),
           **({"region_code": region_code} if region_code else {})}
    out = add_case(db_url, ruleset=ruleset, enterprise=ent, title=title, hazard_class=hazard_class, reason=reason,
                   actor=actor, on=on.date(), rule=rule, cite=cite, found_by=found_by, on_spot=on_spot,
                   facts=_parse_sets(sets), settings=settings_from(ctx))
    zh = _lang(ctx) == "zh"
    levels = service.labels(out["policy"], _lang(ctx), settings_from(ctx))[0]
    state = _state_label(out["state"], _lang(ctx))
    new = "" if out["created"] else ("（已存在）" if zh else " (already recorded)")
    say(f"案件 #{out['case']}{new}：{'一般' if hazard_class == 'general' else '重大'}事故隐患，{state}，"
        f"挂牌督办：{levels.get(out['level'], out['level'])}，整改期限：{out['deadline'] or '—'}" if zh else
        f"case #{out['case']}{new}: {hazard_class} hazard, {state}, listing {out['level']}, deadline {out['deadline'] or '—'}")


@case.command("stats")
@db_option
@click.option("--credit-code", default=None, help="统一社会信用代码 / credit code")
@click.option("--enterprise", "name", default=None, help="企业名称 / enterprise name")
@click.option("--period", required=True, help="统计期：2026Q3（季度）或 2026（年度）/ quarter or year")
@click.option("--by", "actor", required=True, help="登记人 / who recorded it")
@click.option("--date", "on", type=_DATE, required=True, help="企业报送日期 / date the enterprise submitted it")
@click.pass_context
def stats_cmd(ctx, db_url, credit_code, name, period, actor, on):
    """登记企业报送的隐患排查治理统计分析表（季度、年度）。Record an enterprise's statistics report."""
    from ..supervision.steps import record_statistics

    ent = {k: v for k, v in (("credit_code", credit_code), ("name", name)) if v}
    out = record_statistics(db_url, enterprise=ent, period=period, on=on.date(), actor=actor)
    zh = _lang(ctx) == "zh"
    when = ("按时" if out["on_time"] else "逾期") if zh else ("on time" if out["on_time"] else "late")
    say(f"{out['period']} 统计分析表：{out['submitted_on']} 报送（期限 {out['due']}，{when}）" if zh
        else f"{out['period']} statistics: submitted {out['submitted_on']} (due {out['due']}, {when})")


@case.command("sweep")
@db_option
@click.option("--today", type=_DATE, required=True, help="巡查日期 / date of the sweep")
@click.option("--by", "actor", default="sweep", show_default=True, help="操作人 / actor")
@click.pass_context
def sweep_cmd(ctx, db_url, today, actor):
    """逾期巡查：逾期提级并通报，时限逾期提示，层级未定与企业报表逾期清单；重复运行不重复处理。Sweep (idempotent)."""
    settings = settings_from(ctx)
    got = service.sweep_all(db_url, today.date(), actor=actor, settings=settings)
    lang = _lang(ctx)
    zh = lang == "zh"
    for d in got["escalations"]:
        if d.get("conflict"):
            say(f"#{d['case']}: " + ("与其他操作冲突，下次巡查再处理" if zh else "conflict with another change; left for the next sweep"))
            continue
        names = service.labels(d.get("policy", ""), lang, settings)[0]
        say(f"#{d['case']}: {names.get(d['from_level'], d['from_level'])} → {names.get(d['to_level'], d['to_level'])}"
            + ((" 通报" if zh else " notice") if d["notified"] else "") + f"  ({d['deadline']})")
    say(f"处理 {len(got['escalations'])} 个逾期案件" if zh else f"{len(got['escalations'])} overdue cases handled")
    for d in got["duties"]:
        say(f"#{d['case']}: 时限逾期：{d['title']}（应于 {d['due']} 前）" if zh
            else f"#{d['case']}: time limit overdue: {d['title_en'] or d['title']} (due {d['due']})")
    if got["undetermined"]:
        ids = "、".join(f"#{c['case']}" for c in got["undetermined"])
        say(f"挂牌督办层级未确定 {len(got['undetermined'])} 个：{ids}（case show 查看原因）" if zh
            else f"{len(got['undetermined'])} cases with an undetermined listing level: {ids} (see case show)")
    for r in got["reports"]:
        status = {"late": "逾期报送", "missing": "未报送"}[r.status] if zh else r.status
        say(f"企业统计分析表{status}：{r.name or r.enterprise} {r.period}（期限 {r.due}）" if zh
            else f"enterprise statistics {status}: {r.name or r.enterprise} {r.period} (due {r.due})")
