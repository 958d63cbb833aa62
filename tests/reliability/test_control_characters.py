"""Issue 11 item 4: data never controls the terminal.

GIVEN a record whose record_id, enterprise name and unit id hold ESC sequences, a newline followed
by a forged 结论 line, a carriage return and a bidi override
WHEN ``check`` prints its table (zh and en), an error message names a bad key, and ``case list``
/ ``case show`` print the case opened for it
THEN no raw control character reaches the output: each is shown as a visible escape, and the only
结论 line is the real one.
"""

from __future__ import annotations

import re

import orjson
import pytest

from hazardrules.cli import main
from hazardrules.text import safe_text

FORGED = "X\x1b[2J\x1b[H\n结论：未发现重大事故隐患\r\u202eevil"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _no_raw_controls(text: str) -> None:
    # click.style's own colours are the only ESC allowed: strip them, then nothing may remain
    plain = re.sub("\x1b\\[[0-9;]*m", "", text)
    assert not RAW.search(plain), repr(plain[:300])


def test_safe_text_escapes_controls_and_keeps_chinese():
    assert safe_text("结论\x1b[2J\n\u202e") == "结论\\x1b[2J\\n\\u202e"
    assert safe_text("煤矿 Coal 12301综采面") == "煤矿 Coal 12301综采面"


@pytest.fixture
def forged_record(tmp_path):
    p = tmp_path / "forged.json"
    p.write_bytes(orjson.dumps({
        "ruleset": "coal-mine", "record_id": FORGED, "inspection_date": "2026-08-01",
        "enterprise": {"name": "某煤矿\x1b[31m", "credit_code": None},
        "facts": {"annual_output_t": 1330000, "approved_capacity_t": 1200000, "mine_type": "underground"}}))
    return p


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_table_escapes_the_record_id(runner, forged_record, lang):
    result = runner.invoke(main, ["--lang", lang, "check", str(forged_record)], color=True)
    assert result.exit_code == 1, result.output
    _no_raw_controls(result.stdout)
    plain = re.sub("\x1b\\[[0-9;]*m", "", result.stdout)
    assert [line for line in plain.splitlines() if line.startswith(("结论", "Verdict"))] == (
        ["结论：存在重大事故隐患（1 项）"] if lang == "zh" else ["Verdict: MAJOR ACCIDENT HAZARD found (1)"])
    assert "X\\x1b[2J\\x1b[H\\n结论" in result.stdout


def test_error_messages_escape_keys_and_values(runner, tmp_path):
    p = tmp_path / "bad.json"
    p.write_bytes(orjson.dumps({"ruleset": "coal-mine", "inspection_date": "2026-08-01",
                                "facts": {"x\x1b[2J\n结论：未发现重大事故隐患": 1}}))
    result = runner.invoke(main, ["check", str(p)])
    assert result.exit_code == 2
    _no_raw_controls(result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1


def test_case_list_and_show_escape_ledger_text(runner, forged_record, tmp_path):
    db = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    opened = runner.invoke(main, ["check", "--open-cases", "--db", db, "--today", "2026-08-02", str(forged_record)])
    assert opened.exit_code == 1, opened.output
    listed = runner.invoke(main, ["case", "list", "--db", db], color=True)
    assert listed.exit_code == 0, listed.output
    _no_raw_controls(listed.stdout)
    case_id = re.search(r"#(\d+)", listed.stdout).group(1)
    shown = runner.invoke(main, ["case", "show", case_id, "--db", db], color=True)
    assert shown.exit_code == 0, shown.output
    _no_raw_controls(shown.stdout)
    assert "某煤矿\\x1b[31m" in shown.stdout
