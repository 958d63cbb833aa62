"""Ruleset compiler: validated YAML documents -> one immutable :class:`CompiledRuleset`.

Named passes, in order (each adds diagnostics; all are reported together):
``schema`` (pydantic shape), ``fields``, ``tables``, ``ids`` (duplicate rule/element/group ids,
unknown groups), ``conditions`` (parse + type-check every applies/when), ``counts`` (counting rules
refer to declared elements), ``examples`` (example facts match the fields), then ``codegen``: the
whole ruleset becomes ONE generated Python function returning a status per rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import orjson

from .codegen import INSPECTION_DATE, generate
from .errors import Diagnostic, HazardRulesError, RulesetError, diag
from .expr import Checked, Field, FieldTable, check, parse
from .expr.runtime import generated_state, rebuild_generated
from .numberwords import WordDecl, check_words, comparisons, word_table
from .records import normalize_facts

if TYPE_CHECKING:
    from .loader import YamlDoc

PASSED, FIRED, UNDETERMINED, NOT_APPLICABLE = 0, 1, 2, 3
STATUS_NAMES = ("passed", "fired", "undetermined", "not_applicable")


@dataclass(frozen=True, slots=True)
class Example:
    name: str | None
    facts: dict
    expect: str
    missing: tuple[str, ...] | None
    date: date | None
    where: str


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    """A rule (or a counting element) ready to run: checked conditions plus its citation data."""

    index: int
    id: str
    group: str | None
    cite: str
    title: str
    title_en: str | None
    kind: str  # major | violation | element
    applies: Checked | None
    when: Checked | None
    count_elements: tuple[str, ...] = ()
    at_least: int | None = None
    note: str | None = None
    supersedes: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    where: str = ""
    document: str | None = None  # a rule citing another document (e.g. 安全生产法 for a violation)
    wording: dict | None = None  # where its wording came from (partial editions): {source, checked_against_official}
    defer_to: str | None = None  # kind "deferral": the ruleset whose criteria judge the situation instead
    words: tuple[WordDecl, ...] = ()  # the legal number word of each threshold, checked against the operators

    @property
    def is_count(self) -> bool:
        return self.at_least is not None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    label: str
    unit: str | None
    key: str
    values: dict


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    title: str
    title_en: str | None
    cite: str | None


@dataclass(frozen=True, eq=False)
class CompiledRuleset:
    """One edition of one standard, compiled. Immutable and safe to share between threads."""

    id: str
    edition: str
    title: str
    title_en: str | None
    source: dict
    effective_from: date
    effective_to: date | None
    version: str
    history: tuple[dict, ...]
    conventions: str | None  # prose: how this encoding reads the document's words
    fields: FieldTable
    tables: dict
    groups: tuple[Group, ...]
    elements: tuple[CompiledRule, ...]
    rules: tuple[CompiledRule, ...]
    digest: str
    path: str
    python_source: str
    evaluate_facts: object  # the generated function: facts -> tuple of statuses (one per rule)
    major_indexes: tuple[int, ...] = field(default=())
    rule_by_id: dict = field(default_factory=dict)
    # validation fused with evaluation: (raw facts, inspection date) -> statuses, or None = take the full path
    evaluate_checked: object = None
    not_encoded: tuple[dict, ...] = ()  # clauses of the document this edition does not encode
    inventory: tuple[str, ...] | None = None  # the document's items (hazardrules coverage), if declared
    hazard_term: str = "重大事故隐患"  # the standard's own term for a finding (GB 35181: 重大火灾隐患)
    hazard_term_en: str = "major accident hazard"
    number_words: dict = field(default_factory=dict)  # word -> (direction, inclusive) under this document
    number_words_cite: str | None = None  # the clause that defines the document's own number words
    number_words_own: frozenset = frozenset()  # the words that clause defines (the others keep the general meaning)
    deferral_indexes: tuple[int, ...] = field(default=())

    @property
    def finding_indexes(self) -> tuple[int, ...]:
        """Rules whose firing is a finding (major or violation); deferrals are pointers, not findings."""
        skip = set(self.deferral_indexes)
        return tuple(r.index for r in self.rules if r.index not in skip)

    @property
    def document(self) -> str:
        return self.source.get("document", "")

    @property
    def partial(self) -> bool:
        """A partial edition encodes only some clauses: without a finding it can never say "no major hazard"."""
        return bool(self.not_encoded)

    @property
    def clauses_encoded(self) -> int:
        """Distinct clauses cited by the edition's rules (a clause split into several rules counts once)."""
        return len({r.cite for r in self.rules})

    @property
    def clauses_not_encoded(self) -> int:
        """Whole clauses not encoded (parts of encoded clauses, ``part: true``, are listed but not counted)."""
        return sum(1 for c in self.not_encoded if not c.get("part"))

    @property
    def clauses_total(self) -> int:
        return self.clauses_encoded + self.clauses_not_encoded

    def coverage(self) -> dict:
        """How much of the document is encoded: what the JSON output and the 判定书 state."""
        return {"partial": self.partial, "clauses_encoded": self.clauses_encoded, "clauses_total": self.clauses_total,
                "parts_not_encoded": len(self.not_encoded) - self.clauses_not_encoded,
                "not_encoded": [dict(c) for c in self.not_encoded]}

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    # Pickling (the compiled-ruleset cache, worker processes): the generated function travels as its
    # marshalled code object plus its constants and is rebuilt over the runtime's globals.
    def __getstate__(self):
        state = dict(self.__dict__)
        state["_generated"] = generated_state({attr: state.pop(attr) for attr in _GENERATED})
        return state

    def __setstate__(self, state):
        state.update(rebuild_generated(state.pop("_generated")))
        self.__dict__.update(state)


_GENERATED = ("evaluate_facts", "evaluate_checked")  # the functions generated from one ruleset's source


def compile_ruleset(root: YamlDoc, parts: list[YamlDoc] = ()) -> CompiledRuleset:
    """Run every pass over a root document and its parts; raise one error listing every problem."""
    from .spec import ConventionsDoc, PartDoc, RulesetDoc, check_ruleset_id, validate_model  # pydantic: only when compiling

    head = validate_model(RulesetDoc, root.data, root)
    part_models = [(validate_model(PartDoc, p.data, p), p) for p in parts]
    problems: list[Diagnostic] = []
    if not check_ruleset_id(head.ruleset):
        problems.append(diag("bad_id", root.where(("ruleset",)), "ruleset id 应为小写英文、数字和连字符",
                             "ruleset id must be lower-case letters, digits and hyphens"))
    for pm, pdoc in part_models:
        if pm.part_of.ruleset != head.ruleset or pm.part_of.edition != head.edition:
            problems.append(diag("bad_part", pdoc.where(("part_of",)), "part_of 与根文件的 ruleset/edition 不一致",
                                 "part_of does not match the root file's ruleset/edition"))
    if head.effective_to and head.effective_to < head.effective_from:
        problems.append(diag("bad_dates", root.where(("effective_to",)), "effective_to 早于 effective_from",
                             "effective_to is before effective_from"))

    sections = [(head, root)] + [(pm, pdoc) for pm, pdoc in part_models]
    fields = _merge_fields(sections, problems)
    if INSPECTION_DATE not in fields:
        # every condition may read the record's inspection date (expiry items: 超过有效期 …)
        fields.fields[INSPECTION_DATE] = Field(INSPECTION_DATE, "date", "检查日期", "inspection date", where=root.path)
    tables = _tables(sections, fields, problems)
    groups = _groups(sections, problems)
    group_ids = {g.id for g in groups}
    conv = head.conventions if isinstance(head.conventions, ConventionsDoc) else None
    words = word_table(conv.number_words if conv else None)
    # a document that defines its own number words: every threshold must say which word it encodes
    words_required = bool(conv and conv.number_words)
    elements = _rules(sections, "elements", fields, tables, group_ids, problems, words, words_required)
    rules = _rules(sections, "rules", fields, tables, group_ids, problems, words, words_required)
    _check_ids(elements + rules, problems)
    _check_counts(rules, elements, problems)
    not_encoded = _not_encoded(sections, rules, problems)
    _check_inventory(head, root, rules + elements, not_encoded, problems)
    if problems:
        raise RulesetError(problems)

    rules = tuple(rules)
    elements = tuple(elements)
    counted = {r.index: counted_elements(r, elements) for r in rules if r.is_count}
    source, fn, checked_fn = generate(fields, tables, elements, rules, counted, f"{head.ruleset}@{head.edition}")
    digest = _digest(root, parts)
    return CompiledRuleset(
        id=head.ruleset, edition=head.edition, title=head.title, title_en=head.title_en,
        source=head.source.model_dump(mode="json", exclude_none=True), effective_from=head.effective_from,
        effective_to=head.effective_to, version=head.version,
        history=tuple(h.model_dump(mode="json", exclude_none=True) for h in head.history),
        conventions=(conv.notes if conv else head.conventions), fields=fields, tables={t.name: t for t in tables}, groups=tuple(groups),
        elements=elements, rules=rules, digest=digest, path=root.path, python_source=source, evaluate_facts=fn,
        evaluate_checked=checked_fn,
        major_indexes=tuple(r.index for r in rules if r.kind == "major"),
        rule_by_id={r.id: r for r in rules + elements}, not_encoded=not_encoded,
        inventory=tuple(head.inventory) if head.inventory is not None else None,
        hazard_term=head.hazard_term or "重大事故隐患", hazard_term_en=head.hazard_term_en or "major accident hazard",
        number_words=words,
        number_words_cite=conv.cite if conv else None,
        number_words_own=frozenset(conv.number_words) if conv else frozenset(),
        deferral_indexes=tuple(r.index for r in rules if r.kind == "deferral"),
    )


# -- passes ---------------------------------------------------------------------------------------
def _merge_fields(sections, problems) -> FieldTable:
    from .spec import build_field_table

    merged: dict = {}
    for model, doc in sections:
        try:
            table = build_field_table(doc.data.get("fields") or {}, doc, ("fields",))
        except HazardRulesError as exc:
            problems.extend(exc.diagnostics)
            continue
        for f in table:
            if f.name in merged:
                problems.append(diag("duplicate_field", f.where, f"字段 “{f.name}” 重复声明（首次：{merged[f.name].where}）",
                                     f"field '{f.name}' declared twice (first at {merged[f.name].where})"))
            else:
                merged[f.name] = f
    return FieldTable(merged)


def _tables(sections, fields: FieldTable, problems) -> list[Table]:
    out: list[Table] = []
    for model, doc in sections:
        for name, t in model.tables.items():
            where = doc.where(("tables", name))
            key_field = fields.resolve(t.key)  # a record field, or a list's sub-field as user_checks.gas_kind
            if key_field is None or key_field.type != "enum":
                problems.append(diag("table_key", where, f"表 {name} 的 key “{t.key}” 应为已声明的枚举字段（列表子字段写作 列表.子字段）",
                                     f"table {name}: key '{t.key}' must be a declared enum field (a list's sub-field as list.sub_field)"))
            else:
                for k in t.values:
                    if k not in key_field.values:
                        problems.append(diag("table_key", doc.where(("tables", name, "values", k)),
                                             f"“{k}” 不是 {t.key} 的取值", f"'{k}' is not a value of {t.key}"))
            out.append(Table(name, t.label, t.unit, t.key, dict(t.values)))
    return out


def _groups(sections, problems) -> list[Group]:
    seen: dict[str, str] = {}
    out = []
    for model, doc in sections:
        for i, g in enumerate(model.groups):
            where = doc.where(("groups", i))
            if g.id in seen:
                problems.append(diag("duplicate_group", where, f"组 “{g.id}” 重复（首次：{seen[g.id]}）",
                                     f"duplicate group '{g.id}' (first at {seen[g.id]})"))
                continue
            seen[g.id] = where
            out.append(Group(g.id, g.title, g.title_en, g.cite))
    return out


def _condition(text: str | None, doc: YamlDoc, keypath: tuple, fields, tables, problems) -> Checked | None:
    if text is None:
        return None
    locate = lambda off: doc.locate(keypath, off)  # noqa: E731
    try:
        return check(text, parse(text, locate), fields, locate, tables={t.name: t for t in tables})
    except HazardRulesError as exc:
        problems.extend(exc.diagnostics)
        return None


def _rules(sections, key: str, fields, tables, group_ids, problems, words: dict,
           words_required: bool) -> list[CompiledRule]:
    from .spec import check_ruleset_id  # pydantic: only when compiling

    out: list[CompiledRule] = []
    for model, doc in sections:
        for i, r in enumerate(getattr(model, key)):
            path = (key, i)
            where = doc.where(path)
            if r.group is not None and r.group not in group_ids and key == "rules":
                problems.append(diag("unknown_group", doc.where(path + ("group",)), f"未声明的组 “{r.group}”",
                                     f"undeclared group '{r.group}'"))
            applies = _condition(r.applies, doc, path + ("applies",), fields, tables, problems)
            when = _condition(r.when, doc, path + ("when",), fields, tables, problems)
            count = getattr(r, "count", None)
            if key == "rules" and (r.when is None) == (count is None):
                problems.append(diag("when_or_count", where, f"规则 {r.id} 需要 when 或 count 之一（且只能一个）",
                                     f"rule {r.id} needs exactly one of when / count"))
            if count is not None and count.at_least < 1:
                problems.append(diag("bad_count", doc.where(path + ("count", "at_least")),
                                     f"at_least 应为不小于 1 的整数，实际为 {count.at_least}",
                                     f"at_least must be a whole number >= 1, got {count.at_least}"))
            examples = tuple(_example(e, doc, path + ("examples", j), fields, problems) for j, e in enumerate(r.examples))
            wording = getattr(r, "wording", None) or sections[0][0].source.wording
            decls = tuple(WordDecl(w.field, w.word, w.value, w.negated, doc.where(path + ("words", j)))
                          for j, w in enumerate(r.words))
            cmps = [c for cond, sub in ((applies, "applies"), (when, "when")) if cond is not None
                    for c in comparisons(cond, lambda off, sub=sub: doc.locate(path + (sub,), off))]
            problems.extend(check_words(r.id, list(decls), cmps, words, words_required))
            defer_to = getattr(r, "defer_to", None)
            kind = getattr(r, "kind", "element") if key == "rules" else "element"
            if (kind == "deferral") != (defer_to is not None):
                problems.append(diag("bad_deferral", where, f"规则 {r.id}：kind: deferral 与 defer_to 须同时给出",
                                     f"rule {r.id}: kind: deferral and defer_to go together"))
            elif defer_to is not None and not check_ruleset_id(defer_to):
                problems.append(diag("bad_deferral", doc.where(path + ("defer_to",)),
                                     f"规则 {r.id}：defer_to 应为规则集编号（小写英文、数字和连字符）",
                                     f"rule {r.id}: defer_to must be a ruleset id (lower-case letters, digits, hyphens)"))
            out.append(CompiledRule(
                index=len(out), id=r.id, group=r.group, cite=r.cite, title=r.title, title_en=r.title_en,
                kind=kind, applies=applies, when=when,
                count_elements=_count_refs(count), at_least=count.at_least if count else None, note=r.note,
                supersedes=tuple(getattr(r, "supersedes", ())), examples=examples, where=where,
                document=getattr(r, "document", None), defer_to=defer_to, words=decls,
                wording=wording.model_dump(mode="json") if wording is not None else None))
    return out


def _count_refs(count) -> tuple[str, ...]:
    """A counting rule's members: ``group:<id>`` for element groups, then single element ids."""
    if count is None:
        return ()
    return tuple(f"group:{g}" for g in count.groups) + tuple(count.elements)


def _example(e, doc: YamlDoc, path: tuple, fields: FieldTable, problems) -> Example:
    where = doc.where(path)
    facts = {}
    try:
        facts = normalize_facts(e.facts, fields, "")
    except HazardRulesError as exc:
        for d in exc.diagnostics:  # point at the offending fact inside the example
            field_path = d.where.strip()
            top = field_path.split("[")[0].split(".")[0]
            problems.append(Diagnostic(d.code, f"{doc.where(path + ('facts', top))} ({field_path})", d.zh, d.en))
    if e.date is not None:
        facts.setdefault(INSPECTION_DATE, e.date)
    return Example(e.name, facts, e.expect, tuple(e.missing) if e.missing is not None else None, e.date, where)


def _check_ids(rules, problems) -> None:
    seen: dict[str, str] = {}
    for r in rules:
        if r.id in seen:
            problems.append(diag("duplicate_id", r.where, f"规则编号 “{r.id}” 重复（首次：{seen[r.id]}）",
                                 f"duplicate rule id '{r.id}' (first at {seen[r.id]})"))
        else:
            seen[r.id] = r.where


def _not_encoded(sections, rules, problems) -> tuple[dict, ...]:
    """The declared unencoded clauses; a clause cannot be both encoded by a rule and declared not encoded
    (unless the entry is a ``part`` of it, which must then be a clause some rule encodes)."""
    cited = {r.cite: r.id for r in rules}
    out: list[dict] = []
    seen: set[tuple] = set()
    for model, doc in sections:
        for i, c in enumerate(model.not_encoded):
            where = doc.where(("not_encoded", i))
            key = (c.clause, c.title) if c.part else (c.clause,)
            if c.part and c.clause not in cited:
                problems.append(diag("part_of_unencoded_clause", where,
                                     f"条款 {c.clause} 没有规则编码，应整条列为未编码（去掉 part: true）",
                                     f"no rule encodes clause {c.clause}: list the whole clause (drop part: true)"))
            elif not c.part and c.clause in cited:
                problems.append(diag("clause_encoded", where, f"条款 {c.clause} 已由规则 {cited[c.clause]} 编码，不能再列为未编码"
                                     "（只有部分未编码的，写 part: true）",
                                     f"clause {c.clause} is encoded by rule {cited[c.clause]}; it cannot be listed as not encoded "
                                     "(for an unencoded part of it, add part: true)"))
            elif key in seen:
                problems.append(diag("duplicate_clause", where, f"未编码条款 {c.clause} 重复", f"clause {c.clause} listed twice"))
            seen.add(key)
            d = c.model_dump(mode="json", exclude_none=True)
            if not c.part:
                d.pop("part", None)  # whole clauses keep the agreed shape
            if not c.supersedes:
                d.pop("supersedes", None)
            out.append(d)
    return tuple(out)


def cite_parts(cite: str) -> list[str]:
    """The items one citation names: ``4.10 e)、4.1 d)`` names two."""
    return [c.strip() for c in cite.split("、") if c.strip()]


def covers(item: str, cite: str) -> bool:
    """A rule citing ``cite`` encodes ``item`` when it cites the item itself or a part of it (第十三条第（四）项第1目
    is part of 第十三条第（四）项)."""
    if cite == item:
        return True
    if not cite.startswith(item):
        return False
    rest = cite[len(item):]
    # 4.1 is not a part of 4.10, nor 5.1.1 of 5.1.10; 一（一）1 is a part of 一（一）
    return not (item[-1].isdigit() and rest[0].isdigit()) and not rest.startswith(("）", ")"))


def _check_inventory(head, root, rules, not_encoded, problems) -> None:
    """With an inventory declared, every item is encoded by a rule (or a counting element) or declared not encoded,
    and every rule of the document cites an item of it (a rule citing another document, or a deferral, is outside it)."""
    if head.inventory is None:
        return
    where = root.where(("inventory",))
    items = list(head.inventory)
    for item in sorted({i for i in items if items.count(i) > 1}):
        problems.append(diag("inventory_duplicate", where, f"清单中条款 {item} 重复", f"item {item} is listed twice"))
    declared = {c["clause"] for c in not_encoded}
    own = [r for r in rules if not r.document and r.kind != "deferral"]
    for item in items:
        if item in declared:
            continue
        if not any(covers(item, part) for r in own for part in cite_parts(r.cite)):
            problems.append(diag("item_not_encoded", where, f"条款 {item} 既没有规则编码，也没有在 not_encoded 中声明未编码",
                                 f"item {item} is neither encoded by a rule nor declared in not_encoded"))
    for r in own:
        for part in cite_parts(r.cite):
            if not any(covers(item, part) for item in items):
                problems.append(diag("cite_not_in_inventory", r.where, f"规则 {r.id} 引用的条款 {part} 不在本版本的条款清单（inventory）中",
                                     f"rule {r.id} cites {part}, which is not in the edition's inventory"))
    for c in not_encoded:
        if c["clause"] not in items:
            problems.append(diag("cite_not_in_inventory", where, f"未编码条款 {c['clause']} 不在条款清单（inventory）中",
                                 f"the unencoded clause {c['clause']} is not in the inventory"))


def _check_counts(rules, elements, problems) -> None:
    element_ids = {e.id for e in elements}
    element_groups = {e.group for e in elements}
    for r in rules:
        for ref in r.count_elements:
            if ref.startswith("group:"):
                if ref[6:] not in element_groups:
                    problems.append(diag("unknown_element", r.where, f"{r.id}：没有属于组 “{ref[6:]}” 的要素",
                                         f"{r.id}: no element belongs to group '{ref[6:]}'"))
            elif ref not in element_ids:
                problems.append(diag("unknown_element", r.where, f"{r.id}：未声明的要素 “{ref}”",
                                     f"{r.id}: undeclared element '{ref}'"))


def counted_elements(rule: CompiledRule, elements) -> list[CompiledRule]:
    """The elements a counting rule counts, in declaration order, each once."""
    groups = {ref[6:] for ref in rule.count_elements if ref.startswith("group:")}
    ids = {ref for ref in rule.count_elements if not ref.startswith("group:")}
    return [e for e in elements if e.id in ids or e.group in groups]


def _digest(root: YamlDoc, parts) -> str:
    """Content digest of the edition: canonical JSON of every document's data (formatting-independent)."""
    docs = [root.data] + sorted((p.data for p in parts), key=lambda d: orjson.dumps(d, option=orjson.OPT_SORT_KEYS, default=str))
    blob = orjson.dumps(docs, option=orjson.OPT_SORT_KEYS, default=str)
    return "sha256:" + hashlib.sha256(blob).hexdigest()
