"""``hazardrules batch`` end to end (read JSONL, validate, judge, write JSONL), 1 and 2 workers.

Run: ``python -m pytest benchmarks/bench_batch.py --benchmark-enable``. Size with
``HAZARDRULES_BENCH_JSONL`` (default 100,000 records of the 21-rule coal subset).
"""

import os

import orjson
import pytest
from peers import common

N = int(os.environ.get("HAZARDRULES_BENCH_JSONL", "100000"))


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("batch") / "records.jsonl"
    recs = common.records(5_000, seed=3)
    with path.open("wb") as handle:
        for i in range(N):
            handle.write(orjson.dumps({"ruleset": "coal-mine", "record_id": f"R{i}", "inspection_date": "2026-08-14",
                                       "facts": recs[i % len(recs)]}) + b"\n")
    return path


@pytest.mark.benchmark(group="batch-jsonl", min_rounds=1)
@pytest.mark.parametrize("workers", [1, 2])
def test_batch_jsonl_end_to_end(benchmark, jsonl, tmp_path, workers):
    from hazardrules.batch import Options, run_batch

    options = Options(rules_dir=str(common.subset_dir()))
    summary = benchmark.pedantic(run_batch, args=([str(jsonl)], str(tmp_path / "out.jsonl")),
                                 kwargs={"workers": workers, "options": options}, rounds=2, iterations=1)
    assert summary.rows == N and summary.errors == 0
