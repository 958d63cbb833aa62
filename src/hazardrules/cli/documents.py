"""``check --format pdf|html``: the printable 隐患判定书 of every judged record, written atomically."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import HazardRulesError
from . import say


def write_determinations(printed, cases: list[dict], fmt: str, output: str | None, lang: str) -> None:
    from ..paper.determination_doc import document_context, render_html, render_pdf

    docs = [document_context(det, record, lang, tier=_tier(det, lang), cases=_cases_of(det, cases, lang))
            for det, record in printed]
    if fmt == "html" and not output:
        sys.stdout.write(render_html(docs, lang))
        return
    from ..atomic import atomic_path

    with atomic_path(output) as tmp:
        if fmt == "pdf":
            render_pdf(docs, tmp, lang)
        else:
            Path(tmp).write_text(render_html(docs, lang), encoding="utf-8")
    say(f"已写入判定书 {output}（{len(docs)} 份）" if lang == "zh" else f"wrote {output} ({len(docs)} documents)",
               err=True)


def _tier(det, lang: str) -> str:
    """The control tier line, or nothing when the record's enterprise block cannot be routed."""
    from ..supervision import control_tier

    try:
        tier = control_tier(det)
    except HazardRulesError:
        return ""
    if lang == "zh":
        note = "（按本系统默认政策，非法定要求）" if tier.get("assumption") else ""
        return f"{tier['color']}（{tier['label']}），由{tier['owner']}负责管控，每 {tier['interval_days']} 天排查一次{note}"
    note = " (our default policy, not a legal requirement)" if tier.get("assumption") else ""
    return f"{tier['id']}, owned by the {tier.get('owner_en') or tier['owner']}, every {tier['interval_days']} days{note}"


def _cases_of(det, cases: list[dict], lang: str) -> list[dict]:
    from ..supervision.service import labels

    cites = {f.rule: f.cite for f in det.findings}
    out = []
    for c in cases:
        if c.get("record_id") != det.record_id or c.get("rule") not in cites:
            continue
        levels, targets = labels(c.get("policy", ""), lang)
        out.append({"case": c["case"], "cite": cites[c["rule"]], "level": levels.get(c["level"], c["level"]),
                    "deadline": c["deadline"], "targets": ("、" if lang == "zh" else ", ").join(
                        targets.get(t, t) for t in c.get("targets", []))})
    return out
