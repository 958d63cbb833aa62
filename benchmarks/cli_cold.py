"""Cold start of the CLI as whole processes: the median wall time of N runs of each command.

    python benchmarks/cli_cold.py              # median of 10 (issue #15 targets: check 0.35 s, --help 0.15 s, rulesets 0.4 s)
    python benchmarks/cli_cold.py --runs 20

Each run is a new interpreter doing what the installed ``hazardrules`` script does
(``from hazardrules.cli import main; main()``), so import time, ruleset loading and the compiled-ruleset
cache are all counted. ``--no-cache`` points the cache at an empty directory for every run (the first run
on a machine); the default uses the user's cache, warmed by one untimed run. The bare interpreter's
start-up (``python -c pass``) is printed for reference: it is part of every figure. CPU time (user +
system) is printed beside wall time: on a shared machine it is the steadier of the two.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = "fixtures/coal-mine/several-hazards.yaml"  # major hazards: the control tier is printed too
CLEAN = "fixtures/coal-mine/clean-underground-low-gas.yaml"
COMMANDS = {
    "--help": ["--help"],
    "rulesets": ["rulesets"],
    f"check {CLEAN}": ["check", "--exit-zero", CLEAN],
    f"check {FIXTURE}": ["check", "--exit-zero", FIXTURE],
}
TARGETS = {"--help": 0.15, "rulesets": 0.4, f"check {CLEAN}": 0.35, f"check {FIXTURE}": 0.35}


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def measure(runs: int, cold_cache: bool) -> dict[str, tuple[float, float]]:
    base = [sys.executable, "-c", "from hazardrules.cli import main; main()"]
    out = {"python -c pass": medians([run_once([sys.executable, "-c", "pass"], dict(os.environ)) for _ in range(runs)])}
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
        out[label] = medians(times)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-cache", action="store_true", help="an empty cache directory for every run")
    args = ap.parse_args(argv)
    results = measure(args.runs, args.no_cache)
    print(f"| command (median of {args.runs}, whole process{', empty cache' if args.no_cache else ''}) "
          f"| wall s | CPU s | target (wall) |")
    print("|---|---:|---:|---:|")
    for label, (wall, cpu) in results.items():
        name = f"`hazardrules {label}`" if label in TARGETS else f"`{label}`"
        target = f"{TARGETS[label]:.2f}" if label in TARGETS else ""
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
