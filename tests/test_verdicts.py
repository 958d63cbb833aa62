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
    assert missing_scope(det) == [("excluded", 2), ("unit_kind", 1)]  # 5.2 passed: stock 1 t decides it


# -- scope facts and the checklist ---------------------------------------------------------------------
SECTORS = ["coal-mine", "construction", "fire", "fireworks", "hazardous-chemicals", "industry-trade", "metal-open-pit",
           "metal-underground", "tailings-pond", "urban-gas", "power"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sector", SECTORS)
def test_every_sector_has_the_three_conclusions(sector):
    """Fixtures cover 存在 / 未发现 / 未能得出结论 in every sector, with a blank checklist and a record whose only
    missing fact is a scope fact among the incomplete ones."""
    import yaml

    seen = {yaml.safe_load(p.read_text(encoding="utf-8")).get("conclusion")  # an "error" fixture has none
            for p in (ROOT / "fixtures" / sector).glob("*.expected.yaml")}
    assert {"major_hazard", "no_major_hazard", "incomplete"} <= seen
    for name in ("blank-checklist", "scope-fact-missing"):
        assert (ROOT / "fixtures" / sector / f"{name}.yaml").exists()


@pytest.mark.parametrize("blank", sorted((ROOT / "fixtures").glob("*/blank-checklist.yaml")), ids=lambda p: p.parent.name)
def test_shipped_blank_checklists_are_what_checklist_prints_today(blank, runner):
    """The blank forms we ship are the ``checklist`` output for their date (record id and schema line aside): a field
    added to a ruleset reaches them, so a blank checked as it is still asks for every fact."""
    import re

    text = blank.read_text(encoding="utf-8")
    assert re.search(r"^record_id: \S+", text, re.M), "a shipped blank names its record (BLANK-<sector>)"
    date = re.search(r"^inspection_date: (\S+)", text, re.M).group(1)
    sector = re.search(r"^ruleset: (\S+)", text, re.M).group(1)
    r = runner.invoke(main, ["checklist", sector, "--date", date])
    assert r.exit_code == 0, r.output
    strip = lambda t: [line for line in t.splitlines() if not line.startswith(("record_id:", "# yaml-language-server"))]
    assert strip(text) == strip(r.output), f"regenerate {blank.relative_to(ROOT)}: hazardrules checklist {sector} --date {date}"


@pytest.mark.parametrize("sector", SECTORS)
def test_every_shipped_edition_declares_scope_facts(sector, shipped_engine):
    for rs in shipped_engine.editions(sector):
        scoped = [f.name for f in rs.fields if f.scope] + [
            f"{f.name}.{s.name}" for f in rs.fields if f.item is not None for s in f.item if s.scope]
        assert scoped, f"{sector} {rs.edition} marks no scope fact"


def test_headline_names_missing_scope_fact_with_blocked_count(runner):
    r = runner.invoke(main, ["check", str(ROOT / "fixtures" / "coal-mine" / "scope-fact-missing.yaml")])
    assert r.exit_code == 3, r.output
    assert "未填写 煤矿类型（mine_type），7 项因此无法判定" in r.output
    # named once in the headline, not again under each rule
    assert r.output.count("煤矿类型（mine_type）") == 1
    r = runner.invoke(main, ["check", str(ROOT / "fixtures" / "coal-mine" / "blank-checklist.yaml")])
    assert r.exit_code == 3 and "未填写 煤矿类型（mine_type），142 项因此无法判定" in r.output
    r = runner.invoke(main, ["--lang", "en", "check", str(ROOT / "fixtures" / "coal-mine" / "scope-fact-missing.yaml")])
    assert "Mine type (mine_type) is not filled in: 7 rules cannot be decided without it" in r.output


def test_scope_fact_blocking_nothing_is_not_named(shipped_engine):
    """An open-pit coal mine leaves the gas class empty: it blocks no rule, so it is not named."""
    import yaml

    rec = yaml.safe_load((ROOT / "fixtures" / "coal-mine" / "open-pit-slope-and-stripping.yaml").read_text(encoding="utf-8"))
    det = shipped_engine.evaluate(rec)
    assert "mine_gas_class" not in rec["facts"] and "mine_gas_class" not in dict(missing_scope(det))


def test_checklist_puts_scope_facts_first_marked_required(runner):
    out = runner.invoke(main, ["checklist", "coal-mine", "--edition", "2026"]).output
    facts = out.split("facts:\n", 1)[1].splitlines()
    assert facts[0] == "  # —— 必填：决定哪些条款适用的事实（先填） ——"
    assert facts[1].startswith("  mine_type:") and "# 必填：煤矿类型" in facts[1]
    out = runner.invoke(main, ["checklist", "tailings-pond", "--edition", "2024"]).output
    unit = out.split("    - id:", 1)[1].splitlines()
    assert unit[1].startswith("      storage_type:") and "必填" in unit[1]


@pytest.mark.parametrize("args, day", [(["--edition", "2017"], "2025-10-31"), (["--date", "2019-05-06"], "2019-05-06")])
def test_checklist_date_lies_inside_the_edition(runner, tmp_path, args, day):
    """GIVEN a superseded edition WHEN its blank is printed THEN it is dated inside it and checks under it (exit 3)."""
    out = runner.invoke(main, ["checklist", "fire", *args])
    assert out.exit_code == 0, out.output
    assert f"inspection_date: {day}" in out.output
    path = tmp_path / "blank.yaml"
    path.write_text(out.output, encoding="utf-8")
    r = runner.invoke(main, ["check", "--format", "json", str(path)])
    assert r.exit_code == 3, r.output
    assert orjson.loads(r.stdout)["edition"] == "2017"


def test_checklist_of_unencoded_edition_suggests_edition(runner):
    r = runner.invoke(main, ["checklist", "fire"])
    assert r.exit_code == 2
    assert "GB 35181-2025" in r.output and "尚未编码" in r.output
    assert "hazardrules checklist fire --edition 2017" in r.output


# -- Chinese input and stdin --------------------------------------------------------------------------
MINI = Path(__file__).parent / "data" / "rules"


@pytest.mark.parametrize("text, fired", [("是", True), ("有", True), ("否", False), ("无", False)])
def test_yaml_and_json_accept_chinese_yes_no(mini_engine, text, fired):
    rec = {"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {"gas_class": "outburst", "no_outburst_measures": text}}
    assert ("mini.6.1" in mini_engine.evaluate(rec).fired) is fired


def test_enum_accepts_label_and_its_unique_leading_part(shipped_engine):
    base = {"ruleset": "coal-mine", "inspection_date": "2026-08-01", "facts": {}}
    for written in ("underground", "井工煤矿", "井工"):
        det = shipped_engine.evaluate({**base, "facts": {"mine_type": written}})
        assert det.facts["mine_type"] == "underground"
    with pytest.raises(HazardRulesError) as info:  # a part shared by two labels is refused, with the choices
        shipped_engine.evaluate({**base, "facts": {"rock_burst_grade": "冲击地压煤层"}})
    assert "weak（冲击地压煤层（弱冲击））" in info.value.render("zh")


def test_bad_yes_no_word_names_what_is_accepted(mini_engine):
    with pytest.raises(HazardRulesError) as info:
        mini_engine.evaluate({"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {"no_outburst_measures": "可能"}})
    assert "是/否、有/无" in info.value.render("zh") and "no_outburst_measures" in info.value.render("zh")


@pytest.mark.parametrize("payload", [
    "ruleset: mini\ninspection_date: 2026-08-01\nfacts: {gas_class: 突出, no_outburst_measures: 是}\n",
    '{"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {"gas_class": "突出", "no_outburst_measures": "有"}}',
    '{"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {}}\n'
    '{"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {"gas_class": "outburst", "no_outburst_measures": true}}\n',
])
def test_check_reads_stdin(runner, payload):
    r = runner.invoke(main, ["--rules", str(MINI), "check", "--format", "jsonl", "-"], input=payload)
    assert r.exit_code == 1, r.output
    rows = [orjson.loads(line) for line in r.stdout.splitlines()]
    assert [f["rule"] for f in rows[-1]["findings"]] == ["mini.6.1"]


def test_check_stdin_empty_and_bad(runner):
    r = runner.invoke(main, ["--rules", str(MINI), "check", "-"], input="")
    assert r.exit_code == 2 and "标准输入为空" in r.output
    r = runner.invoke(main, ["--rules", str(MINI), "check", "-"], input="ruleset: [mini\n")
    assert r.exit_code == 2 and "<stdin>:" in r.output and "Traceback" not in r.output


# -- what an inspector reads ---------------------------------------------------------------------------
def test_counting_rule_below_threshold_shows_what_was_counted(runner, shipped_engine):
    """GB 35181 综合判定: 1 element found where 4 are needed is listed, not hidden."""
    det = shipped_engine.evaluate(_fixture("fire", "hotel"))
    progress = {c["rule"]: c for c in det.to_dict()["counting"]}
    key = progress["fire17.comprehensive.key_premises"]
    assert key["counted"] == ["fire17.e.7.3.10"] and key["at_least"] == 4 and key["status"] == "passed"
    r = runner.invoke(main, ["check", str(ROOT / "fixtures" / "fire" / "hotel.yaml")])
    assert "综合判定要素 1 项，未达到 4 项（7.3.10 密集场所外窗被封堵遮挡）" in r.output


def test_whole_premises_exclusion_says_which_applied(runner, shipped_engine):
    det = shipped_engine.evaluate(_fixture("fire", "ktv-closed"))
    because = det.to_dict()["not_applicable_because"]
    assert because[0] == {"fact": "excluded_out_of_use", "value": True, "rules": len(det.not_applicable)}
    r = runner.invoke(main, ["check", str(ROOT / "fixtures" / "fire" / "ktv-closed.yaml")])
    assert "其中因 单位场所已停产停业或停用（excluded_out_of_use）为“是”而不适用：14 项" in r.output


def test_fire_says_major_fire_hazard(runner):
    r = runner.invoke(main, ["check", str(ROOT / "fixtures" / "fire" / "hotel.yaml")])
    assert "结论：存在重大火灾隐患（1 项）" in r.output and "重大事故隐患" not in r.output
    r = runner.invoke(main, ["check", str(ROOT / "fixtures" / "fire" / "ktv-closed.yaml")])
    assert "结论：未发现重大火灾隐患" in r.output
    r = runner.invoke(main, ["--lang", "en", "check", str(ROOT / "fixtures" / "fire" / "hotel.yaml")])
    assert "MAJOR FIRE HAZARD found" in r.output
    r = runner.invoke(main, ["check", str(ROOT / "fixtures" / "coal-mine" / "over-capacity.yaml")])
    assert "结论：存在重大事故隐患" in r.output


def test_explanation_says_exclusions_once_not_stacked(shipped_engine):
    f = next(f for f in shipped_engine.evaluate(_fixture("fire", "hotel")).findings if f.rule == "fire17.6.6")
    assert "并非" not in f.explanation
    assert "以下情形均不存在：已依法经消防设计专家评审并落实措施、单位场所已停产停业或停用" in f.explanation
    assert "none of: " in f.explanation_en


def test_thousands_separators():
    from hazardrules.explain import fmt_number

    assert [fmt_number(v) for v in (1330000, 1320000.0, 10000, 9999, 2026, 12345.5, 0.1 + 0.2)] == [
        "1,330,000", "1,320,000", "10,000", "9999", "2026", "12,345.5", "0.3"]


def test_explain_in_chinese_has_no_english_outcomes_or_notes(runner):
    r = runner.invoke(main, ["explain", "coal26.4.1"])
    examples = r.output.split("示例：", 1)[1]
    for word in ("fired", "passed", "undetermined", "not_applicable"):
        assert word not in examples
    assert "成立" in examples and "无法判定" in examples
    r = runner.invoke(main, ["explain", "fire17.comprehensive.crowded"])
    assert "Listed elements" not in r.output and "用 --lang en 查看" in r.output
    r = runner.invoke(main, ["--lang", "en", "explain", "fire17.comprehensive.crowded"])
    assert "Listed elements" in r.output and "fired" in r.output


def _fixture(sector: str, name: str) -> dict:
    import yaml

    return yaml.safe_load((ROOT / "fixtures" / sector / f"{name}.yaml").read_text(encoding="utf-8"))


def test_stated_compliance_decides_when_numbers_are_absent_and_says_so(shipped_engine):
    """Tailings 三（八）: a freeboard measured below design and a beach length only stated below design fire,
    and the explanation shows which was used: the numbers for one, the inspector's stated judgement for the other."""
    pond = {"id": "A", "storage_type": "wet", "freeboard_m": 0.9, "design_freeboard_m": 1, "beach_below_design_stated": True}
    det = shipped_engine.evaluate({"ruleset": "tailings-pond", "inspection_date": "2025-05-01", "facts": {"ponds": [pond]}})
    f = next(f for f in det.findings if f.rule == "mtp.8.2")
    assert "防洪高度（安全超高） 0.9 m < 设计防洪高度 1 m" in f.explanation
    assert "干滩长度：未记录" in f.explanation and "干滩长度小于设计（检查结论" in f.explanation
    # measured numbers win over a stated judgement
    pond = {**pond, "freeboard_m": 1.2, "freeboard_below_design_stated": True}
    det = shipped_engine.evaluate({"ruleset": "tailings-pond", "inspection_date": "2025-05-01", "facts": {"ponds": [pond]}})
    assert det.status_of("mtp.8.2") == "passed"


def test_a_missing_measurement_is_asked_for_beside_its_stated_judgement(shipped_engine):
    """需补充 names both ways to decide a design comparison: the measured value (known()/missing() of an absent
    fact could change once it is recorded) and the stated judgement that stands in for it."""
    from hazardrules.results import missing_facts

    rs = shipped_engine.ruleset("tailings-pond", edition="2024")
    pond = {"id": "A", "storage_type": "wet", "freeboard_m": 0.8, "design_freeboard_m": 1, "design_beach_length_m": 100}
    assert missing_facts(rs.rule_by_id["mtp.8.2"], {"ponds": [pond]}, rs) == [
        "ponds[A].beach_length_m", "ponds[A].beach_below_design_stated"]
    # a decided half asks for nothing: the freeboard is measured below design
    assert not any("freeboard" in m for m in missing_facts(rs.rule_by_id["mtp.8.2"], {"ponds": [pond]}, rs))


def test_an_element_examples_missing_facts_are_checked_like_a_rules(tmp_path):
    """A counting element's example that claims a missing fact the engine does not report fails ``test``
    (element examples used to pass whatever their ``missing:`` said)."""
    import shutil

    from hazardrules.examples import run_examples

    shutil.copytree(DEMO, tmp_path / "rules")
    path = tmp_path / "rules" / "demo" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    good = "{facts: {door_locked: true}, expect: fired}, {facts: {door_locked: false}, expect: passed}, {facts: {}, expect: undetermined}"
    assert good in text
    path.write_text(text.replace(good, good[:-1] + ", missing: [exits_count]}"), encoding="utf-8")
    rs = Engine(tmp_path / "rules").ruleset("demo", edition="2026")
    bad = [r for r in run_examples(rs) if not r.ok]
    assert [(r.rule, r.detail) for r in bad] == [("demo.e.2", "missing ['exits_count'] not reported (engine reports ['door_locked'])")]

@pytest.mark.parametrize("date", ["2023-05-01", "2025-05-01"])
def test_stated_dry_stack_and_dam_height_judgements_decide_when_numbers_are_absent(shipped_engine, date):
    """Tailings 三（十四）3 and 三（四）, both editions: a bench height only stated over design fires the dry-stack rule
    and a dam height only stated over design fires 三（四); the explanation names the stated judgement; numbers win."""
    def evaluate(pond):
        return shipped_engine.evaluate({"ruleset": "tailings-pond", "inspection_date": date, "facts": {"ponds": [pond]}})

    pond = {"id": "B", "storage_type": "dry", "layer_thickness_m": 0.4, "design_layer_thickness_m": 0.5, "bench_over_design_stated": True}
    f = next(f for f in evaluate(pond).findings if f.rule == "mtp.14.3")
    assert "实测台阶高度（最大）：未记录" in f.explanation and "台阶高度大于设计（干式库）（检查结论" in f.explanation
    pond = {**pond, "bench_height_m": 9, "design_bench_height_m": 10}
    assert evaluate(pond).status_of("mtp.14.3") == "passed"  # measured numbers win over a stated judgement

    pond = {"id": "A", "dam_height_over_design_stated": True, "stored_volume_m3": 5000000, "design_total_capacity_m3": 8000000}
    f = next(f for f in evaluate(pond).findings if f.rule == "mtp.4")
    assert "坝体现状高度超过设计总坝高（检查结论" in f.explanation
    pond = {**pond, "dam_height_m": 59, "design_total_dam_height_m": 60}
    assert evaluate(pond).status_of("mtp.4") == "passed"


@pytest.mark.parametrize("date", ["2023-05-01", "2025-05-01"])
def test_stated_open_pit_slope_judgements_decide_when_numbers_are_absent(shipped_engine, date):
    """Open pit 二（四）, both editions: a final-slope bench only stated higher than design fires, the explanation
    shows the stated judgement beside the measured working-slope angle, and numbers win over a stated judgement."""
    def evaluate(facts):
        return shipped_engine.evaluate({"ruleset": "metal-open-pit", "inspection_date": date, "facts": facts})

    facts = {"working_slope_angle_deg": 38, "design_working_slope_angle_deg": 40, "working_slope_over_design_stated": True,
             "has_final_slope": True, "final_bench_over_design_stated": True}
    det = evaluate(facts)
    f = next(f for f in det.findings if f.rule == "mop.4")
    assert "最终边坡台阶高度大于设计（检查结论" in f.explanation
    assert "工作帮坡角大于设计（检查结论" not in f.explanation  # the angle was measured: its stated judgement is not used
    facts = {**facts, "final_bench_height_m": 29, "design_final_bench_height_m": 30}
    assert evaluate(facts).status_of("mop.4") == "passed"
    det = evaluate({"has_final_slope": False, "design_working_slope_angle_deg": 40})
    assert det.status_of("mop.4") == "undetermined"
    assert next(u for u in det.undetermined if u["rule"] == "mop.4")["missing"] == ["working_slope_angle_deg",
                                                                                       "working_slope_over_design_stated"]

def test_fireworks_stated_over_approved_decides_per_building_and_numbers_win(shipped_engine):
    """Fireworks 第四项/第五项: a building whose headcount was not obtained fires on the inspector's stated
    conclusion, and the explanation says so; a building with both numbers recorded is judged by the numbers."""
    b = {"id": "A-12", "approved_workers_people": 4, "workers_over_approved_stated": True,
         "composition_present_kg": 9, "approved_composition_kg": 10, "composition_over_approved_stated": True}
    rec = {"ruleset": "fireworks", "inspection_date": "2024-05-01", "facts": {"unit_type": "producer", "buildings": [b]}}
    det = shipped_engine.evaluate(rec)
    f = next(f for f in det.findings if f.rule == "fw17.4")
    assert "作业人数超过核定人数（检查结论" in f.explanation
    assert det.status_of("fw17.5") == "passed"  # 9 kg against 10 kg: numbers win over "stated over"
    b2 = {**b, "workers_present_people": 4}
    det = shipped_engine.evaluate({**rec, "facts": {"unit_type": "producer", "buildings": [b2]}})
    assert det.status_of("fw17.4") == "passed"


def test_fire_exits_stated_shortfall_locked_exit_and_separation_fields(shipped_engine):
    """GB 35181-2017 6.5: the stated conclusion decides only with a number missing, a recorded shortfall fires
    anyway, complete numbers win; 7.3.3: a locked exit counts on its own; 7.1.2: a percentage is judged against
    its own field's limit."""
    base = {"excluded_expert_reviewed": False, "excluded_out_of_use": False, "excluded_minor_consequence": False,
            "is_entertainment_shop_or_underground_crowded": True}
    ev = lambda facts: shipped_engine.evaluate({"ruleset": "fire", "inspection_date": "2024-05-01",
                                                "facts": {**base, **facts}})
    det = ev({"exits_count": 2, "exits_required": 2, "exits_insufficient_stated": True})
    f = next(f for f in det.findings if f.rule == "fire17.6.5")
    assert "安全出口数量或总净宽不足（检查结论" in f.explanation
    assert ev({"exits_count": 1, "exits_required": 2, "exits_insufficient_stated": False}).status_of("fire17.6.5") == "fired"
    assert ev({"exits_count": 2, "exits_required": 2, "exit_width_pct": 80,
               "exits_insufficient_stated": True}).status_of("fire17.6.5") == "passed"
    # 7.3.3 through the locked-exit fact alone counts towards 5.3.3 a)
    crowded = {"premises_kind": "crowded", "excluded_expert_reviewed": False, "excluded_out_of_use": False,
               "excluded_minor_consequence": False, "refuge_facility_noncompliant": True,
               "escape_route_bars_or_shutters": True, "exits_insufficient_or_sealed": False, "exit_locked_or_sealed": True}
    det = shipped_engine.evaluate({"ruleset": "fire", "inspection_date": "2024-05-01", "facts": crowded})
    f = next(f for f in det.findings if f.rule == "fire17.comprehensive.crowded")
    assert "fire17.e.7.3.3" in f.counted
    # 7.1.2: each distance has its own field and limit: 90 % is short for the open-flame distance, not between buildings
    from hazardrules.examples import reference_status

    rs = shipped_engine.ruleset("fire", edition="2017")
    e712 = next(e for e in rs.elements if e.id == "fire17.e.7.1.2")
    sep = {"building_separation_occupied": False}
    assert reference_status(rs, e712, {**sep, "building_separation_pct": 100, "open_flame_separation_pct": 90}) == "fired"
    assert reference_status(rs, e712, {**sep, "building_separation_pct": 90, "open_flame_separation_pct": 100}) == "passed"
    # a record from before the open-flame percentage existed is judged as before
    assert reference_status(rs, e712, {**sep, "building_separation_pct": 90, "open_flame_separation_short": False}) == "passed"

def _gas_user_check(**facts) -> dict:
    uc = {"id": "A", "found_in_operator_check": True, "prescribed_action_not_taken": True,
          "in_closed_underground_space": True, **facts}
    return {"ruleset": "urban-gas", "inspection_date": "2025-05-01",
            "facts": {"subject_kind": "gas_operator", "user_checks": [uc]}}


def _missing_of(det, rule: str) -> list[str]:
    return next(u["missing"] for u in det.undetermined if u["rule"] == rule)


def test_gas_kind_decides_heavier_than_air_when_the_density_is_absent(shipped_engine):
    """Urban gas 第九条（一）: without a recorded relative density the kind of gas decides through the ruleset's
    table (LPG heavier, natural gas lighter than air), the explanation names the table value used, a recorded
    number wins over the kind, and 'other' without a number asks for the number."""
    det = shipped_engine.evaluate(_gas_user_check(gas_kind="lpg"))
    f = next(f for f in det.findings if f.rule == "gas23.9.1")
    assert "按燃气种类取的相对密度" in f.explanation and "（液化石油气）1.5 ≥ 0.75" in f.explanation
    assert shipped_engine.evaluate(_gas_user_check(gas_kind="natural_gas")).status_of("gas23.9.1") == "passed"
    # the recorded number wins over the kind, both ways, and 0.75 itself counts (大于等于)
    assert shipped_engine.evaluate(_gas_user_check(gas_kind="lpg", gas_relative_density=0.74)).status_of("gas23.9.1") == "passed"
    det = shipped_engine.evaluate(_gas_user_check(gas_kind="natural_gas", gas_relative_density=0.75))
    f = next(f for f in det.findings if f.rule == "gas23.9.1")
    assert "0.75 ≥ 0.75" in f.explanation and "按燃气种类" not in f.explanation
    # 'other' never decides by itself: the number is asked, never a silent pass
    det = shipped_engine.evaluate(_gas_user_check(gas_kind="other"))
    assert det.status_of("gas23.9.1") == "undetermined"
    assert _missing_of(det, "gas23.9.1") == ["user_checks[A].gas_relative_density"]
    det = shipped_engine.evaluate(_gas_user_check())
    assert _missing_of(det, "gas23.9.1") == ["user_checks[A].gas_relative_density", "user_checks[A].gas_kind"]


def _aluminium(**facts) -> dict:
    return {"ruleset": "industry-trade", "inspection_date": "2025-05-27", "facts": {"industry": "nonferrous", **facts}}


def test_deep_well_casting_is_its_own_fact_and_old_records_decide_as_before(shipped_engine):
    """Industry-trade 第五条（六）–（十）: has_deep_well_casting makes the deep-well rules apply whatever the casting
    furnace, and the explanation names it; records that encoded deep-well casting in the furnace kind decide as
    before (fixed → applies, none → not applicable); with neither fact recorded the new fact is asked."""
    det = shipped_engine.evaluate(_aluminium(has_deep_well_casting=True, hoist_rope_not_steel_core=True))
    f = next(f for f in det.findings if f.rule == "trade23.5.10")
    assert "有铝加工深井铸造工艺" in f.explanation and "深井铸造机卷扬用非钢芯钢丝绳" in f.explanation
    # the furnace type is asked only by the rules that depend on it
    assert det.status_of("trade23.5.8") == "undetermined"
    assert "deepwell_casting_furnace_kind" in _missing_of(det, "trade23.5.8")
    assert shipped_engine.evaluate(_aluminium(has_deep_well_casting=False, hoist_rope_not_steel_core=True)).status_of("trade23.5.10") == "not_applicable"
    # old records: the furnace kind alone still decides, the same way as before the new fact
    old = shipped_engine.evaluate(_aluminium(deepwell_casting_furnace_kind="fixed", fixed_launder_emergency_valve_missing=True,
                                             hoist_rope_not_steel_core=True))
    assert old.status_of("trade23.5.10") == "fired" and old.status_of("trade23.5.8") == "fired"
    assert old.status_of("trade23.5.9") == "not_applicable"
    old = shipped_engine.evaluate(_aluminium(deepwell_casting_furnace_kind="none", hoist_rope_not_steel_core=True))
    assert {old.status_of(r) for r in ("trade23.5.6", "trade23.5.7", "trade23.5.8", "trade23.5.9", "trade23.5.10")} == {"not_applicable"}
    # neither recorded: never a silent 'not applicable' — the new fact is asked
    det = shipped_engine.evaluate(_aluminium(hoist_rope_not_steel_core=True))
    assert det.status_of("trade23.5.10") == "undetermined"
    assert _missing_of(det, "trade23.5.10") == ["has_deep_well_casting", "deepwell_casting_furnace_kind"]  # the old encoding decides too
