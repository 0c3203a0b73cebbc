"""The offer aggregate and its lifecycle, written as a table of transitions."""

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from contracts.offers.v1 import (
    OfferAddress,
    OfferDrafted,
    OfferPublished,
    OfferRemoved,
    OfferSnapshot,
    OfferStatus,
    OfferUnpublished,
    OfferUpdated,
)
from offers.domain.errors import TransitionNotAllowed
from offers.domain.geo import Placement
from offers.domain.model import OfferContent, last_day

LIVE: tuple[OfferStatus, ...] = ("draft", "published", "unpublished", "needs_update")

# (transition, from, to): the whole lifecycle.
TRANSITIONS: tuple[tuple[str, OfferStatus, OfferStatus], ...] = (
    ("publish", "draft", "published"),
    ("publish", "unpublished", "published"),
    ("publish", "needs_update", "published"),
    ("unpublish", "published", "unpublished"),
    ("unpublish", "needs_update", "unpublished"),
    ("flag_needs_update", "published", "needs_update"),
    *(("remove", status, "removed") for status in LIVE),
)

LABELS = {
    "publish": "publier",
    "unpublish": "retirer",
    "flag_needs_update": "signaler à mettre à jour",
    "remove": "supprimer",
}

OfferEvent = (
    OfferDrafted | OfferPublished | OfferUnpublished | OfferRemoved | OfferUpdated
)

EVENT_OF_STATUS: dict[OfferStatus, type[OfferEvent]] = {
    "draft": OfferDrafted,
    "published": OfferPublished,
    "unpublished": OfferUnpublished,
    "needs_update": OfferUnpublished,
    "removed": OfferRemoved,
}


def target_status(transition: str, status: OfferStatus) -> OfferStatus:
    for name, source, target in TRANSITIONS:
        if name == transition and source == status:
            return target
    raise TransitionNotAllowed(
        "transition_not_allowed",
        f"Impossible de {LABELS[transition]} une offre dans l'état « {status} ».",
        transition=transition,
        status=status,
    )


@dataclass
class Offer:
    """One offer: its content, where it is, who owns it and where it stands."""

    id: uuid.UUID
    content: OfferContent
    placement: Placement
    school_year: int
    sector_name: str
    source: str
    status: OfferStatus = "draft"
    version: int = 0
    team_id: uuid.UUID | None = None
    remote_id: str | None = None
    seats_taken: int = (
        0  # on the least booked week: the offer is full when it reaches seats
    )
    copied_from: uuid.UUID | None = None
    full_weeks: tuple[str, ...] = ()
    events: list[OfferEvent] = field(default_factory=list, repr=False)

    @property
    def is_full(self) -> bool:
        return self.seats_taken >= self.content.seats

    def seats_changed(self, taken_by_week: dict[str, int], *, now: datetime) -> None:
        """Confirmed pupils per week, as the applications' events tell them."""
        seats = self.content.seats
        taken = [taken_by_week.get(week, 0) for week in self.content.weeks]
        full = tuple(w for w in self.content.weeks if taken_by_week.get(w, 0) >= seats)
        least = min(taken, default=0)
        if (least, full) == (self.seats_taken, self.full_weeks):
            return
        self.seats_taken, self.full_weeks = least, full
        self._record(OfferUpdated, now)

    def is_past(self, today: date) -> bool:
        return last_day(self.content.weeks) < today

    def transition(self, name: str, *, now: datetime) -> None:
        self.status = target_status(name, self.status)
        self._record(EVENT_OF_STATUS[self.status], now)

    def created(self, *, now: datetime) -> None:
        self._record(EVENT_OF_STATUS[self.status], now)

    def edit(
        self,
        content: OfferContent,
        placement: Placement,
        *,
        school_year: int,
        sector_name: str,
        now: datetime,
    ) -> None:
        if self.status == "removed":
            raise TransitionNotAllowed("offer_removed", "Cette offre a été supprimée.")
        self.content, self.placement = content, placement
        self.school_year, self.sector_name = school_year, sector_name
        self._record(OfferUpdated, now)

    def copy(self, content: OfferContent, *, school_year: int) -> "Offer":
        return replace(
            self,
            id=uuid.uuid4(),
            content=content,
            school_year=school_year,
            status="draft",
            version=0,
            remote_id=None,
            seats_taken=0,
            full_weeks=(),
            copied_from=self.id,
            events=[],
        )

    def snapshot(self, now: datetime) -> OfferSnapshot:
        content = self.content
        return OfferSnapshot(
            **content.model_dump(
                include=set(OfferSnapshot.model_fields) & set(OfferContent.model_fields)
            ),
            sector_name=self.sector_name,
            address=OfferAddress(
                street=content.street,
                postal_code=content.postal_code,
                city=content.city,
                department_code=self.placement.department_code,
                location=self.placement.location,
                location_precision=self.placement.precision,
            ),
            school_year=self.school_year,
            updated_at=now,
            source=self.source,
            team_id=self.team_id,
            contact_email=(content.tutor.email or None) if content.tutor else None,
            full_weeks=self.full_weeks,
        )

    def _record(self, event_class: type[OfferEvent], now: datetime) -> None:
        self.version += 1
        self.events.append(
            event_class(
                aggregate_id=str(self.id),
                version=self.version,
                status=self.status,
                offer=self.snapshot(now),
                occurred_at=now,
            )
        )
