import uuid

from contracts.applications import v1
from identity.pupil_notices import notice_for

FACTS = v1.ApplicationFacts(
    pupil_id=uuid.uuid4(),
    offer_id=uuid.uuid4(),
    weeks=("2027-W03", "2027-W04"),
    school_year=2026,
    sector_id=uuid.uuid4(),
    offer_department_code="93",
    is_public=False,
    school_uai="0930001A",
    school_department_code="93",
    grade="3e",
    gender="m",
)


def event(
    kind: type[v1.ApplicationEvent], previous: v1.ApplicationStatus
) -> v1.ApplicationEvent:
    return kind(  # type: ignore[call-arg]  # each subclass defaults its event_type
        aggregate_id=str(uuid.uuid4()),
        application=FACTS,
        status="expired",
        previous_status=previous,
        actor="system",
    )


def test_answers_that_call_for_something_are_told() -> None:
    told = {
        kind.__name__: notice_for(event(kind, "read_by_employer"))
        for kind in (
            v1.ApplicationValidated,
            v1.ApplicationRejected,
            v1.ApplicationCanceledByEmployer,
            v1.ApplicationExpired,
        )
    }
    assert all(told.values())
    subject, body = told["ApplicationValidated"] or ("", "")
    assert "confirmez" in subject
    assert "semaine du 18 janvier, semaine du 25 janvier" in body


def test_an_unconfirmed_acceptance_says_so() -> None:
    notice = notice_for(event(v1.ApplicationExpired, "validated_by_employer"))
    assert notice is not None
    assert "pas été confirmé" in notice[0]


def test_steps_the_pupil_made_or_only_watches_are_silent() -> None:
    for kind in (
        v1.ApplicationSubmitted,
        v1.ApplicationRead,
        v1.ApplicationApproved,
        v1.ApplicationCanceledByPupil,
    ):
        assert notice_for(event(kind, "submitted")) is None
