import itertools
import uuid

import pytest

from contracts import EventBase
from contracts.applications.v1 import ApplicationStatus
from kit.auth import Principal, Role
from search.domain.query import Point
from search.domain.schools import merge, school_change
from search.pupils import InMemoryPupilDirectory, PupilEventHandler, SchoolProfile
from search.testing import (
    application_event,
    perimeter_changed,
    school_registered,
    weeks_changed,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
UAI = "0350044H"  # collège Chateaubriand, Saint-Malo: in the public data
UNKNOWN_UAI = "0999999Z"
REGISTERED_AT = (48.65, -2.0)
PUPIL = uuid.uuid4()
OFFER = str(uuid.uuid4())


async def fed(*events: EventBase) -> InMemoryPupilDirectory:
    directory = InMemoryPupilDirectory()
    handler = PupilEventHandler(directory)
    for event in events:
        await handler(event)
    return directory


SCHOOL_EVENTS = [
    school_registered(UAI, location=REGISTERED_AT, weeks=("2027-W24",), minute=0),
    weeks_changed(UAI, ("2027-W24",), minute=2),  # overtaken by the next one
    weeks_changed(UAI, ("2027-W04", "2027-W03"), minute=5),
    perimeter_changed(UAI, perimeter_km=40, national_search=True, minute=10),
]


async def test_school_events_give_the_same_school_in_any_order() -> None:
    expected = SchoolProfile(
        UAI, Point(*REGISTERED_AT), ("2027-W03", "2027-W04"), 40, True
    )

    for order in itertools.permutations(SCHOOL_EVENTS):
        directory = await fed(*order, *order)  # then each event replayed

        assert directory.school(UAI) == expected


async def test_a_replayed_school_event_changes_nothing() -> None:
    change = school_change(SCHOOL_EVENTS[0])
    assert change is not None
    document = merge(None, change)

    assert document is not None
    assert merge(document, change) is None


async def test_a_registration_older_than_a_weeks_change_keeps_those_weeks() -> None:
    directory = await fed(SCHOOL_EVENTS[2], SCHOOL_EVENTS[0])

    school = directory.school(UAI)

    assert school is not None
    assert school.internship_weeks == ("2027-W03", "2027-W04")
    assert (school.perimeter_km, school.default_radius_km) == (60, 60)


async def test_schools_not_registered_fall_back_to_public_data() -> None:
    directory = await fed()

    school = directory.school(UAI)

    assert school == SchoolProfile(UAI, Point(48.6509, -2.00601))
    assert school.default_radius_km == 60
    assert directory.school(UNKNOWN_UAI) is None


def submitted(application: uuid.UUID, minute: int) -> EventBase:
    return application_event(
        "submitted",
        "submitted",
        application_id=application,
        pupil_id=PUPIL,
        offer_id=OFFER,
        minute=minute,
    )


def ended(
    application: uuid.UUID, end: tuple[str, ApplicationStatus], minute: int
) -> EventBase:
    return application_event(
        end[0],
        end[1],
        application_id=application,
        pupil_id=PUPIL,
        offer_id=OFFER,
        minute=minute,
    )


ENDS: list[tuple[str, ApplicationStatus]] = [
    ("rejected", "rejected"),
    ("expired", "expired"),
    ("canceled_by_pupil", "canceled_by_pupil"),
    ("canceled_by_employer", "canceled_by_employer"),
]


@pytest.mark.parametrize("end", ENDS)
async def test_an_ended_application_shows_the_offer_again_in_any_order(
    end: tuple[str, ApplicationStatus],
) -> None:
    application = uuid.uuid4()
    events = [
        submitted(application, 0),
        application_event(
            "read",
            "read_by_employer",
            application_id=application,
            pupil_id=PUPIL,
            offer_id=OFFER,
            minute=1,
        ),
        ended(application, end, 2),
    ]

    for order in itertools.permutations(events):
        directory = await fed(*order, events[0])

        assert directory.applied(PUPIL) == frozenset()
    assert (await fed(*events[:2])).applied(PUPIL) == {OFFER}


async def test_a_new_application_after_an_ended_one_hides_the_offer() -> None:
    first, second = uuid.uuid4(), uuid.uuid4()

    directory = await fed(
        submitted(second, 5), ended(first, ENDS[0], 3), submitted(first, 0)
    )

    assert directory.applied(PUPIL) == {OFFER}
    pupil = Principal(PUPIL, Role.PUPIL, school_uai=UAI, grade="3e")
    context = await directory.context_for(pupil)
    assert context is not None
    assert context.applied_offer_ids == {OFFER}
