"""Enterprise reporting duties of 16号令: quarterly and annual hazard statistics.

原安监总局令第16号 第十四条: an enterprise analyses its hazard investigation and remediation every
quarter and every year and submits the signed statistics before the 15th day of the next quarter and
before 31 January of the next year. We read "15日前 / 1月31日前" as *on or before* that day (the day
itself is in time) — a reading a regulator might dispute; it is the one place to change.

Which enterprises owe reports: every enterprise the ledger knows (by credit code, else by name), from
the quarter (year) it was first seen — its first inspection or case — to the last period that ended.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import func, insert, select, union_all

from ..errors import HazardRulesError, diag
from .schema import cases, enterprise_reports, inspections

BASIS = "原安监总局令第16号 第十四条（每季、每年统计分析，分别于下一季度15日前和下一年1月31日前报送）"


class PeriodError(HazardRulesError):
    code = "bad_period"


def parse_period(text: str, where: str = "--period") -> tuple[str, str]:
    """``2026Q3`` (quarterly) or ``2026`` (annual) -> (period, kind)."""
    t = str(text).strip().upper()
    if len(t) == 6 and t[:4].isdigit() and t[4] == "Q" and t[5] in "1234":
        return t, "quarterly"
    if len(t) == 4 and t.isdigit():
        return t, "annual"
    raise PeriodError(diag("bad_period", where, f"统计期 {text!r} 无效：季度写 2026Q3，年度写 2026",
                           f"period {text!r} is not valid: a quarter is 2026Q3, a year 2026"))


def due_date(period: str) -> date:
    """The last day a report for ``period`` is in time."""
    if "Q" in period:
        year, q = int(period[:4]), int(period[5])
        return date(year + 1, 1, 15) if q == 4 else date(year, 3 * q + 1, 15)
    return date(int(period) + 1, 1, 31)


def _quarter(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def periods_due(first_seen: date, until: date) -> list[str]:
    """Every quarter (and year) from the one containing ``first_seen`` that ended before ``until``."""
    out = []
    y, q = _quarter(first_seen)
    while True:
        end = date(y, 3 * q, _cal.monthrange(y, 3 * q)[1])  # last day of the quarter
        if end >= until:
            break
        out.append(f"{y}Q{q}")
        if q == 4:
            out.append(str(y))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


@dataclass(frozen=True, slots=True)
class ReportStatus:
    enterprise: str  # credit code, else name
    name: str | None
    region_code: str | None
    period: str
    due: date
    submitted_on: date | None
    status: str  # on_time | late | missing | pending


def record(conn, *, credit_code: str | None, name: str | None, region_code: str | None, period: str, on: date,
           actor: str) -> bool:
    """Record a submitted report (idempotent per enterprise and period); True when newly recorded."""
    period, kind = parse_period(period)
    key = credit_code or name
    seen = conn.execute(select(enterprise_reports.c.id).where(enterprise_reports.c.enterprise_key == key,
                                                              enterprise_reports.c.period == period)).first()
    if seen:
        return False
    conn.execute(insert(enterprise_reports).values(
        enterprise_key=key, credit_code=credit_code, enterprise_name=name, region_code=region_code, period=period,
        kind=kind, submitted_on=on, actor=actor, recorded_at=datetime.now(timezone.utc)))
    return True


def statuses(conn, today: date) -> list[ReportStatus]:
    """The status on ``today`` of every report the known enterprises owe."""
    key_c = func.coalesce(cases.c.credit_code, cases.c.enterprise_name)
    key_i = func.coalesce(inspections.c.credit_code, inspections.c.enterprise_name)
    seen = union_all(
        select(key_c.label("k"), cases.c.enterprise_name.label("n"), cases.c.region_code.label("r"),
               cases.c.found_on.label("d")).where(key_c.is_not(None)),
        select(key_i.label("k"), inspections.c.enterprise_name.label("n"), inspections.c.region_code.label("r"),
               inspections.c.inspection_date.label("d")).where(key_i.is_not(None))).subquery()
    rows = conn.execute(select(seen.c.k, func.max(seen.c.n), func.max(seen.c.r), func.min(seen.c.d))
                        .group_by(seen.c.k)).all()
    submitted = {(r.enterprise_key, r.period): r.submitted_on
                 for r in conn.execute(select(enterprise_reports)).mappings().all()}
    out = []
    for key, name, region, first in rows:
        for period in periods_due(first, today):
            due = due_date(period)
            sub = submitted.get((key, period))
            if sub is not None:
                status = "on_time" if sub <= due else "late"
            else:
                status = "missing" if today > due else "pending"
            out.append(ReportStatus(key, name, region, period, due, sub, status))
    return out
