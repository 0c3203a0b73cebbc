"""From an offer event to the document the index keeps for it."""

from dataclasses import dataclass
from typing import Any

from contracts.offers.v1 import OfferSnapshot, OfferStatus

SEARCHABLE_STATUSES: frozenset[OfferStatus] = frozenset({"published"})


@dataclass(frozen=True)
class IndexAction:
    """Write `document` as offer `offer_id` at `version` (external versioning)."""

    offer_id: str
    version: int
    document: dict[str, Any]


def to_action(
    *, offer_id: str, version: int, status: OfferStatus, offer: OfferSnapshot
) -> IndexAction:
    """An offer that left search is kept as a hidden stub rather than deleted: a
    delete's version is forgotten after a while, and an older event replayed later
    would then bring the offer back."""
    if status not in SEARCHABLE_STATUSES:
        return IndexAction(offer_id, version, {"offer_id": offer_id, "visible": False})
    return IndexAction(offer_id, version, offer_document(offer_id, status, offer))


def offer_document(
    offer_id: str, status: OfferStatus, offer: OfferSnapshot
) -> dict[str, Any]:
    address = offer.address
    weeks = sorted(set(offer.weeks))
    full = set(offer.full_weeks)
    open_weeks = [week for week in weeks if week not in full]
    return {
        "offer_id": offer_id,
        "visible": True,
        "status": status,
        "title": offer.title,
        "description": offer.description,
        "employer_name": offer.employer_name,
        "is_public": offer.is_public,
        "sector_id": str(offer.sector_id),
        "sector_name": offer.sector_name,
        "sector_facet": f"{offer.sector_id}|{offer.sector_name}",
        "city": address.city,
        "postal_code": address.postal_code,
        "department_code": address.department_code,
        "location": {"lat": address.location.lat, "lon": address.location.lon},
        "weeks": weeks,
        "full_weeks": [week for week in weeks if week in full],
        # Weeks with a seat left; the last one says whether the offer is over
        # (past, or full on every week to come).
        "open_weeks": open_weeks,
        "last_open_week": open_weeks[-1] if open_weeks else None,
        "grades": list(offer.grades),
        "seats": offer.seats,
        "reserved_school_uais": list(offer.reserved_school_uais),
        "remote": offer.remote,
        "accessible": offer.accessible,
        "school_year": offer.school_year,
        "updated_at": offer.updated_at.isoformat(),
    }
