"""Read side: lists for pupils and employers, straight from the tables."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from applications.db import applications_table

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
