"""Valid example identity events, for the tests of the services that consume them."""

import uuid
from datetime import date
from typing import Any

from contracts.common import GeoPoint
from contracts.identity.v1 import (
    ClassCreated,
    PupilAuthorised,
    PupilRegistered,
    SchoolListed,
    SchoolRegistered,
)


def school_listed(**overrides: Any) -> SchoolListed:
    """A valid `school.listed`; keyword arguments replace fields."""
    fields: dict[str, Any] = {
        "aggregate_id": "0930893R",
        "uai": "0930893R",
        "school_name": "Collège Jean Jaurès",
        "city": "Saint-Ouen",
        "kind": "rep_plus",
        "department_code": "93",
        "academy": "Créteil",
        "region": "Ile-de-France",
        "location": GeoPoint(lat=48.9536, lon=2.3080),
    }
    fields.update(overrides)
    return SchoolListed(**fields)


def school_registered(**overrides: Any) -> SchoolRegistered:
    """A valid `school.registered`; keyword arguments replace fields."""
    fields: dict[str, Any] = {
        "aggregate_id": "0930893R",
        "uai": "0930893R",
        "kind": "rep_plus",
        "department_code": "93",
        "academy": "Créteil",
        "region": "Ile-de-France",
        "location": GeoPoint(lat=48.9536, lon=2.3080),
        "weeks": ("2027-W03",),
        "perimeter_km": 60,
        "national_search": False,
    }
    fields.update(overrides)
    return SchoolRegistered(**fields)


def class_created(**overrides: Any) -> ClassCreated:
    """A valid `class.created`; keyword arguments replace fields."""
    class_id = overrides.pop("class_id", uuid.uuid4())
    fields: dict[str, Any] = {
        "aggregate_id": str(class_id),
        "class_id": class_id,
        "school_uai": "0930893R",
        "department_code": "93",
        "grade": "3e",
    }
    fields.update(overrides)
    return ClassCreated(**fields)


def pupil_registered(**overrides: Any) -> PupilRegistered:
    """A valid `pupil.registered`; keyword arguments replace fields."""
    user_id = overrides.pop("user_id", uuid.uuid4())
    fields: dict[str, Any] = {
        "aggregate_id": str(user_id),
        "user_id": user_id,
        "school_uai": "0930893R",
        "class_id": uuid.uuid4(),
        "department_code": "93",
        "grade": "3e",
        "gender": "f",
    }
    fields.update(overrides)
    return PupilRegistered(**fields)


def pupil_authorised(**overrides: Any) -> PupilAuthorised:
    """A valid `pupil.authorised`; keyword arguments replace fields."""
    user_id = overrides.pop("user_id", uuid.uuid4())
    fields: dict[str, Any] = {
        "aggregate_id": str(user_id),
        "user_id": user_id,
        "school_uai": "0930893R",
        "class_id": uuid.uuid4(),
        "department_code": "93",
        "grade": "3e",
        "received_on": date(2026, 11, 24),
        "recorded_by": uuid.uuid4(),
    }
    fields.update(overrides)
    return PupilAuthorised(**fields)
