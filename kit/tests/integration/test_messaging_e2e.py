"""Outbox -> Kafka -> inbox on the real PostgreSQL and broker.

An HTTP request writes an event through the outbox; the relay publishes it; a
consumer group applies it once even when it is delivered twice; a poison event ends
in the dead-letter topic after N tries; the correlation id travels all the way.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer
from faststream.kafka import KafkaBroker
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase, Topic
from contracts.examples import offer_published, offer_snapshot
from contracts.offers.v1 import OFFER_EVENTS, OfferPublished
from kit.http import create_app
from kit.logging import current_correlation_id
from kit.messaging.admin import ensure_topics, partitions_of
from kit.messaging.consumer import Delivery, EventConsumer, Outcome
from kit.messaging.outbox import OutboxRelay, add_events
from kit.messaging.publisher import KafkaPublisher
from kit.tests.integration.conftest import APPLIED, INBOX, OUTBOX

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.postgres,
    pytest.mark.asyncio(loop_scope="session"),
]
ATTEMPTS = 3


@dataclass
class Handler:
    correlation_ids: dict[str, str] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    async def __call__(self, event: EventBase, session: AsyncSession) -> None:
        assert isinstance(event, OfferPublished)
        self.calls[event.aggregate_id] = self.calls.get(event.aggregate_id, 0) + 1
        self.correlation_ids[event.aggregate_id] = current_correlation_id()
        await session.execute(
            insert(APPLIED).values(offer_id=event.aggregate_id, version=event.version)
        )
        if event.offer.title == "poison":
            raise RuntimeError("ce message fait toujours échouer le traitement")


class RecordingConsumer(EventConsumer):
    """Notes each delivery's outcome, so the test waits for facts, not for time."""

    outcomes: list[Outcome]

    async def process(self, delivery: Delivery) -> Outcome:
        outcome = await super().process(delivery)
        self.outcomes.append(outcome)
        return outcome


@dataclass
class Pipeline:
    topic: Topic
    relay: OutboxRelay
    handler: Handler
    consumer: RecordingConsumer
    sessions: async_sessionmaker[AsyncSession]


@pytest_asyncio.fixture(loop_scope="session")
async def pipeline(
    kafka_bootstrap_servers: str, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Pipeline]:
    topic = Topic(
        name=f"test.e2e.{uuid.uuid4().hex[:8]}",
        aggregate="offer",
        description="Offer events of one test run.",
        events=OFFER_EVENTS,
    )
    await ensure_topics(kafka_bootstrap_servers, [topic], partitions=2)
    publisher = KafkaPublisher(kafka_bootstrap_servers, client_id="test-e2e")
    await publisher.start()
    handler = Handler()
    broker = KafkaBroker(kafka_bootstrap_servers)
    consumer = RecordingConsumer(
        name=f"test-consumer-{uuid.uuid4().hex[:6]}",
        topic=topic,
        handler=handler,
        dead_letters=publisher,
        session_factory=sessions,
        inbox=INBOX,
        max_attempts=ATTEMPTS,
        retry_seconds=0.05,
    )
    consumer.outcomes = []
    consumer.subscribe(broker)
    await broker.start()
    relay = OutboxRelay(session_factory=sessions, table=OUTBOX, publisher=publisher)
    try:
        yield Pipeline(topic, relay, handler, consumer, sessions)
    finally:
        await broker.stop()
        await publisher.stop()


async def wait_for(
    predicate: Callable[[], Awaitable[bool]], *, seconds: float = 30
) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "délai dépassé"
        await asyncio.sleep(0.1)


async def read_dead_letters(
    bootstrap: str, topic: Topic, expected: int
) -> list[dict[str, bytes]]:
    reader = AIOKafkaConsumer(
        topic.dead_letter,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await reader.start()
    found: list[dict[str, bytes]] = []
    try:
        for _ in range(60):
            for records in (await reader.getmany(timeout_ms=500)).values():
                found.extend(
                    dict(record.headers) | {"value": record.value} for record in records
                )
            if len(found) >= expected:
                break
    finally:
        await reader.stop()
    return found


async def test_outbox_to_inbox_applies_once_and_dead_letters_poison(
    pipeline: Pipeline, kafka_bootstrap_servers: str
) -> None:
    app = create_app(title="test", description="écrit un événement par requête")
    good_id, poison_id = str(uuid.uuid4()), str(uuid.uuid4())

    @app.post("/offers/{offer_id}")
    async def publish(offer_id: str, title: str) -> dict[str, str]:
        event = offer_published(
            aggregate_id=offer_id,
            correlation_id=current_correlation_id(),
            offer=offer_snapshot(title=title),
        )
        async with pipeline.sessions() as session, session.begin():
            await add_events(session, OUTBOX, event, topic=pipeline.topic)
        return {"event_id": str(event.event_id)}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        ok = await client.post(
            f"/offers/{good_id}",
            params={"title": "Boulangerie"},
            headers={"X-Correlation-ID": "req-42"},
        )
        await client.post(f"/offers/{poison_id}", params={"title": "poison"})
    assert ok.headers["x-correlation-id"] == "req-42"

    assert await pipeline.relay.relay_once() == 2
    # Forced duplicate delivery: the relay "crashed" before marking the good event.
    async with pipeline.sessions() as session, session.begin():
        await session.execute(
            update(OUTBOX).where(OUTBOX.c.key == good_id).values(published_at=None)
        )
    assert await pipeline.relay.relay_once() == 1

    dead = await read_dead_letters(kafka_bootstrap_servers, pipeline.topic, expected=1)

    async def all_three_deliveries_done() -> bool:
        return len(pipeline.consumer.outcomes) == 3

    await wait_for(all_three_deliveries_done)
    assert sorted(o.value for o in pipeline.consumer.outcomes) == [
        "dead_lettered",
        "duplicate",
        "handled",
    ]

    async with pipeline.sessions() as session:
        applied = (await session.scalars(select(APPLIED.c.offer_id))).all()
        inboxed = await session.scalar(select(func.count()).select_from(INBOX))
    assert applied == [good_id], "applied once; the poison's writes were rolled back"
    assert inboxed == 1
    assert pipeline.handler.calls[good_id] == 1, (
        "the duplicate never reached the handler"
    )
    assert pipeline.handler.calls[poison_id] == ATTEMPTS
    assert pipeline.handler.correlation_ids[good_id] == "req-42"

    [letter] = dead
    assert letter["dlq_attempts"] == str(ATTEMPTS).encode()
    assert b"toujours" in letter["dlq_reason"]
    assert pipeline.topic.parse(letter["value"]).aggregate_id == poison_id


async def test_the_broker_tells_how_many_partitions_each_topic_has(
    kafka_bootstrap_servers: str,
) -> None:
    topic = Topic(
        name=f"test.partitions.{uuid.uuid4().hex[:8]}",
        aggregate="offer",
        description="Offer events of one test run.",
        events=OFFER_EVENTS,
    )
    await ensure_topics(kafka_bootstrap_servers, [topic], partitions=2)
    counts = await partitions_of(
        kafka_bootstrap_servers, [topic.name, topic.dead_letter]
    )
    assert counts == {topic.name: 2, topic.dead_letter: 1}
