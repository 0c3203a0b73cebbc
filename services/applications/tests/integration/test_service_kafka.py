"""The whole service on the real PostgreSQL and Kafka, through its HTTP API.

An offer event on Kafka builds the offer view; a pupil applies; the employer's team
accepts; the pupil confirms; each step leaves its event on the applications topic.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import make_url

from applications.db import offer_views, pupil_views, school_views
from applications.main import build_app
from applications.settings import Settings
from contracts.examples import offer_published, offer_snapshot
from contracts.identity import examples as identity_examples
from contracts.topics import APPLICATIONS, OFFERS, topic_of
from kit.auth import Principal, Role
from kit.messaging.publisher import KafkaPublisher, Record
from kit.testing.mail import Mailbox, running_mailbox
from kit.testing.tokens import TokenFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.kafka,
    pytest.mark.asyncio(loop_scope="session"),
]

W3 = "2027-W03"
TEAM = uuid.uuid4()


@dataclass
class Service:
    client: httpx.AsyncClient
    tokens: TokenFactory
    app_state: object
    bootstrap: str


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    yield from running_mailbox()


@pytest_asyncio.fixture(loop_scope="session")
async def service(
    database_factory: Callable[[str], str],
    kafka_bootstrap_servers: str,
    postgres_url: str,
    mailbox: Mailbox,
) -> AsyncIterator[Service]:
    database = make_url(database_factory("applications_api")).database
    settings = Settings(
        service_name=f"applications-test-{uuid.uuid4().hex[:6]}",
        database_name=database,
        postgres_url=postgres_url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        outbox_poll_seconds=0.05,
        smtp_port=mailbox.port,
        mail_every_seconds=0.1,
    )
    app = build_app(settings)
    tokens = TokenFactory()
    app.state.token_verifier = tokens.verifier()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test"
        ) as client:
            yield Service(client, tokens, app.state, kafka_bootstrap_servers)


async def publish_offer(service: Service, contact: str | None = None) -> uuid.UUID:
    snapshot = offer_snapshot(seats=1, weeks=(W3,), team_id=TEAM, contact_email=contact)
    event = offer_published(offer=snapshot)
    publisher = KafkaPublisher(service.bootstrap, client_id="test")
    await publisher.start()
    try:
        await publisher.send_all(
            [Record(OFFERS.name, event.aggregate_id, event.to_json_bytes())]
        )
    finally:
        await publisher.stop()
    offer_id = uuid.UUID(event.aggregate_id)
    sessions = service.app_state.sessions  # type: ignore[attr-defined]
    for _ in range(200):
        async with sessions() as session:
            if await session.scalar(
                select(offer_views.c.offer_id).where(offer_views.c.offer_id == offer_id)
            ):
                return offer_id
        await asyncio.sleep(0.1)
    raise AssertionError("the offer event never reached the offer view")


async def add_pupil(service: Service) -> uuid.UUID:
    pupil_id, uai = uuid.uuid4(), "0350913C"
    sessions = service.app_state.sessions  # type: ignore[attr-defined]
    async with sessions() as session, session.begin():
        await session.execute(
            pg_insert(school_views)
            .values(uai=uai, department_code="35", weeks=[W3])
            .on_conflict_do_nothing()
        )
        await session.execute(
            insert(pupil_views).values(
                pupil_id=pupil_id,
                grade="3e",
                gender="m",
                school_uai=uai,
                authorised=True,
            )
        )
    return pupil_id


def bearer(service: Service, principal: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.tokens.issue(principal)}"}


async def events_of(bootstrap: str, aggregate_id: str, expected: int) -> list[str]:
    reader = AIOKafkaConsumer(
        APPLICATIONS.name, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await reader.start()
    found: list[str] = []
    try:
        for _ in range(60):
            for records in (await reader.getmany(timeout_ms=500)).values():
                found += [
                    dict(r.headers)["event_type"].decode()
                    for r in records
                    if r.key.decode() == aggregate_id
                ]
            if len(found) >= expected:
                break
    finally:
        await reader.stop()
    return found


async def test_apply_accept_confirm_through_the_api(service: Service) -> None:
    offer_id = await publish_offer(service)
    pupil_id = await add_pupil(service)
    pupil = bearer(service, Principal(user_id=pupil_id, role=Role.PUPIL))
    employer = bearer(
        service, Principal(user_id=uuid.uuid4(), role=Role.EMPLOYER, team_id=TEAM)
    )
    stranger = bearer(
        service,
        Principal(user_id=uuid.uuid4(), role=Role.EMPLOYER, team_id=uuid.uuid4()),
    )

    created = await service.client.post(
        "/applications",
        json={
            "offer_id": str(offer_id),
            "weeks": [W3],
            "motivation": "J'adore cuisiner.",
        },
        headers=pupil,
    )
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]

    again = await service.client.post(
        "/applications",
        json={"offer_id": str(offer_id), "weeks": [W3], "motivation": "Encore."},
        headers=pupil,
    )
    assert (again.status_code, again.json()["error"]["code"]) == (
        409,
        "already_applied",
    )

    refused = await service.client.post(
        f"/applications/{application_id}/validate", json={}, headers=stranger
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        403,
        "not_a_party",
    )
    no_reason = await service.client.post(
        f"/applications/{application_id}/reject", json={}, headers=employer
    )
    assert (no_reason.status_code, no_reason.json()["error"]["message"]) == (
        422,
        "Indiquez un motif.",
    )

    inbox = await service.client.get(
        f"/offers/{offer_id}/applications", headers=employer
    )
    assert [a["id"] for a in inbox.json()] == [application_id]
    accepted = await service.client.post(
        f"/applications/{application_id}/validate", json={}, headers=employer
    )
    assert accepted.json()["status"] == "validated_by_employer"
    confirmed = await service.client.post(
        f"/applications/{application_id}/approve", json={}, headers=pupil
    )
    assert confirmed.json()["status"] == "approved"
    mine = await service.client.get("/applications/mine", headers=pupil)
    assert [a["status"] for a in mine.json()] == ["approved"]

    assert await events_of(service.bootstrap, application_id, expected=3) == [
        "application.submitted",
        "application.validated",
        "application.approved",
    ]


async def test_a_visitor_without_token_is_refused_in_french(service: Service) -> None:
    response = await service.client.get("/applications/mine")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Connectez-vous pour continuer."


async def test_bulk_decisions_each_succeed_or_fail_alone(service: Service) -> None:
    offer_id = await publish_offer(service)
    employer = bearer(
        service, Principal(user_id=uuid.uuid4(), role=Role.EMPLOYER, team_id=TEAM)
    )
    ids = []
    for _ in range(3):
        pupil = bearer(
            service, Principal(user_id=await add_pupil(service), role=Role.PUPIL)
        )
        created = await service.client.post(
            "/applications",
            json={"offer_id": str(offer_id), "weeks": [W3], "motivation": "Motivé."},
            headers=pupil,
        )
        ids.append(created.json()["id"])
    await service.client.post(
        f"/applications/{ids[0]}/reject", json={"reason": "Complet"}, headers=employer
    )

    response = await service.client.post(
        f"/offers/{offer_id}/applications/decisions",
        json={"application_ids": [*ids, str(uuid.uuid4())], "action": "examine"},
        headers=employer,
    )
    results = response.json()
    assert results[0]["error"]["code"] == "transition_not_allowed"
    assert [r["status"] for r in results[1:3]] == ["examined", "examined"]
    assert results[3]["error"]["code"] == "application_not_found"


async def test_cv_and_follow_up_of_a_class(service: Service) -> None:
    offer_id = await publish_offer(service)
    class_id = uuid.uuid4()
    active, idle = await add_pupil(service), await add_pupil(service)
    sessions = service.app_state.sessions  # type: ignore[attr-defined]
    async with sessions() as session, session.begin():
        await session.execute(
            update(pupil_views)
            .where(pupil_views.c.pupil_id.in_([active, idle]))
            .values(class_id=class_id)
        )
    pupil = bearer(service, Principal(user_id=active, role=Role.PUPIL))
    saved = await service.client.put(
        "/cv",
        json={"education": "3e B", "languages": "anglais", "interests": "foot"},
        headers=pupil,
    )
    assert saved.json()["languages"] == "anglais"
    assert (await service.client.get("/cv", headers=pupil)).json()[
        "interests"
    ] == "foot"
    await service.client.post(
        "/applications",
        json={"offer_id": str(offer_id), "weeks": [W3], "motivation": "Motivé."},
        headers=pupil,
    )

    teacher = Principal(
        user_id=uuid.uuid4(),
        role=Role.MAIN_TEACHER,
        school_uai="0350913C",
        class_id=class_id,
    )
    view = await service.client.get(
        "/schools/0350913C/follow-up",
        params={"class_id": str(class_id)},
        headers=bearer(service, teacher),
    )
    states = {row["pupil_id"]: row["state"] for row in view.json()}
    assert states == {str(active): "applied", str(idle): "nothing_yet"}

    other_school = Principal(
        user_id=uuid.uuid4(), role=Role.SCHOOL_HEAD, school_uai="0351851X"
    )
    refused = await service.client.get(
        "/schools/0350913C/follow-up", headers=bearer(service, other_school)
    )
    assert refused.status_code == 403
    employer = Principal(user_id=uuid.uuid4(), role=Role.EMPLOYER, team_id=TEAM)
    assert (
        await service.client.get("/cv", headers=bearer(service, employer))
    ).status_code == 403


async def test_pupils_and_school_weeks_come_from_identity_events(
    service: Service,
) -> None:
    offer_id = await publish_offer(service)
    uai, pupil_id, class_id = "0351851X", uuid.uuid4(), uuid.uuid4()
    school = identity_examples.school_registered(uai=uai, aggregate_id=uai, weeks=(W3,))
    registered = identity_examples.pupil_registered(
        user_id=pupil_id, aggregate_id=str(pupil_id), school_uai=uai, class_id=class_id
    )
    authorised = identity_examples.pupil_authorised(
        user_id=pupil_id, aggregate_id=str(pupil_id), school_uai=uai, class_id=class_id
    )
    publisher = KafkaPublisher(service.bootstrap, client_id="test")
    await publisher.start()
    try:
        await publisher.send_all(
            [
                Record(topic_of(e).name, e.aggregate_id, e.to_json_bytes())
                for e in (school, registered)
            ]
        )
    finally:
        await publisher.stop()
    pupil = bearer(service, Principal(user_id=pupil_id, role=Role.PUPIL))
    body = {"offer_id": str(offer_id), "weeks": [W3], "motivation": "Motivée."}
    refused = None
    for _ in range(100):
        refused = await service.client.post("/applications", json=body, headers=pupil)
        if refused.json()["error"]["code"] != "pupil_unknown":
            break
        await asyncio.sleep(0.1)
    assert refused is not None
    assert refused.json()["error"]["code"] == "parental_authorisation_missing"

    publisher = KafkaPublisher(service.bootstrap, client_id="test")
    await publisher.start()
    try:
        await publisher.send_all(
            [
                Record(
                    topic_of(authorised).name,
                    authorised.aggregate_id,
                    authorised.to_json_bytes(),
                )
            ]
        )
    finally:
        await publisher.stop()
    for _ in range(100):
        created = await service.client.post("/applications", json=body, headers=pupil)
        if created.status_code == 201:
            break
        await asyncio.sleep(0.1)
    assert created.status_code == 201, created.text


async def test_the_employer_is_mailed_when_a_pupil_applies(
    service: Service, mailbox: Mailbox
) -> None:
    contact = f"tuteur-{uuid.uuid4().hex[:6]}@entreprise.fr"
    offer_id = await publish_offer(service, contact=contact)
    pupil = bearer(
        service, Principal(user_id=await add_pupil(service), role=Role.PUPIL)
    )
    created = await service.client.post(
        "/applications",
        json={"offer_id": str(offer_id), "weeks": [W3], "motivation": "Motivée."},
        headers=pupil,
    )
    assert created.status_code == 201, created.text
    for _ in range(100):
        if any(rcpt == contact for rcpt, _ in mailbox.messages):
            break
        await asyncio.sleep(0.05)
    assert mailbox.last_to(contact)["Subject"].startswith("Nouvelle candidature : ")
    assert "2027 semaine 03" in mailbox.body_to(contact)
