"""A hazard walked from determination to 销号 in each shipped province, every date checked against
the policy and the holiday calendar (issue 18 items 3–5), on SQLite and PostgreSQL."""

from datetime import date

import pytest

from hazardrules.errors import HazardRulesError
from hazardrules.supervision import open_cases
from hazardrules.supervision.ledger import Ledger
from hazardrules.supervision.service import step, sweep_all
from hazardrules.supervision.steps import extend, grade, set_deadline, set_facts
from hazardrules.supervision import report

PLAN = {"goal_tasks": "消除储罐区重大事故隐患", "methods": "更换液位计，增设紧急切断", "funds": "120万元",
        "organisation": "设备部 李四", "time_limit": "90日内完成", "safety": "罐区限量储存，专项应急预案"}


def _state(db, cid):
    with Ledger(db, create=False) as ledger:
        return ledger.state(cid), ledger.case_row(cid)


def test_hubei_grade_decides_the_level_then_16_ling_to_closure(db_url, det, finding):
    """GIVEN a hazardous-chemicals major hazard in 武汉 (420102) without a grade WHEN opened THEN 未确定
    (needs hazard_grade), no deadline; graded 三级 → 市（州）级; deadline from the notice; suspension,
    assessment, application, on-site review within 10 days (sweep flags day 11), 销号."""
    hb = {"name": "武汉某化工有限公司", "region_code": "420102"}
    [c] = open_cases([det("HB-2026-001", [finding("hc17.1")], ruleset="hazardous-chemicals", enterprise=hb,
                          on=date(2026, 3, 2))], db_url, date(2026, 3, 2))
    assert (c["level"], c["deadline"], c["needs"]) == ("unknown", None, ["hazard_grade"])
    assert "重大事故隐患等级" in c["level_reason"]["zh"]
    got = sweep_all(db_url, date(2026, 3, 3))
    assert [u["case"] for u in got["undetermined"]] == [c["case"]]
    assert report.compute(db_url, end=date(2026, 3, 3))[-1]["level_undetermined"] == 1

    out = grade(db_url, c["case"], "三级", actor="市安委办", on=date(2026, 3, 5))
    assert (out["level"], out["deadline"]) == ("city", None)  # the 办法 sets no days: the notice does
    with pytest.raises(HazardRulesError, match="早于设定日期"):
        set_deadline(db_url, c["case"], date(2026, 3, 4), actor="市安委会", on=date(2026, 3, 5))
    set_deadline(db_url, c["case"], date(2026, 6, 30), actor="市安委会", on=date(2026, 3, 5), note="鄂安委督〔2026〕3号")
    step(db_url, c["case"], "plan_submitted", actor="企业", on=date(2026, 3, 10), data={"plan": PLAN})
    step(db_url, c["case"], "suspension_ordered", actor="市应急管理局", on=date(2026, 3, 10))
    step(db_url, c["case"], "rectification_reported", actor="企业", on=date(2026, 5, 20))
    with pytest.raises(HazardRulesError, match="须先完成治理效果评估"):
        step(db_url, c["case"], "resumption_applied", actor="企业", on=date(2026, 5, 21))
    with pytest.raises(HazardRulesError, match="委托评估须写明安全评价机构"):
        step(db_url, c["case"], "assessed", actor="企业", on=date(2026, 5, 25), data={"kind": "third_party"})
    step(db_url, c["case"], "assessed", actor="企业", on=date(2026, 5, 25),
         data={"kind": "third_party", "institution": "湖北某安全评价有限公司"})
    step(db_url, c["case"], "resumption_applied", actor="企业", on=date(2026, 5, 26))
    # 10 days from 05-26 (start day excluded) end on 06-05: day 10 is in time, day 11 is flagged, once
    assert sweep_all(db_url, date(2026, 6, 5))["duties"] == []
    flagged = sweep_all(db_url, date(2026, 6, 6))["duties"]
    assert {(d["case"], d["duty"], d["due"]) for d in flagged} == {
        (c["case"], "nat.duty.onsite-review", "2026-06-05"), (c["case"], "hb.duty.acceptance", "2026-06-05")}
    assert sweep_all(db_url, date(2026, 6, 6))["duties"] == []  # idempotent
    row = report.compute(db_url, end=date(2026, 6, 6))[-1]
    assert row["review_overdue"] == 2 and row["level_undetermined"] == 0
    step(db_url, c["case"], "review_passed", actor="市应急管理局", on=date(2026, 6, 8))
    step(db_url, c["case"], "closed", actor="市应急管理局", on=date(2026, 6, 8))
    state, crow = _state(db_url, c["case"])
    assert (state.state, state.level, state.deadline, state.closed_on) == ("closed", "city", date(2026, 6, 30),
                                                                        date(2026, 6, 8))
    assert report.compute(db_url, end=date(2026, 6, 30))[-1]["review_overdue"] == 2  # reviewed late: still counted


def test_qingdao_listing_filing_publication_and_extension_by_working_days(db_url, det, finding):
    """GIVEN a Qingdao (370212) hazard the district listed on 2026-09-28 WHEN filed and published
    THEN the 3- and 5-working-day limits count over the National Day holidays; the deadline is capped
    at one year; an extension must be asked 20 working days ahead; publication after 销号."""
    qd = {"name": "青岛某港口储运有限公司", "region_code": "370212"}
    d = det("QD-2026-077", [finding("hc17.2")], ruleset="hazardous-chemicals", enterprise=qd, on=date(2026, 9, 28))
    d.supervision = {"district_listed": True}
    [c] = open_cases([d], db_url, date(2026, 9, 28))
    assert (c["level"], c["deadline"]) == ("county", None)
    # 3 working days after Mon 09-28: 09-29, 09-30, then 10-01..07 holidays, 10-08 → due 10-08
    flagged = sweep_all(db_url, date(2026, 10, 9))["duties"]
    assert {(x["duty"], x["due"]) for x in flagged} == {("qd.duty.file-city", "2026-10-08")}
    step(db_url, c["case"], "filed", actor="崂山区政府", on=date(2026, 10, 9))
    step(db_url, c["case"], "published", actor="崂山区政府", on=date(2026, 10, 10))  # 5th working day (10-10 is a Saturday worked)
    assert sweep_all(db_url, date(2026, 10, 12))["duties"] == []
    with pytest.raises(HazardRulesError, match="超过本辖区上限"):
        set_deadline(db_url, c["case"], date(2027, 9, 29), actor="崂山区政府", on=date(2026, 10, 12))
    set_deadline(db_url, c["case"], date(2026, 12, 31), actor="崂山区政府", on=date(2026, 10, 12))
    # 20 working days before 12-31 (12-04 … 12-31 are 20 working days): the latest request day is 12-03
    with pytest.raises(HazardRulesError, match="不晚于 2026-12-03"):
        extend(db_url, c["case"], date(2027, 3, 31), actor="崂山区政府", on=date(2026, 12, 10),
               requested_on=date(2026, 12, 4))
    with pytest.raises(HazardRulesError, match="--requested-on"):
        extend(db_url, c["case"], date(2027, 3, 31), actor="崂山区政府", on=date(2026, 12, 10))
    out = extend(db_url, c["case"], date(2027, 3, 31), actor="崂山区政府", on=date(2026, 12, 18),
                 requested_on=date(2026, 12, 3))
    # the decision is due 10 working days after the request (12-17); made on 12-18, it is recorded as late
    assert out["deadline"] == "2027-03-31" and out["decision_due"] == "2026-12-17" and out["decided_late"]
    with pytest.raises(HazardRulesError, match="超过本辖区上限.*2027-09-28"):
        extend(db_url, c["case"], date(2027, 9, 29), actor="崂山区政府", on=date(2026, 12, 18),
               requested_on=date(2026, 12, 2))
    step(db_url, c["case"], "rectification_reported", actor="企业", on=date(2026, 12, 20))
    step(db_url, c["case"], "review_passed", actor="崂山区应急局", on=date(2026, 12, 22))
    step(db_url, c["case"], "closed", actor="崂山区应急局", on=date(2026, 12, 28))
    # 5 working days after 12-28 reach into 2027; the calendar holds 2025–2026 only
    with pytest.raises(HazardRulesError, match="没有 2027 年的安排"):
        sweep_all(db_url, date(2026, 12, 29))  # counting into 2027 needs the 2027 notice: an error, not a guess
    state, _ = _state(db_url, c["case"])
    assert (state.state, state.deadline) == ("closed", date(2027, 3, 31))


def test_qingdao_not_listed_and_unknown(db_url, det, finding):
    qd = {"name": "青岛某公司", "region_code": "370202"}
    a = det("QD-1", [finding("hc17.2")], ruleset="hazardous-chemicals", enterprise=qd)
    a.supervision = {"district_listed": False}
    b = det("QD-2", [finding("hc17.2")], ruleset="hazardous-chemicals", enterprise=qd)
    ca, cb = open_cases([a, b], db_url, date(2026, 8, 20))
    assert ca["level"] == "none" and cb["level"] == "unknown" and cb["needs"] == ["district_listed"]
    out = set_facts(db_url, cb["case"], {"district_listed": "是"}, actor="市南区政府", on=date(2026, 8, 24))
    assert out["level"] == "county"


def test_inner_mongolia_adopted_assumptions_dates(db_url, det, finding):
    [c] = open_cases([det("NM-9", [finding("coal26.4.1")])], db_url, date(2026, 8, 14))
    assert (c["level"], c["deadline"]) == ("county", "2026-11-12")  # 90 calendar days, start day excluded
    with pytest.raises(HazardRulesError, match="超过本辖区上限.*2027-08-14"):
        extend(db_url, c["case"], date(2027, 8, 15), actor="盟安委办", on=date(2026, 9, 1))
    out = extend(db_url, c["case"], date(2027, 8, 15), actor="盟安委办", on=date(2026, 9, 1),
                 override_reason="井下透水治理工程量大", approved_by="盟安委会主任 王五")
    assert out["override"]["approved_by"] == "盟安委会主任 王五" and out["override"]["cap_end"] == "2027-08-14"
    with Ledger(db_url, create=False) as ledger:
        last = ledger.events(c["case"])[-1]
    assert last.kind == "deadline_extended" and last.data["override"]["reason"] == "井下透水治理工程量大"
    with pytest.raises(HazardRulesError, match="同时写明理由"):
        extend(db_url, c["case"], date(2027, 8, 20), actor="盟安委办", on=date(2026, 9, 2), override_reason="x")
