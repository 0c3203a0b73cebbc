import uuid
from datetime import UTC, datetime, timedelta

import pytest

from applications.domain import errors
from applications.domain.model import (
    SYSTEM,
    TRANSITIONS,
    Action,
    Actor,
    ActorKind,
    Application,
    Status,
)

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
PUPIL = Actor(ActorKind.PUPIL, uuid.uuid4())
EMPLOYER = Actor(ActorKind.EMPLOYER, uuid.uuid4())
ACTORS = {
    ActorKind.PUPIL: PUPIL,
    ActorKind.EMPLOYER: EMPLOYER,
    ActorKind.SYSTEM: SYSTEM,
}


def application(status: Status = Status.SUBMITTED, **fields: object) -> Application:
    app = Application(
        id=uuid.uuid4(),
        pupil_id=PUPIL.user_id or uuid.uuid4(),
        offer_id=uuid.uuid4(),
        weeks=("2027-W03",),
        school_year=2026,
        motivation="J'aimerais découvrir ce métier.",
        submitted_at=T0,
        status=status,
    )
    for name, value in fields.items():
        setattr(app, name, value)
    return app


def perform(app: Application, action: Action, **kwargs: object) -> None:
    transition = next(t for t in TRANSITIONS if t.action is action)
    kwargs.setdefault("reason", "motif" if transition.reason_required else None)
    if action is Action.TRANSFER:
        kwargs.setdefault("transfer_to", uuid.uuid4())
    app.perform(action, actor=ACTORS[transition.actor], at=T0, **kwargs)  # type: ignore[arg-type]


CELLS = [(t, status) for t in TRANSITIONS for status in Status]


@pytest.mark.parametrize(
    ("transition", "status"), CELLS, ids=[f"{t.action}-from-{s}" for t, s in CELLS]
)
def test_every_cell_of_the_transition_table(transition: object, status: Status) -> None:
    """Allowed sources move to the target; every other status is refused unchanged."""
    app = application(status)
    action = transition.action  # type: ignore[attr-defined]
    if status in transition.sources:  # type: ignore[attr-defined]
        perform(app, action)
        assert app.status is (transition.target or status)  # type: ignore[attr-defined]
        assert app.history[-1].from_status is status
    else:
        with pytest.raises(errors.TransitionNotAllowed, match="n'est pas possible"):
            perform(app, action)
        assert app.status is status
        assert app.history == []


class TestWhoMayAct:
    @pytest.mark.parametrize(
        ("action", "intruder"),
        [
            (Action.VALIDATE, PUPIL),
            (Action.REJECT, PUPIL),
            (Action.APPROVE, EMPLOYER),
            (Action.RESTORE, EMPLOYER),
            (Action.EXPIRE, EMPLOYER),
            (Action.CANCEL_BY_PUPIL, EMPLOYER),
        ],
    )
    def test_the_wrong_actor_is_refused(self, action: Action, intruder: Actor) -> None:
        source = next(t for t in TRANSITIONS if t.action is action).sources
        app = application(sorted(source)[0])
        with pytest.raises(errors.ActorNotAllowed):
            app.perform(action, actor=intruder, at=T0, reason="motif")
        assert app.history == []


class TestReasonsAndTransfers:
    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_rejection_needs_a_reason(self, reason: str | None) -> None:
        app = application()
        with pytest.raises(errors.ReasonRequired):
            app.perform(Action.REJECT, actor=EMPLOYER, at=T0, reason=reason)
        assert app.status is Status.SUBMITTED

    def test_rejection_logs_who_when_and_why(self) -> None:
        app = application()
        app.perform(Action.REJECT, actor=EMPLOYER, at=T0, reason="  Plus de place  ")
        [record] = app.history
        assert (record.actor, record.at, record.reason) == (
            EMPLOYER,
            T0,
            "Plus de place",
        )
        assert (record.from_status, record.to_status) == (
            Status.SUBMITTED,
            Status.REJECTED,
        )

    def test_transfer_keeps_the_status_and_changes_the_handler(self) -> None:
        colleague = uuid.uuid4()
        app = application(Status.EXAMINED)
        app.perform(Action.TRANSFER, actor=EMPLOYER, at=T0, transfer_to=colleague)
        assert (app.status, app.handler_id) == (Status.EXAMINED, colleague)

    def test_transfer_needs_a_colleague(self) -> None:
        with pytest.raises(errors.TransferTargetRequired):
            application().perform(Action.TRANSFER, actor=EMPLOYER, at=T0)


class TestRestore:
    def test_a_pupil_restores_a_cancelled_application_once(self) -> None:
        app = application()
        app.perform(Action.CANCEL_BY_PUPIL, actor=PUPIL, at=T0, reason="erreur")
        later = T0 + timedelta(days=3)
        app.perform(Action.RESTORE, actor=PUPIL, at=later)
        assert (app.status, app.submitted_at) == (Status.SUBMITTED, later)
        app.perform(Action.CANCEL_BY_PUPIL, actor=PUPIL, at=later, reason="encore")
        with pytest.raises(errors.RestoreAlreadyUsed):
            app.perform(Action.RESTORE, actor=PUPIL, at=later)
        assert app.status is Status.CANCELED_BY_PUPIL


class TestTimers:
    @pytest.mark.parametrize(
        ("status", "days", "expected"),
        [
            (Status.SUBMITTED, 14, None),
            (Status.SUBMITTED, 15, Action.EXPIRE),
            (Status.READ_BY_EMPLOYER, 15, Action.EXPIRE),
            (Status.EXAMINED, 29, None),
            (Status.EXAMINED, 30, Action.EXPIRE),
            (Status.APPROVED, 400, None),
            (Status.REJECTED, 400, None),
        ],
    )
    def test_expiry_without_an_answer(
        self, status: Status, days: int, expected: Action | None
    ) -> None:
        app = application(status)
        assert app.due_expiry(T0 + timedelta(days=days)) is expected

    def test_a_validation_expires_15_days_after_it_was_given(self) -> None:
        app = application(Status.SUBMITTED)
        validated_at = T0 + timedelta(days=10)
        app.perform(Action.VALIDATE, actor=EMPLOYER, at=validated_at)
        assert app.due_expiry(validated_at + timedelta(days=14)) is None
        assert (
            app.due_expiry(validated_at + timedelta(days=15))
            is Action.EXPIRE_VALIDATION
        )

    def test_employer_is_reminded_after_7_days_then_every_7_days(self) -> None:
        app = application(Status.EXAMINED)
        assert not app.needs_reminder(T0 + timedelta(days=6))
        assert app.needs_reminder(T0 + timedelta(days=7))
        app.reminded_at = T0 + timedelta(days=7)
        assert not app.needs_reminder(T0 + timedelta(days=13))
        assert app.needs_reminder(T0 + timedelta(days=14))
        assert not application(Status.VALIDATED_BY_EMPLOYER).needs_reminder(
            T0 + timedelta(days=30)
        )
