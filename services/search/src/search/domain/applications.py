"""Who applied where, kept from the applications' events: a pupil does not see
offers they have an application in progress on."""

import datetime as dt
import uuid
from dataclasses import dataclass

from contracts import EventBase
from contracts.applications.v1 import ApplicationEvent, ApplicationStatus

ACTIVE_STATUSES: frozenset[ApplicationStatus] = frozenset(
    {
        "submitted",
        "read_by_employer",
        "examined",
        "validated_by_employer",
        "approved",
    }
)
"""Refused, cancelled and expired applications end; the offer shows again."""
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ApplicationChange:
    """An application's state after one event, at that event's version."""

    application_id: str
    pupil_id: uuid.UUID
    offer_id: str
    active: bool
    version: int


def event_version(event: EventBase) -> int:
    """Microseconds since 1970 when the event happened. Application events carry
    no version; the transitions of one application are apart in time, so their
    times order them (and a replay has the same time, hence the same version)."""
    return (event.occurred_at - _EPOCH) // dt.timedelta(microseconds=1)


def application_change(event: EventBase) -> ApplicationChange | None:
    """The state an application event leaves; None for events search ignores."""
    if not isinstance(event, ApplicationEvent):
        return None
    return ApplicationChange(
        application_id=event.aggregate_id,
        pupil_id=event.application.pupil_id,
        offer_id=str(event.application.offer_id),
        active=event.status in ACTIVE_STATUSES,
        version=event_version(event),
    )
