"""Every command that writes a file says clearly when it cannot (missing folder, a folder as the file name),
exits 2 and leaves nothing behind — never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from hazardrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
RECORD = str(ROOT / "fixtures/coal-mine/over-capacity.yaml")
WRITERS = {
    "checklist xlsx": ["checklist", "coal-mine", "--format", "xlsx", "-o"],
    "checklist yaml": ["checklist", "coal-mine", "-o"],
    "判定书 pdf": ["check", RECORD, "--format", "pdf", "-o"],
    "判定书 html": ["check", RECORD, "--format", "html", "-o"],
    "batch xlsx": ["batch", str(ROOT / "fixtures/batch/inspections.jsonl"), "-o"],
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_missing_output_folder_is_a_clear_error(runner, tmp_path, name):
    args = WRITERS[name]
    target = tmp_path / "不存在的目录" / ("out.xlsx" if "xlsx" in name else "out.pdf" if "pdf" in name else "out.html")
    if name == "checklist yaml":
        target = target.with_suffix(".yaml")
    result = runner.invoke(main, [*args, str(target)])
    assert result.exit_code == 2, result.output
    assert "不存在" in result.output and "内部错误" not in result.output
    assert not target.parent.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "html", "csv"])
def test_report_output_folder_missing(runner, tmp_path, fmt):
    from .ledger_data import build_ledger

    url = f"sqlite:///{tmp_path / 'l.sqlite'}"
    build_ledger(url, 2)
    result = runner.invoke(main, ["report", "--db", url, "--format", fmt, "-o", str(tmp_path / "无" / f"r.{fmt}")])
    assert result.exit_code == 2 and "输出目录不存在" in result.output, result.output
