"""Code generation: a ruleset edition's conditions become one Python function, ``_evaluate(facts)`` -> a status per
rule, and its twin ``_evaluate_checked(facts, day)`` with the record validation fused into the loads.

The source is built only from type-checked condition trees (no text from a ruleset is pasted into code).
"""

from __future__ import annotations

from datetime import date

from .errors import RulesetError, diag
from .expr import Checked, FieldTable
from .expr.ast import dump
from .expr.compiler import Emitter, ExprCompiler, field_var
from .expr.runtime import GLOBALS
from .limits import MAX_MAGNITUDE

INSPECTION_DATE = "inspection_date"


def generate(fields: FieldTable, tables, elements, rules, counted: dict, name: str):
    """The source and the two functions of one edition; ``counted`` maps a counting rule's index to its elements."""
    em = Emitter()
    table_consts = {t.name: em.const(dict(t.values), "table") for t in tables}
    used: set[str] = set()
    body: list[str] = []

    shared: dict[str, str] = {}  # applicability conditions many rules share are computed once

    def cond(checked: Checked | None, indent: str = "    ", where: str = "") -> str | None:
        if checked is None:
            return None
        used.update(checked.fields)
        compiler = ExprCompiler(checked, em, table_consts)
        code = compiler.compile(where)
        body.extend(indent + line for line in compiler.prelude)
        return code

    def applies(checked: Checked | None, where: str) -> str | None:
        if checked is None:
            return None
        key = dump(checked.root)
        if key not in shared:
            shared[key] = f"_ap{len(shared)}"
            body.append(f"    {shared[key]} = {cond(checked, where=where)}")
        return shared[key]

    for e in elements:
        a = applies(e.applies, e.where)
        w = cond(e.when, where=e.where)
        if a is None:
            body.append(f"    e{e.index} = {w}")
        else:
            body.append(f"    _w = {w}")
            body.append(f"    e{e.index} = False if {a} is False else (_w if {a} is True else "
                        f"(False if _w is False else None))")
    for r in rules:
        a = applies(r.applies, r.where)
        if a is None:
            w = _count_code(r, counted[r.index]) if r.is_count else cond(r.when, where=r.where)
            body.append(f"    _w = {w}")
            body.append(f"    s{r.index} = 1 if _w is True else (0 if _w is False else 2)")
        else:
            body.append(f"    if {a} is False:\n        s{r.index} = 3\n    else:")
            w = _count_code(r, counted[r.index]) if r.is_count else cond(r.when, "        ", r.where)
            body.append(f"        _w = {w}")
            body.append(f"        s{r.index} = (1 if _w is True else (0 if _w is False else 2)) if {a} is True "
                        f"else (0 if _w is False else 2)")
    loads = [f"    {field_var(n)} = _g({n!r})" for n in sorted(used)]
    statuses = ", ".join(f"s{r.index}" for r in rules)
    source = "\n".join(["def _evaluate(f):", "    _g = f.get", *loads, *body, f"    return ({statuses},)", "",
                        *_checked_head(fields, used, em), *body, f"    return ({statuses},)", ""])
    namespace = dict(GLOBALS)
    namespace.update(em.consts)
    try:
        code = compile(source, f"<ruleset {name}>", "exec")  # generated from checked ASTs only
    except (SyntaxError, RecursionError, MemoryError) as exc:  # the limits should make this unreachable
        raise RulesetError(diag("ruleset_too_complex", name, f"规则集生成的代码超出 Python 的限制（{exc}）；请拆分复杂条件",
                                f"the ruleset's generated code exceeds Python's limits ({exc}); split complex conditions")) from None
    exec(code, namespace)
    return source, namespace["_evaluate"], namespace["_evaluate_checked"]


def _checked_head(fields: FieldTable, used: set[str], em: Emitter) -> list[str]:
    """Head of ``_evaluate_checked(f, day)``: validation fused with the loads of the evaluation.

    Accepts only what the record fast path would pass unchanged (typed values within bounds, enum ids,
    ``date`` objects, no lists, no field the rules do not read); on anything else it returns None and
    the caller takes the explaining path (:func:`hazardrules.records.normalize_facts`), so messages and
    conversions stay exactly those of the full validation. ``day`` stands for a missing
    ``inspection_date`` fact, as :meth:`Engine.prepare` adds it.
    """
    lines = ["def _evaluate_checked(f, _day):",
             f"    if not f.keys() <= {em.const(frozenset(used), 'fieldset')}:", "        return None", "    _g = f.get"]
    date_class = em.const(date, "class")
    float_, int_, bool_, str_ = (em.const(c, "class") for c in (float, int, bool, str))  # generated code has no builtins
    for n in sorted(used):
        v, f = field_var(n), fields[n]
        lines.append(f"    {v} = _g({n!r})")
        if n == INSPECTION_DATE:
            lines.append(f"    if {v} is None:\n        {v} = _day")
        lo = -MAX_MAGNITUDE if f.min is None else max(f.min, -MAX_MAGNITUDE)
        hi = MAX_MAGNITUDE if f.max is None else min(f.max, MAX_MAGNITUDE)
        if f.type == "number":
            bad = f"({v}.__class__ is not {float_} and {v}.__class__ is not {int_}) or not {lo!r} <= {v} <= {hi!r}"
        elif f.type == "integer":
            bad = f"{v}.__class__ is not {int_} or not {lo!r} <= {v} <= {hi!r}"
        elif f.type == "bool":
            bad = f"{v}.__class__ is not {bool_}"
        elif f.type == "enum":
            bad = f"{v}.__class__ is not {str_} or {v} not in {em.const(frozenset(f.values or ()), 'enumset')}"
        elif f.type == "string":
            bad = f"{v}.__class__ is not {str_}"
        elif f.type == "date":
            bad = f"{v}.__class__ is not {date_class}"
        else:  # lists of units: converted item by item, by the records module
            bad = "True"
        lines.append(f"    if {v} is not None and ({bad}):\n        return None")
    return lines


def _count_code(rule, counted) -> str:
    members = ", ".join(f"e{e.index}" for e in counted)
    return f"_civ(_count3(({members},)), '>=', {rule.at_least})"
