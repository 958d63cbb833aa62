"""The supervision steps the CLI and other systems call: open cases, move them, sweep for escalation.

Each function takes plain inputs (determinations, a DB URL, dates), loads the policies once per
process, and returns plain dicts. Bad input (malformed credit or region code, a record without an
id) raises before anything is written.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache

import orjson

from ..errors import RecordError, diag, shown
from . import facts as facts_mod
from .errors import ConflictError
from .identity import parse_region, validate_credit_code
from .ledger import Ledger, Opening
from .lifecycle import is_overdue, replay
from .policy import Policy, load_policies, select_policy
from .routing import Router

SOURCE_OF = {"self_check": "self_check", "report": "report"}  # anything else found by an inspection
FOUND_BY = ("self_check", "county", "city", "province", "national", "report")


@lru_cache(maxsize=4)
def _policies(rules_dir=None) -> dict[str, Policy]:
    return load_policies(rules_dir)


_ROUTERS: dict[tuple, Router] = {}


def router_for(policy: Policy, kind: str | None = None) -> Router:
    """One router per policy digest and reasoner kind in this process."""
    key = (policy.digest, kind)
    if key not in _ROUTERS:
        _ROUTERS[key] = Router(policy, kind=kind)
    return _ROUTERS[key]


def policy_for(region_code: str | None, explicit: str | None = None) -> Policy:
    return select_policy(_policies(), region_code, explicit)


def checked_enterprise(enterprise: dict | None, where: str) -> dict:
    """Validate the identity fields of a record's ``enterprise`` block; return a normalised copy."""
    ent = dict(enterprise or {})
    if ent.get("credit_code") is not None:
        ent["credit_code"] = validate_credit_code(ent["credit_code"], f"{where}.enterprise.credit_code")
    if ent.get("region_code") is not None:
        ent["region_code"] = parse_region(ent["region_code"], f"{where}.enterprise.region_code").code
    found_by = ent.get("found_by", "county")  # the record-level found_by is checked by the record loader
    if found_by not in FOUND_BY:
        raise RecordError(diag("bad_value", f"{where}.enterprise.found_by", f"found_by 的值 {shown(found_by)} 无效（可选：{', '.join(FOUND_BY)}）",
                               f"found_by {shown(found_by)} is not accepted (accepted: {', '.join(FOUND_BY)})"))
    return ent


LATEST_CASE_DATE = date(2199, 12, 31)  # far beyond any real inspection; deadlines + escalations stay < 9999


def enterprise_key(ent: dict) -> str:
    """Who a record belongs to: ``cc:<统一社会信用代码>``, else a hash of name and region, else ``-``.

    Part of a case's identity: two enterprises may number their records alike (migration
    reliability_0004 computes the same key for existing rows).
    """
    if ent.get("credit_code"):
        return f"cc:{ent['credit_code']}"
    if ent.get("name"):
        return "nr:" + hashlib.sha256(f"{ent['name']}\x00{ent.get('region_code') or ''}".encode()).hexdigest()[:40]
    return "-"


def natural_key(ruleset: str, ekey: str, record_id: str, rule: str) -> str:
    """A case's identity, fixed length whatever the names: one case per enterprise, record and rule."""
    return "v2:" + hashlib.sha256(orjson.dumps([ruleset, ekey, record_id, rule])).hexdigest()


def build_openings(determinations, ledger: Ledger, today: date, *, policy: str | None = None,
                   reasoner: str | None = None) -> tuple[list[Opening], list[dict]]:
    """Route every finding of every determination; validate everything before anything is written."""
    openings, inspections = [], []
    checked = [checked_enterprise(det.enterprise, f"record {det.record_id or n}") for n, det in enumerate(determinations, 1)]
    closures = ledger.last_closures([(ent.get("credit_code"), ent.get("name"), f.rule)
                                     for det, ent in zip(determinations, checked) for f in det.findings])
    for n, det in enumerate(determinations, 1):
        where = f"record {det.record_id or n}"
        if not det.record_id:
            raise RecordError(diag("record_id", where, "立案需要记录编号 record_id", "opening cases needs a record_id"))
        ent = checked[n - 1]
        pol = policy_for(ent.get("region_code"), policy)
        router = router_for(pol, reasoner)
        found_on = det.inspection_date or today
        if not date(1949, 10, 1) <= found_on <= LATEST_CASE_DATE:  # deadlines and escalations are computed from it
            raise RecordError(diag("bad_date", f"{where} inspection_date",
                                   f"检查日期 {found_on} 不在可立案的范围内（1949-10-01 至 {LATEST_CASE_DATE}）",
                                   f"inspection date {found_on} is outside the range cases can be opened for "
                                   f"(1949-10-01 to {LATEST_CASE_DATE})"))
        found_by = getattr(det, "found_by", None) or ent.get("found_by") or "county"  # record key, else legacy
        findings = [f for f in det.findings if f.kind == "major" or pol.open_general_cases]
        majors = sum(1 for f in det.findings if f.kind == "major")
        tier = router.tier(facts_mod.tier_facts(sector=det.ruleset, major_count=majors, enterprise=ent))
        ekey = enterprise_key(ent)
        inspections.append(dict(record_id=det.record_id, ruleset=det.ruleset, enterprise_key=ekey, inspection_date=found_on,
                                source=SOURCE_OF.get(found_by, "inspection"), credit_code=ent.get("credit_code"),
                                region_code=ent.get("region_code"), enterprise_name=ent.get("name"),
                                major_count=majors, general_count=len(det.findings) - majors))
        for f in findings:
            hclass = "major" if f.kind == "major" else "general"
            prior = closures.get((ent.get("credit_code"), ent.get("name"), f.rule))
            partial = facts_mod.finding_facts(sector=det.ruleset, rule=f.rule, hazard_class=hclass, enterprise=ent,
                                              found_by=found_by, found_on=found_on, prior_close=prior,
                                              major_count=majors)
            decision = router.route_opening(partial, found_on)
            openings.append(Opening(
                natural_key=natural_key(det.ruleset, ekey, det.record_id, f.rule), record_id=det.record_id,
                ruleset=det.ruleset,
                edition=det.edition, ruleset_version=det.version, digest=det.digest, rule=f.rule, cite=f.cite,
                title=f.title, hazard_class=hclass, source=SOURCE_OF.get(found_by, "inspection"), enterprise=ent,
                found_on=found_on, finding={"group": f.group, "evidence": f.evidence, "units": list(f.units)},
                facts=partial, decision=decision, separate_reviewer=pol.separate_reviewer,
                tier={"tier": tier.tier, "fired": [r["id"] for r in tier.fired], "assumptions": list(tier.assumptions)}))
    return openings, inspections


def open_cases(determinations, db_url: str | None = None, today: date | None = None, *, actor: str = "hazardrules",
               policy: str | None = None, reasoner: str | None = None) -> list[dict]:
    """Open a case for each major hazard (and each 一般隐患 if the policy says so) found; idempotent."""
    today = today or date.today()
    determinations = list(determinations)
    with Ledger(db_url) as ledger:
        openings, inspections = build_openings(determinations, ledger, today, policy=policy, reasoner=reasoner)
        ids = ledger.open_many(openings, actor=actor, inspections_rows=inspections)
    return [{"case": cid, "created": created, "record_id": o.record_id, "rule": o.rule, "hazard_class": o.hazard_class,
             "level": o.decision.level, "deadline": o.decision.deadline.isoformat(), "targets": list(o.decision.targets),
             "policy": o.decision.policy, "reasoner": o.decision.reasoner, "tier": o.tier["tier"]}
            for (cid, created), o in zip(ids, openings)]


def control_tier(determination, *, policy: str | None = None, reasoner: str | None = None) -> dict:
    """Control tier (红/橙/黄/蓝), the level that owns it and the inspection interval, for one determination."""
    ent = checked_enterprise(determination.enterprise, f"record {determination.record_id}")
    router = router_for(policy_for(ent.get("region_code"), policy), reasoner)
    majors = sum(1 for f in determination.findings if f.kind == "major")
    d = router.tier(facts_mod.tier_facts(sector=determination.ruleset, major_count=majors, enterprise=ent))
    return dict(router.tier_info(d.tier), fired=[r["id"] for r in d.fired], policy=d.policy,
                assumptions=list(d.assumptions))


def sweep(db_url: str | None, today: date, *, actor: str = "sweep", reasoner: str | None = None) -> list[dict]:
    """Escalate every overdue case once per missed deadline (running it twice changes nothing)."""
    out = []
    with Ledger(db_url) as ledger:
        for row in ledger.list_cases(open_only=True):
            events = ledger.events(row["id"])
            state = replay(events)
            if not is_overdue(state, today) or state.deadline.isoformat() in state.escalated_for:
                continue
            if state.last_on and today < state.last_on:
                continue  # a sweep dated before the case's last step cannot act on it
            router = router_for(policy_for(None, row["policy"]), reasoner)
            d = router.route_sweep(events[0].data.get("facts", {}), level=state.level, deadline=state.deadline,
                                   today=today)
            steps = []
            mark = state.deadline.isoformat()
            fired = [r["id"] for r in d.fired]
            if d.level != state.level:
                steps.append(("escalated", {"level": d.level, "from_level": state.level, "for_deadline": mark,
                                            "deadline": d.deadline, "fired": fired}))
            if d.notify or (steps == [] and fired):
                steps.append(("notified", {"for_deadline": mark, "fired": fired}))
            if not steps:
                continue
            try:
                new = ledger.append(row["id"], steps, actor=actor, on=today)
            except ConflictError:  # someone moved the case meanwhile: leave it to the next sweep
                out.append({"case": row["id"], "from_level": state.level, "to_level": state.level,
                            "deadline": mark, "notified": False, "fired": fired, "conflict": True})
                continue
            out.append({"case": row["id"], "from_level": state.level, "to_level": new.level,
                        "deadline": new.deadline.isoformat() if new.deadline else None,
                        "notified": any(k == "notified" for k, _ in steps), "fired": fired})
    return out


def step(db_url: str | None, case_id: int, kind: str, *, actor: str, on: date, data: dict | None = None) -> dict:
    """Append one lifecycle event (rectify, verify, close, reopen, …); return the new state."""
    data = dict(data or {})
    with Ledger(db_url) as ledger:
        if kind == "reopened":  # a reopened case gets a fresh deadline at its level
            row = ledger.case_row(case_id)
            days = policy_for(None, row["policy"]).deadline_days[row["level"]]
            data["deadline"] = date.fromordinal(on.toordinal() + days)
        state = ledger.append(case_id, [(kind, data)], actor=actor, on=on)
    return {"case": case_id, "state": state.state, "level": state.level,
            "deadline": state.deadline.isoformat() if state.deadline else None}


def labels(policy_id: str, lang: str = "zh") -> tuple[dict, dict]:
    """Display names of the listing levels and 双重交办 targets under a policy (for the CLI)."""
    try:
        pol = policy_for(None, policy_id)
    except Exception:  # noqa: BLE001 - a case from a policy no longer shipped: show the ids
        return {}, {}
    key = "label" if lang == "zh" else "label_en"
    levels = {k: v.get(key) or v["label"] for k, v in pol.levels.items()}
    levels["none"] = "未挂牌" if lang == "zh" else "not listed"
    targets = {k: v.get(key) or v["label"] for k, v in pol.departments.items()}
    targets["enterprise"] = "企业（主体责任）" if lang == "zh" else "the enterprise (主体责任)"
    return levels, targets


def tier_label(policy_id: str, tier: str, lang: str = "zh") -> str:
    """``重大风险（红）· 企业主要负责人管控 · 每7天检查`` for a tier under a policy (for the CLI)."""
    try:
        info = policy_for(None, policy_id).tier_levels[tier]
    except Exception:  # noqa: BLE001 - unknown policy or tier: show the id
        return tier
    if lang == "zh":
        return f"{info['label']}（{info['color']}）· {info['owner']}管控 · 每{info['interval_days']}天检查"
    return f"{tier} · owner: {info.get('owner_en') or info['owner']} · inspect every {info['interval_days']} days"
