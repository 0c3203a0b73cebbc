"""Payloads of the partner API (v1 and v2 contracts) and their mapping to offers."""

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from contracts.common import GeoPoint
from offers.domain.errors import InvalidOffer, OffersError
from offers.domain.lifecycle import Offer
from offers.domain.model import OfferContent, school_year_of
from offers.geodata import geocoder, sectors

GRADES = {"seconde": "2de", "troisieme": "3e", "quatrieme": "4e"}
PARTNER_GRADES = {value: key for key, value in GRADES.items()}
REQUIRED = {
    1: ("title", "employer_name", "city", "weeks", "remote_id", "is_public"),
    2: ("title", "employer_name", "city", "period", "remote_id", "is_public"),
}
DESCRIPTION_MAX = {1: 500, 2: 1500}


class BadArgument(OffersError):
    """The request itself is malformed (422 `BAD_ARGUMENT` in the contracts)."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__("bad_argument", message, **details)


class Coordinates(BaseModel):
    latitude: float = Field(ge=-90, le=90, examples=[48.866667])
    longitude: float = Field(ge=-180, le=180, examples=[2.333333])


class SectorRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int | None = None
    sector_uuid: str | None = None
    name: str | None = None


SectorField = SectorRef | uuid.UUID | int | str


class PartnerOfferIn(BaseModel):
    """An offer as partners send it (every field optional for PATCH)."""

    model_config = ConfigDict(extra="ignore")

    remote_id: str | None = Field(default=None, min_length=1, max_length=100)
    title: str | None = None
    description: str | None = None
    employer_name: str | None = None
    employer_description: str | None = Field(default=None, max_length=275)
    employer_website: str | None = None
    street: str | None = None
    city: str | None = None
    zipcode: str | None = None
    coordinates: Coordinates | None = None
    weeks: list[str] | None = None
    period: Literal[0, 1, 2] | None = None
    max_candidates: int | None = None
    is_public: bool | None = None
    sector_id: SectorField | None = None
    sector_uuid: SectorField | None = None
    permalink: str | None = None
    lunch_break: str | None = None
    daily_hours: dict[str, list[str]] | None = None
    handicap_accessible: bool | None = None
    rep: bool | None = None
    qpv: bool | None = None
    grades: list[Literal["seconde", "troisieme", "quatrieme"]] | None = None
    siret: str | None = None
    ministry: str | None = None
    published_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        # The predecessor's clients send {"internship_offer": {...}}; the
        # contracts show the bare object. Both are accepted.
        if isinstance(data, dict) and isinstance(data.get("internship_offer"), dict):
            return data["internship_offer"]
        return data


def _sector(value: SectorField) -> uuid.UUID:
    known = sectors()
    if isinstance(value, SectorRef):
        value = value.sector_uuid or value.id or ""
    if isinstance(value, int) and 1 <= value <= len(known):
        return known[value - 1].id
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise InvalidOffer(
            "sector_unknown", f"Secteur « {value} » absent de la liste des secteurs."
        ) from exc


def seconde_weeks(period: int, today: date) -> tuple[str, ...]:
    """The two June weeks of seconde: the second ends the last Friday of June."""
    year = school_year_of(today) + 1
    friday = date(year, 6, 30)
    while friday.weekday() != 4:
        friday -= timedelta(days=1)
    weeks = [friday - timedelta(days=7), friday]
    chosen = {0: weeks, 1: weeks[:1], 2: weeks[1:]}[period]
    return tuple(f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in chosen)


DIRECT = {
    "title": "title",
    "description": "description",
    "employer_name": "employer_name",
    "employer_description": "employer_description",
    "employer_website": "employer_website",
    "street": "street",
    "city": "city",
    "zipcode": "postal_code",
    "max_candidates": "seats",
    "is_public": "is_public",
    "permalink": "permalink",
    "lunch_break": "lunch_break",
    "handicap_accessible": "accessible",
    "rep": "rep",
    "qpv": "qpv",
    "siret": "siret",
    "ministry": "ministry",
}


def changes_of(payload: PartnerOfferIn, *, version: int, today: date) -> dict[str, Any]:
    """The offer fields a payload sets (only those it carries)."""
    given = payload.model_fields_set
    fields = {
        target: getattr(payload, name)
        for name, target in DIRECT.items()
        if name in given
    }
    if payload.coordinates is not None:
        point = payload.coordinates
        fields["location"] = {"lat": point.latitude, "lon": point.longitude}
    elif {"zipcode", "city"} & given:
        fields["location"] = None  # the address moved: place it again
    sector = payload.sector_uuid or payload.sector_id
    if sector is not None:
        fields["sector_id"] = _sector(sector)
    if payload.weeks is not None:
        fields["weeks"] = tuple(payload.weeks)
    elif payload.period is not None:
        fields["weeks"] = seconde_weeks(payload.period, today)
    if payload.grades is not None:
        fields["grades"] = tuple(GRADES[grade] for grade in payload.grades)
    if payload.daily_hours is not None:
        fields["daily_hours"] = {
            day: tuple(hours[:2]) for day, hours in payload.daily_hours.items()
        }
    if len(fields.get("description") or "") > DESCRIPTION_MAX[version]:
        raise BadArgument(
            f"La description dépasse {DESCRIPTION_MAX[version]} caractères."
        )
    return fields


def new_content(payload: PartnerOfferIn, *, version: int, today: date) -> OfferContent:
    missing = [name for name in REQUIRED[version] if getattr(payload, name) is None]
    if payload.weeks is not None and "period" in missing:
        missing.remove("period")  # v2 partners may give the weeks themselves
    if payload.sector_id is None and payload.sector_uuid is None:
        missing.append("sector_uuid" if version == 2 else "sector_id")
    if missing:
        raise BadArgument(
            "Paramètres manquants: " + ", ".join(missing), missing=missing
        )
    fields = {"grades": ("3e",) if version == 1 else ("2de",)} | changes_of(
        payload, version=version, today=today
    )
    if not fields.get("postal_code") and fields.get("location"):
        location = GeoPoint.model_validate(fields["location"])
        fields["postal_code"] = geocoder().nearest(location)
    return validated(fields)


def merged(
    current: OfferContent, payload: PartnerOfferIn, *, version: int, today: date
) -> OfferContent:
    changes = changes_of(payload, version=version, today=today)
    return validated(current.model_dump() | changes)


@dataclass(frozen=True)
class Patch:
    """What a PATCH asks: new content (if any field is given), publication."""

    merge: Callable[[OfferContent], OfferContent] | None
    published: bool | None


def patch_of(payload: PartnerOfferIn, *, version: int, today: date) -> Patch:
    given = payload.model_fields_set

    def merge(current: OfferContent) -> OfferContent:
        return merged(current, payload, version=version, today=today)

    published = (payload.published_at is not None) if "published_at" in given else None
    return Patch(merge if given - {"published_at"} else None, published)


def validated(fields: dict[str, Any]) -> OfferContent:
    try:
        return OfferContent.model_validate(fields)
    except ValidationError as exc:
        problems = [
            ".".join(str(part) for part in error["loc"]) for error in exc.errors()
        ]
        raise BadArgument(
            "Paramètres invalides: " + ", ".join(problems), fields=problems
        ) from exc


class PartnerOfferOut(BaseModel):
    remote_id: str | None
    title: str
    description: str
    employer_name: str
    employer_description: str
    employer_website: str | None
    street: str
    zipcode: str
    city: str
    coordinates: Coordinates
    weeks: list[str]
    grades: list[str]
    max_candidates: int
    is_public: bool
    sector_uuid: uuid.UUID
    permalink: str | None
    status: str
    version: int

    @classmethod
    def of(cls, offer: Offer) -> "PartnerOfferOut":
        content = offer.content
        return cls(
            remote_id=offer.remote_id,
            title=content.title,
            description=content.description,
            employer_name=content.employer_name,
            employer_description=content.employer_description,
            employer_website=content.employer_website,
            street=content.street,
            zipcode=content.postal_code,
            city=content.city,
            coordinates=Coordinates(
                latitude=offer.placement.location.lat,
                longitude=offer.placement.location.lon,
            ),
            weeks=list(content.weeks),
            grades=[PARTNER_GRADES[grade] for grade in content.grades],
            max_candidates=content.seats,
            is_public=content.is_public,
            sector_uuid=content.sector_id,
            permalink=content.permalink,
            status=offer.status,
            version=offer.version,
        )


def distance_m(a: GeoPoint, b: GeoPoint) -> float:
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))
