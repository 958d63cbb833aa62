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
