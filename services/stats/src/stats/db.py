"""The statistics read model: one row per offer and per application, plus a cube of
counters per month, department, sector, gender, grade, public/private and ministry,
so that dashboards sum a few thousand rows instead of scanning every application."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
)

from kit.db import make_metadata
from kit.messaging.inbox import inbox_table

metadata = make_metadata()
INBOX = inbox_table(metadata)
TZ = DateTime(timezone=True)

offers_table = Table(
    "offers",
    metadata,
    Column("offer_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("title", String(150), nullable=False),
    Column("employer_name", String(150), nullable=False),
    Column("is_public", Boolean, nullable=False),
    Column("ministry", String(150), nullable=False),  # "" for private hosts
    Column("sector_id", Uuid, nullable=False, index=True),
    Column("sector_name", String(150), nullable=False),
    Column("department_code", String(3), nullable=False, index=True),
    Column("city", String(120), nullable=False),
    Column("seats", Integer, nullable=False),
    Column("school_year", Integer, nullable=False, index=True),
    Column("first_published_at", TZ),
)

applications_table = Table(
    "applications",
    metadata,
    Column("application_id", Uuid, primary_key=True),
    Column("pupil_id", Uuid, nullable=False, index=True),
    Column("offer_id", Uuid, nullable=False),
    Column("sector_id", Uuid, nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("school_uai", String(8), nullable=False, index=True),
    Column("department_code", String(3), nullable=False),
    Column("is_public", Boolean, nullable=False),
    Column("ministry", String(150), nullable=False),
    Column("grade", String(3), nullable=False),
    Column("gender", String(10), nullable=False),
    Column("status", String(40), nullable=False),
    Column("submitted_at", TZ, nullable=False),
    Column("approved_at", TZ),
    Column("signed_at", TZ),
)

# One row per combination that occurred; the counters move by +1/-1 with the events.
counters_table = Table(
    "counters",
    metadata,
    Column("school_year", Integer, nullable=False),
    Column("month", Date, nullable=False),
    Column("department_code", String(3), nullable=False),
    Column("sector_id", Uuid, nullable=False),
    Column("gender", String(10), nullable=False),
    Column("grade", String(3), nullable=False),
    Column("is_public", Boolean, nullable=False),
    Column("ministry", String(150), nullable=False),
    Column("applications", Integer, nullable=False, default=0),
    Column("internships", Integer, nullable=False, default=0),
    Column("signed", Integer, nullable=False, default=0),
    PrimaryKeyConstraint(
        "school_year",
        "month",
        "department_code",
        "sector_id",
        "gender",
        "grade",
        "is_public",
        "ministry",
    ),
)

sectors_table = Table(
    "sectors",
    metadata,
    Column("sector_id", Uuid, primary_key=True),
    Column("name", String(150), nullable=False),
)

schools_table = Table(
    "schools",
    metadata,
    Column("uai", String(8), primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("department_code", String(3), nullable=False, index=True),
    Column("academy", String(100), nullable=False),
    Column("region", String(100), nullable=False),
    Column("registered_at", TZ, nullable=False),
)

# Which academy and region a department belongs to, learnt from school events.
departments_table = Table(
    "departments",
    metadata,
    Column("code", String(3), primary_key=True),
    Column("academy", String(100), nullable=False, index=True),
    Column("region", String(100), nullable=False, index=True),
)

classes_table = Table(
    "classes",
    metadata,
    Column("class_id", Uuid, primary_key=True),
    Column("school_uai", String(8), nullable=False, index=True),
)

pupils_table = Table(
    "pupils",
    metadata,
    Column("pupil_id", Uuid, primary_key=True),
    Column("school_uai", String(8), nullable=False, index=True),
    Column("class_id", Uuid),
    Column("authorised", Boolean, nullable=False),
)
