"""Unit of work: one transaction per command; events and messages leave on commit."""

from collections.abc import Awaitable, Callable
from types import TracebackType

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase
from identity.db import OUTBOX
from identity.repositories import Classes, Operators, Schools, Tokens, Users
from kit.messaging.outbox import add_events
from kit.senders import Message

log = structlog.get_logger(__name__)


class UnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        on_commit: Callable[[list[Message]], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._on_commit = on_commit

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessions()
        self.schools = Schools(self.session)
        self.users = Users(self.session)
        self.classes = Classes(self.session)
        self.tokens = Tokens(self.session)
        self.operators = Operators(self.session)
        self.events: list[EventBase] = []
        self.messages: list[Message] = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.session.rollback()
        await self.session.close()

    def emit(self, *events: EventBase) -> None:
        self.events.extend(events)

    def send(self, message: Message) -> None:
        self.messages.append(message)

    async def commit(self) -> None:
        await add_events(self.session, OUTBOX, *self.events)
        await self.session.commit()
        for event in self.events:
            log.info(event.event_type, aggregate_id=event.aggregate_id)
        messages, self.messages, self.events = self.messages, [], []
        if self._on_commit is not None:
            await self._on_commit(messages)
