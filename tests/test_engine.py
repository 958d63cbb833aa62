"""The engine on a small test ruleset: editions, statuses, findings, determinism, streams."""

from datetime import date

import pytest

from hazardrules import EditionNotEncoded, Engine, RecordError, RulesetNotFound

REC = {"ruleset": "mini", "record_id": "R-1", "inspection_date": "2026-08-01",
       "facts": {"annual_output_t": 1330000, "approved_capacity_t": 1200000}}


def test_fires_with_evidence_and_explanation(mini_engine):
    """GIVEN output 1330000 t against 1200000 t WHEN evaluated THEN 4.1 fires with the computed threshold."""
    det = mini_engine.evaluate(REC)
    assert det.major_hazard is True
    assert det.fired == ["mini.4.1"]
    f = det.findings[0]
    assert f.cite == "测试令第1号 第四条第（一）项"
    assert f.evidence == {"annual_output_t": 1330000, "approved_capacity_t": 1200000}
    assert f.explanation == "全年原煤产量 1,330,000 t ≥ 核定生产能力 1,200,000 t × 1.1 = 1,320,000 t"
    assert "annual output 1,330,000 t" in f.explanation_en


def test_undetermined_lists_missing_facts(mini_engine):
    det = mini_engine.evaluate({**REC, "facts": {"approved_capacity_t": 1}})
    und = {u["rule"]: u["missing"] for u in det.undetermined}
    assert und["mini.4.1"] == ["annual_output_t"]
    assert det.major_hazard is False


def test_not_applicable_is_not_passed(mini_engine):
    det = mini_engine.evaluate({**REC, "facts": {"gas_class": "low", "no_outburst_measures": True}})
    assert "mini.6.1" in det.not_applicable
    assert "mini.6.1" not in det.passed


def test_enum_accepts_chinese_label(mini_engine):
    det = mini_engine.evaluate({**REC, "facts": {"gas_class": "突出", "no_outburst_measures": True}})
    assert "mini.6.1" in det.fired
    assert det.findings[0].explanation.startswith("瓦斯等级为突出：")


def test_unit_named_in_finding(mini_engine):
    det = mini_engine.evaluate({**REC, "facts": {"faces": [{"id": "31301", "gas_pct": 0.4}, {"id": "31302", "gas_pct": 1.5}]}})
    f = det.findings[0]
    assert f.units == ["31302"]
    assert f.evidence == {"faces[31302].gas_pct": 1.5}


def test_edition_by_date_and_plain_message_before_it(mini_engine):
    assert mini_engine.ruleset("mini", on=date(2026, 7, 1)).edition == "2026"
    assert mini_engine.ruleset("mini", on=date(2026, 6, 30)).edition == "2020"
    with pytest.raises(EditionNotEncoded) as info:
        mini_engine.evaluate({**REC, "inspection_date": "2019-05-01"})
    assert "测试令第00号" in str(info.value) and "尚未编码" in str(info.value)
    assert "测试令第00号" in info.value.render("en") and "not encoded" in info.value.render("en")


def test_explicit_edition_overrides_date(mini_engine):
    det = mini_engine.evaluate({**REC, "inspection_date": "2025-01-01"}, edition="2026")
    assert det.edition == "2026"


def test_unknown_ruleset_suggests(mini_engine):
    with pytest.raises(RulesetNotFound) as info:
        mini_engine.evaluate({**REC, "ruleset": "minj"})
    assert "mini" in str(info.value)


def test_missing_date_is_an_error(mini_engine):
    with pytest.raises(RecordError) as info:
        mini_engine.evaluate({"ruleset": "mini", "facts": {}})
    assert info.value.code == "missing_date"


def test_determinism_byte_identical(mini_engine, tmp_path):
    """GIVEN the same record WHEN judged by two engines THEN the JSON is byte-identical."""
    a = mini_engine.evaluate(REC).to_json()
    b = Engine(mini_engine.rules_dir).evaluate(dict(reversed(list(REC.items())))).to_json()
    assert a == b
    assert b'"digest":"sha256:' in a


def test_digest_changes_with_content(tmp_path, mini_engine):
    src = (mini_engine.rules_dir / "mini" / "2026.yaml").read_text(encoding="utf-8")
    (tmp_path / "mini").mkdir()
    (tmp_path / "mini" / "2026.yaml").write_text(src.replace("approved_capacity_t * 1.1", "approved_capacity_t * 1.2"), encoding="utf-8")
    other = Engine(tmp_path).ruleset("mini", edition="2026")
    assert other.digest != mini_engine.ruleset("mini", edition="2026").digest


def test_evaluate_many_never_drops_a_record(mini_engine):
    records = [REC, {"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {"annual_output_t": -1}}, REC]
    out = list(mini_engine.evaluate_many(records))
    assert len(out) == 3
    assert out[0].major_hazard and out[2].major_hazard
    assert isinstance(out[1], RecordError) and "记录 #2" in str(out[1])


def test_model_round_trip(mini_engine):
    m = mini_engine.evaluate(REC).model()
    assert m.major_hazard and m.findings[0].rule == "mini.4.1"


def test_thread_safety(mini_engine):
    """GIVEN one engine shared by threads WHEN they evaluate at once THEN every result is the same."""
    from concurrent.futures import ThreadPoolExecutor

    fresh = Engine(mini_engine.rules_dir)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: fresh.evaluate(REC).to_json(), range(64)))
    assert len(set(results)) == 1


def test_inspection_date_usable_in_conditions(mini_engine):
    """GIVEN a rule on days since the last test WHEN the record is dated 366 days later THEN it fires."""
    det = mini_engine.evaluate({"ruleset": "mini", "inspection_date": "2026-08-01", "facts": {"last_test_date": "2025-07-31"}})
    assert "mini.10.1" in det.fired
    det = mini_engine.evaluate({"ruleset": "mini", "inspection_date": "2026-07-31", "facts": {"last_test_date": "2025-07-31"}})
    assert "mini.10.1" in det.passed
