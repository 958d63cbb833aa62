"""Plain-text rendering of determinations for the terminal (Chinese first, English with --lang en)."""

from __future__ import annotations

import click

from ..gaps import counting_progress, field_of, missing_scope, not_applicable_reasons, ranked_needs
from ..results import CONCLUSION_LABELS, INCOMPLETE, Determination
from ..text import safe_text

_T = {
    "zh": {"record": "记录", "date": "检查日期", "major": "结论：存在{term}", "none": "结论：未发现{term}",
           "items": "项", "why": "依据", "units": "单元", "undetermined": "无法判定（缺少事实）", "need": "需补充",
           "na": "不适用", "passed": "未发现", "violation": "违法行为（非重大隐患）", "tag_major": "重大", "tag_v": "违法",
           "edition": "版", "deferred": "转按其他标准判定（本标准第三条等规定不在此判定）", "defer_to": "应按规则集"},
    "en": {"record": "record", "date": "inspection date", "major": "Verdict: {TERM} found",
           "none": "Verdict: no {term} found", "items": "", "why": "because", "units": "units",
           "undetermined": "Undetermined (facts missing)", "need": "needs", "na": "not applicable", "passed": "passed",
           "violation": "Violations (not major hazards)", "tag_major": "MAJOR", "tag_v": "VIOL", "edition": "edition",
           "deferred": "Referred to other criteria (this document leaves them to those)", "defer_to": "judge under ruleset"},
}


class _Styled(str):
    """A line already escaped and styled (its ESC sequences are ours)."""


def _style(text: str, **style) -> _Styled:
    return _Styled(click.style(safe_text(text), **style))


def _join(lines: list[str]) -> str:
    """Every line escaped (data may hold ESC, newlines, bidi overrides) unless styled by us already."""
    return "\n".join(line if isinstance(line, _Styled) else safe_text(line) for line in lines) + "\n"


GROUPED_ABOVE = 15  # more undetermined rules than this are summarised per group unless verbose


def render_determination(det: Determination, lang: str = "zh", verbose: bool = False) -> str:
    rs = det.compiled
    t = {k: v.format(term=rs.hazard_term if lang == "zh" else rs.hazard_term_en, TERM=rs.hazard_term_en.upper())
         for k, v in _T[lang].items()}
    title = rs.title if lang == "zh" else (rs.title_en or rs.title)
    head = (f"{t['record']} {det.record_id or '-'} · {title}（{det.document}，{det.edition} {t['edition']}）"
            f" · {t['date']} {det.inspection_date or '-'}")
    lines = [_style(head, bold=True)]
    majors = [f for f in det.findings if f.kind == "major"]
    violations = [f for f in det.findings if f.kind == "violation"]
    if majors:
        lines.append(_style(f"{t['major']}（{len(majors)} {t['items']}）" if lang == "zh"
                                 else f"{t['major']} ({len(majors)})", fg="red", bold=True))
    elif det.conclusion == INCOMPLETE:
        lines.extend(_incomplete_headline(det, lang))
    else:
        lines.append(_style(t["none"], fg="green", bold=True))
    for f in majors + violations:
        tag = t["tag_major"] if f.kind == "major" else t["tag_v"]
        d = f.to_dict(lang)
        lines.append(f"  [{tag}] {f.rule}  {f.cite}  {d['title']}")
        lines.append(f"         {t['why']}：{d['explanation']}" if lang == "zh" else f"         {t['why']}: {d['explanation']}")
    deferred = det.deferred
    if deferred:
        lines.append(_style(f"{t['deferred']}：{len(deferred)} {t['items']}" if lang == "zh"
                                 else f"{t['deferred']}: {len(deferred)}", fg="yellow", bold=True))
        for d in deferred:
            title_d = d["title"] if lang == "zh" else (d["title_en"] or d["title"])
            units = f"（{'、'.join(d['units'])}）" if d["units"] and lang == "zh" else (
                f" ({', '.join(d['units'])})" if d["units"] else "")
            lines.append(f"  [→ {d['defer_to']}] {d['rule']}  {d['cite']}  {title_d}{units}")
            lines.append(f"         {t['defer_to']} {d['defer_to']}：{d['explanation']}" if lang == "zh"
                         else f"         {t['defer_to']} {d['defer_to']}: {d['explanation_en']}")
    und = det.undetermined
    if und:
        lines.append(f"{t['undetermined']}：{len(und)} {t['items']}" if lang == "zh" else f"{t['undetermined']}: {len(und)}")
    if len(und) > GROUPED_ABOVE and not verbose:
        lines.extend(_grouped(det, und, lang))
        und = []
    if und:
        named = {name for name, _ in missing_scope(det)} if det.conclusion == INCOMPLETE else set()
        for u in und:
            title_u = u["title"] if lang == "zh" else (rs.rule_by_id[u["rule"]].title_en or u["title"])
            # scope facts named in the headline are not repeated under every rule
            rest = [m for m in u["missing"] if m not in named]
            need = ("、" if lang == "zh" else ", ").join(_label(rs, m, lang) for m in rest) if rest else (
                "上方所列必填项" if lang == "zh" else "the required facts named above")
            lines.append(f"  {u['rule']}  {u['cite']}  {title_u}")
            lines.append(f"         {t['need']}：{need}" if lang == "zh" else f"         {t['need']}: {need}")
    lines.extend(_counting_lines(det, lang))
    if rs.partial:
        lines.extend(_not_encoded_lines(rs, lang))
    sep = "；" if lang == "zh" else "; "
    lines.append(f"{t['na']} {len(det.not_applicable)} {t['items']}{sep}{t['passed']} {len(det.passed)} {t['items']}"
                 if lang == "zh" else f"{t['na']}: {len(det.not_applicable)}{sep}{t['passed']}: {len(det.passed)}")
    for r in not_applicable_reasons(det):
        f = rs.fields.get(r["fact"])
        shown = _shown_value(f, det.facts[r["fact"]], lang)
        lines.append(f"  其中因 {_label(rs, r['fact'], lang)}为“{shown}”而不适用：{r['rules']} 项" if lang == "zh"
                     else f"  out of scope because {_label(rs, r['fact'], lang)} is {shown}: {r['rules']}")
    return _join(lines)


def _shown_value(f, value, lang: str) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    return f.value_label(value, lang) if f is not None else str(value)


def _counting_lines(det: Determination, lang: str) -> list[str]:
    """Counting rules below their threshold: what was counted, and what is still unknown (GB 35181 综合判定)."""
    rs = det.compiled
    zh = lang == "zh"
    out = []
    for c in counting_progress(det):
        rule = rs.rule_by_id[c["rule"]]
        title = rule.title if zh else (rule.title_en or rule.title)
        names = ("；" if zh else "; ").join(
            f"{rs.rule_by_id[e].cite} {rs.rule_by_id[e].title if zh else (rs.rule_by_id[e].title_en or rs.rule_by_id[e].title)}"
            for e in c["counted"])
        n, k = len(c["counted"]), c["at_least"]
        if zh:
            line = f"  {c['rule']}  {c['cite']}  {title}：综合判定要素 {n} 项，未达到 {k} 项"
            line += f"（{names}）" if names else ""
            if c["unknown"]:
                line += f"；另有 {len(c['unknown'])} 项要素无法判定"
        else:
            line = f"  {c['rule']}  {c['cite']}  {title}: {n} elements, fewer than {k}" + (f" ({names})" if names else "")
            if c["unknown"]:
                line += f"; {len(c['unknown'])} elements undetermined"
        out.append(line)
    if out:
        out.insert(0, "综合判定（未达到判定数量）：" if zh else "Counting rules below their threshold:")
    return out


_REASONS = {"wording_unavailable": ("未见条文原文", "wording not available"),
            "paraphrase_only": ("仅见转述，未见原文", "known only by paraphrase")}


def _not_encoded_lines(rs, lang: str) -> list[str]:
    """A partial edition: the clauses not encoded, which no record can be judged against."""
    zh = lang == "zh"
    lines = [f"未编码条款（本版本为部分编码，{rs.clauses_total} 条中已编码 {rs.clauses_encoded} 条）：" if zh else
             f"Clauses not encoded (partial edition: {rs.clauses_encoded} of {rs.clauses_total} clauses encoded):"]
    for c in rs.not_encoded:
        title = c["title"] if zh else (c.get("title_en") or c["title"])
        reason = _REASONS[c["reason"]][0 if zh else 1]
        clause = c["clause"] + (("（部分）" if zh else " (part)") if c.get("part") else "")
        lines.append(f"  {clause}  {title}（{reason}）" if zh else f"  {clause}  {title} ({reason})")
    return lines


TOP_NEEDS = 5  # facts named in the headline of an incomplete verdict


def _incomplete_headline(det: Determination, lang: str) -> list[str]:
    """未能得出结论: how many rules are open, the scope facts left empty, the facts that would decide the most."""
    rs = det.compiled
    n = det.undetermined_major
    label = CONCLUSION_LABELS[lang][INCOMPLETE]
    if lang == "zh":
        why = [f"{n} 项{rs.hazard_term}条款无法判定"] if n else []
        if det.open_deferrals:  # situations left to another ruleset's criteria keep the verdict open
            why.append(f"{det.open_deferrals} 类情形须按其他标准判定或尚未确定所属领域")
        if rs.partial:
            why.append(f"本版本仅编码 {rs.clauses_total} 条中的 {rs.clauses_encoded} 条，其余 {rs.clauses_not_encoded} 条未能判定")
        head = f"结论：{label}（{'；'.join(why)}；已判定的条款均不成立）"
    else:
        why = [f"{n} rules on {rs.hazard_term_en}s undetermined"] if n else []
        if det.open_deferrals:
            why.append(f"{det.open_deferrals} kinds of situation must be judged under other criteria or have no sector")
        if rs.partial:
            why.append(f"this edition encodes {rs.clauses_encoded} of {rs.clauses_total} clauses; "
                       f"{rs.clauses_not_encoded} could not be judged")
        head = f"Verdict: {label} ({'; '.join(why)}; none found among the rules decided)"
    lines = [_style(head, fg="yellow", bold=True)]
    scope = missing_scope(det)
    for name, blocked in scope:
        lines.append(f"  未填写 {_label(rs, name, lang)}，{blocked} 项因此无法判定" if lang == "zh"
                     else f"  {_label(rs, name, lang)} is not filled in: {blocked} rules cannot be decided without it")
    named = {name for name, _ in scope}
    top = [(m, k) for m, k in ranked_needs(det, major_only=True) if m not in named][:TOP_NEEDS]
    if top:
        shown = ("、" if lang == "zh" else ", ").join(
            f"{_label(rs, m, lang)}{k} 项" if lang == "zh" else f"{_label(rs, m, lang)}: {k}" for m, k in top)
        lines.append(f"  最需补充的事实（可判定的条款数）：{shown}" if lang == "zh"
                     else f"  facts that would decide the most rules: {shown}")
    return lines


def _grouped(det: Determination, und: list[dict], lang: str) -> list[str]:
    """One line per group (aspect): how many rules wait for facts, and how many distinct facts they need."""
    rs = det.compiled
    titles = {g.id: (g.title if lang == "zh" else (g.title_en or g.title)) for g in rs.groups}
    order = {g.id: i for i, g in enumerate(rs.groups)}
    by_group: dict = {}
    for u in und:
        gid = rs.rule_by_id[u["rule"]].group
        rules, facts = by_group.setdefault(gid, ([], set()))
        rules.append(u["rule"])
        facts.update(u["missing"])
    out = []
    for gid in sorted(by_group, key=lambda g: order.get(g, len(order))):
        rules, facts = by_group[gid]
        name = f"{gid} {titles.get(gid, '')}".strip() if gid else ("其他" if lang == "zh" else "other")
        out.append(f"  {name}：{len(rules)} 项，需补充 {len(facts)} 个事实" if lang == "zh"
                   else f"  {name}: {len(rules)} rules, {len(facts)} facts needed")
    out.append("  （用 --verbose 逐条列出；用 hazardrules checklist 生成待填记录）" if lang == "zh"
               else "  (--verbose lists each rule; hazardrules checklist prints a record to fill in)")
    return out


def _label(rs, path: str, lang: str) -> str:
    """``faces[W1].gas_pct`` -> ``瓦斯浓度（faces[W1].gas_pct）``."""
    f = field_of(rs, path)
    if f is None:
        return path
    return f"{f.text(lang)}（{path}）" if lang == "zh" else f"{f.text(lang)} ({path})"
