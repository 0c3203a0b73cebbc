"""Schools as pupils' defaults need them, kept from identity's school events.

A registration carries the whole school; a weeks or perimeter change carries one
part of it. Each part remembers the stamp of the event that last set it and only a
later event overwrites it, so replays and late events change nothing, whatever
order the events come in.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts import EventBase
from contracts.identity.v1 import (
    SCHOOL_EVENTS,
    SchoolPerimeterChanged,
    SchoolRegistered,
    SchoolWeeksChanged,
)
from search.domain.query import MAX_RADIUS_KM, Point

Document = dict[str, Any]
SchoolEvent = SchoolRegistered | SchoolWeeksChanged | SchoolPerimeterChanged


@dataclass(frozen=True)
class SchoolProfile:
    uai: str
    location: Point | None
    internship_weeks: tuple[str, ...] = ()
    perimeter_km: int | None = None
    """None until the school registers its perimeter."""
    national_search: bool = False

    @property
    def default_radius_km(self) -> float | None:
        """The radius of a pupil's default search; None means all of France."""
        if self.national_search:
            return None
        return self.perimeter_km or MAX_RADIUS_KM


@dataclass(frozen=True)
class SchoolChange:
    """Parts of a school's document set by one event, each a few fields."""

    uai: str
    stamp: str
    parts: Mapping[str, Document]


def event_stamp(event: EventBase) -> str:
    """When the event happened, then its id: a total order that every replay
    sees the same (fixed-width UTC times compare as strings)."""
    return f"{event.occurred_at:%Y-%m-%dT%H:%M:%S.%f}Z|{event.event_id}"


def _weeks(weeks: tuple[str, ...]) -> Document:
    return {"internship_weeks": sorted(set(weeks))}


def _perimeter(perimeter_km: int, national_search: bool) -> Document:
    return {"perimeter_km": perimeter_km, "national_search": national_search}


def _parts(event: SchoolEvent) -> dict[str, Document]:
    match event:
        case SchoolRegistered():
            location = {"lat": event.location.lat, "lon": event.location.lon}
            return {
                "registration": {"location": location, "kind": event.kind},
                "weeks": _weeks(event.weeks),
                "perimeter": _perimeter(event.perimeter_km, event.national_search),
            }
        case SchoolWeeksChanged():
            return {"weeks": _weeks(event.weeks)}
        case SchoolPerimeterChanged():
            return {"perimeter": _perimeter(event.perimeter_km, event.national_search)}


def school_change(event: EventBase) -> SchoolChange | None:
    """The change a school event makes; None for events search ignores."""
    if not isinstance(event, SCHOOL_EVENTS):
        return None
    return SchoolChange(event.uai, event_stamp(event), _parts(event))


def merge(document: Mapping[str, Any] | None, change: SchoolChange) -> Document | None:
    """The document after the change, or None when every part it sets was set by
    a later (or the same) event already."""
    merged: Document = dict(document or {"uai": change.uai})
    changed = False
    for part, fields in change.parts.items():
        key = f"{part}_stamp"
        if merged.get(key, "") < change.stamp:
            merged |= fields | {key: change.stamp}
            changed = True
    return merged if changed else None


def profile_of(
    uai: str, document: Mapping[str, Any] | None, public: Point | None
) -> SchoolProfile | None:
    """What the school registered, with the public data's position for schools
    that have not registered (yet)."""
    if document is None:
        return SchoolProfile(uai, public) if public else None
    location = document.get("location")
    return SchoolProfile(
        uai,
        Point(location["lat"], location["lon"]) if location else public,
        tuple(document.get("internship_weeks", ())),
        document.get("perimeter_km"),
        bool(document.get("national_search", False)),
    )
