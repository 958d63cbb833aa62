"""Pydantic models of a supervision policy file *as authored* (``rulesets/policies/*.yaml``).

They check shape only; :mod:`.policy` merges ``extends`` chains, compiles the conditions and
checks cross references. Every rule and every default says whether it is sourced (``basis``) or our
design assumption (``assumption: true``) so users can tell confirmed facts from our choices.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["county", "city", "province"]
Tier = Literal["red", "orange", "yellow", "blue"]
TIERS = ("blue", "yellow", "orange", "red")  # low to high
LEVEL_ORDER = ("none", "county", "city", "province")


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JurisdictionDoc(_Doc):
    region_prefix: str = Field(pattern=r"^[0-9]{0,6}$")  # "" = nationwide, "15" = 内蒙古自治区
    name: str
    default: bool = False  # the jurisdiction used when a record has no region code


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
    max_days: int | None = None
    basis: str | None = None
    assumption: bool | None = None


class ReviewDoc(_Doc):
    separate_reviewer: bool
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


class RuleDoc(_Doc):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    title: str
    title_en: str | None = None
    when: str
    basis: str | None = None  # the source, when there is one
    assumption: bool  # true = our design default, not sourced
    note: str | None = None
    tier: Tier | None = None  # tier rules
    level: Level | None = None  # listing rules
    department: str | None = None  # target rules
    steps: int | None = Field(default=None, ge=1, le=3)  # escalation rules
    notify: bool | None = None  # escalation rules: also 通报


class ExpectDoc(_Doc):
    level: Literal["none", "county", "city", "province"] | None = None
    targets: list[str] | None = None
    deadline_days: int | None = None
    tier: Tier | None = None
    notify: bool | None = None
    fired: list[str] | None = None


class ExampleDoc(_Doc):
    name: str
    facts: dict
    expect: ExpectDoc


class PolicyDoc(_Doc):
    policy: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    title_en: str | None = None
    version: str
    extends: str | None = None
    jurisdiction: JurisdictionDoc
    notes: str | None = None
    levels: dict[Level, LevelDoc] = Field(default_factory=dict)
    departments: dict[str, DepartmentDoc] = Field(default_factory=dict)
    default_department: str | None = None
    deadlines: DeadlinesDoc | None = None
    review: ReviewDoc | None = None
    open_general_cases: bool | None = None
    tiers: TiersDoc | None = None
    drop: list[str] = Field(default_factory=list)  # inherited rule ids to remove
    tier_rules: list[RuleDoc] = Field(default_factory=list)
    listing: list[RuleDoc] = Field(default_factory=list)
    targets: list[RuleDoc] = Field(default_factory=list)
    escalation: list[RuleDoc] = Field(default_factory=list)
    examples: list[ExampleDoc] = Field(default_factory=list)


SECTIONS = ("tier_rules", "listing", "targets", "escalation")
# the effect key each section's rules must carry
EFFECT = {"tier_rules": "tier", "listing": "level", "targets": "department", "escalation": "steps"}
