"""Run the ``examples:`` of a policy file (what ``hazardrules test`` does for policies).

Each example gives partial facts (the rest take their defaults) and the expected decision; the
stage comes from ``facts.stage`` (default ``opening``). Both reasoners run every example, and an
example fails if either disagrees with the expectation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .policy import Policy
from .routing import Router

_FOUND = date(2026, 1, 1)


@dataclass(frozen=True, slots=True)
class PolicyExampleResult:
    policy: str
    name: str
    where: str
    reasoner: str
    ok: bool
    problems: tuple


def run_policy_examples(policy: Policy, kinds=("compiled", "durable")) -> list[PolicyExampleResult]:
    """Every example of ``policy`` under every reasoner kind in ``kinds``."""
    out = []
    for kind in kinds:
        router = Router(policy, kind=kind)
        for ex, doc, kp in policy.examples:
            stage = ex.facts.get("stage", "opening")
            if stage == "tier":
                d = router.tier(ex.facts)
            elif stage == "sweep":
                facts = dict(ex.facts)
                level = facts.pop("level", "county")
                overdue = facts.pop("days_overdue", 0)
                d = router.route_sweep(facts, level=level, deadline=_FOUND, today=date.fromordinal(_FOUND.toordinal() + overdue))
            else:
                d = router.route_opening(ex.facts, _FOUND)
            problems = []
            e = ex.expect
            got = {"level": d.level, "targets": list(d.targets), "deadline_days": d.deadline_days, "tier": d.tier,
                   "notify": d.notify, "fired": [r["id"] for r in d.fired]}
            for key, want in e.model_dump().items():
                if want is not None and got[key] != want:
                    problems.append(f"{key}: expected {want!r}, got {got[key]!r}")
            out.append(PolicyExampleResult(policy.id, ex.name, doc.where(kp), router.reasoner.name, not problems,
                                           tuple(problems)))
    return out
