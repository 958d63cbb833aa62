"""Issue 11 items 5 and 7: no case is lost, and the ledger cannot be rewritten.

GIVEN two enterprises that number their records alike, WHEN both inspections are opened, THEN each
gets its own case and both inspections are counted; a re-submission of the same record with other
content is an error that says so (nothing written), the identical one is idempotent.
GIVEN a ledger, WHEN anyone tries REPLACE INTO / INSERT OR REPLACE / UPDATE / DELETE (SQLite) or
TRUNCATE / UPDATE / DELETE (PostgreSQL) on the events, the inspections or the cases, THEN the
database refuses; WHEN ``cases.state`` is edited directly, THEN ``case list`` and ``report`` still
agree, both derived from the events.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hazardrules.supervision import open_cases
from hazardrules.supervision.errors import ConflictError
from hazardrules.supervision.ledger import Ledger
from hazardrules.supervision.report import compute

A = {"name": "甲煤矿", "credit_code": "91350100M000100Y43", "region_code": "150602"}
B = {"name": "乙煤矿", "credit_code": "91110000600037341L", "region_code": "150602"}
NO_CODE = {"name": "丙煤矿", "region_code": "150602"}
DAY = date(2026, 8, 20)


def _total(db_url) -> dict:
    return compute(db_url, end=date(2026, 12, 31), start=date(2026, 1, 1))[-1]


def test_same_record_number_in_two_enterprises_opens_two_cases(db_url, det, finding):
    first = open_cases([det("NM-001", [finding("coal26.4.1")], enterprise=A)], db_url, DAY)
    second = open_cases([det("NM-001", [finding("coal26.4.1")], enterprise=B)], db_url, DAY)
    third = open_cases([det("NM-001", [finding("coal26.4.1")], enterprise=NO_CODE)], db_url, DAY)
    assert [c["created"] for c in first + second + third] == [True, True, True]
    assert len({c["case"] for c in first + second + third}) == 3
    with Ledger(db_url) as led:
        assert len(led.list_cases()) == 3
    assert _total(db_url)["inspections"] == 3 and _total(db_url)["found_major"] == 3


def test_identical_resubmission_is_idempotent_and_a_different_one_is_refused(db_url, det, finding):
    open_cases([det("NM-002", [finding("coal26.4.1")], enterprise=A)], db_url, DAY)
    again = open_cases([det("NM-002", [finding("coal26.4.1")], enterprise=A)], db_url, DAY)
    assert [c["created"] for c in again] == [False]
    changed = finding("coal26.4.1")
    changed.evidence = {"x": 2}
    with pytest.raises(ConflictError) as info:
        open_cases([det("NM-002", [changed], enterprise=A)], db_url, DAY)
    assert "不同内容" in str(info.value) and "NM-002" in str(info.value)
    with Ledger(db_url) as led:
        assert len(led.list_cases()) == 1


def test_long_enterprise_names_fit_the_key(db_url, det, finding):
    """Regression (issue 11.11): a 300-character name overflowed the key column on PostgreSQL."""
    long_name = {"name": "某" * 300, "region_code": "150602"}
    opened = open_cases([det("NM-003", [finding("coal26.4.1")], enterprise=long_name)], db_url, DAY)
    assert opened[0]["created"]


def _refused(led, sql: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        with led.engine.begin() as conn:
            conn.execute(text(sql))


def test_every_rewriting_statement_is_refused_on_sqlite(sqlite_url, det, finding):
    open_cases([det("AO", [finding("coal26.4.1")], enterprise=A)], sqlite_url, DAY)
    with Ledger(sqlite_url) as led:
        for sql in (
            "REPLACE INTO case_events (id, case_id, seq, kind, actor, on_date, recorded_at, data) "
            "SELECT id, case_id, seq, 'closed', 'x', on_date, recorded_at, '{}' FROM case_events WHERE seq = 3",
            "INSERT OR REPLACE INTO case_events (id, case_id, seq, kind, actor, on_date, recorded_at, data) "
            "SELECT id + 100, case_id, seq, 'closed', 'x', on_date, recorded_at, '{}' FROM case_events WHERE seq = 3",
            "UPDATE case_events SET actor = 'x'", "DELETE FROM case_events",
            "UPDATE inspections SET major_count = 0", "DELETE FROM inspections",
            "REPLACE INTO inspections SELECT * FROM inspections", "DELETE FROM cases",
            "REPLACE INTO cases SELECT * FROM cases",
        ):
            _refused(led, sql)
        assert [e.kind for e in led.events(1)] == ["opened", "assigned", "deadline_set"]


def test_every_rewriting_statement_is_refused_on_postgresql(pg_url, det, finding):
    open_cases([det("AO", [finding("coal26.4.1")], enterprise=A)], pg_url, DAY)
    with Ledger(pg_url) as led:
        for sql in ("TRUNCATE case_events", "TRUNCATE cases CASCADE", "TRUNCATE inspections",
                    "UPDATE case_events SET actor = 'x'", "DELETE FROM case_events", "UPDATE inspections SET major_count = 0",
                    "DELETE FROM inspections", "DELETE FROM cases"):
            with pytest.raises(DBAPIError):
                with led.engine.begin() as conn:
                    conn.execute(text(sql))
        assert [e.kind for e in led.events(1)] == ["opened", "assigned", "deadline_set"]


def test_an_edited_state_column_cannot_make_list_and_report_disagree(db_url, det, finding):
    open_cases([det("ST", [finding("coal26.4.1")], enterprise=A)], db_url, DAY)
    with Ledger(db_url) as led:
        with led.engine.begin() as conn:
            conn.execute(text("UPDATE cases SET state = 'closed', closed_on = :d"), {"d": DAY})
        rows = led.list_cases()
        assert [r["state"] for r in rows] == [led.state(1).state] and rows[0]["state"] != "closed"
        assert led.list_cases(open_only=True) == rows
        assert led.case_row(1)["state"] == rows[0]["state"]
    # the report replays the same events: the case is neither closed nor rectified there either
    assert _total(db_url)["major_closed_rate"] in (0, 0.0) and _total(db_url)["found_major"] == 1


def test_existing_ledgers_get_the_new_keys_on_upgrade(sqlite_url, det, finding):
    """GIVEN a ledger with cases, taken back to serve_0003 with the old ``ruleset|record|rule`` keys,
    WHEN it is opened THEN the migration recomputes every key, so re-opening finds the same cases."""
    from alembic import command

    from hazardrules.supervision import migrations

    opened = open_cases([det("UP", [finding("coal26.4.1")], enterprise=A)], sqlite_url, DAY)
    led = Ledger(sqlite_url)
    cfg = migrations._config()
    with led.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "serve_0003")
        conn.execute(text("UPDATE cases SET natural_key = 'coal-mine|UP|coal26.4.1'"))
    led.close()
    again = open_cases([det("UP", [finding("coal26.4.1")], enterprise=A)], sqlite_url, DAY)
    assert [(c["case"], c["created"]) for c in again] == [(opened[0]["case"], False)]


def test_long_enterprise_name_through_the_cli_on_postgresql(runner, pg_url, tmp_path):
    """Regression (issue 11.11): ``check --open-cases`` with a 300-character name on PostgreSQL."""
    import orjson

    from hazardrules.cli import main
    from hazardrules.inputs import read_records

    (_, record), = read_records("fixtures/coal-mine/several-hazards.yaml")
    src = tmp_path / "r.json"
    src.write_bytes(orjson.dumps(record | {"enterprise": {"name": "某" * 300, "region_code": "150602"}}))
    result = runner.invoke(main, ["check", "--open-cases", "--db", pg_url, "--today", "2026-08-20", str(src)])
    assert result.exit_code == 1, result.output
    assert "新建" in result.stderr
