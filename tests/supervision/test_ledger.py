"""The case ledger against SQLite and PostgreSQL: opening, lifecycle, rebuild from events, bad input."""

from datetime import date

import orjson
import pytest
from sqlalchemy import func, select

from hazardrules.errors import HazardRulesError
from hazardrules.supervision import open_cases, sweep
from hazardrules.supervision.ledger import Ledger
from hazardrules.supervision.lifecycle import replay
from hazardrules.supervision.schema import case_events, cases
from hazardrules.supervision.service import step

PLAN = {"goal_tasks": "消除超能力生产", "methods": "核减产量", "funds": "50万元", "organisation": "生产科 张三",
        "time_limit": "2026-10-31 前", "safety": "停采工作面警戒，专项应急预案"}

TODAY = date(2026, 8, 20)


def counts(url):
    with Ledger(url) as led, led.engine.connect() as c:
        return (c.execute(select(func.count()).select_from(cases)).scalar(),
                c.execute(select(func.count()).select_from(case_events)).scalar())


def test_open_route_and_idempotence(db_url, det, finding):
    d = det("NM-ORD-2026-0147", [finding("coal26.4.1"), finding("coal26.5.2", kind="violation")])
    first = open_cases([d], db_url, TODAY)
    assert [(c["rule"], c["hazard_class"], c["created"]) for c in first] == [
        ("coal26.4.1", "major", True), ("coal26.5.2", "general", True)]
    major = first[0]
    assert major["policy"] == "inner-mongolia" and major["level"] == "county"
    assert major["targets"] == ["enterprise", "mine_safety", "emergency", "energy_nm"]
    assert major["deadline"] == "2026-11-12"  # 2026-08-14 + 90 days
    assert first[1]["level"] == "none" and first[1]["deadline"] == "2026-09-13"
    again = open_cases([d], db_url, TODAY)
    assert [c["created"] for c in again] == [False, False]
    assert counts(db_url) == (2, 6)  # 立案 + 双重交办 + 整改期限 per case, nothing doubled


def test_full_lifecycle_and_rebuild_from_events(db_url, det, finding):
    cid = open_cases([det("R1", [finding("coal26.4.1")])], db_url, TODAY)[0]["case"]
    step(db_url, cid, "plan_submitted", actor="企业", on=date(2026, 8, 20), data={"plan": PLAN})
    step(db_url, cid, "rectification_reported", actor="企业", on=date(2026, 9, 1))
    step(db_url, cid, "review_failed", actor="旗应急局", on=date(2026, 9, 5))
    step(db_url, cid, "rectification_reported", actor="企业", on=date(2026, 9, 20))
    step(db_url, cid, "review_passed", actor="旗应急局", on=date(2026, 9, 25))
    out = step(db_url, cid, "closed", actor="旗应急局", on=date(2026, 9, 26))
    assert out["state"] == "closed"
    with Ledger(db_url) as led:
        row = led.case_row(cid)
        rebuilt = replay(led.events(cid))
        kinds = [e.kind for e in led.events(cid)]
    assert kinds == ["opened", "assigned", "deadline_set", "plan_submitted", "rectification_reported", "review_failed",
                     "rectification_reported", "review_passed", "closed"]
    # the cached row is exactly what the events say
    assert (row["state"], row["level"], row["deadline"], row["closed_on"], row["version"]) == (
        rebuilt.state, rebuilt.level, rebuilt.deadline, rebuilt.closed_on, rebuilt.seq)


ILLEGAL = [
    ("closed", date(2026, 8, 20), "不能「销号」"),               # no 销号 without a passed 复核
    ("review_passed", date(2026, 8, 20), "不能「复核通过」"),    # no 复核 without a rectification report
    ("rectification_reported", date(2026, 8, 1), "早于立案日期"),  # a date before the case was opened
]


def test_illegal_steps_write_nothing(db_url, det, finding):
    cid = open_cases([det("R2", [finding("coal26.4.1")])], db_url, TODAY)[0]["case"]
    before = counts(db_url)
    for kind, on, says in ILLEGAL:
        with pytest.raises(HazardRulesError, match=says) as exc:
            step(db_url, cid, kind, actor="x", on=on)
        assert exc.value.code == "illegal_transition"
        assert counts(db_url) == before


def test_same_actor_cannot_review_own_rectification(sqlite_url, det, finding):
    cid = open_cases([det("R3", [finding("coal26.4.1")])], sqlite_url, TODAY)[0]["case"]
    step(sqlite_url, cid, "rectification_reported", actor="王五", on=TODAY)
    with pytest.raises(HazardRulesError, match="复核人"):
        step(sqlite_url, cid, "review_passed", actor="王五", on=TODAY)
    assert step(sqlite_url, cid, "review_passed", actor="盟应急局", on=TODAY)["state"] == "verified"


def test_unknown_case(sqlite_url):
    Ledger(sqlite_url).close()  # an existing, empty ledger
    with pytest.raises(HazardRulesError) as exc:
        step(sqlite_url, 4242, "closed", actor="x", on=TODAY)
    assert exc.value.code == "case_not_found"


@pytest.mark.parametrize("ent, says", [
    ({"name": "x", "credit_code": "91350100M000100Y44", "region_code": "150602"}, "校验码"),
    ({"name": "x", "credit_code": "91350100M000100Y43", "region_code": "1506"}, "6位数字"),
])
def test_bad_identity_writes_nothing(sqlite_url, det, finding, ent, says):
    ok = det("OK", [finding("coal26.4.1")])
    bad = det("BAD", [finding("coal26.4.1")], enterprise=ent)
    with pytest.raises(HazardRulesError, match=says):
        open_cases([ok, bad], sqlite_url, TODAY)
    assert counts(sqlite_url) == (0, 0)


def test_sweep_escalates_once_per_deadline(db_url, det, finding):
    cid = open_cases([det("R4", [finding("coal26.4.1")])], db_url, TODAY)[0]["case"]
    assert sweep(db_url, date(2026, 11, 12)) == []  # the deadline day itself is in time
    done = sweep(db_url, date(2026, 11, 13))
    assert [(d["case"], d["from_level"], d["to_level"], d["notified"]) for d in done] == [(cid, "county", "city", True)]
    before = counts(db_url)
    assert sweep(db_url, date(2026, 11, 13)) == [] and counts(db_url) == before  # second run changes nothing
    sweep(db_url, date(2027, 3, 13))  # new city deadline 2026-11-13 + 120 = 2027-03-13: still in time
    assert counts(db_url) == before
    assert sweep(db_url, date(2027, 3, 14))[0]["to_level"] == "province"
    top = sweep(db_url, date(2027, 9, 11))  # overdue again at the top: a notice, no level change
    assert [(d["to_level"], d["notified"]) for d in top] == [("province", True)]
    assert sweep(db_url, date(2027, 9, 12)) == []


def test_repeat_after_closure_goes_one_level_up(sqlite_url, det, finding):
    cid = open_cases([det("R5", [finding("coal26.4.1")], on=date(2026, 1, 5))], sqlite_url, TODAY)[0]["case"]
    for kind, who in (("rectification_reported", "企业"), ("review_passed", "局"), ("closed", "局")):
        step(sqlite_url, cid, kind, actor=who, on=date(2026, 2, 1))
    again = open_cases([det("R6", [finding("coal26.4.1")], on=date(2027, 1, 31))], sqlite_url, TODAY)[0]
    assert again["level"] == "city"  # 11 months after 销号
    later = open_cases([det("R7", [finding("coal26.4.1")], on=date(2027, 2, 1))], sqlite_url, TODAY)[0]
    assert later["level"] == "county"  # 12 months: outside the window
    with Ledger(sqlite_url) as led:
        fired = orjson.loads(led.case_row(again["case"])["routing"])["fired"]
    assert "nat.esc.repeat" in [f["id"] for f in fired]


def test_reopen_gets_a_new_deadline(sqlite_url, det, finding):
    cid = open_cases([det("R8", [finding("coal26.4.1")])], sqlite_url, TODAY)[0]["case"]
    for kind, who in (("rectification_reported", "企业"), ("review_passed", "局"), ("closed", "局")):
        step(sqlite_url, cid, kind, actor=who, on=date(2026, 9, 1))
    out = step(sqlite_url, cid, "reopened", actor="局", on=date(2026, 10, 1))
    assert (out["state"], out["deadline"]) == ("rectifying", "2026-12-30")


def test_extend_deadline_and_tier_at_opening(sqlite_url, det, finding):
    opened = open_cases([det("R9", [finding("coal26.4.1")])], sqlite_url, TODAY)[0]
    assert opened["tier"] == "red"  # Inner Mongolia: a major hazard pins the tier to red
    cid = opened["case"]
    with pytest.raises(HazardRulesError, match="应晚于原期限"):
        step(sqlite_url, cid, "deadline_extended", actor="盟安委办", on=TODAY, data={"deadline": "2026-11-01"})
    out = step(sqlite_url, cid, "deadline_extended", actor="盟安委办", on=TODAY, data={"deadline": "2026-12-31"})
    assert out["deadline"] == "2026-12-31"
    assert sweep(sqlite_url, date(2026, 12, 31)) == []  # the extended deadline is honoured


def test_found_by_on_the_record_routes_and_counts(sqlite_url, det, finding):
    """GIVEN a record found by a provincial inspection WHEN opened THEN province-level listing."""
    d = det("P1", [finding("coal26.4.1")])
    d.found_by = "province"
    assert open_cases([d], sqlite_url, TODAY)[0]["level"] == "province"
    s = det("S1", [finding("coal26.4.1")])
    s.found_by = "self_check"
    assert open_cases([s], sqlite_url, TODAY)[0]["level"] == "county"
    with Ledger(sqlite_url) as led:
        assert [r["source"] for r in led.list_cases()] == ["inspection", "self_check"]
