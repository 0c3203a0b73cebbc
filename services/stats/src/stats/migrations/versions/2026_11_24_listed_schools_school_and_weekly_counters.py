"""listed schools, school and weekly counters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARED = ("school_year", "department_code", "is_public", "ministry")


def _cube(name: str, key: sa.Column[str]) -> None:
    op.create_table(
        name,
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("ministry", sa.String(length=150), nullable=False),
        key,
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("internships", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*SHARED, key.name, name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    _cube("school_counters", sa.Column("school_uai", sa.String(8), nullable=False))
    _cube("weekly_counters", sa.Column("week", sa.String(8), nullable=False))
    op.add_column("schools", sa.Column("name", sa.String(length=200), nullable=True))
    op.add_column("schools", sa.Column("city", sa.String(length=120), nullable=True))
    op.add_column(
        "schools", sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.alter_column("schools", "registered_at", nullable=True)
    op.create_index(op.f("ix_schools_kind"), "schools", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_schools_kind"), table_name="schools")
    op.execute("DELETE FROM schools WHERE registered_at IS NULL")
    op.alter_column("schools", "registered_at", nullable=False)
    op.drop_column("schools", "listed_at")
    op.drop_column("schools", "city")
    op.drop_column("schools", "name")
    op.drop_table("weekly_counters")
    op.drop_table("school_counters")
