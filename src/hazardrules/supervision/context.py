"""Where supervision reads its settings and the record's supervision inputs — without the ledger.

- :class:`Settings`: the rules directory (``--rules`` / ``HAZARDRULES_RULES``: the policies and the
  holiday calendar are read from it, never silently from the shipped copy), the user's **default
  jurisdiction** (``--jurisdiction`` / ``HAZARDRULES_JURISDICTION``; none unless set — a record
  without a region code is then *undetermined*, not silently some province) and the reasoner.
- :func:`record_inputs`: a determination's ``enterprise`` and ``supervision`` blocks checked against
  what the jurisdiction's policy declares (unknown keys are errors, enum labels such as 三级 accepted).
- :func:`control_tier`: the tier of one determination (no database needed, so ``check`` stays light).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import RecordError, diag, shown
from ..expr import FieldTable
from . import facts as facts_mod
from .calendar import HolidayCalendar, load_calendar
from .identity import parse_region, validate_credit_code
from .policy import Jurisdiction, Policy, choose, load_policies, policies_dir
from .routing import Router

FOUND_BY = ("self_check", "county", "city", "province", "national", "report")
IDENTITY = ("name", "credit_code", "region_code", "found_by")  # enterprise keys that are not routing facts


@dataclass(frozen=True, slots=True)
class Settings:
    """What every supervision call needs to know about its environment."""

    rules_dir: str | None = None
    jurisdiction: str | None = None  # the default jurisdiction (a policy id), a user setting
    reasoner: str | None = None

    @classmethod
    def resolve(cls, settings: "Settings | None" = None, **kw) -> "Settings":
        """``settings`` with unset values from the environment (``HAZARDRULES_RULES`` etc.)."""
        from ..catalog import default_rules_dir

        s = settings or cls(**kw)
        rules_dir = str(s.rules_dir) if s.rules_dir else str(default_rules_dir())  # resolved once, not per record
        return cls(rules_dir=rules_dir,
                   jurisdiction=s.jurisdiction or os.environ.get("HAZARDRULES_JURISDICTION") or None,
                   reasoner=s.reasoner)


@lru_cache(maxsize=8)
def _policies(rules_dir: str | None) -> dict[str, Policy]:
    return load_policies(Path(rules_dir) if rules_dir else None)


def policies(settings: Settings) -> dict[str, Policy]:
    """Every policy of the settings' rules directory, read once per process like the rulesets
    (an invalid one is an error, never skipped)."""
    return _policies(settings.rules_dir)


@lru_cache(maxsize=8)
def _calendar(rules_dir: str | None) -> HolidayCalendar:
    return load_calendar(Path(rules_dir) if rules_dir else None)


def calendar(settings: Settings) -> HolidayCalendar:
    return _calendar(settings.rules_dir)


_ROUTERS: dict[tuple, Router] = {}


def router_for(policy: Policy, settings: Settings) -> Router:
    """One router per policy digest, reasoner kind and calendar in this process."""
    cal = calendar(settings)
    key = (policy.digest, settings.reasoner, id(cal))
    if key not in _ROUTERS:
        _ROUTERS[key] = Router(policy, kind=settings.reasoner, calendar=cal)
    return _ROUTERS[key]


def jurisdiction_for(region_code: str | None, settings: Settings, explicit: str | None = None) -> Jurisdiction:
    return choose(policies(settings), region_code, explicit, settings.jurisdiction)


def policy_by_id(policy_id: str, settings: Settings) -> Policy:
    return jurisdiction_for(None, settings, policy_id).policy


def checked_enterprise(enterprise: dict | None, where: str, *, credit_code: bool = True) -> dict:
    """Validate the identity fields of a record's ``enterprise`` block; return a normalised copy.
    ``credit_code=False`` leaves the credit code unchecked (the control tier does not read it; opening
    a case does, and refuses a malformed one)."""
    ent = dict(enterprise or {})
    if credit_code and ent.get("credit_code") is not None:
        ent["credit_code"] = validate_credit_code(ent["credit_code"], f"{where}.enterprise.credit_code")
    if ent.get("region_code") is not None:
        ent["region_code"] = parse_region(ent["region_code"], f"{where}.enterprise.region_code").code
    found_by = ent.get("found_by", "county")  # the record-level found_by is checked by the record loader
    if found_by not in FOUND_BY:
        raise RecordError(diag("bad_value", f"{where}.enterprise.found_by", f"found_by 的值 {shown(found_by)} 无效（可选：{', '.join(FOUND_BY)}）",
                               f"found_by {shown(found_by)} is not accepted (accepted: {', '.join(FOUND_BY)})"))
    return ent


def _unknown_keys(block: dict, allowed: list[str], where: str, what: str, policy: Policy) -> list:
    import difflib

    problems = []
    for key in block:
        if key in allowed:
            continue
        near = difflib.get_close_matches(str(key), allowed, n=1)
        hint, hint_en = (f"（是否指 “{near[0]}”？）", f" (did you mean '{near[0]}'?)") if near else ("", "")
        declared = "、".join(policy.declared) or "无"
        problems.append(diag("unknown_key", f"{where}.{what}.{key}",
                             f"{what} 中有未知项 “{key}”{hint}；可用：{'、'.join(allowed)}（辖区策略 {policy.id} 声明的事实：{declared}）",
                             f"unknown key '{key}' in {what}{hint_en}; accepted: {', '.join(allowed)} "
                             f"(facts declared by policy {policy.id}: {', '.join(policy.declared) or 'none'})"))
    return problems


def record_inputs(det, where: str, settings: Settings, explicit: str | None = None, *,
                  credit_code: bool = True) -> tuple[dict, dict, Jurisdiction]:
    """The checked enterprise block, the declared-fact values and the jurisdiction of one determination.

    Keys of ``enterprise`` and ``supervision`` must be identity keys, routing facts of facts.yaml that
    a record may give, or facts the jurisdiction's policy declares; anything else is an error, never
    dropped. Declared values are checked like ruleset facts (enum labels such as 三级 accepted)."""
    ent = checked_enterprise(det.enterprise, where, credit_code=credit_code)
    sup = dict(getattr(det, "supervision", None) or {})
    juris = jurisdiction_for(ent.get("region_code"), settings, explicit)
    pol = juris.policy
    base = list(facts_mod.ENTERPRISE_FACTS)
    problems = _unknown_keys(ent, list(IDENTITY) + base + list(pol.declared), where, "enterprise", pol)
    problems += _unknown_keys(sup, base + list(pol.declared), where, "supervision", pol)
    if problems:
        raise RecordError(problems)
    for name in base:  # a routing fact may sit in either block; supervision wins
        if name in sup:
            ent[name] = sup.pop(name)
    values = {k: v for k, v in ent.items() if k in pol.declared}
    values.update(sup)
    declared = declared_values(values, pol, f"{where}.supervision")
    return ent, declared, juris


def declared_values(values: dict, policy: Policy, where: str, *, coerce: bool = False) -> dict:
    """Values of declared facts, checked and normalised (labels -> ids); unknown names are errors.
    ``coerce`` accepts text as typed on a command line (是/否, numbers)."""
    from ..records import normalize_facts

    table = FieldTable({n: policy.fields[n] for n in policy.declared})
    return normalize_facts(values, table, where, coerce=coerce)


@lru_cache(maxsize=8)
def _has_policies(rules_dir: str | None) -> bool:
    return policies_dir(Path(rules_dir) if rules_dir else None).is_dir()


def control_tier(determination, *, settings: Settings | None = None, policy: str | None = None) -> dict:
    """Control tier (红/橙/黄/蓝, or 未确定 with the reason), its owner and inspection interval, and
    the jurisdiction that decided it, for one determination."""
    settings = Settings.resolve(settings)
    if not _has_policies(settings.rules_dir):  # a rules directory with rulesets only: say so, judge nothing
        folder = policies_dir(Path(settings.rules_dir) if settings.rules_dir else None)
        why = {"code": "no_policies", "zh": f"规则集目录中没有监管策略（{folder}）",
               "en": f"the rules directory holds no supervision policies ({folder})"}
        return {"id": "unknown", "label": "未确定", "color": "未确定", "owner": None, "interval_days": None,
                "fired": [], "policy": None, "assumptions": [], "reason": why, "jurisdiction": why["zh"],
                "jurisdiction_en": why["en"], "jurisdiction_how": "none"}
    # the tier of every checked record: our compiled conditions unless a reasoner is asked for explicitly
    # (durable_rules costs about 1 ms a record here; the equivalence test keeps the two in agreement)
    settings = Settings(settings.rules_dir, settings.jurisdiction,
                        settings.reasoner or os.environ.get("HAZARDRULES_REASONER") or "compiled")
    where = f"record {determination.record_id}"
    ent, declared, juris = record_inputs(determination, where, settings, policy, credit_code=False)
    router = router_for(juris.policy, settings)
    majors = sum(1 for f in determination.findings if f.kind == "major")
    d = router.tier(facts_mod.tier_facts(sector=determination.ruleset, major_count=majors, enterprise=ent,
                                         declared=declared), how=juris.how)
    return dict(router.tier_info(d.tier), fired=[r["id"] for r in d.fired], policy=d.policy,
                assumptions=list(d.assumptions), reason=d.level_reason, jurisdiction=juris.describe("zh"),
                jurisdiction_en=juris.describe("en"), jurisdiction_how=juris.how)


def tier_of_scores(*, lec: tuple | None = None, ls: tuple | None = None, region_code: str | None = None,
                   sector: str = "", major_count: int = 0, settings: Settings | None = None,
                   policy: str | None = None) -> dict:
    """The control tier for an LEC (L, E, C) or LS (L, S) assessment under a jurisdiction's policy."""
    settings = Settings.resolve(settings)
    if region_code is not None:
        region_code = parse_region(region_code, "--region").code
    juris = jurisdiction_for(region_code, settings, policy)
    router = router_for(juris.policy, settings)
    ent: dict = {}
    if lec is not None:
        ent["lec_d"] = lec[0] * lec[1] * lec[2]
    if ls is not None:
        for v, name in zip(ls, ("L", "S")):
            if not (1 <= v <= 5) or int(v) != v:
                raise RecordError(diag("bad_value", f"--ls {name}", f"LS 法的 {name} 应为 1～5 的整数，实际为 {v!r}",
                                       f"LS {name} must be a whole number from 1 to 5, got {v!r}"))
        ent["ls_r"] = int(ls[0]) * int(ls[1])
    d = router.tier(facts_mod.tier_facts(sector=sector, major_count=major_count, enterprise=ent), how=juris.how)
    return dict(router.tier_info(d.tier), fired=[r["id"] for r in d.fired], policy=d.policy,
                assumptions=list(d.assumptions), reason=d.level_reason, lec_d=ent.get("lec_d"), ls_r=ent.get("ls_r"),
                jurisdiction=juris.describe("zh"), jurisdiction_en=juris.describe("en"), jurisdiction_how=juris.how)

