"""The topic map: every Kafka topic, the aggregate it carries and its events."""

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from contracts.applications import v1 as applications_v1
from contracts.conventions import v1 as conventions_v1
from contracts.envelope import EventBase
from contracts.identity import v1 as identity_v1
from contracts.offers import v1 as offers_v1


@dataclass(frozen=True)
class Topic:
    """One topic: one aggregate, keyed by its id, carrying a closed set of events."""

    name: str
    aggregate: str
    description: str
    events: tuple[type[EventBase], ...]
    compacted: bool = False
    """True when each event carries the aggregate's whole state, so Kafka may keep
    only the latest event per key (and a replay rebuilds every aggregate)."""
    _adapter: TypeAdapter[Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # noqa: D105 (dataclass hook)
        if len(self.events) == 1:
            adapter: TypeAdapter[Any] = TypeAdapter(self.events[0])
        else:
            union: Any = reduce(operator.or_, self.events)
            discriminated = Annotated[union, Field(discriminator="event_type")]
            adapter = TypeAdapter(discriminated)
        object.__setattr__(self, "_adapter", adapter)

    @property
    def dead_letter(self) -> str:
        """Name of the topic where messages that cannot be handled end up."""
        return f"{self.name}.dlq"

    @property
    def event_types(self) -> tuple[str, ...]:
        """The `event_type` values this topic may carry."""
        return tuple(_event_type(event) for event in self.events)

    def parse(self, raw: bytes | str) -> EventBase:
        """Validates a message of this topic into its event model.

        Raises:
            pydantic.ValidationError: the message is not one of this topic's events.
        """
        event: EventBase = self._adapter.validate_json(raw)
        return event


def _event_type(event: type[EventBase]) -> str:
    annotation = event.model_fields["event_type"].annotation
    literal_args: tuple[str, ...] = getattr(annotation, "__args__", ())
    return literal_args[0]


OFFERS = Topic(
    name="offers.offer.v1",
    aggregate="offer",
    description="Every change of an offer, with its full searchable snapshot.",
    events=offers_v1.OFFER_EVENTS,
    compacted=True,
)

APPLICATIONS = Topic(
    name="applications.internship_application.v1",
    aggregate="internship_application",
    description="Every transition of an internship application.",
    events=applications_v1.APPLICATION_EVENTS,
)

CONVENTIONS = Topic(
    name="conventions.convention.v1",
    aggregate="convention",
    description="Every step of a convention, from creation to full signature.",
    events=conventions_v1.CONVENTION_EVENTS,
)

IDENTITY_SCHOOLS = Topic(
    name="identity.school.v1",
    aggregate="school",
    description=(
        "Schools listed by the directory import, their registration, internship "
        "weeks and search perimeter."
    ),
    events=(*identity_v1.SCHOOL_EVENTS, *identity_v1.DIRECTORY_EVENTS),
)
IDENTITY_CLASSES = Topic(
    name="identity.school_class.v1",
    aggregate="school_class",
    description="Classes opened to the platform.",
    events=identity_v1.CLASS_EVENTS,
)
IDENTITY_USERS = Topic(
    name="identity.user.v1",
    aggregate="user",
    description=(
        "Pupils registered and authorised, staff joined, users anonymised; "
        "ids, school, department, grade and gender only."
    ),
    events=identity_v1.USER_EVENTS,
)

OFFER_FEED_REJECTIONS = Topic(
    name="offers.feed_rejection.v1",
    aggregate="feed_row",
    description="Dead letters of feed ingestion: feed rows that could not be used.",
    events=(offers_v1.FeedRowRejected,),
)

TOPICS: dict[str, Topic] = {
    topic.name: topic
    for topic in (
        OFFERS,
        OFFER_FEED_REJECTIONS,
        APPLICATIONS,
        CONVENTIONS,
        IDENTITY_SCHOOLS,
        IDENTITY_CLASSES,
        IDENTITY_USERS,
    )
}


def topic_of(event: EventBase) -> Topic:
    """Returns the topic an event belongs to.

    Raises:
        KeyError: no topic carries this event type.
    """
    for topic in TOPICS.values():
        if isinstance(event, topic.events):
            return topic
    raise KeyError(event.event_type)
