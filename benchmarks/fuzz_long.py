"""The long fuzzing run, on demand: every target of ``test_fuzz.py`` with many more examples.

    python benchmarks/fuzz_long.py --examples 20000

prints, per target, the inputs tried (hypothesis' passing + failing + invalid examples) and the
failures found, then a total. Exit status 1 if any target failed (the failing input is shown by
pytest above the table). With ``--atheris`` and atheris installed, the YAML loader and the
condition pipeline are also fuzzed by atheris (coverage-guided) for ``--seconds`` each.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "reliability"


def hypothesis_run(examples: int) -> int:
    env = dict(os.environ, HAZARDRULES_FUZZ_EXAMPLES=str(examples))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT / "tests"), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
                           str(HERE / "test_fuzz.py")], cwd=ROOT, env=env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    rows, total_tried, total_failed = [], 0, 0
    for name, body in re.findall(r"test_fuzz\.py::(\w+):\n(.*?)(?=\n\S|\Z)", out, flags=re.S):
        m = re.search(r"(\d+) passing examples?, (\d+) failing examples?, (\d+) invalid examples?", body)
        if not m:
            continue
        passing, failing, invalid = map(int, m.groups())
        tried = passing + failing + invalid
        rows.append((name, tried, failing))
        total_tried += tried
        total_failed += failing
    if proc.returncode:
        print(out[-8000:])
    print(f"{'target':<75} {'inputs':>8} {'failing':>8}")
    for name, tried, failing in rows:
        print(f"{name:<75} {tried:>8} {failing:>8}")
    print(f"{'total':<75} {total_tried:>8} {total_failed:>8}   (pytest exit {proc.returncode})")
    return proc.returncode


def atheris_run(seconds: int) -> int:  # pragma: no cover - needs atheris (optional, not in the test extra)
    import atheris

    sys.path[:0] = [str(ROOT / "src")]
    with atheris.instrument_imports():
        from hazardrules import Engine, HazardRulesError
        from hazardrules.expr import compile_condition
        from hazardrules.loader import load_yaml

    rs = Engine(ROOT / "tests" / "data" / "rules").ruleset("mini", edition="2026")

    def target(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        text = fdp.ConsumeUnicodeNoSurrogates(400)
        for fn in (lambda: load_yaml("fuzz.yaml", text=text), lambda: compile_condition(text, rs.fields, tables=rs.tables)):
            try:
                fn()
            except HazardRulesError:
                pass

    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}"], target)
    atheris.Fuzz()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="hypothesis examples per target")
    parser.add_argument("--atheris", action="store_true", help="also run atheris (if installed)")
    parser.add_argument("--seconds", type=int, default=60, help="atheris time budget")
    args = parser.parse_args()
    status = hypothesis_run(args.examples)
    if args.atheris:
        try:
            import atheris  # noqa: F401
        except ImportError:
            print("atheris is not installed (pip install atheris; it needs clang): skipped")
        else:
            status = atheris_run(args.seconds) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
