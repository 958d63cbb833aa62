"""Alembic migrations of the case ledger, run programmatically by :func:`upgrade` (users never
call alembic themselves).

:data:`HEAD` names the newest revision so that opening an up-to-date database costs one query and
no alembic import; a test checks it against the scripts in ``versions/``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

HERE = Path(__file__).parent
HEAD = "supervision_0006"


def _config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def script_head() -> str:
    """The newest revision according to the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current(connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine) -> None:
    """Bring the database to the newest schema; a no-op (one query) when it is already there."""
    with engine.connect() as conn:
        if current(conn) == HEAD:
            return
    from alembic import command

    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
