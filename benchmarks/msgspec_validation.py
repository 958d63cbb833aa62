"""Issue #15: decoding + validating a record with msgspec (typed structs, constraints checked in C) against
what hazardrules does now (orjson decode, then validation fused into the generated evaluation).

Not a test; run on demand: ``pip install msgspec && python benchmarks/msgspec_validation.py``. For every
coal-mine 2026 fixture record (full records, ~190 facts) it times, per record and in the same run:

- ``orjson``: ``orjson.loads`` of the JSON line (decode only);
- ``msgspec``: ``msgspec.json.decode(line, type=Record)`` — decode AND validate every declared fact (types,
  ranges, enum values, lists of units) into structs generated from the edition's field table;
- ``msgspec+dict``: the same plus turning the structs back into the dicts the generated evaluation reads;
- ``validate``: ``normalize_facts`` (the explaining validation path) on the decoded dict;
- ``judge``: ``Engine.judge`` on the decoded record (envelope, fused validation and evaluation).

What it tells: whether replacing decode + validation by msgspec would bring ``Engine.evaluate`` to the 0.5x
target. It cannot on its own: the evaluation still reads dicts, so msgspec saves at most the validation that
``judge`` fuses into evaluation, and the struct -> dict step costs back part of it (see the printed table).
"""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path
from typing import Literal, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def struct_for(fields, name: str):
    """A msgspec Struct type for a field table: every fact optional (unknown = absent or null)."""
    import msgspec
    from typing import Annotated

    members = []
    for f in fields:
        if f.name == "inspection_date":
            continue
        if f.type in ("number", "integer"):
            base = float if f.type == "number" else int
            meta = {k: base(v) for k, v in (("ge", f.min), ("le", f.max)) if v is not None}
            typ = Annotated[base, msgspec.Meta(**meta)] if meta else base
        elif f.type == "bool":
            typ = bool
        elif f.type == "enum":
            typ = Literal[tuple(f.values)]  # type: ignore[valid-type]
        elif f.type == "date":
            typ = datetime.date
        elif f.type == "string":
            typ = str
        else:  # list of units
            typ = list[struct_for(f.item, f"{name}_{f.name}")]
        members.append((f.name, Optional[typ], None))
    return msgspec.defstruct(name, members, forbid_unknown_fields=True, omit_defaults=True)


def record_type(rs):
    import msgspec

    facts = struct_for(rs.fields, "Facts")
    envelope = msgspec.defstruct("Record", [("ruleset", str), ("record_id", Optional[str], None),
                                            ("inspection_date", Optional[datetime.date], None),
                                            ("edition", Optional[str], None), ("enterprise", Optional[dict], None),
                                            ("facts", facts, msgspec.field(default_factory=facts))],
                                 forbid_unknown_fields=True)
    return envelope


def per_record(fn, items, rounds: int = 5, loops: int = 50) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(loops):
            for item in items:
                fn(item)
        best = min(best, time.perf_counter() - start)
    return best / (loops * len(items)) * 1e6


def main() -> int:
    import argparse

    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    import msgspec
    import orjson

    from conftest import coal_records
    from hazardrules import Engine
    from hazardrules.records import normalize_facts

    engine = Engine(HERE.parent / "rulesets")
    records = coal_records()
    rs = engine.ruleset("coal-mine", edition="2026")
    lines = [orjson.dumps(r, default=str) for r in records]
    typ = record_type(rs)
    decoder = msgspec.json.Decoder(typ)
    for line in lines:  # the generated types accept every fixture (they are all valid records)
        decoder.decode(line)
    dicts = [orjson.loads(line) for line in lines]
    normalized = [normalize_facts(d["facts"], rs.fields, "r") for d in dicts]
    rows = [
        ("orjson decode", per_record(orjson.loads, lines)),
        ("msgspec decode + validate", per_record(decoder.decode, lines)),
        ("msgspec decode + validate + to dict", per_record(lambda b: msgspec.to_builtins(decoder.decode(b)), lines)),
        ("normalize_facts (explaining validation)", per_record(lambda d: normalize_facts(d["facts"], rs.fields, "r"), dicts)),
        ("Engine.judge (envelope + fused validation + evaluation)", per_record(lambda d: engine.judge(d), dicts)),
        ("generated evaluation alone (no validation)", per_record(rs.evaluate_facts, normalized)),
    ]
    print(f"coal-mine 2026, {len(records)} full fixture records ({sum(len(d['facts']) for d in dicts) // len(dicts)} facts each on average)")
    print(f"{'step':<58} {'µs/record':>10}")
    for name, us in rows:
        print(f"{name:<58} {us:>10.1f}")
    t = dict(rows)
    now = t["orjson decode"] + t["Engine.judge (envelope + fused validation + evaluation)"]
    alt = t["msgspec decode + validate + to dict"] + t["generated evaluation alone (no validation)"]
    print(f"decode+judge today {now:.1f} µs; msgspec decode+validate+dict then unvalidated evaluation {alt:.1f} µs "
          f"({now / alt:.2f}x), before the envelope, edition choice and Determination")
    return 0


if __name__ == "__main__":
    sys.exit(main())
