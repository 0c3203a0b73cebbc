"""Breakdowns and eligible schools from known events, on the real PostgreSQL."""

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import stats
from contracts import EventBase
from contracts.applications import v1 as applications
from contracts.examples import offer_published, offer_snapshot
from contracts.identity import examples as identity
from contracts.offers.v1 import OfferPublished
from contracts.topics import OFFERS
from kit.auth import Principal, Role
from kit.messaging.consumer import EventConsumer, Outcome
from stats import bulk, exports, queries, schools
from stats.api import SCHOOL_HEADER, _school_line
from stats.db import metadata
from stats.scope import EVERYTHING, Scope
from stats.testing import ADMIN, ARMEES, facts, feed, figures

MIGRATIONS = Path(stats.__file__).parent / "migrations"

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]
Consumer = tuple[EventConsumer, async_sessionmaker[AsyncSession]]
WEEK_1 = datetime(2027, 1, 4, 10, tzinfo=UTC)  # Monday of 2027-W01
WEEK_2 = datetime(2027, 1, 13, 10, tzinfo=UTC)  # 2027-W02
SCHOOLS = {
    "0931111A": ("rep", "93", "Créteil", "Ile-de-France"),
    "0932222B": ("rep_plus", "93", "Créteil", "Ile-de-France"),
    "0933333C": ("rep_plus", "93", "Créteil", "Ile-de-France"),
    "0351111D": ("rep", "35", "Rennes", "Bretagne"),
    "0352222E": ("lycee", "35", "Rennes", "Bretagne"),
}


def listed(uai: str) -> EventBase:
    kind, department, academy, region = SCHOOLS[uai]
    return identity.school_listed(
        uai=uai,
        aggregate_id=uai,
        school_name=f"Établissement {uai}",
        kind=kind,
        department_code=department,
        academy=academy,
        region=region,
    )


def registered(uai: str) -> EventBase:
    kind, department, academy, region = SCHOOLS[uai]
    return identity.school_registered(
        uai=uai,
        aggregate_id=uai,
        kind=kind,
        department_code=department,
        academy=academy,
        region=region,
    )


def submitted(
    offer: Any, uai: str, at: datetime, **overrides: object
) -> applications.ApplicationSubmitted:
    department = SCHOOLS[uai][1] if uai in SCHOOLS else "13"
    return applications.ApplicationSubmitted(
        aggregate_id=str(uuid.uuid4()),
        application=facts(offer, "f", department, school_uai=uai, **overrides),
        occurred_at=at,
        status="submitted",
        previous_status=None,
        actor="pupil",
    )


def approved(
    application: applications.ApplicationSubmitted, at: datetime
) -> applications.ApplicationApproved:
    return applications.ApplicationApproved(
        aggregate_id=application.aggregate_id,
        application=application.application,
        occurred_at=at,
        status="approved",
        previous_status="validated_by_employer",
        actor="pupil",
    )


def campaign() -> tuple[list[EventBase], list[EventBase]]:
    """Schools (registration before listing for one), then a private offer, an
    army offer of the year before, and six applications over two weeks."""
    private = offer_published(offer=offer_snapshot(seats=2, sector_name="Commerce"))
    army = offer_published(
        offer=offer_snapshot(
            seats=4,
            is_public=True,
            ministry=ARMEES,
            sector_name="Défense",
            sector_id=uuid.uuid4(),
            school_year=2025,
        )
    )
    school_events = [
        registered("0932222B"),
        *[listed(uai) for uai in SCHOOLS],
        registered("0351111D"),
    ]
    sent = [
        submitted(private, "0931111A", WEEK_1),
        submitted(private, "0932222B", WEEK_1),
        submitted(private, "0352222E", WEEK_2, grade="2de"),
        submitted(private, "0999999Z", WEEK_2),  # a school identity never listed
        submitted(army, "0932222B", WEEK_2, school_year=2025),
        submitted(army, "0351111D", WEEK_2, school_year=2025),
    ]
    confirmed = [approved(sent[1], WEEK_2), approved(sent[4], WEEK_2)]
    return school_events, [private, army, *sent, *confirmed]


def metrics(applications: int, internships: int) -> dict[str, int]:
    return {"applications": applications, "internships": internships, "signed": 0}


async def test_each_breakdown_from_a_known_campaign_replayed_twice(
    consumer: Consumer,
) -> None:
    handler, sessions = consumer
    school_events, events = campaign()
    assert set(await feed(handler, [*school_events, *events])) == {Outcome.HANDLED}
    replay = await feed(handler, [*reversed(school_events), *events])
    assert set(replay) == {Outcome.DUPLICATE}
    async with sessions() as session:
        result = await queries.indicators(session, EVERYTHING)
    assert result["by_week"] == [
        {"week": "2027-W01", **metrics(2, 0)},
        {"week": "2027-W02", **metrics(4, 2)},
    ]
    assert result["by_school_kind"] == [
        {"kind": "inconnu", **metrics(1, 0)},
        {"kind": "lycee", **metrics(1, 0)},
        {"kind": "rep", **metrics(2, 0)},
        {"kind": "rep_plus", **metrics(2, 2)},
    ]
    assert result["by_public"] == [
        {"public": False, "offers": 1, "seats": 2, **metrics(4, 1)},
        {"public": True, "offers": 1, "seats": 4, **metrics(2, 1)},
    ]
    assert result["by_ministry"] == [
        {"ministry": ARMEES, "offers": 1, "seats": 4, **metrics(2, 1)}
    ]
    assert result["by_school_year"] == [
        {"school_year": 2025, "offers": 1, "seats": 4, **metrics(2, 1)},
        {"school_year": 2026, "offers": 1, "seats": 2, **metrics(4, 1)},
    ]
    assert result["schools"] == [
        registration("rep", 2, 1),
        registration("rep_plus", 2, 1),
        registration("lycee", 1, 0),
    ]


def registration(kind: str, eligible: int, registered: int) -> dict[str, Any]:
    return {
        "kind": kind,
        "eligible": eligible,
        "registered": registered,
        "not_registered": eligible - registered,
        "registered_rate": round(registered / eligible, 4),
    }


async def test_public_figures_by_region_and_scoped_breakdowns(
    consumer: Consumer,
) -> None:
    handler, sessions = consumer
    school_events, events = campaign()
    await feed(handler, [*school_events, *events])
    async with sessions() as session:
        public = await queries.public_indicators(session)
    regions = {row["region"]: row for row in public["by_region"]}
    assert {name: regions[name]["applications"] for name in regions} == {
        "Bretagne": 2,
        "Ile-de-France": 3,
        "inconnu": 1,
    }
    assert public["totals"]["applications"]["total"] == 6
    bretagne = await figures(
        sessions,
        Principal(user_id=uuid.uuid4(), role=Role.REFERENT_REGION, region="Bretagne"),
        school_year=None,
    )
    assert bretagne["by_week"] == [{"week": "2027-W02", **metrics(2, 0)}]
    assert bretagne["schools"] == [
        registration("rep", 1, 1),
        registration("lycee", 1, 0),
    ]
    army = await figures(
        sessions,
        Principal(
            user_id=uuid.uuid4(), role=Role.REFERENT_CENTRAL, ministries=(ARMEES,)
        ),
        school_year=None,
    )
    assert army["by_public"] == [
        {"public": True, "offers": 1, "seats": 4, **metrics(2, 1)}
    ]


async def test_schools_registered_or_not_listed_filtered_and_exported(
    consumer: Consumer,
) -> None:
    handler, sessions = consumer
    school_events, _ = campaign()
    await feed(handler, school_events)
    seine = Scope(departments=frozenset({"93"}))
    async with sessions() as session:
        waiting = await schools.schools(session, seine, registered=False)
        rep_plus = await schools.schools(session, seine, kinds=["rep_plus"])
        rows = [
            _school_line(row)
            async for row in schools.school_rows(
                session, seine, registered=False, kinds=["rep", "rep_plus"]
            )
        ]
    assert [row["uai"] for row in waiting] == ["0931111A", "0933333C"]
    assert {(row["uai"], row["registered"]) for row in rep_plus} == {
        ("0932222B", True),
        ("0933333C", False),
    }
    assert all(row["name"].startswith("Établissement") for row in rep_plus)
    assert [row[:4] for row in rows] == [
        ("0931111A", "Établissement 0931111A", "Saint-Ouen", "REP"),
        ("0933333C", "Établissement 0933333C", "Saint-Ouen", "REP+"),
    ]
    assert {row[4:8] for row in rows} == {("93", "Créteil", False, "")}
    xlsx = b"".join(
        [chunk async for chunk in exports.xlsx_stream("É", SCHOOL_HEADER, aiter(rows))]
    )
    sheet = load_workbook(io.BytesIO(xlsx)).active
    read = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert read[0] == SCHOOL_HEADER
    assert [line[0] for line in read[1:]] == ["0931111A", "0933333C"]
    assert read[1][6] is False


async def aiter(rows: list[tuple[Any, ...]]) -> Any:
    for row in rows:
        yield row


async def test_an_application_before_its_offer_counts_under_sector_unknown(
    consumer: Consumer,
) -> None:
    handler, sessions = consumer
    _, events = campaign()
    sent: list[EventBase] = [
        e for e in events if isinstance(e, applications.ApplicationSubmitted)
    ]
    await feed(handler, sent)
    result = await figures(sessions, ADMIN, school_year=None)
    assert [row["sector"] for row in result["by_sector"]] == ["inconnu", "inconnu"]
    assert result["totals"]["applications"]["total"] == len(sent)
    await feed(handler, events)
    result = await figures(sessions, ADMIN, school_year=None)
    assert [row["sector"] for row in result["by_sector"]] == ["Commerce", "Défense"]


async def test_a_bulk_load_counts_as_events_one_by_one(consumer: Consumer) -> None:
    handler, sessions = consumer
    school_events, events = campaign()
    offers = [e for e in events if isinstance(e, OfferPublished)]
    loadable = [e for e in events if isinstance(e, bulk.Loadable)]
    assert len(offers) + len(loadable) == len(events)
    await feed(handler, [*school_events, *events])
    before = await figures(sessions, ADMIN, school_year=None)
    async with sessions() as session, session.begin():
        for table in reversed(metadata.sorted_tables):
            await session.execute(delete(table))
    await feed(handler, school_events)
    async with sessions() as session, session.begin():
        await bulk.load_offers(session, offers)
        # The approval of the first batch's application comes in the second batch.
        await bulk.load_applications(session, loadable[:3])
        await bulk.load_applications(session, loadable[3:])
    assert await figures(sessions, ADMIN, school_year=None) == before


async def test_the_migration_rebuilds_the_cubes_the_projections_keep(
    database_factory: Any,
) -> None:
    """Events projected at head, cubes emptied, then 0003 replayed over the rows."""
    from kit.db import make_engine, make_session_factory
    from kit.messaging.publisher import RecordingPublisher
    from kit.migrations import upgrade
    from stats import projections
    from stats.db import INBOX
    from stats.testing import story

    url = database_factory("stats_migration")
    upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    handler = EventConsumer(
        name="stats-migration",
        topic=OFFERS,
        handler=projections.apply,
        dead_letters=RecordingPublisher(),
        session_factory=sessions,
        inbox=INBOX,
    )
    _, events = campaign()
    await feed(handler, [*events, *story()])
    before = await figures(sessions, ADMIN, school_year=None)
    async with sessions() as session, session.begin():
        await session.execute(text("DROP TABLE school_counters, weekly_counters"))
        await session.execute(text("DROP TABLE monthly_counters, sector_counters"))
        await session.execute(text("UPDATE alembic_version SET version_num = '0002'"))
        await session.execute(text(OLD_COUNTERS))
        await session.execute(text("DROP INDEX ix_schools_kind"))
        for column in ("name", "city", "listed_at"):
            await session.execute(text(f"ALTER TABLE schools DROP COLUMN {column}"))
    await engine.dispose()
    upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    assert await figures(make_session_factory(engine), ADMIN, school_year=None) == (
        before
    )
    await engine.dispose()


OLD_COUNTERS = (
    "CREATE TABLE counters (school_year int, month date, department_code text, "
    "sector_id uuid, gender text, grade text, is_public bool, ministry text, "
    "applications int, internships int, signed int)"
)
