"""Schools: eligible (listed by identity's directory) against registered, and the
follow-up of each registered school's classes and pupils."""

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stats.db import applications_table, classes_table, pupils_table, schools_table
from stats.filters import where
from stats.scope import Scope

KINDS = ("rep", "rep_plus", "qpv", "qpv_proche", "lycee")
FOLLOW_UP = ("pupils", "authorised", "without_application", "with_application")
COUNTS = ("classes", *FOLLOW_UP, "confirmed")


def _places(scope: Scope) -> Scope:
    """Schools belong to places, not to ministries: a ministry scope sees them all."""
    return Scope(scope.departments, None, scope.academy, scope.region)


def _filters(
    scope: Scope, registered: bool | None, kinds: Sequence[str] | None
) -> list[Any]:
    conditions = [where(schools_table, _places(scope), None)]
    if registered is not None:
        column = schools_table.c.registered_at
        conditions.append(column.is_not(None) if registered else column.is_(None))
    if kinds:
        conditions.append(schools_table.c.kind.in_(sorted(kinds)))
    return conditions


async def registration_by_kind(
    session: AsyncSession, scope: Scope
) -> list[dict[str, Any]]:
    """Per kind of school: eligible schools, registered ones, the others, the rate."""
    registered = func.count(schools_table.c.registered_at)
    query = (
        select(schools_table.c.kind, func.count().label("eligible"), registered)
        .where(*_filters(scope, None, None))
        .group_by(schools_table.c.kind)
    )
    found = {row[0]: (int(row[1]), int(row[2])) for row in await session.execute(query)}
    order = [kind for kind in KINDS if kind in found] + sorted(set(found) - set(KINDS))
    return [_rate(kind, *found[kind]) for kind in order]


def _rate(kind: str, eligible: int, registered: int) -> dict[str, Any]:
    return {
        "kind": kind,
        "eligible": eligible,
        "registered": registered,
        "not_registered": eligible - registered,
        "registered_rate": round(registered / eligible, 4) if eligible else 0.0,
    }


def _follow_up(
    scope: Scope, registered: bool | None, kinds: Sequence[str] | None
) -> Select[Any]:
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
    counts = [func.coalesce(classes.c.classes, 0).label("classes")] + [
        func.coalesce(pupils.c[name], 0).label(name)
        for name in (*FOLLOW_UP, "confirmed")
    ]
    return (
        select(
            schools_table.c.uai,
            schools_table.c.name,
            schools_table.c.city,
            schools_table.c.kind,
            schools_table.c.department_code,
            schools_table.c.academy,
            case((schools_table.c.registered_at.is_(None), False), else_=True).label(
                "registered"
            ),
            schools_table.c.registered_at,
            *counts,
        )
        .outerjoin(classes, classes.c.school_uai == schools_table.c.uai)
        .outerjoin(pupils, pupils.c.school_uai == schools_table.c.uai)
        .where(*_filters(scope, registered, kinds))
        .order_by(schools_table.c.department_code, schools_table.c.uai)
    )


async def schools(
    session: AsyncSession,
    scope: Scope,
    *,
    registered: bool | None = None,
    kinds: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Per school: registered or not, classes, pupils, authorised, applications."""
    query = _follow_up(scope, registered, kinds)
    return [dict(row._mapping) for row in await session.execute(query)]


async def school_rows(
    session: AsyncSession,
    scope: Scope,
    *,
    registered: bool | None = None,
    kinds: Sequence[str] | None = None,
) -> AsyncIterator[tuple[Any, ...]]:
    """The same rows for an export, streamed from the server in chunks."""
    query = _follow_up(scope, registered, kinds).execution_options(yield_per=1000)
    async for row in await session.stream(query):
        yield tuple(row)
