"""Issue 18 items 4 (plan elements), 6 (general hazards by hand), 7 (enterprise statistics) and 8
(tier from LEC/LS on the CLI), on SQLite and PostgreSQL where a ledger is involved."""

from datetime import date

import orjson
import pytest
from click.testing import CliRunner

from hazardrules.cli import main
from hazardrules.errors import HazardRulesError
from hazardrules.supervision import open_cases, report
from hazardrules.supervision.service import step, sweep_all
from hazardrules.supervision.steps import add_case, record_statistics

PLAN = {"goal_tasks": "目标", "methods": "方法", "funds": "经费", "organisation": "机构人员", "time_limit": "时限",
        "safety": "安全措施和应急预案"}


def run(*args, code=0):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res.output


@pytest.mark.parametrize("missing", ["funds", "safety"])
def test_incomplete_plan_refused_naming_the_element(db_url, det, finding, missing):
    [c] = open_cases([det("NM-P", [finding("coal26.4.1")])], db_url, date(2026, 8, 14))
    plan = {k: v for k, v in PLAN.items() if k != missing}
    with pytest.raises(HazardRulesError, match=f"治理方案缺少：.*（{missing}）"):
        step(db_url, c["case"], "plan_submitted", actor="企业", on=date(2026, 8, 20), data={"plan": plan})
    out = step(db_url, c["case"], "plan_submitted", actor="企业", on=date(2026, 8, 20), data={"plan": PLAN})
    assert out["state"] == "planned"


def test_plan_on_the_cli_needs_all_six(sqlite_url, det, finding):
    open_cases([det("NM-P2", [finding("coal26.4.1")])], sqlite_url, date(2026, 8, 14))
    base = ["case", "plan", 1, "--by", "企业", "--date", "2026-08-20", "--db", sqlite_url]
    out = run(*base, "--goal-tasks", "目标", "--methods", "方法", code=2)
    assert "经费和物资的落实（funds）" in out and "负责治理的机构和人员（organisation）" in out
    args = [a for k, v in PLAN.items() for a in (f"--{k.replace('_', '-')}", v)]
    assert "治理方案已报" in run(*base, *args)


def test_general_hazard_by_hand_on_the_spot_and_rectification_rates(db_url):
    ent = {"name": "呼和浩特某机械厂", "region_code": "150102"}
    spot = add_case(db_url, ruleset="industry-trade", enterprise=ent, title="配电箱门未关闭", hazard_class="general",
                    reason="危害和整改难度较小，可立即整改", actor="检查员甲", on=date(2026, 9, 1), on_spot=True)
    assert (spot["state"], spot["level"], spot["deadline"]) == ("closed", "none", None)
    open_general = add_case(db_url, ruleset="industry-trade", enterprise=ent, title="护栏缺失", hazard_class="general",
                            reason="需更换护栏", actor="检查员甲", on=date(2026, 9, 1))
    assert open_general["state"] == "assigned" and open_general["deadline"] == "2026-10-01"  # 30 days, adopted
    major = add_case(db_url, ruleset="industry-trade", enterprise=ent, title="粉尘涉爆除尘系统未接地",
                     hazard_class="major", reason="无对应规则，按检查员判断为重大", actor="检查员甲", on=date(2026, 9, 1))
    assert major["level"] == "county" and major["hazard_class"] == "major"
    again = add_case(db_url, ruleset="industry-trade", enterprise=ent, title="配电箱门未关闭", hazard_class="general",
                     reason="危害和整改难度较小，可立即整改", actor="检查员甲", on=date(2026, 9, 1), on_spot=True)
    assert again["case"] == spot["case"] and not again["created"]  # recording twice does not double it
    with pytest.raises(HazardRulesError, match="只有一般事故隐患可现场立即整改"):
        add_case(db_url, ruleset="industry-trade", enterprise=ent, title="x", hazard_class="major", reason="r",
                 actor="a", on=date(2026, 9, 1), on_spot=True)
    with pytest.raises(HazardRulesError, match="定级理由"):
        add_case(db_url, ruleset="industry-trade", enterprise=ent, title="x", hazard_class="general", reason=" ",
                 actor="a", on=date(2026, 9, 1))
    row = report.compute(db_url, end=date(2026, 9, 30))[-1]
    assert (row["found_general"], row["found_major"]) == (2, 1)
    assert row["rectification_rate_general"] == 50.0 and row["rectification_rate_major"] == 0.0


def test_case_add_on_the_cli(tmp_path):
    db = f"sqlite:///{tmp_path / 'new.sqlite'}"
    out = run("case", "add", "--ruleset", "industry-trade", "--enterprise", "某机械厂", "--region", "150102",
              "--title", "配电箱门未关闭", "--class", "general", "--reason", "可立即整改", "--on-spot",
              "--by", "检查员甲", "--date", "2026-09-01", "--db", db)
    assert "一般事故隐患" in out and "已销号" in out
    shown = run("case", "show", "1", "--db", db)
    assert "现场立即整改" in shown


def test_enterprise_statistics_late_missing_flagged_and_counted(db_url, det, finding):
    ent = {"name": "鄂尔多斯市某煤矿有限公司", "credit_code": "91350100M000100Y43", "region_code": "150602"}
    open_cases([det("NM-S", [finding("coal26.4.1")], enterprise=ent, on=date(2026, 2, 10))], db_url, date(2026, 2, 10))
    q1 = record_statistics(db_url, enterprise=ent, period="2026Q1", on=date(2026, 4, 15), actor="企业")
    assert q1["due"] == "2026-04-15" and q1["on_time"]  # the 15th itself is in time
    q2 = record_statistics(db_url, enterprise=ent, period="2026Q2", on=date(2026, 7, 16), actor="企业")
    assert not q2["on_time"]
    got = sweep_all(db_url, date(2026, 10, 16))
    flagged = {(r.period, r.status) for r in got["reports"]}
    assert flagged == {("2026Q2", "late"), ("2026Q3", "missing")}  # Q3 was due 10-15
    row = report.compute(db_url, end=date(2026, 10, 16))[-1]
    assert (row["stats_due"], row["stats_late"]) == (3, 2)
    with pytest.raises(HazardRulesError, match="统计期"):
        record_statistics(db_url, enterprise=ent, period="2026Q5", on=date(2026, 4, 1), actor="企业")
    # annual: 2026 is due 2027-01-31
    assert record_statistics(db_url, enterprise=ent, period="2026", on=date(2027, 1, 31), actor="企业")["on_time"]


@pytest.mark.parametrize("args, says", [
    (("--lec", 6, 6, 15, "--region", "150602"), "D = 540：红（重大风险）"),
    (("--lec", 1, 6, 15, "--region", "150602"), "D = 90：黄（一般风险）"),
    (("--ls", 4, 4, "--region", "150602"), "R = 16：橙（较大风险）"),
    (("--ls", 2, 4, "--region", "150602"), "R = 8：蓝（低风险）"),
    (("--ls", 4, 5, "--region", "420102"), "R = 20：管控等级未确定（湖北省没有适用的风险分级规则"),
    (("--ls", 4, 5), "未设置默认辖区"),
])
def test_tier_from_lec_and_ls(args, says):
    assert says in run("tier", *args)


def test_tier_bad_input():
    assert "1～5 的整数" in run("tier", "--ls", 6, 1, "--region", "150602", code=2)
    assert "--lec L E C 或 --ls L S" in run("tier", code=2)
    body = orjson.loads(CliRunner().invoke(main, ["tier", "--lec", "10", "6", "7", "--region", "150602",
                                                  "--format", "json"]).stdout)
    assert body["id"] == "red" and body["lec_d"] == 420 and body["fired"] == ["nat.tier.lec-red"]


def test_grade_on_the_cli(sqlite_url, det, finding):
    open_cases([det("HB-G", [finding("hc17.1")], ruleset="hazardous-chemicals",
                    enterprise={"name": "宜昌某化工", "region_code": "420502"})], sqlite_url, date(2026, 8, 14))
    shown = run("case", "show", 1, "--db", sqlite_url)
    assert "挂牌督办层级：未确定" in shown and "重大事故隐患等级（安委会评定）（hazard_grade）" in shown
    assert "市（州）级挂牌督办" in run("case", "grade", 1, "--level", "三级", "--by", "市安委办", "--date", "2026-08-20",
                                 "--db", sqlite_url)
    assert "五级" in run("case", "grade", 1, "--level", "五级", "--by", "x", "--date", "2026-08-21", "--db", sqlite_url,
                        code=2)
    out = run("case", "facts", 1, "--set", "hazrd_grade=二级", "--by", "x", "--date", "2026-08-21", "--db", sqlite_url,
              code=2)
    assert "hazrd_grade" in out
