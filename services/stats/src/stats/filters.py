"""The WHERE clause of a scope, for any table with a department (and for the
counters and offers, a school year, public/private and ministry)."""

from typing import Any

from sqlalchemy import ColumnElement, and_, select, true

from stats.db import departments_table
from stats.scope import Scope


def where(table: Any, scope: Scope, school_year: int | None) -> ColumnElement[bool]:
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
