"""``hazardrules impact``: generated record sets with known answers, judged under two editions."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import openpyxl
import orjson
import pytest

from hazardrules import Engine
from hazardrules.cli import main
from hazardrules.impact import compare_editions, read_records

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests/data/rules"


def _record(n: int, kind: str) -> dict:
    """mini 2020 records of four kinds whose fate under 2026 is known:
    over   — output ≥ capacity × 1.1: major under both (mini20.4.1 -> mini.4.1 keeps firing);
    clean  — nothing found in 2020: no hazard, then incomplete (2026 asks facts 2020 never recorded);
    water  — water plan missing: major in 2020 (mini20.5.1, mini20.9.9) that stops firing in 2026: incomplete;
    blank  — no facts: incomplete under both."""
    facts = {"over": {"annual_output_t": 1320000 + n, "approved_capacity_t": 1200000, "water_plan_missing": False},
             "clean": {"annual_output_t": 1000 + n, "approved_capacity_t": 1200000, "water_plan_missing": False},
             "water": {"annual_output_t": 1000, "approved_capacity_t": 1200000, "water_plan_missing": True},
             "blank": {}}[kind]
    return {"ruleset": "mini", "record_id": f"{kind}-{n}", "inspection_date": "2024-05-01", "facts": facts}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    rng = random.Random(7)
    kinds = [rng.choice(["over", "clean", "water", "blank"]) for _ in range(400)]
    path = tmp_path_factory.mktemp("impact") / "old.jsonl"
    path.write_bytes(b"".join(orjson.dumps(_record(i, k)) + b"\n" for i, k in enumerate(kinds)))
    return path, {k: kinds.count(k) for k in ("over", "clean", "water", "blank")}


def test_known_transitions(generated):
    path, n = generated
    r = compare_editions(Engine(MINI), "mini", "2020", "2026", read_records([str(path)]))
    assert r.records == 400 and not r.errors
    assert r.transitions == {("major_hazard", "major_hazard"): n["over"], ("no_major_hazard", "incomplete"): n["clean"],
                             ("major_hazard", "incomplete"): n["water"], ("incomplete", "incomplete"): n["blank"]}
    assert len(r.changed) == n["clean"] + n["water"]
    assert r.stop_firing == {"mini20.5.1": n["water"], "mini20.9.9": n["water"]}
    assert not r.newly_fire  # mini.4.1 fires where its predecessor fired: not new
    assert r.not_carried["water_plan_missing"] == n["over"] + n["clean"] + n["water"]
    assert r.missing_new["gas_class"] == 400


def test_renamed_fields_carry_over(tmp_path, generated):
    """GIVEN the 2026 edition renames water_plan_missing to a field a new rule reads WHEN impact runs THEN the old
    values are carried over (counted), the new rule fires where the old one did, and nothing is 'not carried'."""
    rules = tmp_path / "rules"
    shutil.copytree(MINI, rules)
    path = rules / "mini/2026.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  last_test_date: {type: date, label: 上次检测日期}",
                        "  last_test_date: {type: date, label: 上次检测日期}\n"
                        "  no_water_plan: {type: bool, label: 未编制防治水计划, renamed_from: [water_plan_missing]}")
    text += """  - id: mini.11.1
    cite: 第十一条
    title: 未编制防治水计划
    supersedes: [mini20.9.9]
    when: no_water_plan
    examples:
      - {facts: {no_water_plan: true}, expect: fired}
      - {facts: {no_water_plan: false}, expect: passed}
      - {facts: {}, expect: undetermined}
"""
    path.write_text(text, encoding="utf-8")
    old, n = generated
    r = compare_editions(Engine(rules), "mini", "2020", "2026", read_records([str(old)]))
    assert r.renamed["water_plan_missing -> no_water_plan"] == n["over"] + n["clean"] + n["water"]
    assert not r.not_carried
    assert r.stop_firing == {"mini20.5.1": n["water"]}  # mini20.9.9 carries on as mini.11.1
    assert r.transitions[("major_hazard", "major_hazard")] == n["over"] + n["water"]


@pytest.mark.parametrize("fmt", ["text", "json", "xlsx", "html"])
def test_cli_formats(runner, tmp_path, generated, fmt):
    path, n = generated
    out = tmp_path / f"impact.{fmt}"
    result = runner.invoke(main, ["--rules", str(MINI), "impact", "mini", "--from", "2020", "--to", "2026", str(path),
                                  "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = orjson.loads(out.read_bytes())
        assert data["records"] == 400 and data["judged_under_forced_editions"] is True
        assert {"from": "major_hazard", "to": "incomplete", "records": n["water"]} in data["transitions"]
    elif fmt == "xlsx":
        wb = openpyxl.load_workbook(out)
        matrix = wb.worksheets[0]
        rows = list(matrix.iter_rows(min_row=3, values_only=True))
        assert rows[0][0] == "存在重大事故隐患" and rows[0][1] == n["over"] and rows[0][2] == n["water"]
        assert "新版本下不再成立的条款" in wb.sheetnames
    else:
        text = out.read_text(encoding="utf-8")
        assert "mini20.9.9" in text and "water_plan_missing" in text and "新版本需要而旧记录缺少的事实" in text
        if fmt == "html":
            assert "<script" not in text and "http" not in text.replace("http-equiv", "")


def test_bad_rows_are_listed_and_exit_2(runner, tmp_path):
    path = tmp_path / "old.jsonl"
    path.write_bytes(orjson.dumps(_record(1, "over")) + b"\nnot json\n"
                     + orjson.dumps({**_record(2, "over"), "ruleset": "fire"}) + b"\n")
    result = runner.invoke(main, ["--rules", str(MINI), "impact", "mini", "--from", "2020", "--to", "2026", str(path),
                                  "--format", "json"])
    assert result.exit_code == 2
    data = orjson.loads(result.output)
    assert data["records"] == 1 and [e["where"] for e in data["errors"]] == [f"{path}:2", f"{path}:3"]


def test_shipped_succession_runs(runner):
    """The shipped coal-mine succession on the shipped batch fixture (JSONL of mixed sectors: other sectors are
    listed as rows of another ruleset, never judged under coal)."""
    result = runner.invoke(main, ["impact", "coal-mine", "--from", "2020", "--to", "2026",
                                  str(ROOT / "fixtures/batch/inspections.jsonl"), "--format", "json"])
    assert result.exit_code in (0, 2), result.output
    data = orjson.loads(result.output)
    assert data["records"] > 0 and sum(t["records"] for t in data["transitions"]) == data["records"]
