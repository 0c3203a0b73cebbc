"""Test helpers shared by the unit and integration tests of the service."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from contracts import EventBase
from contracts.common import GeoPoint
from contracts.topics import OFFERS
from kit.messaging.publisher import Publisher, Record
from offers.db import outbox
from offers.domain.lifecycle import Offer
from offers.domain.model import OfferContent, last_day
from offers.geodata import geocoder, sectors
from offers.handlers import Catalog

SECTOR_ID = uuid.UUID("b7564ac4-e184-41c4-a7a9-57233a9d244a")


def catalog() -> Catalog:
    return Catalog({s.id: s.name for s in sectors()}, geocoder())


def content(**overrides: Any) -> OfferContent:
    """A valid offer for the 2026-2027 school year; keywords replace fields."""
    fields: dict[str, Any] = {
        "title": "Découverte du métier de boulanger",
        "description": "Fabrication du pain, accueil des clients.",
        "employer_name": "Boulangerie Martin",
        "siret": "89338184800017",
        "sector_id": SECTOR_ID,
        "street": "15 rue Auguste Chabrières",
        "postal_code": "75015",
        "city": "Paris",
        "location": GeoPoint(lat=48.8388, lon=2.2916),
        "weeks": ("2027-W03", "2027-W04"),
        "seats": 2,
        "grades": ("3e",),
        "daily_hours": {"lundi": ("09:00", "17:00")},
        "contact_phone": "0102030405",
    }
    fields.update(overrides)
    return OfferContent.model_validate(fields)


def _fresh(offer: Offer) -> Offer:
    """A copy without pending events, as a database row would give back."""
    return replace(offer, events=[])


@dataclass
class FakeOfferRepository:
    rows: dict[uuid.UUID, Offer] = field(default_factory=dict)

    async def get(self, offer_id: uuid.UUID) -> Offer | None:
        found = self.rows.get(offer_id)
        return _fresh(found) if found else None

    async def by_remote_ids(
        self, *, remote_ids: Sequence[str], source: str | None = None
    ) -> list[Offer]:
        return [
            _fresh(offer)
            for offer in self.rows.values()
            if offer.remote_id in remote_ids and source in (None, offer.source)
        ]

    async def add(self, offer: Offer) -> None:
        self.rows[offer.id] = _fresh(offer)

    async def save(self, offer: Offer) -> None:
        self.rows[offer.id] = _fresh(offer)

    async def of_team(self, team_id: uuid.UUID) -> list[Offer]:
        return [
            o
            for o in self.rows.values()
            if o.team_id == team_id and o.status != "removed"
        ]

    async def of_source(self, source: str) -> list[Offer]:
        return [
            o
            for o in self.rows.values()
            if o.source == source and o.status != "removed"
        ]

    async def stale(self, *, today: date) -> list[Offer]:
        return [
            _fresh(o)
            for o in self.rows.values()
            if o.status == "published"
            and (last_day(o.content.weeks) < today or o.is_full)
        ]


class FakeUnitOfWork:
    """In memory: changes are kept only when `commit` runs."""

    def __init__(self) -> None:
        self.committed = FakeOfferRepository()
        self.events: list[EventBase] = []

    async def __aenter__(self) -> "FakeUnitOfWork":
        self.offers = FakeOfferRepository(dict(self.committed.rows))
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self, events: Sequence[EventBase]) -> None:
        self.committed = self.offers
        self.events.extend(events)


@dataclass
class RenamingPublisher:
    """Sends to test topics: `offers.offer.v1` becomes `<prefix>.offers.offer.v1`,
    so tests never write to the topics other services read."""

    inner: Publisher
    prefix: str

    async def send_all(self, records: Sequence[Record]) -> None:
        await self.inner.send_all(
            [
                Record(f"{self.prefix}.{r.topic}", r.key, r.value, r.headers)
                for r in records
            ]
        )


def body(**overrides: Any) -> dict[str, Any]:
    """A valid body for POST /offers; keyword arguments replace fields."""
    fields: dict[str, Any] = {
        "title": "Découverte du métier de boulanger",
        "description": "Fabrication du pain.",
        "employer_name": "Boulangerie Martin",
        "siret": "89338184800017",
        "sector_id": "b7564ac4-e184-41c4-a7a9-57233a9d244a",
        "street": "7 Rue du Commandant Riviere",
        "postal_code": "58000",
        "city": "Nevers",
        "weeks": ["2027-W03", "2027-W04"],
        "seats": 2,
        "grades": ["3e"],
        "daily_hours": {"lundi": ["09:00", "17:00"]},
        "tutor": {"name": "Marie Martin", "role": "Gérante"},
        "contact_phone": "0102030405",
    }
    return fields | overrides


async def events_of(app: FastAPI, offer_id: str) -> list[Any]:
    """The events an offer left in the outbox, oldest first."""
    async with app.state.sessions() as session:
        rows = await session.execute(
            select(outbox.c.payload)
            .where(outbox.c.key == offer_id)
            .order_by(outbox.c.seq)
        )
        return [OFFERS.parse(payload) for (payload,) in rows]
