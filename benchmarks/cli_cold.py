"""Cold start of the CLI as whole processes: the median wall time of N runs of each command.

    python benchmarks/cli_cold.py              # median of 10 (issue #15 targets: check 0.35 s, --help 0.15 s, rulesets 0.4 s)
    python benchmarks/cli_cold.py --runs 20

Each run is a new interpreter doing what the installed ``hazardrules`` script does
(``from hazardrules.cli import main; main()``), so import time, ruleset loading and the compiled-ruleset
cache are all counted. ``--no-cache`` points the cache at an empty directory for every run (the first run
on a machine); the default uses the user's cache, warmed by one untimed run. The bare interpreter's
start-up (``python -c pass``) is printed for reference: it is part of every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = "fixtures/coal-mine/several-hazards.yaml"
COMMANDS = {
    "--help": ["--help"],
    "rulesets": ["rulesets"],
    f"check {FIXTURE}": ["check", "--exit-zero", FIXTURE],
}
TARGETS = {"--help": 0.15, "rulesets": 0.4, f"check {FIXTURE}": 0.35}


def run_once(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(runs: int, cold_cache: bool) -> dict[str, float]:
    base = [sys.executable, "-c", "from hazardrules.cli import main; main()"]
    out = {"python -c pass": statistics.median(run_once([sys.executable, "-c", "pass"], dict(os.environ))
                                                for _ in range(runs))}
    for label, args in COMMANDS.items():
        env = dict(os.environ)
        if not cold_cache:
            run_once(base + args, env)  # warm the user's cache once
        times = []
        for _ in range(runs):
            if cold_cache:
                with tempfile.TemporaryDirectory() as tmp:
                    env["HAZARDRULES_CACHE_DIR"] = tmp
                    times.append(run_once(base + args, env))
            else:
                times.append(run_once(base + args, env))
        out[label] = statistics.median(times)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-cache", action="store_true", help="an empty cache directory for every run")
    args = ap.parse_args(argv)
    results = measure(args.runs, args.no_cache)
    print(f"| command (median of {args.runs}, whole process{', empty cache' if args.no_cache else ''}) | seconds | target |")
    print("|---|---:|---:|")
    for label, seconds in results.items():
        target = TARGETS.get(label)
        print(f"| `hazardrules {label}` | {seconds:.3f} | {f'{target:.2f}' if target else ''} |"
              if label in TARGETS else f"| `{label}` | {seconds:.3f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
