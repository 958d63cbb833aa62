"""Pydantic models of the ruleset YAML *as authored*, and their validation with YAML positions.

These models only check shape (keys, types, required values). The ruleset compiler
(:mod:`hazardrules.compile`) turns them into compiled objects; the engine never sees them.
Pydantic's error ``loc`` paths are mapped back to ``file:line:col`` through the YAML marks.
"""

from __future__ import annotations

import re
from datetime import date as Date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field as PField, ValidationError, field_validator

from .errors import Diagnostic, SchemaError, diag
from .limits import MAX_MAGNITUDE
from .expr.fields import Field, FieldTable
from .numberwords import GENERAL

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordingDoc(_Doc):
    """Where a rule's wording came from, and whether it was checked against the official text."""

    source: str = PField(min_length=1)
    checked_against_official: bool


class NotEncodedDoc(_Doc):
    """A clause of the document that this (partial) edition does not encode, and why."""

    clause: str = PField(min_length=1)
    title: str = PField(min_length=1)  # our own words
    title_en: str | None = None
    reason: Literal["wording_unavailable", "paraphrase_only"]
    note: str | None = None
    # true: only a part of a clause that rules DO encode (an elided or paraphrased limb); the title says which
    # part. It is listed with the clauses not encoded but does not count as a clause of its own.
    part: bool = False
    # rules of the previous edition whose subject this unencoded clause carries on: `diff` shows them as
    # "counterpart not encoded", never as removed
    supersedes: list[str] = PField(default_factory=list)

    @field_validator("clause", mode="before")
    @classmethod
    def _clause_str(cls, v):
        return str(v) if isinstance(v, (int, float)) else v


class SourceDoc(_Doc):
    issuer: str
    document: str
    issued: Date | None = None
    effective: Date | None = None
    url: str | None = None
    notes: str | None = None
    title: str | None = None
    wording: WordingDoc | None = None  # default provenance of every rule's wording (a rule may override it)


class HistoryDoc(_Doc):
    edition: str
    document: str
    effective_from: Date | None = None  # None: not known (the engine then never names it as in force)
    effective_to: Date | None = None
    title: str | None = None
    notes: str | None = None


# a bound or table value beyond the sane range could only make comparisons overflow (docs/security.md)
SaneNumber = Annotated[float, PField(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)]


class FieldDoc(_Doc):
    type: Literal["number", "integer", "bool", "enum", "date", "string", "list"]
    label: str = PField(min_length=1)
    label_en: str | None = None
    unit: str | None = None
    min: SaneNumber | None = None
    max: SaneNumber | None = None
    values: dict[str, str] | None = None
    group: str | None = None
    help: str | None = None
    fields: dict[str, "FieldDoc"] | None = None
    key: str | None = None
    scope: bool = False  # decides whether many rules apply (mine type, unit type …): asked first, reported by name
    renamed_from: list[str] = PField(default_factory=list)  # its names in earlier editions (hazardrules impact)

    @field_validator("values", mode="before")
    @classmethod
    def _enum_keys(cls, v):
        if isinstance(v, dict):
            for key in v:
                if isinstance(key, bool) or key is None:
                    raise ValueError(f"enum value {key!r} must be quoted (YAML reads yes/no/true/false/null as booleans)")
            return {str(k): val for k, val in v.items()}
        return v

    @field_validator("group", mode="before")
    @classmethod
    def _group_str(cls, v):
        return str(v) if isinstance(v, int) else v


class TableDoc(_Doc):
    label: str
    label_en: str | None = None
    unit: str | None = None
    key: str
    values: dict[str, SaneNumber]

    @field_validator("values", mode="before")
    @classmethod
    def _keys(cls, v):
        return {str(k): val for k, val in v.items()} if isinstance(v, dict) else v


class GroupDoc(_Doc):
    id: str
    title: str
    title_en: str | None = None
    cite: str | None = None
    applies: str | None = None  # informational: which facts make this section apply (for checklists)

    @field_validator("id", mode="before")
    @classmethod
    def _id_str(cls, v):
        return str(v) if isinstance(v, int) else v


class ExampleDoc(_Doc):
    name: str | None = None
    facts: dict[str, Any] = PField(default_factory=dict)
    expect: Literal["fired", "passed", "undetermined", "not_applicable"]
    missing: list[str] | None = None
    date: Date | None = None
    note: str | None = None


class CountDoc(_Doc):
    groups: list[str] = PField(default_factory=list)
    elements: list[str] = PField(default_factory=list)
    at_least: int

    @field_validator("groups", mode="before")
    @classmethod
    def _groups(cls, v):
        return [str(x) for x in v] if isinstance(v, list) else v


class WordDoc(_Doc):
    """The legal number word of one threshold of a rule (see :mod:`hazardrules.numberwords`)."""

    field: str
    word: str
    value: float | None = None
    negated: bool = False


class ConventionsDoc(_Doc):
    """A document's own definitions of number words (e.g. 第三十五条: 以上、超过含本数，以下不含本数)."""

    number_words: dict[str, Literal["inclusive", "exclusive"]] = PField(default_factory=dict)
    cite: str | None = None
    notes: str | None = None

    @field_validator("number_words")
    @classmethod
    def _known(cls, v):
        unknown = [w for w in v if w not in GENERAL]
        if unknown:
            raise ValueError(f"unknown number word(s) {unknown}; known: {'、'.join(sorted(GENERAL))}")
        return v


class ElementDoc(_Doc):
    id: str
    group: str | None = None
    cite: str
    title: str
    title_en: str | None = None
    applies: str | None = None
    when: str
    note: str | None = None
    words: list[WordDoc] = PField(default_factory=list)
    examples: list[ExampleDoc] = PField(default_factory=list)

    _group = field_validator("group", mode="before")(GroupDoc._id_str.__func__)


class RuleDoc(_Doc):
    id: str
    group: str | None = None
    cite: str
    title: str
    title_en: str | None = None
    kind: Literal["major", "violation", "deferral"] = "major"
    defer_to: str | None = None  # deferral: the ruleset id whose criteria judge this situation instead
    document: str | None = None  # when the rule cites another document than the ruleset's source
    applies: str | None = None
    when: str | None = None
    count: CountDoc | None = None
    note: str | None = None
    supersedes: list[str] = PField(default_factory=list)
    wording: WordingDoc | None = None
    words: list[WordDoc] = PField(default_factory=list)
    examples: list[ExampleDoc] = PField(default_factory=list)

    _group = field_validator("group", mode="before")(GroupDoc._id_str.__func__)


class RulesetDoc(_Doc):
    ruleset: str
    edition: str
    title: str
    title_en: str | None = None
    source: SourceDoc
    effective_from: Date
    effective_to: Date | None = None
    version: str
    history: list[HistoryDoc] = PField(default_factory=list)
    conventions: str | ConventionsDoc | None = None
    tables: dict[str, TableDoc] = PField(default_factory=dict)
    fields: dict[str, FieldDoc] = PField(default_factory=dict)
    groups: list[GroupDoc] = PField(default_factory=list)
    elements: list[ElementDoc] = PField(default_factory=list)
    rules: list[RuleDoc] = PField(default_factory=list)
    not_encoded: list[NotEncodedDoc] = PField(default_factory=list)  # present: the edition is partial
    inventory: list[str] | None = None  # every item of the document, cited as rules cite them
    hazard_term: str | None = None  # the standard's own name for what it finds (GB 35181: 重大火灾隐患)
    hazard_term_en: str | None = None

    @field_validator("edition", "version", mode="before")
    @classmethod
    def _str(cls, v):
        return str(v) if isinstance(v, (int, float)) else v


class PartOf(_Doc):
    ruleset: str
    edition: str

    _edition = field_validator("edition", mode="before")(RulesetDoc._str.__func__)


class PartDoc(_Doc):
    part_of: PartOf
    tables: dict[str, TableDoc] = PField(default_factory=dict)
    fields: dict[str, FieldDoc] = PField(default_factory=dict)
    groups: list[GroupDoc] = PField(default_factory=list)
    elements: list[ElementDoc] = PField(default_factory=list)
    rules: list[RuleDoc] = PField(default_factory=list)
    not_encoded: list[NotEncodedDoc] = PField(default_factory=list)


def validate_model(model: type[BaseModel], data: Any, doc, keypath: tuple = ()):
    """Validate ``data`` with ``model``; map pydantic errors to file:line:col diagnostics."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SchemaError([_to_diag(err, doc, keypath) for err in exc.errors()]) from None


def _to_diag(err: dict, doc, keypath: tuple) -> Diagnostic:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
    path = keypath + loc
    where = doc.where(path) if doc is not None else ".".join(map(str, path))
    dotted = ".".join(str(p) for p in path) or "(top level)"
    kind = err["type"]
    if kind == "missing":
        return diag("missing_key", where, f"缺少必填项 “{dotted}”", f"missing required key '{dotted}'")
    if kind == "extra_forbidden":
        where = doc.where_key(path) if doc is not None else where
        return diag("unknown_key", where, f"未知的键 “{dotted}”（请检查拼写，见 docs/ruleset-format.md）",
                    f"unknown key '{dotted}' (check the spelling; see docs/ruleset-format.md)")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return diag("bad_value", where, f"“{dotted}” 的取值无效；可选：{expected}",
                    f"invalid value for '{dotted}'; expected one of: {expected}")
    return diag("bad_value", where, f"“{dotted}”：{_zh(kind)}（{err['msg']}）", f"'{dotted}': {err['msg']}")


def _zh(kind: str) -> str:
    if kind.startswith("date"):
        return "应为日期 YYYY-MM-DD"
    if kind.startswith(("int", "float")):
        return "应为数值"
    if kind.startswith("string"):
        return "应为文字"
    if kind.startswith("dict"):
        return "应为映射（键: 值）"
    if kind.startswith("list"):
        return "应为列表"
    if kind.startswith("bool"):
        return "应为 true/false"
    return "取值无效"


def build_field_table(decls: dict, doc, keypath: tuple) -> FieldTable:
    """Validate field declarations and build a :class:`FieldTable` (recursively for lists)."""
    if not isinstance(decls, dict):
        raise SchemaError(diag("bad_value", doc.where(keypath) if doc else "", "fields 应为映射", "fields must be a mapping"))
    models = {name: validate_model(FieldDoc, d, doc, keypath + (name,)) for name, d in decls.items()}
    problems: list[Diagnostic] = []
    table = _table(models, doc, keypath, problems)
    if problems:
        raise SchemaError(problems)
    return table


def _table(models: dict[str, FieldDoc], doc, keypath: tuple, problems: list[Diagnostic]) -> FieldTable:
    out: dict[str, Field] = {}
    for name, fd in models.items():
        where = doc.where(keypath + (name,)) if doc else name
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(diag("bad_name", where, f"字段名 “{name}” 应为小写英文、数字和下划线",
                                 f"field name '{name}' must be lower-case snake_case"))
        item = None
        if fd.type == "enum" and not fd.values:
            problems.append(diag("enum_values", where, f"枚举字段 {name} 需要 values", f"enum field {name} needs values"))
        if fd.type != "enum" and fd.values:
            problems.append(diag("enum_values", where, f"只有枚举字段才能有 values（{name} 是 {fd.type}）",
                                 f"only enum fields take values ({name} is {fd.type})"))
        if fd.type == "list":
            if not fd.fields:
                problems.append(diag("list_fields", where, f"列表字段 {name} 需要 fields", f"list field {name} needs fields"))
                item = FieldTable()
            else:
                item = _table(fd.fields, doc, keypath + (name, "fields"), problems)
                key = fd.key or "id"
                if key not in item or item[key].type != "string":
                    problems.append(diag("list_key", where, f"列表 {name} 的单元编号字段 “{key}” 应在 fields 中声明为 string",
                                         f"list {name}: its unit id field '{key}' must be declared as a string sub-field"))
        elif fd.fields or fd.key:
            problems.append(diag("list_fields", where, "只有列表字段才能有 fields/key", "only list fields take fields/key"))
        if fd.min is not None and fd.max is not None and fd.min > fd.max:
            problems.append(diag("bounds", where, f"min ({fd.min}) 大于 max ({fd.max})", f"min ({fd.min}) exceeds max ({fd.max})"))
        out[name] = Field(name=name, type=fd.type, label=fd.label, label_en=fd.label_en, unit=fd.unit, min=fd.min,
                          max=fd.max, values=fd.values, group=fd.group, help=fd.help, item=item,
                          key=(fd.key or "id") if fd.type == "list" else None, scope=fd.scope,
                          renamed_from=tuple(fd.renamed_from), where=where)
    return FieldTable(out)


def check_ruleset_id(value: str) -> bool:
    return bool(_ID.match(value))
