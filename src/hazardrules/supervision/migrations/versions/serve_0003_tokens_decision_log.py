"""The HTTP service's tables: API tokens (hashed) and the append-only decision log.

The decision log gets the same database-level guarantee as ``case_events``, for every statement
kind that could rewrite it: UPDATE, DELETE and, on SQLite, ``REPLACE INTO``/``INSERT OR REPLACE``
(which delete the old row without firing DELETE triggers, so an INSERT trigger refuses a row whose
id is taken); on PostgreSQL also TRUNCATE (a statement trigger).

Revision ID: serve_0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "serve_0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "decision_log is append-only"


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("region_code", sa.String(6)),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "decision_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_id", sa.String(24), nullable=False),
        sa.Column("record_id", sa.String(200)),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("ruleset", sa.String(80), nullable=False),
        sa.Column("edition", sa.String(40), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("digest", sa.String(80), nullable=False),
        sa.Column("conclusion", sa.String(20), nullable=False),
        sa.Column("fired", sa.Text, nullable=False),
        sa.Column("region_code", sa.String(6)),
    )
    op.create_index("ix_decision_log_recorded_at", "decision_log", ["recorded_at"])
    op.create_index("ix_decision_log_record_id", "decision_log", ["record_id"])
    op.create_index("ix_decision_log_record_sha256", "decision_log", ["record_sha256"])
    op.create_index("ix_decision_log_region_code", "decision_log", ["region_code"])
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER decision_log_no_{verb.lower()} BEFORE {verb} ON decision_log "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        op.execute("CREATE TRIGGER decision_log_no_replace BEFORE INSERT ON decision_log "
                   "WHEN EXISTS (SELECT 1 FROM decision_log WHERE id = NEW.id) "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    else:
        op.execute(f"CREATE FUNCTION decision_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
        op.execute("CREATE TRIGGER decision_log_append_only BEFORE UPDATE OR DELETE ON decision_log "
                   "FOR EACH ROW EXECUTE FUNCTION decision_log_append_only()")
        op.execute("CREATE TRIGGER decision_log_no_truncate BEFORE TRUNCATE ON decision_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION decision_log_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("update", "delete", "replace"):
            op.execute(f"DROP TRIGGER decision_log_no_{name}")
    else:
        op.execute("DROP TRIGGER decision_log_no_truncate ON decision_log")
        op.execute("DROP TRIGGER decision_log_append_only ON decision_log")
        op.execute("DROP FUNCTION decision_log_append_only()")
    op.drop_table("decision_log")
    op.drop_table("api_tokens")
