"""Transactional outbox: events are written with the business rows, then relayed.

Writers call `add_events(session, ...)` inside their transaction; a relay task
publishes pending rows in order and marks them published. A crash between publish and
mark re-sends the batch, so delivery is at least once and consumers deduplicate.
"""

import asyncio
import zlib
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase, Topic, topic_of
from kit.messaging.publisher import Publisher, Record

log = structlog.get_logger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    """The outbox table, to declare in each writer service's metadata."""
    return Table(
        "outbox",
        metadata,
        Column("seq", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(64), nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("correlation_id", String(64), nullable=False),
        Column("payload", Text, nullable=False),
        Column(
            "created_at",
            DateTime(timezone=True),
            nullable=False,
            server_default=func.now(),
        ),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Column("extra", JSON),
        Index(
            "ix_outbox_pending", "seq", postgresql_where=text("published_at IS NULL")
        ),
    )


async def add_events(
    session: AsyncSession, table: Table, *events: EventBase, topic: Topic | None = None
) -> None:
    """Stages events in the caller's transaction; they leave only if it commits.

    The topic is the one the contracts map each event to, unless `topic` is given.
    """
    if not events:
        return
    await session.execute(
        insert(table),
        [
            {
                "event_id": event.event_id,
                "topic": (topic or topic_of(event)).name,
                "key": event.aggregate_id,
                "event_type": event.event_type,
                "correlation_id": event.correlation_id,
                "payload": event.model_dump_json(),
            }
            for event in events
        ],
    )


def to_record(row: dict[str, object]) -> Record:
    """The Kafka record of an outbox row: key = aggregate id, ids in headers."""
    return Record(
        topic=str(row["topic"]),
        key=str(row["key"]),
        value=str(row["payload"]).encode(),
        headers=(
            ("event_id", str(row["event_id"]).encode()),
            ("event_type", str(row["event_type"]).encode()),
            ("correlation_id", str(row["correlation_id"]).encode()),
            ("content-type", b"application/json"),
        ),
    )


class OutboxRelay:
    """Publishes pending outbox rows in `seq` order.

    A transaction-scoped advisory lock lets one relay work at a time per database, so
    several replicas of a service can run a relay without reordering an aggregate.
    """

    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        table: Table,
        publisher: Publisher,
        batch_size: int = 500,
        poll_seconds: float = 0.1,
    ) -> None:
        self._sessions = session_factory
        self._table = table
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._lock_key = zlib.crc32(f"outbox:{table.fullname}".encode())
        self._wake = asyncio.Event()
        self._stopping = False

    def notify(self) -> None:
        """Asks the relay to look now (call after committing events)."""
        self._wake.set()

    def stop(self) -> None:
        """Makes `run` return after the batch in progress, not in the middle of it."""
        self._stopping = True
        self._wake.set()

    async def relay_once(self) -> int:
        """Publishes one batch; returns how many rows it published."""
        table = self._table
        async with self._sessions() as session, session.begin():
            locked = await session.scalar(
                select(func.pg_try_advisory_xact_lock(self._lock_key))
            )
            if not locked:
                return 0
            rows = (
                (
                    await session.execute(
                        select(table)
                        .where(table.c.published_at.is_(None))
                        .order_by(table.c.seq)
                        .limit(self._batch_size)
                    )
                )
                .mappings()
                .all()
            )
            if not rows:
                return 0
            seqs = [row["seq"] for row in rows]
            failure: Exception | None = None
            try:
                await self._publisher.send_all([to_record(dict(row)) for row in rows])
            except Exception as exc:
                # Keep the transaction alive to count the attempt, then re-raise.
                failure = exc
                await self._record_failure(session, seqs, exc)
            else:
                await session.execute(
                    update(table)
                    .where(table.c.seq.in_(seqs))
                    .values(published_at=func.now())
                )
        if failure is not None:
            raise failure
        return len(rows)

    async def _record_failure(
        self, session: AsyncSession, seqs: Sequence[int], exc: Exception
    ) -> None:
        await session.execute(
            update(self._table)
            .where(self._table.c.seq.in_(seqs))
            .values(attempts=self._table.c.attempts + 1, last_error=repr(exc)[:2000])
        )

    async def run(self) -> None:
        """Relays until stopped; a failing broker is retried with backoff."""
        backoff = self._poll_seconds
        while not self._stopping:
            try:
                published = await self.relay_once()
                backoff = self._poll_seconds
            except Exception:
                log.warning("outbox_relay_failed", exc_info=True)
                published = 0
                backoff = min(backoff * 2, 5.0)
            if published < self._batch_size and not self._stopping:
                self._wake.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=backoff)

    async def purge(self, *, older_than: timedelta) -> int:
        """Deletes rows published before `older_than` ago; returns how many."""
        limit = datetime.now(UTC) - older_than
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(self._table).where(self._table.c.published_at < limit)
            )
        return int(getattr(result, "rowcount", 0) or 0)
