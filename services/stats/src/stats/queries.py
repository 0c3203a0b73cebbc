"""Indicators, read from the counters cubes and the offers table.

Every event counts once in each cube, so a breakdown on keys all cubes share
(school year, public/private, ministry) reads the smallest one, the weekly cube."""

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Select, and_, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from stats.db import (
    GENDERS,
    METRICS,
    departments_table,
    monthly_counters_table,
    offers_table,
    school_counters_table,
    schools_table,
    sector_counters_table,
    sectors_table,
    weekly_counters_table,
)
from stats.filters import where
from stats.schools import registration_by_kind
from stats.scope import EVERYTHING, Scope

UNKNOWN = "inconnu"
Key = tuple[Any, ...]


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
        "by_school_kind": await _by_school_kind(session, scope, school_year),
        **await _breakdowns(session, scope, school_year),
        "schools": await registration_by_kind(session, scope),
    }


async def public_indicators(
    session: AsyncSession, *, school_year: int | None = None
) -> dict[str, Any]:
    """National totals, by sector and by region: no scope, no gender detail."""
    figures = await indicators(session, EVERYTHING, school_year=school_year)
    return {
        "totals": figures["totals"],
        "by_sector": figures["by_sector"],
        "by_region": await _by_region(session, school_year),
    }


def _sums(table: Any) -> list[Any]:
    """Each metric, all genders together."""
    return [
        func.coalesce(func.sum(sum(table.c[f"{m}_{g}"] for g in GENDERS)), 0).label(m)
        for m in METRICS
    ]


def _with_region(table: Any) -> Any:
    return table.outerjoin(
        departments_table, departments_table.c.code == table.c.department_code
    )


async def counts_by(
    session: AsyncSession,
    table: Any,
    scope: Scope,
    school_year: int | None,
    *keys: Any,
) -> dict[Key, dict[str, int]]:
    """The three metrics of a cube, summed by the given key columns."""
    query = (
        select(*keys, *_sums(table))
        .select_from(_with_region(table))
        .where(where(table, scope, school_year))
        .group_by(*keys)
    )
    return {
        tuple(row)[: len(keys)]: {m: int(row._mapping[m]) for m in METRICS}
        for row in await session.execute(query)
    }


async def offers_by(
    session: AsyncSession, scope: Scope, school_year: int | None, *keys: Any
) -> dict[Key, dict[str, int]]:
    """Published offers and their seats, by the given key columns."""
    query = (
        select(
            *keys,
            func.count().label("offers"),
            func.coalesce(func.sum(offers_table.c.seats), 0).label("seats"),
        )
        .select_from(_with_region(offers_table))
        .where(where(offers_table, scope, school_year))
        .where(offers_table.c.first_published_at.is_not(None))
        .group_by(*keys)
    )
    return {
        tuple(row)[: len(keys)]: {"offers": int(row.offers), "seats": int(row.seats)}
        for row in await session.execute(query)
    }


def _merged(
    *parts: dict[Key, dict[str, int]],
) -> dict[Key, dict[str, int]]:
    zero = {"offers": 0, "seats": 0} | dict.fromkeys(METRICS, 0)
    merged: dict[Key, dict[str, int]] = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, dict(zero)).update(values)
    return merged


def _rollup(
    rows: dict[Key, dict[str, int]], name: str, label: Any
) -> list[dict[str, Any]]:
    """Sums rows by `label(key)`, sorted by that label."""
    summed: dict[Any, dict[str, int]] = {}
    for key, values in rows.items():
        line = summed.setdefault(label(key), dict.fromkeys(values, 0))
        for metric, value in values.items():
            line[metric] += value
    return [{name: key} | summed[key] for key in sorted(summed)]


def _sets_of(table: Any) -> dict[str, tuple[Any, ...]]:
    return {
        "public": (table.c.is_public, table.c.ministry),
        "school_year": (table.c.school_year,),
        "week": (table.c.week,) if "week" in table.c else (),
    }


async def _grouped(
    session: AsyncSession, table: Any, values: list[Any], where_: Any
) -> dict[str, dict[Key, dict[str, int]]]:
    """One scan for several breakdowns: GROUPING SETS, one set per breakdown. The
    key columns are never NULL in the table, so a NULL marks another set's row."""
    sets = {name: keys for name, keys in _sets_of(table).items() if keys}
    columns = [column for keys in sets.values() for column in keys]
    query = (
        select(*columns, *values)
        .where(where_)
        .group_by(func.grouping_sets(*[tuple_(*keys) for keys in sets.values()]))
    )
    found: dict[str, dict[Key, dict[str, int]]] = {name: {} for name in sets}
    for row in await session.execute(query):
        line, start = tuple(row), 0
        for name, keys in sets.items():
            if line[start] is not None:
                figures = row._mapping
                found[name][line[start : start + len(keys)]] = {
                    value.name: int(figures[value.name]) for value in values
                }
            start += len(keys)
    return found


async def _breakdowns(
    session: AsyncSession, scope: Scope, school_year: int | None
) -> dict[str, list[dict[str, Any]]]:
    """By public/private, ministry, school year and week: one scan of the weekly
    cube, one of the offers."""
    weekly = weekly_counters_table
    counts = await _grouped(
        session, weekly, _sums(weekly), where(weekly, scope, school_year)
    )
    offers = await _grouped(
        session,
        offers_table,
        [
            func.count().label("offers"),
            func.coalesce(func.sum(offers_table.c.seats), 0).label("seats"),
        ],
        and_(
            where(offers_table, scope, school_year),
            offers_table.c.first_published_at.is_not(None),
        ),
    )
    public = _merged(offers["public"], counts["public"])
    return {
        "by_week": _rollup(counts["week"], "week", lambda key: key[0]),
        "by_public": _rollup(public, "public", lambda key: key[0]),
        "by_ministry": _rollup(
            {k: v for k, v in public.items() if k[0]}, "ministry", lambda k: k[1]
        ),
        "by_school_year": _rollup(
            _merged(offers["school_year"], counts["school_year"]),
            "school_year",
            lambda key: key[0],
        ),
    }


async def _by_school_kind(
    session: AsyncSession, scope: Scope, school_year: int | None
) -> list[dict[str, Any]]:
    """By kind of the applicant's school; `inconnu` until identity lists it."""
    table = school_counters_table
    kind = func.coalesce(schools_table.c.kind, UNKNOWN)
    query = (
        select(kind.label("kind"), *_sums(table))
        .select_from(table)
        .outerjoin(schools_table, schools_table.c.uai == table.c.school_uai)
        .where(where(table, scope, school_year))
        .group_by(kind)
        .order_by(kind)
    )
    return [
        {"kind": row.kind} | {m: int(row._mapping[m]) for m in METRICS}
        for row in await session.execute(query)
    ]


async def _by_region(
    session: AsyncSession, school_year: int | None
) -> list[dict[str, Any]]:
    """Offers by the region of their place, applications by that of the school."""
    region = func.coalesce(departments_table.c.region, UNKNOWN)
    offers = await offers_by(session, EVERYTHING, school_year, region)
    weekly = weekly_counters_table
    counts = await counts_by(session, weekly, EVERYTHING, school_year, region)
    return _rollup(_merged(offers, counts), "region", lambda key: key[0])


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"offers": row["offers"], "seats": row["seats"]}
    for metric in METRICS:
        by_gender = {g: int(row[f"{metric}_{g}"]) for g in GENDERS}
        shaped[metric] = by_gender | {"total": sum(by_gender.values())}
    return shaped


async def _by_sector(
    session: AsyncSession, scope: Scope, school_year: int | None
) -> list[dict[str, Any]]:
    table = sector_counters_table
    by_gender = [
        func.sum(table.c[f"{m}_{g}"]).label(f"{m}_{g}")
        for m in METRICS
        for g in GENDERS
    ]
    counts = (
        select(table.c.sector_id, *by_gender)
        .where(where(table, scope, school_year))
        .group_by(table.c.sector_id)
        .subquery()
    )
    offers = (
        select(
            offers_table.c.sector_id,
            func.count().label("offers"),
            func.coalesce(func.sum(offers_table.c.seats), 0).label("seats"),
        )
        .where(where(offers_table, scope, school_year))
        .where(offers_table.c.first_published_at.is_not(None))
        .group_by(offers_table.c.sector_id)
        .subquery()
    )
    metric_columns = [
        func.coalesce(counts.c[f"{m}_{g}"], 0).label(f"{m}_{g}")
        for m in METRICS
        for g in GENDERS
    ]
    # Applications may come before their offer: their sector is then `inconnu`.
    sector_id = func.coalesce(counts.c.sector_id, offers.c.sector_id)
    name = func.coalesce(sectors_table.c.name, UNKNOWN)
    query: Select[Any] = (
        select(
            name.label("sector"),
            func.coalesce(offers.c.offers, 0).label("offers"),
            func.coalesce(offers.c.seats, 0).label("seats"),
            *metric_columns,
        )
        .select_from(counts)
        .join(offers, offers.c.sector_id == counts.c.sector_id, full=True)
        .outerjoin(sectors_table, sectors_table.c.sector_id == sector_id)
        .order_by(name)
    )
    return [dict(row._mapping) for row in await session.execute(query)]


async def _by_month(
    session: AsyncSession, scope: Scope, school_year: int | None
) -> list[dict[str, Any]]:
    table = monthly_counters_table
    query = (
        select(table.c.month, *_sums(table))
        .where(where(table, scope, school_year))
        .group_by(table.c.month)
        .order_by(table.c.month)
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
        .where(where(offers_table, scope, school_year))
        .order_by(offers_table.c.department_code, offers_table.c.title)
        .execution_options(yield_per=1000)
    )
    result = await session.stream(query)
    async for row in result:
        yield tuple(row)
