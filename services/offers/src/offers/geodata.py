"""Reference data shipped with the service: ONISEP sectors and known places.

`python -m offers.geodata <shared data folder>` rebuilds `data/places.csv` from the
public schools files (collèges and lycées: postal code, city, coordinates).
"""

import csv
import json
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from offers.domain.geo import Geocoder, Place, normalize_city

DATA = resources.files("offers") / "data"


@dataclass(frozen=True)
class Sector:
    id: uuid.UUID
    name: str
    number: int


@lru_cache
def sectors() -> tuple[Sector, ...]:
    with (DATA / "sectors.csv").open(encoding="utf-8") as handle:
        return tuple(
            Sector(uuid.UUID(row["uuid"]), row["name"], number)
            for number, row in enumerate(csv.DictReader(handle), start=1)
        )


@lru_cache
def geocoder() -> Geocoder:
    with (DATA / "places.csv").open(encoding="utf-8") as handle:
        return Geocoder(
            Place(row["postal_code"], row["city"], float(row["lat"]), float(row["lon"]))
            for row in csv.DictReader(handle)
        )


def _colleges(folder: Path) -> Iterator[Place]:
    with (folder / "colleges-geo.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lon, lat = json.loads(row["coordinates"])["coordinates"]
            yield Place(row["zipcode"].zfill(5), row["Commune"], lat, lon)


def _rep_colleges(folder: Path) -> Iterator[Place]:
    with (folder / "colleges-rep-ms3e.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = row["coordinates"].removeprefix("POINT (").removesuffix(")")
            if row["zipcode"] and point:
                lon, lat = (float(part) for part in point.split())
                yield Place(row["zipcode"].zfill(5), row["city"], lat, lon)


def _lycees(folder: Path) -> Iterator[Place]:
    with (folder / "lycees-annuaire.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["latitude"] and row["Code_postal"]:
                yield Place(
                    row["Code_postal"].zfill(5),
                    row["Nom_commune"],
                    float(row["latitude"]),
                    float(row["longitude"]),
                )


def build(folder: Path) -> list[Place]:
    """One place per (postal code, city): the mean of its schools' coordinates."""
    groups: dict[tuple[str, str], list[Place]] = {}
    for place in (*_colleges(folder), *_rep_colleges(folder), *_lycees(folder)):
        groups.setdefault((place.postal_code, normalize_city(place.city)), []).append(
            place
        )
    return [
        Place(
            found[0].postal_code,
            found[0].city,
            round(sum(p.lat for p in found) / len(found), 5),
            round(sum(p.lon for p in found) / len(found), 5),
        )
        for found in groups.values()
    ]


def main() -> None:
    places = sorted(build(Path(sys.argv[1])), key=lambda p: (p.postal_code, p.city))
    target = Path(__file__).parent / "data" / "places.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["postal_code", "city", "lat", "lon"])
        writer.writerows((p.postal_code, p.city, p.lat, p.lon) for p in places)


if __name__ == "__main__":
    main()
