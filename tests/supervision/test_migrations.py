"""Alembic migrations: HEAD is right, the migrated schema equals the tables the code uses."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hazardrules.supervision import migrations
from hazardrules.supervision.ledger import Ledger
from hazardrules.supervision.schema import metadata


def test_head_constant_matches_scripts():
    assert migrations.HEAD == migrations.script_head()


def test_migrated_schema_matches_metadata(db_url):
    with Ledger(db_url) as led, led.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_upgrade_is_idempotent(sqlite_url):
    Ledger(sqlite_url).close()
    with Ledger(sqlite_url) as led, led.engine.connect() as conn:  # second open: already at head
        assert migrations.current(conn) == migrations.HEAD


def test_events_are_append_only_in_the_database(db_url, det, finding):
    """GIVEN a case WHEN anyone tries to UPDATE or DELETE its events with SQL THEN the database refuses."""
    from datetime import date

    import pytest
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    from hazardrules.supervision import open_cases
    from hazardrules.supervision.schema import case_events

    open_cases([det("AO", [finding("coal26.4.1")])], db_url, date(2026, 8, 20))
    with Ledger(db_url) as led:
        for stmt in (update(case_events).values(actor="someone else"), delete(case_events)):
            with pytest.raises(DBAPIError, match="append-only"):
                with led.engine.begin() as conn:
                    conn.execute(stmt)
        assert [e.kind for e in led.events(1)] == ["opened", "assigned", "deadline_set"]


def test_an_older_database_is_upgraded_on_open(sqlite_url):
    """GIVEN a ledger at revision 0001 WHEN it is opened THEN it is migrated to HEAD."""
    from alembic import command

    led = Ledger(sqlite_url)
    cfg = migrations._config()
    with led.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with led.engine.connect() as conn:
        assert migrations.current(conn) == "0001"
    led.close()
    with Ledger(sqlite_url) as again, again.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
