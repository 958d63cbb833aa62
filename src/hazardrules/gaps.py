"""What a record still lacks: the facts that can change an undetermined rule, ranked.

A missing fact is reported for a rule only when recording it could still change that rule's
outcome: the walk descends only into sub-conditions whose value is still unknown, so the other
alternatives of an ``or`` that already holds, or the operands of an ``and`` that already fails, are
never asked for. Units of a list are named (``faces[W1].gas_pct``). The ranking counts, for each
missing fact, how many undetermined rules it takes part in; scope facts (``scope: true`` in the
ruleset) are reported first, with the number of rules they block.

Runs the reference interpreter, only when output is rendered (evaluation itself pays nothing).
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from .compile import CompiledRule, CompiledRuleset, counted_elements
from .explain import json_value
from .expr import ast
from .expr.interpreter import _Interp

if TYPE_CHECKING:  # pragma: no cover
    from .results import Determination


def _undecided(v) -> bool:
    return v is None or (isinstance(v, tuple) and v[0] != v[1])


class _WhatIf(_Interp):
    """Values as they could become once the missing facts are recorded: ``known(x)`` and ``missing(x)`` of an
    absent fact are unknown rather than decided. Without this, a measured value that a stated judgement stands in
    for (``(known(a) and a > b) or (missing(a) and a_stated)``) would never be asked for, only the judgement."""

    def i_Call(self, node, scopes):
        if node.func in ("known", "missing") and self.eval(node.args[0], scopes) is None:
            return None
        return super().i_Call(node, scopes)


class _Walk:
    """Collects the missing facts below the undecided nodes of one condition."""

    def __init__(self, checked, tables: dict, out: list[str]):
        self.c = checked
        self.interp = _WhatIf(checked, tables)
        self.out = out

    def run(self, facts: dict) -> None:
        self.node(self.c.root, [facts], [""])

    def node(self, node: ast.Node, scopes: list, prefixes: list[str]) -> None:
        if isinstance(node, ast.Name) and id(node) not in self.c.refs:
            return  # a table's name (lookup's first argument), not a fact
        if not _undecided(self.interp.eval(node, scopes)):
            return  # decided: nothing below it can change the outcome
        if isinstance(node, ast.Name):
            ref = self.c.refs[id(node)]
            path = prefixes[ref.level] + ref.field.name
            if path not in self.out:
                self.out.append(path)
            return
        if isinstance(node, ast.Call) and node.func in ("any", "all", "count", "sum"):
            items = self.interp.eval(node.args[0], scopes)
            if items is None:
                self.node(node.args[0], scopes, prefixes)
                return
            lf = self.c.refs[id(node.args[0])].field
            for item in items:
                unit = f"{prefixes[len(scopes) - 1]}{lf.name}[{item.get(lf.key, '?')}]."
                self.node(node.args[1], scopes + [item], prefixes + [unit])
            return
        for child in _children(node):
            self.node(child, scopes, prefixes)


def _children(node: ast.Node):
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, ast.Node):
            yield value
        elif isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, ast.Node))


def _tables(rs: CompiledRuleset) -> dict:
    return {n: t.values for n, t in rs.tables.items()}


def _condition_gaps(rule: CompiledRule, rs: CompiledRuleset, facts: dict, tables: dict, out: list[str]) -> None:
    """Missing facts of a rule or counting element whose own value is unknown."""
    applies = True if rule.applies is None else _Interp(rule.applies, tables).eval(rule.applies.root, [facts])
    if applies is False:
        return
    if rule.is_count:
        members = [(e, _element_value(e, facts, tables)) for e in counted_elements(rule, rs.elements)]
        lo = sum(1 for _, v in members if v is True)
        hi = lo + sum(1 for _, v in members if v is None)
        when = True if lo >= rule.at_least else (False if hi < rule.at_least else None)
        if when is None:  # only the elements still unknown can move the count across its threshold
            for e, v in members:
                if v is None:
                    _condition_gaps(e, rs, facts, tables, out)
    else:
        when = _Interp(rule.when, tables).eval(rule.when.root, [facts])
    if applies is None and when is not False:
        _Walk(rule.applies, tables, out).run(facts)
    if when is None and not rule.is_count:
        _Walk(rule.when, tables, out).run(facts)


def _element_value(e: CompiledRule, facts: dict, tables: dict):
    a = True if e.applies is None else _Interp(e.applies, tables).eval(e.applies.root, [facts])
    if a is False:
        return False
    w = _Interp(e.when, tables).eval(e.when.root, [facts])
    if a is True:
        return w
    return False if w is False else None


def missing_facts(rule: CompiledRule, facts: dict, rs: CompiledRuleset) -> list[str]:
    """The facts an undetermined rule still needs: each one could change its outcome once recorded."""
    out: list[str] = []
    _condition_gaps(rule, rs, facts, _tables(rs), out)
    return out


def ranked_needs(det: "Determination", *, major_only: bool = False) -> list[tuple[str, int]]:
    """Each missing fact once, with how many undetermined rules it takes part in; most first.

    Ties keep the order of the checklist (declaration order of the fields)."""
    rs = det.compiled
    counts: dict[str, int] = {}
    for u in det.undetermined:
        if major_only and rs.rule_by_id[u["rule"]].kind != "major":
            continue
        for m in u["missing"]:
            counts[m] = counts.get(m, 0) + 1
    order = {name: i for i, name in enumerate(rs.fields.names())}
    return sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0].split("[")[0], len(order)), kv[0]))


def field_of(rs: CompiledRuleset, path: str):
    """The declared field of a fact path: ``mine_type`` or ``ponds[P1].storage_type``."""
    f = rs.fields.get(path.split("[")[0])
    if f is not None and "[" in path and f.item is not None:
        f = f.item.get(path.rsplit(".", 1)[-1])
    return f


def missing_scope(det: "Determination") -> list[tuple[str, int]]:
    """Scope facts (``scope: true``) left empty that block some undetermined major rule, with how many.

    A scope fact that blocks nothing (a gas class when the mine is open-pit) is not named."""
    rs = det.compiled
    out = []
    for path, n in ranked_needs(det, major_only=True):
        f = field_of(rs, path)
        if f is not None and f.scope:
            out.append((path, n))
    return out


def counting_progress(det: "Determination") -> list[dict]:
    """Every counting rule (GB 35181 综合判定) that applied and did not fire: what was counted, even below the
    threshold, and how many members are still unknown."""
    from .compile import FIRED, NOT_APPLICABLE, STATUS_NAMES

    rs = det.compiled
    tables = _tables(rs)
    out = []
    for rule, status in zip(rs.rules, det.statuses):
        if not rule.is_count or status in (FIRED, NOT_APPLICABLE):
            continue
        values = [(e, _element_value(e, det.facts, tables)) for e in counted_elements(rule, rs.elements)]
        out.append({"rule": rule.id, "cite": f"{rule.document or rs.document} {rule.cite}".strip(), "title": rule.title,
                    "status": STATUS_NAMES[status], "at_least": rule.at_least,
                    "counted": [e.id for e, v in values if v is True], "unknown": [e.id for e, v in values if v is None]})
    return out


def not_applicable_reasons(det: "Determination") -> list[dict]:
    """Which recorded scope facts put rules out of scope (a whole-premises exclusion, the mine type …), each with
    the number of rules it rules out: a fact is a reason for a rule when a part of the rule's applicability
    (one operand of its top-level ``and``) that reads that fact is false."""
    from .compile import NOT_APPLICABLE

    rs = det.compiled
    tables = _tables(rs)
    order = {name: i for i, name in enumerate(rs.fields.names())}
    counts: dict[str, int] = {}
    for rule, status in zip(rs.rules, det.statuses):
        if status != NOT_APPLICABLE or rule.applies is None:
            continue
        interp = _Interp(rule.applies, tables)
        root = rule.applies.root
        parts = root.operands if isinstance(root, ast.Logic) and root.op == "and" else (root,)
        reasons: set[str] = set()
        for part in parts:
            if interp.eval(part, [det.facts]) is False:
                reasons.update(ref.field.name for ref in _refs_under(rule.applies, part)
                               if ref.level == 0 and ref.field.scope and ref.field.name in det.facts)
        for name in reasons:
            counts[name] = counts.get(name, 0) + 1
    return [{"fact": name, "value": json_value(det.facts[name]), "rules": counts[name]}
            for name in sorted(counts, key=lambda n: (-counts[n], order.get(n, 0)))]


def _refs_under(checked, node):
    refs = checked.refs
    return [refs[id(n)] for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) in refs]
