import uuid
from datetime import UTC, datetime, timedelta

import pytest

from applications import handlers
from applications.domain import errors
from applications.domain.model import Action, Actor, ActorKind, Status
from applications.domain.rules import OfferView, PupilView
from applications.handlers import Decide, SubmitApplication
from applications.testing import FakeUnitOfWork

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
W3, W4 = "2027-W03", "2027-W04"
TEAM = uuid.uuid4()
EMPLOYER = Actor(ActorKind.EMPLOYER, uuid.uuid4())

pytestmark = pytest.mark.asyncio


def add_pupil(uow: FakeUnitOfWork, **fields: object) -> PupilView:
    values: dict[str, object] = {
        "pupil_id": uuid.uuid4(),
        "grade": "3e",
        "school_uai": "0350913C",
        "authorised": True,
        "school_weeks": frozenset({W3, W4}),
        "gender": "f",
        "school_department_code": "35",
    }
    pupil = PupilView(**(values | fields))  # type: ignore[arg-type]
    uow.views.pupils[pupil.pupil_id] = pupil
    return pupil


def add_offer(uow: FakeUnitOfWork, **fields: object) -> OfferView:
    values: dict[str, object] = {
        "offer_id": uuid.uuid4(),
        "published": True,
        "grades": frozenset({"3e"}),
        "weeks": frozenset({W3, W4}),
        "reserved_school_uais": frozenset(),
        "seats_per_week": 1,
        "school_year": 2026,
        "sector_id": uuid.uuid4(),
        "department_code": "35",
        "team_id": TEAM,
    }
    offer = OfferView(**(values | fields))  # type: ignore[arg-type]
    uow.views.offers[offer.offer_id] = offer
    return offer


async def apply(
    uow: FakeUnitOfWork, pupil: PupilView, offer: OfferView, *weeks: str
) -> uuid.UUID:
    cmd = SubmitApplication(pupil.pupil_id, offer.offer_id, weeks or (W3,), "Motivé !")
    return (await handlers.submit(cmd, uow, now=T0)).id


async def employer(
    uow: FakeUnitOfWork, application_id: uuid.UUID, action: Action
) -> None:
    cmd = Decide(application_id, action, EMPLOYER, team_id=TEAM, reason="motif")
    await handlers.decide(cmd, uow, now=T0)


async def pupil_does(
    uow: FakeUnitOfWork, pupil: PupilView, application_id: uuid.UUID, action: Action
) -> None:
    actor = Actor(ActorKind.PUPIL, pupil.pupil_id)
    await handlers.decide(
        Decide(application_id, action, actor, reason="motif"), uow, now=T0
    )


class TestSubmit:
    async def test_submission_emits_facts_without_personal_data(self) -> None:
        uow = FakeUnitOfWork()
        pupil, offer = add_pupil(uow), add_offer(uow)
        application_id = await apply(uow, pupil, offer)
        [event] = uow.published
        assert event.event_type == "application.submitted"
        assert event.aggregate_id == str(application_id)
        payload = event.model_dump(mode="json")
        assert payload["application"]["gender"] == "f"
        assert payload["application"]["school_department_code"] == "35"
        assert "motivation" not in str(payload)
        assert (payload["status"], payload["previous_status"]) == ("submitted", None)

    async def test_a_refusal_writes_nothing(self) -> None:
        uow = FakeUnitOfWork()
        pupil, offer = add_pupil(uow, authorised=False), add_offer(uow)
        with pytest.raises(errors.ParentalAuthorisationMissing):
            await apply(uow, pupil, offer)
        assert uow.applications.rows == {}
        assert uow.published == []

    async def test_an_unknown_pupil_or_offer_is_refused(self) -> None:
        uow = FakeUnitOfWork()
        pupil, offer = add_pupil(uow), add_offer(uow)
        with pytest.raises(errors.OfferUnavailable):
            await handlers.submit(
                SubmitApplication(pupil.pupil_id, uuid.uuid4(), (W3,), "m"), uow, now=T0
            )
        with pytest.raises(errors.PupilUnknown):
            await handlers.submit(
                SubmitApplication(uuid.uuid4(), offer.offer_id, (W3,), "m"), uow, now=T0
            )


class TestDecide:
    async def test_only_the_offers_team_decides(self) -> None:
        uow = FakeUnitOfWork()
        pupil, offer = add_pupil(uow), add_offer(uow)
        application_id = await apply(uow, pupil, offer)
        other_team = Decide(
            application_id, Action.VALIDATE, EMPLOYER, team_id=uuid.uuid4()
        )
        with pytest.raises(errors.NotAParty):
            await handlers.decide(other_team, uow, now=T0)
        intruder = Actor(ActorKind.PUPIL, uuid.uuid4())
        with pytest.raises(errors.NotAParty):
            await handlers.decide(
                Decide(application_id, Action.CANCEL_BY_PUPIL, intruder, reason="x"),
                uow,
                now=T0,
            )
        assert uow.applications.rows[application_id].status is Status.SUBMITTED

    async def test_each_transition_emits_its_event(self) -> None:
        uow = FakeUnitOfWork()
        pupil, offer = add_pupil(uow), add_offer(uow)
        application_id = await apply(uow, pupil, offer)
        await employer(uow, application_id, Action.READ)
        await employer(uow, application_id, Action.EXAMINE)
        await employer(uow, application_id, Action.VALIDATE)
        await pupil_does(uow, pupil, application_id, Action.APPROVE)
        assert [e.event_type for e in uow.published] == [
            "application.submitted",
            "application.read",
            "application.examined",
            "application.validated",
            "application.approved",
        ]
        assert uow.seats.taken[(offer.offer_id, W3)] == 1


class TestConfirm:
    async def test_confirming_cancels_other_pending_applications_of_the_same_week(
        self,
    ) -> None:
        uow = FakeUnitOfWork()
        pupil = add_pupil(uow)
        chosen, same_week, other_week = add_offer(uow), add_offer(uow), add_offer(uow)
        chosen_id = await apply(uow, pupil, chosen, W3)
        same_id = await apply(uow, pupil, same_week, W3)
        other_id = await apply(uow, pupil, other_week, W4)
        await employer(uow, chosen_id, Action.VALIDATE)
        await pupil_does(uow, pupil, chosen_id, Action.APPROVE)
        rows = uow.applications.rows
        assert rows[same_id].status is Status.CANCELED_BY_PUPIL_CONFIRMATION
        assert rows[other_id].status is Status.SUBMITTED
        cancelled = [e for e in uow.published if e.aggregate_id == str(same_id)][-1]
        assert cancelled.event_type == "application.canceled_by_pupil_confirmation"
        assert cancelled.model_dump()["actor"] == "system"

    async def test_the_last_seat_goes_to_one_pupil_only(self) -> None:
        uow = FakeUnitOfWork()
        offer = add_offer(uow, seats_per_week=1)
        first, second = add_pupil(uow), add_pupil(uow)
        first_id = await apply(uow, first, offer)
        second_id = await apply(uow, second, offer)
        await employer(uow, first_id, Action.VALIDATE)
        await employer(uow, second_id, Action.VALIDATE)
        await pupil_does(uow, first, first_id, Action.APPROVE)
        with pytest.raises(errors.NoSeatLeft):
            await pupil_does(uow, second, second_id, Action.APPROVE)
        assert uow.applications.rows[second_id].status is Status.VALIDATED_BY_EMPLOYER

    async def test_cancelling_an_approved_application_frees_its_seat(self) -> None:
        uow = FakeUnitOfWork()
        pupil, offer = add_pupil(uow), add_offer(uow)
        application_id = await apply(uow, pupil, offer)
        await employer(uow, application_id, Action.VALIDATE)
        await pupil_does(uow, pupil, application_id, Action.APPROVE)
        await pupil_does(uow, pupil, application_id, Action.CANCEL_BY_PUPIL)
        assert uow.seats.taken[(offer.offer_id, W3)] == 0


class TestTimers:
    async def test_timers_expire_and_remind(self) -> None:
        uow = FakeUnitOfWork()
        pupil = add_pupil(uow)
        old_id = await apply(uow, pupil, add_offer(uow))
        waiting_id = await apply(uow, pupil, add_offer(uow))
        uow.applications.rows[old_id].submitted_at = T0 - timedelta(days=15)
        uow.applications.rows[waiting_id].submitted_at = T0 - timedelta(days=8)
        report = await handlers.run_timers(uow, now=T0)
        assert (report.expired, report.reminded) == (1, 1)
        assert uow.applications.rows[old_id].status is Status.EXPIRED
        assert uow.applications.rows[waiting_id].reminded_at == T0
        assert uow.published[-1].event_type == "application.expired"


class TestEmployerNotices:
    async def test_the_employer_hears_of_a_new_application_at_the_offer_contact(
        self,
    ) -> None:
        uow = FakeUnitOfWork()
        offer = add_offer(uow, title="Boulangerie", contact_email="tuteur@pain.fr")
        await apply(uow, add_pupil(uow), offer, W3)
        [notice] = uow.sent
        assert notice.to_email == "tuteur@pain.fr"
        assert notice.subject == "Nouvelle candidature : Boulangerie"
        assert "2027 semaine 03" in notice.body

    async def test_an_offer_without_contact_sends_nothing(self) -> None:
        uow = FakeUnitOfWork()
        await apply(uow, add_pupil(uow), add_offer(uow), W3)
        assert uow.sent == []

    async def test_a_refused_submission_sends_nothing(self) -> None:
        uow = FakeUnitOfWork()
        pupil = add_pupil(uow, authorised=False)
        with pytest.raises(errors.ParentalAuthorisationMissing):
            await apply(uow, pupil, add_offer(uow, contact_email="tuteur@pain.fr"))
        assert uow.sent == []

    async def test_employers_left_behind_hear_that_the_pupil_chose_another(
        self,
    ) -> None:
        uow = FakeUnitOfWork()
        pupil = add_pupil(uow)
        chosen = add_offer(uow, contact_email="choisi@a.fr")
        left = add_offer(uow, title="Garage", contact_email="garage@b.fr")
        chosen_id = await apply(uow, pupil, chosen, W3)
        await apply(uow, pupil, left, W3)
        await employer(uow, chosen_id, Action.VALIDATE)
        uow.sent.clear()
        await pupil_does(uow, pupil, chosen_id, Action.APPROVE)
        assert [(m.to_email, m.subject) for m in uow.sent] == [
            ("garage@b.fr", "Candidature annulée : Garage")
        ]
        assert "a choisi un autre stage" in uow.sent[0].body

    async def test_an_application_waiting_7_days_reminds_its_employer_once(
        self,
    ) -> None:
        uow = FakeUnitOfWork()
        offer = add_offer(uow, title="Mairie", contact_email="rh@mairie.fr")
        application_id = await apply(uow, add_pupil(uow), offer)
        uow.applications.rows[application_id].submitted_at = T0 - timedelta(days=8)
        uow.sent.clear()
        await handlers.run_timers(uow, now=T0)
        await handlers.run_timers(uow, now=T0 + timedelta(hours=1))
        assert [m.subject for m in uow.sent] == [
            "Une candidature attend votre réponse : Mairie"
        ]
