"""What every service process runs beside its HTTP routes, started and stopped once.

A service's `main.py` gives its tables, topics and consumers; the runtime opens the
database, the idempotent producer, the outbox relay and the consumer groups, and the
periodic jobs, and closes them in reverse order.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import structlog
from faststream.kafka import KafkaBroker
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import Topic
from kit.db import make_engine, make_session_factory
from kit.messaging.admin import ensure_topics
from kit.messaging.consumer import EventConsumer, PlainHandler, SessionHandler
from kit.messaging.outbox import OutboxRelay
from kit.messaging.publisher import KafkaPublisher
from kit.migrations import upgrade
from kit.settings import ServiceSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Subscription:
    """A consumer group of this service on one topic."""

    group: str
    topic: Topic
    handler: SessionHandler | PlainHandler


@dataclass(frozen=True)
class Job:
    """A periodic job: `run` is awaited every `every_seconds` (the first time after
    one period, not at start-up); failures are logged and the job goes on."""

    name: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]


@dataclass
class Runtime:
    sessions: async_sessionmaker[AsyncSession]
    publisher: KafkaPublisher
    relay: OutboxRelay | None
    broker: KafkaBroker
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def every(self, job: Job) -> None:
        self.tasks.append(asyncio.create_task(_repeat(job)))


async def _repeat(job: Job) -> None:
    while True:
        await asyncio.sleep(job.every_seconds)
        try:
            await job.run()
        except Exception:
            log.exception("job_failed", job=job.name)


@asynccontextmanager
async def running(
    settings: ServiceSettings,
    *,
    migrations: Path,
    outbox: Table | None,
    inbox: Table,
    topics: Sequence[Topic],
    subscriptions: Sequence[Subscription] = (),
) -> AsyncIterator[Runtime]:
    """Migrates, connects and starts everything; stops it all on exit."""
    await asyncio.to_thread(upgrade, migrations, settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    await ensure_topics(settings.kafka_bootstrap_servers, topics)
    publisher = KafkaPublisher(
        settings.kafka_bootstrap_servers, client_id=settings.service_name
    )
    await publisher.start()
    # A pure read model (stats, search) writes no events, so it has no outbox.
    relay = (
        OutboxRelay(
            session_factory=sessions,
            table=outbox,
            publisher=publisher,
            poll_seconds=settings.outbox_poll_seconds,
        )
        if outbox is not None
        else None
    )
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers, client_id=settings.service_name
    )
    for subscription in subscriptions:
        EventConsumer(
            name=subscription.group,
            topic=subscription.topic,
            handler=subscription.handler,
            dead_letters=publisher,
            session_factory=sessions,
            inbox=inbox,
            max_attempts=settings.consumer_max_attempts,
            start_from=settings.new_groups_start_from,
        ).subscribe(broker)
    await broker.start()
    runtime = Runtime(sessions, publisher, relay, broker)
    relaying = asyncio.create_task(relay.run() if relay else asyncio.sleep(0))
    if relay is not None:
        keep = timedelta(days=settings.outbox_keep_days)

        async def purge() -> int:
            # Kafka holds the events now; the table keeps a week for inquiries.
            return await relay.purge(older_than=keep)

        runtime.every(Job("outbox-purge", settings.purge_every_seconds, purge))
    try:
        yield runtime
    finally:
        for task in runtime.tasks:
            task.cancel()
        if relay is not None:
            relay.stop()
        await asyncio.gather(relaying, *runtime.tasks, return_exceptions=True)
        await broker.stop()
        await publisher.stop()
        await engine.dispose()
