"""The CLI, in process: exit codes, tables, JSON, errors without tracebacks."""

import orjson

from hazardrules.cli import main

from pathlib import Path

MINI_RULES = Path(__file__).parent / "data" / "rules"

RULES = ["--rules", str(MINI_RULES)]


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


REC_MAJOR = """ruleset: mini
record_id: KM-1
inspection_date: 2026-08-01
facts: {annual_output_t: 1330000, approved_capacity_t: 1200000}
"""
REC_CLEAN = REC_MAJOR.replace("1330000", "1000000")  # only the capacity rule is decided: incomplete
REC_DECIDED = """ruleset: mini
record_id: KM-2
inspection_date: 2026-08-01
facts:
  annual_output_t: 1000000
  approved_capacity_t: 1200000
  gas_class: low
  pond_grade: "1"
  freeboard_m: 1.5
  last_test_date: 2026-01-10
  faces: [{id: W1, gas_pct: 0.4}]
"""


def test_check_major_exit_1_table(runner, tmp_path):
    r = runner.invoke(main, RULES + ["check", _write(tmp_path, "r.yaml", REC_MAJOR)])
    assert r.exit_code == 1, r.output
    assert "结论：存在重大事故隐患（1 项）" in r.output
    assert "mini.4.1" in r.output and "1,320,000 t" in r.output


def test_check_clean_exit_0(runner, tmp_path):
    """GIVEN a record on which every rule is decided and none fires THEN 未发现重大事故隐患, exit 0."""
    r = runner.invoke(main, RULES + ["check", _write(tmp_path, "r.yaml", REC_DECIDED)])
    assert r.exit_code == 0, r.output
    assert "结论：未发现重大事故隐患" in r.output
    assert "无法判定" not in r.output


def test_check_incomplete_exit_3(runner, tmp_path):
    """GIVEN a record where nothing fires but rules lack facts THEN 未能得出结论, exit 3, never "no hazard"."""
    r = runner.invoke(main, RULES + ["check", _write(tmp_path, "r.yaml", REC_CLEAN)])
    assert r.exit_code == 3, r.output
    assert "结论：未能得出结论（4 项重大事故隐患条款无法判定" in r.output
    assert "未发现重大事故隐患" not in r.output
    assert "最需补充的事实" in r.output and "瓦斯等级（gas_class）" in r.output
    assert "无法判定（缺少事实）" in r.output
    r = runner.invoke(main, RULES + ["check", "--exit-zero", _write(tmp_path, "r.yaml", REC_CLEAN)])
    assert r.exit_code == 0
    r = runner.invoke(main, RULES + ["check", "--lang", "en", _write(tmp_path, "r.yaml", REC_CLEAN)])
    assert "Verdict: incomplete" in r.output and "4 rules on major accident hazards undetermined" in r.output


def test_check_many_records_exit_is_the_worst(runner, tmp_path):
    """GIVEN one decided-clean and one incomplete record THEN exit 3; add a major hazard THEN exit 1."""
    clean, open_ = _write(tmp_path, "a.yaml", REC_DECIDED), _write(tmp_path, "b.yaml", REC_CLEAN)
    assert runner.invoke(main, RULES + ["check", clean, open_]).exit_code == 3
    assert runner.invoke(main, RULES + ["check", clean, open_, _write(tmp_path, "c.yaml", REC_MAJOR)]).exit_code == 1


def test_json_carries_the_conclusion(runner, tmp_path):
    for text, conclusion, complete in ((REC_MAJOR, "major_hazard", False), (REC_CLEAN, "incomplete", False),
                                       (REC_DECIDED, "no_major_hazard", True)):
        r = runner.invoke(main, RULES + ["check", "--format", "json", _write(tmp_path, "r.yaml", text)])
        out = orjson.loads(r.stdout)
        assert (out["conclusion"], out["complete"]) == (conclusion, complete), text


def test_check_english(runner, tmp_path):
    r = runner.invoke(main, RULES + ["check", "--lang", "en", _write(tmp_path, "r.yaml", REC_MAJOR)])
    assert "MAJOR ACCIDENT HAZARD" in r.output


def test_check_json_and_jsonl(runner, tmp_path):
    path = _write(tmp_path, "r.json", orjson.dumps([{"ruleset": "mini", "inspection_date": "2026-08-01",
                                                      "facts": {"annual_output_t": 5}}] * 2).decode())
    r = runner.invoke(main, RULES + ["check", "--format", "json", path])
    assert r.exit_code == 3  # only the capacity rule is decided
    assert [d["conclusion"] for d in orjson.loads(r.stdout)] == ["incomplete", "incomplete"]
    r = runner.invoke(main, RULES + ["check", "--format", "jsonl", path])
    assert [orjson.loads(line)["ruleset"] for line in r.output.splitlines()] == ["mini", "mini"]


def test_bad_input_exit_2_no_traceback(runner, tmp_path):
    path = _write(tmp_path, "r.yaml", REC_MAJOR.replace("1330000", "-3"))
    r = runner.invoke(main, RULES + ["check", path])
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert "annual_output_t" in r.output


def test_malformed_json_names_line(runner, tmp_path):
    path = _write(tmp_path, "r.jsonl", '{"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {}}\n{"ruleset": \n')
    r = runner.invoke(main, RULES + ["check", "--format", "jsonl", path])
    assert r.exit_code == 2
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and orjson.loads(lines[1])["error"] == "json_syntax"
    assert "r.jsonl:2" in r.output


def test_unknown_ruleset_exit_2(runner, tmp_path):
    r = runner.invoke(main, RULES + ["check", _write(tmp_path, "r.yaml", REC_MAJOR.replace("ruleset: mini", "ruleset: nope"))])
    assert r.exit_code == 2 and "nope" in r.output


def test_rulesets_validate_test_explain_checklist(runner):
    r = runner.invoke(main, RULES + ["rulesets"])
    assert r.exit_code == 0 and "mini" in r.output and "测试令第1号" in r.output
    r = runner.invoke(main, RULES + ["validate"])
    assert r.exit_code == 0 and "2 个版本有效" in r.output
    r = runner.invoke(main, RULES + ["test"])
    assert r.exit_code == 0 and "0 failed" in r.output
    r = runner.invoke(main, RULES + ["explain", "mini.4.1", "--show-python"])
    assert r.exit_code == 0 and "def _evaluate" in r.output and "annual_output_t" in r.output
    r = runner.invoke(main, RULES + ["checklist", "mini"])
    assert r.exit_code == 0 and "gas_class:" in r.output and "low=低瓦斯" in r.output


def test_checklist_round_trips_through_check(runner, tmp_path):
    """GIVEN a blank checklist WHEN checked as it is THEN it is valid input and every rule is undetermined."""
    blank = runner.invoke(main, RULES + ["checklist", "mini"]).output
    r = runner.invoke(main, RULES + ["check", "--format", "json", _write(tmp_path, "blank.yaml", blank)])
    assert r.exit_code == 3, r.output  # a blank record is incomplete, never clean
    out = orjson.loads(r.stdout)
    assert len(out["undetermined"]) == 5 and out["conclusion"] == "incomplete"


def test_checklist_set_prunes_sections(runner):
    r = runner.invoke(main, RULES + ["checklist", "mini", "--set", "gas_class=low"])
    assert "no_outburst_measures" not in r.output
    r = runner.invoke(main, RULES + ["checklist", "mini", "--set", "gas_class=bogus"])
    assert r.exit_code == 2


def test_test_command_reports_failure(runner, tmp_path):
    src = (MINI_RULES / "mini" / "2026.yaml").read_text(encoding="utf-8")
    (tmp_path / "mini").mkdir()
    (tmp_path / "mini" / "2026.yaml").write_text(src.replace("approved_capacity_t * 1.1", "approved_capacity_t * 1.2"),
                                                 encoding="utf-8")
    r = runner.invoke(main, ["test", str(tmp_path)])
    assert r.exit_code == 1
    assert "FAIL" in r.output and "2026.yaml:" in r.output and "1 failed" in r.output


def test_invalid_ruleset_exit_2(runner, tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "1.yaml").write_text("ruleset: bad\nedition: '1'\n", encoding="utf-8")
    r = runner.invoke(main, ["validate", str(tmp_path)])
    assert r.exit_code == 2 and "1.yaml:" in r.output


def test_diff_between_editions(runner):
    """GIVEN two editions linked by supersedes WHEN diffed THEN added, removed and changed rules are listed."""
    r = runner.invoke(main, RULES + ["diff", "mini", "2020", "2026"])
    assert r.exit_code == 0, r.output
    assert "+ mini.6.1" in r.output          # new in 2026
    assert "- mini20.9.9" in r.output        # dropped
    assert "mini20.5.1 → mini.5.1" in r.output and "判定条件" in r.output   # same clause, new condition
    assert "未变 1 条" in r.output             # 4.1 carried over unchanged


def test_edition_switch_by_date(runner, tmp_path):
    old = REC_MAJOR.replace("2026-08-01", "2025-03-01")
    r = runner.invoke(main, RULES + ["check", "--format", "json", _write(tmp_path, "old.yaml", old)])
    assert r.exit_code == 1
    out = orjson.loads(r.stdout)
    assert out["edition"] == "2020" and out["document"] == "测试令第0号"
    assert [f["rule"] for f in out["findings"]] == ["mini20.4.1"]


def test_many_undetermined_grouped_unless_verbose(runner, tmp_path):
    """GIVEN a sparse record on a large ruleset WHEN checked THEN undetermined rules are summarised per group."""
    path = _write(tmp_path, "sparse.yaml", "ruleset: coal-mine\ninspection_date: 2026-09-01\nfacts: {mine_type: underground}\n")
    r = runner.invoke(main, ["check", path])
    assert r.exit_code == 3, r.output
    assert "2 瓦斯超限作业：" in r.output and "--verbose" in r.output
    r = runner.invoke(main, ["check", "--verbose", path])
    assert "coal26.5.2" in r.output and "需补充" in r.output
