from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import identity
from contracts.identity.v1 import SchoolListed
from contracts.topics import IDENTITY_SCHOOLS
from identity.db import OUTBOX, School
from identity.repositories import Schools
from identity.schools_import import import_schools
from kit.db import make_engine, make_session_factory
from kit.migrations import upgrade
from kit.testing.data import college, shared_data_dir

MIGRATIONS = Path(identity.__file__).parent / "migrations"
pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(loop_scope="session")
async def empty_db(
    database_factory: Callable[[str], str],
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = database_factory("identity_import")
    upgrade(MIGRATIONS, url)
    engine = make_engine(url, pool_size=1)
    yield make_session_factory(engine)
    await engine.dispose()


async def test_full_import_is_rerunnable_and_searchable(
    empty_db: async_sessionmaker[AsyncSession],
) -> None:
    sessions = empty_db
    async with sessions() as session, session.begin():
        first = await import_schools(session, shared_data_dir())
    assert first.created > 6800
    assert first.updated == 0
    async with sessions() as session, session.begin():
        await session.execute(
            update(School).where(School.uai == "0350044H").values(name="Ancien nom")
        )
    async with sessions() as session, session.begin():
        second = await import_schools(session, shared_data_dir())
        count = await session.scalar(select(func.count()).select_from(School))
    assert (second.created, second.updated) == (0, 1)
    assert second.unchanged == first.created - 1
    assert count == first.created
    assert {item.uai for item in first.rejections} == {
        item.uai for item in second.rejections
    }
    async with sessions() as session, session.begin():
        third = await import_schools(session, shared_data_dir())
    assert (third.created, third.updated, third.listed) == (0, 0, 0)


async def test_one_territory_imports_its_schools_only(
    empty_db: async_sessionmaker[AsyncSession],
) -> None:
    sessions = empty_db
    async with sessions() as session, session.begin():
        report = await import_schools(
            session, shared_data_dir(), departments=frozenset({"93", "2A"})
        )
        found = await session.execute(
            select(School.department_code, func.count()).group_by(
                School.department_code
            )
        )
        per_department: dict[str, int] = dict(found.all())
    assert set(per_department) == {"93", "2A"}
    assert report.created == sum(per_department.values()) == report.listed
    assert per_department["93"] > per_department["2A"] > 0


async def listed_events(
    sessions: async_sessionmaker[AsyncSession],
) -> list[SchoolListed]:
    async with sessions() as session:
        rows = (await session.execute(select(OUTBOX).order_by(OUTBOX.c.seq))).all()
    events = [IDENTITY_SCHOOLS.parse(row.payload) for row in rows]
    assert {row.topic for row in rows} <= {IDENTITY_SCHOOLS.name}
    return [event for event in events if isinstance(event, SchoolListed)]


async def test_each_created_or_changed_school_is_listed_once(
    empty_db: async_sessionmaker[AsyncSession],
) -> None:
    sessions = empty_db
    async with sessions() as session, session.begin():
        first = await import_schools(session, shared_data_dir())
    listed = await listed_events(sessions)
    assert len(listed) == first.created == first.listed
    malo = next(event for event in listed if event.uai == "0350044H")
    async with sessions() as session:
        row = await session.get(School, "0350044H")
    assert row is not None
    assert (malo.aggregate_id, malo.school_name, malo.kind, malo.academy) == (
        "0350044H",
        row.name,
        row.kind,
        row.academy,
    )
    assert (malo.location.lat, malo.location.lon) == (row.lat, row.lon)
    async with sessions() as session, session.begin():
        await session.execute(
            update(School).where(School.uai == "0350044H").values(city="Ailleurs")
        )
    async with sessions() as session, session.begin():
        await import_schools(session, shared_data_dir())
    [again] = (await listed_events(sessions))[len(listed) :]
    assert (again.uai, again.city) == ("0350044H", malo.city)


@pytest.mark.usefixtures("imported")
async def test_autocomplete_ignores_accents_and_case(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        by_name = await Schools(session).autocomplete("CHATEAUBRIAND saint-malo")
        by_city = await Schools(session).autocomplete("vaulx en vélin")
    assert "0350044H" in [school.uai for school in by_name]
    assert by_city
    assert all(school.city == "Vaulx-en-Velin" for school in by_city)


@pytest.mark.usefixtures("imported")
async def test_schools_near_a_point_are_sorted_by_distance(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    malo = college("0350044H")
    async with sessions() as session:
        found = await Schools(session).near(lat=malo.lat, lon=malo.lon, radius_km=10)
    assert found[0][0].uai == "0350044H"
    assert found[0][1] < 0.01
    distances = [km for _, km in found]
    assert distances == sorted(distances)
    assert all(km <= 10 for km in distances)
    assert all(school.city != "Paris" for school, _ in found)
