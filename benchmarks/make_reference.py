"""Writes ``reference_coal.py``: the coal-mine rules as plain Python if-statements.

The reference the engine is measured against must compute the same outcomes (fired, passed,
undetermined, not applicable) with three-valued logic, written the way a careful programmer would by
hand: one straight-line function, every fact read once into a local, every rule an if/elif chain over
locals, loops over units written out, no helper calls, no conditional expressions, no walrus. Typing
198 rules by hand would add only typos, so this script writes that code once from the YAML, by a
route independent of the engine's compiler (it walks the same syntax tree but emits statements).
Re-run it after the ruleset changes: ``python benchmarks/make_reference.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hazardrules import Engine
from hazardrules.compile import counted_elements
from hazardrules.expr import ast

OPS = {"==", "!=", "<", "<=", ">", ">="}


class Writer:
    def __init__(self, checked, tables):
        self.c = checked
        self.tables = tables
        self.n = 0
        self.lines: list[str] = []

    def tmp(self) -> str:
        self.n += 1
        return f"x{self.n}"

    def out(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def value(self, node, ind: int, depth: int) -> str:
        """Emit statements computing ``node`` into a fresh local; return its name (or a literal)."""
        if isinstance(node, (ast.Num, ast.Str, ast.Bool)):
            return repr(node.value)
        if isinstance(node, ast.DateLit):
            return f"date({node.value.year}, {node.value.month}, {node.value.day})"
        if isinstance(node, ast.Name):
            ref = self.c.refs[id(node)]
            return f"v_{ref.field.name}" if ref.level == 0 else f"u{ref.level}.get({ref.field.name!r})"
        t = self.tmp()
        if isinstance(node, ast.Compare) and not (self.c.type_of(node.left).interval or self.c.type_of(node.right).interval):
            a = self.value(node.left, ind, depth)
            b = self.value(node.right, ind, depth)
            checks = " or ".join(f"{v} is None" for v in (a, b) if not _literal(v))
            self.out(ind, f"if {checks}:")
            self.out(ind + 1, f"{t} = None")
            self.out(ind, "else:")
            self.out(ind + 1, f"{t} = {a} {node.op} {b}")
            return t
        if isinstance(node, ast.Logic):
            stop, go = ("False", "True") if node.op == "and" else ("True", "False")
            self.out(ind, f"{t} = {go}")
            for operand in node.operands:
                v = self.value(operand, ind, depth)
                self.out(ind, f"if {v} is {stop}:")
                self.out(ind + 1, f"{t} = {stop}")
                self.out(ind, f"elif {v} is None and {t} is {go}:")
                self.out(ind + 1, f"{t} = None")
            return t
        if isinstance(node, ast.Unary):
            v = self.value(node.operand, ind, depth)
            op = "not " if node.op == "not" else "-"
            self.out(ind, f"{t} = None if {v} is None else {op}{v}")
            return t
        if isinstance(node, ast.Binary):
            a = self.value(node.left, ind, depth)
            b = self.value(node.right, ind, depth)
            checks = " or ".join(f"{v} is None" for v in (a, b) if not _literal(v))
            if node.op == "/" and not _literal(b):
                checks += f" or {b} == 0"
            self.out(ind, f"if {checks}:")
            self.out(ind + 1, f"{t} = None")
            self.out(ind, "else:")
            self.out(ind + 1, f"{t} = {a} {node.op} {b}")
            return t
        if isinstance(node, ast.In):
            v = self.value(node.operand, ind, depth)
            choices = repr(tuple(c.value for c in node.choices))
            self.out(ind, f"{t} = None if {v} is None else ({v} {'not in' if node.negated else 'in'} {choices})")
            return t
        if isinstance(node, ast.Call):
            return self.call(node, t, ind, depth)
        if isinstance(node, ast.Compare):  # a count compared with a number: decided only when the interval agrees
            iv, other, op = (node.left, node.right, node.op) if self.c.type_of(node.left).interval else (node.right, node.left, {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}[node.op])
            lo, hi = self.interval(iv, ind, depth)
            k = self.value(other, ind, depth)
            self.out(ind, f"if {lo} is None or {k} is None:")
            self.out(ind + 1, f"{t} = None")
            self.out(ind, f"elif ({lo} {op} {k}) == ({hi} {op} {k}):" if op not in ("==", "!=") else f"elif {lo} == {hi}:")
            self.out(ind + 1, f"{t} = {lo} {op} {k}")
            if op in ("==", "!="):
                self.out(ind, f"elif {lo} <= {k} <= {hi}:")
                self.out(ind + 1, f"{t} = None")
                self.out(ind, "else:")
                self.out(ind + 1, f"{t} = {op == '!='}")
            else:
                self.out(ind, "else:")
                self.out(ind + 1, f"{t} = None")
            return t
        raise NotImplementedError(type(node).__name__)

    def interval(self, node, ind, depth):
        lo, hi = self.tmp(), self.tmp()
        if node.func == "count_true":
            self.out(ind, f"{lo} = {hi} = 0")
            for a in node.args:
                v = self.value(a, ind, depth)
                self.out(ind, f"if {v} is True:\n{'    ' * (ind + 1)}{lo} += 1\n{'    ' * (ind + 1)}{hi} += 1")
                self.out(ind, f"elif {v} is None:\n{'    ' * (ind + 1)}{hi} += 1")
            return lo, hi
        items = self.value(node.args[0], ind, depth)
        self.out(ind, f"if {items} is None:")
        self.out(ind + 1, f"{lo} = {hi} = None")
        self.out(ind, "else:")
        self.out(ind + 1, f"{lo} = {hi} = 0")
        self.out(ind + 1, f"for u{depth + 1} in {items}:")
        v = self.value(node.args[1], ind + 2, depth + 1)
        self.out(ind + 2, f"if {v} is True:\n{'    ' * (ind + 3)}{lo} += 1\n{'    ' * (ind + 3)}{hi} += 1")
        self.out(ind + 2, f"elif {v} is None:\n{'    ' * (ind + 3)}{hi} += 1")
        return lo, hi

    def call(self, node, t, ind, depth):
        f = node.func
        if f in ("any", "all"):
            stop, go = ("True", "False") if f == "any" else ("False", "True")
            items = self.value(node.args[0], ind, depth)
            self.out(ind, f"if {items} is None:")
            self.out(ind + 1, f"{t} = None")
            self.out(ind, "else:")
            self.out(ind + 1, f"{t} = {go}")
            self.out(ind + 1, f"for u{depth + 1} in {items}:")
            v = self.value(node.args[1], ind + 2, depth + 1)
            self.out(ind + 2, f"if {v} is {stop}:")
            self.out(ind + 3, f"{t} = {stop}")
            self.out(ind + 3, "break")
            self.out(ind + 2, f"if {v} is None:")
            self.out(ind + 3, f"{t} = None")
            return t
        if f in ("count", "count_true"):
            lo, hi = self.interval(node, ind, depth)
            self.out(ind, f"{t} = {lo} if {lo} == {hi} else None")
            return t
        if f == "sum":
            items = self.value(node.args[0], ind, depth)
            self.out(ind, f"{t} = None if {items} is None else 0")
            self.out(ind, f"for u{depth + 1} in ({items} or ()):")
            v = self.value(node.args[1], ind + 1, depth + 1)
            self.out(ind + 1, f"if {v} is None:\n{'    ' * (ind + 2)}{t} = None\n{'    ' * (ind + 2)}break")
            self.out(ind + 1, f"{t} += {v}")
            return t
        if f in ("known", "missing"):
            v = self.value(node.args[0], ind, depth)
            self.out(ind, f"{t} = {v} is {'not ' if f == 'known' else ''}None")
            return t
        if f == "len":
            v = self.value(node.args[0], ind, depth)
            self.out(ind, f"{t} = None if {v} is None else len({v})")
            return t
        if f in ("min", "max", "abs"):
            vs = [self.value(a, ind, depth) for a in node.args]
            self.out(ind, f"if {' or '.join(v + ' is None' for v in vs)}:")
            self.out(ind + 1, f"{t} = None")
            self.out(ind, "else:")
            self.out(ind + 1, f"{t} = {f}({', '.join(vs)})")
            return t
        if f == "lookup":
            key = self.value(node.args[1], ind, depth)
            self.out(ind, f"{t} = None if {key} is None else {self.tables[node.args[0].name].values!r}.get({key})")
            return t
        if f == "days_between":
            a, b = self.value(node.args[0], ind, depth), self.value(node.args[1], ind, depth)
            self.out(ind, f"{t} = None if {a} is None or {b} is None else ({b} - {a}).days")
            return t
        raise NotImplementedError(f)


def _literal(code: str) -> bool:
    return not (code.startswith(("v_", "x", "u")) and not code.startswith("'"))


def write(rs) -> str:
    body, fields = [], set()
    shared: dict[str, str] = {}  # like a programmer would, compute a shared applicability test once
    for i, rule in enumerate(rs.rules):
        assert not rule.is_count, "the coal standard has no counting rules"
        body.append(f"    # {rule.id}  {rule.cite}")
        for c in (rule.applies, rule.when):
            fields.update(c.fields if c else ())
        if rule.applies is not None:
            key = ast.dump(rule.applies.root)
            w = Writer(rule.applies, rs.tables)
            w.n = 1000 * i
            if key in shared:
                a = shared[key]
            else:
                a = shared[key] = w.value(rule.applies.root, 1, 0)
                body += w.lines
            body.append(f"    if {a} is False:\n        s{i} = 3\n    else:")
            w2 = Writer(rule.when, rs.tables)
            w2.n = w.n + 500
            v = w2.value(rule.when.root, 2, 0)
            body += w2.lines
            body.append(f"        if {v} is True and {a} is True:\n            s{i} = 1\n        elif {v} is False:\n"
                        f"            s{i} = 0\n        else:\n            s{i} = 2")
        else:
            w = Writer(rule.when, rs.tables)
            w.n = 1000 * i
            v = w.value(rule.when.root, 1, 0)
            body += w.lines
            body.append(f"    if {v} is True:\n        s{i} = 1\n    elif {v} is False:\n        s{i} = 0\n    else:\n        s{i} = 2")
    loads = [f"    v_{n} = facts.get({n!r})" for n in sorted(fields)]
    head = [f'"""Hand-written-style reference for {rs.id} {rs.edition} ({rs.document}), {len(rs.rules)} rules.',
            "", "Written by benchmarks/make_reference.py from the YAML; see its docstring. Do not edit.", '"""', "",
            "from datetime import date  # noqa: F401", "", f"DIGEST = {rs.digest!r}", f"RULE_IDS = {tuple(r.id for r in rs.rules)!r}",
            "", "", "def evaluate(facts):", '    """Status per rule: 0 passed, 1 fired, 2 undetermined, 3 not applicable."""']
    tail = [f"    return ({', '.join(f's{i}' for i in range(len(rs.rules)))},)", ""]
    return "\n".join(head + loads + body + tail)


if __name__ == "__main__":
    edition = sys.argv[1] if len(sys.argv) > 1 else "2026"
    rs = Engine().ruleset("coal-mine", edition=edition)
    out = Path(__file__).with_name("reference_coal.py")
    out.write_text(write(rs), encoding="utf-8")
    print(f"wrote {out} ({len(rs.rules)} rules)")
