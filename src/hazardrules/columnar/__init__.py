"""Columnar back ends: the checked condition AST compiled to Polars expressions and to SQL.

- :class:`PolarsRuleset` (``polars_ruleset``) — the fast single-machine path: one status column per
  rule over a frame of facts, with list-of-units conditions via ``list.eval`` (or explode + group-by
  when a list condition also reads record-level facts).
- :func:`ruleset_sql` (``sql``) — the portable path: one ``SELECT`` for DuckDB or Spark SQL.

Both use the language's three-valued logic and are tested against the Python back end rule by rule
(tests/columnar). A rule either cannot express is evaluated by the Python back end (``fallback``).
Polars, pyarrow and duckdb are optional: ``pip install 'hazardrules[columnar]'``.
"""

from .schema import Unsupported

__all__ = ["Unsupported"]
