"""Helpers shared by the service's tests and benchmark: offer events to index."""

import uuid
from typing import Any

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from contracts.common import GeoPoint
from contracts.examples import offer_snapshot
from contracts.offers.v1 import (
    OfferAddress,
    OfferPublished,
    OfferRemoved,
    OfferUnpublished,
    OfferUpdated,
)
from kit.auth import TokenVerifier
from kit.http import create_app
from search import api
from search.domain.places import gazetteer
from search.engine import OfferIndex
from search.pupils import InMemoryPupilDirectory

EVENT_TYPES = {
    "published": OfferPublished,
    "updated": OfferUpdated,
    "unpublished": OfferUnpublished,
    "removed": OfferRemoved,
}
STATUS_OF = {
    "published": "published",
    "updated": "published",
    "unpublished": "unpublished",
    "removed": "removed",
}


def address(
    city: str, postal_code: str, lat: float, lon: float, department: str | None = None
) -> OfferAddress:
    return OfferAddress(
        street="1 place de la Mairie",
        postal_code=postal_code,
        city=city,
        department_code=department or postal_code[:2],
        location=GeoPoint(lat=lat, lon=lon),
    )


def offer_event(
    kind: str = "published",
    *,
    offer_id: str | None = None,
    version: int = 1,
    **snapshot: Any,
) -> OfferPublished | OfferUpdated | OfferUnpublished | OfferRemoved:
    """An offer event; keyword arguments replace snapshot fields."""
    snapshot.setdefault("weeks", ("2027-W03", "2027-W24"))
    return EVENT_TYPES[kind](  # type: ignore[no-any-return]
        aggregate_id=offer_id or str(uuid.uuid4()),
        version=version,
        status=STATUS_OF[kind],
        offer=offer_snapshot(**snapshot),
    )


def search_app(
    client: Any,
    alias: str,
    *,
    directory: InMemoryPupilDirectory | None = None,
    verifier: TokenVerifier | None = None,
) -> FastAPI:
    """The API wired as `main` does, without the lifespan's indexer."""
    app = create_app(title="Recherche", description="tests")
    api.install(app)
    app.state.offer_index = OfferIndex(client, alias=alias)
    app.state.gazetteer = gazetteer()
    app.state.pupil_contexts = directory or InMemoryPupilDirectory()
    app.state.token_verifier = verifier
    return app


def http(app: FastAPI) -> AsyncClient:
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://search")
