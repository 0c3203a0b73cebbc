"""Benchmark: ingest a 100k-offer feed, then wait for its last event on Kafka.

Prints rows/s of the ingestion and the time from start until the outbox is
empty (every event acknowledged by Kafka). Goal: at most 60 s on 2 cores.

    uv run python services/offers/benchmarks/feed_100k.py [rows]

Uses the local servers (POSTGRES_URL, KAFKA_BOOTSTRAP_SERVERS or their default
ports), a throw-away database and topics prefixed `bench-<id>.`, dropped or left
unread afterwards.
"""

import asyncio
import json
import os
import random
import sys
import time
import uuid

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from contracts import Topic
from contracts.topics import OFFER_FEED_REJECTIONS, OFFERS
from kit.db import make_engine, make_session_factory
from kit.messaging.admin import ensure_topics
from kit.messaging.outbox import OutboxRelay
from kit.messaging.publisher import KafkaPublisher
from kit.migrations import upgrade
from offers.db import outbox
from offers.feed_rows import read_rows
from offers.feeds import FeedRunner
from offers.geodata import geocoder, sectors
from offers.main import MIGRATIONS, catalog
from offers.testing import RenamingPublisher

POSTGRES = os.environ.get(
    "POSTGRES_URL", "postgresql://postgres@127.0.0.1:5433/postgres"
)
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def feed(rows: int) -> str:
    places = list(geocoder().centres().items())
    sector_ids = [str(sector.id) for sector in sectors()]
    rng = random.Random(42)  # repeatable test data, not a secret
    lines = []
    for number in range(rows):
        code, point = rng.choice(places)
        row = {
            "remote_id": f"B-{number}",
            "title": f"Découverte du métier n°{number}",
            "description": "Observation des équipes, accueil, ateliers." * 3,
            "employer_name": "Ministère des Armées",
            "is_public": True,
            "ministry": "Ministère des Armées",
            "street": f"{number} rue de la République",
            "city": "Ville",
            "zipcode": code,
            "weeks": ["2027-W03", "2027-W04", "2027-W05"],
            "max_candidates": rng.randint(1, 10),
            "grades": ["troisieme", "quatrieme"],
            "sector_id": rng.choice(sector_ids),
        }
        if number % 2:
            row["coordinates"] = {"latitude": point.lat, "longitude": point.lon}
        lines.append(json.dumps(row))
    return "\n".join(lines)


async def main(rows: int) -> None:
    name = f"bench_offers_{uuid.uuid4().hex[:8]}"
    url = (
        make_url(POSTGRES)
        .set(drivername="postgresql+asyncpg", database=name)
        .render_as_string(hide_password=False)
    )
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    renamed = [
        Topic(f"{prefix}.{t.name}", t.aggregate, "bench", t.events)
        for t in (OFFERS, OFFER_FEED_REJECTIONS)
    ]
    upgrade(MIGRATIONS, url)
    await ensure_topics(KAFKA, renamed)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    kafka = KafkaPublisher(KAFKA, client_id=prefix)
    await kafka.start()
    relay = OutboxRelay(
        session_factory=sessions,
        table=outbox,
        publisher=RenamingPublisher(kafka, prefix),
        batch_size=2000,
    )
    text = feed(rows)
    relay_task = asyncio.create_task(relay.run())
    runner = FeedRunner(sessions, catalog(), batch_size=2000, on_commit=relay.notify)
    started = time.perf_counter()
    report = await runner.run("bench", read_rows(text, "jsonl"), feed_format="jsonl")
    ingested = time.perf_counter() - started
    while True:
        async with sessions() as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.published_at.is_(None))
            )
        if not pending:
            break
        await asyncio.sleep(0.05)
    published = time.perf_counter() - started
    relay_task.cancel()
    await kafka.stop()
    await engine.dispose()
    admin = await asyncpg.connect(
        make_url(POSTGRES)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()
    print(f"rows: {rows}, accepted: {report.accepted}, rejected: {report.rejected}")
    print(f"ingestion: {ingested:.1f} s, {rows / ingested:,.0f} rows/s")
    print(f"last event acknowledged by Kafka after {published:.1f} s")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
