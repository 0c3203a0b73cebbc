"""Read side: lists for pupils and employers, straight from the tables."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from applications.db import applications_table, cvs_table, pupil_views

_COLUMNS = (
    applications_table.c.id,
    applications_table.c.offer_id,
    applications_table.c.pupil_id,
    applications_table.c.weeks,
    applications_table.c.status,
    applications_table.c.submitted_at,
    applications_table.c.status_changed_at,
    applications_table.c.motivation,
)


async def of_pupil(session: AsyncSession, pupil_id: uuid.UUID) -> list[dict[str, Any]]:
    """A pupil's applications, those awaiting their confirmation first, then newest."""
    waiting_first = (applications_table.c.status == "validated_by_employer").desc()
    query = (
        select(*_COLUMNS)
        .where(applications_table.c.pupil_id == pupil_id)
        .order_by(waiting_first, applications_table.c.submitted_at.desc())
    )
    return [dict(row._mapping) for row in await session.execute(query)]


async def of_offer(
    session: AsyncSession, offer_id: uuid.UUID, *, statuses: list[str] | None = None
) -> list[dict[str, Any]]:
    """An employer's inbox for one offer, oldest first, optionally by status."""
    query = select(*_COLUMNS).where(applications_table.c.offer_id == offer_id)
    if statuses:
        query = query.where(applications_table.c.status.in_(statuses))
    query = query.order_by(applications_table.c.submitted_at)
    return [dict(row._mapping) for row in await session.execute(query)]


PENDING_STATUSES = ("submitted", "read_by_employer", "examined")


def best_state(statuses: list[str]) -> str:
    """The furthest a pupil has got: confirmed, accepted, applied or nothing yet.

    Only live applications count as "applied": a pupil whose applications were all
    refused, expired or cancelled is back to "nothing yet" and needs a hand.
    """
    if "approved" in statuses:
        return "confirmed"
    if "validated_by_employer" in statuses:
        return "accepted"
    if any(status in PENDING_STATUSES for status in statuses):
        return "applied"
    return "nothing_yet"


async def follow_up(
    session: AsyncSession, *, school_uai: str, class_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Each pupil of a school (or of one class) with their best state."""
    statuses = func.array_remove(func.array_agg(applications_table.c.status), None)
    query = (
        select(
            pupil_views.c.pupil_id, pupil_views.c.class_id, statuses.label("statuses")
        )
        .select_from(
            pupil_views.outerjoin(
                applications_table,
                applications_table.c.pupil_id == pupil_views.c.pupil_id,
            )
        )
        .where(pupil_views.c.school_uai == school_uai)
        .group_by(pupil_views.c.pupil_id, pupil_views.c.class_id)
        .order_by(pupil_views.c.class_id, pupil_views.c.pupil_id)
    )
    if class_id is not None:
        query = query.where(pupil_views.c.class_id == class_id)
    return [
        {
            "pupil_id": row.pupil_id,
            "class_id": row.class_id,
            "state": best_state(list(row.statuses)),
            "applications": len(row.statuses),
        }
        for row in await session.execute(query)
    ]


async def cv(session: AsyncSession, pupil_id: uuid.UUID) -> dict[str, Any]:
    row = (
        await session.execute(select(cvs_table).where(cvs_table.c.pupil_id == pupil_id))
    ).first()
    empty = {"education": "", "languages": "", "interests": "", "updated_at": None}
    return dict(row._mapping) if row else {"pupil_id": pupil_id, **empty}


async def save_cv(
    session: AsyncSession, pupil_id: uuid.UUID, fields: dict[str, str]
) -> None:
    values = {"pupil_id": pupil_id, **fields, "updated_at": datetime.now(UTC)}
    statement = insert(cvs_table).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[cvs_table.c.pupil_id],
            set_={key: statement.excluded[key] for key in values if key != "pupil_id"},
        )
    )
    await session.commit()
