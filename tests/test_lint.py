"""``hazardrules lint``: boundary examples proposed (and the proposal closes the gap once pasted), impossible
comparisons, unused fields, duplicates; text and JSON; exit 0 clean, 1 warnings, 2 broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from hazardrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests/data/rules"


def _lint(runner, rules, *args):
    return runner.invoke(main, ["--rules", str(rules), "lint", *args])


def _json(runner, rules, *args) -> dict:
    result = _lint(runner, rules, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return orjson.loads(result.output)


def test_boundary_proposals_close_the_gap(runner, tmp_path):
    """GIVEN mini.4.1 (output >= capacity × 1.1) with examples at and under the threshold only WHEN linted THEN the
    missing 'just over' example is proposed with the rule's outcome, and once pasted the gap is gone."""
    found = _json(runner, MINI, "mini")["findings"]
    gap = next(f for f in found if f["rule"] == "mini.4.1" and f["code"] == "boundary")
    assert "略高于阈值" in gap["zh"] and gap["severity"] == "warning"
    proposal = gap["proposal"]
    assert proposal.startswith("- {name: annual_output_t 1320000.1 (just over)") and proposal.endswith("expect: fired}")
    rules = tmp_path / "rules"
    shutil.copytree(MINI, rules)
    path = rules / "mini/2026.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("  - id: mini.4.1")
    last = max(i for i in range(start, start + 12) if lines[i].startswith("      - {"))
    lines.insert(last + 1, "      " + proposal)
    path.write_text("\n".join(lines), encoding="utf-8")
    assert runner.invoke(main, ["--rules", str(rules), "test"]).exit_code == 0  # the proposal is a passing example
    again = _json(runner, rules, "mini")["findings"]
    assert not [f for f in again if f["rule"] == "mini.4.1" and f["code"] == "boundary"]


def test_list_threshold_proposal_sets_one_unit(runner):
    found = _json(runner, MINI, "mini")["findings"]
    gap = next(f for f in found if f["rule"] == "mini.5.1" and f["code"] == "boundary")
    assert "gas_pct: 1.1" in gap["proposal"] and "expect: fired" in gap["proposal"]


def test_duplicates_unused_and_impossible(runner, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(MINI, rules)
    path = rules / "mini/2026.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  last_test_date: {type: date, label: 上次检测日期}",
                        "  last_test_date: {type: date, label: 上次检测日期}\n  spare_count: {type: integer, min: 0, label: 备用数量}")
    text += """  - id: mini.99.1
    cite: 第九十九条
    title: 不可能的比较
    when: any(faces, gas_pct > 100)
    examples:
      - {facts: {faces: [{id: A, gas_pct: 100}]}, expect: passed}
      - {facts: {faces: [{id: A, gas_pct: 100}]}, expect: passed}
      - {facts: {faces: [{id: A}]}, expect: undetermined}
"""
    path.write_text(text, encoding="utf-8")
    found = _json(runner, rules, "mini")["findings"]
    codes = {(f["code"], f["rule"]) for f in found}
    assert ("never_true", "mini.99.1") in codes and ("duplicate_example", "mini.99.1") in codes
    assert any(f["code"] == "unused_field" and "spare_count" in f["zh"] and f["severity"] == "warning" for f in found)
    assert ("duplicate_condition", "mini20.9.9") in codes  # the 2020 edition repeats mini20.5.1's condition


def test_exit_codes(runner, tmp_path):
    clean = _lint(runner, ROOT / "rulesets", "fire")
    assert clean.exit_code == 0 and "0 个警告" in clean.output
    assert _lint(runner, MINI, "mini").exit_code == 1
    broken = tmp_path / "rules"
    shutil.copytree(MINI, broken)
    (broken / "mini/2026.yaml").write_text("ruleset: mini\nedition: [\n", encoding="utf-8")
    result = _lint(runner, broken)
    assert result.exit_code == 2 and "YAML 语法错误" in result.output
    unknown = _lint(runner, MINI, "no-such")
    assert unknown.exit_code == 2 and "no-such" in unknown.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_output(runner, lang):
    result = runner.invoke(main, ["--rules", str(MINI), "--lang", lang, "lint", "mini"])
    assert result.exit_code == 1
    assert ("建议补充的示例" if lang == "zh" else "proposed examples") in result.output


def test_policies_are_linted(runner, tmp_path):
    """A policy example removed so that a listing rule is never exercised: lint names the rule (policies are
    authored like rulesets)."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rulesets", rules)
    assert _lint(runner, rules, "inner-mongolia").exit_code == 0
    path = rules / "policies/inner-mongolia.yaml"
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("\nexamples:")
    path.write_text(head + "\n", encoding="utf-8")
    result = _lint(runner, rules, "inner-mongolia")
    assert result.exit_code == 1 and "策略没有示例" in result.output
