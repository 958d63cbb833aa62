"""From facts to decisions: control tier, 挂牌督办 level, 双重交办 targets, deadline, escalation.

The reasoner (durable_rules or our compiled conditions) only says which policy rules hold; this
module turns that list into a :class:`Decision` the same way for both, so they can be compared.

- tier: the highest tier among fired ``tier_rules`` (default ``tiers.default``);
- level: the highest level among fired ``listing`` rules, then raised by the largest ``steps`` of
  the fired ``escalation`` rules (capped at province);
- targets: the enterprise (主体责任) plus every department of the fired ``targets`` rules (监管责任),
  or the policy's default department;
- deadline: ``deadlines.days[level]`` from the date, capped at ``deadlines.max_days``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from ..errors import RecordError, diag, shown
from . import facts as facts_mod
from .policy import Policy
from .policy_doc import LEVEL_ORDER, TIERS
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

    def to_dict(self) -> dict:
        out = asdict(self)
        out["deadline"] = self.deadline.isoformat() if self.deadline else None
        return out


class Router:
    """A policy plus a reasoner; stateless apart from the reasoner's host, safe to share."""

    def __init__(self, policy: Policy, reasoner: Reasoner | None = None, *, kind: str | None = None):
        self.policy = policy
        self.reasoner = reasoner or make_reasoner(policy, kind)
        self._rules = {r.id: r for r in policy.rules}

    # -- the three questions ------------------------------------------------------------------
    def route_opening(self, partial: dict, found_on: date) -> Decision:
        """Level, targets and deadline for a new case (``partial`` from :func:`facts.finding_facts`)."""
        facts, defaulted, fired = self._ask(dict(partial, stage="opening"))
        level = self._max_level([self._rules[r].effect["level"] for r in fired if self._rules[r].section == "listing"])
        steps, notify = self._escalation(fired)
        level = self._raise(level, steps)
        depts = []
        for rid in fired:
            rule = self._rules[rid]
            if rule.section == "targets" and rule.effect["department"] not in depts:
                depts.append(rule.effect["department"])
        if not depts:
            depts = [self.policy.default_department]
        targets = ("enterprise",) + tuple(depts)
        days = self._days(level)
        return self._decision("opening", fired, defaulted, level=level, targets=targets, deadline_days=days,
                              deadline=found_on + timedelta(days=days), steps=steps, notify=notify)

    def route_sweep(self, opening_facts: dict, *, level: str, deadline: date, today: date) -> Decision:
        """Escalation of an overdue case on ``today`` (no rule fired → level unchanged, steps 0)."""
        partial = facts_mod.sweep_facts(opening_facts, level=level, deadline=deadline, today=today)
        facts, defaulted, fired = self._ask(partial)
        steps, notify = self._escalation(fired)
        new_level = self._raise(level, steps)
        days = self._days(new_level) if steps else None
        return self._decision("sweep", fired, defaulted, level=new_level, steps=steps, notify=notify,
                              deadline_days=days, deadline=today + timedelta(days=days) if days else None)

    def tier(self, partial: dict) -> Decision:
        """Control tier of one determination (enterprise at one inspection)."""
        facts, defaulted, fired = self._ask(dict(partial, stage="tier"))
        tiers = [self._rules[r].effect["tier"] for r in fired]
        tier = max(tiers, key=TIERS.index) if tiers else self.policy.tier_default
        return self._decision("tier", fired, defaulted, tier=tier)

    def tier_info(self, tier: str) -> dict:
        """Label, colour, owner and inspection interval of a tier under this policy."""
        return dict(self.policy.tier_levels[tier], id=tier)

    # -- helpers ----------------------------------------------------------------------------------
    def _ask(self, partial: dict):
        facts, defaulted = facts_mod.complete(partial)
        validate(facts)
        wanted = STAGE_SECTIONS[facts["stage"]]
        fired = [r for r in self.reasoner.fired(facts) if self._rules[r].section in wanted]
        return facts, defaulted, fired

    def _escalation(self, fired) -> tuple[int, bool]:
        esc = [self._rules[r] for r in fired if self._rules[r].section == "escalation"]
        return max((r.effect["steps"] for r in esc), default=0), any(r.effect.get("notify") for r in esc)

    @staticmethod
    def _max_level(levels) -> str:
        return max(levels, key=LEVEL_ORDER.index) if levels else "none"

    @staticmethod
    def _raise(level: str, steps: int) -> str:
        return LEVEL_ORDER[min(LEVEL_ORDER.index(level) + steps, len(LEVEL_ORDER) - 1)]

    def _days(self, level: str) -> int:
        return min(self.policy.deadline_days[level], self.policy.max_days)

    def _decision(self, stage, fired, defaulted, **kw) -> Decision:
        p = self.policy
        rows = tuple({"id": r, "section": self._rules[r].section, "title": self._rules[r].title,
                      "assumption": self._rules[r].assumption, "basis": self._rules[r].basis} for r in fired)
        return Decision(policy=p.id, policy_version=p.version, policy_digest=p.digest, reasoner=self.reasoner.name,
                        stage=stage, fired=rows, defaulted=tuple(defaulted),
                        assumptions=tuple(r for r in fired if self._rules[r].assumption), **kw)


def validate(facts: dict) -> None:
    """Check complete facts against ``facts.yaml`` (type, enum value, bounds): RecordError if not."""
    problems = []
    for f in facts_mod.schema():
        v = facts.get(f.name)
        ok = {"bool": lambda: isinstance(v, bool),
              "integer": lambda: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda: isinstance(v, (int, float)) and not isinstance(v, bool),
              "string": lambda: isinstance(v, str),
              "enum": lambda: v in (f.values or {})}[f.type]()
        if ok and f.type in ("integer", "number") and f.min is not None and v < f.min:
            ok = False
        if not ok:
            accepted = ", ".join(f.values) if f.type == "enum" else f.type + (f" ≥ {f.min:g}" if f.min is not None else "")
            problems.append(diag("bad_fact", f"enterprise.{f.name}", f"{f.label} 的值 {shown(v)} 无效（应为：{accepted}）",
                                 f"{f.label_en or f.name}: invalid value {shown(v)} (accepted: {accepted})"))
    unknown = sorted(set(facts) - set(facts_mod.DEFAULTS))
    for name in unknown:
        problems.append(diag("bad_fact", name, f"未知的监管事实 {name}", f"unknown routing fact {name}"))
    if problems:
        raise RecordError(problems)
