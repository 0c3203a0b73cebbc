"""Consumers that apply each event once, retry faults, and dead-letter poison.

A message is validated against its topic's contract, then handled in one database
transaction that also claims its event id in the inbox. A handler fault is retried
`max_attempts` times; after that, or at once for a message that is not a valid event,
the message goes to `<topic>.dlq` with the reason in its headers, and the consumer
moves on. Only when the dead-letter publish itself fails is the offset left
uncommitted, so Kafka delivers the message again.
"""

import asyncio
import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import structlog
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase, Topic
from kit.logging import bind_correlation_id
from kit.messaging.inbox import claim
from kit.messaging.naming import physical
from kit.messaging.publisher import Publisher, Record

log = structlog.get_logger(__name__)

SessionHandler = Callable[[EventBase, AsyncSession], Awaitable[None]]
PlainHandler = Callable[[EventBase], Awaitable[None]]


class Outcome(enum.Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class Delivery:
    """What the consumer needs of a Kafka record."""

    value: bytes
    key: bytes | None
    headers: Sequence[tuple[str, bytes]]
    partition: int = 0
    offset: int = 0


class EventConsumer:
    """One consumer group on one topic.

    Give `session_factory` and `inbox` for handlers that write to the database (the
    inbox makes them idempotent); leave them out for handlers that are idempotent by
    themselves, such as indexing by id with an external version.
    """

    def __init__(
        self,
        *,
        name: str,
        topic: Topic,
        handler: SessionHandler | PlainHandler,
        dead_letters: Publisher,
        session_factory: async_sessionmaker[AsyncSession] | None = None,
        inbox: Table | None = None,
        max_attempts: int = 5,
        retry_seconds: float = 0.2,
        start_from: Literal["earliest", "latest"] = "earliest",
    ) -> None:
        if (session_factory is None) != (inbox is None):
            raise ValueError("session_factory and inbox go together")
        self.name = name
        self.start_from = start_from
        self.topic = topic
        self._handler = handler
        self._dead_letters = dead_letters
        self._sessions = session_factory
        self._inbox = inbox
        self._max_attempts = max_attempts
        self._retry_seconds = retry_seconds

    async def process(self, delivery: Delivery) -> Outcome:
        """Handles one delivery; raises only when it could not be dead-lettered."""
        try:
            event = self.topic.parse(delivery.value)
        except ValidationError as exc:
            log.warning(
                "event_rejected_invalid", consumer=self.name, topic=self.topic.name
            )
            await self._dead_letter(
                delivery, reason=f"invalid: {exc.error_count()} errors", attempts=1
            )
            return Outcome.DEAD_LETTERED
        bind_correlation_id(event.correlation_id)
        structlog.contextvars.bind_contextvars(event_id=str(event.event_id))
        last_error: Exception | None = None
        for attempt in range(1, self._max_attempts + 1):
            try:
                return await self._apply(event)
            except Exception as exc:
                log.warning(
                    "event_handler_failed",
                    consumer=self.name,
                    event_type=event.event_type,
                    attempt=attempt,
                    error=repr(exc),
                )
                last_error = exc
                if attempt < self._max_attempts:
                    await asyncio.sleep(self._retry_seconds * attempt)
        await self._dead_letter(
            delivery, reason=repr(last_error), attempts=self._max_attempts
        )
        return Outcome.DEAD_LETTERED

    async def _apply(self, event: EventBase) -> Outcome:
        if self._sessions is None or self._inbox is None:
            await self._handler(event)  # type: ignore[call-arg]
            return Outcome.HANDLED
        async with self._sessions() as session, session.begin():
            if not await claim(
                session, self._inbox, consumer=self.name, event_id=event.event_id
            ):
                log.info(
                    "event_duplicate_skipped",
                    consumer=self.name,
                    event_type=event.event_type,
                )
                return Outcome.DUPLICATE
            await self._handler(event, session)  # type: ignore[call-arg]
        return Outcome.HANDLED

    async def _dead_letter(
        self, delivery: Delivery, *, reason: str, attempts: int
    ) -> None:
        headers = (
            *delivery.headers,
            ("dlq_consumer", self.name.encode()),
            ("dlq_reason", reason[:1000].encode()),
            ("dlq_attempts", str(attempts).encode()),
            (
                "dlq_source",
                f"{self.topic.name}/{delivery.partition}/{delivery.offset}".encode(),
            ),
        )
        record = Record(
            topic=self.topic.dead_letter,
            key=(delivery.key or b"").decode(errors="replace"),
            value=delivery.value,
            headers=tuple(headers),
        )
        await self._dead_letters.send_all([record])
        log.error(
            "event_dead_lettered", consumer=self.name, reason=reason, attempts=attempts
        )

    def subscribe(self, broker: KafkaBroker) -> None:
        """Registers the consumer on a FastStream broker, in its own consumer group."""

        async def consume(message: KafkaMessage) -> None:
            raw = cast(ConsumerRecord[bytes, bytes], message.raw_message)
            await self.process(
                Delivery(
                    value=raw.value or b"",
                    key=raw.key,
                    headers=tuple(raw.headers or ()),
                    partition=raw.partition,
                    offset=raw.offset,
                )
            )

        consume.__doc__ = f"{self.name}: applies the events of {self.topic.name}."
        broker.subscriber(
            physical(self.topic.name),
            group_id=self.name,
            auto_offset_reset=self.start_from,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=self.name,
        )(consume)
