"""employer notices: offer title and contact, outgoing mail

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "offer_views",
        sa.Column("title", sa.String(length=150), server_default="", nullable=False),
    )
    op.add_column(
        "offer_views", sa.Column("contact_email", sa.String(length=250), nullable=True)
    )
    op.create_table(
        "mail_outbox",
        sa.Column("seq", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("to_email", sa.String(length=250), nullable=True),
        sa.Column("to_phone", sa.String(length=20), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "attempts", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_mail_outbox")),
    )
    op.create_index(
        "ix_mail_outbox_pending",
        "mail_outbox",
        ["seq"],
        unique=False,
        postgresql_where=sa.text("sent_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_pending", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_column("offer_views", "contact_email")
    op.drop_column("offer_views", "title")
