"""Checked condition AST -> SQL, for DuckDB (embedded) and Spark SQL (clusters).

SQL's ``AND``/``OR``/``NOT`` and comparisons with NULL are already Kleene three-valued logic, the
language's semantics. What SQL lacks is written out: quantifiers over a list of units use lambdas
(``list_filter``/``filter``) counting items that are true, and items that are true-or-unknown, which
gives the Kleene ``any``/``all`` and the count interval ``(lo, hi)``; a list not recorded is NULL.
Division by zero, ``min``/``max`` with a NULL argument and an unlisted ``lookup`` key give NULL; a
comparison with a computed side is decided up to binary rounding (``runtime.cmp_tolerant``).
Lambdas can read record-level columns in both dialects, so every shipped rule compiles.

Dialects differ only in spelling: identifiers ("x" vs `x`), lambdas (``lambda u: …`` vs
``u -> …``), ``len``/``list_filter``/``list_transform``/``date_diff`` vs ``size``/``filter``/
``transform``/``datediff``. Facts are columns typed as in :mod:`.schema` (numbers are DOUBLE).
"""

from __future__ import annotations

from ..compile import CompiledRuleset, counted_elements
from ..expr import ast
from ..expr.checker import Checked
from ..expr.compiler import computed
from ..expr.runtime import FLIP, REL_TOL
from .schema import Unsupported

DIALECTS = ("duckdb", "spark")


class _Iv:
    def __init__(self, lo: str, hi: str):
        self.lo, self.hi = lo, hi


class SqlCompiler:
    """One checked condition -> a SQL boolean expression (NULL = unknown)."""

    def __init__(self, checked: Checked, tables: dict, dialect: str = "duckdb"):
        if dialect not in DIALECTS:
            raise ValueError(dialect)
        self.c, self.tables, self.d = checked, tables, dialect

    def compile(self) -> str:
        v = self.emit(self.c.root, 0)
        if isinstance(v, _Iv):
            raise Unsupported("a count is not a condition")
        return v

    def emit(self, node, depth):
        return getattr(self, "e_" + type(node).__name__)(node, depth)

    def sql(self, node, depth) -> str:
        v = self.emit(node, depth)
        if isinstance(v, _Iv):
            raise Unsupported("count used outside a comparison")
        return v

    # -- spelling ------------------------------------------------------------------------------
    def ident(self, name: str) -> str:
        return f'"{name}"' if self.d == "duckdb" else f"`{name}`"

    def _lambda(self, var: str, body: str) -> str:
        return f"lambda {var}: {body}" if self.d == "duckdb" else f"{var} -> {body}"

    def _count_where(self, lst: str, var: str, cond: str) -> str:
        if self.d == "duckdb":
            return f"len(list_filter({lst}, {self._lambda(var, cond)}))"
        return f"size(filter({lst}, {self._lambda(var, cond)}))"

    @staticmethod
    def _num(v) -> str:
        return f"CAST({float(v)!r} AS DOUBLE)"

    def _str(self, v: str) -> str:
        s = v.replace("'", "''")
        return f"'{s.replace(chr(92), chr(92) * 2)}'" if self.d == "spark" else f"'{s}'"

    # -- nodes ---------------------------------------------------------------------------------
    def e_Num(self, node, depth):
        return self._num(node.value)

    def e_Str(self, node, depth):
        return self._str(node.value)

    def e_Bool(self, node, depth):
        return "TRUE" if node.value else "FALSE"

    def e_DateLit(self, node, depth):
        return f"DATE '{node.value.isoformat()}'"

    def e_Name(self, node, depth):
        ref = self.c.refs[id(node)]
        if ref.level == 0:
            return self.ident(ref.field.name)
        return f"__u{ref.level}.{self.ident(ref.field.name)}"

    def e_Unary(self, node, depth):
        v = self.sql(node.operand, depth)
        return f"(NOT {v})" if node.op == "not" else f"(-{v})"

    def e_Binary(self, node, depth):
        a, b = self.sql(node.left, depth), self.sql(node.right, depth)
        if node.op == "/":
            return f"({a} / NULLIF({b}, 0))"
        return f"({a} {node.op} {b})"

    _SQL_OP = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

    def _cmp(self, a: str, op: str, b: str) -> str:
        return f"({a} {self._SQL_OP[op]} {b})"

    def _civ(self, iv: _Iv, op: str, k: str) -> str:
        lo, hi = iv.lo, iv.hi
        if op in ("==", "!="):
            outside = "TRUE" if op == "!=" else "FALSE"
            return (f"(CASE WHEN {k} IS NULL THEN NULL WHEN {lo} = {hi} THEN {self._cmp(lo, op, k)} "
                    f"WHEN {lo} <= {k} AND {k} <= {hi} THEN NULL ELSE {outside} END)")
        a, b = self._cmp(lo, op, k), self._cmp(hi, op, k)
        return f"(CASE WHEN {a} = {b} THEN {a} ELSE NULL END)"

    def e_Compare(self, node, depth):
        left, right = self.emit(node.left, depth), self.emit(node.right, depth)
        if isinstance(left, _Iv):
            k = f"(CASE WHEN {right.lo} = {right.hi} THEN {right.lo} END)" if isinstance(right, _Iv) else right
            return self._civ(left, node.op, k)
        if isinstance(right, _Iv):
            return self._civ(right, FLIP[node.op], left)
        if computed(node):  # runtime.cmp_tolerant: equal up to binary rounding
            if self.c.type_of(node.left).kind != "number":
                raise Unsupported("a rounding-tolerant comparison of non-numbers")
            eq = "TRUE" if node.op in ("==", "<=", ">=") else "FALSE"
            close = f"abs({left} - {right}) <= {REL_TOL!r} * GREATEST(CAST(1.0 AS DOUBLE), abs({left}), abs({right}))"
            return f"(CASE WHEN {close} THEN {eq} ELSE {self._cmp(left, node.op, right)} END)"
        return self._cmp(left, node.op, right)

    def e_Logic(self, node, depth):
        return "(" + f" {node.op.upper()} ".join(self.sql(op, depth) for op in node.operands) + ")"

    def e_In(self, node, depth):
        v = self.sql(node.operand, depth)
        choices = ", ".join(self._num(c.value) if isinstance(c, ast.Num) else self._str(c.value) for c in node.choices)
        return f"({v} {'NOT IN' if node.negated else 'IN'} ({choices}))"

    def e_Call(self, node, depth):
        return getattr(self, "c_" + node.func)(node, depth)

    # -- lists ---------------------------------------------------------------------------------
    def _list(self, node, depth):
        lst = self.sql(node.args[0], depth)
        var = f"__u{depth + 1}"
        return lst, var, self.sql(node.args[1], depth + 1)

    def c_any(self, node, depth):
        lst, var, body = self._list(node, depth)
        lo = self._count_where(lst, var, f"coalesce({body}, FALSE)")
        hi = self._count_where(lst, var, f"coalesce({body}, TRUE)")
        return f"(CASE WHEN {lst} IS NULL THEN NULL WHEN {lo} > 0 THEN TRUE WHEN {hi} = 0 THEN FALSE ELSE NULL END)"

    def c_all(self, node, depth):
        lst, var, body = self._list(node, depth)
        some_false = self._count_where(lst, var, f"coalesce(NOT {body}, FALSE)")
        false_or_unknown = self._count_where(lst, var, f"coalesce(NOT {body}, TRUE)")
        return (f"(CASE WHEN {lst} IS NULL THEN NULL WHEN {some_false} > 0 THEN FALSE "
                f"WHEN {false_or_unknown} = 0 THEN TRUE ELSE NULL END)")

    def c_count(self, node, depth):
        lst, var, body = self._list(node, depth)
        lo = self._count_where(lst, var, f"coalesce({body}, FALSE)")
        hi = self._count_where(lst, var, f"coalesce({body}, TRUE)")
        return _Iv(f"(CASE WHEN {lst} IS NULL THEN NULL ELSE {lo} END)", f"(CASE WHEN {lst} IS NULL THEN NULL ELSE {hi} END)")

    def c_sum(self, node, depth):
        lst, var, body = self._list(node, depth)
        unknown = self._count_where(lst, var, f"({body}) IS NULL")
        if self.d == "duckdb":
            total = f"coalesce(list_sum(list_transform({lst}, {self._lambda(var, body)})), CAST(0 AS DOUBLE))"
        else:
            total = f"aggregate(transform({lst}, {self._lambda(var, body)}), CAST(0 AS DOUBLE), (__a, __b) -> __a + __b)"
        return f"(CASE WHEN {lst} IS NULL THEN NULL WHEN {unknown} > 0 THEN NULL ELSE {total} END)"

    def c_len(self, node, depth):
        lst = self.sql(node.args[0], depth)
        n = f"len({lst})" if self.d == "duckdb" else f"size({lst})"
        return f"(CASE WHEN {lst} IS NULL THEN NULL ELSE CAST({n} AS DOUBLE) END)"

    # -- others --------------------------------------------------------------------------------
    def c_count_true(self, node, depth):
        parts = [self.sql(a, depth) for a in node.args]
        lo = " + ".join(f"(CASE WHEN {p} THEN 1 ELSE 0 END)" for p in parts)
        hi = " + ".join(f"(CASE WHEN NOT {p} THEN 0 ELSE 1 END)" for p in parts)
        return _Iv(f"({lo})", f"({hi})")

    def c_known(self, node, depth):
        return f"({self.sql(node.args[0], depth)} IS NOT NULL)"

    def c_missing(self, node, depth):
        return f"({self.sql(node.args[0], depth)} IS NULL)"

    def _minmax(self, node, depth, fn):
        parts = [self.sql(a, depth) for a in node.args]
        nulls = " OR ".join(f"{p} IS NULL" for p in parts)
        return f"(CASE WHEN {nulls} THEN NULL ELSE {fn}({', '.join(parts)}) END)"

    def c_min(self, node, depth):
        return self._minmax(node, depth, "LEAST")

    def c_max(self, node, depth):
        return self._minmax(node, depth, "GREATEST")

    def c_abs(self, node, depth):
        return f"abs({self.sql(node.args[0], depth)})"

    def c_days_between(self, node, depth):
        a, b = self.sql(node.args[0], depth), self.sql(node.args[1], depth)
        diff = f"date_diff('day', {a}, {b})" if self.d == "duckdb" else f"datediff({b}, {a})"
        return f"CAST({diff} AS DOUBLE)"

    def c_add_months(self, node, depth):
        a, n = self.sql(node.args[0], depth), int(node.args[1].value)
        # both clamp to the month's last day like runtime.add_months (DuckDB: INTERVAL; Spark 3: add_months)
        return f"CAST(({a} + INTERVAL {n} MONTH) AS DATE)" if self.d == "duckdb" else f"add_months({a}, {n})"

    def c_lookup(self, node, depth):
        table = self.tables[node.args[0].name]
        key = self.sql(node.args[1], depth)
        cases = " ".join(f"WHEN {self._str(k)} THEN {self._num(v)}" for k, v in table.values.items())
        return f"(CASE {key} {cases} ELSE NULL END)"


def compile_sql(checked: Checked, tables: dict, dialect: str = "duckdb") -> str:
    return SqlCompiler(checked, tables, dialect).compile()


def status_sql(applies: str | None, when: str) -> str:
    """The rule outcome (0 passed, 1 fired, 2 undetermined, 3 not applicable) as a CASE."""
    if applies is None:
        return f"CASE WHEN {when} THEN 1 WHEN NOT {when} THEN 0 ELSE 2 END"
    return f"CASE WHEN {applies} = FALSE THEN 3 WHEN {applies} AND {when} THEN 1 WHEN NOT {when} THEN 0 ELSE 2 END"


def ruleset_sql(rs: CompiledRuleset, table: str = "facts", dialect: str = "duckdb", extra: tuple[str, ...] = ()) -> str:
    """``SELECT`` one status column per rule (named by rule id) from ``table``.

    ``extra`` columns (e.g. a row number) are selected first, unchanged.
    """
    tables = rs.tables
    q = (lambda n: f'"{n}"') if dialect == "duckdb" else (lambda n: f"`{n}`")

    def cond(checked):
        return None if checked is None else compile_sql(checked, tables, dialect)

    elements = {}
    for e in rs.elements:
        a, w = cond(e.applies), cond(e.when)
        elements[e.id] = w if a is None else (f"(CASE WHEN {a} = FALSE THEN FALSE WHEN {a} THEN {w} "
                                              f"WHEN NOT {w} THEN FALSE ELSE NULL END)")
    cols = [q(x) for x in extra]
    for r in rs.rules:
        if r.is_count:
            members = [elements[e.id] for e in counted_elements(r, rs.elements)]
            lo = " + ".join(f"(CASE WHEN {m} THEN 1 ELSE 0 END)" for m in members) or "0"
            hi = " + ".join(f"(CASE WHEN NOT {m} THEN 0 ELSE 1 END)" for m in members) or "0"
            when = f"(CASE WHEN ({lo}) >= {r.at_least} THEN TRUE WHEN ({hi}) < {r.at_least} THEN FALSE ELSE NULL END)"
        else:
            when = cond(r.when)
        cols.append(f"CAST({status_sql(cond(r.applies), when)} AS TINYINT) AS {q(r.id)}")
    return f"SELECT\n  " + ",\n  ".join(cols) + f"\nFROM {table}"
