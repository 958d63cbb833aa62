"""A reader that stops early (``hazardrules … | head``) ends the command quietly with 141 (128 + SIGPIPE, what
the shell reports for such a process): no 'internal error' line, no crash file, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "rulesets": ["rulesets"],
    "batch to stdout": ["batch", str(ROOT / "fixtures/batch/year.parquet"), "-o", "-", "--engine", "python",
                        "--workers", "1"],
    "checklist": ["checklist", "coal-mine"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_closed_pipe_is_a_quiet_exit(tmp_path, name):
    env = dict(os.environ, HAZARDRULES_CRASH_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte: every write fails, deterministically
    try:
        proc = subprocess.run([sys.executable, "-c", "from hazardrules.cli import main; main()", *COMMANDS[name]],
                              stdout=write_end, stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=120)
    finally:
        os.close(write_end)
    err = proc.stderr
    assert proc.returncode == 141, err.decode()
    assert b"Traceback" not in err and "内部错误".encode() not in err
    assert not list(tmp_path.glob("hazardrules-crash-*"))
