"""Enterprise statistics reports (16号令 第十四条): quarterly by the 15th of the next quarter, annual by
31 January; ``sweep`` flags late and missing ones, ``report`` counts them.

Revision ID: supervision_0005
Revises: reliability_0004
"""
import sqlalchemy as sa
from alembic import op

revision = "supervision_0005"
down_revision = "reliability_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprise_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("enterprise_key", sa.String(300), nullable=False),
        sa.Column("credit_code", sa.String(18)),
        sa.Column("enterprise_name", sa.String(300)),
        sa.Column("region_code", sa.String(6)),
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("enterprise_key", "period", name="uq_enterprise_reports_period"),
    )


def downgrade() -> None:
    op.drop_table("enterprise_reports")
