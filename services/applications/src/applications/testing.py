"""In-memory storage for unit tests of the handlers (no database)."""

import copy
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

from applications.domain import errors
from applications.domain.model import Application, TransitionRecord
from applications.domain.rules import OfferView, PupilView, has_room
from contracts import EventBase
from contracts.applications.v1 import ApplicationFacts
from kit.senders import Message


@dataclass
class FakeApplications:
    rows: dict[uuid.UUID, Application] = field(default_factory=dict)
    facts_by_id: dict[uuid.UUID, ApplicationFacts] = field(default_factory=dict)
    log: list[TransitionRecord] = field(default_factory=list)

    async def get(
        self, application_id: uuid.UUID, *, lock: bool = False
    ) -> Application:
        if application_id not in self.rows:
            raise errors.NotFound()
        return self.rows[application_id]

    async def add(self, application: Application, facts: ApplicationFacts) -> None:
        self.rows[application.id] = application
        self.facts_by_id[application.id] = facts

    async def save(self, application: Application, record: TransitionRecord) -> None:
        self.rows[application.id] = application
        self.log.append(record)

    async def facts(self, application_id: uuid.UUID) -> ApplicationFacts:
        return self.facts_by_id[application_id]

    async def of_pupil(
        self, pupil_id: uuid.UUID, *, school_year: int
    ) -> list[Application]:
        return [
            a
            for a in self.rows.values()
            if a.pupil_id == pupil_id and a.school_year == school_year
        ]

    async def due_for_timers(self, now: datetime, *, limit: int) -> list[Application]:
        return list(self.rows.values())[:limit]

    async def mark_reminded(self, application_id: uuid.UUID, at: datetime) -> None:
        self.rows[application_id].reminded_at = at


@dataclass
class FakeViews:
    pupils: dict[uuid.UUID, PupilView] = field(default_factory=dict)
    offers: dict[uuid.UUID, OfferView] = field(default_factory=dict)

    async def pupil(
        self, pupil_id: uuid.UUID, *, lock: bool = False
    ) -> PupilView | None:
        return self.pupils.get(pupil_id)

    async def offer(self, offer_id: uuid.UUID) -> OfferView | None:
        return self.offers.get(offer_id)


@dataclass
class FakeSeats:
    views: FakeViews
    taken: Counter[tuple[uuid.UUID, str]] = field(default_factory=Counter)

    async def take(self, offer_id: uuid.UUID, weeks: Sequence[str]) -> bool:
        offer = self.views.offers[offer_id]
        per_week = {week: self.taken[(offer_id, week)] for week in weeks}
        if not has_room(per_week, weeks, seats_per_week=offer.seats_per_week):
            return False
        for week in weeks:
            self.taken[(offer_id, week)] += 1
        return True

    async def release(self, offer_id: uuid.UUID, weeks: Sequence[str]) -> None:
        for week in weeks:
            self.taken[(offer_id, week)] -= 1


class FakeUnitOfWork:
    """A commit keeps changes and events; a failure inside rolls everything back."""

    def __init__(self) -> None:
        self.views = FakeViews()
        self.applications = FakeApplications()
        self.seats = FakeSeats(self.views)
        self.published: list[EventBase] = []
        self.sent: list[Message] = []
        self._pending: list[EventBase] = []
        self._messages: list[Message] = []
        self._snapshot: tuple[object, ...] = ()

    async def __aenter__(self) -> "FakeUnitOfWork":
        self._pending, self._messages = [], []
        self._snapshot = copy.deepcopy((self.applications.rows, self.seats.taken))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pending or exc_type is not None:
            self.applications.rows, self.seats.taken = self._snapshot  # type: ignore[assignment]
            self._pending, self._messages = [], []

    def emit(self, *events: EventBase) -> None:
        self._pending.extend(events)

    def notify(self, *messages: Message) -> None:
        self._messages.extend(messages)

    async def commit(self) -> None:
        self.published.extend(self._pending)
        self.sent.extend(self._messages)
        self._pending, self._messages = [], []
        self._snapshot = copy.deepcopy((self.applications.rows, self.seats.taken))
