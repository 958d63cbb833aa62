"""The case state machine on its own (no database)."""

from datetime import date

import pytest

from hazardrules.supervision.errors import TransitionError
from hazardrules.supervision.lifecycle import CaseState, Event, apply, is_overdue, replay

D = date(2026, 8, 14)


def history(*kinds, actor="a"):
    evs = [Event(1, "opened", "sys", D, {"level": "county", "deadline": "2026-11-12"}), Event(2, "assigned", "sys", D)]
    for i, k in enumerate(kinds, 3):
        evs.append(Event(i, k, actor, D))
    return evs


def test_happy_path_to_closed():
    s = replay(history("plan_submitted", "rectification_reported", "review_passed", "closed"))
    assert (s.state, s.closed_on, s.seq, s.level) == ("closed", D, 6, "county")


@pytest.mark.parametrize("kinds, bad", [
    ((), "closed"),                              # no 销号 without a passed 复核
    ((), "review_passed"),                       # no 复核 without a rectification report
    (("rectification_reported",), "closed"),     # reported but not reviewed
    (("rectification_reported", "review_failed"), "closed"),
    (("rectification_reported", "review_passed", "closed"), "rectification_reported"),
])
def test_illegal_steps_are_refused(kinds, bad):
    state = replay(history(*kinds))
    with pytest.raises(TransitionError):
        apply(state, Event(state.seq + 1, bad, "b", D))


def test_failed_review_needs_a_new_report():
    s = replay(history("rectification_reported", "review_failed"))
    assert s.state == "rectifying"
    s = apply(s, Event(s.seq + 1, "rectification_reported", "a", D))
    assert s.state == "reported"


def test_date_before_opening_is_refused():
    s = replay(history())
    with pytest.raises(TransitionError, match="早于立案日期"):
        apply(s, Event(3, "rectification_reported", "a", date(2026, 8, 13)))


def test_same_reviewer_refused_only_when_policy_says_so():
    s = replay(history("rectification_reported", actor="张三"))
    with pytest.raises(TransitionError, match="复核人"):
        apply(s, Event(s.seq + 1, "review_passed", "张三", D), separate_reviewer=True)
    assert apply(s, Event(s.seq + 1, "review_passed", "张三", D)).state == "verified"


def test_escalation_and_overdue():
    s = replay(history())
    assert not is_overdue(s, date(2026, 11, 12)) and is_overdue(s, date(2026, 11, 13))
    s = apply(s, Event(3, "escalated", "sweep", date(2026, 11, 13),
                       {"level": "city", "for_deadline": "2026-11-12", "deadline": "2027-03-13"}))
    assert (s.level, s.deadline, s.escalated_for) == ("city", date(2027, 3, 13), ("2026-11-12",))
    assert not is_overdue(s, date(2026, 11, 13))


def test_replay_until_a_date():
    evs = history() + [Event(3, "rectification_reported", "a", date(2026, 9, 1))]
    assert replay(evs, until=date(2026, 8, 31)).state == "assigned"
    assert replay(evs, until=date(2026, 9, 1)).state == "reported"


def test_opening_twice_is_refused():
    with pytest.raises(TransitionError):
        apply(replay(history()), Event(3, "opened", "a", D))
    assert CaseState().state is None


def test_waiting_for_the_regulator_is_not_overdue():
    """A rectification reported in time is not the enterprise's delay, even if 复核 comes late."""
    s = replay(history("rectification_reported"))
    assert not is_overdue(s, date(2027, 1, 1))
    s = apply(s, Event(s.seq + 1, "review_failed", "局", date(2026, 12, 1)))
    assert is_overdue(s, date(2027, 1, 1))  # back with the enterprise, past its deadline
