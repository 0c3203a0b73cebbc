from collections.abc import AsyncIterator, Callable

import pytest_asyncio
from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kit.db import make_engine, make_metadata, make_session_factory
from kit.mail_outbox import mail_outbox_table
from kit.messaging.inbox import inbox_table
from kit.messaging.outbox import outbox_table

metadata = make_metadata()
OUTBOX = outbox_table(metadata)
INBOX = inbox_table(metadata)
MAIL_OUTBOX = mail_outbox_table(metadata)
# What the end-to-end consumer writes: one row per applied offer event.
APPLIED = Table(
    "applied",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("offer_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
)


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def engine(database_factory: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_factory("kit"))
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def sessions(
    engine: AsyncEngine,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())
    yield make_session_factory(engine)
