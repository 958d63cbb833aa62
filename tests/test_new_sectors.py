"""AQ 3067-2026 (hazardous-chemicals 2026) and 工信部安全〔2024〕234号 (civil-explosives 2024), end to end.

GIVEN the shipped rulesets
WHEN records at the edition boundaries, at the thresholds, with bad values and as blank checklists are
judged through the library and the CLI
THEN the right edition decides, the thresholds fall where the words put them (超过 exclusive, calendar
months never 180 days), bad input is one clear error naming the record and field, and the back ends agree
on the month arithmetic the civil-explosives rules use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from hazardrules import HazardRulesError
from hazardrules.errors import RecordError
from hazardrules.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULES = ["--rules", str(ROOT / "rulesets")]


def _record(ruleset, date, facts, record_id="T-1"):
    return {"ruleset": ruleset, "record_id": record_id, "inspection_date": date, "facts": facts}


# ---------------------------------------------------------------------- editions and dates
@pytest.mark.parametrize("date,edition", [("2026-09-29", "2017"), ("2026-09-30", "2026"), ("2026-10-01", "2026")])
def test_chemicals_edition_boundary(shipped_engine, date, edition):
    det = shipped_engine.evaluate(_record("hazardous-chemicals", date, {"unit_type": "hazchem_producer"}))
    assert det.edition == edition


def test_civil_explosives_first_day_is_the_notice_date(shipped_engine):
    det = shipped_engine.evaluate(_record("civil-explosives", "2024-12-03", {"enterprise_kind": "producer"}))
    assert det.edition == "2024"
    with pytest.raises(HazardRulesError) as info:
        shipped_engine.evaluate(_record("civil-explosives", "2024-12-02", {"enterprise_kind": "producer"}))
    assert info.value.code == "edition_not_encoded"
    assert "工信厅安全函〔2023〕337号" in info.value.render("zh")


# ---------------------------------------------------------------------- thresholds through the engine
def _fired(det):
    return {f.rule for f in det.findings}


@pytest.mark.parametrize("people,fires", [(5, False), (6, False), (7, True)])
def test_abnormal_handling_more_than_six(shipped_engine, people, fires):
    unit = {"id": "U-1", "abnormal_handling_max_people": people, "unrelated_people_at_abnormal_handling": False}
    det = shipped_engine.evaluate(_record("hazardous-chemicals", "2026-10-10",
                                          {"unit_type": "hazchem_producer", "units": [unit]}))
    assert ("hc26.5.7.4.1" in _fired(det)) is fires


@pytest.mark.parametrize("people,fires", [(1, False), (2, False), (3, True)])
def test_fine_chemical_building_more_than_two(shipped_engine, people, fires):
    unit = {"id": "U-1", "is_fine_chemical_building": True, "key_process": "sulfonation", "high_hazard_process": False,
            "process_hazard_grade": 4, "max_people_at_once": people}
    det = shipped_engine.evaluate(_record("hazardous-chemicals", "2026-10-10",
                                          {"unit_type": "chemical_producer", "units": [unit]}))
    assert ("hc26.5.7.4.2" in _fired(det)) is fires


@pytest.mark.parametrize("inspected,fires", [("2026-07-14", False), ("2026-07-15", False), ("2026-07-16", True)])
def test_six_months_after_appointment_is_calendar_months(shipped_engine, inspected, fires):
    """Appointed 2026-01-15: the six months end 2026-07-15 (181 days later; 180 days would be 07-14)."""
    person = {"id": "甲", "role": "principal", "appointed_date": "2026-01-15", "assessment_passed": False}
    det = shipped_engine.evaluate(_record("civil-explosives", inspected,
                                          {"enterprise_kind": "producer", "key_persons": [person]}))
    assert ("cex24.3.1" in _fired(det)) is fires


@pytest.mark.parametrize("inspected,fires", [("2027-02-28", False), ("2027-03-01", True)])
def test_half_year_after_scrapping_clamps_to_month_end(shipped_engine, inspected, fires):
    item = {"id": "旧线", "scrapped_date": "2026-08-31", "destroyed": False}
    det = shipped_engine.evaluate(_record("civil-explosives", inspected,
                                          {"enterprise_kind": "producer", "scrapped_equipment": [item]}))
    assert ("cex24.15" in _fired(det)) is fires


def test_out_of_scope_enterprises_get_no_rule(shipped_engine):
    for ruleset, facts in (("hazardous-chemicals", {"unit_type": "hazchem_trader_no_storage"}),
                           ("civil-explosives", {"enterprise_kind": "not_covered"})):
        det = shipped_engine.evaluate(_record(ruleset, "2026-11-01", facts))
        assert det.findings == [] and det.undetermined == [], ruleset
        assert len(det.not_applicable) >= 19


def test_missing_scope_fact_is_never_clean(shipped_engine):
    for ruleset in ("hazardous-chemicals", "civil-explosives"):
        det = shipped_engine.evaluate(_record(ruleset, "2026-11-01", {}))
        assert det.conclusion == "incomplete", ruleset
        assert not det.major_hazard


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize("ruleset,facts,field", [
    ("civil-explosives", {"enterprise_kind": "miner"}, "enterprise_kind"),
    ("civil-explosives", {"enterprise_kind": "producer", "safety_managers_people": -1}, "safety_managers_people"),
    ("civil-explosives", {"enterprise_kind": "producer",
                          "key_persons": [{"id": "甲", "role": "principal", "appointed_date": "2026-13-01"}]}, "appointed_date"),
    ("civil-explosives", {"enterprise_kind": "producer",
                          "buildings": [{"id": "K-1", "kind": "magazine"}, {"id": "K-1", "kind": "workshop"}]}, "K-1"),
    ("hazardous-chemicals", {"unit_type": "hazchem_producer",
                             "units": [{"id": "U-1", "process_hazard_grade": 6}]}, "process_hazard_grade"),
    ("hazardous-chemicals", {"unit_type": "hazchem_producer", "is_fine_chemical": True}, "is_fine_chemical"),
])
def test_bad_input_names_record_and_field(shipped_engine, ruleset, facts, field):
    with pytest.raises(HazardRulesError) as info:
        shipped_engine.evaluate(_record(ruleset, "2026-11-01", facts, record_id="BAD-7"))
    assert isinstance(info.value, RecordError), info.value.render("zh")
    text = info.value.render("zh")
    assert field in text and "BAD-7" in text
    if field == "enterprise_kind":  # says what is accepted
        assert "producer" in text and "seller" in text


def test_bad_input_in_the_cli_exits_2_without_traceback(runner, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("ruleset: civil-explosives\nrecord_id: BAD-8\ninspection_date: 2026-11-01\n"
                    "facts: {enterprise_kind: producer, buildings: [{id: K-1, stored_kg: -5}]}\n", encoding="utf-8")
    r = runner.invoke(main, RULES + ["check", str(path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "buildings[0].stored_kg" in r.output and "-5" in r.output   # where, what, and the accepted range
    assert "0～" in r.output


# ---------------------------------------------------------------------- CLI: fixtures, diff, checklist
@pytest.mark.parametrize("fixture,code", [
    ("civil-explosives/over-thresholds-producer.yaml", 1),
    ("civil-explosives/clean-producer-at-thresholds.yaml", 0),
    ("civil-explosives/partial-record.yaml", 3),
    ("hazardous-chemicals/aq3067-refinery-abnormal-handling.yaml", 1),
    ("civil-explosives/trial-version-date.yaml", 2),
])
def test_check_exit_codes_on_fixtures(runner, fixture, code):
    r = runner.invoke(main, RULES + ["check", str(ROOT / "fixtures" / fixture)])
    assert r.exit_code == code, r.output


def test_finding_names_the_unit_and_cites_the_item(runner):
    r = runner.invoke(main, RULES + ["check", "--format", "json",
                                     str(ROOT / "fixtures/civil-explosives/seller-magazine.yaml")])
    out = orjson.loads(r.stdout)
    cites = {f["rule"]: f["cite"] for f in out["findings"]}
    assert cites["cex24.11"].endswith("第十一项") and "工信部安全〔2024〕234号" in cites["cex24.11"]
    assert "K-2" in next(f["explanation"] for f in out["findings"] if f["rule"] == "cex24.11")


def test_diff_chemicals_2017_to_2026(runner):
    r = runner.invoke(main, RULES + ["diff", "hazardous-chemicals", "2017", "2026"])
    assert r.exit_code == 0, r.output
    assert "hc17.1 → hc26.5.1.1" in r.output          # 5.1.1 replaces item 一
    assert "hc17.5.1 → hc26.5.5.6" in r.output        # tank-farm emergency shut-off
    assert "+ hc26.5.7.4.1" in r.output               # abnormal-condition handling is new
    # 2017 items whose 2026 clause is not encoded are not "removed": the subject is still regulated
    assert "删除 0 条" in r.output and "对应条款未编码 6 条" in r.output
    assert "? hc17.2 → 5.1.4  特种作业人员持证" in r.output


@pytest.mark.parametrize("ruleset,args,scope", [
    ("civil-explosives", [], "enterprise_kind"),
    ("hazardous-chemicals", ["--edition", "2026"], "unit_type"),
])
def test_checklist_scope_fact_first_and_blank_is_incomplete(runner, tmp_path, ruleset, args, scope):
    blank = runner.invoke(main, RULES + ["checklist", ruleset, *args]).output
    facts = [line for line in blank.split("facts:", 1)[1].strip().splitlines() if not line.strip().startswith("#")]
    assert facts[0].strip().startswith(scope + ":")
    path = tmp_path / "blank.yaml"
    path.write_text(blank, encoding="utf-8")
    r = runner.invoke(main, RULES + ["check", "--format", "json", str(path)])
    assert r.exit_code == 3, r.output
    assert orjson.loads(r.stdout)["conclusion"] == "incomplete"


# ---------------------------------------------------------------------- back ends agree on add_months
def test_columnar_back_ends_agree_on_calendar_months(shipped_engine):
    """GIVEN appointments and scrappings on month ends, leap days and the 31st WHEN judged on the day the
    period ends and the day after THEN Polars and DuckDB give the Python back end's statuses."""
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    from hazardrules.columnar.polars_ruleset import PolarsRuleset
    from hazardrules.columnar.schema import facts_columns
    from hazardrules.columnar.sql import ruleset_sql
    from hazardrules.expr.runtime import add_months
    from hazardrules.records import normalize_facts

    rs = shipped_engine.ruleset("civil-explosives", edition="2024")
    starts = [dt.date(2026, 8, 31), dt.date(2024, 2, 29), dt.date(2026, 1, 31), dt.date(2026, 3, 31), dt.date(2025, 12, 15)]
    facts_list = []
    for start in starts:
        end = add_months(start, 6)
        for day in (end, end + dt.timedelta(days=1)):
            raw = {"enterprise_kind": "producer",
                   "key_persons": [{"id": "甲", "role": "principal", "appointed_date": start, "assessment_passed": False}],
                   "scrapped_equipment": [{"id": "线", "scrapped_date": start, "destroyed": False}]}
            facts = normalize_facts(raw, rs.fields, "")
            facts["inspection_date"] = day
            facts_list.append(facts)
    expected = [tuple(rs.evaluate_facts(f)) for f in facts_list]
    fired_after = sum(1 for i, row in enumerate(expected) if i % 2 == 1)
    assert fired_after == len(starts)
    pr = PolarsRuleset(rs)
    df = pl.DataFrame(facts_columns(rs.fields, facts_list), schema=pr.schema)
    assert [tuple(r) for r in pr.statuses(df).rows()] == expected
    con = duckdb.connect()
    con.register("facts", pr.conform(df).to_arrow())
    assert [tuple(r) for r in con.sql(ruleset_sql(rs)).fetchall()] == expected


# ---------------------------------------------------------------------- partial edition: parts of clauses
def test_aq3067_coverage_counts_clauses_and_lists_parts(shipped_engine):
    """GIVEN AQ 3067-2026 (38 clauses quoted, 15 not, 7 quoted only in part) THEN 38 of 53, and the 7 parts are
    listed with the clauses not encoded without being counted as clauses."""
    rs = shipped_engine.ruleset("hazardous-chemicals", edition="2026")
    cov = rs.coverage()
    assert (cov["partial"], cov["clauses_encoded"], cov["clauses_total"], cov["parts_not_encoded"]) == (True, 38, 53, 7)
    parts = [c["clause"] for c in cov["not_encoded"] if c.get("part")]
    assert parts == ["5.1.3", "5.3.5", "5.5.3", "5.5.7", "5.6.4", "5.7.5", "5.7.6"]
    assert all(c in {r.cite for r in rs.rules} for c in parts)
    assert rs.source["wording"]["checked_against_official"] is False


def test_clean_aq3067_record_lists_the_parts_not_judged(runner):
    r = runner.invoke(main, RULES + ["check", str(ROOT / "fixtures/hazardous-chemicals/aq3067-chlor-alkali-clean.yaml")])
    assert r.exit_code == 3, r.output
    assert "53 条中的 38 条，其余 15 条未能判定" in r.output
    assert "5.3.5（部分）" in r.output and "5.2.8  " in r.output


def _demo_with(tmp_path, entry):
    import shutil

    shutil.copytree(ROOT / "tests/data/verdicts", tmp_path / "rules")
    path = tmp_path / "rules" / "demo" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("not_encoded:\n", "not_encoded:\n" + entry, 1), encoding="utf-8")
    from hazardrules import Engine

    return Engine(tmp_path / "rules")


def test_part_of_an_encoded_clause_is_listed_not_counted(tmp_path):
    engine = _demo_with(tmp_path, '  - {clause: "5.1", part: true, title: 未见的一项, reason: paraphrase_only}\n')
    rs = engine.editions("demo")[0]
    assert rs.clauses_total == 5 and rs.coverage()["parts_not_encoded"] == 1


def test_part_of_a_clause_no_rule_encodes_is_an_error(tmp_path):
    engine = _demo_with(tmp_path, '  - {clause: "9.9", part: true, title: 不存在的条款, reason: paraphrase_only}\n')
    with pytest.raises(HazardRulesError) as info:
        engine.editions("demo")
    assert "part_of_unencoded_clause" in {d.code for d in info.value.diagnostics}
    assert "2026.yaml:" in info.value.render("zh")


def test_explanation_states_the_period_end_and_counts_units(shipped_engine):
    """The finding says when the six months ended and how many units were listed, never a Python repr."""
    person = {"id": "甲", "role": "principal", "appointed_date": "2026-01-15", "assessment_passed": False}
    det = shipped_engine.evaluate(_record("civil-explosives", "2026-07-16",
                                          {"enterprise_kind": "producer", "key_persons": [person]}))
    text = next(f.explanation for f in det.findings if f.rule == "cex24.3.1")
    assert "任职日期 2026-01-15起6个月期满日 2026-07-15" in text
    assert "（甲）共 1 项" in text
    assert "{" not in text and "datetime" not in text
