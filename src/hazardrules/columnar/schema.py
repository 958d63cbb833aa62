"""Column types for a ruleset's declared fields, shared by the Polars and SQL back ends.

Every number (``number`` and ``integer``) is a 64-bit float column, so arithmetic and comparisons
give the same IEEE results as the Python back end (which mixes int and float the same way for the
bounded values records may hold). ``enum`` and ``string`` are text, ``date`` is a date, ``bool`` is a
boolean, and a list of units is a list of structs of its sub-fields. A null cell is "not recorded".
"""

from __future__ import annotations

from ..expr.fields import Field, FieldTable


class Unsupported(Exception):
    """A condition (or part of one) the columnar back end cannot express faithfully.

    The rule that holds it is evaluated by the Python back end instead (never silently wrong).
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def polars_dtype(f: Field):
    import polars as pl

    t = f.type
    if t in ("number", "integer"):
        return pl.Float64
    if t == "bool":
        return pl.Boolean
    if t in ("enum", "string"):
        return pl.String
    if t == "date":
        return pl.Date
    return pl.List(pl.Struct({sub.name: polars_dtype(sub) for sub in f.item}))


def polars_schema(fields: FieldTable) -> dict:
    return {f.name: polars_dtype(f) for f in fields}


def sql_type(f: Field, dialect: str = "duckdb") -> str:
    t = f.type
    if t in ("number", "integer"):
        return "DOUBLE"
    if t == "bool":
        return "BOOLEAN"
    if t in ("enum", "string"):
        return "VARCHAR" if dialect == "duckdb" else "STRING"
    if t == "date":
        return "DATE"
    if dialect == "duckdb":
        return "STRUCT(" + ", ".join(f"{sub.name} {sql_type(sub, dialect)}" for sub in f.item) + ")[]"
    return "ARRAY<STRUCT<" + ", ".join(f"{sub.name}: {sql_type(sub, dialect)}" for sub in f.item) + ">>"


def facts_columns(fields: FieldTable, facts_list: list[dict]) -> dict[str, list]:
    """Normalised facts (one dict per record) as plain columns, one list per declared field."""
    out: dict[str, list] = {}
    for f in fields:
        name = f.name
        if f.type == "list":
            subs = f.item.names()
            out[name] = [None if (v := facts.get(name)) is None else [{s: item.get(s) for s in subs} for item in v]
                         for facts in facts_list]
        elif f.type in ("number", "integer"):
            out[name] = [None if (v := facts.get(name)) is None else float(v) for facts in facts_list]
        else:
            out[name] = [facts.get(name) for facts in facts_list]
    return out


def row_facts(row: dict, fields: FieldTable) -> dict:
    """One frame row back to normalised facts (nulls dropped, list units without their null sub-facts)."""
    out = {}
    for name, value in row.items():
        if value is None:
            continue
        f = fields.get(name)
        if f is None:
            continue
        if f.type == "list":
            value = [{k: v for k, v in item.items() if v is not None} for item in value]
        out[name] = value
    return out
