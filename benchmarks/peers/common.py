"""Shared by every peer: the rule subset, the subset ruleset for hazardrules, the benchmark records.

The records are *complete* (every fact recorded): the peers have no notion of an unknown fact, and
on complete records the three-valued outcome is two-valued, so every engine must give the same
answer. hazardrules still runs its full three-valued code (it does not know the records are
complete), so its ratio is, if anything, pessimistic.
"""

from __future__ import annotations

import random
import tempfile
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RULE_IDS = (
    "coal26.4.1", "coal26.4.2", "coal26.5.1", "coal26.5.2", "coal26.5.3", "coal26.5.4", "coal26.5.5", "coal26.5.6",
    "coal26.5.7", "coal26.5.8", "coal26.5.9.3.r1", "coal26.6.2.3.7", "coal26.7.3", "coal26.7.4", "coal26.8.13",
    "coal26.8.15", "coal26.8.16", "coal26.9.2", "coal26.10.4.2", "coal26.10.4.3", "coal26.10.4.4",
)


@lru_cache(maxsize=1)
def subset_dir() -> Path:
    """A rules directory holding coal-mine 2026 with only :data:`RULE_IDS` (same fields and text)."""
    from hazardrules.loader import load_yaml

    root = load_yaml(ROOT / "rulesets" / "coal-mine" / "2026.yaml").data
    parts = [load_yaml(p).data for p in sorted((ROOT / "rulesets" / "coal-mine").glob("2026-*.yaml"))]
    doc = dict(root)
    for part in parts:
        for key in ("fields", "tables"):
            doc[key] = {**(doc.get(key) or {}), **(part.get(key) or {})}
        for key in ("groups", "elements", "rules"):
            doc[key] = list(doc.get(key) or []) + list(part.get(key) or [])
    doc["rules"] = [r for r in doc["rules"] if r["id"] in RULE_IDS]
    doc["rules"] = [{k: v for k, v in r.items() if k != "supersedes"} for r in doc["rules"]]
    # A subset cannot cover the document's item inventory (validate would refuse it), so it declares none.
    doc.pop("inventory", None)
    target = Path(tempfile.mkdtemp(prefix="hazardrules-bench-")) / "coal-mine"
    target.mkdir()
    (target / "2026.yaml").write_text(yaml.safe_dump(_plain(doc), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target.parent


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@lru_cache(maxsize=1)
def subset_ruleset():
    from hazardrules import Engine

    return Engine(subset_dir()).ruleset("coal-mine", edition="2026")


def fields_used(rs) -> list:
    names = set()
    for rid in RULE_IDS:
        rule = rs.rule_by_id[rid]
        for c in (rule.applies, rule.when):
            if c is not None:
                names |= c.fields
    return [rs.fields[n] for n in sorted(names)]


def fields_table(rs):
    """The FieldTable of only the fields the 21 rules read (what a benchmark file holds)."""
    from hazardrules.expr.fields import FieldTable

    return FieldTable({f.name: f for f in fields_used(rs)})


def records(n: int, seed: int = 2026) -> list[dict]:
    """``n`` complete fact dicts, numbers clustered at the rules' thresholds (like tests/strategies.py)."""
    from hazardrules.expr import ast

    rs = subset_ruleset()
    nums = sorted({node.value for rid in RULE_IDS for c in (rs.rule_by_id[rid].applies, rs.rule_by_id[rid].when)
                   if c is not None for node in ast.walk(c.root) if isinstance(node, ast.Num)})
    rng = random.Random(seed)
    fields = fields_used(rs)
    out = []
    for _ in range(n):
        facts = {}
        for f in fields:
            if f.type == "bool":
                facts[f.name] = rng.random() < 0.3
            elif f.type == "enum":
                facts[f.name] = rng.choice(sorted(f.values))
            else:
                if f.name.endswith("_t"):
                    v = rng.choice((1_200_000, 1_320_000, 1_320_001, 360_000, 360_001, 900_000))
                else:
                    n0 = rng.choice(nums)
                    v = rng.choice((n0, n0 + 1, max(0, n0 - 1), n0 + 0.01, max(0.0, n0 - 0.01), rng.uniform(0, 60)))
                if f.max is not None:
                    v = min(v, f.max)
                facts[f.name] = int(round(v)) if f.type == "integer" else float(v)
        out.append(facts)
    return out


def ours(facts: dict, _rs=None) -> tuple:
    """hazardrules' generated function, statuses picked in RULE_IDS order (the rules are the subset)."""
    rs = _rs or subset_ruleset()
    return rs.evaluate_facts(facts)


def check_all_agree(peers: dict, recs: list[dict]) -> None:
    """Raise if any peer's outcome differs from hazardrules' on any record (before timing anything)."""
    rs = subset_ruleset()
    order = [rs.rule_by_id[r].index for r in RULE_IDS]
    for n, facts in enumerate(recs):
        statuses = rs.evaluate_facts(facts)
        want = tuple(statuses[i] for i in order)
        for name, judge in peers.items():
            got = tuple(judge(facts))
            if got != want:
                diff = [(RULE_IDS[i], w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g]
                raise AssertionError(f"{name} differs from hazardrules on record {n}: {diff}")
