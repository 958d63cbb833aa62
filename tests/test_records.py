"""Record validation: every bad value is named with its record, field and what is accepted."""

import pytest

from hazardrules import RecordError


def _err(engine, facts, **extra):
    with pytest.raises(RecordError) as info:
        engine.evaluate({"ruleset": "mini", "inspection_date": "2026-08-01", "facts": facts, **extra}, where="记录 #7")
    return info.value


def test_unknown_field_did_you_mean(mini_engine):
    e = _err(mini_engine, {"annual_output": 5})
    assert "记录 #7 annual_output" in str(e) and "annual_output_t" in str(e)


def test_negative_tonnage(mini_engine):
    e = _err(mini_engine, {"annual_output_t": -5})
    assert "0～+∞" in str(e) and "-5" in str(e)


def test_wrong_type(mini_engine):
    e = _err(mini_engine, {"annual_output_t": "many"})
    assert "数值" in str(e)


def test_bool_is_not_a_number(mini_engine):
    e = _err(mini_engine, {"annual_output_t": True})
    assert e.code == "bad_value"


def test_undeclared_enum_value(mini_engine):
    e = _err(mini_engine, {"gas_class": "medium"})
    assert "low（低瓦斯）" in str(e) and "medium" in str(e)
    assert "one of: low, high, outburst" in e.render("en")


def test_unit_without_id_and_duplicate(mini_engine):
    e = _err(mini_engine, {"faces": [{"gas_pct": 1}, {"id": "A"}, {"id": "A"}]})
    codes = [d.code for d in e.diagnostics]
    assert "unit_without_id" in codes and "duplicate_unit" in codes


def test_several_problems_reported_together(mini_engine):
    e = _err(mini_engine, {"annual_output_t": -1, "gas_class": "x", "nope": 1})
    assert len(e.diagnostics) == 3


def test_unknown_envelope_key(mini_engine):
    e = _err(mini_engine, {}, annual_output_t=5)
    assert "facts" in str(e)


def test_blank_checklist_block_is_ignored(mini_engine):
    det = mini_engine.evaluate({"ruleset": "mini", "inspection_date": "2026-08-01",
                                "facts": {"faces": [{"id": None, "gas_pct": None}], "annual_output_t": None}})
    assert "faces" not in det.facts and "annual_output_t" not in det.facts  # a blank block: unknown, not empty


def test_found_by_checked_and_carried(mini_engine):
    det = mini_engine.evaluate({"ruleset": "mini", "inspection_date": "2026-08-01", "found_by": "self_check", "facts": {}})
    assert det.found_by == "self_check"
    e = _err(mini_engine, {}, found_by="neighbour")
    assert "self_check（企业自查）" in str(e)
