"""Ingesting a ministry's or an operator's whole feed, one feed at a time.

Each run is its own task with its own transactions (one per batch of rows), so a
malformed, huge or slow feed never holds another feed's rows back. A run keeps a
report as it goes (progress, accepted, updated, unchanged, rejected with row
number and reason); rejected rows also go to the dead-letter topic
`offers.feed_rejection.v1`. Unchanged rows write nothing, so replaying a feed
publishes no new event. In full-sync mode, offers missing from the feed are
unpublished at the end.
"""

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase, topic_of
from contracts.offers.v1 import FeedRowRejected
from kit.messaging.outbox import add_events
from offers.db import (
    content_hash,
    feed_runs,
    now_utc,
    offer_of_row,
    offers,
    outbox,
    row_of_offer,
)
from offers.domain.errors import ErrorKind, OffersError
from offers.domain.lifecycle import Offer
from offers.feed_rows import FeedFormat, RawRow
from offers.handlers import Catalog, Owner, check_publishable, new_offer
from offers.partner_payloads import PartnerOfferIn, new_content

log = structlog.get_logger(__name__)
MAX_KEPT_REJECTIONS = 1000


class FeedBusy(OffersError):
    kind = ErrorKind.CONFLICT

    def __init__(self, feed: str) -> None:
        super().__init__(
            "feed_busy", f"Le flux {feed} est déjà en cours d'import.", feed=feed
        )


@dataclass
class RunReport:
    id: uuid.UUID
    feed: str
    feed_format: FeedFormat
    full_sync: bool
    status: str = "running"
    rows_total: int | None = None
    rows_done: int = 0
    accepted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    unpublished: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    seen: set[str] = field(default_factory=set, repr=False)
    reason_codes: Counter[str] = field(default_factory=Counter, repr=False)

    def reject(
        self, row: RawRow, reason: str, code: str = "unreadable_row"
    ) -> FeedRowRejected:
        self.rejected += 1
        self.reason_codes[code] += 1
        if len(self.rejections) < MAX_KEPT_REJECTIONS:
            self.rejections.append({"row": row.number, "reason": reason})
        return FeedRowRejected(
            aggregate_id=self.feed,
            feed=self.feed,
            run_id=self.id,
            row_number=row.number,
            reason=reason[:2000],
            raw=row.raw[:20000],
        )

    def counters(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "rows_total": self.rows_total,
            "rows_done": self.rows_done,
            "accepted": self.accepted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "unpublished": self.unpublished,
            "rejections": self.rejections,
            "error": self.error,
        }


@dataclass
class Prepared:
    row: RawRow
    remote_id: str
    offer: Offer  # a new offer, ready to insert if the feed did not have it yet
    digest: str


def reason_of(exc: Exception) -> str:
    if isinstance(exc, OffersError):
        return exc.message
    if isinstance(exc, ValidationError):
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        return "Champs invalides: " + ", ".join(fields)
    return repr(exc)


def code_of(exc: Exception) -> str:
    if isinstance(exc, OffersError):
        return exc.code
    return "invalid_fields" if isinstance(exc, ValidationError) else "unreadable_row"


def batches(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class FeedRunner:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        *,
        batch_size: int = 1000,
        max_backlog: int | None = 5000,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._catalog = catalog
        self._batch_size = batch_size
        self._max_backlog = max_backlog
        self._on_commit = on_commit
        self._busy: set[str] = set()

    async def start(
        self,
        feed: str,
        *,
        feed_format: FeedFormat,
        full_sync: bool = False,
        rows_total: int | None = None,
    ) -> RunReport:
        """Registers a run; refuses a second run of a feed that is running."""
        if feed in self._busy:
            raise FeedBusy(feed)
        self._busy.add(feed)
        report = RunReport(uuid.uuid4(), feed, feed_format, full_sync)
        report.rows_total = rows_total
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(feed_runs).values(
                    id=report.id,
                    feed=feed,
                    format=feed_format,
                    full_sync=full_sync,
                    **report.counters(),
                )
            )
        return report

    async def process(self, report: RunReport, rows: Iterable[RawRow]) -> RunReport:
        try:
            for batch in batches(rows, self._batch_size):
                await self._wait_for_relay()
                await self._batch(report, batch)
            if report.full_sync:
                await self._sweep(report)
            report.status = "completed"
        except Exception as exc:
            report.status, report.error = "failed", reason_of(exc)[:2000]
            log.warning("feed_run_failed", feed=report.feed, error=report.error)
        finally:
            self._busy.discard(report.feed)
            await self._save(report, finished=True)
        counters = report.counters() | {"rejections": len(report.rejections)}
        log.info("feed_run_finished", feed=report.feed, **counters)
        return report

    async def run(
        self,
        feed: str,
        rows: Iterable[RawRow],
        *,
        feed_format: FeedFormat,
        full_sync: bool = False,
    ) -> RunReport:
        report = await self.start(feed, feed_format=feed_format, full_sync=full_sync)
        return await self.process(report, rows)

    async def _wait_for_relay(self) -> None:
        """Backpressure: a huge feed never queues more than `max_backlog` events
        ahead of other feeds' and employers' events in the (shared) outbox."""
        if self._max_backlog is None:
            return
        pending = (
            select(outbox.c.seq)
            .where(outbox.c.published_at.is_(None))
            .limit(self._max_backlog + 1)
            .subquery()
        )
        while True:
            async with self._sessions() as session:
                count = await session.scalar(select(func.count()).select_from(pending))
            if (count or 0) <= self._max_backlog:
                return
            await asyncio.sleep(0.05)

    def _prepare(self, report: RunReport, row: RawRow, now: datetime) -> Prepared:
        if row.fields is None:
            raise ValueError(row.problem)
        payload = PartnerOfferIn.model_validate(row.fields)
        remote_id = payload.remote_id
        if not remote_id:
            raise OffersError("remote_id_missing", "Identifiant remote_id manquant.")
        if remote_id in report.seen:
            raise OffersError(
                "remote_id_repeated", f"remote_id {remote_id} en double dans le flux."
            )
        report.seen.add(remote_id)
        content = new_content(payload, version=1, today=now.date())
        owner = Owner(None, source=f"feed:{report.feed}")
        offer = new_offer(content, self._catalog, owner=owner, remote_id=remote_id)
        return Prepared(row, remote_id, offer, content_hash(content))

    async def _batch(self, report: RunReport, rows: list[RawRow]) -> None:
        now = now_utc()
        prepared: list[Prepared] = []
        events: list[EventBase] = []
        for row in rows:
            try:
                prepared.append(self._prepare(report, row, now))
            except Exception as exc:  # a poison row is rejected, never fatal
                problem = row.problem if row.fields is None else reason_of(exc)
                events.append(report.reject(row, problem, code_of(exc)))
        async with self._sessions() as session, session.begin():
            existing = await self._existing(session, report, prepared)
            new: list[Offer] = []
            changed: list[Offer] = []
            for item in prepared:
                try:
                    offer = self._apply(report, item, existing.get(item.remote_id), now)
                except OffersError as exc:
                    events.append(report.reject(item.row, exc.message, exc.code))
                    continue
                if offer is not None:
                    (changed if item.remote_id in existing else new).append(offer)
                    events.extend(offer.events)
            await self._write(session, new, changed, events)
            report.rows_done += len(rows)
            await self._save(report, session=session)
        self._on_commit()

    def _apply(
        self,
        report: RunReport,
        item: Prepared,
        current: tuple[Offer, str] | None,
        now: datetime,
    ) -> Offer | None:
        if current is None:
            check_publishable(item.offer, now.date())
            item.offer.status = "published"
            item.offer.created(now=now)
            report.accepted += 1
            return item.offer
        offer, old_digest = current
        if offer.status == "removed":
            raise OffersError("offer_removed", "Cette offre a été supprimée.")
        if old_digest == item.digest and offer.status == "published":
            report.unchanged += 1
            return None
        if old_digest != item.digest:
            fresh = item.offer
            offer.edit(
                fresh.content,
                fresh.placement,
                school_year=fresh.school_year,
                sector_name=fresh.sector_name,
                now=now,
            )
        if offer.status != "published":
            check_publishable(offer, now.date())
            offer.transition("publish", now=now)
        report.updated += 1
        return offer

    async def _existing(
        self, session: AsyncSession, report: RunReport, prepared: list[Prepared]
    ) -> dict[str, tuple[Offer, str]]:
        if not prepared:
            return {}
        query = (
            select(offers)
            .where(
                offers.c.source == f"feed:{report.feed}",
                offers.c.remote_id.in_([item.remote_id for item in prepared]),
            )
            .with_for_update()
        )
        rows = await session.execute(query)
        return {row.remote_id: (offer_of_row(row), row.content_hash) for row in rows}

    async def _write(
        self,
        session: AsyncSession,
        new: list[Offer],
        changed: list[Offer],
        events: list[EventBase],
    ) -> None:
        if new:
            await copy_rows(
                session,
                offers.name,
                [row_of_offer(offer) for offer in new],
            )
        if changed:
            await save_many(session, changed)
        await copy_rows(session, outbox.name, [outbox_row(event) for event in events])

    async def _sweep(self, report: RunReport) -> None:
        """Full sync: the feed's visible offers it no longer lists are withdrawn."""
        async with self._sessions() as session, session.begin():
            rows = await session.execute(
                select(offers)
                .where(
                    offers.c.source == f"feed:{report.feed}",
                    offers.c.status.in_(("published", "needs_update")),
                )
                .with_for_update()
            )
            now = now_utc()
            gone = [
                offer_of_row(row) for row in rows if row.remote_id not in report.seen
            ]
            for offer in gone:
                offer.transition("unpublish", now=now)
            if gone:
                await save_many(session, gone)
                await add_events(session, outbox, *(e for o in gone for e in o.events))
            report.unpublished = len(gone)
        self._on_commit()

    async def _save(
        self,
        report: RunReport,
        *,
        session: AsyncSession | None = None,
        finished: bool = False,
    ) -> None:
        values = report.counters() | ({"finished_at": func.now()} if finished else {})
        statement = update(feed_runs).where(feed_runs.c.id == report.id).values(values)
        if session is not None:
            await session.execute(statement)
            return
        async with self._sessions() as own, own.begin():
            await own.execute(statement)

    async def last_runs(self, feed: str | None, *, limit: int = 20) -> list[Any]:
        query = select(feed_runs).order_by(feed_runs.c.started_at.desc()).limit(limit)
        if feed is not None:
            query = query.where(feed_runs.c.feed == feed)
        async with self._sessions() as session:
            return [row._asdict() for row in await session.execute(query)]


def outbox_row(event: EventBase) -> dict[str, Any]:
    """The columns `kit.messaging.outbox.add_events` writes, for a COPY."""
    return {
        "event_id": event.event_id,
        "topic": topic_of(event).name,
        "key": event.aggregate_id,
        "event_type": event.event_type,
        "correlation_id": event.correlation_id,
        "payload": event.model_dump_json(),
    }


async def copy_rows(
    session: AsyncSession, table: str, rows: list[dict[str, Any]]
) -> None:
    """Bulk insert with COPY, inside the session's transaction.

    A feed writes thousands of rows per batch: COPY is several times faster than
    multi-row INSERT, and the transaction stays the same.
    """
    if not rows:
        return
    columns = list(rows[0])
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    records = [
        tuple(json.dumps(v) if isinstance(v, dict) else v for v in row.values())
        for row in rows
    ]
    await driver.copy_records_to_table(table, records=records, columns=columns)


async def save_many(session: AsyncSession, changed: list[Offer]) -> None:
    rows = [row_of_offer(offer) for offer in changed]
    columns = [name for name in rows[0] if name != "id"]
    await session.execute(
        update(offers)
        .where(offers.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in columns}),
        [{f"b_{name}": value for name, value in row.items()} for row in rows],
    )
