"""Issue 11 items 6 and 13: ``batch`` never destroys its input and leaves nothing behind.

GIVEN ``-o`` naming an input (same path, another spelling, a hard link), THEN the batch refuses
before any work and the input is unchanged (both engines).
GIVEN a temporary output left by a killed batch, THEN the next run removes it (one of a live
process is kept).
GIVEN a running ``batch --workers 2`` WHEN it gets SIGTERM THEN it exits 130, its workers are gone
and no temporary file stays; WHEN it gets SIGKILL THEN its workers die with it.
GIVEN a worker killed halfway through sending its result WHEN the batch stops its workers THEN the
process still exits (the pool's manager thread once waited forever for the rest of the message).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from hazardrules.cli import main
from hazardrules.inputs import read_records

ROOT = Path(__file__).resolve().parents[2]


def _records(n: int) -> bytes:
    (_, record), = read_records(ROOT / "fixtures/coal-mine/several-hazards.yaml")
    return b"".join(orjson.dumps(record | {"record_id": f"R{i}"}) + b"\n" for i in range(n))


@pytest.mark.parametrize("engine", ["python", "columnar"])
def test_output_that_is_an_input_is_refused(runner, tmp_path, engine):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_records(3))
    before = src.read_bytes()
    link = tmp_path / "link.jsonl"
    os.link(src, link)
    for out in (str(src), str(tmp_path / "." / "in.jsonl"), str(link)):
        result = runner.invoke(main, ["batch", str(src), "-o", out, "--engine", engine])
        assert result.exit_code == 2, result.output
        assert "输出文件就是输入文件" in result.stderr
    assert src.read_bytes() == before


def test_summary_json_that_is_an_input_is_refused(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_records(2))
    result = runner.invoke(main, ["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--summary-json", str(src)])
    assert result.exit_code == 2 and src.read_bytes() == _records(2)


def test_stale_temporary_output_is_cleaned_on_the_next_run(runner, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_records(2))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.jsonl.{int(dead.stdout)}.x1y2.tmp"
    live = tmp_path / f".out.jsonl.{os.getpid()}.z3.tmp"
    stale.write_bytes(b"partial")
    live.write_bytes(b"another batch, still running")
    result = runner.invoke(main, ["batch", str(src), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and live.exists()


def _children(pid: int) -> set[int]:
    out = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    src = tmp_path / "big.jsonl"
    src.write_bytes(_records(20_000))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-c", "from hazardrules.cli import main; main()", "batch", str(src),
                             "-o", str(tmp_path / "out.jsonl"), "--workers", "2", "--chunk-size", "200"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(600):  # wait (up to a minute on a busy machine) until both workers run
        kids = _children(proc.pid)
        if len(kids) >= 2 and list(tmp_path.glob(".out.jsonl.*.tmp")):
            return proc, kids
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"batch did not start its workers: {proc.communicate()}")


def _wait_gone(pids: set[int]) -> set[int]:
    for _ in range(100):
        left = {p for p in pids if _alive(p)}
        if not left:
            return left
        time.sleep(0.1)
    return left


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the workers")
def test_sigterm_stops_workers_and_removes_the_temporary_output(tmp_path):
    proc, kids = _start(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert _wait_gone(kids) == set()
    assert list(tmp_path.glob(".out.jsonl.*.tmp")) == [] and not (tmp_path / "out.jsonl").exists()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the workers")
def test_sigkill_of_the_parent_kills_the_workers(tmp_path):
    proc, kids = _start(tmp_path)
    proc.kill()
    proc.communicate(timeout=60)
    assert _wait_gone(kids) == set()


_HALF_MESSAGE = """
import multiprocessing, os, time
from concurrent.futures import ProcessPoolExecutor
from hazardrules.batch.runner import _stop_workers

pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
fd = pool._result_queue._writer.fileno()

def half_message():
    os.write(fd, (1000).to_bytes(4, "big") + b"partial")  # the header promises 1000 bytes; 7 follow
    time.sleep(60)

pool.submit(half_message)
time.sleep(1)
_stop_workers(pool)
print("stopped", flush=True)
"""


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
def test_a_worker_killed_mid_send_does_not_hang_the_exit(tmp_path):
    script = tmp_path / "half_message.py"
    script.write_text(_HALF_MESSAGE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.decode().strip() == "stopped", done.stderr.decode()
