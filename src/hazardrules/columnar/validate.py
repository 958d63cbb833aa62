"""Vectorised record validation for the columnar batch: which rows can be judged as columns.

A row passes only if every check the Python back end makes (``records.normalize_facts`` with CSV
coercion, the envelope, the edition in force) is certain to succeed *and* to give the same value.
The checks are deliberately conservative: anything unusual (an unknown column with a value, text
that is not a plain decimal number, a list-of-units fact, an undated record) sends the row to the
Python back end, which judges it or writes its error object with the exact message. So the columnar
path can only be slower on odd rows, never different.
"""

from __future__ import annotations

import polars as pl

from ..compile import CompiledRuleset
from ..expr.fields import Field
from ..limits import MAX_MAGNITUDE
from ..records import BOOL_TEXT as _BOOL_TEXT  # one spelling list for both back ends

_DECIMAL = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ENVELOPE = ("ruleset", "edition", "record_id", "inspection_date")


def _is_text(dtype) -> bool:
    return dtype == pl.String


def _is_numeric(dtype) -> bool:
    return dtype.is_numeric()


def clean_column(col: str, dtype, f: Field, *, coerce: bool = True) -> tuple[pl.Expr, pl.Expr]:
    """(normalised value, row is acceptable) for one fact column; null input is always acceptable.

    ``coerce`` accepts text for numbers and bools (CSV, Parquet), as ``normalize_facts(coerce=True)``;
    JSON records must be typed, so without it text in a number/bool column sends the row to Python.
    """
    c = pl.col(col)
    present = c.is_not_null()
    t = f.type
    if t in ("number", "integer"):
        if _is_text(dtype) and coerce:
            text = c.str.strip_chars()
            value = pl.when(text.str.contains(_DECIMAL)).then(text.cast(pl.Float64, strict=False))
        elif _is_numeric(dtype):
            value = c.cast(pl.Float64)
        else:
            return pl.lit(None, pl.Float64), ~present
        ok = value.is_not_null() & value.is_finite() & (value.abs() <= MAX_MAGNITUDE)  # as records._value
        if t == "integer":
            ok = ok & (value.round(0) == value)
        if f.min is not None:
            ok = ok & (value >= f.min)
        if f.max is not None:
            ok = ok & (value <= f.max)
        return value, ~present | ok.fill_null(False)
    if t == "bool":
        if dtype == pl.Boolean:
            return c, pl.lit(True)
        if _is_text(dtype) and coerce:
            value = c.str.strip_chars().str.to_lowercase().replace_strict(_BOOL_TEXT, default=None, return_dtype=pl.Boolean)
            return value, ~present | value.is_not_null()
        return pl.lit(None, pl.Boolean), ~present
    if t == "enum":
        if not _is_text(dtype):
            return pl.lit(None, pl.String), ~present
        mapping = f.spellings()  # the same spellings as normalize_facts
        value = c.replace_strict(mapping, default=None, return_dtype=pl.String)
        return value, ~present | value.is_not_null()
    if t == "date":
        if dtype == pl.Date:
            return c, pl.lit(True)
        if _is_text(dtype):
            text = c.str.strip_chars()
            value = pl.when(text.str.contains(_ISO_DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))
            return value, ~present | value.is_not_null()
        return pl.lit(None, pl.Date), ~present
    if t == "string":
        if _is_text(dtype):
            return c, pl.lit(True)
        return pl.lit(None, pl.String), ~present
    return pl.lit(None), ~present  # list of units: judged by the Python back end


def edition_expr(editions: list[CompiledRuleset], date_col: pl.Expr, edition_col: pl.Expr | None) -> pl.Expr:
    """Index of the edition that applies to each row (null: let the Python back end decide/explain)."""
    chosen = None
    for i, rs in reversed(list(enumerate(editions))):  # newest first, as Engine.ruleset
        in_force = date_col >= rs.effective_from
        if rs.effective_to is not None:
            in_force = in_force & (date_col <= rs.effective_to)
        chosen = (pl.when(in_force).then(pl.lit(i, pl.Int32)) if chosen is None
                  else chosen.when(in_force).then(pl.lit(i, pl.Int32)))
    by_date = chosen if chosen is not None else pl.lit(None, pl.Int32)
    if edition_col is None:
        return by_date
    named = None
    for i, rs in enumerate(editions):
        named = (pl.when(edition_col == rs.edition).then(pl.lit(i, pl.Int32)) if named is None
                 else named.when(edition_col == rs.edition).then(pl.lit(i, pl.Int32)))
    return pl.when(edition_col.is_not_null()).then(named).otherwise(by_date)


def date_column(frame_schema: dict) -> pl.Expr:
    dtype = frame_schema.get("inspection_date")
    if dtype is None:
        return pl.lit(None, pl.Date)
    if dtype == pl.Date:
        return pl.col("inspection_date")
    if _is_text(dtype):
        text = pl.col("inspection_date").str.strip_chars()
        return pl.when(text.str.contains(_ISO_DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))
    return pl.lit(None, pl.Date)


def clean_list(frame: pl.DataFrame, col: str, f: Field, *, coerce: bool = True) -> tuple[pl.Series, pl.Series]:
    """(normalised list-of-units column, row is acceptable) for a ``list<struct>`` fact column.

    Items are exploded next to their row number, checked like scalar facts, and gathered back. A
    row is accepted only if every unit is a struct with a non-empty, unique id and valid sub-facts,
    and none is a blank (all-null) unit; the struct may not carry undeclared or nested-list
    sub-fields. Anything else is left to the Python back end (``records._list``), as for scalars.
    """
    from .schema import polars_dtype

    target = polars_dtype(f)
    dtype = frame.schema[col]
    n = frame.height
    length = pl.col(col).list.len()
    subs = dict(dtype.inner.fields and [(x.name, x.dtype) for x in dtype.inner.fields]) \
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct) else None
    plain = (subs is not None and f.key in subs and subs[f.key] == pl.String
             and all(name in f.item and f.item[name].type != "list" for name in subs))
    if not plain:  # only "not recorded" is certain; everything else goes to Python
        return pl.Series(f.name, [None] * n, dtype=target), frame.select(pl.col(col).is_null()).to_series()
    base = frame.select(pl.int_range(n, dtype=pl.UInt32).alias("__i"), pl.col(col).alias("__L"))
    exploded = (base.filter(pl.col("__L").list.len() > 0).explode("__L")
                .with_columns(pl.col("__L").is_null().alias("__null_item"))
                .with_columns(pl.col("__L").struct.rename_fields([f"__s_{k}" for k in subs])).unnest("__L"))
    key = pl.col(f"__s_{f.key}")
    checks = [~pl.col("__null_item"), key.is_not_null() & (key != ""),
              ~pl.all_horizontal([pl.col(f"__s_{k}").is_null() for k in subs])]
    values = []
    for sf in f.item:
        if sf.name in subs:
            v, good = clean_column(f"__s_{sf.name}", subs[sf.name], sf, coerce=coerce)
            checks.append(good)
        else:
            v = pl.lit(None)
        values.append(v.cast(polars_dtype(sf)).alias(sf.name))
    items = exploded.select("__i", pl.all_horizontal(checks).alias("__g"), key.alias("__k"), pl.struct(values).alias("__v"))
    per_row = items.group_by("__i").agg(pl.col("__g").all(), (pl.col("__k").n_unique() == pl.len()).alias("__u"),
                                        pl.col("__v"))
    joined = base.join(per_row, on="__i", how="left").sort("__i")
    count = pl.col("__L").list.len()
    ok = joined.select((pl.col("__L").is_null() | (count == 0) | (pl.col("__g") & pl.col("__u")).fill_null(False))).to_series()
    empty = pl.lit(pl.Series("e", [[]], dtype=target)).first()
    value = joined.select(pl.when(count == 0).then(empty).otherwise(pl.col("__v").cast(target))).to_series()
    return value.alias(f.name), ok
