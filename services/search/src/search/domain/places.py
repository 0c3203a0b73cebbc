"""Offline resolution of a city, a postal code or a school to a position."""

import csv
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from search.domain.errors import PlaceNotFound


@dataclass(frozen=True)
class Place:
    city: str
    postal_code: str
    department_code: str
    lat: float
    lon: float


def normalize(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: 'Saint-Étienne'
    and 'saint etienne' are the same city."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


class Gazetteer:
    """Cities by postal code and by name, from the committed `places.csv`."""

    def __init__(self, places: list[Place]) -> None:
        self._by_postal: dict[str, list[Place]] = defaultdict(list)
        self._by_name: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            self._by_postal[place.postal_code].append(place)
            self._by_name[normalize(place.city)].append(place)
        self._names = sorted(self._by_name)

    def resolve(self, text: str) -> Place:
        """A place from '35000', 'Rennes' or 'Rennes 35000'.

        Raises:
            PlaceNotFound: nothing matches.
        """
        words = text.split()
        postal = next((w for w in words if w.isdigit() and len(w) == 5), None)
        name = normalize(" ".join(w for w in words if w != postal))
        candidates = self._by_postal.get(postal, []) if postal else []
        if name:
            named = self._by_name.get(name, [])
            candidates = [p for p in candidates if p in named] or (
                [] if candidates else named
            )
        if not candidates:
            raise PlaceNotFound(f"Lieu introuvable: « {text} ».")
        return _main_place(candidates)

    def complete(self, prefix: str, *, limit: int = 10) -> list[Place]:
        """Cities whose name or postal code starts with `prefix`."""
        wanted = normalize(prefix)
        if not wanted:
            return []
        if wanted.isdigit():
            codes = sorted(c for c in self._by_postal if c.startswith(wanted))
            return [self._by_postal[c][0] for c in codes[:limit]]
        names = [n for n in self._names if n.startswith(wanted)]
        names.sort(key=lambda n: (len(self._by_name[n]) < 3, n))
        return [_main_place(self._by_name[n]) for n in names[:limit]]


def _main_place(candidates: list[Place]) -> Place:
    """Several entries share a name (CEDEX codes, homonyms): take the department
    with most entries, then its lowest postal code, at their mean position."""
    by_department: dict[str, list[Place]] = defaultdict(list)
    for place in candidates:
        by_department[place.department_code].append(place)
    group = max(by_department.values(), key=len)
    first = min(group, key=lambda p: p.postal_code)
    return Place(
        city=first.city,
        postal_code=first.postal_code,
        department_code=first.department_code,
        lat=round(sum(p.lat for p in group) / len(group), 5),
        lon=round(sum(p.lon for p in group) / len(group), 5),
    )


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("search.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache
def gazetteer() -> Gazetteer:
    return Gazetteer(
        [
            Place(
                row["city"],
                row["postal_code"],
                row["department_code"],
                float(row["lat"]),
                float(row["lon"]),
            )
            for row in _rows("places.csv")
        ]
    )


@lru_cache
def school_positions() -> dict[str, tuple[float, float]]:
    """Position of every collège and lycée of the public data, by UAI."""
    return {
        row["uai"]: (float(row["lat"]), float(row["lon"]))
        for row in _rows("schools.csv")
    }
