"""Indicators, read from the counters cube and the offers table."""

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from stats.db import (
    applications_table,
    classes_table,
    counters_table,
    departments_table,
    offers_table,
    pupils_table,
    schools_table,
    sectors_table,
)
from stats.scope import Scope

GENDERS = ("f", "m", "not_said")
METRICS = ("applications", "internships", "signed")


def _where(table: Any, scope: Scope, school_year: int | None) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [true()]
    if scope.departments is not None:
        conditions.append(table.c.department_code.in_(sorted(scope.departments)))
    if scope.academy is not None:
        academy = select(departments_table.c.code).where(
            departments_table.c.academy == scope.academy
        )
        conditions.append(table.c.department_code.in_(academy))
    if scope.region is not None:
        region = select(departments_table.c.code).where(
            departments_table.c.region == scope.region
        )
        conditions.append(table.c.department_code.in_(region))
    if scope.ministries is not None:
        conditions.append(table.c.is_public.is_(True))
        conditions.append(table.c.ministry.in_(sorted(scope.ministries)))
    if school_year is not None:
        conditions.append(table.c.school_year == school_year)
    return and_(*conditions)


def _by_gender(metric: str) -> list[Any]:
    column = counters_table.c[metric]
    return [
        func.coalesce(
            func.sum(case((counters_table.c.gender == g, column), else_=0)), 0
        ).label(f"{metric}_{g}")
        for g in GENDERS
    ]


async def indicators(
    session: AsyncSession, scope: Scope, *, school_year: int | None = None
) -> dict[str, Any]:
    by_sector = await _by_sector(session, scope, school_year)
    totals = {
        key: sum(row[key] for row in by_sector)
        for key in ("offers", "seats", *[f"{m}_{g}" for m in METRICS for g in GENDERS])
    }
    return {
        "totals": _shape(totals),
        "by_sector": [_shape(row) | {"sector": row["sector"]} for row in by_sector],
        "by_month": await _by_month(session, scope, school_year),
    }


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"offers": row["offers"], "seats": row["seats"]}
    for metric in METRICS:
        by_gender = {g: int(row[f"{metric}_{g}"]) for g in GENDERS}
        shaped[metric] = by_gender | {"total": sum(by_gender.values())}
    return shaped


async def _by_sector(
    session: AsyncSession, scope: Scope, school_year: int | None
) -> list[dict[str, Any]]:
    counts = (
        select(counters_table.c.sector_id, *[c for m in METRICS for c in _by_gender(m)])
        .where(_where(counters_table, scope, school_year))
        .group_by(counters_table.c.sector_id)
        .subquery()
    )
    offers = (
        select(
            offers_table.c.sector_id,
            func.count().label("offers"),
            func.coalesce(func.sum(offers_table.c.seats), 0).label("seats"),
        )
        .where(_where(offers_table, scope, school_year))
        .where(offers_table.c.first_published_at.is_not(None))
        .group_by(offers_table.c.sector_id)
        .subquery()
    )
    metric_columns = [
        func.coalesce(counts.c[f"{m}_{g}"], 0).label(f"{m}_{g}")
        for m in METRICS
        for g in GENDERS
    ]
    query: Select[Any] = (
        select(
            sectors_table.c.name.label("sector"),
            func.coalesce(offers.c.offers, 0).label("offers"),
            func.coalesce(offers.c.seats, 0).label("seats"),
            *metric_columns,
        )
        .select_from(sectors_table)
        .outerjoin(counts, counts.c.sector_id == sectors_table.c.sector_id)
        .outerjoin(offers, offers.c.sector_id == sectors_table.c.sector_id)
        .where((counts.c.sector_id.is_not(None)) | (offers.c.sector_id.is_not(None)))
        .order_by(sectors_table.c.name)
    )
    return [dict(row._mapping) for row in await session.execute(query)]


async def _by_month(
    session: AsyncSession, scope: Scope, school_year: int | None
) -> list[dict[str, Any]]:
    query = (
        select(
            counters_table.c.month,
            *[func.sum(counters_table.c[m]).label(m) for m in METRICS],
        )
        .where(_where(counters_table, scope, school_year))
        .group_by(counters_table.c.month)
        .order_by(counters_table.c.month)
    )
    return [
        {"month": row.month.isoformat(), **{m: int(row._mapping[m]) for m in METRICS}}
        for row in await session.execute(query)
    ]


async def offers_rows(
    session: AsyncSession, scope: Scope, *, school_year: int | None = None
) -> AsyncIterator[tuple[Any, ...]]:
    """Every offer of the scope, streamed from the server in chunks."""
    query = (
        select(
            offers_table.c.offer_id,
            offers_table.c.title,
            offers_table.c.employer_name,
            offers_table.c.sector_name,
            offers_table.c.city,
            offers_table.c.department_code,
            offers_table.c.is_public,
            offers_table.c.ministry,
            offers_table.c.seats,
            offers_table.c.status,
        )
        .where(_where(offers_table, scope, school_year))
        .order_by(offers_table.c.department_code, offers_table.c.title)
        .execution_options(yield_per=1000)
    )
    result = await session.stream(query)
    async for row in result:
        yield tuple(row)


async def schools(session: AsyncSession, scope: Scope) -> list[dict[str, Any]]:
    """Per registered school: classes, pupils, authorised, and where the pupils are."""
    best = (
        select(
            applications_table.c.pupil_id,
            func.bool_or(applications_table.c.approved_at.is_not(None)).label(
                "confirmed"
            ),
        )
        .group_by(applications_table.c.pupil_id)
        .subquery()
    )
    classes = (
        select(classes_table.c.school_uai, func.count().label("classes"))
        .group_by(classes_table.c.school_uai)
        .subquery()
    )
    pupils = (
        select(
            pupils_table.c.school_uai,
            func.count().label("pupils"),
            func.count().filter(pupils_table.c.authorised).label("authorised"),
            func.count().filter(best.c.pupil_id.is_(None)).label("without_application"),
            func.count().filter(best.c.pupil_id.is_not(None)).label("with_application"),
            func.count().filter(best.c.confirmed).label("confirmed"),
        )
        .outerjoin(best, best.c.pupil_id == pupils_table.c.pupil_id)
        .group_by(pupils_table.c.school_uai)
        .subquery()
    )
    counts = (
        "pupils",
        "authorised",
        "without_application",
        "with_application",
        "confirmed",
    )
    query = (
        select(
            schools_table.c.uai,
            schools_table.c.kind,
            schools_table.c.department_code,
            func.coalesce(classes.c.classes, 0).label("classes"),
            *[func.coalesce(pupils.c[name], 0).label(name) for name in counts],
        )
        .outerjoin(classes, classes.c.school_uai == schools_table.c.uai)
        .outerjoin(pupils, pupils.c.school_uai == schools_table.c.uai)
        .where(
            _where(
                schools_table,
                Scope(scope.departments, None, scope.academy, scope.region),
                None,
            )
        )
        .order_by(schools_table.c.department_code, schools_table.c.uai)
    )
    return [dict(row._mapping) for row in await session.execute(query)]
