"""Alembic migrations of the case ledger, run programmatically by :func:`upgrade` (users never
call alembic themselves)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

HERE = Path(__file__).parent


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def head() -> str:
    """The newest revision id."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine) -> None:
    """Bring the database to the newest schema; a no-op (one query) when it is already there."""
    with engine.connect() as conn:
        if current(conn) == head():
            return
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
