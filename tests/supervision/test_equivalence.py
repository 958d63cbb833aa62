"""durable_rules and our compiled conditions must fire exactly the same policy rules.

Two properties: (1) the shipped policies over random complete facts (values drawn around the
thresholds the policies use); (2) random conditions built from the condition language's operators
(and/or/not, comparisons either way round, in / not in, arithmetic on the right) over random facts.
"""

import os
from itertools import count
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hazardrules.expr import compile_condition
from hazardrules.supervision import facts as facts_mod
from hazardrules.supervision.durable_host import DurableReasoner, NotExpressible, _Translator
from hazardrules.supervision.policy import PolicyRule, load_policies
from hazardrules.supervision.reasoner import CompiledReasoner

ROOT = Path(__file__).resolve().parents[2]
DEEP = bool(os.environ.get("HAZARDRULES_DEEP"))  # HAZARDRULES_DEEP=1: ten times more examples
SECTORS = ["coal-mine", "metal-nonmetal-mine", "fire", "construction", "hazardous-chemicals", "power",
           "urban-gas", "fireworks", "industry-trade", "special-equipment", "civil-explosives", "other"]
SMALL = st.integers(0, 40) | st.sampled_from([2, 3, 9, 10, 11, 12])
LEC = st.sampled_from([70, 70.5, 160, 160.25, 320, 320.0001, 0]) | st.floats(0, 1000, allow_nan=False)


def complete_facts():
    schema = facts_mod.schema()
    parts = {}
    for f in schema:
        if f.type == "enum":
            parts[f.name] = st.sampled_from(sorted(f.values))
        elif f.type == "bool":
            parts[f.name] = st.booleans()
        elif f.type == "integer":
            parts[f.name] = SMALL
        elif f.type == "number":
            parts[f.name] = LEC
        elif f.name == "sector":
            parts[f.name] = st.sampled_from(SECTORS)
        else:
            parts[f.name] = st.sampled_from(["coal26.4.1", "fire17.6.6", ""])
    return st.fixed_dictionaries(parts)


@pytest.fixture(scope="module")
def reasoners():
    out = []
    for p in load_policies(ROOT / "rulesets").values():
        out.append((CompiledReasoner(p), DurableReasoner.for_policy(p)))
    return out


@settings(max_examples=2000 if DEEP else 200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(facts=complete_facts())
def test_shipped_policies_agree(reasoners, facts):
    for compiled, durable in reasoners:
        assert durable.fired(facts) == compiled.fired(facts)


# -- random conditions -----------------------------------------------------------------------
INTS = ["potential_deaths", "days_overdue", "months_since_prior_close", "major_count"]
BOOLS = ["potential_deaths_known", "cross_city_impact", "cross_county_impact", "prior_closed_same_clause", "lec_known"]
ENUMS = {"ownership": ["central", "provincial", "local", "private", "unknown"],
         "found_by": ["self_check", "county", "city", "province", "national", "report"],
         "level": ["none", "county", "city", "province"]}
OPS = ["==", "!=", "<", "<=", ">", ">="]


def atoms():
    num = st.builds(lambda f, op, n, flip: f"{n} {op} {f}" if flip else f"{f} {op} {n}",
                    st.sampled_from(INTS + ["lec_d"]), st.sampled_from(OPS), st.integers(0, 15), st.booleans())
    two = st.builds(lambda a, op, b, k, arith: f"{a} {op} {b} {arith} {k}",
                    st.sampled_from(INTS), st.sampled_from(OPS), st.sampled_from(INTS), st.integers(0, 4),
                    st.sampled_from(["+", "-", "*"]))
    nested = st.builds(lambda a, op, b, k, x1, c, x2: f"{a} {op} {b} {x1} {k} {x2} {c}",
                       st.sampled_from(INTS), st.sampled_from(OPS), st.sampled_from(INTS), st.integers(0, 4),
                       st.sampled_from(["+", "-", "*"]), st.sampled_from(INTS + ["2", "7"]), st.sampled_from(["+", "-", "*"]))
    boo = st.sampled_from(BOOLS)
    enum = st.sampled_from(sorted(ENUMS)).flatmap(lambda f: st.builds(
        lambda vs, neg, eq: (f'{f} {"!=" if neg else "=="} "{vs[0]}"' if eq else
                             f'{f} {"not in" if neg else "in"} [{", ".join(chr(34) + v + chr(34) for v in vs)}]'),
        st.lists(st.sampled_from(ENUMS[f]), min_size=1, max_size=4, unique=True), st.booleans(), st.booleans()))
    return num | two | nested | boo | enum

conditions = st.recursive(atoms(), lambda inner: st.one_of(
    st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
    st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
    st.builds(lambda a: f"not ({a})", inner)), max_leaves=8)

_N = count()


def _expressible(rule) -> bool:
    from durable.lang import m

    try:
        _Translator(m, rule.where).cond(rule.condition.checked.root)
    except NotExpressible:
        return False
    return True


@settings(max_examples=1000 if DEEP else 50, deadline=None)
@given(texts=st.lists(conditions, min_size=1, max_size=6), samples=st.lists(complete_facts(), min_size=5, max_size=5))
def test_random_conditions_agree(texts, samples):
    schema = facts_mod.schema()
    rules = tuple(PolicyRule(f"r{i}", "listing", "t", t, compile_condition(t, schema, f"rule r{i}"), {}, None, True, f"r{i}")
                  for i, t in enumerate(texts))
    rules = tuple(r for r in rules if _expressible(r))  # the host refuses the rest (auto -> compiled)
    assume(rules)
    policy = SimpleNamespace(id="prop", digest=f"sha256:{next(_N):012d}", rules=rules)
    compiled, durable = CompiledReasoner(policy), DurableReasoner(policy)
    for facts in samples:
        assert durable.fired(facts) == compiled.fired(facts), (texts, facts)


def test_float_with_exponent_is_answered_by_the_reference(reasoners):
    """durable_rules fails on '1e-05' (error 204): the host answers such a request with the compiled conditions."""
    compiled, durable = reasoners[0]
    facts, _ = facts_mod.complete({"stage": "tier", "lec_d": 1e-05, "major_count": 0})
    before = durable.fallbacks
    assert durable.fired(facts) == compiled.fired(facts)
    assert durable.fallbacks == before + 1
    facts["lec_d"] = 321.5  # an ordinary float goes through durable_rules
    assert durable.fired(facts) == compiled.fired(facts) and durable.fallbacks == before + 1


def test_durable_host_is_safe_across_threads(reasoners):
    """GIVEN one shared durable_rules host WHEN 4 threads route at once THEN every answer matches the reference."""
    from concurrent.futures import ThreadPoolExecutor

    compiled, durable = reasoners[1]
    schema_defaults, _ = facts_mod.complete({})
    requests = [dict(schema_defaults, potential_deaths=i % 14, sector=SECTORS[i % len(SECTORS)],
                     ownership=["central", "private"][i % 2], hazard_class=["major", "general"][i % 3 == 0])
                for i in range(400)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(durable.fired, requests))
    assert got == [compiled.fired(r) for r in requests]
    assert len({tuple(g) for g in got}) > 3  # the requests really differ


def test_zero_operand_trap_is_refused():
    """durable_rules evaluates m.b * 0 + 2 as m.b + 2 (a falsy-zero bug): the host must not translate it."""
    schema = facts_mod.schema()
    text = "potential_deaths == days_overdue * 0 + 2"
    rule = PolicyRule("z", "listing", "t", text, compile_condition(text, schema, "z"), {}, None, True, "z")
    assert not _expressible(rule)
    fine = "potential_deaths == days_overdue * 2 + 0"  # a trailing 0 is harmless: nothing follows it
    assert _expressible(PolicyRule("f", "listing", "t", fine, compile_condition(fine, schema, "f"), {}, None, True, "f"))
