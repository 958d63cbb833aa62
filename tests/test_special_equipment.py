"""GB 45067-2024 (special equipment): every lettered item is encoded, findings name the unit by its
registration number, dates are compared with the inspection date, and bad records get clear errors."""

import re
from pathlib import Path

import orjson
import pytest
import yaml

from hazardrules import RecordError
from hazardrules.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "special-equipment"
# lettered items per clause of chapter 4 (transcription of the official text, An-0726/safety-basis)
ITEMS = {"4.1": "abcd", "4.2": "abcdefg", "4.3": "abcdef", "4.4": "ab", "4.5": "abc", "4.6": "abcde",
         "4.7": "abcde", "4.8": "abcde", "4.9": "abcde", "4.10": "abcde"}


def _record(name: str) -> dict:
    return yaml.safe_load((FIXTURES / f"{name}.yaml").read_text(encoding="utf-8"))


def _cited_items(rs) -> list[str]:
    out = []
    for rule in rs.rules:
        if rule.kind != "major":
            continue
        for part in rule.cite.split("、"):
            m = re.fullmatch(r"(4\.\d+) ([a-g])\)(（.+）)?", part.strip())
            assert m, f"{rule.id}: unexpected cite {rule.cite!r}"
            out.append(f"{m[1]} {m[2]}")
    return out


def test_every_lettered_item_is_cited(shipped_engine):
    rs = shipped_engine.ruleset("special-equipment", edition="2024")
    expected = {f"{clause} {letter}" for clause, letters in ITEMS.items() for letter in letters}
    assert len(expected) == 47
    cited = _cited_items(rs)
    assert set(cited) == expected
    # 4.2 g) is split in two rules (its two limbs); every other item is one rule
    assert sorted(c for c in cited if c == "4.2 g") == ["4.2 g", "4.2 g"]
    assert rs.document == "GB 45067-2024" and str(rs.effective_from) == "2024-12-01"


def test_finding_names_the_unit_at_the_threshold(shipped_engine):
    det = shipped_engine.evaluate(_record("mall-escalator-deflector"))
    [finding] = det.findings
    assert finding.rule == "se24.4.6.e"
    text = finding.explanation
    assert "梯33内D00103" in text and "350 mm < 400 mm" in text
    assert "梯33内D00104" not in text  # exactly 400 mm: 小于 excludes the number


def test_overdue_inspection_is_a_violation_not_a_major_hazard(shipped_engine):
    rec = _record("warehouse-forklifts-incomplete")
    det = shipped_engine.evaluate(rec)
    assert det.fired == ["se24.law.40"] and not det.major_hazard
    assert "车11蒙L00202" in det.findings[0].explanation
    # the day the validity ends is still valid: moving the inspection one day earlier clears it
    rec["inspection_date"] = "2026-08-31"
    assert shipped_engine.evaluate(rec).fired == []


def test_filling_licence_expiry_is_compared_with_the_inspection_date(shipped_engine):
    rec = _record("lpg-cylinder-filling-station")
    assert "se24.4.5.a" in shipped_engine.evaluate(rec).fired
    rec["inspection_date"] = "2026-03-31"  # the last valid day of the licence
    assert "se24.4.5.a" not in shipped_engine.evaluate(rec).fired


def test_unit_taken_out_of_use_is_not_a_finding(shipped_engine):
    rec = _record("residential-lifts-door-lock")
    det = shipped_engine.evaluate(rec)
    [fail] = [f for f in det.findings if f.rule == "se24.4.6.a"]
    assert "梯31内A10305" in fail.explanation and "梯31内A10306" not in fail.explanation


def test_list_left_out_is_unknown_not_none(shipped_engine):
    rec = _record("hotel-clean")
    del rec["facts"]["cranes"]
    det = shipped_engine.evaluate(rec)
    assert not det.fired
    undetermined = {u["rule"] for u in det.undetermined}
    assert {"se24.4.1.a", "se24.4.1.b", "se24.4.1.c", "se24.4.7.a", "se24.4.7.e"} <= undetermined


def _errors(engine, facts: dict) -> RecordError:
    rec = {"ruleset": "special-equipment", "record_id": "SE-BAD", "inspection_date": "2026-05-01", "facts": facts}
    with pytest.raises(RecordError) as info:
        engine.evaluate(rec, where="记录 #3")
    return info.value


def test_duplicate_and_missing_registration_numbers(shipped_engine):
    e = _errors(shipped_engine, {"elevators": [{"reg_no": "梯1", "in_use": True}, {"reg_no": "梯1", "in_use": True},
                                               {"in_use": True}]})
    codes = [d.code for d in e.diagnostics]
    assert codes.count("duplicate_unit") == 1 and codes.count("unit_without_id") == 1
    text = str(e)
    assert "记录 #3 elevators[1].reg_no" in text and "“梯1” 重复" in text and "reg_no" in text


def test_bad_values_inside_a_unit_are_named_with_their_path(shipped_engine):
    e = _errors(shipped_engine, {"elevators": [{"reg_no": "梯1", "elevator_type": "lift", "handrail_obstacle_distance_mm": -5,
                                               "next_inspection_due": "2026-13-01", "in_usee": True}]})
    text = str(e)
    assert len(e.diagnostics) == 4
    assert "elevators[0].elevator_type" in text and "passenger（乘客电梯）" in text
    assert "elevators[0].handrail_obstacle_distance_mm" in text and "-5" in text
    assert "elevators[0].next_inspection_due" in text
    assert "in_usee" in text and "in_use" in text  # did you mean


def test_cli_bad_record_exit_2_without_traceback(runner, tmp_path):
    rec = _record("hotel-clean")
    rec["facts"]["boilers"][0]["periodic_conclusion"] = "ok"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(rec, allow_unicode=True), encoding="utf-8")
    r = runner.invoke(main, ["check", str(path)])
    assert r.exit_code == 2
    assert "Traceback" not in r.output and "boilers[0].periodic_conclusion" in r.output


def test_checklist_lists_every_kind_and_round_trips(runner, tmp_path):
    blank = runner.invoke(main, ["checklist", "special-equipment"])
    assert blank.exit_code == 0
    for name in ("boilers:", "pressure_vessels:", "pressure_piping:", "elevators:", "cranes:", "ropeways:",
                 "amusement_rides:", "vehicles:", "engages_in_filling:", "filling_facilities:"):
        assert name in blank.output
    path = tmp_path / "blank.yaml"
    path.write_text(blank.output, encoding="utf-8")
    r = runner.invoke(main, ["check", "--format", "json", str(path)])
    assert r.exit_code in (0, 3), r.output  # 3 = incomplete, once the three-valued conclusion is on main
    out = orjson.loads(r.stdout)
    assert out["findings"] == [] and len(out["undetermined"]) == 48  # a blank record decides nothing
    assert out.get("conclusion", "incomplete") == "incomplete"


def test_english_output_names_the_clause(runner):
    r = runner.invoke(main, ["check", "--lang", "en", str(FIXTURES / "sightseeing-vehicles-gradient.yaml")])
    assert r.exit_code == 1
    assert "GB 45067-2024 4.10 e)、4.1 d)" in r.output and "车51蒙E00101" in r.output


def test_checklist_set_none_of_a_kind(runner, tmp_path):
    """GIVEN --set cranes=[] and no filling WHEN the checklist is made THEN cranes is pre-filled as none, the
    filling facts are pruned, and checking the blank makes every crane item not applicable."""
    r = runner.invoke(main, ["checklist", "special-equipment", "--set", "cranes=[]", "--set", "ropeways=无",
                             "--set", "engages_in_filling=false"])
    assert r.exit_code == 0, r.output
    assert "\n  cranes: []" in r.output and "\n  ropeways: []" in r.output
    assert "wrong_medium_filled" not in r.output and "filling_facilities" not in r.output
    path = tmp_path / "blank.yaml"
    path.write_text(r.output, encoding="utf-8")
    out = orjson.loads(runner.invoke(main, ["check", "--format", "json", str(path)]).stdout)
    not_applicable = set(out["not_applicable"])
    assert {f"se24.4.7.{x}" for x in "abcde"} <= not_applicable and "se24.4.5.b" in not_applicable
    assert "se24.4.6.a" in {u["rule"] for u in out["undetermined"]}
    # a list can only be set to none: anything else is refused with the field named
    bad = runner.invoke(main, ["checklist", "special-equipment", "--set", "cranes=2"])
    assert bad.exit_code == 2 and "cranes" in bad.output and "Traceback" not in bad.output


def test_xlsx_checklist_prefills_none_of_a_kind(runner, tmp_path):
    book = tmp_path / "se.xlsx"
    r = runner.invoke(main, ["checklist", "special-equipment", "--format", "xlsx", "-o", str(book),
                             "--set", "cranes=[]", "--set", "engages_in_filling=false"])
    assert r.exit_code == 0, r.output
    out = orjson.loads(runner.invoke(main, ["check", "--format", "json", str(book)]).stdout)
    assert "se24.4.7.e" in out["not_applicable"] and "se24.4.6.a" in {u["rule"] for u in out["undetermined"]}


def test_batch_python_and_columnar_agree_on_the_fixtures(tmp_path):
    """GIVEN every judged special-equipment fixture (several lists of units, dates) as one JSONL file
    WHEN batch runs with the Python and the columnar engine THEN the outputs are byte-identical and each
    row has its fixture's expected conclusion and fired rules."""
    pytest.importorskip("polars")
    from hazardrules.batch import Options, run_batch
    from hazardrules.columnar.batch import run_columnar

    from api_support import as_json

    paths = [p for p in sorted(FIXTURES.glob("*.yaml")) if not p.name.endswith(".expected.yaml")]
    cases = [(p, yaml.safe_load(p.with_name(p.stem + ".expected.yaml").read_text(encoding="utf-8"))) for p in paths]
    cases = [(p, e) for p, e in cases if "error" not in e]
    src = tmp_path / "se.jsonl"
    src.write_bytes(b"\n".join(orjson.dumps(as_json(_record(p.stem))) for p, _ in cases) + b"\n")
    py, col = tmp_path / "py.jsonl", tmp_path / "col.jsonl"
    run_batch([str(src)], str(py), options=Options(rules_dir=str(ROOT / "rulesets")))
    run_columnar([str(src)], str(col), options=Options(rules_dir=str(ROOT / "rulesets")))
    assert col.read_bytes() == py.read_bytes()
    rows = [orjson.loads(line) for line in py.read_bytes().splitlines()]
    assert len(rows) == len(cases) >= 12
    for row, (path, expected) in zip(rows, cases):
        assert row["conclusion"] == expected["conclusion"], path.name
        assert sorted(row["fired"]) == sorted(expected["fired"]), path.name


def test_open_cases_route_to_market_regulation(runner, tmp_path):
    """GIVEN the power-station fixture (one major hazard, one overdue-inspection violation) in Inner Mongolia
    WHEN check --open-cases THEN the major hazard is listed at banner/county level and the violation is a
    general case, both assigned to the enterprise and the market-regulation (special equipment) department."""
    db = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    r = runner.invoke(main, ["check", "--open-cases", "--db", db, "--today", "2026-07-04",
                             str(FIXTURES / "power-station-boiler-leak.yaml")])
    assert r.exit_code == 1, r.output
    cases = orjson.loads(runner.invoke(main, ["case", "list", "--format", "json", "--db", db]).stdout)
    by_rule = {c["rule"]: c for c in cases}
    assert set(by_rule) == {"se24.4.2.g.1", "se24.law.40"}
    assert (by_rule["se24.4.2.g.1"]["hazard_class"], by_rule["se24.4.2.g.1"]["level"]) == ("major", "county")
    assert (by_rule["se24.law.40"]["hazard_class"], by_rule["se24.law.40"]["level"]) == ("general", "none")
    for case in cases:
        shown = orjson.loads(runner.invoke(main, ["case", "show", str(case["id"]), "--format", "json", "--db", db]).stdout)
        assert shown["policy"] == "inner-mongolia"
        assert shown["routing"]["targets"] == ["enterprise", "market_regulation"]
