"""Builds the service's offline place tables from the shared public data.

`places.csv`: one row per (city, postal code) with the mean position of its schools;
`schools.csv`: the position of every collège and lycée by UAI. Both are committed,
so the service resolves a city, a postal code or a school without any network call.

Usage: `uv run python services/search/scripts/build_search_places.py <shared/data>`
"""

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "search" / "data"
Row = tuple[str, str, str, str, float, float]  # uai, name, city, postal, lat, lon


def department_of(postal_code: str) -> str:
    if postal_code.startswith("97"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if postal_code < "20200" else "2B"
    return postal_code[:2]


def colleges(data: Path) -> list[Row]:
    rows: list[Row] = []
    with (data / "colleges-geo.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lon, lat = json.loads(row["coordinates"])["coordinates"]
            rows.append(
                (
                    row["Code UAI"],
                    row["ETABLISSEMENT"],
                    row["Commune"],
                    row["zipcode"],
                    float(lat),
                    float(lon),
                )
            )
    with (data / "colleges-rep-ms3e.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = row["coordinates"].removeprefix("POINT (").rstrip(")").split()
            if len(point) == 2:
                rows.append(
                    (
                        row["code_uai"],
                        row["name"],
                        row["city"],
                        row["zipcode"],
                        float(point[1]),
                        float(point[0]),
                    )
                )
    return rows


def lycees(data: Path) -> list[Row]:
    rows: list[Row] = []
    path = data / "lycees-annuaire.csv"
    with path.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["latitude"] and row["longitude"]:
                rows.append(
                    (
                        row["Identifiant_de_l_etablissement"],
                        row["Nom_etablissement"],
                        row["Nom_commune"],
                        row["Code_postal"],
                        float(row["latitude"]),
                        float(row["longitude"]),
                    )
                )
    return rows


def write_places(rows: list[Row]) -> int:
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if len(row[3]) == 5 and row[3].isdigit():
            groups[(row[2].strip().lower(), row[3])].append(row)
    with (OUT / "places.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["city", "postal_code", "department_code", "lat", "lon"])
        for (_, postal), members in sorted(groups.items()):
            name = Counter(m[2].strip() for m in members).most_common(1)[0][0]
            lat = sum(m[4] for m in members) / len(members)
            lon = sum(m[5] for m in members) / len(members)
            writer.writerow(
                [name, postal, department_of(postal), f"{lat:.5f}", f"{lon:.5f}"]
            )
    return len(groups)


def write_schools(rows: list[Row]) -> int:
    unique = {row[0]: row for row in rows}
    with (OUT / "schools.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["uai", "name", "city", "postal_code", "lat", "lon"])
        for uai, name, city, postal, lat, lon in sorted(unique.values()):
            writer.writerow([uai, name, city, postal, f"{lat:.5f}", f"{lon:.5f}"])
    return len(unique)


def main() -> None:
    data = Path(sys.argv[1])
    rows = colleges(data) + lycees(data)
    places, schools = write_places(rows), write_schools(rows)
    print(f"{places} places, {schools} schools")  # noqa: T201 (a CLI)


if __name__ == "__main__":
    main()
