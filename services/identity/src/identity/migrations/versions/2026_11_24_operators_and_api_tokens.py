"""operators and api tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 17:08:50.180766
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
        "operators",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("name", name=op.f("uq_operators_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("jti", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.Uuid(), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_api_tokens_issued_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_api_tokens_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_api_tokens")),
    )
    op.create_index(
        op.f("ix_api_tokens_operator_id"), "api_tokens", ["operator_id"], unique=False
    )
    op.add_column("users", sa.Column("operator_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_users_operator_id_operators"),
        "users",
        "operators",
        ["operator_id"],
        ["id"],
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_users_operator_id_operators"), "users", type_="foreignkey"
    )
    op.drop_column("users", "operator_id")
    op.drop_index(op.f("ix_api_tokens_operator_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("operators")
