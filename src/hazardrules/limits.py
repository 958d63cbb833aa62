"""Explicit limits on what a ruleset, a policy or a record may hold (see docs/security.md).

Each limit is far above anything a real standard or inspection needs and far below what would
exhaust memory, the stack or the time of an inspector's laptop. Crossing one is a clear error
that names the place and the limit, never a traceback, a hang or a silently different answer.
"""

from __future__ import annotations

# -- numbers ---------------------------------------------------------------------------------------
# No quantity in these standards comes near 10^15 (the largest are tonnes per year, ~10^8, and
# money in yuan, ~10^12). Up to 2^53 (~9*10^15) every integer is exact in a 64-bit float, so the
# Python, Polars and SQL back ends compute the same values, and sums/products of two such values
# stay finite: no comparison can be decided by an overflow to infinity.
MAX_MAGNITUDE = 1e15
MAX_NUMBER_CHARS = 40  # a numeric literal or JSON number longer than this is refused before conversion

# -- conditions (the rule language) -----------------------------------------------------------------
MAX_CONDITION_CHARS = 4000  # the longest shipped condition is ~250 characters
MAX_CONDITION_NESTING = 32  # parentheses, not, unary minus and function calls inside each other
MAX_OPERANDS = 64  # terms of one and/or, one +/- or */÷ chain, one chained comparison
MAX_QUANTIFIER_NESTING = 6  # any/all/count/sum inside each other (each is a loop in the generated code)
MAX_GENERATED_NESTING = 150  # parentheses in the generated Python of one condition (CPython stops at 200)
MAX_AST_DEPTH = 100  # the syntax tree (a +/- chain inside parentheses inside ... counts every level)
MAX_IN_CHOICES = 1000  # values of one `in [...]`

# -- YAML / JSON documents ----------------------------------------------------------------------------
MAX_YAML_ALIASES = 100  # alias (*name) uses per document: rulesets use none; a bomb needs thousands
MAX_YAML_ALIAS_NODES = 10_000  # nodes reachable through aliases (each use counts its whole subtree)
MAX_DOCUMENT_DEPTH = 64  # nested mappings/lists in a ruleset, policy or record (JSON and YAML)
