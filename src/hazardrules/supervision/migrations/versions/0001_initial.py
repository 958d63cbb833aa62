"""Initial ledger: cases, case_events, inspections.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("natural_key", sa.String(300), nullable=False, unique=True),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("ruleset", sa.String(80), nullable=False),
        sa.Column("edition", sa.String(40)),
        sa.Column("ruleset_version", sa.String(40)),
        sa.Column("digest", sa.String(80)),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("cite", sa.String(200)),
        sa.Column("title", sa.String(300)),
        sa.Column("hazard_class", sa.String(10), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("enterprise_name", sa.String(300)),
        sa.Column("credit_code", sa.String(18)),
        sa.Column("region_code", sa.String(6)),
        sa.Column("policy", sa.String(80), nullable=False),
        sa.Column("policy_version", sa.String(40)),
        sa.Column("found_on", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("deadline", sa.Date),
        sa.Column("closed_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("finding", sa.Text, nullable=False),
        sa.Column("routing", sa.Text, nullable=False),
    )
    op.create_index("ix_cases_credit_code", "cases", ["credit_code"])
    op.create_index("ix_cases_region_code", "cases", ["region_code"])
    op.create_index("ix_cases_state", "cases", ["state"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("ruleset", sa.String(80), nullable=False),
        sa.Column("inspection_date", sa.Date, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("credit_code", sa.String(18)),
        sa.Column("region_code", sa.String(6)),
        sa.Column("enterprise_name", sa.String(300)),
        sa.Column("major_count", sa.Integer, nullable=False),
        sa.Column("general_count", sa.Integer, nullable=False),
        sa.UniqueConstraint("record_id", "ruleset", name="uq_inspections_record"),
    )


def downgrade() -> None:
    op.drop_table("inspections")
    op.drop_table("case_events")
    op.drop_table("cases")
