"""A JSON Schema (draft 2020-12) of an inspection record for one edition of one ruleset.

Form builders (a provincial platform's inspection app, an enterprise system) generate the
inspector's form from it: every fact with its label as ``title``, its unit, bounds and help text;
enums as ``oneOf`` of ``const`` values titled with their Chinese labels; repeating units as arrays of
sub-records; scope facts (those that decide whether whole sections apply) marked ``x-scope`` and
listed first in ``x-scope-facts``. ``null`` is allowed for every fact: an empty fact is *unknown*,
never "no", exactly as the engine reads it.

The schema describes the canonical typed form of a record (enum ids, JSON booleans, numbers); the
engine also accepts what inspectors type (是/否, an enum's Chinese label), and stays the authority (it
also checks that unit ids are unique in a list, which JSON Schema cannot say). Whatever the schema
refuses, the engine refuses too (a test mutates valid records to check it). Used by
``GET /v1/rulesets/{id}/{edition}/schema`` and reusable by a ``hazardrules schema record`` command.
"""

from __future__ import annotations

from .compile import INSPECTION_DATE, CompiledRuleset
from .expr.fields import Field, FieldTable
from .records import FOUND_BY

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_TYPES = {"number": "number", "integer": "integer", "bool": "boolean", "date": "string", "string": "string",
          "enum": "string", "list": "array"}
_T = {
    "zh": {"record": "检查记录", "ruleset": "规则集", "edition": "标准版本", "record_id": "记录编号",
           "date": "检查日期", "found_by": "发现方式", "enterprise": "被检查单位", "name": "单位名称",
           "credit": "统一社会信用代码（GB 32100，18 位）", "region": "行政区划代码（GB/T 2260，6 位）",
           "facts": "检查事实", "unknown": "未检查（未知）", "unit": "单位", "scope": "范围事实：决定多项条款是否适用，请优先填写",
           "null_note": "留空（null）表示未检查，不等于“否”。",
           "date_note": "据此选择当时有效的标准版本；本版本施行期间：{start} 至 {end}", "now": "今",
           "inspectors": "检查人员（姓名列表，印在判定书上）", "supervision": "监管事实（监管策略声明的事实，如隐患分级）"},
    "en": {"record": "inspection record", "ruleset": "ruleset", "edition": "edition", "record_id": "record id",
           "date": "inspection date", "found_by": "found by", "enterprise": "inspected enterprise", "name": "name",
           "credit": "unified social credit code (GB 32100, 18 characters)",
           "region": "administrative division code (GB/T 2260, 6 digits)", "facts": "facts",
           "unknown": "not checked (unknown)", "unit": "unit",
           "scope": "scope fact: decides whether many clauses apply; fill it first",
           "null_note": "Empty (null) means not checked, not 'no'.",
           "date_note": "picks the edition in force; this edition applies from {start} to {end}", "now": "now",
           "inspectors": "inspectors (names, printed on the 判定书)",
           "supervision": "supervision facts (declared by the supervision policy, e.g. the hazard grade)"},
}


def record_schema(rs: CompiledRuleset, lang: str = "zh") -> dict:
    """The JSON Schema of a record judged under ``rs`` (titles in ``lang``: ``zh`` or ``en``)."""
    t = _T["en" if lang == "en" else "zh"]
    title = rs.title if lang != "en" else (rs.title_en or rs.title)
    facts = fact_schema(rs.fields, lang, skip=(INSPECTION_DATE,))
    scope = [f.name for f in rs.fields if _is_scope(f) and f.name != INSPECTION_DATE]
    if scope:
        facts["x-scope-facts"] = scope
    facts["x-groups"] = [{"id": g.id, "title": g.title if lang != "en" else (g.title_en or g.title), "cite": g.cite}
                         for g in rs.groups]
    end = rs.effective_to.isoformat() if rs.effective_to else t["now"]
    return {
        "$schema": DIALECT,
        "$id": f"urn:hazardrules:record:{rs.id}:{rs.edition}",
        "title": f"{title}（{rs.document}，{rs.edition}）{t['record']}" if lang != "en"
        else f"{title} ({rs.document}, {rs.edition}): {t['record']}",
        "description": t["null_note"],
        "type": "object",
        "additionalProperties": False,
        "required": ["ruleset", "facts"],
        "x-ruleset": {"id": rs.id, "edition": rs.edition, "version": rs.version, "digest": rs.digest,
                      "document": rs.document},
        "properties": {
            "ruleset": {"title": t["ruleset"], "const": rs.id},
            "edition": {"title": t["edition"], "const": rs.edition},
            "record_id": {"title": t["record_id"], "type": ["string", "integer"]},
            "inspection_date": {"title": t["date"], "type": "string", "format": "date",
                                "description": t["date_note"].format(start=rs.effective_from.isoformat(), end=end)},
            "found_by": {"title": t["found_by"], "oneOf": [{"const": k, "title": v} for k, v in FOUND_BY.items()]},
            "inspectors": {"title": t["inspectors"],
                           "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
            "supervision": {"title": t["supervision"], "type": "object"},
            "enterprise": {
                "title": t["enterprise"], "type": "object",
                "properties": {  # empty (null) as in a blank checklist: the engine accepts it too
                    "name": {"title": t["name"], "type": ["string", "null"]},
                    "credit_code": {"title": t["credit"], "type": ["string", "null"],
                                    "pattern": "^[0-9A-HJ-NP-RTUW-Y]{18}$"},
                    "region_code": {"title": t["region"], "type": ["string", "null"], "pattern": "^[0-9]{6}$"},
                },
            },
            "facts": {"title": t["facts"], **facts},
        },
    }


def fact_schema(fields: FieldTable, lang: str = "zh", *, skip: tuple = ()) -> dict:
    """The object schema of a facts table (a record's ``facts``, or one list's sub-record)."""
    ordered = sorted((f for f in fields if f.name not in skip), key=lambda f: not _is_scope(f))  # scope facts first
    return {"type": "object", "additionalProperties": False,
            "properties": {f.name: field_schema(f, lang) for f in ordered}}


def field_schema(f: Field, lang: str = "zh") -> dict:
    """One fact: type (nullable), title, unit, bounds, enum labels, help, group and scope marks."""
    t = _T["en" if lang == "en" else "zh"]
    out: dict = {"title": f.text(lang)}
    if f.type == "enum":
        out["oneOf"] = [{"const": k, "title": v} for k, v in (f.values or {}).items()]
        out["oneOf"].append({"type": "null", "title": t["unknown"]})
    else:
        out["type"] = [_TYPES[f.type], "null"]
    if f.type == "date":
        out["format"] = "date"
    if f.type in ("number", "integer"):
        if f.min is not None:
            out["minimum"] = _num(f.min)
        if f.max is not None:
            out["maximum"] = _num(f.max)
    if f.type == "list" and f.item is not None:
        item = fact_schema(f.item, lang)
        item["required"] = [f.key]
        out["items"] = item
        out["x-key"] = f.key
    notes = []
    if f.unit:
        out["x-unit"] = f.unit
        notes.append(f"{t['unit']}：{f.unit}" if lang != "en" else f"{t['unit']}: {f.unit}")
    if f.help:
        notes.append(f.help)
    if _is_scope(f):
        out["x-scope"] = True
        notes.insert(0, t["scope"])
    if notes:
        out["description"] = ("；" if lang != "en" else "; ").join(notes)
    if f.group is not None:
        out["x-group"] = f.group
    return out


def _is_scope(f: Field) -> bool:
    return bool(getattr(f, "scope", False))


def _num(v: float):
    return int(v) if float(v).is_integer() else v
