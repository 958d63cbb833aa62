"""Blank checklists: a record to fill in, every field with its label, unit and allowed values.

``--set`` facts (e.g. the industry and special operations of a 工贸 enterprise) prune the checklist
to the sections that can apply: a field is kept when some rule reading it is not ruled out by the
given facts (its ``applies`` is not false).
"""

from __future__ import annotations

from datetime import date

from .compile import CompiledRuleset
from .expr import interpret
from .expr.fields import Field


def relevant_fields(rs: CompiledRuleset, given: dict) -> set[str]:
    tables = {n: t.values for n, t in rs.tables.items()}
    keep: set[str] = set(given)
    for rule in rs.rules + rs.elements:
        if rule.applies is not None and interpret(rule.applies, given, tables) is False:
            continue
        for c in (rule.applies, rule.when):
            if c is not None:
                keep.update(c.fields)
        if rule.is_count:
            from .compile import counted_elements

            for e in counted_elements(rule, rs.elements):
                for c in (e.applies, e.when):
                    if c is not None:
                        keep.update(c.fields)
    return keep


def checklist_fields(rs: CompiledRuleset, given: dict) -> set[str]:
    """The facts a checklist asks for: those of the sections that can apply, plus descriptive facts that
    no rule reads (a mine's name, a unit's location), which ``--set`` can never rule out."""
    read_by_rules = relevant_fields(rs, {})
    return relevant_fields(rs, given) | {f.name for f in rs.fields if f.name not in read_by_rules}


def inspection_day_for(rs: CompiledRuleset, day: date | None = None) -> date:
    """The inspection date a blank shows: the given date, else today moved into the edition's time in force
    (its last day for a superseded edition, its first for one not yet in force) — so the blank is judged
    under the edition it was made for."""
    if day is not None:
        return day
    today = max(date.today(), rs.effective_from)  # today, brought inside the edition's time in force
    return min(today, rs.effective_to) if rs.effective_to else today


def _comment(f: Field, lang: str) -> str:
    parts = [("必填：" if lang == "zh" else "REQUIRED: ") + f.text(lang)] if f.scope else [f.text(lang)]
    if f.type in ("number", "integer"):
        unit = f"，单位 {f.unit}" if f.unit and lang == "zh" else (f", unit {f.unit}" if f.unit else "")
        lo = "" if f.min is None else f"{f.min:g}"
        hi = "" if f.max is None else f"{f.max:g}"
        rng = f"，范围 {lo}～{hi}" if (lo or hi) and lang == "zh" else (f", range {lo}..{hi}" if lo or hi else "")
        parts.append(("数值" if lang == "zh" else "number") + unit + rng)
    elif f.type == "bool":
        parts.append("true/false")
    elif f.type == "enum":
        parts.append(" | ".join(f"{k}={v}" for k, v in f.values.items()))
    elif f.type == "date":
        parts.append("YYYY-MM-DD")
    if f.help:
        parts.append(f.help)
    return "  # " + "；".join(parts) if lang == "zh" else "  # " + "; ".join(parts)


def render_checklist(rs: CompiledRuleset, given: dict, lang: str = "zh", record_id: str | None = None,
                     day: date | None = None) -> str:
    keep = checklist_fields(rs, given)
    zh = lang == "zh"
    out = [f"# {rs.title}（{rs.document}，{rs.edition} 版，{rs.effective_from} 起施行）" if zh
           else f"# {rs.title_en or rs.title} ({rs.document}, edition {rs.edition}, in force from {rs.effective_from})",
           "# 不清楚或未检查的项请留空（null）：留空表示事实未知，不等于“否”。" if zh
           else "# Leave unknown or unchecked facts empty (null): empty means unknown, not 'no'.",
           f"ruleset: {rs.id}",
           f"record_id: {record_id or ''}",
           f"inspection_date: {inspection_day_for(rs, day).isoformat()}",
           "enterprise: {name: , credit_code: , region_code: }",
           "facts:"]
    groups = {g.id: g for g in rs.groups}
    by_group: dict[str | None, list[Field]] = {}
    scope: list[Field] = []  # scope facts first: they decide which of the rest apply
    for f in rs.fields:
        if f.name in keep and f.name != "inspection_date":  # the envelope carries the inspection date
            (scope if f.scope else by_group.setdefault(f.group, [])).append(f)
    if scope:
        by_group["__scope__"] = scope
    order = ["__scope__", None] + [g.id for g in rs.groups] + [k for k in by_group if k not in groups and k not in (None, "__scope__")]
    for gid in order:
        fields = by_group.get(gid)
        if not fields:
            continue
        if gid == "__scope__":
            out.append("  # —— 必填：决定哪些条款适用的事实（先填） ——" if zh else
                       "  # —— REQUIRED: the facts that decide which clauses apply (fill in first) ——")
        elif gid is not None:
            g = groups.get(gid)
            title = (g.title if zh else (g.title_en or g.title)) if g else gid
            cite = f"（{g.cite}）" if g and g.cite else ""
            out.append(f"  # —— {gid} {title}{cite} ——")
        for f in fields:
            value = given.get(f.name)
            if f.type == "list" and value == []:
                out.append(f"  {f.name}: []{_comment(f, lang)}")  # given as none of this kind
            elif f.type == "list":
                out.append(f"  {f.name}:{_comment(f, lang)}")
                out.append(f"    - {f.key}: " + ("  # 每个单元一项，可重复 / one block per unit" if zh else "  # one block per unit"))
                for sub in sorted(f.item, key=lambda x: not x.scope):  # a unit's scope facts first
                    if sub.name != f.key:
                        out.append(f"      {sub.name}:{_comment(sub, lang)}")
            else:
                shown = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
                out.append(f"  {f.name}: {shown}{_comment(f, lang)}")
    return "\n".join(out) + "\n"
