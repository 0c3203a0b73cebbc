"""Internship weeks: ISO weeks inside a school year; 2de has two fixed June weeks."""

import datetime as dt
import re

from identity.domain.errors import InvalidWeeks

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def monday_of(week: str) -> dt.date:
    match = _ISO_WEEK.match(week)
    if not match:
        raise InvalidWeeks(f"« {week} » n'est pas une semaine ISO (ex. 2027-W03).")
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise InvalidWeeks(f"La semaine « {week} » n'existe pas.") from exc


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def school_year_of(day: dt.date) -> int:
    """First calendar year of the school year (September to August)."""
    return day.year if day.month >= 9 else day.year - 1


def seconde_weeks(school_year: int) -> tuple[str, str]:
    """The two national weeks of 2de: those of the 3rd and 4th Mondays of June
    (16 and 23 June 2025, 15 and 22 June 2026)."""
    june = dt.date(school_year + 1, 6, 1)
    first_monday = june + dt.timedelta(days=(7 - june.weekday()) % 7)
    third = first_monday + dt.timedelta(weeks=2)
    return iso_week(third), iso_week(third + dt.timedelta(weeks=1))


def validate_weeks(weeks: list[str], *, school_year: int, lycee: bool) -> list[str]:
    """Sorted, distinct weeks of the school year; a lycée gets the 2de weeks."""
    if lycee:
        return list(seconde_weeks(school_year))
    start, end = dt.date(school_year, 9, 1), dt.date(school_year + 1, 7, 10)
    for week in weeks:
        if not start <= monday_of(week) <= end:
            raise InvalidWeeks(
                f"La semaine {week} est hors de l'année scolaire "
                f"{school_year}-{school_year + 1}."
            )
    if not weeks:
        raise InvalidWeeks("Choisissez au moins une semaine de stage.")
    return sorted(set(weeks))
