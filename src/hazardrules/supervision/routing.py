"""From facts to decisions: control tier, 挂牌督办 level, 双重交办 targets, deadline, escalation.

The reasoner (durable_rules or our compiled conditions) only says which policy rules hold; this
module turns that list into a :class:`Decision` the same way for both, so they can be compared.

- tier: the highest tier among fired ``tier_rules``, else the adopted ``tiers.default``, else
  undetermined (no rule here);
- level: the highest level among fired ``listing`` rules, raised by the largest ``steps`` of the
  fired ``escalation`` rules (capped at province). It is *undetermined* (``unknown``, 未确定) when
  the jurisdiction has no listing rule, or when a rule that could list higher waits for a fact the
  record did not give (the decision names those facts in ``needs``);
- targets: the enterprise (主体责任) plus every department of the fired ``targets`` rules (监管责任),
  or the policy's default department;
- deadline: ``deadlines.days[level]`` (calendar or working days) from the date, never beyond the
  cap; none when the level is undetermined or the jurisdiction sets no deadline (say why).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from ..errors import RecordError, diag, shown
from . import facts as facts_mod
from .calendar import HolidayCalendar, Period
from .policy import Policy
from .vocabulary import LEVEL_ORDER, TIERS
from .reasoner import Reasoner, make_reasoner

STAGE_SECTIONS = {"opening": ("listing", "targets", "escalation"), "sweep": ("escalation",), "tier": ("tier_rules",)}


@dataclass(frozen=True, slots=True)
class Decision:
    """What the policy decided for one request, and why (the fired rules, in order)."""

    policy: str
    policy_version: str
    policy_digest: str
    reasoner: str
    stage: str
    level: str = "none"
    targets: tuple = ()
    deadline_days: int | None = None
    deadline: date | None = None
    steps: int = 0
    notify: bool = False
    tier: str | None = None
    fired: tuple = ()
    defaulted: tuple = ()
    assumptions: tuple = field(default=())  # fired rules that are our assumptions, not sourced
    level_reason: dict | None = None  # why the level (or tier) is undetermined: {code, zh, en}
    needs: tuple = ()  # facts that would decide an undetermined level
    deadline_reason: dict | None = None  # why there is no deadline
    jurisdiction: str = ""
    jurisdiction_how: str = "region"  # explicit | region | setting | none

    def to_dict(self) -> dict:
        out = asdict(self)
        out["deadline"] = self.deadline.isoformat() if self.deadline else None
        return out


def _reason(code: str, zh: str, en: str) -> dict:
    return {"code": code, "zh": zh, "en": en}


class Router:
    """A policy plus a reasoner; stateless apart from the reasoner's host, safe to share."""

    def __init__(self, policy: Policy, reasoner: Reasoner | None = None, *, kind: str | None = None,
                 calendar: HolidayCalendar | None = None):
        self.policy = policy
        self.reasoner = reasoner or make_reasoner(policy, kind)
        self._rules = {r.id: r for r in policy.rules}
        self._calendar = calendar

    @property
    def calendar(self) -> HolidayCalendar:
        if self._calendar is None:
            from .calendar import load_calendar

            self._calendar = load_calendar()
        return self._calendar

    # -- the three questions ------------------------------------------------------------------
    def route_opening(self, partial: dict, found_on: date, *, how: str = "region") -> Decision:
        """Level, targets and deadline for a new case (``partial`` from :func:`facts.finding_facts`)."""
        facts, defaulted, fired, unknown = self._ask(dict(partial, stage="opening"))
        listing = [self._rules[r] for r in fired if self._rules[r].section == "listing"]
        level = self._max_level([r.effect["level"] for r in listing])
        steps, notify = self._escalation(fired)
        reason, needs = None, ()
        pending = [self._rules[r] for r in unknown if self._rules[r].section == "listing"
                   and LEVEL_ORDER.index(self._rules[r].effect["level"]) > LEVEL_ORDER.index(level)]
        if how == "none":
            level, reason = "unknown", _reason(
                "no_jurisdiction", "记录无行政区划代码，且未设置默认辖区（--jurisdiction / HAZARDRULES_JURISDICTION），无法确定挂牌督办层级",
                "the record has no region code and no default jurisdiction is set (--jurisdiction / "
                "HAZARDRULES_JURISDICTION): the listing level cannot be decided")
        elif pending:
            needs = tuple(dict.fromkeys(n for r in pending for n in sorted(r.condition.fields)
                                        if facts.get(n) is None))
            labels = "、".join(f"{self.policy.fields[n].label}（{n}）" for n in needs)
            level, reason = "unknown", _reason(
                "fact_missing", f"需补充 {labels} 才能确定挂牌督办层级（{'、'.join(r.id for r in pending)}）",
                f"needs {', '.join(needs)} to decide the listing level ({', '.join(r.id for r in pending)})")
        elif facts["hazard_class"] == "major" and not listing and not self.policy.section("listing"):
            level, reason = "unknown", _reason(
                "no_rule", f"{self.policy.jurisdiction}没有已编码的挂牌督办层级规则（策略 {self.policy.id}）",
                f"{self.policy.jurisdiction} has no encoded rule for the listing level (policy {self.policy.id})")
        if level != "unknown":
            level = self._raise(level, steps)
        depts = []
        for rid in fired:
            rule = self._rules[rid]
            if rule.section == "targets" and rule.effect["department"] not in depts:
                depts.append(rule.effect["department"])
        if not depts:
            depts = [self.policy.default_department]
        targets = ("enterprise",) + tuple(depts)
        deadline, days, why = self.deadline_for(level, found_on)
        return self._decision("opening", fired, defaulted, level=level, targets=targets, deadline_days=days,
                              deadline=deadline, steps=steps, notify=notify, level_reason=reason, needs=needs,
                              deadline_reason=why, jurisdiction_how=how)

    def route_sweep(self, opening_facts: dict, *, level: str, deadline: date, today: date) -> Decision:
        """Escalation of an overdue case on ``today`` (no rule fired → level unchanged, steps 0)."""
        partial = facts_mod.sweep_facts(opening_facts, level=level, deadline=deadline, today=today)
        facts, defaulted, fired, _ = self._ask(partial)
        steps, notify = self._escalation(fired)
        new_level = self._raise(level, steps)
        new_deadline, days, why = self.deadline_for(new_level, today) if steps else (None, None, None)
        return self._decision("sweep", fired, defaulted, level=new_level, steps=steps, notify=notify,
                              deadline_days=days, deadline=new_deadline, deadline_reason=why)

    def tier(self, partial: dict, *, how: str = "region") -> Decision:
        """Control tier of one determination (enterprise at one inspection); ``unknown`` when no rule decides."""
        facts, defaulted, fired, _ = self._ask(dict(partial, stage="tier"))
        tiers = [self._rules[r].effect["tier"] for r in fired]
        tier = max(tiers, key=TIERS.index) if tiers else self.policy.tier_default
        reason = None
        if tier is None:
            tier = "unknown"
            reason = (_reason("no_jurisdiction", "记录无行政区划代码，且未设置默认辖区，无法确定管控等级",
                              "no region code and no default jurisdiction: the control tier cannot be decided")
                      if how == "none" else
                      _reason("no_rule", f"{self.policy.jurisdiction}没有适用的风险分级规则（策略 {self.policy.id}）",
                              f"{self.policy.jurisdiction} has no applicable control-tier rule (policy {self.policy.id})"))
        return self._decision("tier", fired, defaulted, tier=tier, level_reason=reason, jurisdiction_how=how)

    def tier_info(self, tier: str) -> dict:
        """Label, colour, owner and inspection interval of a tier under this policy."""
        if tier == "unknown":
            return {"id": "unknown", "label": "未确定", "color": "未确定", "owner": None, "interval_days": None}
        return dict(self.policy.tier_levels[tier], id=tier)

    def deadline_for(self, level: str, start: date) -> tuple[date | None, int | None, dict | None]:
        """Deadline at ``level`` counted from ``start`` (never beyond the cap), or why there is none."""
        p = self.policy
        if level == "unknown":
            return None, None, _reason("level_unknown", "挂牌督办层级未确定，整改期限待定",
                                       "the listing level is undetermined, so is the deadline")
        if level not in p.deadline_days:
            return None, None, _reason("no_rule", f"{p.jurisdiction}未规定该层级的整改期限（策略 {p.id}）；请用 case deadline 设定",
                                       f"{p.jurisdiction} sets no deadline for this level (policy {p.id}); set one with case deadline")
        days = p.deadline_days[level]
        deadline = self.calendar.add(start, Period(days, p.deadline_unit))
        if p.cap is not None:
            deadline = min(deadline, self.calendar.add(start, p.cap))
        return deadline, days, None

    def cap_end(self, found_on: date) -> date | None:
        """The latest deadline the policy allows for a case found on ``found_on`` (None: no cap)."""
        return self.calendar.add(found_on, self.policy.cap) if self.policy.cap else None

    # -- helpers ----------------------------------------------------------------------------------
    def _ask(self, partial: dict):
        facts, defaulted = facts_mod.complete(partial, self.policy.declared)
        validate(facts, self.policy)
        wanted = STAGE_SECTIONS[facts["stage"]]
        if any(facts.get(n) is None for n in self.policy.declared):
            # a declared fact is unknown: durable_rules cannot test absence, our conditions are three-valued
            results = [(r.id, r.condition(facts)) for r in self.policy.rules if r.section in wanted]
            fired = [rid for rid, v in results if v is True]
            unknown = [rid for rid, v in results if v is None]
        else:
            fired = [r for r in self.reasoner.fired(facts) if self._rules[r].section in wanted]
            unknown = []
        return facts, defaulted, fired, unknown

    def _escalation(self, fired) -> tuple[int, bool]:
        esc = [self._rules[r] for r in fired if self._rules[r].section == "escalation"]
        return max((r.effect["steps"] for r in esc), default=0), any(r.effect.get("notify") for r in esc)

    @staticmethod
    def _max_level(levels) -> str:
        return max(levels, key=LEVEL_ORDER.index) if levels else "none"

    @staticmethod
    def _raise(level: str, steps: int) -> str:
        if level == "unknown":
            return level
        return LEVEL_ORDER[min(LEVEL_ORDER.index(level) + steps, len(LEVEL_ORDER) - 1)]

    def _decision(self, stage, fired, defaulted, **kw) -> Decision:
        p = self.policy
        rows = tuple({"id": r, "section": self._rules[r].section, "title": self._rules[r].title,
                      "assumption": self._rules[r].assumption, "basis": self._rules[r].basis} for r in fired)
        return Decision(policy=p.id, policy_version=p.version, policy_digest=p.digest, reasoner=self.reasoner.name,
                        stage=stage, fired=rows, defaulted=tuple(defaulted), jurisdiction=p.jurisdiction,
                        assumptions=tuple(r for r in fired if self._rules[r].assumption), **kw)


def validate(facts: dict, policy: Policy | None = None) -> None:
    """Check complete facts against ``facts.yaml`` and the policy's declared facts: RecordError if not."""
    problems = []
    table = policy.fields if policy is not None else facts_mod.schema()
    declared = set(policy.declared) if policy is not None else set()
    for f in table:
        v = facts.get(f.name)
        if v is None and f.name in declared:
            continue  # a declared fact not given is unknown
        ok = {"bool": lambda: isinstance(v, bool),
              "integer": lambda: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda: isinstance(v, (int, float)) and not isinstance(v, bool),
              "string": lambda: isinstance(v, str),
              "date": lambda: isinstance(v, date),
              "enum": lambda: v in (f.values or {})}.get(f.type, lambda: True)()
        if ok and f.type in ("integer", "number") and ((f.min is not None and v < f.min) or (f.max is not None and v > f.max)):
            ok = False
        if not ok:
            accepted = ", ".join(f.values) if f.type == "enum" else f.type + (f" ≥ {f.min:g}" if f.min is not None else "")
            problems.append(diag("bad_fact", f"supervision.{f.name}", f"{f.label} 的值 {shown(v)} 无效（应为：{accepted}）",
                                 f"{f.label_en or f.name}: invalid value {shown(v)} (accepted: {accepted})"))
    unknown = sorted(set(facts) - set(facts_mod.DEFAULTS) - declared)
    for name in unknown:
        problems.append(diag("bad_fact", name, f"未知的监管事实 {name}", f"unknown routing fact {name}"))
    if problems:
        raise RecordError(problems)
