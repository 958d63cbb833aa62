"""One broken file never hides the others: ``validate`` lists every edition (✓) and every broken file or edition
(✗ with its count of errors, then each error with its place), in Chinese first; ``test``, ``rulesets`` and
``explain`` go on with the readable rulesets and name the broken ones; exit 2 whenever something is broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hazardrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
BROKEN = {  # folder -> (file text, what validate must say, in Chinese)
    "syntax": ('ruleset: syntax\nedition: "2020"\ntitle: [unclosed\n', "syntax/2020.yaml:4:1: YAML 语法错误：方括号列表"),
    "tab": ('ruleset: tab\nedition: "2020"\n\ttitle: x\n', "tab/2020.yaml:3:1: YAML 语法错误：出现了不能开始一个值的字符：常见原因是用了制表符"),
    "dupkey": (None, "重复的键 “ruleset”"),
    "baddate": (None, "“effective_from”：应为日期 YYYY-MM-DD"),
    "orphan": ('part_of: {ruleset: nowhere, edition: "1"}\nrules: []\n', "part_of 指向的规则集版本"),
}


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(ROOT / "rulesets/fireworks", root / "fireworks")
    gas = (ROOT / "rulesets/urban-gas/2023.yaml").read_text(encoding="utf-8")
    texts = dict((k, v[0]) for k, v in BROKEN.items())
    texts["dupkey"] = gas.replace("ruleset: urban-gas", "ruleset: dupkey\nruleset: dupkey", 1)
    texts["baddate"] = gas.replace("ruleset: urban-gas", "ruleset: baddate", 1).replace(
        "effective_from: 2023-09-21", "effective_from: 2023-13-45", 1)
    assert "2023-13-45" in texts["baddate"]
    for name, text in texts.items():
        (root / name).mkdir()
        (root / name / "2020.yaml").write_text(text, encoding="utf-8")
    return root


def test_validate_reports_every_file(runner, rules_dir):
    result = runner.invoke(main, ["--rules", str(rules_dir), "validate"])
    assert result.exit_code == 2
    out = result.output
    assert "✓ fireworks 2017" in out
    for name, (_, said) in BROKEN.items():
        assert said in out, (name, out)
    assert out.count("✗ ") == len(BROKEN) and out.count("：1 个错误") == len(BROKEN)
    assert "1 个版本有效" in out and f"{len(BROKEN)} 个有错误" in out
    english = runner.invoke(main, ["--rules", str(rules_dir), "--lang", "en", "validate"])
    assert "YAML syntax error: did not find expected ',' or ']'" in english.output and "1 error" in english.output


def test_test_command_runs_the_readable_rulesets(runner, rules_dir):
    result = runner.invoke(main, ["--rules", str(rules_dir), "test"])
    assert result.exit_code == 2
    last = result.output.strip().splitlines()[-1]
    passed = int(last.split()[0])
    assert passed > 0 and last.endswith(f"0 failed, {len(BROKEN)} broken"), last
    assert "✗ syntax/2020.yaml" in result.output.replace(str(rules_dir) + "/", "") or "syntax/2020.yaml" in result.output


def test_rulesets_lists_the_others(runner, rules_dir):
    result = runner.invoke(main, ["--rules", str(rules_dir), "rulesets"])
    assert result.exit_code == 2
    assert "fireworks" in result.output and "规则集 syntax 无法读取" in result.output
    assert "内部错误" not in result.output


def test_explain_finds_a_rule_past_a_broken_ruleset(runner, rules_dir):
    from hazardrules import Engine

    rule = Engine(ROOT / "rulesets").ruleset("fireworks").rules[0].id
    result = runner.invoke(main, ["--rules", str(rules_dir), "explain", rule])
    assert result.exit_code == 0 and rule in result.output, result.output
    missing = runner.invoke(main, ["--rules", str(rules_dir), "explain", "no.such.rule"])
    assert missing.exit_code == 2 and "有错误未能读取" in missing.output and "syntax" in missing.output
