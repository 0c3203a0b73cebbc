"""Helpers shared by the service's tests and benchmark: events of every feed."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from contracts.applications.v1 import (
    APPLICATION_EVENTS,
    ApplicationEvent,
    ApplicationFacts,
    ApplicationStatus,
)
from contracts.common import GeoPoint
from contracts.examples import offer_snapshot
from contracts.identity.v1 import (
    SchoolPerimeterChanged,
    SchoolRegistered,
    SchoolWeeksChanged,
)
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


T0 = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    """A moment of the test day: events are ordered by the minutes given."""
    return T0 + dt.timedelta(minutes=minutes)


def school_registered(
    uai: str,
    *,
    location: tuple[float, float],
    weeks: tuple[str, ...] = (),
    perimeter_km: int = 60,
    national_search: bool = False,
    minute: int = 0,
) -> SchoolRegistered:
    return SchoolRegistered(
        aggregate_id=uai,
        occurred_at=at(minute),
        uai=uai,
        kind="rep",
        department_code="35",
        academy="Rennes",
        region="Bretagne",
        location=GeoPoint(lat=location[0], lon=location[1]),
        weeks=weeks,
        perimeter_km=perimeter_km,
        national_search=national_search,
    )


def weeks_changed(
    uai: str, weeks: tuple[str, ...], *, minute: int
) -> SchoolWeeksChanged:
    return SchoolWeeksChanged(
        aggregate_id=uai, occurred_at=at(minute), uai=uai, weeks=weeks
    )


def perimeter_changed(
    uai: str, *, perimeter_km: int = 60, national_search: bool, minute: int
) -> SchoolPerimeterChanged:
    return SchoolPerimeterChanged(
        aggregate_id=uai,
        occurred_at=at(minute),
        uai=uai,
        perimeter_km=perimeter_km,
        national_search=national_search,
    )


APPLICATION_EVENT_OF: dict[str, Callable[..., ApplicationEvent]] = {
    event.model_fields["event_type"].default: event for event in APPLICATION_EVENTS
}


def application_event(
    event_type: str,
    status: ApplicationStatus,
    *,
    application_id: uuid.UUID,
    pupil_id: uuid.UUID,
    offer_id: str,
    minute: int,
) -> ApplicationEvent:
    """`event_type` without its `application.` prefix, e.g. `rejected`."""
    facts = ApplicationFacts(
        pupil_id=pupil_id,
        offer_id=uuid.UUID(offer_id),
        weeks=("2027-W03",),
        school_year=2026,
        sector_id=uuid.uuid4(),
        offer_department_code="35",
        is_public=False,
        school_uai="0350044H",
        school_department_code="35",
        grade="3e",
        gender="f",
    )
    return APPLICATION_EVENT_OF[f"application.{event_type}"](
        aggregate_id=str(application_id),
        occurred_at=at(minute),
        application=facts,
        status=status,
        previous_status=None,
        actor="pupil",
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
