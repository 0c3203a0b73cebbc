"""Views of offers (later also pupils and schools), kept from other services' events."""

import uuid

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from applications.db import offer_views, seats_table
from contracts import EventBase
from contracts.offers.v1 import (
    OfferPublished,
    OfferRemoved,
    OfferUnpublished,
    OfferUpdated,
)

OFFER_EVENTS = (OfferPublished, OfferUpdated, OfferUnpublished, OfferRemoved)


async def apply_offer_event(event: EventBase, session: AsyncSession) -> None:
    """Keeps the offer's view at its latest version; older events change nothing."""
    assert isinstance(
        event, OfferPublished | OfferUpdated | OfferUnpublished | OfferRemoved
    )
    offer = event.offer
    offer_id = uuid.UUID(event.aggregate_id)
    values = {
        "offer_id": offer_id,
        "version": event.version,
        "published": event.status == "published",
        "grades": list(offer.grades),
        "weeks": list(offer.weeks),
        "reserved_school_uais": list(offer.reserved_school_uais),
        "seats_per_week": offer.seats,
        "school_year": offer.school_year,
        "sector_id": offer.sector_id,
        "department_code": offer.address.department_code,
        "is_public": offer.is_public,
        "ministry": offer.ministry,
    }
    statement = insert(offer_views).values(values)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[offer_views.c.offer_id],
            set_={key: statement.excluded[key] for key in values if key != "offer_id"},
            where=offer_views.c.version < statement.excluded.version,
        ).returning(offer_views.c.offer_id)
    )
    if result.first() is not None:
        await _sync_seats(session, offer_id, offer.weeks, offer.seats)


async def _sync_seats(
    session: AsyncSession, offer_id: uuid.UUID, weeks: tuple[str, ...], capacity: int
) -> None:
    # Seats already taken stay counted; a week removed from the offer keeps its row
    # only while someone holds a seat on it.
    rows = [
        {"offer_id": offer_id, "week": w, "taken": 0, "capacity": capacity}
        for w in weeks
    ]
    if rows:
        statement = insert(seats_table).values(rows)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[seats_table.c.offer_id, seats_table.c.week],
                set_={"capacity": statement.excluded.capacity},
            )
        )
    await session.execute(
        delete(seats_table).where(
            seats_table.c.offer_id == offer_id,
            seats_table.c.week.not_in(list(weeks)),
            seats_table.c.taken == 0,
        )
    )
