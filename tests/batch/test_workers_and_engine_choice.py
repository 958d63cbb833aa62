"""``--workers auto`` / N: processes only when the rest of the input is large enough; ``--engine auto`` picks per input."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from hazardrules.batch import runner as batch_runner
from hazardrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
BATCH = ROOT / "fixtures" / "batch"


def _summary(tmp_path, runner, args) -> dict:
    summary = tmp_path / "summary.json"
    result = runner.invoke(main, ["batch", *args, "--summary-json", str(summary)])
    assert result.exit_code == 0, result.output
    return orjson.loads(summary.read_bytes()) | {"stderr": result.stderr}


def test_small_input_never_starts_processes(runner, tmp_path):
    """GIVEN 30 rows and -j 2 THEN no pool is started (it could only be slower) and the output equals -j 1."""
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    s1 = _summary(tmp_path, runner, [str(BATCH / "inspections.jsonl"), "-o", str(one), "-j", "1", "--chunk-size", "2"])
    s2 = _summary(tmp_path, runner, [str(BATCH / "inspections.jsonl"), "-o", str(two), "-j", "2", "--chunk-size", "2"])
    assert s1["workers"] == 1 and s2["workers"] == 1
    assert one.read_bytes() == two.read_bytes()


def test_large_input_uses_the_pool_and_keeps_order(runner, tmp_path, monkeypatch):
    """GIVEN a pool that pays off at once (threshold 0) THEN -j 2 starts 2 processes and writes the same bytes as -j 1."""
    monkeypatch.setattr(batch_runner, "PARALLEL_MIN_SECONDS", 0.0)
    monkeypatch.setattr(batch_runner, "_MEASURE_SECONDS", 0.0)
    one, two, auto = tmp_path / "one.jsonl", tmp_path / "two.jsonl", tmp_path / "auto.jsonl"
    src = str(BATCH / "inspections.jsonl")
    s1 = _summary(tmp_path, runner, [src, "-o", str(one), "-j", "1", "--chunk-size", "2"])
    s2 = _summary(tmp_path, runner, [src, "-o", str(two), "-j", "2", "--chunk-size", "2"])
    sa = _summary(tmp_path, runner, [src, "-o", str(auto), "--chunk-size", "2"])  # default: auto
    assert s1["workers"] == 1 and s2["workers"] == 2
    assert sa["workers"] == batch_runner.resolve_workers("auto")
    assert one.read_bytes() == two.read_bytes() == auto.read_bytes()


@pytest.mark.parametrize("bad", ["0", "-1", "257", "many"])
def test_bad_worker_count_is_a_usage_error(runner, tmp_path, bad):
    result = runner.invoke(main, ["batch", str(BATCH / "inspections.jsonl"), "-o", str(tmp_path / "o.jsonl"), "-j", bad])
    assert result.exit_code == 2 and "auto" in result.output


def test_engine_auto_picks_per_input_and_says_which(runner, tmp_path):
    pytest.importorskip("polars")
    parquet = _summary(tmp_path, runner, [str(BATCH / "year.parquet"), "-o", str(tmp_path / "p.jsonl")])
    assert parquet["engine"].startswith("columnar") and "auto" in parquet["stderr"]
    jsonl = _summary(tmp_path, runner, [str(BATCH / "inspections.jsonl"), "-o", str(tmp_path / "j.jsonl")])
    assert jsonl["engine"].startswith("python") and "auto" in jsonl["stderr"]
    full = _summary(tmp_path, runner, [str(BATCH / "year.parquet"), "-o", str(tmp_path / "f.jsonl"), "--detail", "full"])
    assert full["engine"].startswith("python")  # the columnar engine writes summary rows only
    python = tmp_path / "python.jsonl"
    _summary(tmp_path, runner, [str(BATCH / "year.parquet"), "-o", str(python), "--engine", "python"])
    assert (tmp_path / "p.jsonl").read_bytes() == python.read_bytes()
