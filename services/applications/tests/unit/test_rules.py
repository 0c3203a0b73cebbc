import uuid
from datetime import UTC, datetime

import pytest

from applications.domain import errors
from applications.domain.model import Application, Status
from applications.domain.rules import (
    OfferView,
    PupilView,
    cancelled_by_confirmation,
    check_can_apply,
    check_can_confirm,
    check_can_restore,
    has_room,
)

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
W3, W4, W24, W25 = "2027-W03", "2027-W04", "2027-W24", "2027-W25"


def pupil(**fields: object) -> PupilView:
    values: dict[str, object] = {
        "pupil_id": uuid.uuid4(),
        "grade": "3e",
        "school_uai": "0350913C",
        "authorised": True,
        "school_weeks": frozenset({W3, W4}),
    }
    return PupilView(**(values | fields))  # type: ignore[arg-type]


def offer(**fields: object) -> OfferView:
    values: dict[str, object] = {
        "offer_id": uuid.uuid4(),
        "published": True,
        "grades": frozenset({"3e"}),
        "weeks": frozenset({W3, W4, W24}),
        "reserved_school_uais": frozenset(),
        "seats_per_week": 2,
        "school_year": 2026,
        "sector_id": uuid.uuid4(),
    }
    return OfferView(**(values | fields))  # type: ignore[arg-type]


def app(
    weeks: tuple[str, ...] = (W3,), status: Status = Status.SUBMITTED, **fields: object
) -> Application:
    application = Application(
        id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        offer_id=uuid.uuid4(),
        weeks=weeks,
        school_year=2026,
        motivation="motivé",
        submitted_at=T0,
        status=status,
    )
    for name, value in fields.items():
        setattr(application, name, value)
    return application


class TestCheckCanApply:
    def test_an_eligible_pupil_may_apply(self) -> None:
        check_can_apply(pupil(), offer(), [W3], "Je veux apprendre.", [])

    @pytest.mark.parametrize(
        ("who", "what", "weeks", "error"),
        [
            (
                pupil(authorised=False),
                offer(),
                [W3],
                errors.ParentalAuthorisationMissing,
            ),
            (pupil(), offer(published=False), [W3], errors.OfferUnavailable),
            (pupil(grade="2de"), offer(), [W3], errors.GradeNotTargeted),
            (
                pupil(),
                offer(reserved_school_uais=frozenset({"0351851X"})),
                [W3],
                errors.OfferReserved,
            ),
            (pupil(), offer(), [], errors.WeeksRequired),
            (pupil(), offer(), [W25], errors.WeekNotOffered),
            (pupil(), offer(), [W24], errors.WeekNotSchoolWeek),
        ],
        ids=[
            "no-parental-authorisation",
            "offer-unpublished",
            "other-grade",
            "reserved-to-another-school",
            "no-week",
            "week-not-in-offer",
            "week-not-a-school-week",
        ],
    )
    def test_refusals(
        self, who: PupilView, what: OfferView, weeks: list[str], error: type[Exception]
    ) -> None:
        with pytest.raises(error):
            check_can_apply(who, what, weeks, "motivé", [])

    def test_a_school_without_weeks_allows_any_week_of_the_offer(self) -> None:
        check_can_apply(pupil(school_weeks=frozenset()), offer(), [W24], "motivé", [])

    def test_the_pupils_own_school_may_be_among_the_reserved_ones(self) -> None:
        reserved = offer(reserved_school_uais=frozenset({"0350913C"}))
        check_can_apply(pupil(), reserved, [W3], "motivé", [])

    def test_a_motivation_is_required(self) -> None:
        with pytest.raises(errors.MotivationRequired):
            check_can_apply(pupil(), offer(), [W3], "  ", [])

    def test_one_application_per_offer_and_week(self) -> None:
        the_offer = offer()
        first = app((W3,), offer_id=the_offer.offer_id)
        with pytest.raises(errors.AlreadyApplied):
            check_can_apply(pupil(), the_offer, [W3], "motivé", [first])
        check_can_apply(pupil(), the_offer, [W4], "motivé", [first])


class TestCheckCanConfirm:
    def test_a_free_week_with_a_seat_is_confirmed(self) -> None:
        check_can_confirm(app(), grade="3e", confirmed=[])

    def test_room_means_a_seat_left_on_every_week(self) -> None:
        assert has_room({W3: 1}, [W3], seats_per_week=2)
        assert not has_room({W3: 2}, [W3], seats_per_week=2)
        assert not has_room({W3: 0, W4: 2}, [W3, W4], seats_per_week=2)
        assert has_room({}, [W3, W4], seats_per_week=1)

    def test_a_week_already_confirmed_elsewhere_refuses(self) -> None:
        with pytest.raises(errors.WeekAlreadyTaken):
            check_can_confirm(
                app((W3,)),
                grade="3e",
                confirmed=[app((W3,), Status.APPROVED)],
            )

    def test_college_pupils_do_at_most_two_internships_a_year(self) -> None:
        two = [app((W3,), Status.APPROVED), app((W4,), Status.APPROVED)]
        check_can_confirm(app((W24,)), grade="3e", confirmed=two[:1])
        with pytest.raises(errors.InternshipLimitReached):
            check_can_confirm(app((W24,)), grade="3e", confirmed=two)

    def test_lycee_pupils_fill_the_two_june_weeks_once(self) -> None:
        check_can_confirm(app((W24, W25)), grade="2de", confirmed=[])
        one_week = [app((W24,), Status.APPROVED)]
        check_can_confirm(
            app((W25,)),
            grade="2de",
            confirmed=one_week,
        )
        both = [app((W24, W25), Status.APPROVED)]
        with pytest.raises(errors.WeekAlreadyTaken):
            check_can_confirm(
                app((W25,)),
                grade="2de",
                confirmed=both,
            )
        with pytest.raises(errors.InternshipLimitReached):
            check_can_confirm(
                app(("2027-W26",)),
                grade="2de",
                confirmed=both,
            )


class TestCancelledByConfirmation:
    def test_only_pending_applications_sharing_a_week_are_cancelled(self) -> None:
        confirmed = app((W3,), Status.APPROVED)
        same_week = app((W3,), Status.EXAMINED)
        validated_same_week = app((W3, W4), Status.VALIDATED_BY_EMPLOYER)
        other_week = app((W4,), Status.SUBMITTED)
        rejected_same_week = app((W3,), Status.REJECTED)
        others = [
            confirmed,
            same_week,
            validated_same_week,
            other_week,
            rejected_same_week,
        ]
        assert cancelled_by_confirmation(confirmed, others) == [
            same_week,
            validated_same_week,
        ]


def test_restoring_cannot_compete_with_a_confirmed_week() -> None:
    with pytest.raises(errors.WeekAlreadyTaken):
        check_can_restore(app((W3,)), [app((W3,), Status.APPROVED)])
    check_can_restore(app((W4,)), [app((W3,), Status.APPROVED)])
