"""create stats tables

Revision ID: 0001
Revises:
Create Date: 2026-11-24 17:15:27.247028
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("sector_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("ministry", sa.String(length=150), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_applications")),
    )
    op.create_index(
        op.f("ix_applications_pupil_id"), "applications", ["pupil_id"], unique=False
    )
    op.create_index(
        op.f("ix_applications_school_uai"), "applications", ["school_uai"], unique=False
    )
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
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox")),
    )
    op.create_table(
        "offers",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("employer_name", sa.String(length=150), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("ministry", sa.String(length=150), nullable=False),
        sa.Column("sector_id", sa.Uuid(), nullable=False),
        sa.Column("sector_name", sa.String(length=150), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_offers")),
    )
    op.create_index(
        op.f("ix_offers_department_code"), "offers", ["department_code"], unique=False
    )
    op.create_index(
        op.f("ix_offers_school_year"), "offers", ["school_year"], unique=False
    )
    op.create_index(op.f("ix_offers_sector_id"), "offers", ["sector_id"], unique=False)
    op.create_table(
        "sectors",
        sa.Column("sector_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.PrimaryKeyConstraint("sector_id", name=op.f("pk_sectors")),
    )


def downgrade() -> None:
    op.drop_table("sectors")
    op.drop_index(op.f("ix_offers_sector_id"), table_name="offers")
    op.drop_index(op.f("ix_offers_school_year"), table_name="offers")
    op.drop_index(op.f("ix_offers_department_code"), table_name="offers")
    op.drop_table("offers")
    op.drop_table("inbox")
    op.drop_table("counters")
    op.drop_index(op.f("ix_applications_school_uai"), table_name="applications")
    op.drop_index(op.f("ix_applications_pupil_id"), table_name="applications")
    op.drop_table("applications")
