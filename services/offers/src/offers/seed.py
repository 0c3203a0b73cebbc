"""Demo data: the 27k real offers of `offers-2025-sample.csv`, imported as a feed.

`python -m offers.seed <offers-2025-sample.csv>` imports them into the service's
database as the feed `demo`, then prints how many were placed on the map (and how
precisely) and why the others were not. The sample has no title, employer name,
weeks or seats: the demo fills them in (sector and SIRET based title, the
seconde June weeks and/or two winter weeks for 3e/4e, one seat).
"""

import asyncio
import csv
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import make_engine, make_session_factory
from kit.migrations import upgrade
from offers.db import offers
from offers.domain.errors import InvalidOffer
from offers.feed_rows import RawRow
from offers.feeds import FeedRunner, RunReport
from offers.geodata import sectors
from offers.main import MIGRATIONS, catalog
from offers.partner_payloads import seconde_weeks

FEED = "demo"
GRADES = {
    "seconde_only": ["seconde"],
    "troisieme_or_quatrieme": ["troisieme", "quatrieme"],
    "seconde_troisieme_or_quatrieme": ["seconde", "troisieme", "quatrieme"],
}
COLLEGE_WEEKS = ["2027-W05", "2027-W06"]


def demo_row(sample: dict[str, str], sector_ids: dict[str, str]) -> dict[str, Any]:
    grades = GRADES.get(sample["Filière"], ["seconde"])
    weeks = list(seconde_weeks(0, date(2026, 11, 1))) if "seconde" in grades else []
    if "troisieme" in grades:
        weeks = COLLEGE_WEEKS + weeks
    public = sample["public"] == "VRAI"
    kind = "Administration" if public else "Entreprise"
    row = {
        "remote_id": sample["id"],
        "title": f"Stage d'observation – {sample['secteur']}"[:150],
        "employer_name": f"{kind} SIRET {sample['SIRET']}",
        "siret": sample["SIRET"] or None,
        "is_public": public,
        "ministry": sample["public_employer_type"] or None,
        "street": sample["Rue"].strip()[:300],
        "city": sample["Ville"].strip(),
        "zipcode": sample["Code postal"].strip().zfill(5),
        "weeks": weeks,
        "max_candidates": 1,
        "grades": grades,
        "sector_id": sector_ids.get(sample["secteur"], sample["secteur"]),
    }
    return {key: value for key, value in row.items() if value is not None}


def demo_rows(path: Path) -> Iterator[RawRow]:
    sector_ids = {sector.name: str(sector.id) for sector in sectors()}
    with path.open(encoding="utf-8") as handle:
        for number, sample in enumerate(csv.DictReader(handle, delimiter=";"), 1):
            yield RawRow(number, str(sample), demo_row(sample, sector_ids))


async def placements(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    query = (
        select(offers.c.placement, func.count())
        .where(offers.c.source == f"feed:{FEED}")
        .group_by(offers.c.placement)
    )
    async with sessions() as session:
        rows = (await session.execute(query)).all()
    return {str(name): int(count) for name, count in rows}


def placeable(path: Path) -> Counter[str]:
    """Placement of every sample row, whatever else is wrong with it."""
    geocoder = catalog().geocoder
    found: Counter[str] = Counter()
    with path.open(encoding="utf-8") as handle:
        for sample in csv.DictReader(handle, delimiter=";"):
            try:
                placement = geocoder.place(
                    postal_code=sample["Code postal"].strip().zfill(5),
                    city=sample["Ville"],
                    location=None,
                )
                found[placement.precision] += 1
            except InvalidOffer:
                found["introuvable"] += 1
    return found


def summary(report: RunReport, placed: dict[str, int], all_rows: Counter[str]) -> str:
    lines = [
        f"Placement de toutes les lignes de l'échantillon: {dict(all_rows)}",
        f"Import du flux {FEED}: {report.status}, {report.rows_done} lignes",
        f"  acceptées {report.accepted}, mises à jour {report.updated}, "
        f"inchangées {report.unchanged}, rejetées {report.rejected}",
        f"  placées sur la carte: {sum(placed.values())}",
    ]
    lines += [f"    par {name}: {count}" for name, count in sorted(placed.items())]
    lines.append("  raisons des rejets:")
    codes: Counter[str] = report.reason_codes
    lines += [f"    {code}: {count}" for code, count in codes.most_common()]
    return "\n".join(lines)


async def seed(database_url: str, path: Path) -> str:
    upgrade(MIGRATIONS, database_url)
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    try:
        # No relay runs here: the service publishes the events when it starts.
        runner = FeedRunner(sessions, catalog(), max_backlog=None)
        report = await runner.run(FEED, demo_rows(path), feed_format="csv")
        return summary(report, await placements(sessions), placeable(path))
    finally:
        await engine.dispose()


def main() -> None:
    from offers.settings import get_settings

    print(asyncio.run(seed(get_settings().database_url, Path(sys.argv[1]))))  # noqa: T201  # a CLI prints


if __name__ == "__main__":
    main()
