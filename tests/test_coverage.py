"""Clause coverage: an edition's inventory of its document's items; every item encoded or declared not encoded
(validate fails otherwise, naming the item), every rule citing an item of it; ``hazardrules coverage`` item by item."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import orjson
import pytest

from hazardrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
DECLARED = {"coal-mine": ("2026", 123, 123), "power": ("2026", 49, 49), "special-equipment": ("2024", 47, 47),
            "civil-explosives": ("2024", 17, 17), "hazardous-chemicals": ("2026", 53, 38)}


@pytest.mark.parametrize("rid", sorted(DECLARED))
def test_shipped_inventories(runner, rid):
    edition, total, encoded = DECLARED[rid]
    result = runner.invoke(main, ["coverage", rid, "--edition", edition, "--format", "json"])
    assert result.exit_code == 0, result.output
    cov = orjson.loads(result.output)
    assert cov["inventory_declared"] and (cov["items_total"], cov["items_encoded"]) == (total, encoded)
    for item in cov["items"]:
        assert item["encoded"] == bool(item["rules"]) and (item["encoded"] or item["not_encoded"])
        assert not item["encoded"] or item["examples"] >= 3  # at least fired, passed and undetermined


def test_partial_edition_lists_reasons(runner):
    text = runner.invoke(main, ["coverage", "hazardous-chemicals", "--edition", "2026"]).output
    assert "5.1.2" in text and "✗ 未编码" in text and "已编码 38 / 53 项" in text


def test_without_inventory_says_so(runner):
    result = runner.invoke(main, ["--rules", str(ROOT / "tests/data/rules"), "coverage", "mini"])
    assert result.exit_code == 0 and "未声明条款清单" in result.output


def _copy(tmp_path, rid="civil-explosives") -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copytree(ROOT / "rulesets" / rid, rules / rid)
    return rules


def test_item_without_rule_fails_validate(runner, tmp_path):
    """GIVEN the rule of item 十七 removed WHEN validate runs THEN it fails naming 第十七项."""
    rules = _copy(tmp_path)
    path = rules / "civil-explosives/2024.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: cex24.17")
    end = text.find("\n  - id: ", start + 1)
    path.write_text(text[:start] + (text[end + 1:] if end != -1 else ""), encoding="utf-8")
    result = runner.invoke(main, ["--rules", str(rules), "validate"])
    assert result.exit_code == 2 and "条款 第十七项 既没有规则编码" in result.output, result.output


def test_cite_outside_inventory_fails_validate(runner, tmp_path):
    rules = _copy(tmp_path)
    path = rules / "civil-explosives/2024.yaml"
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"(  - id: cex24\.1\n(?:    .*\n)*?    cite: )第一项", r"\g<1>第十八项", text, count=1)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["--rules", str(rules), "validate"])
    assert result.exit_code == 2
    assert "引用的条款 第十八项 不在本版本的条款清单" in result.output and "条款 第一项 既没有规则编码" in result.output


def test_declared_not_encoded_is_accepted(runner, tmp_path):
    """The same removal, declared in not_encoded with a reason, validates and shows as not encoded."""
    rules = _copy(tmp_path)
    path = rules / "civil-explosives/2024.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: cex24.17")
    end = text.find("\n  - id: ", start + 1)
    text = text[:start] + (text[end + 1:] if end != -1 else "")
    text = text.replace("inventory:\n", "not_encoded:\n  - {clause: 第十七项, title: 其他情形, reason: wording_unavailable}\ninventory:\n", 1)
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["--rules", str(rules), "validate"]).exit_code == 0
    out = runner.invoke(main, ["--rules", str(rules), "coverage", "civil-explosives"]).output
    assert "第十七项" in out and "✗ 未编码" in out and "已编码 16 / 17 项" in out


def test_every_shipped_edition_declares_its_inventory(shipped_engine):
    """Every shipped edition lists its document's items, and each is encoded or declared not encoded."""
    from hazardrules.coverage import coverage

    for rid in shipped_engine.ruleset_ids():
        for rs in shipped_engine.editions(rid):
            cov = coverage(rs)
            assert cov.inventory_declared, f"{rid} {rs.edition} declares no inventory"
            assert all(i.encoded or i.not_encoded for i in cov.items), rid
            assert cov.encoded == len(cov.items) or rs.partial, f"{rid} {rs.edition}: items without a rule"
