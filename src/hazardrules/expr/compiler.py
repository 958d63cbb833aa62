"""Checked AST -> Python source, one expression per condition, Kleene logic spelled out inline.

The generated code is straight-line Python over local variables, so a whole ruleset becomes one
function (see :mod:`hazardrules.compile`). Only code emitted here from a closed set of node types is
ever executed; user text never reaches ``compile()``. Nullability is tracked per node so that
comparisons of facts that cannot be missing skip the ``is None`` checks.
"""

from __future__ import annotations

import re

from ..errors import ConditionSyntaxError, diag
from ..limits import MAX_GENERATED_NESTING
from . import ast
from .checker import Checked, Ref
from .runtime import FLIP

_SIMPLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$|^-?\d+(\.\d+)?([eE][+-]?\d+)?$|^'[^'\\]*'$")


class Emitter:
    """Shared state while emitting one module: temp names and module-level constants."""

    def __init__(self) -> None:
        self.n = 0
        self.consts: dict[str, object] = {}
        self._const_ids: dict[tuple, str] = {}

    def tmp(self) -> str:
        self.n += 1
        return f"_t{self.n}"

    def const(self, value, kind: str) -> str:
        key = (kind, repr(sorted(value, key=repr)) if isinstance(value, frozenset) else repr(value))
        name = self._const_ids.get(key)
        if name is None:
            name = f"_K{len(self.consts)}"
            self._const_ids[key] = name
            self.consts[name] = value
        return name


def generated_nesting(code: str) -> int:
    """Deepest parenthesis nesting of generated code (string literals may only overstate it)."""
    depth = deepest = 0
    for ch in code:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def field_var(name: str) -> str:
    """Local variable holding a record-level fact."""
    return "v_" + name


class ExprCompiler:
    """Compiles one checked condition to a Python expression string."""

    def __init__(self, checked: Checked, emitter: Emitter, tables: dict[str, str] | None = None):
        self.checked = checked
        self.em = emitter
        self.tables = tables or {}  # table name -> const variable holding its dict
        self.prelude: list[str] = []  # statements (loops over units) that must run before the expression

    def compile(self, where: str = "") -> str:
        """The condition as one Python expression; statements it needs first are in ``self.prelude``.

        Raises :class:`ConditionSyntaxError` when the expression would nest deeper than CPython's
        parser allows (the parser's limits bound each dimension; this bounds their combination).
        """
        code, _ = self.emit(self.checked.root, 0)
        if max(generated_nesting(line) for line in (code, *self.prelude)) > MAX_GENERATED_NESTING:
            raise ConditionSyntaxError(diag(
                "condition_too_complex", where, "条件过于复杂（嵌套的 and/or/运算过多）；请拆分为多条规则或计数要素",
                "condition too complex (too many nested and/or/operations); split it into rules or counted elements"))
        return code

    # returns (code, nullable)
    def emit(self, node: ast.Node, depth: int) -> tuple[str, bool]:
        return getattr(self, "e_" + type(node).__name__)(node, depth)

    def e_Num(self, node, depth):
        return repr(node.value), False

    def e_Str(self, node, depth):
        return repr(node.value), False

    def e_Bool(self, node, depth):
        return repr(node.value), False

    def e_DateLit(self, node, depth):
        return self.em.const(node.value, "date"), False

    def e_Name(self, node, depth):
        ref: Ref = self.checked.refs[id(node)]
        if ref.level == 0:
            return field_var(ref.field.name), True
        return f"i{ref.level}.get({ref.field.name!r})", True

    def _guard(self, parts: list[tuple[str, bool]]) -> tuple[list[str], list[str]]:
        """Bind nullable operands to names; return (None-checks, operand names)."""
        checks, names = [], []
        for code, nullable in parts:
            simple = bool(_SIMPLE.match(code))
            if nullable:
                if simple:
                    checks.append(f"{code} is None")
                    names.append(code)
                else:
                    t = self.em.tmp()
                    checks.append(f"({t} := {code}) is None")
                    names.append(t)
            else:
                names.append(code)
        return checks, names

    def _nullsafe(self, parts, build) -> tuple[str, bool]:
        checks, names = self._guard(parts)
        body = build(*names)
        if not checks:
            return f"({body})", False
        return f"(None if {' or '.join(checks)} else {body})", True

    def e_Unary(self, node: ast.Unary, depth):
        code, nullable = self.emit(node.operand, depth)
        op = "not " if node.op == "not" else "-"
        return self._nullsafe([(code, nullable)], lambda a: f"{op}{a}")

    def e_Binary(self, node: ast.Binary, depth):
        left = self.emit(node.left, depth)
        right = self.emit(node.right, depth)
        if node.op == "/":
            return f"_div({left[0]}, {right[0]})", True
        return self._nullsafe([left, right], lambda a, b: f"{a} {node.op} {b}")

    def _is_interval(self, node) -> bool:
        return self.checked.type_of(node).interval

    def e_Compare(self, node: ast.Compare, depth):
        if self._is_interval(node.left) or self._is_interval(node.right):
            if self._is_interval(node.left):
                iv, other, op = node.left, node.right, node.op
            else:
                iv, other, op = node.right, node.left, FLIP[node.op]
            other_code, _ = self.emit(other, depth) if not self._is_interval(other) else (
                f"_ivn({self.emit(other, depth)[0]})", True)
            return f"_civ({self.emit(iv, depth)[0]}, {op!r}, {other_code})", True
        left = self.emit(node.left, depth)
        right = self.emit(node.right, depth)
        if computed(node):
            return f"_cmpt({left[0]}, {node.op!r}, {right[0]})", True
        return self._nullsafe([left, right], lambda a, b: f"{a} {node.op} {b}")

    def e_Logic(self, node: ast.Logic, depth):
        parts = [self.emit(op, depth) for op in node.operands]
        if not any(nullable for _, nullable in parts):
            return "(" + f" {node.op} ".join(code for code, _ in parts) + ")", False
        stop = "False" if node.op == "and" else "True"  # the value that decides at once
        other = "True" if node.op == "and" else "False"
        names = []
        for code, nullable in parts:
            names.append((self.em.tmp(), nullable))
        tail_checks = [f"{t} is None" for t, nullable in names if nullable]
        tail = f"(None if {' or '.join(tail_checks)} else {other})" if tail_checks else other
        expr = tail
        for (code, _), (t, _) in reversed(list(zip(parts, names))):
            expr = f"({stop} if ({t} := {code}) is {stop} else {expr})"
        return expr, True

    def e_In(self, node: ast.In, depth):
        values = frozenset(c.value for c in node.choices)
        const = self.em.const(values, "set")
        op = "not in" if node.negated else "in"
        return self._nullsafe([self.emit(node.operand, depth)], lambda a: f"{a} {op} {const}")

    def e_Call(self, node: ast.Call, depth):
        return getattr(self, "c_" + node.func)(node, depth)

    # Quantifiers become plain for-loops hoisted before the expression (a generator plus a helper
    # call costs several times more per record). They are pure, so evaluating them eagerly is safe.
    _LOOP = {
        "any": ("False", "if {b} is True:\n    {q} = True\n    break\nif {b} is None:\n    {q} = None"),
        "all": ("True", "if {b} is False:\n    {q} = False\n    break\nif {b} is None:\n    {q} = None"),
        "sum": ("0", "if {b} is None:\n    {q} = None\n    break\n{q} += {b}"),
    }

    def _quant(self, node, depth, kind: str):
        list_code, _ = self.emit(node.args[0], depth)
        saved, self.prelude = self.prelude, []
        body, _ = self.emit(node.args[1], depth + 1)
        inner, self.prelude = self.prelude, saved
        q, items, b = self.em.tmp(), self.em.tmp(), self.em.tmp()
        var = f"i{depth + 1}"
        loop_body = inner + [f"{b} = {body}"]
        if kind == "count":
            lo, hi = q + "_lo", q + "_hi"
            loop_body += [f"if {b} is True:", f"    {lo} += 1", f"    {hi} += 1", f"elif {b} is None:", f"    {hi} += 1"]
            head, tail = [f"{lo} = {hi} = 0"], [f"{q} = ({lo}, {hi})"]
        else:
            init, step = self._LOOP[kind]
            loop_body += step.format(b=b, q=q).split("\n")
            head, tail = [f"{q} = {init}"], []
        lines = [f"{items} = {list_code}", f"if {items} is None:", f"    {q} = None", "else:"]
        lines += ["    " + x for x in head]
        lines.append(f"    for {var} in {items}:")
        lines += ["        " + x for x in loop_body]
        lines += ["    " + x for x in tail]
        self.prelude.extend(lines)
        return q, True

    def c_any(self, node, depth):
        return self._quant(node, depth, "any")

    def c_all(self, node, depth):
        return self._quant(node, depth, "all")

    def c_count(self, node, depth):
        return self._quant(node, depth, "count")

    def c_sum(self, node, depth):
        return self._quant(node, depth, "sum")

    def c_len(self, node, depth):
        code, _ = self.emit(node.args[0], depth)
        return self._nullsafe([(code, True)], lambda a: f"_len({a})")

    def c_count_true(self, node, depth):
        codes = [self.emit(a, depth)[0] for a in node.args]
        return f"_count3(({', '.join(codes)},))", False

    def c_known(self, node, depth):
        code, _ = self.emit(node.args[0], depth)
        return f"({code} is not None)", False

    def c_missing(self, node, depth):
        code, _ = self.emit(node.args[0], depth)
        return f"({code} is None)", False

    def _minmax(self, node, depth, fn: str):
        codes = [self.emit(a, depth) for a in node.args]
        return self._nullsafe(codes, lambda *names: f"{fn}(({', '.join(names)},))")

    def c_min(self, node, depth):
        return self._minmax(node, depth, "_min")

    def c_max(self, node, depth):
        return self._minmax(node, depth, "_max")

    def c_abs(self, node, depth):
        return self._nullsafe([self.emit(node.args[0], depth)], lambda a: f"_abs({a})")

    def c_days_between(self, node, depth):
        a = self.emit(node.args[0], depth)[0]
        b = self.emit(node.args[1], depth)[0]
        return f"_days({a}, {b})", True

    def c_add_months(self, node, depth):
        a = self.emit(node.args[0], depth)[0]
        return f"_addm({a}, {node.args[1].value!r})", True

    def c_lookup(self, node, depth):
        table = self.tables[node.args[0].name]
        key = self.emit(node.args[1], depth)
        return self._nullsafe([key], lambda k: f"{table}.get({k})")[0], True


def computed(node: ast.Compare) -> bool:
    """Whether a comparison involves arithmetic, where binary rounding could move an exact threshold."""
    return any(isinstance(n, (ast.Binary, ast.Unary)) or (isinstance(n, ast.Call) and n.func in ("sum", "min", "max", "abs"))
               for side in (node.left, node.right) for n in ast.walk(side))
