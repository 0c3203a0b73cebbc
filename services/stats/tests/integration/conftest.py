from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import stats
from contracts.topics import OFFERS
from kit.db import make_engine, make_session_factory
from kit.messaging.consumer import EventConsumer
from kit.messaging.publisher import RecordingPublisher
from kit.migrations import upgrade
from stats import projections
from stats.db import INBOX

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
