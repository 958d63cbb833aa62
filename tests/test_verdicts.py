"""Verdicts an inspector can trust (issue 12) and partial editions (issue 14 §1), on a small demo ruleset.

The demo edition (tests/data/verdicts/demo/2026.yaml) is partial: clauses 5.3 and 5.4 are declared not
encoded. Its fields include two scope facts (unit_kind, excluded), an ``or`` that can decide early and
a counting rule, so every piece of the verdict can be exercised with a few facts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from hazardrules import Engine, HazardRulesError
from hazardrules.cli import main
from hazardrules.gaps import missing_facts, missing_scope, ranked_needs

DEMO = Path(__file__).parent / "data" / "verdicts"
RULES = ["--rules", str(DEMO)]
DECIDED = {"unit_kind": "plant", "excluded": False, "door_locked": False, "exits_count": 2, "exits_required": 2,
           "stock_t": 5, "alarm_missing": True}


@pytest.fixture(scope="module")
def demo():
    return Engine(DEMO)


def _rec(facts: dict) -> dict:
    return {"ruleset": "demo", "record_id": "D-1", "inspection_date": "2026-05-01", "facts": facts}


# -- partial editions ---------------------------------------------------------------------------------
def test_partial_edition_is_never_clean(demo):
    """GIVEN every encoded rule decided and none fired WHEN judged under a partial edition THEN incomplete."""
    det = demo.evaluate(_rec(DECIDED))
    assert det.undetermined_major == 0 and det.fired == []
    assert det.conclusion == "incomplete" and det.complete is False
    cov = det.to_dict()["coverage"]
    assert (cov["partial"], cov["clauses_encoded"], cov["clauses_total"]) == (True, 3, 5)
    assert [c["clause"] for c in cov["not_encoded"]] == ["5.3", "5.4"]
    assert cov["not_encoded"][0]["reason"] == "paraphrase_only"


def test_partial_edition_finding_is_a_major_hazard(demo):
    det = demo.evaluate(_rec({**DECIDED, "stock_t": 100.1}))
    assert det.conclusion == "major_hazard" and det.fired == ["demo.5.2"]


def test_complete_edition_coverage(shipped_engine):
    """A complete edition says so too: not partial, every clause it cites encoded."""
    rs = shipped_engine.ruleset("coal-mine", edition="2026")
    assert rs.partial is False and rs.coverage()["not_encoded"] == [] and rs.clauses_total == rs.clauses_encoded


def test_partial_edition_text_lists_clauses_not_encoded(runner, tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes(orjson.dumps(_rec(DECIDED)))
    r = runner.invoke(main, RULES + ["check", str(path)])
    assert r.exit_code == 3, r.output
    assert "结论：未能得出结论（本版本仅编码 5 条中的 3 条，其余 2 条未能判定" in r.output
    assert "5.3  特种作业人员持证情况（仅见转述，未见原文）" in r.output
    assert "5.4  外部安全防护距离（未见条文原文）" in r.output
    assert "未发现重大事故隐患" not in r.output
    r = runner.invoke(main, RULES + ["check", "--lang", "en", str(path)])
    assert "encodes 3 of 5 clauses" in r.output and "Special-operation workers' certificates" in r.output


def test_rulesets_and_explain_say_partial(runner):
    r = runner.invoke(main, RULES + ["rulesets"])
    assert "[部分编码：5 条中已编码 3 条]" in r.output
    r = runner.invoke(main, RULES + ["explain", "demo.5.1"])
    assert "部分编码（5 条中已编码 3 条；未编码：5.3、5.4）" in r.output
    assert "条文来源: example/question-bank data/bank.js@0000000（未与官方文本核对）" in r.output
    r = runner.invoke(main, RULES + ["--lang", "en", "rulesets"])
    assert "[partial: 3 of 5 clauses encoded]" in r.output


@pytest.mark.parametrize("engine", ["python", "columnar"])
def test_partial_edition_in_batch(runner, tmp_path, engine):
    """Both batch engines call a partial edition's clean record incomplete, a finding a major hazard."""
    if engine == "columnar":
        pytest.importorskip("polars")
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(orjson.dumps(_rec(DECIDED)) + b"\n" + orjson.dumps(_rec({**DECIDED, "stock_t": 200})) + b"\n")
    r = runner.invoke(main, RULES + ["batch", str(src), "-o", str(out), "--engine", engine, "--fail-on-hazard"])
    assert r.exit_code == 1, r.output
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [row["conclusion"] for row in rows] == ["incomplete", "major_hazard"]


def test_clause_both_encoded_and_not_encoded_is_an_error(tmp_path):
    (tmp_path / "demo").mkdir()
    text = (DEMO / "demo" / "2026.yaml").read_text(encoding="utf-8").replace('clause: "5.3"', 'clause: "5.1"')
    (tmp_path / "demo" / "2026.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(HazardRulesError) as info:
        Engine(tmp_path).editions("demo")
    assert "clause_encoded" in {d.code for d in info.value.diagnostics}
    assert "2026.yaml:" in info.value.render("zh")


def test_completing_an_edition_is_deleting_the_marks(tmp_path):
    """GIVEN the partial demo WHEN its not_encoded block is deleted THEN the same record is 未发现重大事故隐患."""
    shutil.copytree(DEMO, tmp_path / "rules")
    path = tmp_path / "rules" / "demo" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("not_encoded:"), text.index("fields:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert Engine(tmp_path / "rules").evaluate(_rec(DECIDED)).conclusion == "no_major_hazard"


# -- what is still needed ----------------------------------------------------------------------------
def test_decided_or_asks_for_nothing_more(demo):
    """GIVEN the exit is locked (the `or` holds) WHEN unit kind is unknown THEN only unit kind is asked, not the
    exit counts (alternatives of an `or` that already holds cannot change the outcome)."""
    rs = demo.editions("demo")[0]
    rule = rs.rule_by_id["demo.5.1"]
    facts = {"excluded": False, "door_locked": True}
    assert missing_facts(rule, facts, rs) == ["unit_kind"]
    facts = {"excluded": False, "door_locked": False}
    assert missing_facts(rule, facts, rs) == ["unit_kind", "exits_count", "exits_required"]


def test_counting_rule_asks_only_for_elements_that_can_move_the_count(demo):
    rs = demo.editions("demo")[0]
    rule = rs.rule_by_id["demo.7"]
    # one element present, one unknown, one unknown: both unknown elements could reach 2
    assert missing_facts(rule, {"excluded": False, "alarm_missing": True}, rs) == ["door_locked", "exits_count",
                                                                                  "exits_required"]
    # two already present: the count is decided, nothing is asked (the rule fired)
    assert missing_facts(rule, {"excluded": False, "alarm_missing": True, "door_locked": True}, rs) == []


def test_needs_ranked_each_fact_once(demo):
    det = demo.evaluate(_rec({}))
    needs = ranked_needs(det)
    names = [n for n, _ in needs]
    assert len(names) == len(set(names))
    assert needs[0] == ("excluded", 3)  # every rule waits for the exclusion: it ranks first
    assert dict(needs)["unit_kind"] == 1
    assert [c for _, c in needs] == sorted((c for _, c in needs), reverse=True)


def test_missing_scope_facts_with_blocked_counts(demo):
    det = demo.evaluate(_rec({"door_locked": True, "stock_t": 1, "alarm_missing": False}))
    assert missing_scope(det) == [("unit_kind", 1), ("excluded", 2)]  # 5.2 passed: stock 1 t decides it
