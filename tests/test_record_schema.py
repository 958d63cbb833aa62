"""hazardrules.record_schema: a JSON Schema of a record per edition, that agrees with the engine."""

from __future__ import annotations

import copy

import jsonschema
import pytest
import yaml

from api_support import FIXTURES, fixture_record
from hazardrules import HazardRulesError


def _validator(schema):
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_schema_is_a_valid_draft_2020_12_schema_for_every_edition(shipped_engine):
    from hazardrules import record_schema

    for rs in shipped_engine.all_editions():
        schema = record_schema(rs)
        jsonschema.Draft202012Validator.check_schema(schema)
        facts = schema["properties"]["facts"]["properties"]
        assert set(facts) == {f.name for f in rs.fields} - {"inspection_date"}
        assert schema["x-ruleset"]["digest"] == rs.digest


def test_every_fixture_validates_against_its_editions_schema(shipped_engine):
    from hazardrules import record_schema

    for path in FIXTURES:
        record = fixture_record(path)
        expected = path.with_name(path.stem + ".expected.yaml")
        error = yaml.safe_load(expected.read_text(encoding="utf-8")).get("error") if expected.exists() else None
        if error:  # the fixture's expected outcome is a refusal (e.g. no edition in force): no schema applies
            with pytest.raises(HazardRulesError) as info:
                shipped_engine.prepare(record)
            assert info.value.code == error, path
            continue
        rs, _ = shipped_engine.prepare(record)
        errors = list(_validator(record_schema(rs)).iter_errors(record))
        assert errors == [], (path, errors[0].message)


def test_labels_enums_units_and_bounds_are_carried(shipped_engine):
    from hazardrules import record_schema

    rs = shipped_engine.ruleset("coal-mine", edition="2026")
    facts = record_schema(rs)["properties"]["facts"]["properties"]
    enum_field = next(f for f in rs.fields if f.type == "enum")
    spec = facts[enum_field.name]
    assert spec["title"] == enum_field.label
    assert [o.get("const") for o in spec["oneOf"][:-1]] == list(enum_field.values)
    assert [o["title"] for o in spec["oneOf"][:-1]] == list(enum_field.values.values())
    number = next(f for f in rs.fields if f.type == "number" and f.unit and f.min is not None)
    assert facts[number.name]["x-unit"] == number.unit and number.unit in facts[number.name]["description"]
    assert facts[number.name]["minimum"] == number.min
    en = record_schema(rs, "en")["properties"]["facts"]["properties"]
    assert en[enum_field.name]["title"] == (enum_field.label_en or enum_field.name)


def test_scope_facts_are_marked_when_the_ruleset_declares_them(shipped_engine):
    from hazardrules import record_schema

    for rs in shipped_engine.all_editions():
        declared = [f.name for f in rs.fields if getattr(f, "scope", False)]
        schema = record_schema(rs)
        assert schema["properties"]["facts"].get("x-scope-facts", []) == declared
        for name in declared:
            assert schema["properties"]["facts"]["properties"][name]["x-scope"] is True


@pytest.mark.parametrize("mutate", ["unknown_fact", "wrong_type", "bad_enum", "below_min", "unknown_envelope_key"])
def test_what_the_schema_refuses_the_engine_refuses(shipped_engine, mutate):
    """GIVEN a valid record made invalid one way WHEN checked by the schema and judged by the engine THEN both refuse."""
    from hazardrules import RecordError, record_schema

    base = fixture_record(next(p for p in FIXTURES if "coal-mine/several-hazards" in str(p)))
    rs, _ = shipped_engine.prepare(base)
    record = copy.deepcopy(base)
    number = next(f for f in rs.fields if f.type == "number" and f.min is not None)
    enum_field = next(f for f in rs.fields if f.type == "enum")
    if mutate == "unknown_fact":
        record["facts"]["no_such_fact"] = 1
    elif mutate == "wrong_type":
        record["facts"][number.name] = "a lot"
    elif mutate == "bad_enum":
        record["facts"][enum_field.name] = "no_such_value"
    elif mutate == "below_min":
        record["facts"][number.name] = number.min - 1
    else:
        record["inspektion_date"] = "2026-08-14"
    assert list(_validator(record_schema(rs)).iter_errors(record)), "the schema accepted it"
    with pytest.raises(RecordError):
        shipped_engine.evaluate(record)
