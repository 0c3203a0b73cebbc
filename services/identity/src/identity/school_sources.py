"""Reads the public school files into `SchoolRecord`s, with the rows it rejects.

- lycees-annuaire.csv (';', UTF-8 with BOM, CRLF): every lycée, with department,
  academy, region and the schools' mailboxes, from which the department -> academy,
  region and academic mail domain table is derived.
- colleges-rep-ms3e.csv (',', UTF-8): collèges with their kind (rep, rep_plus, qpv,
  qpv_proche) and a WKT point.
- rep-network-2022.csv (';', UTF-8): the official 2022 REP/REP+ map; its EP column
  wins over the kind of colleges-rep-ms3e.csv.
- colleges-geo.csv (',', UTF-8): coordinates as GeoJSON, used when the first file
  has none.
"""

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from identity.domain.schools import (
    Rejection,
    SchoolKind,
    SchoolRecord,
    normalise_department,
    normalise_uai,
)
from identity.domain.text import fold

_WKT_POINT = re.compile(r"^POINT \((-?[\d.]+) (-?[\d.]+)\)$")
_EP_KINDS: dict[str, SchoolKind] = {"REP": "rep", "REP+": "rep_plus"}
_MS3E_KINDS: dict[str, SchoolKind] = {
    "rep": "rep",
    "rep_plus": "rep_plus",
    "qpv": "qpv",
    "qpv_proche": "qpv_proche",
}


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    academy: str
    region: str
    academy_domain: str


@dataclass
class SourceReport:
    rows: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, source: str, line: int, uai: str, reason: str) -> None:
        self.rejections.append(Rejection(source, line, uai, reason))


def _rows(path: Path, delimiter: str) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter=delimiter), 2):
            yield (
                line,
                {key.strip(): (value or "").strip() for key, value in row.items()},
            )


def departments(lycees: Path) -> dict[str, Department]:
    """Department code -> academy, region and academic mail domain, by majority.

    A department whose schools show no `ac-` mailbox (Saint-Barthélemy) takes the
    domain of its academy."""
    seen: dict[str, Counter[tuple[str, str, str]]] = defaultdict(Counter)
    domains: dict[str, Counter[str]] = defaultdict(Counter)
    for _, row in _rows(lycees, ";"):
        code = normalise_department(row["Code_departement"])
        academy = row["Libelle_academie"]
        seen[code][(row["Libelle_departement"], academy, row["Libelle_region"])] += 1
        domain = row["Mail"].rpartition("@")[2].lower()
        if domain.startswith("ac-"):
            domains[code][domain] += 1
            domains[academy][domain] += 1
    result = {}
    for code, counter in seen.items():
        (name, academy, region), _ = counter.most_common(1)[0]
        found = domains[code] or domains[academy]
        if found:
            domain = found.most_common(1)[0][0]
            result[code] = Department(code, name, academy, region, domain)
    return result


def _by_name(table: dict[str, Department]) -> dict[str, Department]:
    return {fold(department.name): department for department in table.values()}


def _ep_map(network: Path) -> dict[str, SchoolKind]:
    return {
        row["NUMERO"].upper(): _EP_KINDS[row["EP"]]
        for _, row in _rows(network, ";")
        if row["TYPE_DETABLISSEMENT"] == "COLLEGE" and row["EP"] in _EP_KINDS
    }


def _geo_map(geo: Path) -> dict[str, tuple[float, float]]:
    points = {}
    for _, row in _rows(geo, ","):
        uai = normalise_uai(row["Code UAI"])
        if uai and row["coordinates"]:
            lon, lat = json.loads(row["coordinates"])["coordinates"]
            points[uai] = (float(lat), float(lon))
    return points


def _wkt(value: str) -> tuple[float, float] | None:
    match = _WKT_POINT.match(value)
    return (float(match[2]), float(match[1])) if match else None


def colleges(
    data: Path, table: dict[str, Department], report: SourceReport
) -> dict[str, SchoolRecord]:
    """The collèges of colleges-rep-ms3e.csv, completed by the two other files."""
    source = "colleges-rep-ms3e.csv"
    ep, geo, by_name = (
        _ep_map(data / "rep-network-2022.csv"),
        _geo_map(data / "colleges-geo.csv"),
        _by_name(table),
    )
    found: dict[str, SchoolRecord] = {}
    listed: set[str] = set()
    for line, row in _rows(data / source, ","):
        report.rows[source] += 1
        uai = normalise_uai(row["code_uai"])
        listed.add(uai or row["code_uai"])
        if uai is None:
            report.reject(source, line, row["code_uai"], "UAI mal formé")
            continue
        result = _college(uai, row, ep.get(uai), by_name, geo)
        if isinstance(result, str):
            report.reject(source, line, uai, result)
        else:
            found[uai] = result
    _reject_geo_only(data, listed, report)
    return found


def _college(
    uai: str,
    row: dict[str, str],
    ep_kind: SchoolKind | None,
    by_name: dict[str, Department],
    geo: dict[str, tuple[float, float]],
) -> SchoolRecord | str:
    """The collège of one row, or why it is rejected."""
    kind: SchoolKind | None = ep_kind or _MS3E_KINDS.get(row["kind"])
    department = by_name.get(fold(row["department"]))
    point = _wkt(row["coordinates"]) or geo.get(uai)
    if kind is None:
        return "type d'éducation prioritaire absent (ni REP, REP+, ni QPV)"
    if department is None:
        return "département inconnu"
    if point is None:
        return "coordonnées absentes"
    return _record(uai, row["name"], kind, row, department, point)


def _record(
    uai: str,
    name: str,
    kind: SchoolKind,
    row: dict[str, str],
    department: Department,
    point: tuple[float, float],
) -> SchoolRecord:
    return SchoolRecord(
        uai=uai,
        name=name,
        kind=kind,
        street=row.get("street") or None,
        postal_code=row.get("zipcode") or None,
        city=row["city"],
        department_code=department.code,
        academy=department.academy,
        academy_domain=department.academy_domain,
        region=department.region,
        lat=point[0],
        lon=point[1],
    )


def _reject_geo_only(data: Path, listed: set[str], report: SourceReport) -> None:
    source = "colleges-geo.csv"
    for line, row in _rows(data / source, ","):
        report.rows[source] += 1
        uai = normalise_uai(row["Code UAI"]) or row["Code UAI"]
        if uai not in listed:
            report.reject(
                source, line, uai, "absent des listes REP/REP+/QPV: type inconnu"
            )


def lycees(
    data: Path, table: dict[str, Department], report: SourceReport
) -> dict[str, SchoolRecord]:
    """Every lycée of the national directory that has coordinates."""
    source = "lycees-annuaire.csv"
    found: dict[str, SchoolRecord] = {}
    for line, row in _rows(data / source, ";"):
        report.rows[source] += 1
        uai = normalise_uai(row["Identifiant_de_l_etablissement"])
        department = table.get(normalise_department(row["Code_departement"]))
        if uai is None or uai in found:
            reason = "doublon dans le fichier" if uai else "UAI mal formé"
            report.reject(source, line, row["Identifiant_de_l_etablissement"], reason)
        elif department is None:
            report.reject(source, line, uai, "académie sans domaine de messagerie")
        elif not (row["latitude"] and row["longitude"]):
            report.reject(source, line, uai, "coordonnées absentes")
        else:
            fields = {"street": row["Adresse_1"], "zipcode": row["Code_postal"]}
            point = (float(row["latitude"]), float(row["longitude"]))
            row_ = fields | {"city": row["Nom_commune"]}
            found[uai] = _record(
                uai, row["Nom_etablissement"], "lycee", row_, department, point
            )
    return found


def read_all(data: Path) -> tuple[list[SchoolRecord], SourceReport]:
    """Every school of the shared data; a UAI in the lycée directory is a lycée."""
    report = SourceReport()
    table = departments(data / "lycees-annuaire.csv")
    merged = colleges(data, table, report) | lycees(data, table, report)
    return sorted(merged.values(), key=lambda school: school.uai), report
