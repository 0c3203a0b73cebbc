"""Pure parts of the read model: counter keys, weeks, roll-ups, export lines."""

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.examples import offer_published, offer_snapshot
from kit.auth import Principal, Role
from stats import exports
from stats.api import _school_line
from stats.db import (
    monthly_counters_table,
    school_counters_table,
    sector_counters_table,
    weekly_counters_table,
)
from stats.projections import counter_keys, iso_week
from stats.queries import _merged, _rollup
from stats.schools import _rate
from stats.scope import OutOfScope, narrowed, scope_of
from stats.testing import facts


def test_iso_weeks_follow_the_iso_calendar_across_new_year() -> None:
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    assert iso_week(datetime(2027, 1, 4, tzinfo=UTC)) == "2027-W01"


def test_one_event_moves_one_row_of_each_cube() -> None:
    offer = offer_published(offer=offer_snapshot(is_public=True, ministry="Justice"))
    keys = counter_keys(
        facts(offer, "m", "93", school_uai="0931111A"),
        datetime(2027, 1, 13, tzinfo=UTC),
    )
    assert set(keys) == {
        monthly_counters_table,
        sector_counters_table,
        school_counters_table,
        weekly_counters_table,
    }
    assert keys[weekly_counters_table] == {
        "school_year": 2026,
        "department_code": "93",
        "is_public": True,
        "ministry": "Justice",
        "week": "2027-W02",
    }
    assert keys[school_counters_table]["school_uai"] == "0931111A"
    assert keys[monthly_counters_table]["month"].isoformat() == "2027-01-01"
    assert keys[sector_counters_table]["sector_id"] == offer.offer.sector_id


def test_roll_up_sums_merged_offers_and_counts_by_label() -> None:
    offers = {(True, "Justice"): {"offers": 2, "seats": 5}}
    counts = {
        (True, "Justice"): {"applications": 3, "internships": 1, "signed": 0},
        (False, ""): {"applications": 4, "internships": 0, "signed": 0},
    }
    rows = _rollup(_merged(offers, counts), "public", lambda key: key[0])
    assert rows == [
        {"public": False, "offers": 0, "seats": 0, "applications": 4}
        | {"internships": 0, "signed": 0},
        {"public": True, "offers": 2, "seats": 5, "applications": 3}
        | {"internships": 1, "signed": 0},
    ]


def test_registration_rate_of_a_kind_without_schools_is_zero() -> None:
    assert _rate("rep", 0, 0)["registered_rate"] == 0.0
    assert _rate("rep", 3, 1) | {"kind": "rep"} == {
        "kind": "rep",
        "eligible": 3,
        "registered": 1,
        "not_registered": 2,
        "registered_rate": 0.3333,
    }


def test_a_school_line_labels_its_kind_and_dates_its_registration() -> None:
    at = datetime(2026, 11, 24, 9, tzinfo=UTC)
    line = _school_line(
        (
            "0931111A",
            "C",
            "Saint-Ouen",
            "rep_plus",
            "93",
            "Créteil",
            True,
            at,
            1,
            2,
            3,
            4,
            5,
            6,
        )
    )
    assert line[3] == "REP+"
    assert line[7] == "2026-11-24"


async def rows(*lines: tuple[Any, ...]) -> Any:
    for line in lines:
        yield line


@pytest.mark.asyncio(loop_scope="session")
async def test_csv_export_is_semicolon_separated_with_french_booleans() -> None:
    chunks = [
        chunk async for chunk in exports.csv_stream(("a", "b"), rows(("x;y", True)))
    ]
    text = b"".join(chunks).decode()
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")) == [
        ["a", "b"],
        ["x;y", "oui"],
    ]


def test_a_department_referent_cannot_widen_to_another_department() -> None:
    referent = Principal(
        user_id=uuid.uuid4(), role=Role.REFERENT_DEPARTMENT, department_code="93"
    )
    assert narrowed(scope_of(referent), department="93").departments == frozenset(
        {"93"}
    )
    with pytest.raises(OutOfScope):
        narrowed(scope_of(referent), department="35")


@pytest.mark.asyncio(loop_scope="session")
async def test_xlsx_export_keeps_types_and_leaves_unknown_values_empty() -> None:
    from openpyxl import load_workbook

    line = ("0931111A", None, 3, False, uuid.UUID(int=1))
    chunks = [c async for c in exports.xlsx_stream("É", ("a",) * 5, rows(line))]
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    read = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert read[1] == ("0931111A", None, 3, False, str(uuid.UUID(int=1)))
