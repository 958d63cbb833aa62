"""What changed between two editions of a standard, for the regulator.

Rules of the newer edition name what they replace with ``supersedes``; a rule is *changed* when its
clause, applicability, condition or title differ from the rule(s) it supersedes. Rules of the older
edition that nothing supersedes are *removed*; newer rules that supersede nothing are *added*. A partial
edition's unencoded clause may name the old rules it carries on (``not_encoded[].supersedes``): those are
*not encoded* in the newer edition, not removed — the subject is still regulated, only not judged here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .compile import CompiledRule, CompiledRuleset
from .expr.ast import dump


@dataclass
class EditionDiff:
    added: list[CompiledRule] = field(default_factory=list)
    removed: list[CompiledRule] = field(default_factory=list)
    changed: list[tuple[CompiledRule, list[CompiledRule], list[str]]] = field(default_factory=list)
    unchanged: list[tuple[CompiledRule, list[CompiledRule]]] = field(default_factory=list)
    not_encoded: list[tuple[dict, list[CompiledRule]]] = field(default_factory=list)  # (new clause, old rules)


def _cond(c) -> str | None:
    return dump(c.root) if c is not None else None


def diff_editions(old: CompiledRuleset, new: CompiledRuleset) -> EditionDiff:
    out = EditionDiff()
    old_rules = {r.id: r for r in old.rules}
    covered: set[str] = set()
    for r in new.rules:
        before = [old_rules[i] for i in r.supersedes if i in old_rules]
        if not before:
            out.added.append(r)
            continue
        covered.update(b.id for b in before)
        what = []
        if len(before) > 1:
            what.append("merged")
        b = before[0]
        if b.cite != r.cite:
            what.append("cite")
        if _cond(b.when) != _cond(r.when) or b.at_least != r.at_least:
            what.append("condition")
        if _cond(b.applies) != _cond(r.applies):
            what.append("applies")
        if b.title != r.title:
            what.append("title")
        (out.changed.append((r, before, what)) if what else out.unchanged.append((r, before)))
    for clause in new.not_encoded:
        before = [old_rules[i] for i in clause.get("supersedes", ()) if i in old_rules and i not in covered]
        if before:
            covered.update(b.id for b in before)
            out.not_encoded.append((clause, before))
    out.removed = [r for r in old.rules if r.id not in covered]
    return out


def render_diff(d: EditionDiff, old: CompiledRuleset, new: CompiledRuleset, lang: str = "zh") -> str:
    zh = lang == "zh"
    names = {"merged": "合并" if zh else "merged", "cite": "条款号" if zh else "clause",
             "condition": "判定条件" if zh else "condition", "applies": "适用条件" if zh else "applicability",
             "title": "标题" if zh else "title"}
    lines = [f"{new.id}: {old.edition}（{old.document}）→ {new.edition}（{new.document}）"]
    lines.append((f"新增 {len(d.added)} 条，删除 {len(d.removed)} 条，修改 {len(d.changed)} 条，未变 {len(d.unchanged)} 条")
                 if zh else f"added {len(d.added)}, removed {len(d.removed)}, changed {len(d.changed)}, unchanged {len(d.unchanged)}")
    if d.not_encoded:
        n = sum(len(before) for _, before in d.not_encoded)
        lines[-1] += (f"，对应条款未编码 {n} 条" if zh else f", counterpart not encoded {n}")
    if d.added:
        lines.append("新增：" if zh else "added:")
        lines += [f"  + {r.id}  {r.cite}  {r.title if zh else (r.title_en or r.title)}" for r in d.added]
    if d.removed:
        lines.append("删除：" if zh else "removed:")
        lines += [f"  - {r.id}  {r.cite}  {r.title if zh else (r.title_en or r.title)}" for r in d.removed]
    if d.not_encoded:
        lines.append("对应条款在新版本中未编码（仍受规范，但本版本不判定）：" if zh else
                     "counterpart clause not encoded in the newer edition (still regulated, not judged here):")
        for clause, before in d.not_encoded:
            title = clause["title"] if zh else (clause.get("title_en") or clause["title"])
            lines.append(f"  ? {', '.join(b.id for b in before)} → {clause['clause']}  {title}")
    if d.changed:
        lines.append("修改：" if zh else "changed:")
        for r, before, what in d.changed:
            lines.append(f"  ~ {', '.join(b.id for b in before)} → {r.id}  {r.cite}  "
                         f"[{'、'.join(names[w] for w in what) if zh else ', '.join(names[w] for w in what)}]")
            for b in before:
                if "condition" in what and b.when is not None and r.when is not None:
                    lines.append(f"      {b.when.text.strip()}  →  {r.when.text.strip()}")
    return "\n".join(lines)
