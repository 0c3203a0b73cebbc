"""create conventions tables

Revision ID: 0001
Revises:
Create Date: 2026-11-24 17:08:08.995584
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
        "conventions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        sa.Column("grade", sa.String(length=3), nullable=False),
        sa.Column("weeks", sa.ARRAY(sa.String(length=8)), nullable=False),
        sa.Column("facts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("prefill", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("clauses", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column(
            "employer_part", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column(
            "school_part", postgresql.JSONB(astext_type=sa.Text()), nullable=True
        ),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("final_sha256", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conventions")),
        sa.UniqueConstraint(
            "application_id", name=op.f("uq_conventions_application_id")
        ),
    )
    op.create_index(
        op.f("ix_conventions_offer_id"), "conventions", ["offer_id"], unique=False
    )
    op.create_index(
        op.f("ix_conventions_pupil_id"), "conventions", ["pupil_id"], unique=False
    )
    op.create_index(
        op.f("ix_conventions_school_uai"), "conventions", ["school_uai"], unique=False
    )
    op.create_index(
        op.f("ix_conventions_team_id"), "conventions", ["team_id"], unique=False
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
        sa.Column("prefill", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
        "school_clauses",
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        sa.Column("clauses", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("school_uai", name=op.f("pk_school_clauses")),
    )
    op.create_table(
        "signing_codes",
        sa.Column("convention_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("convention_id", "role", name=op.f("pk_signing_codes")),
    )
    op.create_table(
        "legal_representative_links",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("convention_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["conventions.id"],
            name=op.f("fk_legal_representative_links_convention_id_conventions"),
        ),
        sa.PrimaryKeyConstraint(
            "token_sha256", name=op.f("pk_legal_representative_links")
        ),
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("convention_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("signer", sa.String(length=100), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["conventions.id"],
            name=op.f("fk_signatures_convention_id_conventions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_signatures_entry_hash")),
    )
    op.create_index(
        op.f("ix_signatures_convention_id"),
        "signatures",
        ["convention_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_signatures_convention_id"), table_name="signatures")
    op.drop_table("signatures")
    op.drop_table("legal_representative_links")
    op.drop_table("signing_codes")
    op.drop_table("school_clauses")
    op.drop_index(
        "ix_outbox_pending",
        table_name="outbox",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.drop_table("outbox")
    op.drop_table("offer_views")
    op.drop_table("inbox")
    op.drop_index(op.f("ix_conventions_team_id"), table_name="conventions")
    op.drop_index(op.f("ix_conventions_school_uai"), table_name="conventions")
    op.drop_index(op.f("ix_conventions_pupil_id"), table_name="conventions")
    op.drop_index(op.f("ix_conventions_offer_id"), table_name="conventions")
    op.drop_table("conventions")
