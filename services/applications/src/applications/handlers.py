"""Use cases: each one is a single transaction that also writes its events."""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from applications import notices
from applications.domain import errors
from applications.domain.model import (
    SYSTEM,
    Action,
    Actor,
    ActorKind,
    Application,
    Status,
    TransitionRecord,
)
from applications.domain.rules import (
    OfferView,
    PupilView,
    cancelled_by_confirmation,
    check_can_apply,
    check_can_confirm,
    check_can_restore,
)
from applications.ports import UnitOfWork
from contracts.applications import v1 as events
from kit.logging import current_correlation_id

EVENT_OF_ACTION: dict[Action | None, Callable[..., events.ApplicationEvent]] = {
    None: events.ApplicationSubmitted,
    Action.READ: events.ApplicationRead,
    Action.EXAMINE: events.ApplicationExamined,
    Action.TRANSFER: events.ApplicationTransferred,
    Action.VALIDATE: events.ApplicationValidated,
    Action.APPROVE: events.ApplicationApproved,
    Action.REJECT: events.ApplicationRejected,
    Action.CANCEL_BY_EMPLOYER: events.ApplicationCanceledByEmployer,
    Action.CANCEL_BY_PUPIL: events.ApplicationCanceledByPupil,
    Action.CANCEL_BY_PUPIL_CONFIRMATION: events.ApplicationCanceledByPupilConfirmation,
    Action.EXPIRE: events.ApplicationExpired,
    Action.EXPIRE_VALIDATION: events.ApplicationExpired,
    Action.RESTORE: events.ApplicationRestored,
}


@dataclass(frozen=True)
class SubmitApplication:
    pupil_id: uuid.UUID
    offer_id: uuid.UUID
    weeks: tuple[str, ...]
    motivation: str


@dataclass(frozen=True)
class Decide:
    """Any transition but a submission; `team_id` is the employer's team, if any."""

    application_id: uuid.UUID
    action: Action
    actor: Actor
    team_id: uuid.UUID | None = None
    reason: str | None = None
    transfer_to: uuid.UUID | None = None
    offer_id: uuid.UUID | None = None  # when set, the application must be of this offer


@dataclass(frozen=True)
class TimerReport:
    expired: int
    reminded: int


def facts_of(
    pupil: PupilView, offer: OfferView, weeks: tuple[str, ...]
) -> events.ApplicationFacts:
    return events.ApplicationFacts(
        pupil_id=pupil.pupil_id,
        offer_id=offer.offer_id,
        weeks=weeks,
        school_year=offer.school_year,
        sector_id=offer.sector_id,
        offer_department_code=offer.department_code,
        is_public=offer.is_public,
        ministry=offer.ministry,
        school_uai=pupil.school_uai,
        school_department_code=pupil.school_department_code,
        grade=pupil.grade,  # type: ignore[arg-type]  # a Grade, from identity's events
        gender=pupil.gender,  # type: ignore[arg-type]  # a Gender, likewise
    )


def event_of(
    application: Application,
    facts: events.ApplicationFacts,
    record: TransitionRecord | None,
) -> events.ApplicationEvent:
    event_class = EVENT_OF_ACTION[record.action if record else None]
    return event_class(
        aggregate_id=str(application.id),
        occurred_at=record.at if record else application.submitted_at,
        correlation_id=current_correlation_id(),
        application=facts,
        status=application.status.value,
        previous_status=record.from_status.value if record else None,
        actor=record.actor.kind.value if record else ActorKind.PUPIL.value,
    )


async def submit(
    cmd: SubmitApplication, uow: UnitOfWork, *, now: datetime
) -> Application:
    async with uow:
        pupil = await uow.views.pupil(cmd.pupil_id)
        if pupil is None:
            raise errors.PupilUnknown()
        offer = await uow.views.offer(cmd.offer_id)
        if offer is None:
            raise errors.OfferUnavailable()
        mine = await uow.applications.of_pupil(
            cmd.pupil_id, school_year=offer.school_year
        )
        check_can_apply(pupil, offer, cmd.weeks, cmd.motivation, mine)
        application = Application(
            id=uuid.uuid4(),
            pupil_id=cmd.pupil_id,
            offer_id=cmd.offer_id,
            weeks=tuple(sorted(cmd.weeks)),
            school_year=offer.school_year,
            motivation=cmd.motivation.strip(),
            submitted_at=now,
            status_changed_at=now,
        )
        facts = facts_of(pupil, offer, application.weeks)
        await uow.applications.add(application, facts)
        uow.emit(event_of(application, facts, None))
        uow.notify(*notices.new_application(offer, application))
        await uow.commit()
    return application


async def decide(cmd: Decide, uow: UnitOfWork, *, now: datetime) -> Application:
    if cmd.action is Action.APPROVE:
        return await _confirm(cmd, uow, now=now)
    async with uow:
        application = await uow.applications.get(cmd.application_id, lock=True)
        await _check_party(application, cmd, uow)
        if cmd.action is Action.RESTORE:
            mine = await uow.applications.of_pupil(
                application.pupil_id, school_year=application.school_year
            )
            check_can_restore(application, mine)
        record = application.perform(
            cmd.action,
            actor=cmd.actor,
            at=now,
            reason=cmd.reason,
            transfer_to=cmd.transfer_to,
        )
        if record.from_status is Status.APPROVED:
            await uow.seats.release(application.offer_id, application.weeks)
        await _save(uow, application, record)
        await uow.commit()
    return application


async def decide_many(
    cmds: Sequence[Decide], new_uow: Callable[[], UnitOfWork], *, now: datetime
) -> list[Application | errors.ApplicationsError]:
    """Bulk decisions: each in its own transaction, so one refusal stops no other."""
    results: list[Application | errors.ApplicationsError] = []
    for cmd in cmds:
        try:
            results.append(await decide(cmd, new_uow(), now=now))
        except errors.ApplicationsError as exc:
            results.append(exc)
    return results


async def _confirm(cmd: Decide, uow: UnitOfWork, *, now: datetime) -> Application:
    async with uow:
        pupil_id = (await uow.applications.get(cmd.application_id)).pupil_id
        # The pupil first, then the application: locking the pupil serialises their
        # confirmations (two at once cannot share a week or pass the yearly quota),
        # and one lock order for everyone means no deadlock with the cancellations.
        pupil = await uow.views.pupil(pupil_id, lock=True)
        if pupil is None:
            raise errors.PupilUnknown()
        application = await uow.applications.get(cmd.application_id, lock=True)
        await _check_party(application, cmd, uow)
        mine = await uow.applications.of_pupil(
            application.pupil_id, school_year=application.school_year
        )
        check_can_confirm(application, grade=pupil.grade, confirmed=mine)
        record = application.perform(Action.APPROVE, actor=cmd.actor, at=now)
        if not await uow.seats.take(application.offer_id, application.weeks):
            raise errors.NoSeatLeft()
        await _save(uow, application, record)
        for other in cancelled_by_confirmation(application, mine):
            other_record = other.perform(
                Action.CANCEL_BY_PUPIL_CONFIRMATION, actor=SYSTEM, at=now
            )
            await _save(uow, other, other_record)
            other_offer = await uow.views.offer(other.offer_id)
            if other_offer is not None:
                uow.notify(*notices.chose_another(other_offer, other))
        await uow.commit()
    return application


async def _check_party(application: Application, cmd: Decide, uow: UnitOfWork) -> None:
    if cmd.offer_id is not None and cmd.offer_id != application.offer_id:
        raise errors.NotFound()
    if cmd.actor.kind is ActorKind.PUPIL:
        if cmd.actor.user_id != application.pupil_id:
            raise errors.NotAParty()
    elif cmd.actor.kind is ActorKind.EMPLOYER:
        offer = await uow.views.offer(application.offer_id)
        if offer is None or offer.team_id is None or offer.team_id != cmd.team_id:
            raise errors.NotAParty()


async def _save(
    uow: UnitOfWork, application: Application, record: TransitionRecord
) -> None:
    await uow.applications.save(application, record)
    facts = await uow.applications.facts(application.id)
    uow.emit(event_of(application, facts, record))


async def run_timers(
    uow: UnitOfWork, *, now: datetime, batch: int = 500
) -> TimerReport:
    """Expires what waited too long and reminds employers (a scheduled job)."""
    expired = reminded = 0
    async with uow:
        for application in await uow.applications.due_for_timers(now, limit=batch):
            action = application.due_expiry(now)
            if action is not None:
                record = application.perform(action, actor=SYSTEM, at=now)
                await _save(uow, application, record)
                expired += 1
            elif application.needs_reminder(now):
                application.reminded_at = now
                await uow.applications.mark_reminded(application.id, now)
                offer = await uow.views.offer(application.offer_id)
                if offer is not None:
                    uow.notify(*notices.reminder(offer, application))
                reminded += 1
        await uow.commit()
    return TimerReport(expired=expired, reminded=reminded)
