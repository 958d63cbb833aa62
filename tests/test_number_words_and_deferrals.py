"""Two engine capabilities the power regulation (国家发展改革委令第41号) needs, tested in general and on it:

- a ruleset's own number-word convention (第三十五条: 以上、超过含本数，以下不含本数) decides which operator each
  rule's declared legal word means, and a comparison that disagrees is a load error at its file:line:col;
- deferral rules (第三条): a situation left to another ruleset's criteria is a pointer, never a finding, and the
  verdict is incomplete, in the library, the text and JSON output, and both batch engines.
"""

import re
from pathlib import Path

import orjson
import pytest
import yaml

from hazardrules import Engine, HazardRulesError, compile_ruleset
from hazardrules.cli import main
from hazardrules.expr import ast, interpret
from hazardrules.loader import load_yaml
from hazardrules.numberwords import GENERAL, operator_for, word_table

ROOT = Path(__file__).resolve().parent.parent
POWER = ROOT / "rulesets" / "power" / "2026.yaml"

HEAD = """ruleset: t
edition: "1"
title: 测试
source: {issuer: 测试, document: 测试第1号}
effective_from: 2026-01-01
version: "1"
"""


def _compile(tmp_path, text: str):
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return compile_ruleset(load_yaml(path))


def _codes(tmp_path, text: str) -> list[str]:
    with pytest.raises(HazardRulesError) as info:
        _compile(tmp_path, text)
    return [d.code for d in info.value.diagnostics]


# -- the convention table ---------------------------------------------------------------------------
def test_general_convention_follows_civil_code():
    """GIVEN no document convention THEN 以上/以下 include the number and 超过/不满 exclude it."""
    table = word_table(None)
    assert [operator_for(w, table) for w in ("以上", "超过", "以下", "不满", "达到", "以内")] == [">=", ">", "<=", "<", ">=", "<="]


def test_power_convention_overrides_three_words():
    """GIVEN 第三十五条 THEN 超过 becomes inclusive and 以下 exclusive; 达到 keeps its ordinary meaning."""
    table = compile_ruleset(load_yaml(POWER)).number_words
    assert operator_for("以上", table) == ">="
    assert operator_for("超过", table) == ">="
    assert operator_for("以下", table) == "<"
    assert operator_for("达到", table) == ">="
    assert operator_for("以上", table, negated=True) == "<"  # 未采用双重化以上配置 fires below 2
    assert GENERAL["超过"] == ("lower", False)  # the general table itself is untouched


# -- declared words checked against the compiled comparison -------------------------------------------
CONV = "conventions: {number_words: {超过: inclusive, 以下: exclusive}, cite: 第九条}\nfields: {a: {type: number, label: 甲}}\n"


def test_word_agreeing_with_the_document_convention_loads(tmp_path):
    rs = _compile(tmp_path, CONV + "rules:\n  - {id: r, cite: 第一条, title: 甲, when: a >= 450, "
                                   "words: [{field: a, word: 超过, value: 450}], examples: []}\n")
    assert rs.number_words_cite == "第九条"
    assert rs.evaluate_facts({"a": 450})[0] == 1  # exactly at the number: 超过 includes it here


def test_general_reading_in_a_redefining_document_is_an_error(tmp_path):
    """GIVEN 超过 defined inclusive WHEN the rule writes > THEN the load fails naming the operator to write."""
    path = tmp_path / "t.yaml"
    path.write_text(HEAD + CONV + "rules:\n  - id: r\n    cite: 第一条\n    title: 甲\n    when: a > 450\n"
                    "    words: [{field: a, word: 超过, value: 450}]\n", encoding="utf-8")
    with pytest.raises(HazardRulesError) as info:
        compile_ruleset(load_yaml(path))
    [d] = [d for d in info.value.diagnostics if d.code == "number_word_mismatch"]
    assert d.where.endswith("t.yaml:13:13")
    assert "'>='" in d.en and "“>=”" in d.zh


def test_undeclared_threshold_in_a_redefining_document_is_an_error(tmp_path):
    assert "number_word_undeclared" in _codes(tmp_path, CONV + "rules:\n  - {id: r, cite: 第一条, title: 甲, when: a < 9}\n")


def test_declaration_matching_no_comparison_is_an_error(tmp_path):
    assert "number_word_unmatched" in _codes(
        tmp_path, CONV + "rules:\n  - {id: r, cite: 第一条, title: 甲, when: a >= 9, words: [{field: a, word: 以下, value: 9}]}\n")


def test_unknown_word_on_a_rule_is_an_error(tmp_path):
    assert "unknown_number_word" in _codes(
        tmp_path, CONV + "rules:\n  - {id: r, cite: 第一条, title: 甲, when: a >= 9, words: [{field: a, word: 以上许, value: 9}]}\n")


def test_words_are_checked_under_the_general_convention_too(tmp_path):
    """GIVEN no convention WHEN a rule declares 超过 but writes >= THEN that is an error (超过 excludes)."""
    text = "fields: {a: {type: number, label: 甲}}\nrules:\n  - {id: r, cite: 第一条, title: 甲, when: a >= 2, " \
           "words: [{field: a, word: 超过, value: 2}]}\n"
    assert "number_word_mismatch" in _codes(tmp_path, text)


def test_prose_conventions_still_load(tmp_path):
    rs = _compile(tmp_path, "conventions: |\n  以上含本数。\nfields: {a: {type: number, label: 甲}}\n"
                            "rules:\n  - {id: r, cite: 第一条, title: 甲, when: a > 2}\n")
    assert rs.conventions.startswith("以上") and rs.number_words_cite is None


# -- every threshold of the power ruleset ------------------------------------------------------------
def _power_thresholds():
    rs = compile_ruleset(load_yaml(POWER))
    return rs, [(rule, w) for rule in rs.rules for w in rule.words]


def test_every_power_threshold_declares_its_word_and_has_an_example_exactly_at_it():
    """GIVEN each declared threshold of the power ruleset THEN an example puts the field exactly at the number,
    and at that value the compiled comparison is true iff the word includes the number under 第三十五条."""
    rs, thresholds = _power_thresholds()
    assert len(thresholds) >= 40
    for rule, w in thresholds:
        at = [ex for ex in rule.examples if _places_at(ex.facts, w.field, w.value)]
        assert at, f"{rule.id}: no example at {w.field} = {w.value}"
        direction, inclusive = rs.number_words[w.word]
        op = operator_for(w.word, rs.number_words, w.negated)
        holds = {">=": True, "<=": True, ">": False, "<": False}[op]
        assert holds == (inclusive != w.negated), (rule.id, w)
        for cond in (rule.applies, rule.when):
            for node in ast.walk(cond.root) if cond else ():
                if isinstance(node, ast.Compare) and isinstance(node.right, ast.Num) and node.right.value == w.value \
                        and isinstance(node.left, ast.Name) and node.left.name == w.field and node.op in (op, _flip(op)):
                    assert interpret_compare(node.op, w.value, w.value) == (node.op in (">=", "<="))


def _flip(op):
    return {">=": "<", "<": ">=", ">": "<=", "<=": ">"}[op]


def interpret_compare(op, a, b):
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


def _places_at(facts, field, value) -> bool:
    for k, v in facts.items():
        if k == field and v == value:
            return True
        if isinstance(v, list) and any(isinstance(i, dict) and i.get(field) == value for i in v):
            return True
    return False


@pytest.mark.parametrize("rule_id, facts, expected", [
    # 超过450 includes 450 (第三十五条); the general reading would have said passed
    ("power26.5.6", {"transformers": [{"id": "T", "current": "ac", "voltage_kv": 1000, "acetylene_ul_l": 0,
                                        "acetylene_weekly_increase_ul_l": 0, "hydrogen_ul_l": 450, "total_hydrocarbons_ul_l": 0}]}, "fired"),
    # 50米以下 excludes 50: a 50 m tower is judged by the 50米以上 limit (10‰), not the 15‰ one
    ("power26.5.9", {"towers": [{"id": "N", "current": "ac", "line_voltage_kv": 1000, "height_m": 50, "tilt_permille": 12}]}, "fired"),
    ("power26.5.9", {"towers": [{"id": "N", "current": "ac", "line_voltage_kv": 1000, "height_m": 49.99, "tilt_permille": 12}]}, "passed"),
    ("power26.5.7", {"foundations": [{"id": "F", "station_voltage_kv": 500, "foundation_kind": "steel_frame",
                                       "settlement_mm": 150, "tilt_ratio": 0}]}, "fired"),
])
def test_power_thresholds_follow_article_35(shipped_engine, rule_id, facts, expected):
    det = shipped_engine.evaluate({"ruleset": "power", "inspection_date": "2026-08-01",
                                   "facts": {"power_enterprise": True, **facts}})
    assert det.status_of(rule_id) == expected


def test_interpreter_agrees_at_the_hydrogen_threshold():
    rs = compile_ruleset(load_yaml(POWER))
    rule = rs.rule_by_id["power26.5.6"]
    facts = {"transformers": [{"id": "T", "current": "dc", "voltage_kv": 800, "acetylene_ul_l": 0,
                               "acetylene_weekly_increase_ul_l": 2, "hydrogen_ul_l": 0, "total_hydrocarbons_ul_l": 0}]}
    assert interpret(rule.when, facts, {}) is True


# -- deferrals ---------------------------------------------------------------------------------------
DEFERRED = ROOT / "fixtures" / "power" / "coal-plant-deferred-situations-2026.yaml"


def test_deferral_is_a_pointer_not_a_finding(shipped_engine):
    record = yaml.safe_load(DEFERRED.read_text(encoding="utf-8"))
    det = shipped_engine.evaluate(record)
    assert det.fired == [] and det.findings == [] and not det.major_hazard
    assert [(d["rule"], d["defer_to"], d["units"]) for d in det.deferred] == [
        ("power26.3.2", "fire", ["X1"]), ("power26.3.3", "special-equipment", ["X2"])]
    assert det.conclusion == "incomplete" and not det.complete
    out = det.to_dict("en")
    assert [d["defer_to"] for d in out["deferred"]] == ["fire", "special-equipment"]
    assert out["findings"] == [] and out["conclusion"] == "incomplete"


def test_deferral_changes_nothing_when_no_situation_of_another_sector(shipped_engine):
    record = yaml.safe_load(DEFERRED.read_text(encoding="utf-8"))
    record["facts"]["other_situations"] = [{"id": "X1", "domain": "power", "serious_breach": False,
                                            "severe_consequence_possible": False, "judged_major": False}]
    det = shipped_engine.evaluate(record)
    assert det.deferred == [] and det.conclusion == "no_major_hazard"


def test_rulesets_without_deferrals_keep_their_json(shipped_engine):
    det = shipped_engine.evaluate({"ruleset": "coal-mine", "inspection_date": "2026-08-01", "facts": {}})
    assert "deferred" not in det.to_dict()


def test_check_shows_the_pointer_in_text_and_json(runner):
    text = runner.invoke(main, ["check", str(DEFERRED)])
    assert text.exit_code == 3, text.output
    assert "转按其他标准判定" in text.output and "[→ fire] power26.3.2" in text.output
    assert "未发现重大事故隐患\n" not in text.output
    en = runner.invoke(main, ["check", "--lang", "en", "--format", "json", str(DEFERRED)])
    data = orjson.loads(en.output)
    assert [d["rule"] for d in data["deferred"]] == ["power26.3.2", "power26.3.3"]
    assert data["deferred"][0]["title"].startswith("Fire situations")


@pytest.mark.parametrize("engine", ["python", "columnar"])
def test_batch_rows_carry_deferrals_apart_from_fired(tmp_path, runner, engine):
    record = yaml.safe_load(DEFERRED.read_text(encoding="utf-8"))
    src = tmp_path / "in.jsonl"
    src.write_bytes(orjson.dumps(record, default=str) + b"\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(src), "-o", str(out), "--engine", engine, "--workers", "1"])
    assert result.exit_code in (0, 3), result.output
    [row] = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert row["fired"] == [] and row["deferred"] == ["power26.3.2", "power26.3.3"]
    assert row["conclusion"] == "incomplete"


def test_deferral_needs_a_target(tmp_path):
    codes = _codes(tmp_path, "fields: {a: {type: bool, label: 甲}}\nrules:\n"
                             "  - {id: r, kind: deferral, defer_to: Fire, cite: 第三条, title: 甲, when: a}\n")
    assert "bad_deferral" in codes


def test_unknown_history_dates_are_never_named_in_force():
    engine = Engine(ROOT / "rulesets")
    with pytest.raises(HazardRulesError) as info:
        engine.evaluate({"ruleset": "power", "inspection_date": "2024-05-01", "facts": {}})
    assert info.value.code == "edition_not_encoded"
    assert "123号" not in info.value.render("zh")


# -- bad power records: what, where, what is accepted ---------------------------------------------------
CLEAN = ROOT / "fixtures" / "power" / "coal-plant-clean-2026.yaml"


@pytest.mark.parametrize("mutate, code, where, hint", [
    (lambda f: f["generating_units"].append(dict(f["generating_units"][0])), "duplicate_unit", "generating_units[2].id", "1"),
    (lambda f: f["generating_units"][0].update(unit_kind="wind"), "bad_value", "generating_units[0].unit_kind", "pumped_storage"),
    (lambda f: f["generating_units"][0].update(capacity_mw=-660), "bad_value", "generating_units[0].capacity_mw", "-660"),
    (lambda f: f["towers"].append({"current": "ac", "line_voltage_kv": 1000}), "unit_without_id", "towers[0]", "id"),
    (lambda f: f.update(power_enterprize=True), "unknown_field", "power_enterprize", "power_enterprise"),
])
def test_bad_power_records_name_the_place_and_what_is_accepted(shipped_engine, mutate, code, where, hint):
    record = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    mutate(record["facts"])
    with pytest.raises(HazardRulesError) as info:
        shipped_engine.evaluate(record, where="记录 #7")
    text = info.value.render("zh")
    assert "记录 #7" in text and where in text and hint in text, text
    assert info.value.code == code, (info.value.code, text)


def test_determination_document_lists_deferrals_and_renders_counts(runner, tmp_path):
    """GIVEN the deferred-situations fixture WHEN a 判定书 is written as HTML THEN it lists both pointers with their
    target rulesets, and no count heading renders a Python object (``t.items`` was dict.items)."""
    out = tmp_path / "d.html"
    result = runner.invoke(main, ["check", str(DEFERRED), "--format", "html", "-o", str(out)])
    assert result.exit_code in (0, 3), result.output
    html = out.read_text(encoding="utf-8")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert "转按其他标准判定的情形" in html and "fire" in cells and "special-equipment" in cells
    assert "（2 项）" in html
    assert "built-in method" not in html
