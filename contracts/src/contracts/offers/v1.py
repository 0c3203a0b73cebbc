"""Events of the offer aggregate, version 1 (topic `offers.offer.v1`).

Every event carries the full searchable snapshot of the offer and its version, so
that a consumer can rebuild its view from the latest event alone.
"""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.common import GeoPoint, Grade, IsoWeek, Uai
from contracts.envelope import EventBase, Frozen, event_type_field

OfferStatus = Literal["draft", "published", "unpublished", "needs_update", "removed"]
GroupKind = Literal["individual", "collective"]
LocationPrecision = Literal[
    "given", "city", "postal_code", "nearby_postal_code", "intercommunality"
]
Weekday = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]


class OfferAddress(Frozen):
    """Where the internship takes place."""

    street: str = Field(
        max_length=300,
        description="Street and number.",
        examples=["15 rue Auguste Chabrières"],
    )
    postal_code: str = Field(
        pattern=r"^\d{5}$", description="French postal code.", examples=["75015"]
    )
    city: str = Field(
        min_length=1, max_length=120, description="City.", examples=["Paris"]
    )
    department_code: str = Field(
        pattern=r"^(\d{2,3}|2A|2B)$",
        description="Department code (2 or 3 characters, 2A/2B for Corsica).",
        examples=["75"],
    )
    location: GeoPoint = Field(description="Coordinates of the address.")
    location_precision: LocationPrecision = Field(
        default="given",
        description=(
            "How the coordinates were found: given by the host, or placed offline "
            "from the city, the postal code, a neighbouring postal code, or the "
            "centre of the known places of the commune's intercommunality."
        ),
        examples=["city"],
    )


class OfferSnapshot(Frozen):
    """Everything a reader needs to know about an offer, at one version."""

    title: str = Field(
        min_length=1,
        max_length=150,
        description="Title.",
        examples=["Découverte du métier de boulanger"],
    )
    description: str = Field(
        max_length=5000,
        description="What the pupil will observe.",
        examples=["Fabrication du pain, accueil des clients."],
    )
    employer_name: str = Field(
        min_length=1,
        max_length=150,
        description="Host organisation.",
        examples=["Boulangerie Martin"],
    )
    siret: str | None = Field(
        default=None,
        pattern=r"^\d{14}$",
        description="SIRET of the host.",
        examples=["89338184800017"],
    )
    is_public: bool = Field(description="Public sector host.", examples=[False])
    ministry: str | None = Field(
        default=None,
        max_length=150,
        description="For a public host, the ministry it belongs to (tutelle).",
        examples=["Ministère des Armées"],
    )
    sector_id: UUID = Field(
        description="ONISEP sector id.",
        examples=["b7564ac4-e184-41c4-a7a9-57233a9d244a"],
    )
    sector_name: str = Field(description="ONISEP sector name.", examples=["Mode"])
    address: OfferAddress = Field(description="Where the internship takes place.")
    weeks: tuple[IsoWeek, ...] = Field(
        description="Weeks the offer is open for.", examples=[["2027-W03", "2027-W24"]]
    )
    seats: int = Field(
        ge=1, le=200, description="Pupils the host takes per week.", examples=[2]
    )
    grades: tuple[Grade, ...] = Field(
        min_length=1, description="Grades the offer is for.", examples=[["3e"]]
    )
    reserved_school_uais: tuple[Uai, ...] = Field(
        default=(),
        description="When set, only pupils of these schools may apply.",
        examples=[["0350044H"]],
    )
    remote: bool = Field(
        default=False, description="Done at a distance.", examples=[False]
    )
    accessible: bool = Field(
        default=False,
        description="Accessible to pupils with a disability.",
        examples=[True],
    )
    school_year: int = Field(
        ge=2020,
        le=2100,
        description="First calendar year of the school year (2026 for 2026-2027).",
        examples=[2026],
    )
    updated_at: AwareDatetime = Field(
        description="When this version was written.", examples=["2026-11-24T09:30:00Z"]
    )
    employer_description: str = Field(
        default="",
        max_length=1500,
        description="What the host organisation does.",
        examples=["Boulangerie artisanale de quartier."],
    )
    employer_website: str | None = Field(
        default=None,
        max_length=300,
        description="Website of the host.",
        examples=["https://boulangerie-martin.fr"],
    )
    group_kind: GroupKind = Field(
        default="individual",
        description="Individual internship, or pupils hosted together as a group.",
        examples=["individual"],
    )
    group_size: int = Field(
        default=1,
        ge=1,
        le=200,
        description="Pupils per group (1 for an individual internship).",
        examples=[1],
    )
    rep: bool = Field(
        default=False,
        description="Reserved to pupils of REP/REP+ collèges.",
        examples=[False],
    )
    qpv: bool = Field(
        default=False,
        description="Reserved to lycéens living in or near a QPV.",
        examples=[False],
    )
    daily_hours: dict[Weekday, tuple[str, str]] | None = Field(
        default=None,
        description="Opening and closing time per weekday (HH:MM).",
        examples=[{"lundi": ["09:00", "17:00"]}],
    )
    weekly_hours: tuple[str, str] | None = Field(
        default=None,
        description="Same hours every day of the week (HH:MM), when not per day.",
        examples=[["09:00", "17:00"]],
    )
    lunch_break: str | None = Field(
        default=None,
        max_length=250,
        description="How lunch is organised.",
        examples=["12h-13h30, cantine de l'entreprise"],
    )
    permalink: str | None = Field(
        default=None,
        max_length=500,
        description="For offers of a partner, the page where pupils apply.",
        examples=["https://partenaire.example/offres/123"],
    )
    source: str = Field(
        default="employer",
        max_length=100,
        description="Where the offer comes from: `employer`, `api` or `feed:<name>`.",
        examples=["employer"],
    )
    team_id: UUID | None = Field(
        default=None,
        description=(
            "The employer team that manages the offer and decides on its applications "
            "(an employer without a team is a team of one: their own user id)."
        ),
        examples=["5d1c9a4e-2b3f-4c6d-8e7f-9a0b1c2d3e4f"],
    )
    contact_email: str | None = Field(
        default=None,
        max_length=250,
        description=(
            "Where the employer hears about applications (the tutor's address): "
            "new applications, reminders. Never shown to pupils."
        ),
        examples=["tuteur@boulangerie-martin.fr"],
    )
    full_weeks: tuple[IsoWeek, ...] = Field(
        default=(),
        description="Weeks on which every seat is taken by a confirmed pupil.",
        examples=[["2027-W03"]],
    )


class _OfferEvent(EventBase):
    version: int = Field(
        ge=1,
        description="Version of the offer after this change; grows by one per change.",
        examples=[3],
    )
    status: OfferStatus = Field(
        description="Status after the change.", examples=["published"]
    )
    offer: OfferSnapshot = Field(description="The offer after the change.")


class OfferPublished(_OfferEvent):
    """An offer became visible to pupils."""

    event_type: Literal["offer.published"] = event_type_field("offer.published")


class OfferUpdated(_OfferEvent):
    """An offer's content changed; its status did not."""

    event_type: Literal["offer.updated"] = event_type_field("offer.updated")


class OfferUnpublished(_OfferEvent):
    """An offer was withdrawn from search, by its employer or a full-sync feed."""

    event_type: Literal["offer.unpublished"] = event_type_field("offer.unpublished")


class OfferDrafted(_OfferEvent):
    """An offer was written as a draft (created, duplicated or renewed); not visible."""

    event_type: Literal["offer.drafted"] = event_type_field("offer.drafted")


class OfferRemoved(_OfferEvent):
    """An offer was deleted (kept for statistics, never shown again)."""

    event_type: Literal["offer.removed"] = event_type_field("offer.removed")


class FeedRowRejected(EventBase):
    """A row of a ministry or operator feed could not be read (a poison row)."""

    event_type: Literal["offer_feed.row_rejected"] = event_type_field(
        "offer_feed.row_rejected"
    )
    feed: str = Field(
        min_length=1, max_length=100, description="Feed name.", examples=["armees"]
    )
    run_id: UUID = Field(
        description="Run of the feed.",
        examples=["3f2b8c0e-9d6a-4f0e-8f3b-2a1c0d9e8f7a"],
    )
    row_number: int = Field(
        ge=1, description="Line number in the feed (1 = first row).", examples=[42]
    )
    reason: str = Field(
        max_length=2000,
        description="Why the row was rejected, in French.",
        examples=["SIRET invalide"],
    )
    raw: str = Field(
        max_length=20000,
        description="The row as received.",
        examples=['{"remote_id": "A1"}'],
    )


OFFER_EVENTS = (
    OfferPublished,
    OfferUpdated,
    OfferUnpublished,
    OfferRemoved,
    OfferDrafted,
)

__all__ = [
    "OFFER_EVENTS",
    "FeedRowRejected",
    "GroupKind",
    "LocationPrecision",
    "OfferAddress",
    "OfferDrafted",
    "OfferPublished",
    "OfferRemoved",
    "OfferSnapshot",
    "OfferStatus",
    "OfferUnpublished",
    "OfferUpdated",
    "Weekday",
]
