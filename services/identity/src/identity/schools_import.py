"""Imports the schools of the shared data: `python -m identity.schools_import [DIR]`.

`--departments 93,94` keeps the schools of those departments only (a demo or a
test that needs one territory, not the 6,900 events of the whole directory).

Re-runnable: rows are upserted by UAI and only changed rows are rewritten; the
onboarding state of a school (head, weeks, perimeter) is never touched. Each created or
changed school leaves a `school.listed` event through the outbox, in the same
transaction, so a rerun with no change publishes nothing.
"""

import argparse
import asyncio
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Row, literal_column, or_, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.common import GeoPoint
from contracts.identity.v1 import SchoolListed
from identity.db import OUTBOX, School
from identity.domain.schools import Rejection, SchoolRecord
from identity.domain.text import fold
from identity.school_sources import read_all
from kit.messaging.outbox import add_events

_REFERENCE_COLUMNS = (
    "name",
    "kind",
    "street",
    "postal_code",
    "city",
    "department_code",
    "academy",
    "academy_domain",
    "region",
    "lat",
    "lon",
    "search_text",
)
_BATCH = 1000


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    listed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)

    def rejected_by_reason(self) -> Counter[str]:
        return Counter(f"{item.source}: {item.reason}" for item in self.rejections)

    def render(self) -> str:
        lines = [f"lignes lues: {self.rows}", f"par type: {self.by_kind}"]
        lines.append(
            f"créés: {self.created}, mis à jour: {self.updated}, "
            f"inchangés: {self.unchanged}, rejetés: {len(self.rejections)}, "
            f"événements school.listed: {self.listed}"
        )
        lines += [
            f"  rejet {n:5d} x {why}" for why, n in self.rejected_by_reason().items()
        ]
        lines += [
            f"  - {item.source}:{item.line} {item.uai}" for item in self.rejections
        ]
        return "\n".join(lines)


def _values(record: SchoolRecord) -> dict[str, object]:
    values = asdict(record)
    values["search_text"] = fold(f"{record.name} {record.city}")
    return values


_LISTED = (
    School.uai,
    School.name,
    School.city,
    School.kind,
    School.department_code,
    School.academy,
    School.region,
    School.lat,
    School.lon,
)


def _listed(row: Row[*tuple[Any, ...]]) -> SchoolListed:
    return SchoolListed(
        aggregate_id=row.uai,
        uai=row.uai,
        school_name=row.name,
        city=row.city,
        kind=row.kind,
        department_code=row.department_code,
        academy=row.academy,
        region=row.region,
        location=GeoPoint(lat=row.lat, lon=row.lon),
    )


async def upsert_schools(
    session: AsyncSession, records: list[SchoolRecord]
) -> Counter[str]:
    """Inserts new schools, rewrites changed ones; counts created/updated/unchanged.

    Every created or changed school is announced by a `school.listed` event staged
    in the outbox of the caller's transaction."""
    counts: Counter[str] = Counter()
    for start in range(0, len(records), _BATCH):
        batch = [_values(record) for record in records[start : start + _BATCH]]
        statement = insert(School).values(batch)
        changed = or_(
            *(
                tuple_(getattr(School, name)).is_distinct_from(
                    tuple_(statement.excluded[name])
                )
                for name in _REFERENCE_COLUMNS
            )
        )
        upsert = statement.on_conflict_do_update(
            index_elements=[School.uai],
            set_={name: statement.excluded[name] for name in _REFERENCE_COLUMNS},
            where=changed,
        ).returning(*_LISTED, literal_column("(xmax = 0)").label("created"))
        rows = (await session.execute(upsert)).all()
        created = sum(row.created for row in rows)
        await add_events(session, OUTBOX, *(_listed(row) for row in rows))
        counts["created"] += created
        counts["updated"] += len(rows) - created
        counts["unchanged"] += len(batch) - len(rows)
    return counts


async def import_schools(
    session: AsyncSession, data_dir: Path, departments: frozenset[str] = frozenset()
) -> ImportReport:
    """Reads the four files and upserts every school (of `departments` when given),
    in the caller's transaction."""
    records, sources = read_all(data_dir)
    if departments:
        records = [r for r in records if r.department_code in departments]
    counts = await upsert_schools(session, records)
    return ImportReport(
        rows=dict(sources.rows),
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        listed=counts["created"] + counts["updated"],
        by_kind=dict(Counter(record.kind for record in records)),
        rejections=sources.rejections,
    )


async def _main(data_dir: Path, departments: frozenset[str]) -> ImportReport:
    from identity.settings import DatabaseSettings
    from kit.db import make_engine, make_session_factory
    from kit.migrations import upgrade

    settings = DatabaseSettings()
    upgrade(Path(__file__).parent / "migrations", settings.database_url)
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            return await import_schools(session, data_dir, departments)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    from kit.testing.data import shared_data_dir

    parser = argparse.ArgumentParser(description="Importe les établissements.")
    parser.add_argument("data_dir", nargs="?", type=Path, default=shared_data_dir())
    parser.add_argument(
        "--departments",
        default="",
        help="codes de départements séparés par des virgules (par défaut : tous)",
    )
    args = parser.parse_args(argv)
    departments = frozenset(c.strip() for c in args.departments.split(",") if c.strip())
    report = asyncio.run(_main(args.data_dir, departments))
    sys.stdout.write(report.render() + "\n")


if __name__ == "__main__":
    main()
