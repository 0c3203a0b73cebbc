"""What an offer says: its content, checked, and the rules of the school year."""

from datetime import date, timedelta
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.common import GeoPoint, Grade, IsoWeek, Uai
from contracts.offers.v1 import GroupKind, Weekday
from offers.domain.errors import InvalidOffer

Hour = Annotated[str, StringConstraints(pattern=r"^([01]?\d|2[0-3])[:h][0-5]\d$")]


class Tutor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    role: str = Field(default="", max_length=150)
    email: str = Field(default="", max_length=250)
    phone: str = Field(default="", max_length=20)


class OfferContent(BaseModel):
    """Everything an employer writes about an offer (placement comes after)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=150)
    description: str = Field(default="", max_length=1500)
    employer_name: str = Field(min_length=1, max_length=150)
    employer_description: str = Field(default="", max_length=1500)
    employer_website: str | None = Field(default=None, max_length=300)
    siret: str | None = Field(default=None, pattern=r"^\d{14}$")
    is_public: bool = False
    ministry: str | None = Field(default=None, max_length=150)
    sector_id: UUID
    street: str = Field(default="", max_length=300)
    postal_code: str = Field(pattern=r"^\d{5}$")
    city: str = Field(min_length=1, max_length=120)
    location: GeoPoint | None = None
    weeks: tuple[IsoWeek, ...] = Field(min_length=1)
    seats: int = Field(default=1, ge=1, le=200)
    group_kind: GroupKind = "individual"
    group_size: int = Field(default=1, ge=1, le=200)
    grades: tuple[Grade, ...] = Field(min_length=1)
    reserved_school_uais: tuple[Uai, ...] = ()
    rep: bool = False
    qpv: bool = False
    remote: bool = False
    accessible: bool = False
    daily_hours: dict[Weekday, tuple[Hour, Hour]] | None = None
    weekly_hours: tuple[Hour, Hour] | None = None
    lunch_break: str | None = Field(default=None, max_length=250)
    tutor: Tutor | None = None
    contact_phone: str | None = Field(default=None, pattern=r"^0\d{9}$")
    permalink: str | None = Field(default=None, max_length=500)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_ok(siret: str) -> bool:
    """Luhn on the 14 digits; La Poste's establishments use a digit sum instead."""
    if siret.startswith("356000000"):
        return sum(int(char) for char in siret) % 5 == 0
    return luhn_ok(siret)


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def school_year_of(day: date) -> int:
    """School years switch on 1 July: 2026 means 2026-2027."""
    return day.year if day.month >= 7 else day.year - 1


def next_year_week(week: str) -> str:
    """The same ISO week number one school year later (W53 falls back to W52)."""
    year, number = week.split("-W")
    target_year = int(year) + 1
    week_number = int(number)
    if week_number == 53 and date(target_year, 12, 28).isocalendar()[1] < 53:
        week_number = 52
    return f"{target_year}-W{week_number:02d}"


def last_day(weeks: tuple[str, ...]) -> date:
    return week_monday(max(weeks, key=week_monday)) + timedelta(days=4)


def check_content(
    content: OfferContent, *, sector_ids: frozenset[UUID], strict: bool = True
) -> int:
    """Checks the rules across fields; returns the offer's school year.

    Partners and feeds (`strict=False`) may leave out a public host's ministry,
    the hours and the contact phone: their contracts never required them.
    """
    if content.siret and not siret_ok(content.siret):
        raise InvalidOffer("siret_invalid", "Le SIRET est invalide (clé de contrôle).")
    if strict and content.is_public and not content.ministry:
        raise InvalidOffer(
            "ministry_required", "Une structure publique doit indiquer son ministère."
        )
    if not content.is_public and content.ministry:
        raise InvalidOffer(
            "ministry_forbidden", "Seule une structure publique a un ministère."
        )
    if strict:
        _check_practical(content)
    if content.sector_id not in sector_ids:
        raise InvalidOffer("sector_unknown", "Ce secteur d'activité n'existe pas.")
    _check_group(content)
    return _check_weeks(content.weeks)


def _check_practical(content: OfferContent) -> None:
    if not (content.daily_hours or content.weekly_hours):
        raise InvalidOffer(
            "hours_required", "Indiquez les horaires, par jour ou pour la semaine."
        )
    if not content.contact_phone:
        raise InvalidOffer(
            "contact_phone_required", "Indiquez un téléphone de contact (10 chiffres)."
        )


def _check_group(content: OfferContent) -> None:
    if content.group_kind == "individual" and content.group_size != 1:
        raise InvalidOffer(
            "group_size_invalid", "Un stage individuel accueille un élève par groupe."
        )
    if content.group_kind == "collective" and not (
        2 <= content.group_size <= content.seats
    ):
        raise InvalidOffer(
            "group_size_invalid",
            "Un stage collectif accueille de 2 élèves au nombre de places par groupe.",
        )


def _check_weeks(weeks: tuple[str, ...]) -> int:
    try:
        years = {school_year_of(week_monday(week)) for week in weeks}
    except ValueError as exc:
        raise InvalidOffer("week_invalid", "Une semaine n'existe pas.") from exc
    if len(years) != 1:
        raise InvalidOffer(
            "weeks_span_school_years",
            "Les semaines doivent appartenir à une seule année scolaire.",
        )
    for week in weeks:
        monday = week_monday(week)
        if monday.month == 8 or (monday.month == 7 and monday.day > 7):
            raise InvalidOffer(
                "week_in_holidays",
                f"La semaine {week} tombe pendant les vacances d'été.",
            )
    return years.pop()
