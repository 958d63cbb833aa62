"""Run the ``examples:`` of a policy file (what ``hazardrules test`` does for policies).

Each example gives partial facts (the rest take their defaults; facts the policy declares stay
unknown unless given), an optional ``found_on`` date and the expected decision; the stage comes from
``facts.stage`` (default ``opening``). Both reasoners run every example, and an example fails if
either disagrees with the expectation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import HolidayCalendar
from .policy import Policy
from .routing import Router

_FOUND = date(2026, 1, 5)


@dataclass(frozen=True, slots=True)
class PolicyExampleResult:
    policy: str
    name: str
    where: str
    reasoner: str
    ok: bool
    problems: tuple


def run_policy_examples(policy: Policy, kinds=("compiled", "durable"),
                        calendar: HolidayCalendar | None = None) -> list[PolicyExampleResult]:
    """Every example of ``policy`` under every reasoner kind in ``kinds``."""
    out = []
    for kind in kinds:
        router = Router(policy, kind=kind, calendar=calendar)
        for ex in policy.examples:
            problems = []
            try:
                got = _run(router, ex)
            except Exception as exc:  # noqa: BLE001 - a failing example reports its error, the run goes on
                render = getattr(exc, "render", None)
                problems.append(render("en") if render else f"{type(exc).__name__}: {exc}")
                got = None
            if got is not None:
                for key, want in ex.expect.items():  # null = expected absent
                    if got[key] != want:
                        problems.append(f"{key}: expected {want!r}, got {got[key]!r}")
            out.append(PolicyExampleResult(policy.id, ex.name, ex.where, router.reasoner.name, not problems,
                                           tuple(problems)))
    return out


def _run(router: Router, ex) -> dict:
    found = date.fromisoformat(ex.found_on) if ex.found_on else _FOUND
    facts = dict(ex.facts)
    for name in router.policy.declared:  # declared facts arrive as labels or ids, like a record's
        if name in facts:
            from .context import declared_values

            facts.update(declared_values({name: facts[name]}, router.policy, f"example {ex.name}"))
    stage = facts.get("stage", "opening")
    if stage == "tier":
        d = router.tier(facts)
    elif stage == "sweep":
        level = facts.pop("level", "county")
        overdue = facts.pop("days_overdue", 0)
        d = router.route_sweep(facts, level=level, deadline=found, today=found + timedelta(days=overdue))
    else:
        d = router.route_opening(facts, found)
    return {"level": d.level, "targets": list(d.targets), "deadline_days": d.deadline_days,
            "deadline": d.deadline.isoformat() if d.deadline else None, "tier": d.tier, "notify": d.notify,
            "fired": [r["id"] for r in d.fired], "needs": list(d.needs)}


def lint_policy(policy: Policy, calendar: HolidayCalendar | None = None) -> list[tuple[str, str, str]]:
    """Warnings beyond validity: applied rules no example fires, declared facts no rule reads, a
    policy without examples. Each is ``(where, zh, en)``."""
    out = []
    if not policy.examples:
        out.append((policy.id, "策略没有示例（examples:）", "the policy has no examples"))
        return out
    router = Router(policy, kind="compiled", calendar=calendar)
    fired: set[str] = set()
    for ex in policy.examples:
        try:
            fired.update(_run(router, ex)["fired"])
        except Exception:  # noqa: BLE001 - a broken example is reported by hazardrules test
            continue
    for rule in policy.rules:
        if rule.id not in fired and rule.section in ("listing", "tier_rules", "escalation"):
            out.append((rule.where, f"规则 {rule.id} 在策略 {policy.id} 的示例中从未成立",
                        f"no example of policy {policy.id} fires rule {rule.id}"))
    read = {n for r in policy.rules for n in r.condition.fields}
    for name in policy.declared:
        if name not in read:
            out.append((policy.id, f"声明的事实 {name} 没有规则使用", f"declared fact {name} is read by no rule"))
    return out
