"""Routing facts: the one flat, complete dict a policy's conditions read.

The schema is ``facts.yaml`` beside this module (loaded with the project's YAML loader so its
declarations are validated like a ruleset's ``fields:``). Builders turn a finding, the enterprise
profile, the case history and today's date into facts; any value the record does not give takes
the default in :data:`DEFAULTS` (each one an assumption, listed in the decision as ``defaulted``).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from ..expr import FieldTable
from ..loader import load_yaml

SCHEMA_PATH = Path(__file__).with_name("facts.yaml")

DEFAULTS: dict = {
    "stage": "opening", "sector": "", "hazard_class": "major", "rule": "", "major_count": 0,
    "potential_deaths": 0, "potential_deaths_known": False, "cross_city_impact": False,
    "cross_county_impact": False, "ownership": "unknown", "found_by": "county", "level": "none",
    "days_overdue": 0, "prior_closed_same_clause": False, "months_since_prior_close": 0,
    "lec_known": False, "lec_d": 0, "ls_known": False, "ls_r": 0,
}
# facts the enterprise block of a record may carry (everything else is derived)
ENTERPRISE_FACTS = ("potential_deaths", "cross_city_impact", "cross_county_impact", "ownership", "lec_d", "ls_r")
SOURCES = ("self_check", "inspection", "report")


@lru_cache(maxsize=1)
def schema() -> FieldTable:
    """The declared routing facts (cached; the file ships with the package)."""
    doc = load_yaml(SCHEMA_PATH)
    return FieldTable.from_mapping(doc.data["fields"], doc, ("fields",))


def complete(partial: dict, declared: tuple = ()) -> tuple[dict, list[str]]:
    """Fill every missing base fact with its default; return the facts and the names that were
    defaulted. Facts a policy declares (``declared``) are never defaulted: absent means unknown."""
    facts = dict(DEFAULTS)
    defaulted = [name for name in DEFAULTS if name not in partial]
    facts.update({k: v for k, v in partial.items() if not (k in declared and v is None)})
    facts["potential_deaths_known"] = bool(partial.get("potential_deaths_known", "potential_deaths" in partial))
    facts["lec_known"] = bool(partial.get("lec_known", "lec_d" in partial))
    facts["ls_known"] = bool(partial.get("ls_known", "ls_r" in partial))
    return facts, defaulted


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (0 if later is not after earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def finding_facts(*, sector: str, rule: str, hazard_class: str, enterprise: dict, found_by: str,
                  found_on: date, prior_close: date | None, major_count: int = 1, declared: dict | None = None) -> dict:
    """Facts for opening a case on one finding (``prior_close``: last 销号 of the same clause;
    ``declared``: values of the facts the policy declares, from the record's blocks)."""
    partial = {"stage": "opening", "sector": sector, "rule": rule, "hazard_class": hazard_class,
               "found_by": found_by, "major_count": major_count, "level": "none"}
    for name in ENTERPRISE_FACTS:
        if enterprise.get(name) is not None:
            partial[name] = enterprise[name]
    partial.update(declared or {})
    if prior_close is not None:
        partial["prior_closed_same_clause"] = True
        partial["months_since_prior_close"] = months_between(prior_close, found_on)
    return partial


def sweep_facts(opening_facts: dict, *, level: str, deadline: date, today: date) -> dict:
    """Facts for the overdue sweep: the opening facts with the current level and days overdue."""
    partial = {k: v for k, v in opening_facts.items() if k != "stage"}
    partial.update(stage="sweep", level=level, days_overdue=max((today - deadline).days, 0))
    return partial


def tier_facts(*, sector: str, major_count: int, enterprise: dict, declared: dict | None = None) -> dict:
    """Facts for the control tier of one determination (an enterprise at one inspection)."""
    partial = {"stage": "tier", "sector": sector, "major_count": major_count,
               "hazard_class": "major" if major_count else "general"}
    for name in ENTERPRISE_FACTS:
        if enterprise.get(name) is not None:
            partial[name] = enterprise[name]
    partial.update(declared or {})
    return partial
