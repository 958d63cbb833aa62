"""Pydantic models of the service's JSON, for the OpenAPI document (and the contract tests).

Determinations are not re-modelled here: their JSON is :meth:`Determination.to_dict`, described by
:class:`hazardrules.results.DeterminationModel`, so the service and the CLI cannot drift apart.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..results import DeterminationModel

Conclusion = Literal["major_hazard", "no_major_hazard", "incomplete"]


class OpenedCase(BaseModel):
    case: int = Field(description="案件编号 / case id")
    created: bool = Field(description="本次新建（否：此前已立案）/ created now (false: existed already)")
    record_id: str
    rule: str
    hazard_class: str
    level: str = Field(description="挂牌督办级别 / listing level")
    deadline: str = Field(description="整改期限 / deadline")
    targets: list[str] = Field(description="双重交办对象 / assigned to")
    policy: str
    reasoner: str
    tier: str | None = Field(default=None, description="管控等级 / control tier")


class DeterminationWithCases(DeterminationModel):
    """判定结论；``open_cases=true`` 时附带所建案件。The determination (with ``cases`` when opened)."""

    cases: list[OpenedCase] | None = None


class RulesetSummary(BaseModel):
    id: str = Field(description="规则集编号 / ruleset id")
    edition: str = Field(description="版本 / edition")
    title: str
    title_en: str | None
    document: str = Field(description="标准文号 / document number")
    effective_from: date = Field(description="施行日期 / in force from")
    effective_to: date | None = Field(description="废止日期（空：现行）/ in force until (null: current)")
    version: str
    digest: str = Field(description="规则集内容摘要（判定结果据此可复现）/ content digest")
    partial: bool = Field(description="部分编码（有未编码条款，结论可能为“未能得出结论”）/ some clauses not encoded")
    rules: int = Field(description="规则数 / number of rules")
    fields: int = Field(description="事实字段数 / number of facts")


class RuleBrief(BaseModel):
    id: str
    cite: str
    title: str
    title_en: str | None
    kind: str
    group: str | None


class NotEncoded(BaseModel):
    clause: str
    title: str | None = None
    reason: str | None = None
    note: str | None = None
    part: bool = Field(False, description="只是已编码条款中未编码的部分 / only an unencoded part of an encoded clause")
    supersedes: list[str] = Field(default_factory=list, description="上一版本中对应的规则 / rules of the previous edition it carries on")


class RulesetDetail(RulesetSummary):
    source: dict[str, Any] = Field(description="发布机关、文号、日期 / issuer, document, dates")
    history: list[dict[str, Any]] = Field(description="本标准的其他版本 / other editions of this standard")
    groups: list[dict[str, Any]]
    rule_list: list[RuleBrief] = Field(description="条款规则 / the rules")
    not_encoded: list[NotEncoded] = Field(description="未编码的条款 / clauses not encoded")


class CaseRow(BaseModel):
    id: int
    record_id: str
    ruleset: str
    rule: str
    hazard_class: str
    enterprise_name: str | None
    region_code: str | None
    state: str = Field(description="状态 / lifecycle state")
    level: str = Field(description="挂牌督办级别 / listing level")
    deadline: date | None
    found_on: date
    closed_on: date | None
    policy: str


class CaseEvent(BaseModel):
    seq: int
    kind: str
    actor: str
    on_date: date
    recorded_at: str
    data: dict[str, Any]


class CaseDetail(CaseRow):
    edition: str | None
    digest: str | None
    cite: str | None
    title: str | None
    credit_code: str | None
    routing: dict[str, Any]
    finding: dict[str, Any]
    events: list[CaseEvent]


class CaseStep(BaseModel):
    """一次案件操作。One lifecycle step; the actor is the token's name."""

    on: date = Field(description="操作日期 / date of the step")
    note: str | None = Field(default=None, max_length=2000, description="说明 / note")


class PlanStep(CaseStep):
    """治理方案：16号令第十五条六项内容，缺项拒收。The plan: all six elements of 16号令 第十五条."""

    goal_tasks: str = Field(description="治理的目标和任务 / goal and tasks")
    methods: str = Field(description="采取的方法和措施 / methods and measures")
    funds: str = Field(description="经费和物资的落实 / funds and materials")
    organisation: str = Field(description="负责治理的机构和人员 / responsible organisation and people")
    time_limit: str = Field(description="治理的时限和要求 / time limit and requirements")
    safety: str = Field(description="安全措施和应急预案 / safety measures and emergency plan")


class VerifyStep(CaseStep):
    passed: bool = Field(default=True, description="复核是否通过 / did the review pass")


class ExtendStep(CaseStep):
    deadline: date = Field(description="新的整改期限 / new deadline")
    requested_on: date | None = Field(default=None, description="企业提出延期申请的日期（策略规定申请时限时必填）/ "
                                                                "date the extension was requested")
    override_reason: str | None = Field(default=None, max_length=2000, description="超出上限的理由 / why beyond the cap")
    approved_by: str | None = Field(default=None, max_length=200, description="超出上限的批准人 / who approved it")


class StepResult(BaseModel):
    case: int
    state: str
    level: str
    deadline: str | None


class SweepRequest(BaseModel):
    today: date = Field(description="巡查日期 / date of the sweep")


class SweepResult(BaseModel):
    case: int
    from_level: str
    to_level: str
    deadline: str | None
    notified: bool
    fired: list[str]
    conflict: bool | None = None


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=120, description="名称（案件事件中的操作人）/ name, the actor on case events")
    role: Literal["inspector", "regulator", "admin"]
    region_code: str | None = Field(default=None, description="管辖地区（行政区划代码，空为全国）/ region scope, null = national")


class TokenInfo(BaseModel):
    id: str
    name: str
    role: str
    region_code: str | None
    created_at: str
    created_by: str
    revoked_at: str | None


class NewToken(TokenInfo):
    token: str = Field(description="令牌全文，只显示这一次 / the token, shown only once")


class Decision(BaseModel):
    id: int
    recorded_at: str
    token_id: str
    record_id: str | None
    record_sha256: str = Field(description="记录规范 JSON 的 SHA-256 / SHA-256 of the record's canonical JSON")
    ruleset: str
    edition: str
    version: str
    digest: str
    conclusion: Conclusion
    fired: list[str]
    region_code: str | None


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready", "not_ready"]
    database: str
    editions_compiled: int
    problems: list[str]
