"""The statistics read model: one row per offer and per application, plus cubes of
counters by gender, each keyed by school year, department, public/private, ministry
and one more dimension (month, sector, school, ISO week), so that dashboards sum a
few thousand rows instead of scanning every application."""

from typing import Any

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

METRICS = ("applications", "internships", "signed")
GENDERS = ("f", "m", "not_said")
# Each cube counts every metric by gender in its own column: `applications_f`...
COUNTS = tuple(f"{metric}_{gender}" for metric in METRICS for gender in GENDERS)
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

sectors_table = Table(
    "sectors",
    metadata,
    Column("sector_id", Uuid, primary_key=True),
    Column("name", String(150), nullable=False),
)


def _cube(name: str, *keys: Column[Any]) -> Table:
    """A counters table: the keys every cube shares, its own key, the counts by
    gender. Rows move by +1/-1 with the events."""
    shared: list[Column[Any]] = [
        Column("school_year", Integer, nullable=False),
        Column("department_code", String(3), nullable=False),
        Column("is_public", Boolean, nullable=False),
        Column("ministry", String(150), nullable=False),
    ]
    metrics: list[Column[Any]] = [
        Column(count, Integer, nullable=False, default=0) for count in COUNTS
    ]
    primary_key = PrimaryKeyConstraint(*[c.name for c in (*shared, *keys)])
    return Table(name, metadata, *shared, *keys, *metrics, primary_key)


# One small cube per dimension rather than one wide cube: a dashboard then sums a
# few thousand rows whatever the number of applications.
monthly_counters_table = _cube(
    "monthly_counters", Column("month", Date, nullable=False)
)
sector_counters_table = _cube(
    "sector_counters", Column("sector_id", Uuid, nullable=False)
)
# Per school, so that applications can be broken down by the kind of the school
# whatever the order in which schools and applications arrive.
school_counters_table = _cube(
    "school_counters", Column("school_uai", String(8), nullable=False)
)
# Per ISO week of the event (YYYY-Www), to follow a campaign week by week.
weekly_counters_table = _cube(
    "weekly_counters", Column("week", String(8), nullable=False)
)

# Every school listed by identity's directory import (eligible), and when it
# registered on the platform, if it did; the two events may come in any order.
schools_table = Table(
    "schools",
    metadata,
    Column("uai", String(8), primary_key=True),
    Column("name", String(200)),
    Column("city", String(120)),
    Column("kind", String(12), nullable=False, index=True),
    Column("department_code", String(3), nullable=False, index=True),
    Column("academy", String(100), nullable=False),
    Column("region", String(100), nullable=False),
    Column("listed_at", TZ),
    Column("registered_at", TZ),
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
