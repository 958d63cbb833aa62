"""Supervision steps that need the case's policy: deadlines within caps, extensions, grading (facts a
policy declares), findings recorded by hand, enterprise statistics, and flagging overdue time limits.

Every check happens before anything is written; a refusal says what the policy allows and on what
basis, and — for caps — how to override it (a reason and the approver, both recorded in the event).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import orjson

from ..errors import HazardRulesError, RecordError, diag
from . import duties as duties_mod
from . import facts as facts_mod
from . import statistics as stats_mod
from .context import Settings, calendar, declared_values, jurisdiction_for, checked_enterprise, policy_by_id, router_for
from .ledger import Ledger, Opening
from .lifecycle import replay

GRADE_FACT = "hazard_grade"  # the fact ``case grade`` sets (a policy that grades hazards declares it)


class DeadlineRefused(HazardRulesError):
    """A deadline or an extension the policy does not allow (and no recorded override)."""

    code = "deadline_refused"


def _refuse(where: str, zh: str, en: str) -> DeadlineRefused:
    return DeadlineRefused(diag("deadline_refused", where, zh, en))


def _override(reason: str | None, approved_by: str | None) -> dict | None:
    if reason and approved_by:
        return {"reason": reason, "approved_by": approved_by}
    if reason or approved_by:
        raise _refuse("--override-reason/--approved-by", "超出上限须同时写明理由（--override-reason）和批准人（--approved-by）",
                      "an override needs both a reason (--override-reason) and the approver (--approved-by)")
    return None


def _check_cap(router, found_on: date, deadline: date, override: dict | None, where: str) -> dict | None:
    """None if within the cap; the override record if beyond it and overridden; else refuse."""
    cap_end = router.cap_end(found_on)
    if cap_end is None or deadline <= cap_end:
        return None
    pol = router.policy
    basis = pol.cap_rule.get("basis") or ""
    mark = "［假设］" if pol.cap_rule.get("assumption") else ""
    if override is None:
        raise _refuse(where, f"整改期限 {deadline} 超过本辖区上限：发现日 {found_on} 起 {pol.cap.text('zh')}，至 {cap_end}"
                             f"（{mark}{basis}）。确需超过的，以 --override-reason 写明理由、--approved-by 写明批准人",
                      f"deadline {deadline} is beyond the cap: {pol.cap.text('en')} from the found date {found_on}, i.e. "
                      f"{cap_end} ({basis}). To go beyond it, give --override-reason and --approved-by")
    return dict(override, cap_end=cap_end.isoformat())


def set_deadline(db_url, case_id: int, deadline: date, *, actor: str, on: date, override_reason: str | None = None,
                 approved_by: str | None = None, note: str | None = None, settings: Settings | None = None) -> dict:
    """Set a case's deadline by hand (the first one, e.g. from the 督办通知书), within the policy's cap."""
    settings = Settings.resolve(settings)
    with Ledger(db_url, create=False) as ledger:
        row = ledger.case_row(case_id)
        router = router_for(policy_by_id(row["policy"], settings), settings)
        if deadline < on:
            raise _refuse("--deadline", f"整改期限 {deadline} 早于设定日期 {on}", f"deadline {deadline} is before {on}")
        over = _check_cap(router, row["found_on"], deadline, _override(override_reason, approved_by), "--deadline")
        data = {"deadline": deadline.isoformat(), "manual": True, **({"override": over} if over else {}),
                **({"note": note} if note else {})}
        state = ledger.append(case_id, [("deadline_set", data)], actor=actor, on=on)
    return {"case": case_id, "state": state.state, "deadline": state.deadline.isoformat(), "override": over}


def extend(db_url, case_id: int, deadline: date, *, actor: str, on: date, requested_on: date | None = None,
           override_reason: str | None = None, approved_by: str | None = None, note: str | None = None,
           settings: Settings | None = None) -> dict:
    """Extend a deadline: within the cap, and — where the policy says so — requested early enough."""
    settings = Settings.resolve(settings)
    override = _override(override_reason, approved_by)
    with Ledger(db_url, create=False) as ledger:
        row = ledger.case_row(case_id)
        router = router_for(policy_by_id(row["policy"], settings), settings)
        state = replay(ledger.events(case_id))
        over = _check_cap(router, row["found_on"], deadline, override, "--deadline")
        data: dict = {"deadline": deadline.isoformat(), **({"note": note} if note else {})}
        ext = router.policy.extension
        if ext and ext.get("request_lead") and state.deadline is not None:
            if requested_on is None:
                raise _refuse("--requested-on", "本辖区规定了延期申请时限：请用 --requested-on 写明企业提出延期申请的日期",
                              "this jurisdiction limits when an extension may be requested: give --requested-on")
            lead = ext["request_lead"]
            latest = (router.calendar.subtract_working_days(state.deadline, lead.amount) if lead.unit == "working_days"
                      else date.fromordinal(state.deadline.toordinal() - lead.amount))
            data["requested_on"] = requested_on.isoformat()
            if requested_on > latest:
                if override is None:
                    raise _refuse("--requested-on", f"延期申请 {requested_on} 晚于规定：应在期限 {state.deadline} 届满前 "
                                                    f"{lead.text('zh')}（即不晚于 {latest}）提出（{ext.get('basis') or ''}）",
                                  f"the request of {requested_on} is late: it must come {lead.text('en')} before the deadline "
                                  f"{state.deadline}, i.e. by {latest}")
                over = dict(over or override, late_request=True, latest_request=latest.isoformat())
            if ext.get("decide_within"):
                due = router.calendar.add(requested_on, ext["decide_within"])
                data["decision_due"] = due.isoformat()
                data["decided_late"] = on > due
        if over:
            data["override"] = over
        new = ledger.append(case_id, [("deadline_extended", data)], actor=actor, on=on)
    return {"case": case_id, "state": new.state, "deadline": new.deadline.isoformat(), "override": over,
            "decided_late": data.get("decided_late", False), "decision_due": data.get("decision_due")}


def set_facts(db_url, case_id: int, values: dict, *, actor: str, on: date, settings: Settings | None = None) -> dict:
    """Record facts the case's policy routes on (e.g. the hazard grade a department assigned) and
    route again: the level (and a policy-derived deadline, counted from ``on``) follow."""
    settings = Settings.resolve(settings)
    with Ledger(db_url, create=False) as ledger:
        row = ledger.case_row(case_id)
        pol = policy_by_id(row["policy"], settings)
        router = router_for(pol, settings)
        allowed = list(pol.declared) + list(facts_mod.ENTERPRISE_FACTS)
        unknown = [k for k in values if k not in allowed]
        if unknown:
            raise RecordError(diag("unknown_key", f"case {case_id}", f"策略 {pol.id} 没有声明事实：{'、'.join(unknown)}"
                                   f"（可用：{'、'.join(allowed)}）",
                                   f"policy {pol.id} declares no fact {', '.join(unknown)} (accepted: {', '.join(allowed)})"))
        checked = declared_values({k: v for k, v in values.items() if k in pol.declared}, pol, f"case {case_id}",
                                  coerce=True)
        checked.update({k: v for k, v in values.items() if k not in pol.declared})
        events = ledger.events(case_id)
        state = replay(events)
        facts = _case_facts(events)
        facts.update(checked)
        d = router.route_opening(facts, row["found_on"])
        data = {"facts": _jsonable(checked), "level": d.level, "fired": [r["id"] for r in d.fired]}
        if d.level_reason:
            data.update(level_reason=d.level_reason, needs=list(d.needs))
        manual = any(e.kind == "deadline_set" and e.data.get("manual") for e in events)
        if d.level != state.level and not manual:
            deadline, _, why = router.deadline_for(d.level, on)
            if deadline is not None:
                data["deadline"] = deadline.isoformat()
            elif why:
                data["deadline_reason"] = why
        new = ledger.append(case_id, [("facts_set", data)], actor=actor, on=on)
    return {"case": case_id, "level": new.level, "deadline": new.deadline.isoformat() if new.deadline else None,
            "level_reason": d.level_reason, "needs": list(d.needs)}


def grade(db_url, case_id: int, level: str, *, actor: str, on: date, settings: Settings | None = None) -> dict:
    """``case grade CASE --level 三级``: the hazard grade the department assigned (policy fact ``hazard_grade``)."""
    settings = Settings.resolve(settings)
    with Ledger(db_url, create=False) as ledger:
        pol = policy_by_id(ledger.case_row(case_id)["policy"], settings)
    if GRADE_FACT not in pol.declared:
        raise RecordError(diag("no_grading", f"case {case_id}", f"策略 {pol.id} 不按隐患等级分级督办（未声明 {GRADE_FACT}）；"
                               "其声明的事实可用 case facts --set 记录",
                               f"policy {pol.id} does not grade hazards (no {GRADE_FACT} declared); record its declared "
                               "facts with case facts --set"))
    return set_facts(db_url, case_id, {GRADE_FACT: level}, actor=actor, on=on, settings=settings)


def _case_facts(events) -> dict:
    facts = dict(events[0].data.get("facts", {}))
    for e in events[1:]:
        if e.kind == "facts_set":
            facts.update(e.data.get("facts", {}))
    return facts


def _jsonable(facts: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in facts.items()}


class _Manual:
    """A finding recorded by hand, shaped like an engine finding for routing."""

    def __init__(self, rule, title, cite, kind):
        self.rule, self.title, self.cite, self.kind = rule, title, cite, kind
        self.group, self.evidence, self.units = None, {}, []


def add_case(db_url, *, ruleset: str, enterprise: dict, title: str, hazard_class: str, reason: str, actor: str,
             on: date, rule: str | None = None, cite: str | None = None, record_id: str | None = None,
             found_by: str = "county", on_spot: bool = False, facts: dict | None = None,
             settings: Settings | None = None) -> dict:
    """Record a hazard an inspector found by hand (no rule fired, or none exists), classified general
    or major with the reason; a general one rectified on the spot is opened and closed at once."""
    from .service import SOURCE_OF, case_summary, enterprise_key, natural_key

    settings = Settings.resolve(settings)
    if hazard_class not in ("general", "major"):
        raise RecordError(diag("bad_value", "--class", "隐患等级应为 general（一般事故隐患）或 major（重大事故隐患）",
                               "the hazard class must be general or major"))
    if not reason or not reason.strip():
        raise RecordError(diag("missing_reason", "--reason", "手工登记须写明定级理由（--reason）",
                               "a hazard recorded by hand needs the reason for its class (--reason)"))
    if on_spot and hazard_class != "general":
        raise RecordError(diag("bad_value", "--on-spot", "只有一般事故隐患可现场立即整改并销号；重大事故隐患须治理、复核后销号",
                               "only a general hazard can be rectified on the spot; a major one needs remediation and review"))
    ent = checked_enterprise(enterprise, "--enterprise")
    juris = jurisdiction_for(ent.get("region_code"), settings)
    pol = juris.policy
    declared = declared_values(dict(facts or {}), pol, "--set", coerce=True)
    router = router_for(pol, settings)
    rule = rule or "manual"
    ekey = enterprise_key(ent)
    record_id = record_id or "MANUAL-" + hashlib.sha256(orjson.dumps([ekey, on.isoformat(), title])).hexdigest()[:12]
    partial = facts_mod.finding_facts(sector=ruleset, rule=rule, hazard_class=hazard_class, enterprise=ent,
                                      found_by=found_by, found_on=on, prior_close=None,
                                      major_count=int(hazard_class == "major"), declared=declared)
    d = router.route_opening(partial, on, how=juris.how)
    if on_spot:
        d = replace(d, deadline=None, deadline_days=None)
    opening = Opening(natural_key=natural_key(ruleset, ekey, record_id, rule), record_id=record_id, ruleset=ruleset,
                      edition=None, ruleset_version=None, digest=None, rule=rule, cite=cite, title=title,
                      hazard_class=hazard_class, source=SOURCE_OF.get(found_by, "inspection"), enterprise=ent,
                      found_on=on, finding={"group": None, "evidence": {}, "units": [], "manual": True},
                      facts=_jsonable(partial), decision=d, separate_reviewer=pol.separate_reviewer, tier=None,
                      jurisdiction=juris.describe("zh"),
                      classification={"class": hazard_class, "reason": reason, "by": actor}, on_spot=on_spot)
    with Ledger(db_url, create=True) as ledger:
        [(cid, created)] = ledger.open_many([opening], actor=actor)
        state = replay(ledger.events(cid))
    return dict(case_summary(cid, created, opening), state=state.state)


def record_statistics(db_url, *, enterprise: dict, period: str, on: date, actor: str) -> dict:
    """Record an enterprise's submitted statistics report (16号令 第十四条); says whether it was in time."""
    ent = checked_enterprise(enterprise, "--enterprise")
    if not (ent.get("credit_code") or ent.get("name")):
        raise RecordError(diag("missing_enterprise", "--credit-code/--name", "须写明企业统一社会信用代码或名称",
                               "give the enterprise's credit code or name"))
    period, kind = stats_mod.parse_period(period)
    due = stats_mod.due_date(period)
    with Ledger(db_url, create=False) as ledger, ledger.engine.begin() as conn:
        new = stats_mod.record(conn, credit_code=ent.get("credit_code"), name=ent.get("name"),
                               region_code=ent.get("region_code"), period=period, on=on, actor=actor)
    return {"period": period, "kind": kind, "due": due.isoformat(), "submitted_on": on.isoformat(),
            "on_time": on <= due, "created": new}


def flag_duties(ledger: Ledger, today: date, settings: Settings, *, actor: str) -> list[dict]:
    """Flag (once) every overdue time limit of every case; return what was flagged now."""
    out = []
    cal = calendar(settings)
    for row in ledger.list_cases():
        events = ledger.events(row["id"])
        try:
            pol = policy_by_id(row["policy"], settings)
        except HazardRulesError:
            continue  # a case from a policy no longer present: its duties cannot be judged
        if not pol.duties or today < events[-1].on:
            continue
        done = duties_mod.flagged(events)
        for inst in duties_mod.instances(pol, events, today, cal):
            if inst.status != "overdue" or inst.key() in done:
                continue
            ledger.append(row["id"], [("duty_flagged", {"instance": inst.key(), "duty": inst.duty.id,
                                                        "due": inst.due.isoformat()})], actor=actor, on=today)
            events = ledger.events(row["id"])
            out.append({"case": row["id"], "duty": inst.duty.id, "title": inst.duty.title,
                        "title_en": inst.duty.title_en, "due": inst.due.isoformat(),
                        "started_on": inst.started_on.isoformat(), "who": inst.duty.who})
    return out
