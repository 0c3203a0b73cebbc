"""add pupils cvs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:50:28.853237
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cvs",
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("education", sa.Text(), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("interests", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pupil_id", name=op.f("pk_cvs")),
    )


def downgrade() -> None:
    op.drop_table("cvs")
