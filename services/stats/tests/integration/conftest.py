import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import stats
from contracts import Topic
from contracts.topics import OFFERS
from kit.db import make_engine, make_session_factory
from kit.messaging.consumer import EventConsumer
from kit.messaging.publisher import RecordingPublisher
from kit.migrations import upgrade
from stats import projections
from stats.db import INBOX
from stats.testing import drop_topics, private_topics

MIGRATIONS = Path(stats.__file__).parent / "migrations"


@pytest_asyncio.fixture(loop_scope="session")
async def consumer(
    database_factory: Callable[[str], str],
) -> AsyncIterator[tuple[EventConsumer, async_sessionmaker[AsyncSession]]]:
    url = database_factory("stats")
    upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    yield (
        EventConsumer(
            name="stats-test",
            topic=OFFERS,
            handler=projections.apply,
            dead_letters=RecordingPublisher(),
            session_factory=sessions,
            inbox=INBOX,
        ),
        sessions,
    )
    await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def topics(kafka_bootstrap_servers: str) -> AsyncIterator[tuple[Topic, ...]]:
    """Private copies of the topics, deleted after the test."""
    private = private_topics(f"test-{uuid.uuid4().hex[:8]}")
    yield private
    await drop_topics(kafka_bootstrap_servers, private)
