"""The case lifecycle as a pure state machine over events (event sourcing).

A case's current state is never stored on its own authority: it is the fold of its append-only
events (:func:`replay`). The ``cases`` table keeps a cached copy for queries, and a test rebuilds
it from the events. :func:`apply` is the only place that decides whether a step is legal, so the
ledger, the CLI and the sweep cannot disagree:

    opened ─双重交办─▶ assigned ─plan─▶ planned ─整改报告─▶ reported ─复核通过─▶ verified ─销号─▶ closed
                          └────────整改报告──────────┘    │       └─复核不通过（责令改正）─▶ rectifying ─▶ …
                                                reported ─评估─▶ assessed ─申请复产/复查─▶ applied ─复核─▶ …
    opened/assigned ─现场立即整改（一般隐患）─▶ closed;  closed ─reopened─▶ rectifying;
    suspension (责令停产停业), 通报, escalation, deadlines, facts, 报备, 公告 keep the state.

The 16号令 steps: a plan needs its six elements (第十五条); a hazard under suspension needs a
self or third-party assessment and then a resumption application before the on-site review (第十八条,
第二十三条); the review passes (核销, then 销号) or fails (责令改正). No 销号 without a passed 复核,
no 复核 without a rectification report; a step dated before the case was opened (or before its
last event) is refused. Nothing here touches a database.
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
    "assessed": ("治理效果已评估", "remediation assessed"),
    "applied": ("已申请复查（恢复生产）", "review (resumption) applied for"),
    "verified": ("复核通过", "review passed"),
    "closed": ("已销号", "closed (销号)"),
}
OPEN_STATES = frozenset(STATES) - {"closed"}
_WORKING = frozenset({"assigned", "planned", "rectifying"})
ALL_STATES = frozenset(STATES)
# 16号令 第十五条: the six elements of a 重大事故隐患治理方案 (key, 中文, English)
PLAN_ELEMENTS = (
    ("goal_tasks", "治理的目标和任务", "goal and tasks"),
    ("methods", "采取的方法和措施", "methods and measures"),
    ("funds", "经费和物资的落实", "funds and materials"),
    ("organisation", "负责治理的机构和人员", "responsible organisation and people"),
    ("time_limit", "治理的时限和要求", "time limit and requirements"),
    ("safety", "安全措施和应急预案", "safety measures and emergency plan"),
)
PLAN_BASIS = "原安监总局令第16号 第十五条"
ASSESSMENT_KINDS = {"self": "本单位技术人员和专家评估", "third_party": "委托安全评价机构评估"}

# event kind -> (states it may follow, the state it leads to or None = unchanged, zh, en)
EVENTS: dict[str, tuple[frozenset | None, str | None, str, str]] = {
    "opened": (None, "opened", "立案", "opened"),
    "assigned": (frozenset({"opened"}), "assigned", "双重交办", "assigned to enterprise and department"),
    "plan_submitted": (_WORKING, "planned", "报送治理方案", "plan submitted"),
    "deadline_set": (OPEN_STATES, None, "设定整改期限", "deadline set"),
    "deadline_extended": (OPEN_STATES - {"verified"}, None, "延长整改期限", "deadline extended"),
    "facts_set": (OPEN_STATES, None, "补充监管事实", "supervision facts recorded"),
    "suspension_ordered": (OPEN_STATES - {"verified"}, None, "责令停产停业", "suspension ordered"),
    "rectification_reported": (_WORKING, "reported", "报告整改完成", "rectification reported"),
    "assessed": (frozenset({"reported"}), "assessed", "治理效果评估", "remediation assessed"),
    "resumption_applied": (frozenset({"reported", "assessed"}), "applied", "申请复查（恢复生产）",
                           "review (resumption) applied for"),
    "review_passed": (frozenset({"reported", "applied"}), "verified", "复核通过", "review (复核) passed"),
    "review_failed": (frozenset({"reported", "applied"}), "rectifying", "复核不通过（责令改正）",
                      "review (复核) failed: correction ordered"),
    "closed": (frozenset({"verified"}), "closed", "销号", "closed (销号)"),
    "rectified_on_spot": (frozenset({"opened", "assigned"}), "closed", "现场立即整改（一般隐患）",
                          "rectified on the spot (general hazard)"),
    "escalated": (OPEN_STATES - {"verified"}, None, "升级督办", "escalated one level"),
    "notified": (OPEN_STATES - {"verified"}, None, "通报", "public notice (通报)"),
    "filed": (ALL_STATES, None, "报备", "filed with the higher authority"),
    "published": (ALL_STATES, None, "公告", "published"),
    "duty_flagged": (ALL_STATES, None, "时限逾期提示", "time limit overdue (flagged by sweep)"),
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
    hazard_class: str = "major"
    suspended: bool = False  # 责令停产停业 ordered: assessment and a resumption application come before review
    applied_on: date | None = None  # the latest resumption (review) application


def _bad(zh: str, en: str, where: str = "") -> TransitionError:
    return error(TransitionError, where, zh, en)


def apply(state: CaseState, event: Event, *, separate_reviewer: bool = False, new: bool = True) -> CaseState:
    """The state after ``event``, or :class:`TransitionError` if the lifecycle forbids it. ``new=False``
    (replaying stored events) skips the checks of an event's content that older ledgers predate."""
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
    if event.kind == "plan_submitted" and new:
        _check_plan(event.data.get("plan"))
    if event.kind == "rectified_on_spot" and state.hazard_class != "general":
        raise _bad("重大事故隐患不能现场立即整改销号：须经治理方案、整改、复核（16号令 第十五条）",
                   "a major hazard cannot be closed as rectified on the spot: it needs a plan, rectification and review")
    if event.kind == "assessed" and event.data.get("kind") not in ASSESSMENT_KINDS:
        raise _bad(f"评估方式应为 self（{ASSESSMENT_KINDS['self']}）或 third_party（{ASSESSMENT_KINDS['third_party']}）",
                   "the assessment kind must be self or third_party")
    if event.kind == "assessed" and event.data.get("kind") == "third_party" and not event.data.get("institution"):
        raise _bad("委托评估须写明安全评价机构（--institution）", "a third-party assessment names the institution (--institution)")
    if event.kind == "resumption_applied" and state.suspended and state.state != "assessed":
        raise _bad("停产停业治理的重大事故隐患，须先完成治理效果评估再申请恢复生产（16号令 第十八条）",
                   "a hazard under suspension needs its remediation assessed before the resumption application")
    if event.kind in ("review_passed", "review_failed") and state.suspended and state.state != "applied":
        raise _bad("停产停业治理的重大事故隐患，复核（现场审查）须在恢复生产申请之后（16号令 第十八条、第二十三条）",
                   "a hazard under suspension is reviewed on site after the resumption application")
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
                       deadline=_date(data.get("deadline")), hazard_class=data.get("hazard_class", "major"))
    elif event.kind == "facts_set":
        if "level" in data:
            changes["level"] = data["level"]
        if data.get("deadline"):
            changes["deadline"] = _date(data["deadline"])
    elif event.kind == "suspension_ordered":
        changes["suspended"] = True
    elif event.kind == "resumption_applied":
        changes["applied_on"] = event.on
    elif event.kind == "rectified_on_spot":
        changes["closed_on"] = event.on
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


def _check_plan(plan) -> None:
    """A 治理方案 must state all six elements of 16号令 第十五条; name every one that is missing."""
    plan = plan if isinstance(plan, dict) else {}
    missing = [(k, zh, en) for k, zh, en in PLAN_ELEMENTS if not str(plan.get(k) or "").strip()]
    if missing:
        raise _bad(f"治理方案缺少：{'、'.join(f'{zh}（{k}）' for k, zh, _ in missing)}（{PLAN_BASIS} 规定的六项内容）",
                   f"the plan lacks: {', '.join(f'{en} ({k})' for k, _, en in missing)} ({PLAN_BASIS}: six elements)")


def replay(events, *, until: date | None = None) -> CaseState:
    """Fold events (in ``seq`` order) into the current state; ``until`` stops after that date."""
    state = CaseState()
    for event in sorted(events, key=lambda e: e.seq):
        if until is not None and event.on > until:
            break
        state = apply(state, event, new=False)
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
