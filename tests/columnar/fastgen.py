"""Seeded bulk records for differential tests: the same clustering at thresholds as
tests/strategies.py, without hypothesis' per-draw cost, so thousands of records stay cheap."""

from __future__ import annotations

import random
from datetime import date, timedelta


def _number(rng: random.Random, f, nums):
    lo = f.min if f.min is not None else -1e6
    hi = f.max if f.max is not None else 1e7
    if nums and rng.random() < 0.7:
        n = rng.choice(nums)
        x = rng.choice((n, n - 1, n + 1, n - 0.01, n + 0.01, n * 1.1, 0))
    else:
        x = rng.uniform(max(lo, -100), min(hi, 5000))
    if f.type == "integer":
        x = round(x)
    if not lo <= x <= hi:
        x = lo if lo > -1e6 else (hi if hi < 1e7 else 0)
        x = round(x) if f.type == "integer" else x
    return x


def value(rng: random.Random, f, nums):
    t = f.type
    if t in ("number", "integer"):
        return _number(rng, f, nums)
    if t == "bool":
        return rng.random() < 0.5
    if t == "enum":
        return rng.choice(sorted(f.values))
    if t == "date":
        return date(2018, 1, 1) + timedelta(days=rng.randrange(0, 4000))
    if t == "string":
        return rng.choice(("a", "甲", "x1"))
    units = []
    for i in range(rng.choice((0, 1, 1, 2, 3))):
        unit = facts(rng, f.item, nums, present=0.75)
        unit[f.key] = f"U{i}"
        units.append(unit)
    return units


def facts(rng: random.Random, fields, nums, present: float = 0.7) -> dict:
    return {f.name: value(rng, f, nums) for f in fields if rng.random() < present}
