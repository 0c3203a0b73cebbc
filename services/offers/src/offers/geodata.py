"""Reference data shipped with the service: sectors, known places and areas.

`python -m offers.geodata <shared data folder> [<communes folder>]` rebuilds
`data/places.csv` from the public schools files (collèges and lycées: postal code,
city, coordinates). With the `data/` folder of the `@etalab/decoupage-administratif`
npm package (INSEE's communes, their postal codes and intercommunalities; get it with
`npm pack @etalab/decoupage-administratif@6.0.0`), it also rebuilds `data/areas.csv`:
for each postal code no school carries, the centre of the places of the same
intercommunality. A third of the real offers lie in such communes.
"""

import csv
import json
import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from contracts.common import GeoPoint
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
        places = [
            Place(row["postal_code"], row["city"], float(row["lat"]), float(row["lon"]))
            for row in csv.DictReader(handle)
        ]
    with (DATA / "areas.csv").open(encoding="utf-8") as handle:
        areas = {
            row["postal_code"]: GeoPoint(lat=float(row["lat"]), lon=float(row["lon"]))
            for row in csv.DictReader(handle)
        }
    return Geocoder(places, areas)


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


def build_areas(places: list[Place], communes_dir: Path) -> dict[str, GeoPoint]:
    """Postal code without a school → centre of its intercommunalities' places."""
    communes = json.loads((communes_dir / "communes.json").read_text("utf-8"))
    epcis = json.loads((communes_dir / "epci.json").read_text("utf-8"))
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    known = {place.postal_code: place for place in places}
    current = [
        c for c in communes if c["type"] == "commune-actuelle" and c["code"] in epci_of
    ]
    inside: dict[str, dict[str, Place]] = {}
    for commune in current:
        for code in commune.get("codesPostaux", []):
            if code in known:
                inside.setdefault(epci_of[commune["code"]], {})[code] = known[code]
    gathered: dict[str, dict[str, Place]] = {}
    for commune in current:
        found = inside.get(epci_of[commune["code"]], {})
        for code in commune.get("codesPostaux", []):
            if code not in known and found:
                gathered.setdefault(code, {}).update(found)
    return {
        code: GeoPoint(
            lat=round(sum(p.lat for p in found.values()) / len(found), 5),
            lon=round(sum(p.lon for p in found.values()) / len(found), 5),
        )
        for code, found in gathered.items()
    }


def _write(name: str, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    with (Path(__file__).parent / "data" / name).open(
        "w", encoding="utf-8", newline=""
    ) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    places = sorted(build(Path(sys.argv[1])), key=lambda p: (p.postal_code, p.city))
    _write(
        "places.csv",
        ["postal_code", "city", "lat", "lon"],
        ((p.postal_code, p.city, p.lat, p.lon) for p in places),
    )
    if len(sys.argv) > 2:
        areas = build_areas(places, Path(sys.argv[2]))
        _write(
            "areas.csv",
            ["postal_code", "lat", "lon"],
            ((code, areas[code].lat, areas[code].lon) for code in sorted(areas)),
        )


if __name__ == "__main__":
    main()
