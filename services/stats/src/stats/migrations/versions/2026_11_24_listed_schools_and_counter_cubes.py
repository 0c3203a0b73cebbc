"""listed schools, and one small counters cube per dimension

The wide `counters` cube (month x sector x gender x grade x ...) grew almost as
large as the applications table; it is replaced by four cubes (month, sector,
school, ISO week) with the counts by gender as columns, rebuilt here from the
application rows (whose dates the projections keep in step with the counters).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:50:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARED = ("school_year", "department_code", "is_public", "ministry")
GENDERS = ("f", "m", "not_said")
# Metric -> the application column that dates it.
METRICS = {
    "applications": "submitted_at",
    "internships": "approved_at",
    "signed": "signed_at",
}
COUNTS = [f"{metric}_{gender}" for metric in METRICS for gender in GENDERS]
# Cube -> its own key column, and how to compute it from an application date.
CUBES: dict[str, tuple[sa.Column[Any], str]] = {
    "monthly_counters": (
        sa.Column("month", sa.Date(), nullable=False),
        "date_trunc('month', {at} AT TIME ZONE 'UTC')::date",
    ),
    "sector_counters": (sa.Column("sector_id", sa.Uuid(), nullable=False), "sector_id"),
    "school_counters": (
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        "school_uai",
    ),
    "weekly_counters": (
        sa.Column("week", sa.String(length=8), nullable=False),
        "to_char({at} AT TIME ZONE 'UTC', 'IYYY-\"W\"IW')",
    ),
}


def _create(name: str, key: sa.Column[Any]) -> None:
    op.create_table(
        name,
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("ministry", sa.String(length=150), nullable=False),
        key,
        *[sa.Column(count, sa.Integer(), nullable=False) for count in COUNTS],
        sa.PrimaryKeyConstraint(*SHARED, key.name, name=op.f(f"pk_{name}")),
    )


def _backfill(name: str, key: str, expression: str) -> None:
    columns = ", ".join([*SHARED, key, *COUNTS])
    updates = ", ".join(f"{c} = {name}.{c} + excluded.{c}" for c in COUNTS)
    for metric, at in METRICS.items():
        counts = ", ".join(
            f"count(*) FILTER (WHERE gender = '{g}')" if m == metric else "0"
            for m in METRICS
            for g in GENDERS
        )
        op.execute(
            f"INSERT INTO {name} ({columns}) "  # noqa: S608  # constants only
            f"SELECT {', '.join(SHARED)}, {expression.format(at=at)}, {counts} "
            f"FROM applications WHERE {at} IS NOT NULL GROUP BY 1, 2, 3, 4, 5 "
            f"ON CONFLICT ({', '.join([*SHARED, key])}) DO UPDATE SET {updates}"
        )


def upgrade() -> None:
    for name, (key, expression) in CUBES.items():
        _create(name, key)
        _backfill(name, key.name, expression)
    op.drop_table("counters")
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
    # The old cube comes back empty: replay the topics to fill it.
    op.create_table(
        "counters",
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("sector_id", sa.Uuid(), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("ministry", sa.String(length=150), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("internships", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "school_year",
            "month",
            "department_code",
            "sector_id",
            "gender",
            "grade",
            "is_public",
            "ministry",
            name=op.f("pk_counters"),
        ),
    )
    for name in CUBES:
        op.drop_table(name)
