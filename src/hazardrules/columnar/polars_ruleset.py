"""A whole ruleset as Polars expressions: one status column per rule over a frame of facts.

Status codes are the Python back end's (0 passed, 1 fired, 2 undetermined, 3 not applicable) and
the outcome rules are the same as ``codegen.generate`` / ``examples.reference_status``. A rule the
Polars compiler cannot express is listed in :attr:`PolarsRuleset.fallback` with the reason, and its
column is computed by the ruleset's generated Python function, row by row — slower, never wrong.
"""

from __future__ import annotations

import polars as pl

from ..compile import CompiledRule, CompiledRuleset, counted_elements
from .polars_expr import FlatQuantifier, compile_polars, flat_columns
from .schema import Unsupported, polars_schema, row_facts


def status_expr(applies: pl.Expr | None, when: pl.Expr) -> pl.Expr:
    """Rule outcome from the Kleene values of ``applies`` and ``when`` (see docs/ruleset-format.md)."""
    if applies is None:
        return pl.when(when).then(pl.lit(1, pl.UInt8)).when(~when).then(pl.lit(0, pl.UInt8)).otherwise(pl.lit(2, pl.UInt8))
    return (pl.when(applies == False).then(pl.lit(3, pl.UInt8))  # noqa: E712  (null-aware: null is not False)
            .when(applies & when).then(pl.lit(1, pl.UInt8))
            .when(~when).then(pl.lit(0, pl.UInt8))
            .otherwise(pl.lit(2, pl.UInt8)))


def element_value(applies: pl.Expr | None, when: pl.Expr) -> pl.Expr:
    """A counted element: false if it does not apply, its condition if it does, else false-or-unknown."""
    if applies is None:
        return when
    return pl.when(applies == False).then(False).when(applies).then(when).when(~when).then(False)  # noqa: E712


class PolarsRuleset:
    """``statuses(frame)`` -> a frame with one UInt8 column per rule (named by rule id)."""

    def __init__(self, rs: CompiledRuleset):
        self.rs = rs
        self.schema = polars_schema(rs.fields)
        self.fallback: dict[str, str] = {}
        self.flat: list[FlatQuantifier] = []  # list conditions computed by explode + group-by
        tables = rs.tables
        elements: dict[str, pl.Expr | Unsupported] = {}
        for e in rs.elements:
            try:
                elements[e.id] = element_value(self._cond(e.applies, tables), self._compile(e.when, tables))
            except Unsupported as exc:
                elements[e.id] = exc
        self.needed = sorted({n for r in rs.rules for c in self._conds(r) for n in c.fields})  # columns read
        self.exprs: list[pl.Expr | None] = []
        for r in rs.rules:
            try:
                self.exprs.append(self._rule(r, tables, elements).alias(r.id))
            except Unsupported as exc:
                self.fallback[r.id] = exc.reason
                self.exprs.append(None)

    def _compile(self, checked, tables) -> pl.Expr:
        found: list[FlatQuantifier] = []
        expr = compile_polars(checked, tables, found)  # registers only if the whole condition compiles
        self.flat.extend(found)
        return expr

    def _cond(self, checked, tables):
        return None if checked is None else self._compile(checked, tables)

    def _rule(self, r: CompiledRule, tables, elements) -> pl.Expr:
        applies = self._cond(r.applies, tables)
        if r.is_count:
            members = []
            for e in counted_elements(r, self.rs.elements):
                value = elements[e.id]
                if isinstance(value, Unsupported):
                    raise Unsupported(f"counted element {e.id}: {value.reason}")
                members.append(value)
            lo = pl.sum_horizontal([m.fill_null(False).cast(pl.Int64) for m in members]) if members else pl.lit(0)
            hi = pl.sum_horizontal([m.fill_null(True).cast(pl.Int64) for m in members]) if members else pl.lit(0)
            when = pl.when(lo >= r.at_least).then(True).when(hi < r.at_least).then(False)
        else:
            when = self._compile(r.when, tables)
        return status_expr(applies, when)

    def conform(self, frame: pl.DataFrame | pl.LazyFrame, *, only_needed: bool = False):
        """The frame with every declared field (or only those the rules read) present and typed."""
        names = set(frame.collect_schema().names())
        wanted = self.needed if only_needed else list(self.schema)
        missing = [pl.lit(None, dtype=self.schema[n]).alias(n) for n in wanted if n not in names]
        if missing:  # added next to the frame's columns: a select of literals alone would have height 1
            frame = frame.with_columns(missing)
        return frame.select([pl.col(n).cast(self.schema[n]) for n in wanted])

    def statuses(self, frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
        """One status column per rule, in rule order; fallback rules come from the Python back end.

        A ``LazyFrame`` (e.g. ``pl.scan_parquet``) is read for the columns the rules use only.
        """
        facts = self.conform(frame, only_needed=True)
        if isinstance(facts, pl.LazyFrame):
            facts = facts.collect()
        exprs = [e for e in self.exprs if e is not None]
        source = facts.hstack(flat_columns(facts, self.flat)) if self.flat else facts
        out = source.lazy().select(exprs).collect() if exprs else pl.DataFrame({"__n": [0] * facts.height}).select([])
        if self.fallback:
            out = out.hstack(self._python_columns(facts)) if exprs else self._python_columns(facts)
        return out.select([r.id for r in self.rs.rules])

    def _python_columns(self, facts: pl.DataFrame) -> list[pl.Series]:
        rules = [self.rs.rule_by_id[rid] for rid in self.fallback]
        needed = sorted({n for r in rules for c in self._conds(r) for n in c.fields})
        fn, fields = self.rs.evaluate_facts, self.rs.fields
        columns: list[list[int]] = [[] for _ in rules]
        for row in facts.select(needed).iter_rows(named=True) if needed else ({} for _ in range(facts.height)):
            statuses = fn(row_facts(row, fields))
            for col, r in zip(columns, rules):
                col.append(statuses[r.index])
        return [pl.Series(r.id, col, dtype=pl.UInt8) for r, col in zip(rules, columns)]

    def _conds(self, r: CompiledRule):
        out = [c for c in (r.applies, r.when) if c is not None]
        if r.is_count:
            for e in counted_elements(r, self.rs.elements):
                out.extend(c for c in (e.applies, e.when) if c is not None)
        return out
