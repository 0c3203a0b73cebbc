"""Views of offers, pupils and schools, kept from other services' events."""

import uuid

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from applications.db import offer_views, pupil_views, school_views, seats_table
from contracts import EventBase
from contracts.identity import v1 as identity
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
        "team_id": offer.team_id,
        "title": offer.title,
        "contact_email": offer.contact_email,
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


async def apply_identity_event(event: EventBase, session: AsyncSession) -> None:
    """Schools' weeks, and pupils with their grade, gender, class and authorisation."""
    if isinstance(event, identity.SchoolRegistered | identity.SchoolWeeksChanged):
        await _school(session, event)
    elif isinstance(event, identity.PupilRegistered):
        values = {
            "pupil_id": event.user_id,
            "grade": event.grade,
            "gender": event.gender,
            "school_uai": event.school_uai,
            "class_id": event.class_id,
            "department_code": event.department_code,
        }
        statement = insert(pupil_views).values(values | {"authorised": False})
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[pupil_views.c.pupil_id],
                set_={k: statement.excluded[k] for k in values if k != "pupil_id"},
            )
        )
    elif isinstance(event, identity.PupilAuthorised):
        await _authorise(session, event)


async def _school(
    session: AsyncSession,
    event: identity.SchoolRegistered | identity.SchoolWeeksChanged,
) -> None:
    if isinstance(event, identity.SchoolWeeksChanged):
        await session.execute(
            update(school_views)
            .where(school_views.c.uai == event.uai)
            .values(weeks=list(event.weeks))
        )
        return
    values = {
        "uai": event.uai,
        "department_code": event.department_code,
        "weeks": list(event.weeks),
    }
    statement = insert(school_views).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[school_views.c.uai],
            set_={"department_code": event.department_code, "weeks": list(event.weeks)},
        )
    )


async def _authorise(session: AsyncSession, event: identity.PupilAuthorised) -> None:
    # The authorisation may overtake the registration: the pupil is then created
    # with what this event knows, and the registration fills in the gender.
    values = {
        "pupil_id": event.user_id,
        "grade": event.grade,
        "gender": "not_said",
        "school_uai": event.school_uai,
        "class_id": event.class_id,
        "department_code": event.department_code,
        "authorised": True,
    }
    statement = insert(pupil_views).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[pupil_views.c.pupil_id], set_={"authorised": True}
        )
    )
