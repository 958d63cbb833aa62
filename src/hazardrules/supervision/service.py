"""The supervision steps the CLI and other systems call: open cases, move them, sweep for escalation.

Each function takes plain inputs (determinations, a DB URL, dates, :class:`~.context.Settings`),
and returns plain dicts. Bad input (malformed credit or region code, a record without an id, an
unknown key in a record's supervision blocks) raises before anything is written. Only opening cases
creates a ledger; every other step needs one that exists ("no ledger at …" otherwise).
"""

from __future__ import annotations

import hashlib
from datetime import date

import orjson

from ..errors import RecordError, diag
from . import facts as facts_mod
from .context import Settings, policy_by_id, record_inputs, router_for
from .errors import ConflictError
from .ledger import Ledger, Opening
from .lifecycle import is_overdue, replay

SOURCE_OF = {"self_check": "self_check", "report": "report"}  # anything else found by an inspection
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


def build_openings(determinations, ledger: Ledger, today: date, *, settings: Settings, policy: str | None = None
                   ) -> tuple[list[Opening], list[dict]]:
    """Route every finding of every determination; validate everything before anything is written."""
    openings, inspections = [], []
    inputs = []
    for n, det in enumerate(determinations, 1):
        where = f"record {det.record_id or n}"
        if not det.record_id:
            raise RecordError(diag("record_id", where, "立案需要记录编号 record_id", "opening cases needs a record_id"))
        inputs.append(record_inputs(det, where, settings, policy))
    closures = ledger.last_closures([(ent.get("credit_code"), ent.get("name"), f.rule)
                                     for det, (ent, _, _) in zip(determinations, inputs) for f in det.findings])
    for det, (ent, declared, juris) in zip(determinations, inputs):
        pol = juris.policy
        router = router_for(pol, settings)
        found_on = det.inspection_date or today
        if not date(1949, 10, 1) <= found_on <= LATEST_CASE_DATE:  # deadlines and escalations are computed from it
            raise RecordError(diag("bad_date", f"record {det.record_id} inspection_date",
                                   f"检查日期 {found_on} 不在可立案的范围内（1949-10-01 至 {LATEST_CASE_DATE}）",
                                   f"inspection date {found_on} is outside the range cases can be opened for "
                                   f"(1949-10-01 to {LATEST_CASE_DATE})"))
        found_by = getattr(det, "found_by", None) or ent.get("found_by") or "county"  # record key, else legacy
        findings = [f for f in det.findings if f.kind == "major" or pol.open_general_cases]
        majors = sum(1 for f in det.findings if f.kind == "major")
        tier = router.tier(facts_mod.tier_facts(sector=det.ruleset, major_count=majors, enterprise=ent,
                                                declared=declared), how=juris.how)
        ekey = enterprise_key(ent)
        inspections.append(dict(record_id=det.record_id, ruleset=det.ruleset, enterprise_key=ekey, inspection_date=found_on,
                                source=SOURCE_OF.get(found_by, "inspection"), credit_code=ent.get("credit_code"),
                                region_code=ent.get("region_code"), enterprise_name=ent.get("name"),
                                major_count=majors, general_count=len(det.findings) - majors,
                                conclusion=det.conclusion))
        for f in findings:
            hclass = "major" if f.kind == "major" else "general"
            prior = closures.get((ent.get("credit_code"), ent.get("name"), f.rule))
            partial = facts_mod.finding_facts(sector=det.ruleset, rule=f.rule, hazard_class=hclass, enterprise=ent,
                                              found_by=found_by, found_on=found_on, prior_close=prior,
                                              major_count=majors, declared=declared)
            decision = router.route_opening(partial, found_on, how=juris.how)
            openings.append(Opening(
                natural_key=natural_key(det.ruleset, ekey, det.record_id, f.rule), record_id=det.record_id,
                ruleset=det.ruleset,
                edition=det.edition, ruleset_version=det.version, digest=det.digest, rule=f.rule, cite=f.cite,
                title=f.title, hazard_class=hclass, source=SOURCE_OF.get(found_by, "inspection"), enterprise=ent,
                found_on=found_on, finding={"group": f.group, "evidence": f.evidence, "units": list(f.units)},
                facts=_jsonable(partial), decision=decision, separate_reviewer=pol.separate_reviewer,
                tier={"tier": tier.tier, "fired": [r["id"] for r in tier.fired], "assumptions": list(tier.assumptions),
                      "reason": tier.level_reason},
                jurisdiction=juris.describe("zh")))
    return openings, inspections


def _jsonable(facts: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in facts.items()}


def case_summary(cid: int, created: bool, o: Opening) -> dict:
    d = o.decision
    return {"case": cid, "created": created, "record_id": o.record_id, "rule": o.rule, "hazard_class": o.hazard_class,
            "level": d.level, "level_reason": d.level_reason, "needs": list(d.needs),
            "deadline": d.deadline.isoformat() if d.deadline else None, "deadline_reason": d.deadline_reason,
            "targets": list(d.targets), "policy": d.policy, "jurisdiction": o.jurisdiction,
            "reasoner": d.reasoner, "tier": o.tier["tier"] if o.tier else None}


def open_cases(determinations, db_url: str | None = None, today: date | None = None, *, actor: str = "hazardrules",
               policy: str | None = None, reasoner: str | None = None, settings: Settings | None = None) -> list[dict]:
    """Open a case for each major hazard (and each 一般隐患 if the policy says so) found; idempotent."""
    settings = Settings.resolve(settings, reasoner=reasoner)
    today = today or date.today()
    determinations = list(determinations)
    with Ledger(db_url, create=True) as ledger:
        openings, inspections = build_openings(determinations, ledger, today, settings=settings, policy=policy)
        ids = ledger.open_many(openings, actor=actor, inspections_rows=inspections)
    return [case_summary(cid, created, o) for (cid, created), o in zip(ids, openings)]


def sweep(db_url: str | None, today: date, *, actor: str = "sweep", reasoner: str | None = None,
          settings: Settings | None = None) -> list[dict]:
    """Escalate every overdue case once per missed deadline and flag overdue time limits (running it
    twice changes nothing); return the escalations (:func:`sweep_all` returns everything)."""
    return sweep_all(db_url, today, actor=actor, reasoner=reasoner, settings=settings)["escalations"]


def sweep_all(db_url: str | None, today: date, *, actor: str = "sweep", reasoner: str | None = None,
              settings: Settings | None = None) -> dict:
    """The sweep on ``today``: escalations of overdue cases, overdue time limits (e.g. the on-site
    review within 10 days of a resumption application) flagged once each, cases whose listing level
    is still undetermined, and enterprise statistics reports that are late or missing."""
    from . import statistics as stats_mod
    from .steps import flag_duties

    settings = Settings.resolve(settings, reasoner=reasoner)
    with Ledger(db_url, create=False) as ledger:
        escalations = _escalate(ledger, today, actor, settings)
        duties = flag_duties(ledger, today, settings, actor=actor)
        pending = [{"case": r["id"], "rule": r["rule"], "enterprise": r["enterprise_name"]}
                   for r in ledger.list_cases(open_only=True) if r["level"] == "unknown"]
        with ledger.engine.connect() as conn:
            reports = [r for r in stats_mod.statuses(conn, today) if r.status in ("late", "missing")]
    return {"escalations": escalations, "duties": duties, "undetermined": pending, "reports": reports}


def _escalate(ledger: Ledger, today: date, actor: str, settings: Settings) -> list[dict]:
    out = []
    for row in ledger.list_cases(open_only=True):
        events = ledger.events(row["id"])
        state = replay(events)
        if not is_overdue(state, today) or state.deadline.isoformat() in state.escalated_for:
            continue
        if state.last_on and today < state.last_on:
            continue  # a sweep dated before the case's last step cannot act on it
        router = router_for(policy_by_id(row["policy"], settings), settings)
        d = router.route_sweep(_opening_facts(events), level=state.level, deadline=state.deadline, today=today)
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
        out.append({"case": row["id"], "policy": row["policy"], "from_level": state.level, "to_level": new.level,
                    "deadline": new.deadline.isoformat() if new.deadline else None,
                    "notified": any(k == "notified" for k, _ in steps), "fired": fired})
    return out


def _opening_facts(events) -> dict:
    """The routing facts of a case: those it was opened with, updated by every later facts_set."""
    facts = dict(events[0].data.get("facts", {}))
    for e in events[1:]:
        if e.kind == "facts_set":
            facts.update(e.data.get("facts", {}))
    return facts


def step(db_url: str | None, case_id: int, kind: str, *, actor: str, on: date, data: dict | None = None,
         settings: Settings | None = None) -> dict:
    """Append one lifecycle event (rectify, verify, close, reopen, …); return the new state."""
    settings = Settings.resolve(settings)
    data = dict(data or {})
    with Ledger(db_url, create=False) as ledger:
        if kind == "reopened":  # a reopened case gets a fresh deadline at its level
            row = ledger.case_row(case_id)
            router = router_for(policy_by_id(row["policy"], settings), settings)
            deadline, _, _ = router.deadline_for(row["level"], on)
            data["deadline"] = deadline
        state = ledger.append(case_id, [(kind, data)], actor=actor, on=on)
    return {"case": case_id, "state": state.state, "level": state.level,
            "deadline": state.deadline.isoformat() if state.deadline else None}


def labels(policy_id: str, lang: str = "zh", settings: Settings | None = None) -> tuple[dict, dict]:
    """Display names of the listing levels and 双重交办 targets under a policy (for the CLI)."""
    try:
        pol = policy_by_id(policy_id, Settings.resolve(settings))
    except Exception:  # noqa: BLE001 - a case from a policy no longer shipped: show the ids
        return {}, {}
    key = "label" if lang == "zh" else "label_en"
    levels = {k: v.get(key) or v["label"] for k, v in pol.levels.items()}
    levels["none"] = "未挂牌" if lang == "zh" else "not listed"
    levels["unknown"] = "未确定" if lang == "zh" else "undetermined"
    targets = {k: v.get(key) or v["label"] for k, v in pol.departments.items()}
    targets["enterprise"] = "企业（主体责任）" if lang == "zh" else "the enterprise (主体责任)"
    return levels, targets


def tier_label(policy_id: str, tier: str, lang: str = "zh", settings: Settings | None = None) -> str:
    """``重大风险（红）· 企业主要负责人管控 · 每7天检查`` for a tier under a policy (for the CLI)."""
    if tier == "unknown":
        return "未确定" if lang == "zh" else "undetermined"
    try:
        info = policy_by_id(policy_id, Settings.resolve(settings)).tier_levels[tier]
    except Exception:  # noqa: BLE001 - unknown policy or tier: show the id
        return tier
    if lang == "zh":
        return f"{info['label']}（{info['color']}）· {info['owner']}管控 · 每{info['interval_days']}天检查"
    return f"{tier} · owner: {info.get('owner_en') or info['owner']} · inspect every {info['interval_days']} days"
