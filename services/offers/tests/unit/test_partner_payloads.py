from datetime import date

import pytest

from offers.domain.errors import InvalidOffer
from offers.partner_payloads import (
    BadArgument,
    PartnerOfferIn,
    merged,
    new_content,
    seconde_weeks,
)
from offers.testing import SECTOR_ID, content

TODAY = date(2026, 11, 24)


def payload(**fields: object) -> PartnerOfferIn:
    base: dict[str, object] = {
        "remote_id": "A1",
        "title": "Chef de service",
        "employer_name": "BNP Paribas",
        "city": "Paris",
        "zipcode": "75002",
        "weeks": ["2027-W03"],
        "is_public": False,
        "sector_id": {"id": 1},
    }
    return PartnerOfferIn.model_validate(base | fields)


def test_seconde_weeks_are_the_last_two_of_june() -> None:
    assert seconde_weeks(0, TODAY) == ("2027-W24", "2027-W25")
    assert seconde_weeks(1, TODAY) == ("2027-W24",)
    assert seconde_weeks(2, TODAY) == ("2027-W25",)


def test_v1_defaults_to_troisieme_and_v2_to_seconde() -> None:
    v1 = new_content(payload(), version=1, today=TODAY)
    v2 = new_content(payload(period=1, weeks=None), version=2, today=TODAY)
    assert (v1.grades, v2.grades) == (("3e",), ("2de",))
    assert v1.sector_id == SECTOR_ID
    assert v2.weeks == ("2027-W24",)


def test_missing_fields_are_named() -> None:
    with pytest.raises(BadArgument) as error:
        new_content(payload(title=None, sector_id=None), version=1, today=TODAY)
    assert error.value.details["missing"] == ["title", "sector_id"]


def test_a_sector_name_is_not_a_sector() -> None:
    with pytest.raises(InvalidOffer) as error:
        new_content(payload(sector_id="Santé"), version=1, today=TODAY)
    assert error.value.code == "sector_unknown"


def test_coordinates_without_zipcode_get_the_nearest_one() -> None:
    fields = payload(zipcode=None, coordinates={"latitude": 47.0, "longitude": 3.16})
    assert new_content(fields, version=1, today=TODAY).postal_code.startswith("58")


def test_patch_keeps_what_it_does_not_name_and_re_places_a_moved_address() -> None:
    current = content()
    moved = merged(
        current,
        PartnerOfferIn.model_validate({"city": "Nevers", "zipcode": "58000"}),
        version=1,
        today=TODAY,
    )
    assert (moved.title, moved.city, moved.location) == (current.title, "Nevers", None)


def test_description_limit_depends_on_the_version() -> None:
    long = payload(description="x" * 600)
    with pytest.raises(BadArgument):
        new_content(long, version=1, today=TODAY)
    assert new_content(long, version=2, today=TODAY).description == "x" * 600


def test_the_predecessors_wrapped_body_is_accepted() -> None:
    wrapped = PartnerOfferIn.model_validate({"internship_offer": {"title": "Chef"}})
    assert wrapped.title == "Chef"
