"""Issue 11 item 11 (ledger inputs): each becomes a clear error (exit 2, place named) or works.

GIVEN a case id of 2**63, ``--db mysql://…`` or a malformed URL, ``inspection_date: 9999-12-01``
with ``--open-cases``, a NUL in a record id, an enterprise name or an actor, a 300-character name
(PostgreSQL), or a date fact "valid until 9999-12-31" plus a period,
THEN the CLI exits 2 with a message, or does the work — never a traceback, never exit 1 or 4.
"""

from __future__ import annotations

import datetime

import orjson
import pytest

from hazardrules.cli import main
from hazardrules.expr.runtime import add_months
from hazardrules.inputs import read_records

FIXTURE = "fixtures/coal-mine/several-hazards.yaml"


def _record(**changes) -> dict:
    (_, record), = read_records(FIXTURE)
    return record | changes


def _write(tmp_path, record) -> str:
    p = tmp_path / "r.json"
    p.write_bytes(orjson.dumps(record))
    return str(p)


def test_case_id_beyond_64_bits_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["case", "show", str(2**63), "--db", f"sqlite:///{tmp_path / 'c.sqlite'}"])
    assert result.exit_code == 2 and "2**63" not in result.output and "CASE_ID" in result.output


@pytest.mark.parametrize("url", ["mysql://u@localhost/db", "postgresql://u@localhost:notaport/db", "oracle://x"])
def test_unsupported_or_malformed_db_urls_are_clear_errors(runner, url):
    result = runner.invoke(main, ["case", "list", "--db", url])
    assert result.exit_code == 2, result.output
    assert "案件库" in result.stderr and "Traceback" not in result.output


def test_far_future_inspection_date_cannot_open_cases(runner, tmp_path):
    src = _write(tmp_path, _record(inspection_date="9999-12-01"))
    result = runner.invoke(main, ["check", "--open-cases", "--db", f"sqlite:///{tmp_path / 'c.sqlite'}", src])
    assert result.exit_code == 2, result.output
    assert "9999-12-01" in result.stderr and "可立案" in result.stderr


@pytest.mark.parametrize("change", [{"record_id": "A\x00B"}, {"enterprise": {"name": "某\x00煤矿"}}])
def test_nul_characters_in_ledger_text_are_refused(runner, tmp_path, change):
    src = _write(tmp_path, _record(**change))
    result = runner.invoke(main, ["check", src])
    assert result.exit_code == 2 and "NUL" in result.stderr


def test_nul_in_an_actor_is_refused(runner, tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    assert runner.invoke(main, ["check", "--open-cases", "--db", db, "--today", "2026-08-20", FIXTURE]).exit_code == 1
    result = runner.invoke(main, ["case", "rectify", "1", "--by", "张\x00三", "--db", db, "--date", "2026-08-21"])
    assert result.exit_code == 2 and "NUL" in result.stderr


def test_add_months_saturates_instead_of_crashing():
    assert add_months(datetime.date(9999, 12, 31), 12) == datetime.date.max
    assert add_months(datetime.date(1, 1, 31), -1) == datetime.date.min
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
