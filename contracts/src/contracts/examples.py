"""Valid example events, for tests and documentation."""

import uuid
from datetime import UTC, datetime
from typing import Any

from contracts.common import GeoPoint
from contracts.offers.v1 import OfferAddress, OfferPublished, OfferSnapshot


def offer_snapshot(**overrides: Any) -> OfferSnapshot:
    """A valid offer snapshot; keyword arguments replace fields."""
    fields: dict[str, Any] = {
        "title": "Découverte du métier de boulanger",
        "description": "Fabrication du pain, accueil des clients.",
        "employer_name": "Boulangerie Martin",
        "siret": "89338184800017",
        "is_public": False,
        "sector_id": uuid.UUID("b7564ac4-e184-41c4-a7a9-57233a9d244a"),
        "sector_name": "Mode",
        "address": OfferAddress(
            street="15 rue Auguste Chabrières",
            postal_code="75015",
            city="Paris",
            department_code="75",
            location=GeoPoint(lat=48.8388, lon=2.2916),
        ),
        "weeks": ("2027-W03",),
        "seats": 2,
        "grades": ("3e",),
        "school_year": 2026,
        "updated_at": datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
    }
    fields.update(overrides)
    return OfferSnapshot(**fields)


def offer_published(**overrides: Any) -> OfferPublished:
    """A valid `offer.published` event; keyword arguments replace fields."""
    fields: dict[str, Any] = {
        "aggregate_id": str(uuid.uuid4()),
        "version": 1,
        "status": "published",
        "offer": offer_snapshot(),
    }
    fields.update(overrides)
    return OfferPublished(**fields)
