"""Onboarding over HTTP: school registration, classes, staff, pupils, parental
authorisation and GDPR erasure, each event read back from Kafka."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.identity import v1
from identity.db import OUTBOX, User
from identity.testing import EventTail
from kit.auth import TokenVerifier
from kit.testing.mail import Mailbox

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.kafka,
    pytest.mark.asyncio(loop_scope="session"),
]
PASSWORD = "Correct-Horse-42!"
# Two REP+ collèges of Seine-Saint-Denis (academy of Créteil) and one lycée.
COLLEGE, OTHER_COLLEGE, LYCEE = "0930893R", "0932366S", "0932030B"


def code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


async def login(client: httpx.AsyncClient, identifier: str) -> dict[str, str]:
    response = await client.post(
        "/auth/login", json={"identifier": identifier, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def register(
    client: httpx.AsyncClient, mailbox: Mailbox, uai: str
) -> dict[str, str]:
    email = f"ce.{uai.lower()}@ac-creteil.fr"
    response = await client.post(
        f"/schools/{uai}/registration",
        json={
            "email": email,
            "password": PASSWORD,
            "first_name": "Awa",
            "last_name": "Diop",
        },
    )
    assert response.status_code == 201, response.text
    token = mailbox.link_token(email)
    assert (await client.post("/accounts/activation", json={"token": token})).is_success
    return await login(client, email)


async def test_bad_registrations(client: httpx.AsyncClient) -> None:
    body = {"password": PASSWORD, "first_name": "A", "last_name": "B"}
    unknown = await client.post(
        "/schools/0000000A/registration",
        json=body | {"email": "ce.0000000a@ac-creteil.fr"},
    )
    assert (unknown.status_code, code(unknown)) == (404, "unknown_uai")
    wrong = await client.post(
        f"/schools/{OTHER_COLLEGE}/registration",
        json=body | {"email": f"ce.{OTHER_COLLEGE.lower()}@ac-versailles.fr"},
    )
    assert code(wrong) == "wrong_academic_domain"
    assert "ac-creteil.fr" in wrong.json()["error"]["message"]


async def test_full_onboarding_flow(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    events: EventTail,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    head = await register(client, mailbox, COLLEGE)
    registered = await events.wait_for(
        lambda e: isinstance(e, v1.SchoolRegistered) and e.uai == COLLEGE
    )
    assert isinstance(registered, v1.SchoolRegistered)
    assert (registered.kind, registered.department_code) == ("rep_plus", "93")
    assert (registered.academy, registered.perimeter_km) == ("Créteil", 60)
    again = await client.post(
        f"/schools/{COLLEGE}/registration",
        json={
            "email": f"ce.{COLLEGE.lower()}@ac-creteil.fr",
            "password": PASSWORD,
            "first_name": "A",
            "last_name": "B",
        },
    )
    assert code(again) == "school_already_registered"

    weeks = await client.put(
        f"/schools/{COLLEGE}/weeks",
        json={"weeks": ["2027-W03", "2027-W02"]},
        headers=head,
    )
    assert weeks.json() == {"weeks": ["2027-W02", "2027-W03"]}
    await events.wait_for(
        lambda e: isinstance(e, v1.SchoolWeeksChanged) and e.uai == COLLEGE
    )
    out_of_year = await client.put(
        f"/schools/{COLLEGE}/weeks", json={"weeks": ["2030-W03"]}, headers=head
    )
    assert code(out_of_year) == "invalid_weeks"
    national = await client.put(
        f"/schools/{COLLEGE}/perimeter", json={"national_search": True}, headers=head
    )
    assert national.status_code == 204
    await events.wait_for(
        lambda e: isinstance(e, v1.SchoolPerimeterChanged) and e.uai == COLLEGE
    )

    created = await client.post(
        f"/schools/{COLLEGE}/classes",
        json={"name": "3e B", "grade": "3e"},
        headers=head,
    )
    class_id = created.json()["id"]
    await events.wait_for(
        lambda e: isinstance(e, v1.ClassCreated) and str(e.class_id) == class_id
    )
    lycee_grade = await client.post(
        f"/schools/{COLLEGE}/classes",
        json={"name": "2de A", "grade": "2de"},
        headers=head,
    )
    assert code(lycee_grade) == "invalid_input"

    teacher_email = f"prof-{uuid.uuid4().hex[:8]}@ac-creteil.fr"
    invited = await client.post(
        f"/schools/{COLLEGE}/staff",
        json={"email": teacher_email, "role": "teacher"},
        headers=head,
    )
    assert invited.status_code == 201
    accepted = await client.post(
        "/invitations/acceptance",
        json={
            "token": mailbox.link_token(teacher_email),
            "password": PASSWORD,
            "first_name": "Paul",
            "last_name": "Martin",
        },
    )
    teacher_id = accepted.json()["id"]
    joined = await events.wait_for(
        lambda e: isinstance(e, v1.StaffJoined) and str(e.user_id) == teacher_id
    )
    assert isinstance(joined, v1.StaffJoined)
    assert joined.role == "teacher"
    teacher = await login(client, teacher_email)
    assert (
        await client.post(f"/classes/{class_id}/main-teacher", headers=teacher)
    ).status_code == 204
    teacher = await login(client, teacher_email)  # the new token carries the class

    pupil_email = f"eleve-{uuid.uuid4().hex[:8]}@exemple.fr"
    pupil: dict[str, Any] = {
        "first_name": "Léa",
        "last_name": "Nguyen",
        "birth_date": "2012-03-04",
        "gender": "f",
        "email": pupil_email,
    }
    response = await client.post(
        f"/classes/{class_id}/pupils", json=pupil, headers=teacher
    )
    assert response.status_code == 201, response.text
    pupil_id = response.json()["id"]
    registered_pupil = await events.wait_for(
        lambda e: isinstance(e, v1.PupilRegistered) and str(e.user_id) == pupil_id
    )
    assert isinstance(registered_pupil, v1.PupilRegistered)
    assert (registered_pupil.grade, registered_pupil.gender) == ("3e", "f")
    assert "Nguyen" not in registered_pupil.model_dump_json()
    bad_gender = await client.post(
        f"/classes/{class_id}/pupils",
        json=pupil | {"gender": "x", "email": "a@b.fr"},
        headers=teacher,
    )
    assert code(bad_gender) == "invalid_input"

    await client.post(
        "/invitations/acceptance",
        json={"token": mailbox.link_token(pupil_email), "password": PASSWORD},
    )
    verifier = TokenVerifier((await client.get("/.well-known/jwks.json")).json())
    pupil_login = (
        await client.post(
            "/auth/login", json={"identifier": pupil_email, "password": PASSWORD}
        )
    ).json()
    assert verifier.verify(pupil_login["access_token"]).grade == "3e"
    import jwt

    assert (
        jwt.decode(pupil_login["access_token"], options={"verify_signature": False})[
            "can_apply"
        ]
        is False
    )

    form = await client.get(
        f"/pupils/{pupil_id}/parental-authorisation.pdf", headers=teacher
    )
    assert form.headers["content-type"] == "application/pdf"
    assert form.content.startswith(b"%PDF")
    pupil_headers = {"Authorization": f"Bearer {pupil_login['access_token']}"}
    self_record = await client.put(
        f"/pupils/{pupil_id}/parental-authorisation",
        json={"received_on": str(date.today())},
        headers=pupil_headers,
    )
    assert (self_record.status_code, code(self_record)) == (403, "forbidden")
    other_head = await register(client, mailbox, OTHER_COLLEGE)
    foreign = await client.put(
        f"/pupils/{pupil_id}/parental-authorisation",
        json={"received_on": str(date.today())},
        headers=other_head,
    )
    assert code(foreign) == "forbidden"
    recorded = await client.put(
        f"/pupils/{pupil_id}/parental-authorisation",
        json={"received_on": str(date.today())},
        headers=teacher,
    )
    assert recorded.status_code == 204
    counts = (await client.get(f"/schools/{COLLEGE}/classes", headers=head)).json()
    assert [(c["name"], c["pupils"], c["authorised"]) for c in counts] == [
        ("3e B", 1, 1)
    ]
    listed = (await client.get(f"/classes/{class_id}/pupils", headers=teacher)).json()
    assert [p["last_name"] for p in listed] == ["Nguyen"]
    hidden = await client.get(f"/classes/{class_id}/pupils", headers=other_head)
    assert code(hidden) == "forbidden"
    assert (
        code(await client.get(f"/schools/{COLLEGE}/classes", headers=pupil_headers))
        == "forbidden"
    )
    authorised = await events.wait_for(
        lambda e: isinstance(e, v1.PupilAuthorised) and str(e.user_id) == pupil_id
    )
    assert isinstance(authorised, v1.PupilAuthorised)
    assert str(authorised.recorded_by) == teacher_id
    refreshed = (
        await client.post("/auth/refresh", json={"token": pupil_login["refresh_token"]})
    ).json()
    assert (
        jwt.decode(refreshed["access_token"], options={"verify_signature": False})[
            "can_apply"
        ]
        is True
    )

    erased = await client.post(f"/users/{pupil_id}/anonymisation", headers=head)
    assert erased.status_code == 204
    await events.wait_for(
        lambda e: isinstance(e, v1.UserAnonymised) and str(e.user_id) == pupil_id
    )
    async with sessions() as session:
        row = await session.get(User, uuid.UUID(pupil_id))
        payloads = (await session.scalars(select(OUTBOX.c.payload))).all()
    assert row is not None
    assert (row.first_name, row.last_name, row.email, row.birth_date) == (
        None,
        None,
        None,
        None,
    )
    gone = await client.post(
        "/auth/login", json={"identifier": pupil_email, "password": PASSWORD}
    )
    assert code(gone) == "invalid_credentials"
    assert not any(
        pupil_email in payload or "Nguyen" in payload for payload in payloads
    )


async def test_lycee_gets_the_two_june_weeks(
    client: httpx.AsyncClient, mailbox: Mailbox, events: EventTail
) -> None:
    head = await register(client, mailbox, LYCEE)
    registered = await events.wait_for(
        lambda e: isinstance(e, v1.SchoolRegistered) and e.uai == LYCEE
    )
    assert isinstance(registered, v1.SchoolRegistered)
    assert len(registered.weeks) == 2
    response = await client.put(
        f"/schools/{LYCEE}/weeks", json={"weeks": ["2027-W03"]}, headers=head
    )
    assert response.json()["weeks"] == list(registered.weeks)
