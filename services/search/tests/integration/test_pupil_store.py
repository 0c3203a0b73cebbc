import asyncio
import uuid
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from kit.auth import Principal, Role
from search.domain.query import Point
from search.pupil_store import OpenSearchPupilDirectory
from search.pupils import PupilEventHandler, SchoolProfile
from search.testing import perimeter_changed, school_registered, weeks_changed

pytestmark = [pytest.mark.opensearch, pytest.mark.asyncio(loop_scope="session")]

UAI = "0350044H"


async def test_concurrent_school_events_merge_as_if_in_order(
    os_client: AsyncOpenSearch, new_alias: Any
) -> None:
    directory = OpenSearchPupilDirectory(os_client, prefix=new_alias())
    await directory.ensure_indices()
    await directory.ensure_indices()  # a restart: the mapping is put again
    handler = PupilEventHandler(directory)
    events = [
        school_registered(UAI, location=(48.65, -2.0), weeks=("2027-W24",)),
        *[weeks_changed(UAI, (f"2027-W{m:02d}",), minute=m) for m in range(1, 12)],
        perimeter_changed(UAI, perimeter_km=30, national_search=False, minute=3),
    ]

    await asyncio.gather(*map(handler, reversed(events)), *map(handler, events))

    context = await directory.context_for(pupil(UAI))
    assert context is not None
    assert context.school == SchoolProfile(
        UAI, Point(48.65, -2.0), ("2027-W11",), 30, False
    )


async def test_unregistered_schools_come_from_public_data(
    os_client: AsyncOpenSearch, new_alias: Any
) -> None:
    directory = OpenSearchPupilDirectory(os_client, prefix=new_alias())
    await directory.ensure_indices()

    public = await directory.context_for(pupil("0650050B"))
    unknown = await directory.context_for(pupil("0999999Z"))

    assert public is not None
    assert public.school is not None
    assert (public.school.perimeter_km, public.school.internship_weeks) == (None, ())
    assert unknown is not None
    assert unknown.school is None


def pupil(uai: str) -> Principal:
    return Principal(uuid.uuid4(), Role.PUPIL, school_uai=uai, grade="3e")
