"""Indicators from a known set of events, on the real PostgreSQL and Kafka."""

import asyncio
import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase, Topic
from contracts.applications import v1 as applications
from contracts.identity import examples as identity_examples
from contracts.offers.v1 import OfferPublished
from kit.auth import Principal, Role
from kit.messaging.consumer import EventConsumer, Outcome
from kit.messaging.publisher import KafkaPublisher, Record
from kit.testing.tokens import TokenFactory
from stats import schools
from stats.db import metadata
from stats.main import build_app
from stats.settings import Settings
from stats.testing import (
    ADMIN,
    ARMEES,
    feed,
    figures,
    private_topic_of,
    story,
)

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]


async def test_each_indicator_from_a_known_story_and_no_double_count(
    consumer: tuple[EventConsumer, async_sessionmaker[AsyncSession]],
) -> None:
    handler, sessions = consumer
    events = story()
    assert set(await feed(handler, events)) == {Outcome.HANDLED}
    assert set(await feed(handler, events)) == {Outcome.DUPLICATE}
    result = await figures(sessions, ADMIN)
    totals = result["totals"]
    assert (totals["offers"], totals["seats"]) == (2, 8)
    assert totals["applications"] == {"f": 2, "m": 1, "not_said": 0, "total": 3}
    assert totals["internships"] == {"f": 1, "m": 0, "not_said": 0, "total": 1}
    assert totals["signed"] == {"f": 1, "m": 0, "not_said": 0, "total": 1}
    by_sector = {row["sector"]: row for row in result["by_sector"]}
    assert by_sector["Défense"]["applications"]["total"] == 2
    signed_month = datetime.now(UTC).strftime("%Y-%m-01")
    assert result["by_month"] == [
        {"month": signed_month, "applications": 0, "internships": 0, "signed": 1},
        {"month": "2027-01-01", "applications": 3, "internships": 1, "signed": 0},
    ]


async def test_scopes_and_refusals(
    consumer: tuple[EventConsumer, async_sessionmaker[AsyncSession]],
) -> None:
    handler, sessions = consumer
    await feed(handler, story())
    department = await figures(
        sessions,
        Principal(
            user_id=uuid.uuid4(), role=Role.REFERENT_DEPARTMENT, department_code="13"
        ),
    )
    assert department["totals"]["applications"]["total"] >= 1
    ministry = await figures(
        sessions,
        Principal(
            user_id=uuid.uuid4(), role=Role.REFERENT_CENTRAL, ministries=(ARMEES,)
        ),
    )
    sectors = {row["sector"] for row in ministry["by_sector"]}
    assert sectors == {"Défense"}
    from stats.scope import OutOfScope, narrowed, scope_of

    with pytest.raises(OutOfScope):
        scope_of(
            Principal(
                user_id=uuid.uuid4(), role=Role.MAIN_TEACHER, school_uai="0350913C"
            )
        )
    with pytest.raises(OutOfScope):
        narrowed(
            scope_of(
                Principal(
                    user_id=uuid.uuid4(),
                    role=Role.REFERENT_DEPARTMENT,
                    department_code="13",
                )
            ),
            department="35",
        )


async def test_a_rebuild_from_the_same_events_gives_the_same_numbers(
    consumer: tuple[EventConsumer, async_sessionmaker[AsyncSession]],
) -> None:
    handler, sessions = consumer
    events = story()
    await feed(handler, events)
    before = await figures(sessions, ADMIN)
    async with sessions() as session, session.begin():
        for table in reversed(metadata.sorted_tables):
            await session.execute(delete(table))
    assert (await figures(sessions, ADMIN))["by_sector"] == []
    assert set(await feed(handler, events)) == {Outcome.HANDLED}
    assert await figures(sessions, ADMIN) == before


async def test_the_service_counts_events_from_kafka_and_exports_xlsx(
    database_factory: Callable[[str], str],
    kafka_bootstrap_servers: str,
    postgres_url: str,
    topics: tuple[Topic, ...],
) -> None:
    settings = Settings(
        service_name=f"stats-test-{uuid.uuid4().hex[:6]}",
        database_name=make_url(database_factory("stats_api")).database,
        postgres_url=postgres_url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
    )
    app = build_app(settings, topics=topics)
    tokens = TokenFactory()
    app.state.token_verifier = tokens.verifier()
    listed = identity_examples.school_listed(uai="0350913C", aggregate_id="0350913C")
    events = [listed, *story()]
    first_offer = events[1]
    assert isinstance(first_offer, OfferPublished)
    marker = first_offer.offer.title
    async with app.router.lifespan_context(app):
        publisher = KafkaPublisher(kafka_bootstrap_servers, client_id="test")
        await publisher.start()
        await publisher.send_all(
            [
                Record(
                    private_topic_of(e, topics).name,
                    e.aggregate_id,
                    e.to_json_bytes(),
                )
                for e in events
            ]
        )
        await publisher.stop()
        transport = httpx.ASGITransport(app=app)
        admin = {"Authorization": f"Bearer {tokens.issue(ADMIN)}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t"
        ) as client:
            for _ in range(150):
                public = (
                    await client.get("/public/indicators", params={"school_year": 2026})
                ).json()
                if (
                    public["totals"]["signed"]["total"] >= 1
                    and public["totals"]["internships"]["total"] >= 1
                ):
                    break
                await asyncio.sleep(0.2)
            assert public["totals"]["applications"]["total"] >= 3
            xlsx = await client.get("/exports/offers.xlsx", headers=admin)
            sheet = load_workbook(io.BytesIO(xlsx.content)).active
            rows = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
            assert rows[0][1] == "intitulé"
            assert marker in {row[1] for row in rows[1:]}
            csv = await client.get("/exports/indicators.csv", headers=admin)
            assert csv.text.startswith("\ufeffsecteur;offres;places")
            schools_csv = await client.get(
                "/exports/schools.csv",
                params={"registered": "false", "department": "93"},
                headers=admin,
            )
            lines = schools_csv.text.lstrip("\ufeff").splitlines()
            assert lines[0].startswith("UAI;établissement;commune;type")
            assert lines[1:] == [
                "0350913C;Collège Jean Jaurès;Saint-Ouen;REP+;93;Créteil;non;;"
                "0;0;0;0;0;0"
            ]
            teacher_token = tokens.issue(
                Principal(user_id=uuid.uuid4(), role=Role.TEACHER)
            )
            teacher = {"Authorization": f"Bearer {teacher_token}"}
            refused = await client.get("/indicators", headers=teacher)
            assert (refused.status_code, refused.json()["error"]["code"]) == (
                403,
                "out_of_scope",
            )


async def test_schools_follow_up_and_academy_scope(
    consumer: tuple[EventConsumer, async_sessionmaker[AsyncSession]],
) -> None:
    from contracts.identity import examples as identity_examples
    from stats.scope import scope_of

    handler, sessions = consumer
    events = story()
    uai = "0350913C"
    school = identity_examples.school_registered(
        uai=uai,
        aggregate_id=uai,
        department_code="35",
        academy="Rennes",
        region="Bretagne",
    )
    class_id = uuid.uuid4()
    klass = identity_examples.class_created(
        class_id=class_id,
        aggregate_id=str(class_id),
        school_uai=uai,
        department_code="35",
    )
    pupils: list[EventBase] = []
    for submitted in events[2:5]:
        assert isinstance(submitted, applications.ApplicationSubmitted)
        pupil_id = submitted.application.pupil_id
        pupils.append(
            identity_examples.pupil_authorised(
                user_id=pupil_id,
                aggregate_id=str(pupil_id),
                school_uai=uai,
                class_id=class_id,
                department_code="35",
            )
        )
    idle = uuid.uuid4()
    pupils.append(
        identity_examples.pupil_registered(
            user_id=idle,
            aggregate_id=str(idle),
            school_uai=uai,
            class_id=class_id,
            department_code="35",
        )
    )
    await feed(handler, [school, klass, *pupils, *events])
    rennes = scope_of(
        Principal(user_id=uuid.uuid4(), role=Role.REFERENT_ACADEMY, academy="Rennes")
    )
    async with sessions() as session:
        [row] = await schools.schools(session, rennes)
        elsewhere = scope_of(
            Principal(
                user_id=uuid.uuid4(), role=Role.REFERENT_ACADEMY, academy="Créteil"
            )
        )
        assert await schools.schools(session, elsewhere) == []
    assert (row["uai"], row["classes"], row["pupils"], row["authorised"]) == (
        uai,
        1,
        4,
        3,
    )
    # Three pupils applied; one is confirmed (the other confirmed one cancelled).
    assert (row["with_application"], row["without_application"], row["confirmed"]) == (
        3,
        1,
        1,
    )
    academy = await figures(
        sessions,
        Principal(user_id=uuid.uuid4(), role=Role.REFERENT_ACADEMY, academy="Rennes"),
    )
    assert (
        academy["totals"]["applications"]["total"] == 2
    )  # the pupil of the 13 is outside
