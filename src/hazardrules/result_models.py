"""Pydantic models of a determination's JSON (``Determination.model()``), for typed consumers.

Kept apart from :mod:`hazardrules.results` so that judging a record never imports pydantic.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class FindingModel(BaseModel):
    rule: str
    kind: Literal["major", "violation"]
    cite: str
    group: str | None = None
    title: str
    title_en: str | None = None
    evidence: dict[str, Any]
    units: list[str] = []
    explanation: str
    counted: list[str] | None = None


class UndeterminedModel(BaseModel):
    rule: str
    cite: str
    title: str
    missing: list[str]


class DeferredModel(BaseModel):
    rule: str
    cite: str
    title: str
    defer_to: str
    units: list[str] = []
    explanation: str


class DeterminationModel(BaseModel):
    record_id: str | None
    ruleset: str
    edition: str
    version: str
    digest: str
    document: str
    inspection_date: str | None
    major_hazard: bool
    conclusion: Literal["major_hazard", "no_major_hazard", "incomplete"]
    complete: bool
    coverage: dict[str, Any]
    findings: list[FindingModel]
    deferred: list[DeferredModel] = []
    undetermined: list[UndeterminedModel]
    not_applicable: list[str]
    passed: list[str]
