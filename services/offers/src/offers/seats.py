"""Seats taken, learnt from the applications' events (this service never asks)."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import EventBase
from contracts.applications import v1 as applications
from kit.messaging.outbox import add_events
from offers.db import SqlOfferRepository, offers, outbox, week_seats

# Cancelling an approved application frees its seats; other cancellations held none.
FREEING = (
    applications.ApplicationCanceledByEmployer,
    applications.ApplicationCanceledByPupil,
)


def _delta(event: EventBase) -> int:
    if isinstance(event, applications.ApplicationApproved):
        return 1
    if isinstance(event, FREEING) and event.previous_status == "approved":
        return -1
    return 0


async def apply_application_event(event: EventBase, session: AsyncSession) -> None:
    """Moves the seat count of the offer's weeks; a change is an `offer.updated`."""
    delta = _delta(event)
    if not delta or not isinstance(event, applications.ApplicationEvent):
        return
    offer_id = event.application.offer_id
    # One writer per offer at a time, so that two replicas never publish the same
    # version of it.
    lock = select(offers.c.id).where(offers.c.id == offer_id).with_for_update()
    await session.execute(lock)
    for week in event.application.weeks:
        statement = insert(week_seats).values(offer_id=offer_id, week=week, taken=delta)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["offer_id", "week"],
                set_={"taken": week_seats.c.taken + delta},
            )
        )
    await _refresh(session, offer_id)


async def _refresh(session: AsyncSession, offer_id: uuid.UUID) -> None:
    repository = SqlOfferRepository(session)
    offer = await repository.get(offer_id)
    if offer is None:
        return  # an offer of another platform's test run, or not yet known here
    rows = await session.execute(
        select(week_seats.c.week, week_seats.c.taken).where(
            week_seats.c.offer_id == offer_id
        )
    )
    offer.seats_changed(dict(rows.all()), now=datetime.now(UTC))
    if offer.events:
        await repository.save(offer)
        await add_events(session, outbox, *offer.events)
