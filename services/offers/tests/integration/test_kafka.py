"""Events reach the real Kafka through the outbox relay, in version order.

Test topics carry a unique prefix so that no other service reads them.
"""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI

from contracts import Topic
from contracts.topics import OFFER_FEED_REJECTIONS, OFFERS
from kit.auth import Role
from kit.messaging.admin import ensure_topics
from kit.messaging.publisher import KafkaPublisher
from kit.testing.tokens import TokenFactory
from offers.feed_rows import RawRow, read_rows
from offers.feeds import FeedRunner
from offers.main import build_app
from offers.settings import Settings
from offers.testing import RenamingPublisher

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.kafka,
    pytest.mark.asyncio(loop_scope="session"),
]
PREFIX = f"test-{uuid.uuid4().hex[:8]}"


def renamed(topic: Topic) -> Topic:
    return Topic(f"{PREFIX}.{topic.name}", topic.aggregate, "test", topic.events)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def kafka_app(
    database_factory: Callable[[str], str],
    kafka_bootstrap_servers: str,
    tokens: TokenFactory,
    make_settings: Callable[..., Settings],
) -> AsyncIterator[FastAPI]:
    await ensure_topics(
        kafka_bootstrap_servers, [renamed(OFFERS), renamed(OFFER_FEED_REJECTIONS)]
    )
    kafka = KafkaPublisher(kafka_bootstrap_servers, client_id=PREFIX)
    await kafka.start()
    app = build_app(
        make_settings(database_factory("offers_kafka"), feed_batch_size=100),
        token_verifier=tokens.verifier(),
        publisher=RenamingPublisher(kafka, PREFIX),
    )
    async with app.router.lifespan_context(app):
        yield app
    await kafka.stop()


async def consume(servers: str, topic: str, count: int) -> list[tuple[str, object]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=servers,
        group_id=f"{PREFIX}-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    found: list[tuple[str, object]] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < count:
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    found.extend(
                        (r.key.decode(), OFFERS.parse(r.value)) for r in records
                    )
    finally:
        await consumer.stop()
    return found


async def test_employer_lifecycle_reaches_kafka_in_order(
    kafka_app: FastAPI, kafka_bootstrap_servers: str, tokens: TokenFactory
) -> None:
    token = tokens.token_for(Role.EMPLOYER, team_id=uuid.uuid4())
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "title": "Découverte du journalisme",
        "employer_name": "Ouest-France",
        "sector_id": "b7564ac4-e184-41c4-a7a9-57233a9d244a",
        "postal_code": "35000",
        "city": "Rennes",
        "weeks": ["2027-W10"],
        "grades": ["3e"],
        "weekly_hours": ["09:00", "17:00"],
        "contact_phone": "0299000000",
    }
    transport = httpx.ASGITransport(app=kafka_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://o") as client:
        offer_id = (await client.post("/offers", json=body, headers=headers)).json()[
            "id"
        ]
        for action in ("publish", "unpublish", "remove"):
            await client.post(f"/offers/{offer_id}/{action}", headers=headers)
    events = await consume(kafka_bootstrap_servers, renamed(OFFERS).name, 4)
    mine = [event for key, event in events if key == offer_id]
    assert [(e.event_type, e.version) for e in mine] == [  # type: ignore[attr-defined]
        ("offer.drafted", 1),
        ("offer.published", 2),
        ("offer.unpublished", 3),
        ("offer.removed", 4),
    ]


def feed_text(count: int) -> str:
    rows = [
        json.dumps(
            {
                "remote_id": f"K-{n}",
                "title": f"Offre {n}",
                "employer_name": "Préfecture",
                "is_public": True,
                "city": "Rennes",
                "zipcode": "35000",
                "weeks": ["2027-W10"],
                "max_candidates": 2,
                "grades": ["troisieme"],
                "sector_id": "b7564ac4-e184-41c4-a7a9-57233a9d244a",
            }
        )
        for n in range(count)
    ]
    return "\n".join(rows)


def broken_rows() -> Iterator[RawRow]:
    yield from read_rows("{cassé\n" * 150, "jsonl")
    raise ConnectionResetError("flux interrompu")


async def test_good_feed_reaches_kafka_while_a_broken_one_fails(
    kafka_app: FastAPI, kafka_bootstrap_servers: str
) -> None:
    runner: FeedRunner = kafka_app.state.feeds
    broken, good = await asyncio.gather(
        runner.run("casse", broken_rows(), feed_format="jsonl"),
        runner.run(
            "interieur", read_rows(feed_text(250), "jsonl"), feed_format="jsonl"
        ),
    )
    assert (broken.status, good.status, good.accepted) == ("failed", "completed", 250)
    events = await consume(kafka_bootstrap_servers, renamed(OFFERS).name, 254)
    published = {
        event.offer.title  # type: ignore[attr-defined]
        for _, event in events
        if event.event_type == "offer.published"  # type: ignore[attr-defined]
    }
    assert {f"Offre {n}" for n in range(250)} <= published
