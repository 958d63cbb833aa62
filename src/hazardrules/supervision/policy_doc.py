"""Pydantic models of a supervision policy file *as authored* (``rulesets/policies/*.yaml``).

They check shape only; :mod:`.policy` merges ``extends`` chains, decides which assumed rules are
adopted, compiles the conditions and checks cross references. Every rule and every default says
whether it is sourced (``basis``) or our design assumption (``assumption: true``) so users can tell
confirmed facts from our choices. A ``baseline: true`` policy (the national one) only *offers* its
assumed rules: they apply in a jurisdiction whose policy lists them under ``adopt:``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Level = Literal["county", "city", "province"]
Tier = Literal["red", "orange", "yellow", "blue"]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PeriodDoc(_Doc):
    """A period: exactly one of calendar ``days``, ``working_days`` (工作日), ``months``, ``years``."""

    days: int | None = Field(default=None, ge=0)
    working_days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in ("days", "working_days", "months", "years") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a period takes exactly one of days, working_days, months, years "
                             "（期限应恰好写一项：days、working_days、months 或 years）")
        return self


class JurisdictionDoc(_Doc):
    region_prefix: str = Field(pattern=r"^[0-9]{0,6}$")  # "" = nationwide, "15" = 内蒙古自治区, "3702" = 青岛市
    name: str
    default: bool | None = None  # no longer read: the default jurisdiction is a user setting (refused in policy.py)


class LevelDoc(_Doc):
    label: str
    label_en: str | None = None
    authority: str  # who issues the 挂牌督办通知书 at this level
    basis: str | None = None
    assumption: bool


class DepartmentDoc(_Doc):
    label: str
    label_en: str | None = None


class DeadlinesDoc(_Doc):
    days: dict[Literal["none", "county", "city", "province"], int] = Field(default_factory=dict)
    unit: Literal["days", "working_days"] = "days"  # how ``days`` are counted
    max_days: int | None = None  # cap in calendar days from the found date (older form of ``cap``)
    cap: PeriodDoc | None = None  # no deadline (first, extended or manual) beyond found date + cap
    basis: str | None = None
    assumption: bool | None = None


class ReviewDoc(_Doc):
    separate_reviewer: bool
    basis: str | None = None
    assumption: bool


class ExtensionDoc(_Doc):
    """Extension requests: how long before the deadline they must come, how soon the decision."""

    request_lead: PeriodDoc | None = None  # the request at least this long before the current deadline
    decide_within: PeriodDoc | None = None  # the decision within this after the request
    basis: str | None = None
    assumption: bool


class TierLevelDoc(_Doc):
    label: str  # 重大风险 …
    color: str  # 红 …
    owner: str  # 企业主要负责人 …
    owner_en: str | None = None
    interval_days: int = Field(ge=1)
    assumption: bool


class TiersDoc(_Doc):
    levels: dict[Tier, TierLevelDoc] = Field(default_factory=dict)
    default: Tier | None = None
    assumption: bool | None = None  # the default tier is a choice; true unless sourced


class RuleDoc(_Doc):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    title: str
    title_en: str | None = None
    when: str
    basis: str | None = None  # the source, when there is one
    assumption: bool  # true = our design default, not sourced
    note: str | None = None
    tier: Tier | None = None  # tier rules
    level: Level | Literal["none"] | None = None  # listing rules ("none": decided not to list)
    department: str | None = None  # target rules
    steps: int | None = Field(default=None, ge=1, le=3)  # escalation rules
    notify: bool | None = None  # escalation rules: also 通报


class DutyDoc(_Doc):
    """A time limit on a step after an event: "on-site review within 10 days of the application"."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    title: str
    title_en: str | None = None
    after: Literal["opened", "listed", "resumption_applied", "rectification_reported", "closed"]
    within: PeriodDoc
    done_by: list[Literal["filed", "published", "review_passed", "review_failed", "closed", "assessed",
                          "resumption_applied"]]
    who: Literal["regulator", "enterprise"] = "regulator"
    basis: str | None = None
    assumption: bool


class ExpectDoc(_Doc):
    level: Literal["none", "county", "city", "province", "unknown"] | None = None
    targets: list[str] | None = None
    deadline_days: int | None = None
    deadline: str | None = None  # ISO date, from the example's found_on
    tier: Tier | Literal["unknown"] | None = None
    notify: bool | None = None
    fired: list[str] | None = None
    needs: list[str] | None = None  # facts that would decide an undetermined level


class ExampleDoc(_Doc):
    name: str
    facts: dict
    found_on: str | None = None  # ISO date (default 2026-01-05)
    expect: ExpectDoc


class PolicyDoc(_Doc):
    policy: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    title_en: str | None = None
    version: str
    extends: str | None = None
    baseline: bool = False  # its assumed rules are offered for adoption, not applied
    adopt: Literal["all"] | list[str] = Field(default_factory=list)  # assumed rules/blocks of ancestors applied here
    jurisdiction: JurisdictionDoc
    source: str | None = None  # the province's document this policy encodes
    notes: str | None = None
    facts: dict = Field(default_factory=dict)  # facts this policy routes on, declared like ruleset fields
    levels: dict[Level, LevelDoc] = Field(default_factory=dict)
    departments: dict[str, DepartmentDoc] = Field(default_factory=dict)
    default_department: str | None = None
    deadlines: DeadlinesDoc | None = None
    review: ReviewDoc | None = None
    extension: ExtensionDoc | None = None
    open_general_cases: bool | None = None
    tiers: TiersDoc | None = None
    drop: list[str] = Field(default_factory=list)  # inherited rule ids to remove
    tier_rules: list[RuleDoc] = Field(default_factory=list)
    listing: list[RuleDoc] = Field(default_factory=list)
    targets: list[RuleDoc] = Field(default_factory=list)
    escalation: list[RuleDoc] = Field(default_factory=list)
    duties: list[DutyDoc] = Field(default_factory=list)
    examples: list[ExampleDoc] = Field(default_factory=list)


def policy_json_schema() -> dict:
    """JSON Schema of a policy file (for editors and ``hazardrules schema policy``)."""
    schema = PolicyDoc.model_json_schema()
    schema["title"] = "hazardrules supervision policy / 重大事故隐患监管策略"
    return schema
