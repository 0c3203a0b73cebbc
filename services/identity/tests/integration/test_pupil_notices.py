"""Employers' answers reach the pupil: application events in, a message out."""

import asyncio
import uuid
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.applications.v1 import (
    ApplicationEvent,
    ApplicationFacts,
    ApplicationRead,
    ApplicationStatus,
    ApplicationValidated,
)
from contracts.topics import APPLICATIONS
from identity.db import MAIL_OUTBOX, User
from kit.messaging.publisher import KafkaPublisher, Record
from kit.testing.mail import Mailbox

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.kafka,
    pytest.mark.asyncio(loop_scope="session"),
]


async def a_pupil(sessions: async_sessionmaker[AsyncSession]) -> User:
    pupil = User(
        role="pupil",
        email=f"eleve-{uuid.uuid4().hex[:8]}@exemple.fr",
        first_name="Inès",
        last_name="Martin",
        birth_date=date(2012, 3, 4),
        gender="f",
        department_code="93",
    )
    async with sessions() as session, session.begin():
        session.add(pupil)
    return pupil


def event_for(
    pupil: User, kind: type[ApplicationEvent], status: ApplicationStatus
) -> ApplicationEvent:
    facts = ApplicationFacts(
        pupil_id=pupil.id,
        offer_id=uuid.uuid4(),
        weeks=("2027-W03",),
        school_year=2026,
        sector_id=uuid.uuid4(),
        offer_department_code="93",
        is_public=False,
        school_uai="0930001A",
        school_department_code="93",
        grade="3e",
        gender="f",
    )
    return kind(  # type: ignore[call-arg]  # each subclass defaults its event_type
        aggregate_id=str(uuid.uuid4()),
        application=facts,
        status=status,
        previous_status="read_by_employer",
        actor="employer",
    )


async def publish(bootstrap: str, *events: ApplicationEvent) -> None:
    publisher = KafkaPublisher(bootstrap, client_id="identity-test-applications")
    await publisher.start()
    try:
        await publisher.send_all(
            [
                Record(APPLICATIONS.name, e.aggregate_id, e.to_json_bytes())
                for e in events
            ]
        )
    finally:
        await publisher.stop()


async def mail_to(mailbox: Mailbox, address: str, seconds: float = 30) -> str:
    for _ in range(int(seconds * 10)):
        if any(rcpt == address for rcpt, _ in mailbox.messages):
            return mailbox.body_to(address)
        await asyncio.sleep(0.1)
    raise AssertionError(f"aucun message pour {address}")


async def test_an_accepted_pupil_is_told_to_confirm_once(
    app: FastAPI,
    sessions: async_sessionmaker[AsyncSession],
    mailbox: Mailbox,
    kafka_bootstrap_servers: str,
) -> None:
    pupil, quiet = await a_pupil(sessions), await a_pupil(sessions)
    accepted = event_for(pupil, ApplicationValidated, "validated_by_employer")
    read = event_for(quiet, ApplicationRead, "read_by_employer")
    # Delivered twice (a producer retry, a replay): applied once.
    await publish(kafka_bootstrap_servers, read, accepted, accepted)
    assert pupil.email is not None
    assert quiet.email is not None
    body = await mail_to(mailbox, pupil.email)
    assert "Confirmez ce stage" in body
    assert "semaine du 18 janvier" in body
    assert "Martin" not in body
    async with sessions() as session:
        staged = await session.scalar(
            select(func.count())
            .select_from(MAIL_OUTBOX)
            .where(MAIL_OUTBOX.c.to_email.in_([pupil.email, quiet.email]))
        )
    assert staged == 1
    assert all(rcpt != quiet.email for rcpt, _ in mailbox.messages)
