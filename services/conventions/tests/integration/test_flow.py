"""The whole convention on the real PostgreSQL and Kafka, through the HTTP API.

A confirmed application on Kafka creates the convention; the employer and the
school fill it in; the pupil, the employer, both legal representatives (by link)
and the head of school (many at once) sign with one-time codes; the chain of
signatures is checked, then broken on purpose; the events come out on Kafka.
"""

import asyncio
import io
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.applications.v1 import (
    ApplicationApproved,
    ApplicationCanceledByPupil,
    ApplicationFacts,
)
from contracts.examples import offer_published, offer_snapshot
from contracts.identity.examples import school_listed
from contracts.topics import APPLICATIONS, CONVENTIONS, IDENTITY_SCHOOLS, OFFERS
from conventions.db import (
    conventions_table,
    offer_views,
    school_views,
    signatures_table,
)
from conventions.domain.model import monday_of
from conventions.main import build_app
from conventions.settings import Settings
from kit.auth import Principal, Role
from kit.messaging.publisher import KafkaPublisher, Record
from kit.testing.mail import Mailbox, running_mailbox
from kit.testing.tokens import TokenFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.kafka,
    pytest.mark.asyncio(loop_scope="session"),
]

UAI, WEEK, TEAM = "0350913C", "2027-W03", uuid.uuid4()
PUPIL, EMPLOYER_MAIL = "eleve@example.org", "tuteur@example.org"
HEAD_SMS = "0612345678@sms.stages.example.fr"


@dataclass
class Service:
    client: httpx.AsyncClient
    tokens: TokenFactory
    mailbox: Mailbox
    sessions: async_sessionmaker[AsyncSession]
    bootstrap: str

    def auth(self, principal: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.issue(principal)}"}

    def last_code(self, address: str) -> str:
        body = self.mailbox.body_to(address)
        found = re.search(r"\b(\d{6})\b", body)
        assert found, body
        return found.group(1)


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    yield from running_mailbox()


@pytest_asyncio.fixture(loop_scope="session")
async def service(
    mailbox: Mailbox,
    database_factory: Callable[[str], str],
    kafka_bootstrap_servers: str,
    postgres_url: str,
) -> AsyncIterator[Service]:
    settings = Settings(
        service_name=f"conventions-test-{uuid.uuid4().hex[:6]}",
        database_name=make_url(database_factory("conventions")).database,
        postgres_url=postgres_url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        outbox_poll_seconds=0.05,
        smtp_port=mailbox.port,
    )
    app = build_app(settings)
    tokens = TokenFactory()
    app.state.token_verifier = tokens.verifier()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.4", 4000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t"
        ) as client:
            yield Service(
                client, tokens, mailbox, app.state.sessions, kafka_bootstrap_servers
            )


async def publish(bootstrap: str, *records: Record) -> None:
    publisher = KafkaPublisher(bootstrap, client_id="test")
    await publisher.start()
    try:
        await publisher.send_all(list(records))
    finally:
        await publisher.stop()


async def until_stored(service: Service, column: Any, value: object) -> None:
    for _ in range(300):
        async with service.sessions() as session:
            if await session.scalar(select(column).where(column == value)):
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{column} = {value} never arrived")


async def confirmed_internship(service: Service, pupil_id: uuid.UUID) -> uuid.UUID:
    """Publishes the offer and the approval; returns the convention once created."""
    snapshot = offer_snapshot(
        team_id=TEAM,
        contact_email="tuteur@boulangerie-martin.fr",
        weekly_hours=("09:00", "16:30"),
    )
    offer = offer_published(offer=snapshot)
    facts = ApplicationFacts(
        pupil_id=pupil_id,
        offer_id=uuid.UUID(offer.aggregate_id),
        weeks=(WEEK,),
        school_year=2026,
        sector_id=offer.offer.sector_id,
        offer_department_code="75",
        is_public=False,
        school_uai=UAI,
        school_department_code="35",
        grade="3e",
        gender="f",
    )
    application_id = str(uuid.uuid4())
    approved = ApplicationApproved(
        aggregate_id=application_id,
        application=facts,
        status="approved",
        previous_status="validated_by_employer",
        actor="pupil",
    )
    school = school_listed(
        aggregate_id=UAI, uai=UAI, school_name="Collège Les Gayeulles", city="Rennes"
    )
    await publish(
        service.bootstrap,
        Record(OFFERS.name, offer.aggregate_id, offer.to_json_bytes()),
        Record(IDENTITY_SCHOOLS.name, UAI, school.to_json_bytes()),
    )
    # The views first, so the convention is pre-filled.
    await until_stored(service, offer_views.c.offer_id, uuid.UUID(offer.aggregate_id))
    await until_stored(service, school_views.c.uai, UAI)
    await publish(
        service.bootstrap,
        Record(APPLICATIONS.name, application_id, approved.to_json_bytes()),
    )
    for _ in range(200):
        async with service.sessions() as session:
            found = await session.scalar(
                select(conventions_table.c.id).where(
                    conventions_table.c.application_id == uuid.UUID(application_id)
                )
            )
            if found:
                return uuid.UUID(str(found))
        await asyncio.sleep(0.1)
    raise AssertionError("no convention was created from the approval")


def employer_part() -> dict[str, object]:
    monday = monday_of(WEEK)
    days = [
        {"day": str(monday + timedelta(days=n)), "start": "09:00", "end": "16:30"}
        for n in range(5)
    ]
    return {
        "representative_name": "Claire Martin",
        "representative_role": "Gérante",
        "siret": "89338184800017",
        "tutor_name": "Paul Martin",
        "tutor_role": "Boulanger",
        "tutor_email": "paul@example.org",
        "tutor_phone": "0612345678",
        "schedule": days,
        "activities": "Pétrissage, cuisson, vente.",
        "learning_goals": "Un métier de bouche.",
    }


def school_part() -> dict[str, object]:
    return {
        "school_representative_name": "M. Le Goff",
        "school_representative_role": "Principal",
        "pupil_name": "Yanis Benali",
        "pupil_birth_date": str(date(2012, 4, 2)),
        "pupil_class": "3e B",
        "legal_representative_1": {
            "name": "Nadia Benali",
            "address": "Rennes",
            "email": "n@example.org",
        },
        "legal_representative_2": {
            "name": "Karim Benali",
            "address": "Rennes",
            "phone": "0712345678",
        },
        "referent_teacher_name": "Mme Durand",
        "insurance": "MAIF 123",
        "transport_terms": "Bus",
        "meals_terms": "Repas tiré du sac",
    }


def link_token(service: Service, address: str) -> str:
    body = service.mailbox.body_to(address)
    found = re.search(r"/lien/(\S+)", body)
    assert found, body
    return found.group(1)


async def test_a_convention_from_confirmation_to_every_signature(
    service: Service,
) -> None:
    pupil_id = uuid.uuid4()
    convention_id = await confirmed_internship(service, pupil_id)
    base = f"/conventions/{convention_id}"
    pupil = service.auth(
        Principal(user_id=pupil_id, role=Role.PUPIL, email="eleve@example.org")
    )
    employer = service.auth(
        Principal(
            user_id=uuid.uuid4(),
            role=Role.EMPLOYER,
            team_id=TEAM,
            email="tuteur@example.org",
        )
    )
    head = service.auth(
        Principal(
            user_id=uuid.uuid4(),
            role=Role.SCHOOL_HEAD,
            school_uai=UAI,
            phone="0612345678",
        )
    )
    stranger = service.auth(
        Principal(user_id=uuid.uuid4(), role=Role.SCHOOL_HEAD, school_uai="0351851X")
    )

    assert (await service.client.get(base, headers=stranger)).status_code == 403
    prefill = (await service.client.get(base, headers=employer)).json()["prefill"]
    assert prefill["host_name"] == "Boulangerie Martin"
    assert prefill["tutor_email"] == "tuteur@boulangerie-martin.fr"
    assert prefill["hours"] == "du lundi au vendredi 09:00–16:30"
    assert prefill["school_name"] == "Collège Les Gayeulles (Rennes)"

    def ids(listed: httpx.Response) -> list[str]:
        return [c["id"] for c in listed.json()]

    assert ids(await service.client.get("/conventions", headers=pupil)) == [
        str(convention_id)
    ]
    # The school and the team may have others (a shared broker replays old runs).
    for party in (employer, head):
        listed = await service.client.get("/conventions", headers=party)
        assert str(convention_id) in ids(listed)
    assert ids(await service.client.get("/conventions", headers=stranger)) == []
    early = await service.client.post(f"{base}/signing-code", headers=pupil)
    assert (early.status_code, early.json()["error"]["code"]) == (409, "wrong_step")
    wrong_order = await service.client.put(
        f"{base}/school-part", json=school_part(), headers=head
    )
    assert wrong_order.json()["error"]["code"] == "wrong_step"

    done = await service.client.put(
        f"{base}/employer-part", json=employer_part(), headers=employer
    )
    assert done.json()["status"] == "completed_by_employer", done.text
    validated = await service.client.put(
        f"{base}/school-part", json=school_part(), headers=head
    )
    assert validated.json()["waiting_for"] == [
        "school_head",
        "employer",
        "pupil",
        "legal_representative_1",
        "legal_representative_2",
    ]

    await service.client.post(f"{base}/signing-code", headers=pupil)
    wrong = await service.client.post(
        f"{base}/signature",
        json={"code": "000000" if service.last_code(PUPIL) != "000000" else "111111"},
        headers=pupil,
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "wrong_code")
    signed = await service.client.post(
        f"{base}/signature", json={"code": service.last_code(PUPIL)}, headers=pupil
    )
    assert signed.json()["signed_by"] == ["pupil"], signed.text

    await service.client.post(f"{base}/signing-code", headers=employer)
    await service.client.post(
        f"{base}/signature",
        json={"code": service.last_code(EMPLOYER_MAIL)},
        headers=employer,
    )

    for contact in ("n@example.org", "0712345678@sms.stages.example.fr"):
        token = link_token(service, contact)
        assert (await service.client.get(f"/links/{token}")).json()["id"] == str(
            convention_id
        )
        await service.client.post(f"/links/{token}/signing-code")
        by_link = await service.client.post(
            f"/links/{token}/signature", json={"code": service.last_code(contact)}
        )
        assert by_link.status_code == 200, by_link.text
        reused = await service.client.post(f"/links/{token}/signing-code")
        assert (reused.status_code, reused.json()["error"]["code"]) == (
            409,
            "link_used",
        )

    bulk = await service.client.post(f"/schools/{UAI}/signing-code", headers=head)
    assert bulk.json()["conventions"] == 1
    finished = await service.client.post(
        f"/schools/{UAI}/signatures",
        json={"code": service.last_code(HEAD_SMS)},
        headers=head,
    )
    assert finished.json()[0]["status"] == "fully_signed"

    copy = await service.client.get(f"{base}/pdf", headers=pupil)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(copy.content)).pages)
    for expected in (
        "Yanis Benali",
        "Nadia Benali",
        "Karim Benali",
        "Claire Martin",
        "198.51.100.4",
        "le représentant légal 2",
    ):
        assert expected in text, expected
    assert (await service.client.get(f"{base}/audit", headers=head)).json() == {
        "entries": 5,
        "intact": True,
        "first_broken": None,
    }

    async with service.sessions() as session:
        first = await session.scalar(
            select(signatures_table.c.id)
            .where(signatures_table.c.convention_id == convention_id)
            .order_by(signatures_table.c.id)
            .offset(2)
            .limit(1)
        )
        await session.execute(
            update(signatures_table)
            .where(signatures_table.c.id == first)
            .values(ip="203.0.113.9")
        )
        await session.commit()
    assert (await service.client.get(f"{base}/audit", headers=head)).json()[
        "first_broken"
    ] == 2

    types = await event_types(service.bootstrap, str(convention_id), expected=9)
    assert types == [
        "convention.created",
        "convention.completed_by_employer",
        "convention.validated_by_school",
        *["convention.signed"] * 5,
        "convention.fully_signed",
    ]


async def test_five_wrong_codes_void_the_code(service: Service) -> None:
    pupil_id = uuid.uuid4()
    convention_id = await confirmed_internship(service, pupil_id)
    base = f"/conventions/{convention_id}"
    pupil = service.auth(
        Principal(user_id=pupil_id, role=Role.PUPIL, email="eleve@example.org")
    )
    await service.client.put(
        f"{base}/employer-part",
        json=employer_part(),
        headers=service.auth(
            Principal(
                user_id=uuid.uuid4(),
                role=Role.EMPLOYER,
                team_id=TEAM,
                email="tuteur@example.org",
            )
        ),
    )
    await service.client.put(
        f"{base}/school-part",
        json=school_part(),
        headers=service.auth(
            Principal(
                user_id=uuid.uuid4(),
                role=Role.SCHOOL_HEAD,
                school_uai=UAI,
                phone="0612345678",
            )
        ),
    )
    await service.client.post(f"{base}/signing-code", headers=pupil)
    good = service.last_code(PUPIL)
    bad = "000000" if good != "000000" else "111111"
    codes = [
        (
            await service.client.post(
                f"{base}/signature", json={"code": bad}, headers=pupil
            )
        ).json()["error"]["code"]
        for _ in range(5)
    ]
    assert codes == ["wrong_code"] * 4 + ["code_void"]
    late = await service.client.post(
        f"{base}/signature", json={"code": good}, headers=pupil
    )
    assert late.json()["error"]["code"] == "code_void"
    assert (await service.client.get(base, headers=pupil)).json()["signed_by"] == []


async def test_cancelling_the_application_cancels_the_convention(
    service: Service,
) -> None:
    pupil_id = uuid.uuid4()
    convention_id = await confirmed_internship(service, pupil_id)
    async with service.sessions() as session:
        row = (
            await session.execute(
                select(conventions_table).where(conventions_table.c.id == convention_id)
            )
        ).first()
    assert row is not None
    cancelled = ApplicationCanceledByPupil(
        aggregate_id=str(row.application_id),
        application=ApplicationFacts.model_validate(row.facts),
        status="canceled_by_pupil",
        previous_status="approved",
        actor="pupil",
    )
    await publish(
        service.bootstrap,
        Record(APPLICATIONS.name, cancelled.aggregate_id, cancelled.to_json_bytes()),
    )
    pupil = service.auth(
        Principal(user_id=pupil_id, role=Role.PUPIL, email="eleve@example.org")
    )
    for _ in range(100):
        if (
            await service.client.get(f"/conventions/{convention_id}", headers=pupil)
        ).json()["status"] == "cancelled":
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the convention was not cancelled")


async def event_types(bootstrap: str, key: str, expected: int) -> list[str]:
    reader = AIOKafkaConsumer(
        CONVENTIONS.name, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await reader.start()
    found: list[str] = []
    try:
        for _ in range(60):
            for records in (await reader.getmany(timeout_ms=500)).values():
                found += [
                    dict(r.headers)["event_type"].decode()
                    for r in records
                    if r.key.decode() == key
                ]
            if len(found) >= expected:
                break
    finally:
        await reader.stop()
    return found
