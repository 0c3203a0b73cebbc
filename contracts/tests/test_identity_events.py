"""Identity events: examples round-trip through their topics; no personal data."""

import pytest

from contracts import EventBase, topic_of
from contracts.identity import examples, v1

EXAMPLES = [
    examples.school_listed(),
    examples.school_registered(),
    examples.class_created(),
    examples.pupil_registered(),
    examples.pupil_authorised(),
]
# Fields that would carry a person's identity or contact; none may exist.
PERSONAL = {"first_name", "last_name", "name", "email", "phone", "birth_date"}


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda event: event.event_type)
def test_examples_round_trip_through_their_topic(event: EventBase) -> None:
    topic = topic_of(event)
    assert topic.name.startswith("identity.")
    assert topic.parse(event.to_json_bytes()) == event


@pytest.mark.parametrize(
    "event",
    [*v1.DIRECTORY_EVENTS, *v1.SCHOOL_EVENTS, *v1.CLASS_EVENTS, *v1.USER_EVENTS],
    ids=lambda event: event.__name__,
)
def test_no_event_carries_personal_data(event: type[EventBase]) -> None:
    assert not PERSONAL & set(event.model_fields)


def test_grade_and_gender_are_closed_sets() -> None:
    with pytest.raises(ValueError, match="grade"):
        examples.pupil_registered(grade="6e")
    with pytest.raises(ValueError, match="gender"):
        examples.pupil_registered(gender="x")
