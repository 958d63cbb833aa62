"""Checked condition AST -> Polars expression, with our three-valued logic.

Polars booleans already follow Kleene logic (``null & false`` is false, ``null | true`` is true,
comparisons with null are null), which is exactly the language's semantics; what Polars does not
have is spelled out here:

- ``any``/``all``/``count`` over a list of units: the item condition is evaluated with
  ``list.eval``; "some item true" and "some item true-or-unknown" (``fill_null``) give the Kleene
  answer and the count interval ``(lo, hi)``; a list not recorded is null.
- counts with unknown members are intervals; comparing one with a number is decided only when both
  ends agree (``runtime.cmp_interval``).
- ``/`` by zero, ``min``/``max`` with a null argument, ``lookup`` of an unlisted key: null.
- a comparison with a computed side (arithmetic, ``sum``/``min``/``max``/``abs``) is decided up to
  binary rounding, as ``runtime.cmp_tolerant`` (``6 * 1.1`` is ``6.6``).

``list.eval`` cannot see other columns, so a list condition that also reads a record-level fact
(``any(shafts, collar_m < flood_level_m + 1)``) is registered as a :class:`FlatQuantifier`: the
ruleset explodes the list next to the record's columns, evaluates the condition on the flat rows and
aggregates per record (see :mod:`.polars_ruleset`).

Not supported (the rule falls back to the Python back end, see :class:`Unsupported`): such an
outer-scope read inside a nested list condition, and a count interval used anywhere but in a
comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..expr import ast
from ..expr.checker import Checked
from ..expr.compiler import computed
from ..expr.runtime import FLIP, REL_TOL
from .schema import Unsupported


@dataclass(frozen=True)
class Iv:
    """A count with unknown members: at least ``lo``, at most ``hi`` (integer expressions)."""

    lo: pl.Expr
    hi: pl.Expr


_OPS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


def _cmp(a: pl.Expr, op: str, b: pl.Expr) -> pl.Expr:
    return getattr(a, _OPS[op])(b)


def compare_interval(iv: Iv, op: str, k: pl.Expr) -> pl.Expr:
    """``runtime.cmp_interval`` as an expression."""
    lo, hi = iv.lo, iv.hi
    if op in ("==", "!="):
        outside = k.is_not_null() & ~((lo <= k) & (k <= hi))
        return pl.when(lo == hi).then(_cmp(lo, op, k)).when(outside).then(pl.lit(op == "!="))
    at_lo, at_hi = _cmp(lo, op, k), _cmp(hi, op, k)
    return pl.when(at_lo == at_hi).then(at_lo)


@dataclass(frozen=True)
class FlatQuantifier:
    """A list condition reading record-level facts, computed by explode + group-by into ``key``."""

    key: str
    func: str  # any | all | count | sum
    list_field: str
    body: pl.Expr  # over the exploded item column ITEM and record-level columns
    outer: tuple[str, ...]  # record-level columns the body reads


ITEM = "__item"


def compare_tolerant(a: pl.Expr, op: str, b: pl.Expr) -> pl.Expr:
    """``runtime.cmp_tolerant``: a side is computed, so values equal up to binary rounding are equal."""
    close = (a - b).abs() <= REL_TOL * pl.max_horizontal(pl.lit(1.0), a.abs(), b.abs())
    return pl.when(close).then(pl.lit(op in ("==", "<=", ">="))).otherwise(_cmp(a, op, b))  # null side: null


class PolarsCompiler:
    """Compiles one checked condition to a Polars boolean expression (null = unknown)."""

    def __init__(self, checked: Checked, tables: dict, flat: list | None = None):
        self.c = checked
        self.tables = tables  # name -> Table (with .values)
        self.flat = flat if flat is not None else []  # FlatQuantifiers registered while compiling
        self.flat_mode = False  # compiling the body of a FlatQuantifier

    def compile(self) -> pl.Expr:
        value = self.emit(self.c.root, 0)
        if isinstance(value, Iv):
            raise Unsupported("a count is not a condition")
        return value

    def emit(self, node: ast.Node, depth: int):
        return getattr(self, "e_" + type(node).__name__)(node, depth)

    def expr(self, node: ast.Node, depth: int) -> pl.Expr:
        value = self.emit(node, depth)
        if isinstance(value, Iv):
            raise Unsupported("count used outside a comparison")
        return value

    def e_Num(self, node, depth):
        return pl.lit(float(node.value), dtype=pl.Float64)

    def e_Str(self, node, depth):
        return pl.lit(node.value, dtype=pl.String)

    def e_Bool(self, node, depth):
        return pl.lit(node.value, dtype=pl.Boolean)

    def e_DateLit(self, node, depth):
        return pl.lit(node.value, dtype=pl.Date)

    def e_Name(self, node, depth):
        ref = self.c.refs[id(node)]
        if self.flat_mode:
            return pl.col(ref.field.name) if ref.level == 0 else pl.col(ITEM).struct.field(ref.field.name)
        if ref.level == 0 and depth == 0:
            return pl.col(ref.field.name)
        if ref.level == depth:
            return pl.element().struct.field(ref.field.name)
        raise Unsupported(f"'{ref.field.name}' is read inside a list condition from an outer scope")

    def e_Unary(self, node: ast.Unary, depth):
        v = self.expr(node.operand, depth)
        return ~v if node.op == "not" else -v

    def e_Binary(self, node: ast.Binary, depth):
        a, b = self.expr(node.left, depth), self.expr(node.right, depth)
        if node.op == "/":
            return pl.when(b != 0).then(a / b)
        return {"+": a + b, "-": a - b, "*": a * b}[node.op]

    def e_Compare(self, node: ast.Compare, depth):
        left, right = self.emit(node.left, depth), self.emit(node.right, depth)
        if isinstance(left, Iv):
            return compare_interval(left, node.op, self._number(right))
        if isinstance(right, Iv):
            return compare_interval(right, FLIP[node.op], left)
        if computed(node):
            if self.c.type_of(node.left).kind != "number":
                raise Unsupported("a rounding-tolerant comparison of non-numbers")
            return compare_tolerant(left, node.op, right)
        return _cmp(left, node.op, right)

    @staticmethod
    def _number(v) -> pl.Expr:
        if isinstance(v, Iv):  # runtime.interval_number: known only when the ends agree
            return pl.when(v.lo == v.hi).then(v.lo)
        return v

    def e_Logic(self, node: ast.Logic, depth):
        parts = [self.expr(op, depth) for op in node.operands]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if node.op == "and" else (out | p)
        return out

    def e_In(self, node: ast.In, depth):
        v = self.expr(node.operand, depth)
        values = [float(c.value) if isinstance(c, ast.Num) else c.value for c in node.choices]
        inside = pl.when(v.is_not_null()).then(v.is_in(values))
        return ~inside if node.negated else inside

    def e_Call(self, node: ast.Call, depth):
        return getattr(self, "c_" + node.func)(node, depth)

    # -- lists -------------------------------------------------------------------------------------
    def _items(self, node: ast.Call, depth):
        lst = self.expr(node.args[0], depth)
        body = self.expr(node.args[1], depth + 1)
        return lst, lst.list.eval(body)

    def _outer(self, node: ast.Call, depth) -> list[str]:
        """Record-level fields read by a list condition (empty: ``list.eval`` can do it)."""
        names = []
        for n in ast.walk(node.args[1]):
            ref = self.c.refs.get(id(n)) if isinstance(n, ast.Name) else None
            if ref is not None and ref.level < depth + 1 and ref.field.name not in names:
                names.append(ref.field.name)
        return names

    def _quantifier(self, node: ast.Call, depth, build):
        outer = self._outer(node, depth)
        if not outer:
            return build(node, depth)
        if depth > 0 or self.flat_mode or any(isinstance(n, ast.Call) and n.func in ("any", "all", "count", "sum")
                                              for n in ast.walk(node.args[1])):
            raise Unsupported("a nested list condition reads facts from an outer scope")
        self.flat_mode = True
        try:
            body = self.expr(node.args[1], 1)
        finally:
            self.flat_mode = False
        key = f"__q{len(self.flat)}_{id(node)}"
        self.flat.append(FlatQuantifier(key, node.func, node.args[0].name, body, tuple(outer)))
        if node.func == "count":
            return Iv(pl.col(key + "_lo"), pl.col(key + "_hi"))
        return pl.col(key)

    def _some(self, values: pl.Expr, fill: bool) -> pl.Expr:
        return values.list.eval(pl.element().fill_null(fill)).list.any()

    def c_any(self, node, depth):
        return self._quantifier(node, depth, self._any)

    def _any(self, node, depth):
        _, b = self._items(node, depth)
        return pl.when(self._some(b, False)).then(True).when(~self._some(b, True)).then(False)

    def c_all(self, node, depth):
        return self._quantifier(node, depth, self._all)

    def _all(self, node, depth):
        _, b = self._items(node, depth)
        some_false = b.list.eval((~pl.element()).fill_null(False)).list.any()
        some_false_or_unknown = b.list.eval((~pl.element()).fill_null(True)).list.any()
        return pl.when(some_false).then(False).when(~some_false_or_unknown).then(True)

    def c_count(self, node, depth):
        return self._quantifier(node, depth, self._count)

    def _count(self, node, depth):
        lst, b = self._items(node, depth)
        lo = b.list.eval(pl.element().fill_null(False).cast(pl.Int64)).list.sum()
        hi = b.list.eval(pl.element().fill_null(True).cast(pl.Int64)).list.sum()
        return Iv(pl.when(lst.is_not_null()).then(lo), pl.when(lst.is_not_null()).then(hi))

    def c_sum(self, node, depth):
        return self._quantifier(node, depth, self._sum)

    def _sum(self, node, depth):
        lst, b = self._items(node, depth)
        has_unknown = b.list.eval(pl.element().is_null()).list.any()
        return pl.when(lst.is_not_null() & ~has_unknown).then(b.list.sum().cast(pl.Float64))

    def c_len(self, node, depth):
        return self.expr(node.args[0], depth).list.len().cast(pl.Float64)

    # -- others ------------------------------------------------------------------------------------
    def c_count_true(self, node, depth):
        parts = [self.expr(a, depth) for a in node.args]
        lo = pl.sum_horizontal([p.fill_null(False).cast(pl.Int64) for p in parts])
        hi = pl.sum_horizontal([p.fill_null(True).cast(pl.Int64) for p in parts])
        return Iv(lo, hi)

    def c_known(self, node, depth):
        return self.expr(node.args[0], depth).is_not_null()

    def c_missing(self, node, depth):
        return self.expr(node.args[0], depth).is_null()

    def _minmax(self, node, depth, fn):
        parts = [self.expr(a, depth) for a in node.args]
        any_null = pl.any_horizontal([p.is_null() for p in parts])
        return pl.when(~any_null).then(fn(parts))

    def c_min(self, node, depth):
        return self._minmax(node, depth, pl.min_horizontal)

    def c_max(self, node, depth):
        return self._minmax(node, depth, pl.max_horizontal)

    def c_abs(self, node, depth):
        return self.expr(node.args[0], depth).abs()

    def c_days_between(self, node, depth):
        a, b = self.expr(node.args[0], depth), self.expr(node.args[1], depth)
        return (b - a).dt.total_days().cast(pl.Float64)

    def c_add_months(self, node, depth):
        # Polars clamps a missing day to the month's last day, as runtime.add_months does
        return self.expr(node.args[0], depth).dt.offset_by(f"{int(node.args[1].value)}mo")

    def c_lookup(self, node, depth):
        table = self.tables[node.args[0].name]
        key = self.expr(node.args[1], depth)
        mapping = {k: float(v) for k, v in table.values.items()}
        return key.replace_strict(mapping, default=None, return_dtype=pl.Float64)


def compile_polars(checked: Checked, tables: dict, flat: list | None = None) -> pl.Expr:
    """The Polars expression of a checked condition; raise :class:`Unsupported` if not expressible.

    List conditions that need the explode path are appended to ``flat`` (required if any occur).
    """
    if flat is None:
        flat = []
        expr = PolarsCompiler(checked, tables, flat).compile()
        if flat:
            raise Unsupported("a list condition reads record-level facts (needs a PolarsRuleset)")
        return expr
    return PolarsCompiler(checked, tables, flat).compile()


def flat_columns(frame: pl.DataFrame, quantifiers: list[FlatQuantifier]) -> list[pl.Series]:
    """The per-record values of the explode-path list conditions, aligned with ``frame``'s rows.

    Items are aggregated per record; records whose list is empty or not recorded (which explode may
    drop or turn into one null item) take the empty-list or null answer from the list length.
    """
    out: list[pl.Series] = []
    for q in quantifiers:
        base = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("__row"), pl.col(q.list_field).alias(ITEM),
                            pl.col(q.list_field).list.len().alias("__n"), *[pl.col(n) for n in q.outer])
        flat = base.filter(pl.col("__n") > 0).explode(ITEM).select("__row", q.body.alias("__v"))
        v = pl.col("__v")
        per_row = flat.group_by("__row").agg(
            v.fill_null(False).cast(pl.Int64).sum().alias("__lo"),  # items true
            v.fill_null(True).cast(pl.Int64).sum().alias("__hi"),  # items true or unknown
            v.is_null().any().alias("__unknown"),
            v.sum().cast(pl.Float64).alias("__sum"))
        m = base.select("__row", "__n").join(per_row, on="__row", how="left").sort("__row")
        n, lo, hi = pl.col("__n"), pl.col("__lo"), pl.col("__hi")
        if q.func == "any":
            exprs = [pl.when(n == 0).then(False).when(lo > 0).then(True).when(hi == 0).then(False).alias(q.key)]
        elif q.func == "all":
            exprs = [pl.when(n == 0).then(True).when(hi < n).then(False).when(lo == n).then(True).alias(q.key)]
        elif q.func == "count":
            exprs = [pl.when(n == 0).then(0).otherwise(lo).alias(q.key + "_lo"),
                     pl.when(n == 0).then(0).otherwise(hi).alias(q.key + "_hi")]
        else:  # sum
            exprs = [pl.when(n == 0).then(0.0).when(~pl.col("__unknown")).then(pl.col("__sum")).alias(q.key)]
        result = m.select(exprs)  # n null (list not recorded): every branch is skipped -> null
        out.extend(result.get_columns())
    return out
