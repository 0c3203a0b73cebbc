"""Seats taken, from the applications' events, on the real PostgreSQL.

Confirmations fill the weeks of an offer; the offer then says which weeks are full
(and, once every week is, it is full for the daily job); a cancelled confirmation
frees its seat; a duplicated event counts once (inbox).
"""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from contracts.applications import v1 as applications
from contracts.offers.v1 import OfferUpdated
from contracts.topics import APPLICATIONS
from kit.messaging.consumer import Delivery, EventConsumer, Outcome
from kit.messaging.publisher import RecordingPublisher
from offers.db import inbox
from offers.seats import apply_application_event
from offers.testing import body, events_of

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]


def facts(offer_id: str, week: str) -> applications.ApplicationFacts:
    return applications.ApplicationFacts(
        pupil_id=uuid.uuid4(),
        offer_id=uuid.UUID(offer_id),
        weeks=(week,),
        school_year=2026,
        sector_id=uuid.UUID("b7564ac4-e184-41c4-a7a9-57233a9d244a"),
        offer_department_code="58",
        is_public=False,
        school_uai="0350913C",
        school_department_code="35",
        grade="3e",
        gender="f",
    )


def approved(offer_id: str, week: str) -> applications.ApplicationApproved:
    return applications.ApplicationApproved(
        aggregate_id=str(uuid.uuid4()),
        application=facts(offer_id, week),
        status="approved",
        previous_status="validated_by_employer",
        actor="pupil",
    )


async def deliver(consumer: EventConsumer, event: Any) -> Outcome:
    return await consumer.process(
        Delivery(event.to_json_bytes(), event.aggregate_id.encode(), ())
    )


async def test_confirmations_fill_weeks_and_cancellations_free_them(
    client: httpx.AsyncClient, app: FastAPI, employer: Any
) -> None:
    team_id = uuid.uuid4()
    team = employer(team_id)
    offer_id = (await client.post("/offers", json=body(seats=2), headers=team)).json()[
        "id"
    ]
    await client.post(f"/offers/{offer_id}/publish", headers=team)
    consumer = EventConsumer(
        name="offers-seats-test",
        topic=APPLICATIONS,
        handler=apply_application_event,
        dead_letters=RecordingPublisher(),
        session_factory=app.state.sessions,
        inbox=inbox,
    )
    first, second = approved(offer_id, "2027-W03"), approved(offer_id, "2027-W03")
    assert await deliver(consumer, first) is Outcome.HANDLED
    assert await deliver(consumer, first) is Outcome.DUPLICATE
    await deliver(consumer, second)
    await deliver(consumer, approved(offer_id, "2027-W04"))

    last = (await events_of(app, offer_id))[-1]
    assert isinstance(last, OfferUpdated)
    assert last.offer.full_weeks == ("2027-W03",)
    assert last.offer.team_id == team_id

    cancelled = applications.ApplicationCanceledByPupil(
        aggregate_id=second.aggregate_id,
        application=second.application,
        status="canceled_by_pupil",
        previous_status="approved",
        actor="pupil",
    )
    await deliver(consumer, cancelled)
    assert (await events_of(app, offer_id))[-1].offer.full_weeks == ()
    submitted_only = applications.ApplicationCanceledByPupil(
        aggregate_id=str(uuid.uuid4()),
        application=facts(offer_id, "2027-W04"),
        status="canceled_by_pupil",
        previous_status="submitted",
        actor="pupil",
    )
    before = len(await events_of(app, offer_id))
    await deliver(consumer, submitted_only)
    assert len(await events_of(app, offer_id)) == before, (
        "no seat was held: nothing moves"
    )
