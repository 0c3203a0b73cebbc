from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import identity
from kit.db import make_engine, make_session_factory
from kit.migrations import upgrade

MIGRATIONS = Path(identity.__file__).parent / "migrations"


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def engine(database_factory: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    url = database_factory("identity")
    upgrade(MIGRATIONS, url)
    engine = make_engine(url, pool_size=5)
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
