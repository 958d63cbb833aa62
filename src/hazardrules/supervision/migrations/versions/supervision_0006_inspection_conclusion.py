"""The three-valued conclusion of each recorded inspection, so that reports count an inspection that could
not be concluded (未能得出结论) apart from a clean one. Rows recorded before this revision keep NULL: their
conclusion was not stored.

Revision ID: supervision_0006
Revises: supervision_0005
"""
import sqlalchemy as sa
from alembic import op

revision = "supervision_0006"
down_revision = "supervision_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inspections", sa.Column("conclusion", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inspections") as batch:
        batch.drop_column("conclusion")
