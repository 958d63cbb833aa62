"""Ledger and policy commands never act on the wrong thing silently (issue 12 item 9), the default
jurisdiction is a user setting shown wherever it was used (issue 18 item 2), and check prints the
control tier of every record and the cases it opened (issue 12 item 8, issue 18 item 8)."""

import shutil
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from hazardrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
OVER = ROOT / "fixtures" / "coal-mine" / "over-capacity.yaml"  # region 150622, one major hazard


def run(*args, code=0, env=None, stdout=False):
    res = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert res.exit_code == code, res.output
    return res.stdout if stdout else res.output


@pytest.fixture
def rules(tmp_path):
    """An edited copy of the rules directory (policies, calendars, one ruleset)."""
    dst = tmp_path / "rules"
    for name in ("policies", "calendars", "coal-mine"):
        shutil.copytree(ROOT / "rulesets" / name, dst / name)
    return dst


def test_rules_dir_reaches_the_policies_in_that_dir(rules, tmp_path):
    im = rules / "policies" / "inner-mongolia.yaml"
    im.write_text(im.read_text(encoding="utf-8").replace("label: 旗县级挂牌督办", "label: 旗县级挂牌督办（修订）"),
                  encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    out = run("--rules", rules, "check", "--exit-zero", "--open-cases", "--db", db, "--today", "2026-09-10", OVER)
    assert "旗县级挂牌督办（修订）" in out
    # the shipped policies would not say that
    out2 = run("check", "--exit-zero", "--open-cases", "--db", f"sqlite:///{tmp_path / 'm.sqlite'}", OVER)
    assert "（修订）" not in out2 and "旗县级挂牌督办" in out2


def test_invalid_policy_is_an_error_not_skipped(rules, tmp_path):
    im = rules / "policies" / "inner-mongolia.yaml"
    im.write_text(im.read_text(encoding="utf-8").replace("when: sector == \"coal-mine\"", "when: sectr == \"coal-mine\""),
                  encoding="utf-8")
    db = tmp_path / "l.sqlite"
    res = CliRunner().invoke(main, ["--rules", str(rules), "check", "--open-cases", "--db", f"sqlite:///{db}", str(OVER)])
    assert res.exit_code == 2 and "inner-mongolia.yaml:" in res.output and "sectr" in res.output
    assert "Traceback" not in res.output and not db.exists()  # nothing created, nothing written
    res = CliRunner().invoke(main, ["--rules", str(rules), "test"])
    assert res.exit_code == 2 and "sectr" in res.output


@pytest.mark.parametrize("cmd", [("case", "sweep", "--today", "2026-12-31"), ("report", "--to", "2026-12-31"),
                                 ("case", "list"), ("case", "show", "1"),
                                 ("case", "rectify", "1", "--by", "x", "--date", "2026-09-01")])
def test_no_ledger_is_said_never_created(tmp_path, monkeypatch, cmd):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, list(cmd), env={"HAZARDRULES_DB": None})
    assert res.exit_code == 2 and "没有案件库" in res.output and "hazardrules.sqlite" in res.output
    assert "动态清零" not in res.output and not (tmp_path / "hazardrules.sqlite").exists()
    # an explicit --db path that does not exist is not created either
    res = CliRunner().invoke(main, list(cmd) + ["--db", str(tmp_path / "typo.sqlite")])
    assert res.exit_code == 2 and "typo.sqlite" in res.output and not (tmp_path / "typo.sqlite").exists()


def test_no_ledger_in_an_empty_postgres_database(pg_url):
    res = CliRunner().invoke(main, ["report", "--to", "2026-12-31", "--db", pg_url])
    assert res.exit_code == 2 and "没有案件库" in res.output
    from sqlalchemy import create_engine, inspect
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    assert inspect(engine).get_table_names() == []  # still empty
    engine.dispose()


def test_open_cases_creates_the_ledger_and_prints_each_case(tmp_path):
    db = tmp_path / "new.sqlite"
    out = run("check", "--exit-zero", "--open-cases", "--db", f"sqlite:///{db}", "--today", "2026-09-10", OVER)
    assert db.exists()
    assert "督办案件 #1" in out and "挂牌督办：旗县级挂牌督办" in out and "整改期限：2026-12-02" in out
    assert "辖区：内蒙古自治区（按行政区划代码 150622）" in out


def test_json_carries_control_tier_and_cases(tmp_path):
    db = f"sqlite:///{tmp_path / 'j.sqlite'}"
    body = orjson.loads(run("check", "--exit-zero", "--format", "json", "--open-cases", "--db", db, OVER, stdout=True))
    assert body["control_tier"]["id"] == "red" and body["control_tier"]["policy"] == "inner-mongolia"
    [case] = body["cases"]
    assert (case["case"], case["level"], case["deadline"]) == (1, "county", "2026-12-02")
    line = orjson.loads(run("check", "--exit-zero", "--format", "jsonl", OVER, stdout=True).splitlines()[0])
    assert line["control_tier"]["id"] == "red" and "cases" not in line


def _without_region(tmp_path) -> Path:
    text = OVER.read_text(encoding="utf-8").replace(", region_code: '150622'", "")
    p = tmp_path / "no-region.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_no_region_and_no_setting_is_undetermined_not_inner_mongolia(tmp_path):
    rec = _without_region(tmp_path)
    db = f"sqlite:///{tmp_path / 'n.sqlite'}"
    out = run("check", "--exit-zero", "--open-cases", "--db", db, "--today", "2026-09-10", rec,
              env={"HAZARDRULES_JURISDICTION": None})
    assert "管控等级：未确定" in out and "未设置默认辖区" in out
    assert "挂牌督办：未确定" in out and "整改期限：待定" in out and "内蒙古" not in out
    shown = run("case", "show", "1", "--db", db)
    assert "挂牌督办层级：未确定" in shown and "未设置默认辖区" in shown


def test_default_jurisdiction_setting_is_shown_where_used(tmp_path):
    rec = _without_region(tmp_path)
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    out = run("--jurisdiction", "inner-mongolia", "check", "--exit-zero", "--open-cases", "--db", db,
              "--today", "2026-09-10", rec)
    assert out.count("默认辖区设置 inner-mongolia") == 2  # the tier line and the case line
    assert "挂牌督办：旗县级挂牌督办" in out
    env_out = run("check", "--exit-zero", rec, env={"HAZARDRULES_JURISDICTION": "inner-mongolia"})
    assert "默认辖区设置 inner-mongolia" in env_out
    res = CliRunner().invoke(main, ["--jurisdiction", "atlantis", "check", str(rec)])
    assert res.exit_code == 2 and "没有编号为 atlantis 的监管策略" in res.output


def test_region_without_a_policy_gets_no_assumed_level(tmp_path):
    text = OVER.read_text(encoding="utf-8").replace("'150622'", "'430102'")  # 湖南省长沙市: no policy shipped
    rec = tmp_path / "hunan.yaml"
    rec.write_text(text, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'h.sqlite'}"
    out = run("check", "--exit-zero", "--open-cases", "--db", db, "--today", "2026-09-10", rec)
    assert "挂牌督办：未确定（全国（无本地规则的地区）没有已编码的挂牌督办层级规则" in out
    assert "管控等级：未确定" in out
    rows = orjson.loads(run("report", "--to", "2026-12-31", "--format", "json", "--db", db, stdout=True))
    assert rows[-1]["level_undetermined"] == 1 and rows[-1]["overdue"] == 0


def test_tier_printed_for_a_record_without_a_major_hazard():
    clean = ROOT / "fixtures" / "coal-mine" / "clean-underground-low-gas.yaml"
    res = CliRunner().invoke(main, ["check", str(clean)])
    assert res.exit_code == 0 and "管控等级：蓝（低风险）" in res.output
