"""Describing one rule for a reader: citation, conditions, the facts it reads, its examples."""

from __future__ import annotations

from .errors import RulesetNotFound, diag
from .numberwords import operator_for


_EXPECT_ZH = {"fired": "成立", "passed": "不成立", "undetermined": "无法判定", "not_applicable": "不适用"}


def _has_chinese(text: str) -> bool:
    """Written mainly in Chinese (a few quoted Chinese words in an English note do not count)."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return cjk > 0 and cjk * 2 >= latin


def find_rule(engine, rule_id: str, edition: str | None):
    """The rule with this id; a ruleset that does not compile is passed over (and named if the rule is not found)."""
    from .errors import HazardRulesError

    broken = []
    for rid in engine.ruleset_ids():
        try:
            editions = engine.editions(rid)
        except HazardRulesError:
            broken.append(rid)
            continue
        for rs in editions:
            if edition is not None and rs.edition != str(edition):
                continue
            rule = rs.rule_by_id.get(rule_id)
            if rule is not None:
                return rs, rule
    zh, en = f"没有编号为 “{rule_id}” 的规则", f"no rule with id '{rule_id}'"
    if broken:
        zh += f"（规则集 {'、'.join(broken)} 有错误未能读取，用 hazardrules validate 查看）"
        en += f" (rulesets {', '.join(broken)} have errors and were not read; see hazardrules validate)"
    raise RulesetNotFound(diag("rule_not_found", "", zh, en))


def describe_rule(engine, rule_id: str, edition: str | None, lang: str, show_python: bool) -> str:
    rs, rule = find_rule(engine, rule_id, edition)
    zh = lang == "zh"
    title = rule.title if zh else (rule.title_en or rule.title)
    lines = [f"{rule.id}  {title}",
             f"{'出处' if zh else 'source'}: {rule.document or f'{rs.title}（{rs.document}）'}{rule.cite}  "
             f"[{rs.id} {rs.edition}, v{rs.version}]"]
    if rs.partial:
        lines.append(f"{'版本' if zh else 'edition'}: " + (
            f"部分编码（{rs.clauses_total} 条中已编码 {rs.clauses_encoded} 条；未编码：{'、'.join(c['clause'] + ('（部分）' if c.get('part') else '') for c in rs.not_encoded)}）"
            if zh else f"partial ({rs.clauses_encoded} of {rs.clauses_total} clauses encoded; not encoded: "
            f"{', '.join(c['clause'] + (' (part)' if c.get('part') else '') for c in rs.not_encoded)})"))
    if rule.wording:
        checked = rule.wording.get("checked_against_official")
        lines.append(f"{'条文来源' if zh else 'wording from'}: {rule.wording['source']}" + (
            ("（已与官方文本核对）" if checked else "（未与官方文本核对）") if zh else
            (" (checked against the official text)" if checked else " (not checked against the official text)")))
    kind = {"major": "重大事故隐患" if zh else "major accident hazard", "violation": "违法行为（非重大隐患）" if zh else
            "violation (not a major hazard)", "element": "综合判定要素" if zh else "counting element",
            "deferral": (f"转按其他标准判定（规则集 {rule.defer_to}），不作为本标准的判定结果" if zh else
                         f"referred to the criteria of ruleset {rule.defer_to}, never a finding here")}[rule.kind]
    lines.append(f"{'类别' if zh else 'kind'}: {kind}")
    if rule.group:
        g = next((g for g in rs.groups if g.id == rule.group), None)
        if g:
            lines.append(f"{'方面' if zh else 'group'}: {g.id} {g.title if zh else (g.title_en or g.title)}")
    if rule.applies is not None:
        lines.append(f"{'适用条件' if zh else 'applies when'}: {rule.applies.text.strip()}")
    if rule.when is not None:
        lines.append(f"{'判定条件' if zh else 'fires when'}: {rule.when.text.strip()}")
    if rule.is_count:
        lines.append(f"{'计数' if zh else 'count'}: {', '.join(rule.count_elements)} ≥ {rule.at_least}")
    refs = {}
    for c in (rule.applies, rule.when):
        if c is not None:
            for ref in c.refs.values():
                refs.setdefault(ref.field.name, ref.field)
    if refs:
        lines.append("字段：" if zh else "facts:")
        for f in refs.values():
            extra = f" [{f.unit}]" if f.unit else ""
            if f.values:
                extra += " " + ", ".join(f"{k}={v}" for k, v in f.values.items())
            lines.append(f"  {f.name} ({f.type}) {f.text(lang)}{extra}")
    if rule.words:
        lines.append("数量词：" if zh else "number words:")
        for w in rule.words:
            op = operator_for(w.word, rs.number_words, w.negated)
            incl = rs.number_words[w.word][1]
            own = w.word in rs.number_words_own
            src = (rs.number_words_cite or ("本文件约定" if zh else "this document")) if own else (
                "通常含义" if zh else "general meaning")
            value = "" if w.value is None else f" {w.value:g}"
            neg = ("，不满足时触发" if zh else ", fires when not met") if w.negated else ""
            lines.append(f"  {w.field} {w.word}{value}：{'含本数' if incl else '不含本数'}（{src}）{neg} → {op}" if zh else
                         f"  {w.field} {w.word}{value}: {'includes' if incl else 'excludes'} the number ({src}){neg} -> {op}")
    if rule.note:
        if zh and not _has_chinese(rule.note):  # an author's reading note in English: not shown in Chinese mode
            lines.append("编码说明：（仅英文，用 --lang en 查看）")
        else:
            lines.append(f"{'说明' if zh else 'note'}: {rule.note.strip()}")
    if rule.supersedes:
        lines.append(f"{'取代' if zh else 'supersedes'}: {', '.join(rule.supersedes)}")
    if rule.examples:
        lines.append("示例：" if zh else "examples:")
        for ex in rule.examples:
            facts = ", ".join(f"{k}={v}" for k, v in ex.facts.items())
            shown = _EXPECT_ZH.get(ex.expect, ex.expect) if zh else ex.expect
            lines.append(f"  {shown:<15} {facts}" if not zh else f"  {shown}　{facts}")
    if show_python:
        lines.append("")
        lines.append(rs.python_source)
    return "\n".join(lines)
