"""Supervision statistics from the ledger, as of a date (events replayed up to it).

Definitions (docs/supervision.md; all formulas are our assumptions, see standards/supervision.md §7):

- cohort: cases whose hazard was found in ``[start, end]``; their state is the state on ``end``;
- 整改率 (general / major): cohort cases whose rectification passed 复核 or was closed, over the cohort;
- 重大隐患整改率 (销号口径): major cases closed (销号) on ``end`` over major cases determined;
- 每千次检查发现重大隐患数量: major hazards determined / concluded inspections in the period × 1000 — an
  inspection that could not be concluded (未能得出结论) is counted apart, never as one that found nothing;
  inspections recorded before the ledger stored conclusions (supervision_0006) count as concluded;
- 企业自查发现占比: cases found by the enterprise's own check / all cases;
- 逾期: cases still owed by the enterprise on ``end`` (not reported rectified, or sent back by 复核)
  with their deadline before ``end``;
- 动态清零: on ``end`` every major case is closed or within an unexpired deadline (none overdue, none
  still without a deadline because its level is undetermined); 未确定 (None) instead of 是 when some
  inspection of the group could not be concluded, since it may hide a major hazard;
- 挂牌层级未确定: open cases whose listing level no rule could decide (counted apart, with reasons in
  ``case show``).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

import orjson
from sqlalchemy import select

from .ledger import Ledger
from .lifecycle import Event, is_overdue, replay
from .schema import case_events, cases, inspections

GROUPINGS = ("none", "sector", "region", "period")
PERIODS = ("month", "quarter", "year")
COLUMNS = [  # key, 中文, English
    ("group", "分组", "group"),
    ("inspections", "检查次数", "inspections"),
    ("inspections_incomplete", "未能得出结论的检查", "inspections not concluded"),
    ("found_general", "一般隐患", "general hazards"),
    ("found_major", "重大隐患", "major hazards"),
    ("rectification_rate_general", "整改率（一般）", "rectified % (general)"),
    ("rectification_rate_major", "整改率（重大）", "rectified % (major)"),
    ("major_closed_rate", "重大隐患整改率（销号）", "major closed % (销号)"),
    ("major_per_1000_inspections", "每千次检查重大隐患", "major per 1000 inspections"),
    ("self_check_share", "企业自查发现占比", "found by self-check %"),
    ("overdue", "逾期", "overdue"),
    ("level_undetermined", "挂牌层级未确定", "listing level undetermined"),
    ("review_overdue", "复核（现场审查）超时", "on-site reviews late or overdue"),
    ("duties_overdue", "其他时限超时", "other time limits late or overdue"),
    ("stats_due", "企业统计报表应报", "enterprise statistics due"),
    ("stats_late", "企业统计报表逾期或未报", "enterprise statistics late or missing"),
    ("dynamic_clearance", "动态清零", "dynamic clearance"),
]


def _period(d: date, period: str) -> str:
    if period == "month":
        return f"{d.year}-{d.month:02d}"
    if period == "quarter":
        return f"{d.year}Q{(d.month - 1) // 3 + 1}"
    return str(d.year)


def _key(by: str, period: str, *, ruleset: str, region: str | None, on: date) -> str:
    if by == "sector":
        return ruleset
    if by == "region":
        return (region[:4] + "00") if region else "unknown"
    if by == "period":
        return _period(on, period)
    return "all"


def _pct(num: int, den: int):
    return round(100.0 * num / den, 1) if den else None


def compute(db_url: str | None, *, end: date, start: date | None = None, by: str = "none",
            period: str = "month", region: str | None = None, sector: str | None = None, settings=None) -> list[dict]:
    """One row per group with every metric; the last row is the total when grouping."""
    from . import duties as duties_mod
    from . import statistics as stats_mod
    from .context import Settings, calendar, policies

    settings = Settings.resolve(settings)
    known = policies(settings)
    cal = calendar(settings)
    start = start or date.min
    with Ledger(db_url, create=False) as ledger, ledger.engine.connect() as conn:
        q = select(cases).where(cases.c.found_on >= start, cases.c.found_on <= end)
        iq = select(inspections).where(inspections.c.inspection_date >= start, inspections.c.inspection_date <= end)
        if region:
            q = q.where(cases.c.region_code.startswith(region))
            iq = iq.where(inspections.c.region_code.startswith(region))
        if sector:
            q = q.where(cases.c.ruleset == sector)
            iq = iq.where(inspections.c.ruleset == sector)
        rows = conn.execute(q).mappings().all()
        ids = [r["id"] for r in rows]
        events: dict[int, list[Event]] = defaultdict(list)
        for chunk in range(0, len(ids), 500):
            for e in conn.execute(select(case_events).where(case_events.c.case_id.in_(ids[chunk:chunk + 500]))).mappings():
                events[e["case_id"]].append(Event(e["seq"], e["kind"], e["actor"], e["on_date"], orjson.loads(e["data"])))
        insp = conn.execute(iq).mappings().all()
        reports = [r for r in stats_mod.statuses(conn, end) if start <= stats_mod.due_date(r.period)
                   and (not region or (r.region_code or "").startswith(region))]
    groups: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        state = replay(events[r["id"]], until=end)
        for key in {_key(by, period, ruleset=r["ruleset"], region=r["region_code"], on=r["found_on"]), "__total__"}:
            g = groups[key]
            cls = r["hazard_class"]
            g[f"found_{cls}"] += 1
            g[f"rectified_{cls}"] += state.state in ("verified", "closed")
            g[f"closed_{cls}"] += state.state == "closed"
            g["self_check"] += r["source"] == "self_check"
            over = is_overdue(state, end)
            g["overdue"] += over
            g["major_overdue"] += over and cls == "major"
            still_open = state.state not in ("closed", None)
            g["level_undetermined"] += still_open and state.level == "unknown"
            # an open major case without a deadline is not "within an unexpired deadline"
            g["major_no_deadline"] += still_open and cls == "major" and state.deadline is None
            pol = known.get(r["policy"])
            for inst in duties_mod.instances(pol, [e for e in sorted(events[r["id"]], key=lambda e: e.seq)
                                                     if e.on <= end], end, cal) if pol else ():
                if inst.status in ("overdue", "late"):
                    review = any(k.startswith("review_") for k in inst.duty.done_by)
                    g["review_overdue" if review else "duties_overdue"] += 1
    for rep_ in reports:  # enterprise statistics: by region of the enterprise, in the total always
        keys = {"__total__"} | ({_key(by, period, ruleset="", region=rep_.region_code, on=rep_.due)} if by == "region" else set())
        for key in keys:
            groups[key]["stats_due"] += rep_.status != "pending"
            groups[key]["stats_late"] += rep_.status in ("late", "missing")
    for i in insp:
        for key in {_key(by, period, ruleset=i["ruleset"], region=i["region_code"], on=i["inspection_date"]), "__total__"}:
            groups[key]["inspections"] += 1
            groups[key]["inspections_incomplete"] += i["conclusion"] == "incomplete"
    out = []
    keys = sorted(k for k in groups if k != "__total__") if by != "none" else []
    for key in keys + ["__total__"]:
        g = groups[key]
        total = g["found_general"] + g["found_major"]
        concluded = g["inspections"] - g["inspections_incomplete"]
        out.append({
            "group": "合计/total" if key == "__total__" else key,
            "inspections": g["inspections"], "inspections_incomplete": g["inspections_incomplete"],
            "found_general": g["found_general"], "found_major": g["found_major"],
            "rectification_rate_general": _pct(g["rectified_general"], g["found_general"]),
            "rectification_rate_major": _pct(g["rectified_major"], g["found_major"]),
            "major_closed_rate": _pct(g["closed_major"], g["found_major"]),
            "major_per_1000_inspections": round(1000.0 * g["found_major"] / concluded, 1) if concluded else None,
            "self_check_share": _pct(g["self_check"], total),
            "overdue": g["overdue"],
            "level_undetermined": g["level_undetermined"],
            "review_overdue": g["review_overdue"], "duties_overdue": g["duties_overdue"],
            "stats_due": g["stats_due"], "stats_late": g["stats_late"],
            "dynamic_clearance": _clearance(g),
        })
    return out


def _clearance(g: dict) -> bool | None:
    """动态清零: False when a major case is overdue or has no deadline; None (未确定) when nothing is overdue but
    some inspection could not be concluded; True only when neither."""
    if g["major_overdue"] or g["major_no_deadline"]:
        return False
    return None if g["inspections_incomplete"] else True


BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with this mark


def render(rows: list[dict], fmt: str, lang: str = "zh", headers: str = "labels") -> str:
    """``table`` (aligned text), ``json`` or ``csv``; headers in Chinese unless ``lang='en'``.

    CSV has the column labels as headers and starts with a UTF-8 BOM, so that a Chinese Excel opens it
    as written; ``headers='keys'`` gives the machine keys and no BOM, for programs.
    """
    if fmt == "json":
        return orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode()
    heads = [zh if lang == "zh" else en for _, zh, en in COLUMNS]
    if fmt == "csv":
        return render_csv(rows, lang, headers)
    cells = [[_cell(r[k], lang, k) for k, _, _ in COLUMNS] for r in rows]
    widths = [max(_w(h), *(_w(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = ["  ".join(_pad(h, widths[i]) for i, h in enumerate(heads))]
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(row)) for row in cells]
    return "\n".join(lines)


def render_csv(rows: list[dict], lang: str = "zh", headers: str = "labels") -> str:
    """CSV text (no trailing newline); see :func:`render`. Yes/no in words with labels, true/false with keys."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if headers == "keys":
        w.writerow([k for k, _, _ in COLUMNS])
        w.writerows([["" if r[k] is None else r[k] for k, _, _ in COLUMNS] for r in rows])
        return buf.getvalue().rstrip("\n")
    w.writerow([zh if lang == "zh" else en for _, zh, en in COLUMNS])
    w.writerows([["" if r[k] is None and k != "dynamic_clearance" else _cell(r[k], lang, k) for k, _, _ in COLUMNS]
                 for r in rows])
    return BOM + buf.getvalue().rstrip("\n")


UNDETERMINED = {"zh": "未确定", "en": "undetermined"}


def _cell(v, lang: str, key: str = "") -> str:
    """A figure as text: yes/no in words; a missing figure is 未确定 for 动态清零 and — for a rate with no base."""
    if v is None:
        return UNDETERMINED[lang] if key == "dynamic_clearance" else "—"
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    return str(v)


def _w(s: str) -> int:  # display width: CJK characters take two columns
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _w(s))
