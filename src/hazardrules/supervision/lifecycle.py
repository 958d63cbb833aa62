"""The case lifecycle as a pure state machine over events (event sourcing).

A case's current state is never stored on its own authority: it is the fold of its append-only
events (:func:`replay`). The ``cases`` table keeps a cached copy for queries, and a test rebuilds
it from the events. :func:`apply` is the only place that decides whether a step is legal, so the
ledger, the CLI and the sweep cannot disagree:

    opened ─双重交办─▶ assigned ─plan─▶ planned ─整改报告─▶ reported ─复核通过─▶ verified ─销号─▶ closed
                          └────────整改报告──────────┘           └─复核不通过─▶ rectifying ─整改报告─▶ …
    closed ─reopened─▶ rectifying;  escalated / notified (通报) / deadline_* keep the state.

No 销号 without a passed 复核, no 复核 without a rectification report; a step dated before the case
was opened (or before its last event) is refused. Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from .errors import TransitionError, error

STATES = {
    "opened": ("已立案", "opened"),
    "assigned": ("已双重交办", "assigned (双重交办)"),
    "planned": ("治理方案已报", "plan submitted"),
    "rectifying": ("整改中", "rectifying"),
    "reported": ("已报整改完成", "rectification reported"),
    "verified": ("复核通过", "review passed"),
    "closed": ("已销号", "closed (销号)"),
}
OPEN_STATES = frozenset(STATES) - {"closed"}
_WORKING = frozenset({"assigned", "planned", "rectifying"})

# event kind -> (states it may follow, the state it leads to or None = unchanged, zh, en)
EVENTS: dict[str, tuple[frozenset | None, str | None, str, str]] = {
    "opened": (None, "opened", "立案", "opened"),
    "assigned": (frozenset({"opened"}), "assigned", "双重交办", "assigned to enterprise and department"),
    "plan_submitted": (_WORKING, "planned", "报送治理方案", "plan submitted"),
    "deadline_set": (OPEN_STATES, None, "设定整改期限", "deadline set"),
    "deadline_extended": (OPEN_STATES - {"verified"}, None, "延长整改期限", "deadline extended"),
    "rectification_reported": (_WORKING, "reported", "报告整改完成", "rectification reported"),
    "review_passed": (frozenset({"reported"}), "verified", "复核通过", "review (复核) passed"),
    "review_failed": (frozenset({"reported"}), "rectifying", "复核不通过", "review (复核) failed"),
    "closed": (frozenset({"verified"}), "closed", "销号", "closed (销号)"),
    "escalated": (OPEN_STATES - {"verified"}, None, "升级督办", "escalated one level"),
    "notified": (OPEN_STATES - {"verified"}, None, "通报", "public notice (通报)"),
    "reopened": (frozenset({"closed"}), "rectifying", "重新打开", "reopened"),
}
LEVELS = ("none", "county", "city", "province")


@dataclass(frozen=True, slots=True)
class Event:
    """One fact in a case's history. ``data`` holds kind-specific values (level, deadline, note…)."""

    seq: int
    kind: str
    actor: str
    on: date
    data: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the events say now: lifecycle state, 挂牌督办 level, deadline and bookkeeping."""

    state: str | None = None
    level: str = "none"
    deadline: date | None = None
    opened_on: date | None = None
    last_on: date | None = None
    closed_on: date | None = None
    reporter: str | None = None  # actor of the latest rectification report
    seq: int = 0
    escalated_for: tuple = ()  # deadlines (ISO) an overdue escalation was already applied for
    notices: int = 0


def _bad(zh: str, en: str, where: str = "") -> TransitionError:
    return error(TransitionError, where, zh, en)


def apply(state: CaseState, event: Event, *, separate_reviewer: bool = False) -> CaseState:
    """The state after ``event``, or :class:`TransitionError` if the lifecycle forbids it."""
    if event.kind not in EVENTS:
        raise _bad(f"未知的事件类型 {event.kind!r}", f"unknown event kind {event.kind!r} "
                   f"(accepted: {', '.join(EVENTS)})")
    allowed, target, zh, en = EVENTS[event.kind]
    if allowed is None:
        if state.state is not None:
            raise _bad("案件已立案，不能再次立案", "case is already opened")
    elif state.state not in allowed:
        now_zh, now_en = STATES.get(state.state, ("未立案", "not opened"))
        ok = "、".join(STATES[s][0] for s in sorted(allowed))
        raise _bad(f"当前状态为「{now_zh}」，不能「{zh}」（只能在以下状态：{ok}）",
                   f"cannot '{en}' while the case is '{now_en}' "
                   f"(allowed from: {', '.join(sorted(allowed))})")
    if state.opened_on and event.on < state.opened_on:
        raise _bad(f"日期 {event.on} 早于立案日期 {state.opened_on}",
                   f"date {event.on} is before the case was opened ({state.opened_on})")
    if state.last_on and event.on < state.last_on:
        raise _bad(f"日期 {event.on} 早于上一事件日期 {state.last_on}",
                   f"date {event.on} is before the case's last event ({state.last_on})")
    if event.kind in ("review_passed", "review_failed") and separate_reviewer \
            and state.reporter is not None and event.actor == state.reporter:
        raise _bad(f"复核人 {event.actor!r} 与整改报告人相同；本策略要求由他人复核",
                   f"reviewer {event.actor!r} is the actor who reported the rectification; "
                   "this policy requires a different reviewer")
    if event.kind == "deadline_extended":
        new = _date(event.data.get("deadline"))
        if new is None or (state.deadline and new <= state.deadline) or new < event.on:
            raise _bad(f"新的整改期限 {new} 应晚于原期限 {state.deadline} 且不早于 {event.on}",
                       f"the new deadline {new} must be after the current one ({state.deadline}) "
                       f"and not before {event.on}")
    changes: dict = {"seq": event.seq, "last_on": event.on}
    if target is not None:
        changes["state"] = target
    data = event.data
    if event.kind == "opened":
        changes.update(opened_on=event.on, level=data.get("level", "none"),
                       deadline=_date(data.get("deadline")))
    elif event.kind in ("deadline_set", "deadline_extended"):
        changes["deadline"] = _date(data["deadline"])
    elif event.kind == "rectification_reported":
        changes["reporter"] = event.actor
    elif event.kind == "closed":
        changes["closed_on"] = event.on
    elif event.kind == "reopened":
        changes["closed_on"] = None
        if data.get("deadline"):
            changes["deadline"] = _date(data["deadline"])
    elif event.kind == "escalated":
        changes["level"] = data["level"]
        if data.get("for_deadline"):
            changes["escalated_for"] = state.escalated_for + (data["for_deadline"],)
        if data.get("deadline"):
            changes["deadline"] = _date(data["deadline"])
    elif event.kind == "notified":
        changes["notices"] = state.notices + 1
        if data.get("for_deadline") and data["for_deadline"] not in state.escalated_for:
            changes["escalated_for"] = state.escalated_for + (data["for_deadline"],)
    return replace(state, **changes)


def replay(events, *, until: date | None = None) -> CaseState:
    """Fold events (in ``seq`` order) into the current state; ``until`` stops after that date."""
    state = CaseState()
    for event in sorted(events, key=lambda e: e.seq):
        if until is not None and event.on > until:
            break
        state = apply(state, event)
    return state


# A case waiting for the regulator (rectification reported, or 复核 passed) is not the enterprise's delay.
_AWAITING_ENTERPRISE = frozenset({"opened", "assigned", "planned", "rectifying"})


def is_overdue(state: CaseState, today: date) -> bool:
    """The enterprise still owes the rectification and the deadline has passed (the deadline day
    itself is still in time)."""
    return state.state in _AWAITING_ENTERPRISE and state.deadline is not None and today > state.deadline


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
