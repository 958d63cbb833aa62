"""Time limits on steps after events (a policy's ``duties:``), evaluated over a case's events.

"On-site review within 10 days of the resumption application" (16号令), "file with the city within
3 working days of listing" (Qingdao): each duty names the event that starts it (``after``), the
period (calendar or working days, :mod:`.calendar`), and the events that fulfil it (``done_by``).
For every start event a duty instance is due on ``calendar.add(start, within)``; it is *met* when a
fulfilling event follows by then, *late* when one follows after, *overdue* when none has followed
and the day is past, *pending* otherwise. ``sweep`` flags overdue instances once; ``report`` counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import HolidayCalendar
from .lifecycle import Event
from .policy import Duty, Policy

LISTED = ("county", "city", "province")


@dataclass(frozen=True, slots=True)
class DutyInstance:
    duty: Duty
    started_seq: int
    started_on: date
    due: date
    done_on: date | None
    status: str  # met | late | overdue | pending

    def key(self) -> str:
        return f"{self.duty.id}@{self.started_seq}"


def _starts(duty: Duty, events: list[Event]) -> list[Event]:
    if duty.after == "listed":  # the first event that put the case on a listing level
        for e in events:
            if e.kind in ("opened", "facts_set", "escalated") and e.data.get("level") in LISTED:
                return [e]
        return []
    return [e for e in events if e.kind == duty.after]


def instances(policy: Policy, events: list[Event], today: date, calendar: HolidayCalendar) -> list[DutyInstance]:
    """Every duty instance of one case on ``today`` (events in seq order)."""
    out = []
    for duty in policy.duties:
        for start in _starts(duty, events):
            due = calendar.add(start.on, duty.within)
            done = next((e for e in events if e.seq > start.seq and e.kind in duty.done_by), None)
            if done is not None:
                status = "met" if done.on <= due else "late"
            else:
                status = "overdue" if today > due else "pending"
            out.append(DutyInstance(duty, start.seq, start.on, due, done.on if done else None, status))
    return out


def flagged(events: list[Event]) -> set[str]:
    """Duty instances a sweep already flagged (so a second sweep changes nothing)."""
    return {e.data.get("instance") for e in events if e.kind == "duty_flagged"}
