"""Property tests over every shipped ruleset (hypothesis).

GIVEN random records generated from a ruleset's declared fields, clustered at its thresholds
WHEN they are evaluated
THEN nothing crashes, the generated Python agrees with the reference interpreter on every rule, and
a record with every fact present leaves no rule undetermined.
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hazardrules import compile_ruleset
from hazardrules.catalog import scan
from hazardrules.compile import STATUS_NAMES
from hazardrules.examples import reference_status
from strategies import facts_strategy, thresholds

ROOT = Path(__file__).resolve().parent.parent
EDITIONS, _ = scan([ROOT / "rulesets"], )
COMPILED = []
for e in EDITIONS:
    try:
        COMPILED.append(compile_ruleset(e.root, e.parts))
    except Exception:  # an invalid ruleset fails in test_rulesets; here we test the valid ones
        pass
IDS = [f"{rs.id}@{rs.edition}" for rs in COMPILED]
# HAZARDRULES_DEEP=1 runs ten times as many records per ruleset (on demand, not in CI)
SETTINGS = settings(max_examples=200 if os.environ.get("HAZARDRULES_DEEP") else 20, deadline=None,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("rs", COMPILED, ids=IDS)
def test_compiled_equals_reference(rs):
    @SETTINGS
    @given(facts_strategy(rs.fields, thresholds(rs)))
    def run(facts):
        statuses = rs.evaluate_facts(facts)
        assert len(statuses) == len(rs.rules)
        for rule, status in zip(rs.rules, statuses):
            assert STATUS_NAMES[status] == reference_status(rs, rule, facts), rule.id

    run()


@pytest.mark.parametrize("rs", COMPILED, ids=IDS)
def test_all_facts_present_means_decided(rs):
    @SETTINGS
    @given(facts_strategy(rs.fields, thresholds(rs), required=True))
    def run(facts):
        statuses = rs.evaluate_facts(facts)
        undecided = [r.id for r, s in zip(rs.rules, statuses) if STATUS_NAMES[s] == "undetermined"]
        assert not undecided

    run()


def test_mini_random_records_never_crash(mini_engine):
    rs = mini_engine.ruleset("mini", edition="2026")

    @SETTINGS
    @given(facts_strategy(rs.fields, thresholds(rs)), st.sampled_from(["zh", "en"]))
    def run(facts, lang):
        from hazardrules.results import Determination

        det = Determination(rs, facts, rs.evaluate_facts(facts))
        det.to_json(lang)  # explanations render for every fired rule

    run()


@pytest.mark.parametrize("rs", COMPILED[:4], ids=IDS[:4])
def test_fast_validation_equals_full_validation(rs):
    """GIVEN random valid facts WHEN validated by the fast path and by the explaining path THEN both agree."""
    from hazardrules import records

    @SETTINGS
    @given(facts_strategy(rs.fields, thresholds(rs)))
    def run(facts):
        facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in facts.items()}
        problems = []
        full = records._table(facts, rs.fields, "", "", problems, False)
        fast = records._fast_table(facts, records._checkers(rs.fields))
        assert not problems
        assert fast is records._BAD or fast == full

    run()


def _read_fields(rs) -> list:
    names = {n for r in rs.rules + rs.elements for c in (r.applies, r.when) if c is not None for n in c.fields}
    return [rs.fields[n] for n in sorted(names)]


_BAD_VALUES = st.sampled_from(["abc", "", True, False, 1.5, 3, -1, 1e16, float("nan"), float("inf"), [], {}, "2026-08-14",
                               "是", "否", "高瓦斯", None])


@pytest.mark.parametrize("rs", COMPILED, ids=IDS)
def test_fused_validation_and_evaluation_equal_the_full_path(rs):
    """GIVEN facts the rules read, some values spoiled WHEN judged by the generated validating evaluator
    THEN it either declines (None: the explaining path decides) or equals normalize_facts + evaluate_facts;
    it never accepts what the full validation refuses."""
    from datetime import date

    from hazardrules.errors import RecordError
    from hazardrules.records import normalize_facts

    read = _read_fields(rs)
    spoil = st.dictionaries(st.sampled_from([f.name for f in read] + ["not_a_field"]), _BAD_VALUES, max_size=2) \
        if read else st.just({})

    @SETTINGS
    @given(facts_strategy(read, thresholds(rs)), spoil, st.dates(date(2015, 1, 1), date(2030, 12, 31)))
    def run(facts, spoiled, day):
        facts = dict(facts, **spoiled)
        fused = rs.evaluate_checked(facts, day)
        try:
            normal = normalize_facts(facts, rs.fields, "")
        except RecordError:
            assert fused is None, "the fused path accepted facts the full validation refuses"
            return
        normal.setdefault("inspection_date", day)
        if fused is not None:
            assert fused == rs.evaluate_facts(normal)
            assert {k: v for k, v in facts.items() if v is not None} | {"inspection_date": normal["inspection_date"]} == normal

    run()


def test_engine_fused_path_equals_prepare(shipped_engine):
    """Engine.judge on plain typed records equals prepare + evaluate_facts, and it is taken (not always declined)."""
    rs = shipped_engine.ruleset("coal-mine", edition="2026")
    read = _read_fields(rs)
    taken = []

    @SETTINGS
    @given(facts_strategy(read, thresholds(rs)))
    def run(facts):
        record = {"ruleset": "coal-mine", "record_id": "R1", "inspection_date": "2026-08-14", "facts": facts}
        got_rs, got_facts, got = shipped_engine.judge(record)
        want_rs, want_facts = shipped_engine.prepare(record)
        assert got_rs is want_rs and got_facts == want_facts and got == want_rs.evaluate_facts(want_facts)
        taken.append(rs.evaluate_checked(facts, want_facts["inspection_date"]) is not None)

    run()
    assert any(taken), "the fused path was never taken: the test would prove nothing"
