import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import applications
from applications.db import pupil_views, school_views
from kit.db import make_engine, make_session_factory
from kit.migrations import upgrade

MIGRATIONS = Path(applications.__file__).parent / "migrations"


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def engine(database_factory: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    url = database_factory("applications")
    upgrade(MIGRATIONS, url)
    engine = make_engine(url, pool_size=20)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest_asyncio.fixture(loop_scope="session")
async def add_pupil(
    sessions: async_sessionmaker[AsyncSession],
) -> Callable[..., object]:
    async def add(
        *, weeks: tuple[str, ...] = ("2027-W03", "2027-W04"), grade: str = "3e"
    ) -> uuid.UUID:
        pupil_id, uai = uuid.uuid4(), f"{uuid.uuid4().int % 10**7:07d}A"
        async with sessions() as session, session.begin():
            await session.execute(
                insert(school_views).values(
                    uai=uai, department_code="35", weeks=list(weeks)
                )
            )
            await session.execute(
                insert(pupil_views).values(
                    pupil_id=pupil_id,
                    grade=grade,
                    gender="f",
                    school_uai=uai,
                    authorised=True,
                )
            )
        return pupil_id

    return add
