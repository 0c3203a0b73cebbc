"""create applications tables

Revision ID: 0001
Revises:
Create Date: 2026-11-24 16:45:51.427903
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("weeks", sa.ARRAY(sa.String(length=8)), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handler_id", sa.Uuid(), nullable=True),
        sa.Column("restored", sa.Boolean(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("facts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_index(
        op.f("ix_applications_offer_id"), "applications", ["offer_id"], unique=False
    )
    op.create_index(
        op.f("ix_applications_pupil_id"), "applications", ["pupil_id"], unique=False
    )
    op.create_index(
        "ix_applications_status_submitted_at",
        "applications",
        ["status", "submitted_at"],
        unique=False,
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
        "offer_views",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("grades", sa.ARRAY(sa.String(length=3)), nullable=False),
        sa.Column("weeks", sa.ARRAY(sa.String(length=8)), nullable=False),
        sa.Column(
            "reserved_school_uais", sa.ARRAY(sa.String(length=8)), nullable=False
        ),
        sa.Column("seats_per_week", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("sector_id", sa.Uuid(), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("ministry", sa.String(length=150), nullable=True),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_offer_views")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "attempts", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["seq"],
        unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "pupil_views",
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=True),
        sa.Column("authorised", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("pupil_id", name=op.f("pk_pupil_views")),
    )
    op.create_index(
        op.f("ix_pupil_views_class_id"), "pupil_views", ["class_id"], unique=False
    )
    op.create_index(
        op.f("ix_pupil_views_school_uai"), "pupil_views", ["school_uai"], unique=False
    )
    op.create_table(
        "school_views",
        sa.Column("uai", sa.String(length=8), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("weeks", sa.ARRAY(sa.String(length=8)), nullable=False),
        sa.PrimaryKeyConstraint("uai", name=op.f("pk_school_views")),
    )
    op.create_table(
        "seats",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("offer_id", "week", name=op.f("pk_seats")),
    )
    op.create_table(
        "application_weeks",
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_weeks_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint(
            "pupil_id", "offer_id", "week", name=op.f("pk_application_weeks")
        ),
    )
    op.create_table(
        "transitions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=40), nullable=False),
        sa.Column("to_status", sa.String(length=40), nullable=False),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_transitions_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transitions")),
    )
    op.create_index(
        op.f("ix_transitions_application_id"),
        "transitions",
        ["application_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_transitions_application_id"), table_name="transitions")
    op.drop_table("transitions")
    op.drop_table("application_weeks")
    op.drop_table("seats")
    op.drop_table("school_views")
    op.drop_index(op.f("ix_pupil_views_school_uai"), table_name="pupil_views")
    op.drop_index(op.f("ix_pupil_views_class_id"), table_name="pupil_views")
    op.drop_table("pupil_views")
    op.drop_index(
        "ix_outbox_pending",
        table_name="outbox",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.drop_table("outbox")
    op.drop_table("offer_views")
    op.drop_table("inbox")
    op.drop_index("ix_applications_status_submitted_at", table_name="applications")
    op.drop_index(op.f("ix_applications_pupil_id"), table_name="applications")
    op.drop_index(op.f("ix_applications_offer_id"), table_name="applications")
    op.drop_table("applications")
