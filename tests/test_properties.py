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
