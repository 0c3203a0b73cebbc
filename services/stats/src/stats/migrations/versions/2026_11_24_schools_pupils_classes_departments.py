"""schools pupils classes departments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 17:22:48.850106
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
        "classes",
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_classes")),
    )
    op.create_index(
        op.f("ix_classes_school_uai"), "classes", ["school_uai"], unique=False
    )
    op.create_table(
        "departments",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("academy", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_departments")),
    )
    op.create_index(
        op.f("ix_departments_academy"), "departments", ["academy"], unique=False
    )
    op.create_index(
        op.f("ix_departments_region"), "departments", ["region"], unique=False
    )
    op.create_table(
        "pupils",
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("school_uai", sa.String(length=8), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=True),
        sa.Column("authorised", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("pupil_id", name=op.f("pk_pupils")),
    )
    op.create_index(
        op.f("ix_pupils_school_uai"), "pupils", ["school_uai"], unique=False
    )
    op.create_table(
        "schools",
        sa.Column("uai", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("academy", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uai", name=op.f("pk_schools")),
    )
    op.create_index(
        op.f("ix_schools_department_code"), "schools", ["department_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_schools_department_code"), table_name="schools")
    op.drop_table("schools")
    op.drop_index(op.f("ix_pupils_school_uai"), table_name="pupils")
    op.drop_table("pupils")
    op.drop_index(op.f("ix_departments_region"), table_name="departments")
    op.drop_index(op.f("ix_departments_academy"), table_name="departments")
    op.drop_table("departments")
    op.drop_index(op.f("ix_classes_school_uai"), table_name="classes")
    op.drop_table("classes")
