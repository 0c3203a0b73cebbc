"""The handlers on the real PostgreSQL: rules, transactions and concurrency."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from applications import handlers
from applications.consumers import apply_offer_event
from applications.db import OUTBOX, SqlUnitOfWork, seats_table, transitions_table
from applications.domain import errors
from applications.domain.model import Action, Actor, ActorKind, Status
from applications.handlers import Decide, SubmitApplication
from contracts.examples import offer_published, offer_snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
W3, W4 = "2027-W03", "2027-W04"
EMPLOYER = Actor(ActorKind.EMPLOYER, uuid.uuid4())
AddPupil = Callable[..., Awaitable[uuid.UUID]]
Sessions = async_sessionmaker[AsyncSession]


async def add_offer(
    sessions: Sessions, *, seats: int = 1, version: int = 1
) -> uuid.UUID:
    event = offer_published(
        version=version, offer=offer_snapshot(seats=seats, weeks=(W3, W4))
    )
    async with sessions() as session, session.begin():
        await apply_offer_event(event, session)
    return uuid.UUID(event.aggregate_id)


async def submit(
    sessions: Sessions, pupil: uuid.UUID, offer: uuid.UUID, week: str = W3
) -> uuid.UUID:
    cmd = SubmitApplication(pupil, offer, (week,), "Je suis curieuse.")
    return (await handlers.submit(cmd, SqlUnitOfWork(sessions), now=T0)).id


async def validate(sessions: Sessions, application_id: uuid.UUID) -> None:
    # The offer view has no team yet: the employer check is bypassed by a None team.
    uow = SqlUnitOfWork(sessions)
    async with uow:
        application = await uow.applications.get(application_id, lock=True)
        record = application.perform(Action.VALIDATE, actor=EMPLOYER, at=T0)
        await uow.applications.save(application, record)
        await uow.commit()


async def confirm(
    sessions: Sessions, pupil: uuid.UUID, application_id: uuid.UUID
) -> None:
    cmd = Decide(application_id, Action.APPROVE, Actor(ActorKind.PUPIL, pupil))
    await handlers.decide(cmd, SqlUnitOfWork(sessions), now=T0)


async def status_of(sessions: Sessions, application_id: uuid.UUID) -> Status:
    uow = SqlUnitOfWork(sessions)
    async with uow:
        return (await uow.applications.get(application_id)).status


async def test_submission_writes_row_and_event_in_one_transaction(
    sessions: Sessions, add_pupil: AddPupil
) -> None:
    pupil, offer = await add_pupil(), await add_offer(sessions)
    application_id = await submit(sessions, pupil, offer)
    async with sessions() as session:
        events = (
            await session.execute(
                select(OUTBOX.c.event_type, OUTBOX.c.topic).where(
                    OUTBOX.c.key == str(application_id)
                )
            )
        ).all()
    assert events == [
        ("application.submitted", "applications.internship_application.v1")
    ]


async def test_one_application_per_offer_and_week_even_at_once(
    sessions: Sessions, add_pupil: AddPupil
) -> None:
    pupil, offer = await add_pupil(), await add_offer(sessions)
    results = await asyncio.gather(
        *(submit(sessions, pupil, offer) for _ in range(5)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, errors.AlreadyApplied)]
    assert len(refused) == 4, results
    async with sessions() as session:
        submitted = await session.scalar(
            select(func.count())
            .select_from(OUTBOX)
            .where(OUTBOX.c.event_type == "application.submitted")
            .where(OUTBOX.c.payload.contains(str(offer)))
        )
    assert submitted == 1, "the refused attempts left no event behind"


async def test_concurrent_confirmations_on_the_last_seat_exactly_one_wins(
    sessions: Sessions, add_pupil: AddPupil
) -> None:
    offer = await add_offer(sessions, seats=1)
    pupils = [await add_pupil() for _ in range(8)]
    applications = [await submit(sessions, pupil, offer) for pupil in pupils]
    for application_id in applications:
        await validate(sessions, application_id)

    results = await asyncio.gather(
        *(confirm(sessions, p, a) for p, a in zip(pupils, applications, strict=True)),
        return_exceptions=True,
    )
    winners = [r for r in results if r is None]
    losers = [r for r in results if isinstance(r, errors.NoSeatLeft)]
    assert (len(winners), len(losers)) == (1, 7), results
    statuses = [await status_of(sessions, a) for a in applications]
    assert statuses.count(Status.APPROVED) == 1
    assert statuses.count(Status.VALIDATED_BY_EMPLOYER) == 7
    async with sessions() as session:
        taken = await session.scalar(
            select(seats_table.c.taken).where(
                seats_table.c.offer_id == offer, seats_table.c.week == W3
            )
        )
    assert taken == 1


async def test_confirmation_cancels_same_week_applications_and_logs_it(
    sessions: Sessions, add_pupil: AddPupil
) -> None:
    pupil = await add_pupil()
    chosen, same_week, other_week = [
        await add_offer(sessions, seats=3) for _ in range(3)
    ]
    chosen_id = await submit(sessions, pupil, chosen, W3)
    same_id = await submit(sessions, pupil, same_week, W3)
    other_id = await submit(sessions, pupil, other_week, W4)
    await validate(sessions, chosen_id)
    await confirm(sessions, pupil, chosen_id)
    assert await status_of(sessions, same_id) is Status.CANCELED_BY_PUPIL_CONFIRMATION
    assert await status_of(sessions, other_id) is Status.SUBMITTED
    async with sessions() as session:
        logged = (
            await session.execute(
                select(
                    transitions_table.c.action, transitions_table.c.actor_kind
                ).where(transitions_table.c.application_id == same_id)
            )
        ).all()
    assert logged == [("cancel_by_pupil_confirmation", "system")]


async def test_a_pupil_confirming_two_same_week_offers_at_once_gets_one(
    sessions: Sessions, add_pupil: AddPupil
) -> None:
    pupil = await add_pupil()
    first, second = (
        await add_offer(sessions, seats=2),
        await add_offer(sessions, seats=2),
    )
    a, b = await submit(sessions, pupil, first), await submit(sessions, pupil, second)
    await validate(sessions, a)
    await validate(sessions, b)
    results = await asyncio.gather(
        confirm(sessions, pupil, a), confirm(sessions, pupil, b), return_exceptions=True
    )
    statuses = {await status_of(sessions, a), await status_of(sessions, b)}
    assert statuses == {Status.APPROVED, Status.CANCELED_BY_PUPIL_CONFIRMATION}
    assert sum(r is None for r in results) == 1, results


async def test_an_older_offer_event_never_overwrites_a_newer_view(
    sessions: Sessions,
) -> None:
    newer = offer_published(version=5, offer=offer_snapshot(seats=4, weeks=(W3,)))
    older = offer_published(
        aggregate_id=newer.aggregate_id,
        version=4,
        offer=offer_snapshot(seats=1, weeks=(W3,)),
    )
    async with sessions() as session, session.begin():
        await apply_offer_event(newer, session)
        await apply_offer_event(older, session)
    async with sessions() as session:
        capacity = await session.scalar(
            select(seats_table.c.capacity).where(
                seats_table.c.offer_id == uuid.UUID(newer.aggregate_id)
            )
        )
    assert capacity == 4
