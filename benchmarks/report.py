"""Print one table: every way of judging the same coal-mine records, as a ratio to hand-written Python.

    python benchmarks/report.py                # full run (1,000,000 records for the columnar rows)
    python benchmarks/report.py --quick        # smaller sizes, for a smoke run

Per-record rows time a loop over the same complete records (best of 3 runs of >= 1 s each); the
columnar rows time reading a Parquet file of N records and producing every rule's status; the JSONL
row times ``hazardrules batch`` end to end (parse, validate, judge, write) in a subprocess; the last
table is the CLI's cold start (``benchmarks/cli_cold.py``: whole processes, median wall and CPU time). Every
engine's outcomes are checked equal to hazardrules' before anything is timed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peers import common, handwritten  # noqa: E402


def per_record_rate(fn, recs, min_time: float = 1.0) -> float:
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while True:
            for r in recs:
                fn(r)
            n += len(recs)
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = max(best, n / elapsed)
    return best


def columnar_rates(n: int, tmp: Path) -> dict:
    import duckdb
    import polars as pl

    from hazardrules.columnar.polars_ruleset import PolarsRuleset
    from hazardrules.columnar.schema import facts_columns
    from hazardrules.columnar.sql import ruleset_sql

    out = {}
    base = common.records(10_000, seed=11)
    for label, rs in (("21 rules", common.subset_ruleset()), ("coal-mine 2026, 198 rules", _coal2026())):
        pr = PolarsRuleset(rs)
        frame = pl.DataFrame(facts_columns(rs.fields, base), schema=pr.schema)
        frame = pl.concat([frame] * (n // frame.height), rechunk=True)
        path = tmp / f"facts-{rs.id}-{len(rs.rules)}.parquet"
        frame.write_parquet(path)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            pr.statuses(pl.scan_parquet(path))
            times.append(time.perf_counter() - start)
        out[f"columnar Polars, Parquet -> statuses ({label})"] = frame.height / min(times)
        con = duckdb.connect()
        sql = ruleset_sql(rs, table=f"read_parquet('{path}')")
        times = []
        for _ in range(2):
            start = time.perf_counter()
            _table(con.sql(sql))
            times.append(time.perf_counter() - start)
        out[f"columnar DuckDB SQL, Parquet -> statuses ({label})"] = frame.height / min(times)
    return out


def _coal2026():
    from hazardrules import Engine

    return Engine(common.ROOT / "rulesets").ruleset("coal-mine", edition="2026")


def jsonl_rate(n: int, tmp: Path, workers: int) -> float:
    import orjson

    src = tmp / "records.jsonl"
    if not src.exists():
        recs = common.records(5_000, seed=3)
        with src.open("wb") as handle:
            for i in range(n):
                handle.write(orjson.dumps({"ruleset": "coal-mine", "record_id": f"R{i}", "inspection_date": "2026-08-14",
                                           "facts": recs[i % len(recs)]}) + b"\n")
    out = tmp / "out.jsonl"
    cmd = [sys.executable, "-c", "from hazardrules.cli import main; main()", "--rules", str(common.subset_dir()), "batch", str(src), "-o", str(out),
           "--workers", str(workers), "--no-progress"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return n / (time.perf_counter() - start)


def columnar_batch_rate(n: int, tmp: Path) -> float:
    """``hazardrules batch --engine columnar`` Parquet in -> Parquet out (validate, judge, write rows)."""
    import polars as pl

    from hazardrules.columnar.schema import facts_columns, polars_schema

    rs = common.subset_ruleset()
    base = pl.DataFrame(facts_columns(common.fields_table(rs), common.records(10_000, seed=5)),
                        schema=polars_schema(common.fields_table(rs)))
    frame = pl.concat([base] * max(1, n // base.height), rechunk=True).with_columns(
        pl.lit("coal-mine").alias("ruleset"), pl.lit("2026-08-14").alias("inspection_date"))
    src, out = tmp / "batch-in.parquet", tmp / "batch-out.parquet"
    frame.write_parquet(src)
    cmd = [sys.executable, "-c", "from hazardrules.cli import main; main()", "--rules", str(common.subset_dir()), "batch",
           str(src), "-o", str(out), "--engine", "columnar", "--no-progress"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return frame.height / (time.perf_counter() - start)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--columnar-records", type=int, default=None)
    ap.add_argument("--jsonl-records", type=int, default=None)
    args = ap.parse_args(argv)
    n_col = args.columnar_records or (100_000 if args.quick else 1_000_000)
    n_jsonl = args.jsonl_records or (20_000 if args.quick else 200_000)
    min_time = 0.3 if args.quick else 1.0

    from peers import durable_peer, rule_engine_peer, zen_peer

    from hazardrules import Engine

    recs = common.records(2_000)
    peers = {"durable_rules": durable_peer.judge, "zen-engine (JDM decision table)": zen_peer.judge,
             "rule-engine": rule_engine_peer.judge, "hand-written Python": handwritten.judge}
    common.check_all_agree(peers, recs)
    rs = common.subset_ruleset()
    engine = Engine(common.subset_dir())
    envelopes = [{"ruleset": "coal-mine", "inspection_date": "2026-08-14", "facts": f} for f in recs]
    rows: list[tuple[str, float]] = []
    base = per_record_rate(handwritten.judge, recs, min_time)
    rows.append(("hand-written Python if-statements", base))
    rows.append(("hazardrules generated function (evaluate_facts)", per_record_rate(rs.evaluate_facts, recs, min_time)))
    rows.append(("hazardrules Engine.evaluate (validate + judge, lazy explanations)",
                 per_record_rate(engine.evaluate, envelopes, min_time)))
    slow = recs[:200] if args.quick else recs
    for name in ("durable_rules", "zen-engine (JDM decision table)", "rule-engine"):
        rows.append((name, per_record_rate(peers[name], slow, min_time)))
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            rows.append((f"hazardrules batch JSONL end to end, {workers} worker(s)", jsonl_rate(n_jsonl, Path(tmp), workers)))
        for name, rate in columnar_rates(n_col, Path(tmp)).items():
            rows.append((name, rate))
        rows.append(("hazardrules batch --engine columnar, Parquet -> Parquet rows (21 rules, CLI end to end)",
                     columnar_batch_rate(n_col, Path(tmp))))
    import cli_cold

    cold = cli_cold.measure(5 if args.quick else 10, cold_cache=False)
    print(f"# {len(common.RULE_IDS)} coal-mine 2026 rules (columnar rows also the whole 198-rule edition); "
          f"{os.cpu_count()} cores; Python {sys.version.split()[0]}")
    print(f"| {'engine':<72} | {'records/s':>12} | {'ratio':>8} |")
    print(f"|{'-' * 74}|{'-' * 14}:|{'-' * 9}:|")
    for name, rate in rows:
        print(f"| {name:<72} | {rate:>12,.0f} | {rate / base:>7.3f}x |")
    print()
    print(f"| CLI cold start, whole process (median of {5 if args.quick else 10}, warm ruleset cache) | wall s | CPU s |")
    print("|---|---:|---:|")
    for label, (wall, cpu) in cold.items():
        name = label if label.startswith("python") else f"hazardrules {label}"
        print(f"| `{name}` | {wall:.3f} | {cpu:.3f} |")
    return 0


def _table(relation):
    """The whole result as an Arrow table (newer DuckDB returns a lazy reader from ``arrow()``)."""
    out = relation.arrow()
    return out.read_all() if hasattr(out, "read_all") else out


if __name__ == "__main__":
    sys.exit(main())

