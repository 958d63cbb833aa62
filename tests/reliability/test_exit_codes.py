"""Issue 11 item 12: an internal error never exits 1 (1 means "major hazard found" to every script
that calls us) and Ctrl-C is 130, not click's 1.

GIVEN a command that fails with an unexpected exception, or is interrupted
WHEN the CLI runs it
THEN it exits 4 with one line saying it is a bug and where the traceback went (the file exists and
holds it), or 130 for the interruption.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hazardrules.cli import main


@pytest.fixture
def broken_engine(monkeypatch):
    def boom(self, *args, **kwargs):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr("hazardrules.engine.Engine.evaluate", boom)


def test_internal_error_exits_4_with_one_line_and_a_crash_file(runner, broken_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("HAZARDRULES_CRASH_DIR", str(tmp_path))
    result = runner.invoke(main, ["check", "fixtures/coal-mine/several-hazards.yaml"])
    assert result.exit_code == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "缺陷" in lines[0]
    path = Path(re.search(r"详情：(\S+)$", lines[0]).group(1))
    assert path.parent == tmp_path and "ZeroDivisionError: simulated bug" in path.read_text(encoding="utf-8")
    assert "Traceback" not in result.stderr


def test_internal_error_in_english(runner, broken_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("HAZARDRULES_CRASH_DIR", str(tmp_path))
    result = runner.invoke(main, ["--lang", "en", "check", "fixtures/coal-mine/several-hazards.yaml"])
    assert result.exit_code == 4 and "this is a bug in hazardrules" in result.stderr


def test_unwritable_crash_dir_puts_the_details_on_stderr(runner, broken_engine, tmp_path, monkeypatch):
    monkeypatch.setenv("HAZARDRULES_CRASH_DIR", str(tmp_path / "missing" / "dir"))
    result = runner.invoke(main, ["check", "fixtures/coal-mine/several-hazards.yaml"])
    assert result.exit_code == 4 and "simulated bug" in result.stderr and "详情：stderr" in result.stderr


def test_keyboard_interrupt_exits_130(runner, monkeypatch):
    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("hazardrules.engine.Engine.evaluate", interrupted)
    result = runner.invoke(main, ["check", "fixtures/coal-mine/several-hazards.yaml"])
    assert result.exit_code == 130 and "中断" in result.stderr


def test_usage_errors_stay_2_and_help_0(runner):
    assert runner.invoke(main, ["check"]).exit_code == 2
    assert runner.invoke(main, ["check", "--help"]).exit_code == 0
