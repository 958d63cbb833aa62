"""Hunting, not only fixing (issue 11): hypothesis fuzzing of every stage a user's text reaches.

GIVEN arbitrary text and bytes for the YAML/JSON loaders, token soups and well-formed-but-odd
expressions for the condition lexer/parser/checker/compiler, and arbitrary JSON-like values as
records,
WHEN each stage runs on them,
THEN the only outcomes are a result or a :class:`HazardRulesError` — never another exception — and a
compiled condition gives exactly what the reference interpreter gives.

Inputs are bounded (sizes below the documented limits and a little over them), so a hang shows up
as hypothesis' deadline being missed. ``HAZARDRULES_FUZZ_EXAMPLES`` sets the examples per test
(default 60 in CI; the long run in docs/security.md uses 20,000); ``HAZARDRULES_DEEP=1`` multiplies
by ten as for the other property tests. ``python benchmarks/fuzz_long.py`` is the on-demand
long run (atheris if installed, else hypothesis) and prints inputs tried and crashes found.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hazardrules import Engine, HazardRulesError
from hazardrules.expr import compile_condition, interpret
from hazardrules.inputs import read_records
from hazardrules.loader import load_yaml
from hazardrules.records import check_envelope, normalize_facts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("HAZARDRULES_FUZZ_EXAMPLES", "60")) * (10 if os.environ.get("HAZARDRULES_DEEP") else 1)
FUZZ = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=5), database=None,
                suppress_health_check=list(HealthCheck))

MINI = Engine(ROOT / "tests" / "data" / "rules").ruleset("mini", edition="2026")
FIELDS, TABLES = MINI.fields, MINI.tables

# -- the YAML / JSON loaders ---------------------------------------------------------------------------
YAML_PIECES = ["a:", " b", "- ", "&x ", "*x", "<<: ", "{", "}", "[", "]", ",", ": ", "'", '"', "\n", "  ", "\t", "#",
               "!!python/object:os.system", "!!binary", "? ", "|", ">", "---", "...", "025", "0x1F", "1:30", "1e999",
               ".nan", "yes", "~", "2026-08-14", "\\x", "\x00", "\ufeff", "中文", "9" * 50]


def _yaml_soup():
    return st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join)


@FUZZ
@given(st.one_of(st.text(max_size=300), _yaml_soup()))
def test_yaml_loader_only_returns_or_raises_its_error(text):
    try:
        load_yaml("fuzz.yaml", text=text)
    except HazardRulesError:
        pass


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".json", ".jsonl", ".yaml"]))
def test_record_files_only_yield_records_or_errors(tmp_path_factory, data, suffix):
    p = tmp_path_factory.mktemp("fuzz") / f"r{suffix}"
    p.write_bytes(data)
    try:
        for _where, record in read_records(p):
            assert isinstance(record, (dict, list, str, int, float, bool, type(None), HazardRulesError))
    except HazardRulesError:
        pass


# -- the condition language ------------------------------------------------------------------------------
NAMES = [*FIELDS.names(), "gas_pct", "id", "nope", "min_freeboard_m"]
FUNCS = ["any", "all", "count", "sum", "len", "count_true", "known", "missing", "min", "max", "abs", "lookup",
         "days_between", "add_months", "date", "nofunc"]
TOKENS = NAMES + FUNCS + ["and", "or", "not", "in", "true", "false", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*",
                          "/", "(", ")", "[", "]", ",", "0", "1", "1.5", "1e15", "1e16", "1e999", "9" * 45, '"low"',
                          '"\\x"', '"\\u00e9"', '"\\ud800"', '"2026-01-01"', '"20260101"', "'1'", "=", "&", "（"]


def _token_soup():
    return st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30).map(" ".join)


def _expressions():
    """Well-formed-looking expressions (deep nesting, long chains, calls) built recursively."""
    atom = st.one_of(st.sampled_from(NAMES), st.integers(-10**16, 10**16).map(str),
                     st.floats(allow_nan=False, allow_infinity=False).map(repr), st.sampled_from(['"low"', '"1"', "true"]))

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or", "+", "-", "*", "/", "==", "<", ">="]), inner).map(" ".join),
            inner.map(lambda e: f"({e})"), inner.map(lambda e: f"not {e}"), inner.map(lambda e: f"-{e}"),
            st.tuples(st.sampled_from(FUNCS), st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
            st.tuples(st.sampled_from(["any", "all", "count", "sum"]), inner).map(lambda t: f"{t[0]}(faces, {t[1]})"),
            st.tuples(inner, st.integers(2, 80), st.sampled_from([" and ", " + "])).map(lambda t: t[2].join([t[0]] * t[1])),
        )

    return st.recursive(atom, extend, max_leaves=40)


def _facts():
    number = st.one_of(st.integers(-5, 5), st.floats(-1e15, 1e15, allow_nan=False), st.sampled_from([0, 1e-300, 1e15]))
    unit = st.fixed_dictionaries({"id": st.sampled_from(["A", "B", "C"])}, optional={"gas_pct": st.floats(0, 100)})
    return st.fixed_dictionaries({}, optional={
        "annual_output_t": number, "approved_capacity_t": number, "freeboard_m": st.floats(0, 1e3),
        "gas_class": st.sampled_from(["low", "high", "outburst"]), "no_outburst_measures": st.booleans(),
        "pond_grade": st.sampled_from(["1", "2"]), "faces": st.lists(unit, max_size=3, unique_by=lambda u: u["id"]),
        "last_test_date": st.dates(), "inspection_date": st.dates()})


@FUZZ
@given(st.one_of(_token_soup(), _expressions()), _facts())
def test_conditions_compile_or_fail_cleanly_and_agree_with_the_interpreter(text, facts):
    try:
        cond = compile_condition(text, FIELDS, "fuzz.yaml:1:1", tables=TABLES)
    except HazardRulesError:
        return
    compiled = cond(facts)
    reference = interpret(cond.checked, facts, TABLES)
    assert compiled == reference or (isinstance(compiled, float) and isinstance(reference, float)
                                     and compiled != compiled and reference != reference), (text, facts)


# -- records ---------------------------------------------------------------------------------------------
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=8),
              st.sampled_from(["2026-08-14", "20260814", "0101", "low", "是", "true", "1e308", "\x1b[2J"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20)


@FUZZ
@given(st.dictionaries(st.sampled_from([*FIELDS.names(), "x", "faces"]), JSONISH, max_size=6), st.booleans())
def test_record_validation_only_returns_facts_or_raises_record_errors(facts, coerce):
    try:
        out = normalize_facts(facts, FIELDS, "fuzz", coerce=coerce)
    except HazardRulesError:
        return
    MINI.evaluate_facts(out)  # validated facts always evaluate
    orjson.dumps(out, default=str)


@FUZZ
@given(st.dictionaries(st.sampled_from(["ruleset", "record_id", "inspection_date", "enterprise", "facts", "edition",
                                        "found_by", "inspectors", "other"]), JSONISH, max_size=6))
def test_whole_records_are_judged_or_refused(record):
    record = dict(record, ruleset="mini") if "ruleset" not in record or len(record) % 2 else record
    try:
        check_envelope(record, "fuzz")
        det = ENGINE.evaluate(record, where="fuzz")
    except HazardRulesError:
        return
    det.to_json()
    det.to_json("en")


ENGINE = Engine(ROOT / "tests" / "data" / "rules")


def test_the_fuzzing_budget_is_real():
    """The suite must actually run examples (a misconfigured settings object would make it vacuous)."""
    assert EXAMPLES >= 1
    with pytest.raises(HazardRulesError):
        compile_condition("x >", FIELDS)
