"""The application aggregate and its life cycle, written as a table of transitions."""

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from applications.domain import errors


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    READ_BY_EMPLOYER = "read_by_employer"
    EXAMINED = "examined"
    VALIDATED_BY_EMPLOYER = "validated_by_employer"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELED_BY_EMPLOYER = "canceled_by_employer"
    CANCELED_BY_PUPIL = "canceled_by_pupil"
    CANCELED_BY_PUPIL_CONFIRMATION = "canceled_by_pupil_confirmation"
    EXPIRED = "expired"


STATUS_LABELS: dict[Status, str] = {
    Status.SUBMITTED: "envoyée",
    Status.READ_BY_EMPLOYER: "lue par l'employeur",
    Status.EXAMINED: "à l'étude",
    Status.VALIDATED_BY_EMPLOYER: "acceptée par l'employeur",
    Status.APPROVED: "confirmée",
    Status.REJECTED: "refusée",
    Status.CANCELED_BY_EMPLOYER: "annulée par l'employeur",
    Status.CANCELED_BY_PUPIL: "annulée par l'élève",
    Status.CANCELED_BY_PUPIL_CONFIRMATION: "annulée : l'élève a choisi un autre stage",
    Status.EXPIRED: "expirée",
}

# Waiting for the employer: pending applications that a confirmation elsewhere cancels.
PENDING = frozenset(
    {
        Status.SUBMITTED,
        Status.READ_BY_EMPLOYER,
        Status.EXAMINED,
        Status.VALIDATED_BY_EMPLOYER,
    }
)


class Action(enum.StrEnum):
    READ = "read"
    EXAMINE = "examine"
    TRANSFER = "transfer"
    VALIDATE = "validate"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL_BY_EMPLOYER = "cancel_by_employer"
    CANCEL_BY_PUPIL = "cancel_by_pupil"
    CANCEL_BY_PUPIL_CONFIRMATION = "cancel_by_pupil_confirmation"
    EXPIRE = "expire"
    EXPIRE_VALIDATION = "expire_validation"
    RESTORE = "restore"


class ActorKind(enum.StrEnum):
    PUPIL = "pupil"
    EMPLOYER = "employer"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: (
        Status | None
    )  # None: the status stays (a transfer changes the handler only)
    actor: ActorKind
    reason_required: bool = False


def _from(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


S = Status
_WAITING = _from(S.SUBMITTED, S.READ_BY_EMPLOYER, S.EXAMINED)
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.READ, _from(S.SUBMITTED), S.READ_BY_EMPLOYER, ActorKind.EMPLOYER),
    Transition(
        Action.EXAMINE,
        _from(S.SUBMITTED, S.READ_BY_EMPLOYER),
        S.EXAMINED,
        ActorKind.EMPLOYER,
    ),
    Transition(Action.TRANSFER, _WAITING, None, ActorKind.EMPLOYER),
    Transition(
        Action.VALIDATE,
        _WAITING | {S.REJECTED},
        S.VALIDATED_BY_EMPLOYER,
        ActorKind.EMPLOYER,
    ),
    Transition(
        Action.APPROVE, _from(S.VALIDATED_BY_EMPLOYER), S.APPROVED, ActorKind.PUPIL
    ),
    Transition(
        Action.REJECT,
        _WAITING | {S.VALIDATED_BY_EMPLOYER},
        S.REJECTED,
        ActorKind.EMPLOYER,
        reason_required=True,
    ),
    Transition(
        Action.CANCEL_BY_EMPLOYER,
        PENDING | {S.APPROVED},
        S.CANCELED_BY_EMPLOYER,
        ActorKind.EMPLOYER,
        reason_required=True,
    ),
    Transition(
        Action.CANCEL_BY_PUPIL,
        PENDING | {S.APPROVED},
        S.CANCELED_BY_PUPIL,
        ActorKind.PUPIL,
        reason_required=True,
    ),
    Transition(
        Action.CANCEL_BY_PUPIL_CONFIRMATION,
        PENDING,
        S.CANCELED_BY_PUPIL_CONFIRMATION,
        ActorKind.SYSTEM,
    ),
    Transition(Action.EXPIRE, _WAITING, S.EXPIRED, ActorKind.SYSTEM),
    Transition(
        Action.EXPIRE_VALIDATION,
        _from(S.VALIDATED_BY_EMPLOYER),
        S.EXPIRED,
        ActorKind.SYSTEM,
    ),
    Transition(
        Action.RESTORE, _from(S.CANCELED_BY_PUPIL), S.SUBMITTED, ActorKind.PUPIL
    ),
)
TRANSITION_BY_ACTION = {transition.action: transition for transition in TRANSITIONS}

ANSWER_DELAY = timedelta(days=15)
EXAMINED_ANSWER_DELAY = timedelta(days=30)
CONFIRMATION_DELAY = timedelta(days=15)
REMINDER_DELAY = timedelta(days=7)


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: uuid.UUID | None  # None for the scheduler


SYSTEM = Actor(ActorKind.SYSTEM, None)


@dataclass(frozen=True)
class TransitionRecord:
    """One line of the application's log: who did what, when, and why."""

    action: Action
    from_status: Status
    to_status: Status
    actor: Actor
    at: datetime
    reason: str | None = None


@dataclass
class Application:
    id: uuid.UUID
    pupil_id: uuid.UUID
    offer_id: uuid.UUID
    weeks: tuple[str, ...]
    school_year: int
    motivation: str
    submitted_at: datetime
    status: Status = Status.SUBMITTED
    status_changed_at: datetime | None = None
    handler_id: uuid.UUID | None = None  # the employer in charge; a transfer changes it
    restored: bool = False
    reminded_at: datetime | None = None
    history: list[TransitionRecord] = field(default_factory=list)

    def perform(
        self,
        action: Action,
        *,
        actor: Actor,
        at: datetime,
        reason: str | None = None,
        transfer_to: uuid.UUID | None = None,
    ) -> TransitionRecord:
        """Applies one transition of the table, or refuses it, changing nothing."""
        transition = TRANSITION_BY_ACTION[action]
        if self.status not in transition.sources:
            raise errors.TransitionNotAllowed(
                f"Cette action n'est pas possible : la candidature est "
                f"{STATUS_LABELS[self.status]}."
            )
        if actor.kind is not transition.actor:
            raise errors.ActorNotAllowed()
        if transition.reason_required and not (reason and reason.strip()):
            raise errors.ReasonRequired()
        if action is Action.TRANSFER and transfer_to is None:
            raise errors.TransferTargetRequired()
        if action is Action.RESTORE and self.restored:
            raise errors.RestoreAlreadyUsed()
        return self._record(
            transition, actor=actor, at=at, reason=reason, transfer_to=transfer_to
        )

    def _record(
        self,
        transition: Transition,
        *,
        actor: Actor,
        at: datetime,
        reason: str | None,
        transfer_to: uuid.UUID | None,
    ) -> TransitionRecord:
        record = TransitionRecord(
            transition.action,
            self.status,
            transition.target or self.status,
            actor,
            at,
            reason.strip() if reason else None,
        )
        self.status = record.to_status
        self.status_changed_at = at
        if transfer_to is not None:
            self.handler_id = transfer_to
        if transition.action is Action.RESTORE:
            self.restored = True
            self.submitted_at = at
        self.history.append(record)
        return record

    def due_expiry(self, now: datetime) -> Action | None:
        """The expiry the scheduler owes this application at `now`, if any."""
        if self.status in (Status.SUBMITTED, Status.READ_BY_EMPLOYER):
            return Action.EXPIRE if now - self.submitted_at >= ANSWER_DELAY else None
        if self.status is Status.EXAMINED:
            return (
                Action.EXPIRE
                if now - self.submitted_at >= EXAMINED_ANSWER_DELAY
                else None
            )
        if self.status is Status.VALIDATED_BY_EMPLOYER:
            validated_at = self.status_changed_at or self.submitted_at
            return (
                Action.EXPIRE_VALIDATION
                if now - validated_at >= CONFIRMATION_DELAY
                else None
            )
        return None

    def needs_reminder(self, now: datetime) -> bool:
        """True when the employer has let it wait 7 days, and was not reminded since."""
        if self.status not in (
            Status.SUBMITTED,
            Status.READ_BY_EMPLOYER,
            Status.EXAMINED,
        ):
            return False
        waiting_since = self.reminded_at or self.submitted_at
        return now - waiting_since >= REMINDER_DELAY
