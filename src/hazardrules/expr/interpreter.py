"""Reference tree-walking interpreter: slow, obviously correct, the oracle for the compiler.

Every conformance case and every ruleset example runs through both this and the generated Python;
they must agree. The explainer also uses it, because it needs intermediate values the fast path
does not keep.
"""

from __future__ import annotations

from . import ast
from .checker import Checked
from .compiler import computed
from .runtime import FLIP, OPS, all3, any3, cmp_interval, cmp_tolerant, count3, days_between, add_months, interval_number, sum3


def evaluate(checked: Checked, facts: dict, tables: dict | None = None):
    """Value of the condition for ``facts`` (True/False/None for conditions)."""
    return _Interp(checked, tables or {}).eval(checked.root, [facts])


class _Interp:
    def __init__(self, checked: Checked, tables: dict):
        self.c = checked
        self.tables = tables

    def eval(self, node: ast.Node, scopes: list[dict]):
        return getattr(self, "i_" + type(node).__name__)(node, scopes)

    def i_Num(self, node, scopes):
        return node.value

    i_Str = i_Bool = i_DateLit = i_Num

    def i_Name(self, node, scopes):
        ref = self.c.refs[id(node)]
        return scopes[ref.level].get(ref.field.name)

    def i_Unary(self, node, scopes):
        v = self.eval(node.operand, scopes)
        if v is None:
            return None
        return (not v) if node.op == "not" else -v

    def i_Binary(self, node, scopes):
        a = self.eval(node.left, scopes)
        b = self.eval(node.right, scopes)
        if a is None or b is None:
            return None
        if node.op == "/":
            return None if b == 0 else a / b
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        return a * b

    def _value(self, node, scopes):
        v = self.eval(node, scopes)
        return interval_number(v) if self.c.type_of(node).interval else v

    def i_Compare(self, node, scopes):
        lt, rt = self.c.type_of(node.left), self.c.type_of(node.right)
        if lt.interval and not rt.interval:
            return cmp_interval(self.eval(node.left, scopes), node.op, self.eval(node.right, scopes))
        if rt.interval and not lt.interval:
            return cmp_interval(self.eval(node.right, scopes), FLIP[node.op], self.eval(node.left, scopes))
        if lt.interval and rt.interval:
            return cmp_interval(self.eval(node.left, scopes), node.op, self._value(node.right, scopes))
        a = self.eval(node.left, scopes)
        b = self.eval(node.right, scopes)
        if a is None or b is None:
            return None
        if computed(node):
            return cmp_tolerant(a, node.op, b)
        return OPS[node.op](a, b)

    def i_Logic(self, node, scopes):
        values = (self.eval(op, scopes) for op in node.operands)
        return all3(values) if node.op == "and" else any3(values)

    def i_In(self, node, scopes):
        v = self.eval(node.operand, scopes)
        if v is None:
            return None
        inside = v in {c.value for c in node.choices}
        return not inside if node.negated else inside

    def i_Call(self, node, scopes):
        f = node.func
        args = node.args
        if f in ("any", "all", "count", "sum"):
            items = self.eval(args[0], scopes)
            if items is None:
                return None
            values = [self.eval(args[1], scopes + [item]) for item in items]
            return {"any": any3, "all": all3, "count": count3, "sum": sum3}[f](values)
        if f == "len":
            items = self.eval(args[0], scopes)
            return None if items is None else len(items)
        if f == "count_true":
            return count3([self.eval(a, scopes) for a in args])
        if f in ("known", "missing"):
            present = self.eval(args[0], scopes) is not None
            return present if f == "known" else not present
        if f in ("min", "max", "abs"):
            values = [self._value(a, scopes) for a in args]
            if any(v is None for v in values):
                return None
            return {"min": min, "max": max}[f](values) if f != "abs" else abs(values[0])
        if f == "days_between":
            return days_between(self.eval(args[0], scopes), self.eval(args[1], scopes))
        if f == "add_months":
            return add_months(self.eval(args[0], scopes), args[1].value)
        if f == "lookup":
            key = self.eval(args[1], scopes)
            return None if key is None else self.tables[args[0].name].get(key)
        raise AssertionError(f"unchecked function {f}")
