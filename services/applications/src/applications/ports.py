"""What the handlers need from storage, so that tests can give them fakes."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol

from applications.domain.model import Application, TransitionRecord
from applications.domain.rules import OfferView, PupilView
from contracts import EventBase
from contracts.applications.v1 import ApplicationFacts
from kit.senders import Message


class Applications(Protocol):
    async def get(
        self, application_id: uuid.UUID, *, lock: bool = False
    ) -> Application: ...

    async def add(self, application: Application, facts: ApplicationFacts) -> None: ...

    async def save(
        self, application: Application, record: TransitionRecord
    ) -> None: ...

    async def facts(self, application_id: uuid.UUID) -> ApplicationFacts: ...

    async def of_pupil(
        self, pupil_id: uuid.UUID, *, school_year: int
    ) -> list[Application]: ...

    async def due_for_timers(
        self, now: datetime, *, limit: int
    ) -> list[Application]: ...

    async def mark_reminded(self, application_id: uuid.UUID, at: datetime) -> None: ...


class Views(Protocol):
    """What this service knows of pupils and offers, from identity and offers events."""

    async def pupil(
        self, pupil_id: uuid.UUID, *, lock: bool = False
    ) -> PupilView | None: ...

    async def offer(self, offer_id: uuid.UUID) -> OfferView | None: ...


class Seats(Protocol):
    async def take(self, offer_id: uuid.UUID, weeks: Sequence[str]) -> bool:
        """Takes one seat on every week, all or none; False when one week is full."""
        ...

    async def release(self, offer_id: uuid.UUID, weeks: Sequence[str]) -> None: ...


class UnitOfWork(Protocol):
    # Read-only members, so that implementations may narrow their types.
    @property
    def applications(self) -> Applications: ...

    @property
    def views(self) -> Views: ...

    @property
    def seats(self) -> Seats: ...

    async def __aenter__(self) -> "UnitOfWork": ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def emit(self, *events: EventBase) -> None: ...

    def notify(self, *messages: Message) -> None:
        """Messages to send once the transaction commits."""

    async def commit(self) -> None: ...
