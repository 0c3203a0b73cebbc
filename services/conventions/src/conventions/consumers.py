"""What conventions learn from other services: offers and schools (to pre-fill),
applications (to create and cancel)."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import EventBase
from contracts.identity.v1 import SchoolListed
from contracts.offers.v1 import OFFER_EVENTS, OfferSnapshot
from conventions import handlers
from conventions.db import OUTBOX, Conventions, offer_views, school_views
from kit.messaging.outbox import add_events


async def apply_offer_event(event: EventBase, session: AsyncSession) -> None:
    """Keeps what a convention copies from its offer, at the offer's latest version."""
    if not isinstance(event, OFFER_EVENTS):
        return
    offer, address = event.offer, event.offer.address
    prefill = {
        "host_name": offer.employer_name,
        "host_address": f"{address.street}, {address.postal_code} {address.city}",
        "offer_title": offer.title,
        "siret": offer.siret or "",
        "tutor_email": offer.contact_email or "",
        "hours": hours_of(offer),
        "lunch_break": offer.lunch_break or "",
    }
    values = {
        "offer_id": uuid.UUID(event.aggregate_id),
        "version": event.version,
        "team_id": offer.team_id,
    }
    statement = insert(offer_views).values(values | {"prefill": prefill})
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[offer_views.c.offer_id],
            set_={
                "version": statement.excluded.version,
                "prefill": statement.excluded.prefill,
                "team_id": statement.excluded.team_id,
            },
            where=offer_views.c.version < statement.excluded.version,
        )
    )


async def apply_school_event(event: EventBase, session: AsyncSession) -> None:
    """The directory's name and city of each school, for the convention's heading."""
    if not isinstance(event, SchoolListed):
        return
    values = {
        "uai": event.uai,
        "name": event.school_name,
        "city": event.city,
        "listed_at": event.occurred_at,
    }
    statement = insert(school_views).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[school_views.c.uai],
            set_={k: statement.excluded[k] for k in ("name", "city", "listed_at")},
            where=school_views.c.listed_at < statement.excluded.listed_at,
        )
    )


def hours_of(offer: OfferSnapshot) -> str:
    """The offer's hours as the employer wrote them, for the employer to confirm."""
    if offer.daily_hours:
        return ", ".join(
            f"{day} {start}–{end}" for day, (start, end) in offer.daily_hours.items()
        )
    if offer.weekly_hours:
        start, end = offer.weekly_hours
        return f"du lundi au vendredi {start}–{end}"
    return ""


async def apply_application_event(event: EventBase, session: AsyncSession) -> None:
    """Creates a convention when a pupil confirms; cancels it with the application."""
    outcome = await handlers.on_application_event(
        Conventions(session), event, now=datetime.now(UTC)
    )
    await add_events(session, OUTBOX, *outcome.events)
