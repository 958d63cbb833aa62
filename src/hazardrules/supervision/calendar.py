"""Periods in calendar days, working days, months or years, over a holiday calendar kept as data.

A working day (工作日) is Monday–Friday that is not a public holiday, or a weekend day the State
Council declared a working day (调休上班). The holidays come from ``<rules dir>/calendars/*.yaml``
(one entry per year, from the 国务院办公厅 notice); counting through a year the calendar does not hold
is an error naming the year and the years it holds — never a guess.

Counting follows the usual rule for periods (民法典 第二百零一条): the start day is not counted, so
"within 3 working days of D" ends on the 3rd working day after D, and "within 10 days" on D + 10.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from ..errors import HazardRulesError, diag
from ..loader import load_yaml


class CalendarError(HazardRulesError):
    """A working-day count needs a year the holiday calendar does not hold, or the calendar is malformed."""

    code = "calendar_error"


@dataclass(frozen=True, slots=True)
class Period:
    """``days`` calendar days, ``working_days``, ``months`` or ``years`` (exactly one is set)."""

    amount: int
    unit: str  # days | working_days | months | years

    def text(self, lang: str = "zh") -> str:
        zh = {"days": "日", "working_days": "个工作日", "months": "个月", "years": "年"}[self.unit]
        en = {"days": "days", "working_days": "working days", "months": "months", "years": "years"}[self.unit]
        return f"{self.amount}{zh}" if lang == "zh" else f"{self.amount} {en}"

    @classmethod
    def from_doc(cls, doc) -> "Period":
        for unit in ("days", "working_days", "months", "years"):
            value = getattr(doc, unit, None)
            if value is not None:
                return cls(value, unit)
        raise ValueError("a period needs one of days, working_days, months, years")


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """Holidays and adjusted working days per year, with the source of each year."""

    name: str
    holidays: frozenset
    workdays: frozenset
    sources: dict  # year -> source text

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.sources))

    def _need(self, d: date) -> None:
        if d.year not in self.sources:
            held = "、".join(map(str, self.years)) or "无"
            raise CalendarError(diag(
                "calendar_year_missing", f"calendar {self.name}",
                f"节假日日历没有 {d.year} 年的安排（已有：{held}）；工作日无法计算。"
                f"请按国务院办公厅当年的节假日安排通知在 calendars/ 中补充 {d.year} 年",
                f"the holiday calendar has no {d.year} (it holds {', '.join(map(str, self.years)) or 'none'}); "
                f"working days cannot be counted — add {d.year} from the State Council's notice under calendars/"))

    def is_working_day(self, d: date) -> bool:
        self._need(d)
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add(self, start: date, period: Period) -> date:
        """The last day of ``period`` counted from ``start`` (start day excluded)."""
        if period.unit == "days":
            return start + timedelta(days=period.amount)
        if period.unit in ("months", "years"):
            months = period.amount * (12 if period.unit == "years" else 1)
            y, m = divmod(start.month - 1 + months, 12)
            year, month = start.year + y, m + 1
            return date(year, month, min(start.day, _cal.monthrange(year, month)[1]))
        d, left = start, period.amount
        while left > 0:
            d += timedelta(days=1)
            if self.is_working_day(d):
                left -= 1
        return d

    def subtract_working_days(self, end: date, n: int) -> date:
        """The day ``n`` working days before ``end`` (for "request at least N working days before")."""
        d, left = end, n
        while left > 0:
            d -= timedelta(days=1)
            if self.is_working_day(d):
                left -= 1
        return d


def _dates(entry, where: str) -> list[date]:
    try:
        if isinstance(entry, dict):
            a, b = date.fromisoformat(str(entry["from"])), date.fromisoformat(str(entry["to"]))
            return [a + timedelta(days=i) for i in range((b - a).days + 1)]
        return [date.fromisoformat(str(entry))]
    except (KeyError, ValueError, TypeError):
        raise CalendarError(diag("calendar_bad_date", where, f"无法读取日期 {entry!r}（应为 YYYY-MM-DD 或 {{from: …, to: …}}）",
                                 f"cannot read date {entry!r} (expected YYYY-MM-DD or {{from: …, to: …}})")) from None


def read_calendar(path: Path) -> HolidayCalendar:
    doc = load_yaml(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    holidays, workdays, sources = set(), set(), {}
    years = data.get("years")
    if not isinstance(years, dict):
        raise CalendarError(diag("calendar_bad", doc.where(()), "日历文件应有 years: 映射", "a calendar file needs a years: mapping"))
    for year, body in years.items():
        where = doc.where(("years", year))
        if not isinstance(body, dict) or not body.get("source"):
            raise CalendarError(diag("calendar_bad", where, f"{year} 年应写明 source（节假日安排通知）",
                                     f"year {year} needs a source (the holiday notice)"))
        for key, into in (("holidays", holidays), ("workdays", workdays)):
            for i, entry in enumerate(body.get(key) or []):
                for d in _dates(entry, doc.where(("years", year, key, i))):
                    if d.year != int(year):
                        raise CalendarError(diag("calendar_bad", doc.where(("years", year, key, i)),
                                                 f"{d} 不在 {year} 年", f"{d} is not in {year}"))
                    into.add(d)
        sources[int(year)] = body["source"]
    return HolidayCalendar(str(data.get("calendar") or path.stem), frozenset(holidays), frozenset(workdays), sources)


def calendars_dir(rules_dir: Path | None = None) -> Path:
    from ..catalog import default_rules_dir

    return Path(rules_dir or default_rules_dir()) / "calendars"


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple) -> HolidayCalendar:
    files = sorted(Path(folder).glob("*.yaml"))
    merged = [read_calendar(p) for p in files]
    return HolidayCalendar("+".join(c.name for c in merged) or "none",
                           frozenset().union(*(c.holidays for c in merged)),
                           frozenset().union(*(c.workdays for c in merged)),
                           {y: s for c in merged for y, s in c.sources.items()})


def load_calendar(rules_dir: Path | None = None) -> HolidayCalendar:
    """The holiday calendar under ``<rules dir>/calendars/`` (an empty one if there is none)."""
    folder = calendars_dir(rules_dir)
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _load(str(folder), stamp)
