"""The case and report commands, in-process with click's runner, on a real SQLite ledger."""

from datetime import date
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from hazardrules.cli import main
from hazardrules.supervision import open_cases

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(sqlite_url, det, finding):
    open_cases([det("NM-1", [finding("coal26.4.1"), finding("coal26.9.3", kind="violation")]),
                det("NM-2", [finding("coal26.4.1")], enterprise={"name": "乌海某焦化厂", "region_code": "150302",
                                                                 "found_by": "self_check"})],
               sqlite_url, date(2026, 8, 20))
    return sqlite_url


def run(*args, code=0):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res.output


def test_list_show_and_move(ledger):
    out = run("case", "list", "--db", ledger)
    assert "#1" in out and "已双重交办" in out
    shown = run("case", "show", 1, "--db", ledger)
    assert "双重交办" in shown and "［假设］" in shown and "inner-mongolia" in shown
    assert "旗县级挂牌督办" in shown and "矿山安全监察机构" in shown and "重大风险（红）" in shown
    run("case", "rectify", 1, "--by", "企业安全科", "--date", "2026-09-01", "--db", ledger)
    run("case", "verify", 1, "--by", "旗应急管理局", "--date", "2026-09-05", "--db", ledger)
    assert "已销号" in run("case", "close", 1, "--by", "旗应急管理局", "--date", "2026-09-06", "--db", ledger)
    assert "rectifying" in run("--lang", "en", "case", "reopen", 1, "--by", "盟应急管理局", "--date", "2026-10-01",
                               "--db", ledger)
    body = orjson.loads(run("case", "show", 1, "--format", "json", "--db", ledger))
    assert [e["kind"] for e in body["events"]] == ["opened", "assigned", "deadline_set", "rectification_reported", "review_passed",
                                                   "closed", "reopened"]
    assert body["events"][3]["actor"] == "企业安全科"


@pytest.mark.parametrize("args, says", [
    (("case", "show", 99), "案件 99 不存在"),
    (("case", "close", 1, "--by", "x", "--date", "2026-09-01"), "不能「销号」"),
    (("case", "verify", 1, "--by", "x", "--date", "2026-09-01"), "不能「复核通过」"),
    (("case", "rectify", 1, "--by", "x", "--date", "2026-01-01"), "早于立案日期"),
])
def test_bad_input_exits_2_and_writes_nothing(ledger, args, says):
    before = run("case", "show", 1, "--format", "json", "--db", ledger)
    res = CliRunner().invoke(main, [str(a) for a in args] + ["--db", ledger])
    assert res.exit_code == 2 and says in res.output and "Traceback" not in res.output
    assert run("case", "show", 1, "--format", "json", "--db", ledger) == before


def test_same_actor_review_refused(ledger):
    run("case", "rectify", 1, "--by", "张三", "--date", "2026-09-01", "--db", ledger)
    res = CliRunner().invoke(main, ["case", "verify", "1", "--by", "张三", "--date", "2026-09-02", "--db", ledger])
    assert res.exit_code == 2 and "复核人" in res.output


def test_sweep_twice_changes_nothing_the_second_time(ledger):
    first = run("case", "sweep", "--today", "2026-11-13", "--db", ledger)
    # both major cases (deadline 2026-11-12) go county -> city; the general one (30 days) gets listed at county
    assert first.count("旗县级挂牌督办 → 盟市级挂牌督办 通报") == 2 and "未挂牌 → 旗县级挂牌督办 通报" in first
    assert "处理 3 个" in first and "county" not in first  # level names, never ids, in Chinese mode
    second = run("case", "sweep", "--today", "2026-11-13", "--db", ledger)
    assert "处理 0 个" in second


def test_report_formats(ledger):
    rows = orjson.loads(run("report", "--to", "2026-12-31", "--format", "json", "--by", "region", "--db", ledger))
    total = rows[-1]
    assert [r["group"] for r in rows] == ["150300", "150600", "合计/total"]
    assert (total["found_major"], total["found_general"], total["inspections"]) == (2, 1, 2)
    assert total["major_per_1000_inspections"] == 1000.0 and total["self_check_share"] == pytest.approx(33.3)
    assert total["overdue"] == 3 and total["dynamic_clearance"] is False
    csv = run("report", "--to", "2026-12-31", "--format", "csv", "--db", ledger)
    assert csv.splitlines()[0].startswith("\ufeff分组,检查次数,未能得出结论的检查,一般隐患,重大隐患")  # Excel's Chinese headers
    keys = run("report", "--to", "2026-12-31", "--format", "csv", "--headers", "keys", "--db", ledger)
    assert keys.splitlines()[0].startswith("group,inspections,inspections_incomplete,found_general,found_major")
    assert "重大隐患整改率" in run("report", "--to", "2026-12-31", "--db", ledger)


def test_check_open_cases_on_a_fixture(tmp_path, sqlite_url):
    """GIVEN a real coal-mine fixture with major hazards WHEN check --open-cases THEN cases are in the ledger."""
    fixtures = sorted((ROOT / "fixtures" / "coal-mine").glob("*.yaml"))
    record = next((f for f in fixtures if not f.name.endswith(".expected.yaml") and
                   "major_hazard: true" in f.with_name(f.stem + ".expected.yaml").read_text(encoding="utf-8")), None)
    if record is None:
        pytest.skip("no coal-mine fixture with a major hazard yet")
    from hazardrules import Engine
    from hazardrules.loader import load_yaml

    data = load_yaml(record).data
    data.setdefault("enterprise", {})["credit_code"] = "91350100M000100Y43"  # a code that passes GB 32100
    data["enterprise"]["region_code"] = "150602"
    opened = open_cases([Engine(ROOT / "rulesets").evaluate(data)], sqlite_url, date(2026, 12, 1))
    assert opened and all(c["created"] for c in opened)
    listed = run("case", "list", "--format", "json", "--db", sqlite_url)
    assert len(orjson.loads(listed)) == len(opened)


def test_check_open_cases_flag(sqlite_url):
    """GIVEN fixtures with a major hazard and a valid credit code WHEN check --open-cases THEN cases appear."""
    from hazardrules.loader import load_yaml
    from hazardrules.supervision.identity import validate_credit_code

    picked = None
    for f in sorted((ROOT / "fixtures" / "coal-mine").glob("*.yaml")):
        expected = f.with_name(f.stem + ".expected.yaml")
        if f.name.endswith(".expected.yaml") or not expected.exists():
            continue
        if "major_hazard: true" not in expected.read_text(encoding="utf-8"):
            continue
        try:
            validate_credit_code(load_yaml(f).data["enterprise"]["credit_code"])
        except Exception:  # noqa: BLE001 - fixtures with invented codes are reported in docs/requests
            continue
        picked = f
        break
    if picked is None:
        pytest.skip("no coal-mine fixture with a major hazard and a valid credit code")
    res = CliRunner().invoke(main, ["--rules", str(ROOT / "rulesets"), "check", "--open-cases", "--db", sqlite_url, str(picked)])
    assert res.exit_code == 1, res.output  # 1 = a major hazard was found
    cases = orjson.loads(run("case", "list", "--format", "json", "--db", sqlite_url))
    assert cases and {c["record_id"] for c in cases} == {load_yaml(picked).data["record_id"]}
