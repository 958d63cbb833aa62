"""Issue 11 item 2: YAML is read by the 1.2 core rules, so a number typed in a record or a
ruleset means what it looks like (PyYAML's YAML 1.1 read ``025`` as 21 and ``1:30`` as 90).

GIVEN plain scalars that YAML 1.1 and 1.2 read differently, in a record file and in a ruleset,
WHEN they are loaded and judged,
THEN numbers are decimal, ``0101`` stays the text ``"0101"`` in a text field (a unit id) and is 25
in a number field when written ``025``, ``yes``/``on``/``1:30``/``1_000`` are text (refused by a
number or bool field with the usual message), and ``1e5`` is 100000.
"""

from __future__ import annotations

import pytest

from hazardrules import RecordError
from hazardrules.inputs import read_records
from hazardrules.loader import load_yaml


def _data(text: str):
    return load_yaml("t.yaml", text=text).data


@pytest.mark.parametrize(("text", "value"), [
    ("025", "025"), ("0101", "0101"), ("1:30", "1:30"), ("yes", "yes"), ("on", "on"), ("No", "No"), ("1_000", "1_000"),
    ("0b101", "0b101"), ("1e5", 100000.0), ("-1.5e-3", -0.0015), ("0o17", 15), ("0x1F", 31), ("+12", 12), ("-0", 0),
    ("true", True), ("FALSE", False), ("~", None), ("null", None), ("2026-08-14", "2026-08-14"), ("1.", 1.0), (".5", 0.5),
    ("-.inf", float("-inf")), (".Inf", float("inf")),
])
def test_plain_scalars_follow_yaml_1_2_core(text, value):
    got = _data(f"v: {text}\n")["v"]
    assert got == value and type(got) is type(value) or (isinstance(value, str) and got == value)


def test_nan_is_read_as_nan():
    import math

    assert math.isnan(_data("v: .NaN\n")["v"])


def test_leading_zero_is_a_number_in_a_number_field_and_text_in_a_text_field(mini_engine, tmp_path):
    record = tmp_path / "r.yaml"
    record.write_text("ruleset: mini\nrecord_id: 0101\ninspection_date: 2026-08-01\n"
                      "facts:\n  annual_output_t: 025\n  faces: [{id: 0101, gas_pct: 1.5}, {id: 0102, gas_pct: 08}]\n",
                      encoding="utf-8")
    (_, data), = read_records(record)
    det = mini_engine.evaluate(data)
    assert det.record_id == "0101"
    assert det.facts["annual_output_t"] == 25
    assert [u["id"] for u in det.facts["faces"]] == ["0101", "0102"]
    assert det.facts["faces"][1]["gas_pct"] == 8


@pytest.mark.parametrize("typed", ["1:30", "yes", "1_000"])
def test_yaml_1_1_numbers_and_booleans_are_refused_with_a_clear_message(mini_engine, typed):
    data = _data(f"ruleset: mini\ninspection_date: 2026-08-01\nfacts:\n  annual_output_t: {typed}\n")
    with pytest.raises(RecordError) as info:
        mini_engine.evaluate(data)
    assert "annual_output_t" in str(info.value) and repr(typed) in str(info.value)


def test_yes_is_not_a_boolean(mini_engine):
    data = _data("ruleset: mini\ninspection_date: 2026-08-01\nfacts:\n  no_outburst_measures: yes\n")
    with pytest.raises(RecordError) as info:
        mini_engine.evaluate(data)
    assert "true 或 false" in str(info.value)


def test_ruleset_thresholds_read_as_decimal(tmp_path):
    """A ruleset literal and a field bound written with a leading zero keep their decimal value."""
    from hazardrules import Engine

    src = (tmp_path / "rs" / "tiny")
    src.mkdir(parents=True)
    (src / "2026.yaml").write_text(
        "ruleset: tiny\nedition: '2026'\ntitle: 测试\nsource: {issuer: 测试, document: 测试令, issued: 2026-01-01, effective: 2026-01-01}\n"
        "effective_from: 2026-01-01\nversion: '1'\n"
        "fields:\n  depth_m: {type: number, unit: m, min: 0, max: 0100, label: 深度}\n"
        "rules:\n  - id: t.1\n    cite: 第一条\n    title: 深度超限\n    when: depth_m >= 010\n"
        "    examples:\n      - {facts: {depth_m: 10}, expect: fired}\n      - {facts: {depth_m: 9}, expect: passed}\n"
        "      - {facts: {}, expect: undetermined}\n", encoding="utf-8")
    engine = Engine(tmp_path / "rs")
    rs = engine.ruleset("tiny", edition="2026")
    assert rs.fields.get("depth_m").max == 100
    det = engine.evaluate({"ruleset": "tiny", "inspection_date": "2026-02-01", "facts": {"depth_m": 10}})
    assert det.major_hazard
