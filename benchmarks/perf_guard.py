"""CI speed guard: the engine's generated code must stay within 2× the hand-written-style reference.

A ratio measured in one run, so the speed of the machine cancels out: both functions judge the same
coal-mine 2026 records (best of several rounds, interleaved), and the script exits 1 if the compiled
ruleset is more than ``LIMIT`` times slower. Run: ``python benchmarks/perf_guard.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

LIMIT = 2.0


def best_time(fn, items, rounds: int = 7, loops: int = 200) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(loops):
            for item in items:
                fn(item)
        best = min(best, time.perf_counter() - start)
    return best / (loops * len(items))


def main() -> int:
    from conftest import coal_records
    from hazardrules import Engine
    from make_reference import write

    engine = Engine(HERE.parent / "rulesets")
    rs = engine.ruleset("coal-mine", edition="2026")
    facts = [engine.prepare(r)[1] for r in coal_records()]
    namespace: dict = {}
    exec(compile(write(rs), "reference_coal.py", "exec"), namespace)
    reference = namespace["evaluate"]
    assert all(reference(f) == rs.evaluate_facts(f) for f in facts), "reference and engine disagree"
    runs = []
    for _ in range(3):  # interleave so a burst of load hits both sides
        ref = best_time(reference, facts)
        eng = best_time(rs.evaluate_facts, facts)
        runs.append((eng / ref, eng, ref))
    ratio, eng, ref = min(runs)
    print(f"perf guard: compiled coal-mine 2026 {eng * 1e6:.1f} µs/record, reference {ref * 1e6:.1f} µs/record, "
          f"ratio {ratio:.2f} (limit {LIMIT})")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
