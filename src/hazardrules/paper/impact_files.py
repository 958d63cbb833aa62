"""The impact of a revision as people read it: terminal text, an Excel workbook and one HTML page."""

from __future__ import annotations

from importlib import resources

from ..impact import CONCLUSIONS, LABELS, Impact

_T = {
    "zh": dict(title="标准修订影响分析", forced="每条记录在两个版本下分别判定（不论其检查日期）。", records="记录数",
               matrix="结论变化（行：原版本，列：新版本）", changed="结论改变的记录", newly="新版本下新成立的条款",
               stopped="新版本下不再成立的条款", needed="新版本需要而旧记录缺少的事实", not_carried="新版本不再使用的事实",
               renamed="改名沿用的字段", errors="无法判定的行", rule="规则", cite="条款", subject="事项", count="记录数",
               fact="事实", where="位置", record="记录编号", before="原结论", after="新结论", none="无"),
    "en": dict(title="Impact of a revision", forced="Every record is judged under both editions, whatever its date.",
               records="records", matrix="Conclusions (rows: old edition, columns: new edition)",
               changed="Records whose conclusion changes", newly="Clauses that newly fire", stopped="Clauses that stop firing",
               needed="Facts the new edition needs that the old records lack", not_carried="Facts the new edition no longer uses",
               renamed="Renamed fields carried over", errors="Rows that could not be judged", rule="rule", cite="clause",
               subject="subject", count="records", fact="fact", where="where", record="record", before="before",
               after="after", none="none"),
}


def _label(conclusion: str, lang: str) -> str:
    return LABELS[conclusion][0 if lang == "zh" else 1]


def sections(r: Impact, lang: str) -> list[tuple[str, list[str], list[list]]]:
    """The report as (title, header, rows) tables, shared by every format."""
    t = _T[lang]
    matrix = [[_label(a, lang)] + [r.transitions.get((a, b), 0) for b in CONCLUSIONS] for a in CONCLUSIONS]
    return [
        (t["matrix"], [""] + [_label(b, lang) for b in CONCLUSIONS], matrix),
        (t["changed"], [t["where"], t["record"], t["before"], t["after"]],
         [[w, rid or "", _label(a, lang), _label(b, lang)] for w, rid, a, b in r.changed]),
        (t["newly"], [t["rule"], t["cite"], t["subject"], t["count"]],
         [[rid, *r.titles[rid], n] for rid, n in r.newly_fire.most_common()]),
        (t["stopped"], [t["rule"], t["cite"], t["subject"], t["count"]],
         [[rid, *r.titles[rid], n] for rid, n in r.stop_firing.most_common()]),
        (t["needed"], [t["fact"], t["count"]], [[f, n] for f, n in r.missing_new.most_common()]),
        (t["not_carried"], [t["fact"], t["count"]], [[f, n] for f, n in r.not_carried.most_common()]),
        (t["renamed"], [t["fact"], t["count"]], [[f, n] for f, n in r.renamed.most_common()]),
        (t["errors"], [t["where"], ""], [[w, m] for w, m in r.errors]),
    ]


def _heading(r: Impact, lang: str) -> str:
    t = _T[lang]
    return (f"{t['title']}：{r.ruleset} {r.old}（{r.old_document}）→ {r.new}（{r.new_document}），{t['records']} {r.records}"
            if lang == "zh" else f"{t['title']}: {r.ruleset} {r.old} ({r.old_document}) -> {r.new} ({r.new_document}), "
            f"{r.records} {t['records']}")


def render_text(r: Impact, lang: str = "zh") -> str:
    t = _T[lang]
    lines = [_heading(r, lang), t["forced"]]
    for title, header, rows in sections(r, lang):
        lines.append("")
        lines.append(f"{title}：" if lang == "zh" else f"{title}:")
        if not rows:
            lines.append(f"  {t['none']}")
            continue
        lines.append("  " + " | ".join(str(h) for h in header))
        lines += ["  " + " | ".join(str(c) for c in row) for row in rows[:50]]
        if len(rows) > 50:
            lines.append(f"  …（另有 {len(rows) - 50} 行）" if lang == "zh" else f"  … ({len(rows) - 50} more)")
    return "\n".join(lines)


def write_xlsx(r: Impact, path: str, lang: str = "zh") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    for n, (title, header, rows) in enumerate(sections(r, lang)):
        ws = wb.create_sheet(title[:28] if lang == "en" else title[:28])
        ws.append([_heading(r, lang) if n == 0 else title])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(header)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A3"
        for col, width in zip("ABCD", (30, 24, 40, 14)):
            ws.column_dimensions[col].width = width
    wb.save(path)


def render_html(r: Impact, lang: str = "zh") -> str:
    import jinja2

    template = resources.files("hazardrules.paper").joinpath("templates", "impact.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(template).render(lang=lang, heading=_heading(r, lang), forced=_T[lang]["forced"],
                                            sections=sections(r, lang), none=_T[lang]["none"])
