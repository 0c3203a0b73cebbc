"""Events of a known story and helpers shared by the tests and the benchmark."""

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase, Topic, topic_of
from contracts.applications import v1 as applications
from contracts.conventions.v1 import ConventionFullySigned
from contracts.examples import offer_published, offer_snapshot
from contracts.offers.v1 import OfferPublished
from kit.auth import Principal, Role
from kit.messaging.consumer import Delivery, EventConsumer, Outcome
from stats import queries
from stats.main import TOPICS
from stats.scope import scope_of

ARMEES = "Ministère des Armées"
ADMIN = Principal(user_id=uuid.uuid4(), role=Role.ADMIN)
T0 = datetime(2027, 1, 11, 9, tzinfo=UTC)


def private_topics(prefix: str) -> tuple[Topic, ...]:
    """Copies of the topics stats reads, under a prefix only one run uses."""
    return tuple(
        dataclasses.replace(topic, name=f"{prefix}.{topic.name}") for topic in TOPICS
    )


async def drop_topics(servers: str, topics: Sequence[Topic]) -> None:
    """Deletes private topics and their dead-letter twins once a run is over."""
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        await admin.delete_topics([n for t in topics for n in (t.name, t.dead_letter)])
    finally:
        await admin.close()


def private_topic_of(event: EventBase, topics: Sequence[Topic]) -> Topic:
    return next(t for t in topics if t.aggregate == topic_of(event).aggregate)


def story() -> list[EventBase]:
    """Two offers; three pupils apply; two are confirmed; one convention is signed,
    then one confirmed pupil cancels."""
    bakery = offer_published(offer=offer_snapshot(seats=3, sector_name="Mode"))
    army = offer_published(
        offer=offer_snapshot(
            seats=5,
            is_public=True,
            ministry=ARMEES,
            sector_name="Défense",
            sector_id=uuid.uuid4(),
        )
    )
    submitted = [
        applications.ApplicationSubmitted(
            aggregate_id=str(uuid.uuid4()),
            application=facts(offer, gender, department),
            occurred_at=T0,
            status="submitted",
            previous_status=None,
            actor="pupil",
        )
        for gender, offer, department in (
            ("f", bakery, "35"),
            ("m", army, "35"),
            ("f", army, "13"),
        )
    ]
    approved = [
        applications.ApplicationApproved(
            aggregate_id=s.aggregate_id,
            application=s.application,
            occurred_at=T0,
            status="approved",
            previous_status="validated_by_employer",
            actor="pupil",
        )
        for s in submitted[:2]
    ]
    signed = ConventionFullySigned(
        aggregate_id=str(uuid.uuid4()),
        application_id=uuid.UUID(submitted[0].aggregate_id),
        application=submitted[0].application,
        status="fully_signed",
        final_pdf_sha256="cd" * 32,
    )
    cancelled = applications.ApplicationCanceledByPupil(
        aggregate_id=submitted[1].aggregate_id,
        application=submitted[1].application,
        status="canceled_by_pupil",
        previous_status="approved",
        actor="pupil",
    )
    return [bakery, army, *submitted, *approved, signed, cancelled]


def facts(
    offer: OfferPublished, gender: str, department: str, **overrides: object
) -> applications.ApplicationFacts:
    """The facts of an application to `offer`; keyword arguments replace fields."""
    fields: dict[str, object] = {
        "pupil_id": uuid.uuid4(),
        "offer_id": uuid.UUID(offer.aggregate_id),
        "weeks": ("2027-W03",),
        "school_year": 2026,
        "sector_id": offer.offer.sector_id,
        "offer_department_code": "75",
        "is_public": offer.offer.is_public,
        "ministry": offer.offer.ministry,
        "school_uai": "0350913C",
        "school_department_code": department,
        "grade": "3e",
        "gender": gender,
    }
    return applications.ApplicationFacts.model_validate(fields | overrides)


async def feed(consumer: EventConsumer, events: list[EventBase]) -> list[Outcome]:
    outcomes = []
    for event in events:
        consumer.topic = topic_of(event)
        outcomes.append(
            await consumer.process(
                Delivery(event.to_json_bytes(), event.aggregate_id.encode(), ())
            )
        )
    return outcomes


async def figures(
    sessions: async_sessionmaker[AsyncSession],
    principal: Principal,
    *,
    school_year: int | None = 2026,
) -> dict[str, Any]:
    async with sessions() as session:
        return await queries.indicators(
            session, scope_of(principal), school_year=school_year
        )
