"""Offline placement: coordinates from a postal code or a city, never a remote call.

The places come from the public schools files (collèges and lycées carry postal
codes, cities and coordinates); `offers.geodata` derives them once.
"""

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from contracts.common import GeoPoint
from contracts.offers.v1 import LocationPrecision
from offers.domain.errors import InvalidOffer

# Measured on the shipped places: neighbouring codes at most 5 apart lie a median
# 2-3 km from each other; 10 apart (two offices ending in 0) a median 25 km.
NEARBY_SPAN = 5


@dataclass(frozen=True)
class Placement:
    department_code: str
    location: GeoPoint
    precision: LocationPrecision


@dataclass(frozen=True)
class Place:
    postal_code: str
    city: str
    lat: float
    lon: float


def department_of(postal_code: str) -> str:
    if postal_code.startswith("97") or postal_code.startswith("98"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if postal_code < "20200" else "2B"
    return postal_code[:2]


def normalize_city(city: str) -> str:
    """Upper case, no accents, no punctuation, 'ST' for 'SAINT', no arrondissement."""
    text = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()
    text = re.sub(r"\bSAINTE\b", "STE", re.sub(r"\bSAINT\b", "ST", text))
    text = re.sub(r"\b(CEDEX|\d+E?R?|ARRONDISSEMENT)\b", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _centre(places: list[Place]) -> GeoPoint:
    return GeoPoint(
        lat=round(sum(place.lat for place in places) / len(places), 5),
        lon=round(sum(place.lon for place in places) / len(places), 5),
    )


class Geocoder:
    """Finds a point for a city or a postal code of the schools' places, else for a
    neighbouring code, else the centre of the intercommunality (`areas`)."""

    def __init__(
        self, places: Iterable[Place], areas: Mapping[str, GeoPoint] | None = None
    ) -> None:
        self._areas = dict(areas or {})
        by_code: dict[str, list[Place]] = {}
        by_city: dict[tuple[str, str], list[Place]] = {}
        for place in places:
            by_code.setdefault(place.postal_code, []).append(place)
            key = (department_of(place.postal_code), normalize_city(place.city))
            by_city.setdefault(key, []).append(place)
        self._by_code = {code: _centre(found) for code, found in by_code.items()}
        self._by_city = {key: _centre(found) for key, found in by_city.items()}
        self._codes = sorted(self._by_code)

    def _nearby_code(self, postal_code: str, department: str) -> str | None:
        # Close codes of one department are usually offices of the same area.
        index = bisect.bisect_left(self._codes, postal_code)
        candidates = [
            code
            for code in self._codes[max(index - 1, 0) : index + 1]
            if department_of(code) == department
            and abs(int(code) - int(postal_code)) <= NEARBY_SPAN
        ]
        return min(
            candidates, key=lambda c: abs(int(c) - int(postal_code)), default=None
        )

    def centres(self) -> dict[str, GeoPoint]:
        """The known postal codes and their centres."""
        return dict(self._by_code)

    def nearest(self, location: GeoPoint) -> str:
        """The known postal code closest to a point (for partners who send none)."""
        return min(
            self._by_code,
            key=lambda code: (
                (self._by_code[code].lat - location.lat) ** 2
                + (self._by_code[code].lon - location.lon) ** 2
            ),
        )

    def __len__(self) -> int:
        return len(self._by_code)

    def place(
        self, *, postal_code: str, city: str, location: GeoPoint | None
    ) -> Placement:
        department = department_of(postal_code)
        if location is not None:
            if location.lat == 0 and location.lon == 0:
                raise InvalidOffer(
                    "location_invalid", "Les coordonnées (0, 0) ne sont pas en France."
                )
            return Placement(department, location, "given")
        city_point = self._by_city.get((department, normalize_city(city)))
        if city_point is not None:
            return Placement(department, city_point, "city")
        code_point = self._by_code.get(postal_code)
        if code_point is not None:
            return Placement(department, code_point, "postal_code")
        near = self._nearby_code(postal_code, department)
        if near is not None:
            return Placement(department, self._by_code[near], "nearby_postal_code")
        area = self._areas.get(postal_code)
        if area is not None:
            return Placement(department, area, "intercommunality")
        raise InvalidOffer(
            "address_not_placed",
            f"Adresse introuvable: ni le code postal {postal_code} ni la commune "
            f"« {city} » ne sont connus; indiquez les coordonnées.",
            postal_code=postal_code,
            city=city,
        )
