"""Hypothesis strategies that generate inspection facts from a ruleset's declared fields.

Values cluster around the numbers the ruleset's conditions mention (thresholds, just over, just
under) so the generated records exercise the boundaries where 以上 and 超过 differ.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from hazardrules.expr import ast


def thresholds(rs) -> list[float]:
    nums = set()
    for rule in rs.rules + rs.elements:
        for c in (rule.applies, rule.when):
            if c is not None:
                for node in ast.walk(c.root):
                    if isinstance(node, ast.Num):
                        nums.add(node.value)
    for t in rs.tables.values():
        nums.update(t.values.values())
    return sorted(nums)


def value_strategy(f, nums, *, required: bool):
    lo = f.min if f.min is not None else -1e6
    hi = f.max if f.max is not None else 1e7
    if f.type in ("number", "integer"):
        near = [x for n in nums for x in (n, n - 1, n + 1, n - 0.01, n + 0.01, n * 1.1) if lo <= x <= hi]
        if f.type == "integer":
            near = [int(x) for x in near if float(x).is_integer()]
            base = st.one_of(st.sampled_from(near), st.integers(int(max(lo, -1e6)), int(min(hi, 1e7)))) if near else \
                st.integers(int(max(lo, -1e6)), int(min(hi, 1e7)))
        else:
            floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
            base = st.one_of(st.sampled_from(near), floats) if near else floats
    elif f.type == "bool":
        base = st.booleans()
    elif f.type == "enum":
        base = st.sampled_from(sorted(f.values))
    elif f.type == "date":
        base = st.dates(date(2015, 1, 1), date(2030, 12, 31))
    elif f.type == "string":
        base = st.text(min_size=1, max_size=6)
    elif f.type == "list":
        item = facts_strategy(f.item, nums, required=required)
        base = st.lists(item, max_size=4).map(lambda items: [dict(it, **{f.key: f"U{i}"}) for i, it in enumerate(items)])
    else:
        raise AssertionError(f.type)
    return base if required else st.one_of(st.none(), base)


def facts_strategy(fields, nums, *, required: bool = False):
    """Facts for every declared field; with ``required`` every fact is present."""
    return st.fixed_dictionaries({f.name: value_strategy(f, nums, required=required) for f in fields}).map(
        lambda d: {k: v for k, v in d.items() if v is not None})
