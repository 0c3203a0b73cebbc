"""The seed's rules on who may apply where, and on confirming an internship.

They read what this service knows of pupils and offers (views built from identity and
offers events) and refuse with a domain error; they change nothing themselves.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from applications.domain import errors
from applications.domain.model import PENDING, Application, Status

MAX_INTERNSHIPS_COLLEGE = 2  # 4e and 3e: up to two internships in a school year
MAX_WEEKS_LYCEE = 2  # 2de: the two June weeks, in one offer or two


@dataclass(frozen=True)
class PupilView:
    pupil_id: uuid.UUID
    grade: str
    school_uai: str
    authorised: bool
    school_weeks: frozenset[str]
    gender: str = "not_said"
    school_department_code: str = ""


@dataclass(frozen=True)
class OfferView:
    offer_id: uuid.UUID
    published: bool
    grades: frozenset[str]
    weeks: frozenset[str]
    reserved_school_uais: frozenset[str]
    seats_per_week: int
    school_year: int
    sector_id: uuid.UUID
    department_code: str = ""
    is_public: bool = False
    ministry: str | None = None
    team_id: uuid.UUID | None = None  # the employer team that may decide on it
    title: str = ""
    contact_email: str | None = None  # where the employer hears of applications


def check_can_apply(
    pupil: PupilView,
    offer: OfferView,
    weeks: Sequence[str],
    motivation: str,
    existing: Iterable[Application],
) -> None:
    """Refuses an application that breaks a rule; the first broken rule is reported."""
    if not pupil.authorised:
        raise errors.ParentalAuthorisationMissing()
    if not offer.published:
        raise errors.OfferUnavailable()
    if pupil.grade not in offer.grades:
        raise errors.GradeNotTargeted()
    if (
        offer.reserved_school_uais
        and pupil.school_uai not in offer.reserved_school_uais
    ):
        raise errors.OfferReserved()
    _check_weeks(pupil, offer, weeks)
    if not motivation.strip():
        raise errors.MotivationRequired()
    already = {w for a in existing if a.offer_id == offer.offer_id for w in a.weeks}
    if already.intersection(weeks):
        raise errors.AlreadyApplied()


def _check_weeks(pupil: PupilView, offer: OfferView, weeks: Sequence[str]) -> None:
    if not weeks:
        raise errors.WeeksRequired()
    if not offer.weeks.issuperset(weeks):
        raise errors.WeekNotOffered()
    # A school without internship weeks lets its pupils choose any week of the offer.
    if pupil.school_weeks and not pupil.school_weeks.issuperset(weeks):
        raise errors.WeekNotSchoolWeek()


def check_can_confirm(
    application: Application, *, grade: str, confirmed: Iterable[Application]
) -> None:
    """Refuses a confirmation beyond the pupil's quota or on a week already taken.

    `confirmed` are the pupil's applications of the same school year. Seats are
    checked by the storage, atomically (see `has_room`), since pupils confirm at once.
    """
    mine = [
        a for a in confirmed if a.status is Status.APPROVED and a.id != application.id
    ]
    taken_weeks = {w for a in mine for w in a.weeks}
    if taken_weeks.intersection(application.weeks):
        raise errors.WeekAlreadyTaken()
    if grade == "2de":
        if len(taken_weeks) + len(application.weeks) > MAX_WEEKS_LYCEE:
            raise errors.InternshipLimitReached()
    elif len(mine) >= MAX_INTERNSHIPS_COLLEGE:
        raise errors.InternshipLimitReached()


def has_room(
    taken: Mapping[str, int], weeks: Iterable[str], *, seats_per_week: int
) -> bool:
    """True when every week still has a seat for one more confirmed pupil."""
    return all(taken.get(week, 0) < seats_per_week for week in weeks)


def cancelled_by_confirmation(
    confirmed: Application, others: Iterable[Application]
) -> list[Application]:
    """The pupil's other pending applications sharing a week with the confirmed one."""
    weeks = set(confirmed.weeks)
    return [
        other
        for other in others
        if other.id != confirmed.id
        and other.status in PENDING
        and weeks.intersection(other.weeks)
    ]


def check_can_restore(
    application: Application, confirmed: Iterable[Application]
) -> None:
    """A restored application must not compete with an internship already confirmed."""
    taken = {w for a in confirmed if a.status is Status.APPROVED for w in a.weeks}
    if taken.intersection(application.weeks):
        raise errors.WeekAlreadyTaken()
