"""pupils department

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 17:21:09.972326
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pupil_views",
        sa.Column(
            "department_code", sa.String(length=3), server_default="", nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("pupil_views", "department_code")
