"""What an evaluation returns: a :class:`Determination`, with findings explained on demand.

Evaluation itself only produces a tuple of rule statuses; everything an auditor reads (findings with
evidence and explanations, undetermined rules with the facts still needed) is built lazily from it,
so a platform judging millions of records pays for explanations only where it renders them.
``to_dict``/``to_json`` are deterministic: same digest + same record -> byte-identical JSON.
The pydantic models in :mod:`hazardrules.result_models` describe that JSON for typed consumers
(``Determination.model()``); they are imported only when asked for (pydantic is slow to import).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import orjson

from .compile import (FIRED, NOT_APPLICABLE, PASSED, STATUS_NAMES, UNDETERMINED, CompiledRule, CompiledRuleset,
                      counted_elements)
from .explain import Explainer, json_value
from .gaps import counting_progress, missing_facts, not_applicable_reasons
from .expr import ast, interpret

if TYPE_CHECKING:
    from .result_models import DeterminationModel

_MODELS = ("FindingModel", "UndeterminedModel", "DeterminationModel")


def __getattr__(name: str):
    if name in _MODELS:  # `from hazardrules.results import DeterminationModel` keeps working
        from . import result_models

        return getattr(result_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Finding:
    """A fired rule: citation, the values that triggered it, the unit(s), a rendered explanation."""

    __slots__ = ("rule", "kind", "cite", "group", "title", "title_en", "evidence", "units", "explanation",
                 "explanation_en", "counted")

    def __init__(self, rs: CompiledRuleset, rule: CompiledRule, facts: dict):
        self.rule = rule.id
        self.kind = rule.kind
        self.cite = f"{rule.document or rs.document} {rule.cite}".strip()
        self.group = rule.group
        self.title = rule.title
        self.title_en = rule.title_en
        self.counted = None
        zh, en = _render_pair(rs, rule, facts)
        self.evidence = zh.evidence
        self.units = sorted(set(zh.units), key=zh.units.index)
        self.explanation, self.explanation_en = zh.text, en.text
        if rule.is_count:
            self.counted = zh.counted

    def to_dict(self, lang: str = "zh") -> dict:
        out = {"rule": self.rule, "kind": self.kind, "cite": self.cite, "group": self.group,
               "title": self.title if lang == "zh" else (self.title_en or self.title),
               "evidence": self.evidence, "units": self.units,
               "explanation": self.explanation if lang == "zh" else self.explanation_en}
        if self.counted is not None:
            out["counted"] = self.counted
        return out


class _Rendered:
    def __init__(self):
        self.text = ""
        self.evidence: dict = {}
        self.units: list[str] = []
        self.counted: list[str] = []


def _render_pair(rs: CompiledRuleset, rule: CompiledRule, facts: dict) -> tuple[_Rendered, _Rendered]:
    """Render a fired rule in Chinese and English (evidence and units from the Chinese pass)."""
    out = []
    for lang in ("zh", "en"):
        r = _Rendered()
        if rule.is_count:
            hits = []
            for e in counted_elements(rule, rs.elements):
                if _element_true(rs, e, facts):
                    ex = Explainer(e.when, rs.tables, lang)
                    ex.explain(facts)
                    r.evidence.update(ex.evidence)
                    r.units.extend(ex.units)
                    hits.append(e)
            r.counted = [e.id for e in hits]
            names = "；".join(f"{e.cite} {e.title if lang == 'zh' else (e.title_en or e.title)}" for e in hits)
            r.text = (f"综合判定要素 {len(hits)} 项 ≥ {rule.at_least} 项：{names}" if lang == "zh"
                      else f"{len(hits)} determination elements >= {rule.at_least}: {names}")
        else:
            ex = Explainer(rule.when, rs.tables, lang)
            r.text = ex.explain(facts)
            r.evidence, r.units = ex.evidence, ex.units
        if rule.applies is not None and not _quantified(rule.applies):
            # say why the rule applies too ("瓦斯等级为突出：…"); applicability over units is left out,
            # since the units that triggered are named by the condition itself
            ap = Explainer(rule.applies, rs.tables, lang)
            why = ap.explain(facts)
            r.evidence = {**ap.evidence, **r.evidence}
            if why:
                r.text = f"{why}{'：' if lang == 'zh' else ': '}{r.text}"
        out.append(r)
    return out[0], out[1]


def _quantified(checked) -> bool:
    return any(isinstance(n, ast.Call) and n.func in ("any", "all", "count", "sum") for n in ast.walk(checked.root))


def _element_true(rs: CompiledRuleset, e: CompiledRule, facts: dict) -> bool:
    tables = {n: t.values for n, t in rs.tables.items()}
    if e.applies is not None and interpret(e.applies, facts, tables) is not True:
        return False
    return interpret(e.when, facts, tables) is True


def _deferred_dict(d: dict, lang: str) -> dict:
    return {"rule": d["rule"], "cite": d["cite"], "title": d["title"] if lang == "zh" else (d["title_en"] or d["title"]),
            "defer_to": d["defer_to"], "units": d["units"],
            "explanation": d["explanation"] if lang == "zh" else d["explanation_en"]}


class Determination:
    """The verdict on one record under one edition of one standard."""

    __slots__ = ("_rs", "facts", "statuses", "record_id", "inspection_date", "enterprise", "found_by", "supervision",
                 "_findings")

    def __init__(self, rs: CompiledRuleset, facts: dict, statuses: tuple, record_id: str | None = None,
                 inspection_date: date | None = None, enterprise: dict | None = None, found_by: str | None = None,
                 supervision: dict | None = None):
        self._rs = rs
        self.facts = facts
        self.statuses = statuses
        self.record_id = record_id
        self.inspection_date = inspection_date
        self.enterprise = enterprise or {}
        self.found_by = found_by  # who found it (企业自查, 县级检查, …): supervision routes on it
        self.supervision = supervision or {}  # facts the jurisdiction's supervision policy routes on
        self._findings = None

    # -- identity of the decision ----------------------------------------------------------------
    @property
    def compiled(self) -> CompiledRuleset:
        return self._rs

    @property
    def ruleset(self) -> str:
        return self._rs.id

    @property
    def edition(self) -> str:
        return self._rs.edition

    @property
    def version(self) -> str:
        return self._rs.version

    @property
    def digest(self) -> str:
        return self._rs.digest

    @property
    def document(self) -> str:
        return self._rs.document

    # -- outcome ---------------------------------------------------------------------------------
    @property
    def major_hazard(self) -> bool:
        s = self.statuses
        return any(s[i] == FIRED for i in self._rs.major_indexes)

    @property
    def undetermined_major(self) -> int:
        """How many major-hazard rules could not be decided (violation rules do not decide the verdict)."""
        s = self.statuses
        return sum(1 for i in self._rs.major_indexes if s[i] == UNDETERMINED)

    @property
    def open_deferrals(self) -> int:
        """Deferral rules that point to another ruleset (fired) or could not be decided (undetermined)."""
        s = self.statuses
        return sum(1 for i in self._rs.deferral_indexes if s[i] in (FIRED, UNDETERMINED))

    @property
    def complete(self) -> bool:
        """Every applicable major-hazard rule was decided, the edition encodes its whole document, and no
        situation of the record waits to be judged under another ruleset's criteria."""
        return not self._rs.partial and self.undetermined_major == 0 and self.open_deferrals == 0

    @property
    def conclusion(self) -> str:
        """``major_hazard`` | ``no_major_hazard`` | ``incomplete`` — never "no major hazard" for a record we
        could not fully judge."""
        return conclusion_of(self.major_hazard, self.complete)

    def status_of(self, rule_id: str) -> str:
        return STATUS_NAMES[self.statuses[self._rs.rule_by_id[rule_id].index]]

    def _ids(self, status: int) -> list[str]:
        rules = self._rs.rules
        return [rules[i].id for i, s in enumerate(self.statuses) if s == status]

    @property
    def fired(self) -> list[str]:
        """Rules that fired as findings (deferrals are listed under :attr:`deferred` instead)."""
        rules, skip = self._rs.rules, self._rs.deferral_indexes
        return [rules[i].id for i, s in enumerate(self.statuses) if s == FIRED and i not in skip]

    @property
    def deferred(self) -> list[dict]:
        """Situations this document leaves to another ruleset's criteria: a pointer, never a finding."""
        rs, out = self._rs, []
        for i in rs.deferral_indexes:
            if self.statuses[i] == FIRED:
                rule = rs.rules[i]
                zh, en = _render_pair(rs, rule, self.facts)
                out.append({"rule": rule.id, "cite": f"{rule.document or rs.document} {rule.cite}".strip(),
                            "title": rule.title, "title_en": rule.title_en, "defer_to": rule.defer_to,
                            "units": sorted(set(zh.units), key=zh.units.index), "explanation": zh.text,
                            "explanation_en": en.text})
        return out

    @property
    def passed(self) -> list[str]:
        return self._ids(PASSED)

    @property
    def not_applicable(self) -> list[str]:
        return self._ids(NOT_APPLICABLE)

    @property
    def findings(self) -> list[Finding]:
        if self._findings is None:
            rules, skip = self._rs.rules, self._rs.deferral_indexes
            self._findings = [Finding(self._rs, rules[i], self.facts) for i, s in enumerate(self.statuses)
                              if s == FIRED and i not in skip]
        return self._findings

    @property
    def undetermined(self) -> list[dict]:
        rules = self._rs.rules
        return [{"rule": r.id, "cite": f"{r.document or self._rs.document} {r.cite}".strip(), "title": r.title,
                 "missing": missing_facts(r, self.facts, self._rs)}
                for r, s in zip(rules, self.statuses) if s == UNDETERMINED]

    # -- output ----------------------------------------------------------------------------------
    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "record_id": self.record_id,
            "ruleset": self.ruleset,
            "edition": self.edition,
            "version": self.version,
            "digest": self.digest,
            "document": self.document,
            "inspection_date": json_value(self.inspection_date),
            "major_hazard": self.major_hazard,
            "conclusion": self.conclusion,
            "complete": self.complete,
            "coverage": self._rs.coverage(),
            "findings": [f.to_dict(lang) for f in self.findings],
            **({"deferred": [_deferred_dict(d, lang) for d in self.deferred]} if self._rs.deferral_indexes else {}),
            "undetermined": [u if lang == "zh" else {**u, "title": self._rs.rule_by_id[u["rule"]].title_en or u["title"]}
                             for u in self.undetermined],
            "not_applicable": self.not_applicable,
            "not_applicable_because": not_applicable_reasons(self),
            "counting": counting_progress(self),
            "passed": self.passed,
        }

    def to_json(self, lang: str = "zh") -> bytes:
        return orjson.dumps(self.to_dict(lang))

    def model(self) -> DeterminationModel:
        from .result_models import DeterminationModel

        return DeterminationModel.model_validate(self.to_dict())

    def __repr__(self) -> str:
        return f"Determination({self.ruleset}@{self.edition}, conclusion={self.conclusion}, fired={self.fired})"


MAJOR_HAZARD, NO_MAJOR_HAZARD, INCOMPLETE = "major_hazard", "no_major_hazard", "incomplete"
CONCLUSIONS = (MAJOR_HAZARD, NO_MAJOR_HAZARD, INCOMPLETE)
CONCLUSION_LABELS = {"zh": {MAJOR_HAZARD: "存在重大事故隐患", NO_MAJOR_HAZARD: "未发现重大事故隐患", INCOMPLETE: "未能得出结论"},
                     "en": {MAJOR_HAZARD: "major accident hazard found", NO_MAJOR_HAZARD: "no major accident hazard found",
                            INCOMPLETE: "incomplete: no conclusion could be reached"}}


def conclusion_label(conclusion: str, lang: str = "zh", rs: CompiledRuleset | None = None) -> str:
    """The conclusion in the standard's own words: 存在重大火灾隐患 under GB 35181, 存在重大事故隐患 elsewhere."""
    label = CONCLUSION_LABELS[lang][conclusion]
    if rs is not None:
        label = label.replace("重大事故隐患", rs.hazard_term).replace("major accident hazard", rs.hazard_term_en)
    return label


def conclusion_of(major_hazard: bool, complete: bool) -> str:
    """The three-valued verdict: a finding wins; otherwise only a fully decided record is clean."""
    if major_hazard:
        return MAJOR_HAZARD
    return NO_MAJOR_HAZARD if complete else INCOMPLETE
