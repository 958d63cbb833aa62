"""Issue 11 item 14 (dates): only YYYY-MM-DD is a date, as every message says — for the inspection
date, date facts, ``date("...")`` in conditions and the CLI's date options; the columnar back end
agrees (it only ever accepted that form)."""

from __future__ import annotations

import datetime

import pytest

from hazardrules import HazardRulesError, RecordError
from hazardrules.records import parse_date


@pytest.mark.parametrize("text", ["20260814", "2026-W33-5", "2026-228", "2026-08-14T00:00", "２０２６-０８-１４", "2026-02-30"])
def test_only_yyyy_mm_dd_is_a_date(text):
    assert parse_date(text) is None


def test_yyyy_mm_dd_and_midnight_timestamps_are_dates():
    assert parse_date(" 2026-08-14 ") == datetime.date(2026, 8, 14)
    assert parse_date(datetime.datetime(2026, 8, 14)) == datetime.date(2026, 8, 14)
    assert parse_date(datetime.datetime(2026, 8, 14, 9, 30)) is None


def test_compact_inspection_date_is_refused(mini_engine):
    with pytest.raises(RecordError) as info:
        mini_engine.evaluate({"ruleset": "mini", "inspection_date": "20260814", "facts": {}})
    assert info.value.code == "bad_date" and "YYYY-MM-DD" in str(info.value)


def test_compact_date_fact_is_refused_on_the_fast_path_too(mini_engine):
    with pytest.raises(RecordError) as info:
        mini_engine.evaluate({"ruleset": "mini", "inspection_date": "2026-08-14", "facts": {"last_test_date": "20250801"}})
    assert "last_test_date" in str(info.value)


def test_compact_date_literal_in_a_condition_is_refused(ruleset_with):
    with pytest.raises(HazardRulesError) as info:
        ruleset_with('x > 1 and inspection_date > date("20260101")').editions("t")
    assert "YYYY-MM-DD" in str(info.value)


def test_cli_today_refuses_compact_dates(runner):
    from hazardrules.cli import main

    result = runner.invoke(main, ["check", "--today", "20260814", "fixtures/coal-mine/several-hazards.yaml"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_len_of_a_list_explains_with_sorted_unit_ids_not_a_python_repr(shipped_engine):
    """Regression (issue 11.14): hc17.10's explanation showed a Python repr of the units, in input
    key order; the same record with keys in another order gave another text."""
    texts = set()
    for units in ([{"id": "B", "not_formally_designed": True, "no_safety_design_diagnosis": True},
                   {"id": "A", "not_formally_designed": False}],
                  [{"not_formally_designed": False, "id": "A"},
                   {"no_safety_design_diagnosis": True, "not_formally_designed": True, "id": "B"}][::-1]):
        det = shipped_engine.evaluate({"ruleset": "hazardous-chemicals", "inspection_date": "2020-01-01",
                                       "facts": {"units": units}})
        finding = next(f for f in det.findings if f.rule == "hc17.10")
        assert "{" not in finding.explanation and "'" not in finding.explanation
        texts.add(finding.explanation)
    assert len(texts) == 1 and "生产装置（A、B）" in texts.pop()
