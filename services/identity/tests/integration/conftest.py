import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import identity
from contracts import TOPICS
from identity.db import OUTBOX
from identity.main import build_app
from identity.settings import Settings
from identity.signing import generate_pem
from identity.testing import EventTail
from kit.db import make_engine, make_session_factory
from kit.messaging.admin import ensure_topics, partitions_of
from kit.migrations import upgrade
from kit.testing.mail import Mailbox, running_mailbox

MIGRATIONS = Path(identity.__file__).parent / "migrations"
IDENTITY_TOPICS = [TOPICS[name] for name in TOPICS if name.startswith("identity.")]


@pytest.fixture(scope="session")
def database_url(database_factory: Callable[[str], str]) -> str:
    url = database_factory("identity")
    upgrade(MIGRATIONS, url)
    return url


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def imported(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The full shared data, imported once for the session."""
    from identity.schools_import import import_schools
    from kit.testing.data import shared_data_dir

    async with sessions() as session, session.begin():
        await import_schools(session, shared_data_dir())
        # Setting for the tests, not what they check: the 6,900 `school.listed`
        # events would otherwise flood the shared topic other test runs read.
        await session.execute(
            delete(OUTBOX).where(OUTBOX.c.event_type == "school.listed")
        )


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    yield from running_mailbox()


@pytest.fixture(scope="session")
def settings(
    database_url: str, postgres_url: str, kafka_bootstrap_servers: str, mailbox: Mailbox
) -> Settings:
    return Settings.model_validate(
        {
            "POSTGRES_URL": postgres_url,
            "database_name": make_url(database_url).database,
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
            "jwt_private_key": generate_pem().decode(),
            "smtp_port": mailbox.port,
            "outbox_poll_seconds": 0.05,
            "mail_every_seconds": 0.2,
        }
    )


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def app(settings: Settings, imported: None) -> AsyncIterator[FastAPI]:
    application = build_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity") as c:
        yield c


@pytest_asyncio.fixture(loop_scope="session")
async def events(
    kafka_bootstrap_servers: str, app: FastAPI
) -> AsyncIterator[EventTail]:
    await ensure_topics(kafka_bootstrap_servers, IDENTITY_TOPICS)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap_servers,
        group_id=None,
        client_id=f"identity-test-{uuid.uuid4().hex[:6]}",
    )
    await consumer.start()
    counts = await partitions_of(
        kafka_bootstrap_servers, [topic.name for topic in IDENTITY_TOPICS]
    )
    partitions = [
        TopicPartition(name, number)
        for name, count in counts.items()
        for number in range(count)
    ]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for partition in partitions:
        await consumer.position(partition)
    try:
        yield EventTail(consumer)
    finally:
        await consumer.stop()
