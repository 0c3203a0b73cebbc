"""Tables, the offer repository and the unit of work (one transaction per command)."""

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import EventBase
from contracts.common import GeoPoint
from kit.db import make_metadata
from kit.messaging.inbox import inbox_table
from kit.messaging.outbox import add_events, outbox_table
from offers.domain.errors import DuplicateRemoteId
from offers.domain.geo import Placement
from offers.domain.lifecycle import Offer
from offers.domain.model import OfferContent, last_day

metadata = make_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

offers = Table(
    "offers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("source", String(120), nullable=False),
    Column("remote_id", String(100)),
    Column("team_id", Uuid, index=True),
    Column("content", JSONB, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("department_code", String(3), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("placement", String(30), nullable=False),
    Column("sector_name", String(150), nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("seats_taken", Integer, nullable=False, server_default="0"),
    Column("full_weeks", ARRAY(String(8)), nullable=False, server_default="{}"),
    Column("copied_from", Uuid),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), server_default=func.now()),
    UniqueConstraint("source", "remote_id", name="uq_offers_source_remote_id"),
)

# Confirmed pupils per offer and week, counted from the applications' events.
week_seats = Table(
    "week_seats",
    metadata,
    Column("offer_id", Uuid, primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("taken", Integer, nullable=False),
)

operators = Table(
    "operators",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(150), nullable=False),
    Column("email", String(250), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("api_token_hash", String(64), nullable=False, unique=True),
    Column("quota_per_minute", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)

feed_runs = Table(
    "feed_runs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("feed", String(100), nullable=False, index=True),
    Column("format", String(10), nullable=False),
    Column("full_sync", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("rows_total", Integer),
    Column("rows_done", Integer, nullable=False, server_default="0"),
    Column("accepted", Integer, nullable=False, server_default="0"),
    Column("updated", Integer, nullable=False, server_default="0"),
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("rejected", Integer, nullable=False, server_default="0"),
    Column("unpublished", Integer, nullable=False, server_default="0"),
    Column("rejections", JSON, nullable=False),
    Column("error", Text),
    Column("started_at", DateTime(timezone=True), server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
)


def row_of_offer(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "version": offer.version,
        "status": offer.status,
        "source": offer.source,
        "remote_id": offer.remote_id,
        "team_id": offer.team_id,
        "content": offer.content.model_dump(mode="json"),
        "content_hash": content_hash(offer.content),
        "department_code": offer.placement.department_code,
        "lat": offer.placement.location.lat,
        "lon": offer.placement.location.lon,
        "placement": offer.placement.precision,
        "sector_name": offer.sector_name,
        "school_year": offer.school_year,
        "last_day": last_day(offer.content.weeks),
        "seats_taken": offer.seats_taken,
        "full_weeks": list(offer.full_weeks),
        "copied_from": offer.copied_from,
    }


def offer_of_row(row: Any) -> Offer:
    return Offer(
        id=row.id,
        content=OfferContent.model_validate(row.content),
        placement=Placement(
            row.department_code, GeoPoint(lat=row.lat, lon=row.lon), row.placement
        ),
        school_year=row.school_year,
        sector_name=row.sector_name,
        source=row.source,
        status=row.status,
        version=row.version,
        team_id=row.team_id,
        remote_id=row.remote_id,
        seats_taken=row.seats_taken,
        full_weeks=tuple(row.full_weeks),
        copied_from=row.copied_from,
    )


def content_hash(content: OfferContent) -> str:
    """Fingerprint of what an offer says: a feed row that hashes the same is a no-op."""
    return hashlib.sha256(content.model_dump_json().encode()).hexdigest()


class OfferRepository(Protocol):
    async def get(self, offer_id: uuid.UUID) -> Offer | None: ...
    async def by_remote_ids(
        self, *, remote_ids: Sequence[str], source: str | None = None
    ) -> list[Offer]: ...
    async def add(self, offer: Offer) -> None: ...
    async def save(self, offer: Offer) -> None: ...
    async def of_team(self, team_id: uuid.UUID) -> list[Offer]: ...
    async def of_source(self, source: str) -> list[Offer]: ...
    async def stale(self, *, today: date) -> list[Offer]: ...


class SqlOfferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, offer_id: uuid.UUID) -> Offer | None:
        row = (
            await self._session.execute(
                select(offers).where(offers.c.id == offer_id).with_for_update()
            )
        ).one_or_none()
        return offer_of_row(row) if row else None

    async def by_remote_ids(
        self, *, remote_ids: Sequence[str], source: str | None = None
    ) -> list[Offer]:
        query = select(offers).where(offers.c.remote_id.in_(remote_ids))
        if source is not None:
            query = query.where(offers.c.source == source)
        rows = await self._session.execute(query.with_for_update())
        return [offer_of_row(row) for row in rows]

    async def add(self, offer: Offer) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(offers), [row_of_offer(offer)])
        except IntegrityError as exc:
            # Two creations with one remote_id raced past the check: same answer.
            if "uq_offers_source_remote_id" in str(exc.orig) and offer.remote_id:
                raise DuplicateRemoteId(offer.remote_id) from exc
            raise

    async def save(self, offer: Offer) -> None:
        values = row_of_offer(offer)
        await self._session.execute(
            update(offers)
            .where(offers.c.id == offer.id)
            .values(**values, updated_at=func.now())
        )

    async def of_team(self, team_id: uuid.UUID) -> list[Offer]:
        query = select(offers).where(
            offers.c.team_id == team_id, offers.c.status != "removed"
        )
        return [offer_of_row(row) for row in await self._session.execute(query)]

    async def of_source(self, source: str) -> list[Offer]:
        query = select(offers).where(
            offers.c.source == source, offers.c.status != "removed"
        )
        return [offer_of_row(row) for row in await self._session.execute(query)]

    async def stale(self, *, today: date) -> list[Offer]:
        # Locked and skipped when locked: replicas running the daily job at the
        # same time never flag one offer twice (two events with one version).
        query = (
            select(offers)
            .where(
                offers.c.status == "published",
                (offers.c.last_day < today) | (offers.c.seats_taken >= _seats()),
            )
            .with_for_update(skip_locked=True)
        )
        return [offer_of_row(row) for row in await self._session.execute(query)]


def _seats() -> Any:
    return offers.c.content["seats"].as_integer()


class UnitOfWork(Protocol):
    @property
    def offers(self) -> OfferRepository: ...

    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self, events: Sequence[EventBase]) -> None: ...


class SqlUnitOfWork:
    """One transaction; `commit` stages the events in the outbox first."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, on_commit: Any = None
    ) -> None:
        self._sessions = sessions
        self._on_commit = on_commit

    async def __aenter__(self) -> "SqlUnitOfWork":
        self.session = self._sessions()
        self.offers = SqlOfferRepository(self.session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.rollback()
        await self.session.close()

    async def commit(self, events: Sequence[EventBase]) -> None:
        await add_events(self.session, outbox, *events)
        await self.session.commit()
        if self._on_commit is not None and events:
            self._on_commit()


def now_utc() -> datetime:
    return datetime.now(UTC)
