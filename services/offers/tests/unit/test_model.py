import pytest

from contracts.common import GeoPoint
from offers.domain.errors import InvalidOffer
from offers.domain.geo import Geocoder, Place, department_of, normalize_city
from offers.domain.lifecycle import TRANSITIONS
from offers.domain.model import next_year_week, school_year_of, siret_ok, week_monday
from offers.testing import catalog, content


class TestSiret:
    @pytest.mark.parametrize("siret", ["89338184800017", "45364078100028"])
    def test_real_sirets_pass_the_luhn_check(self, siret: str) -> None:
        assert siret_ok(siret)

    def test_a_changed_digit_fails(self) -> None:
        assert not siret_ok("89338184800018")

    def test_la_poste_uses_a_digit_sum(self) -> None:
        assert siret_ok("35600000000010")
        assert not siret_ok("35600000000011")

    def test_invalid_siret_is_refused_with_a_code(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            catalog().prepare(content(siret="89338184800018"))
        assert error.value.code == "siret_invalid"


class TestContentRules:
    def test_public_host_needs_a_ministry(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            catalog().prepare(content(is_public=True))
        assert error.value.code == "ministry_required"

    def test_private_host_has_no_ministry(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            catalog().prepare(content(ministry="Ministère des Armées"))
        assert error.value.code == "ministry_forbidden"

    def test_employers_give_hours_and_a_phone(self) -> None:
        with pytest.raises(InvalidOffer) as no_hours:
            catalog().prepare(content(daily_hours=None))
        with pytest.raises(InvalidOffer) as no_phone:
            catalog().prepare(content(contact_phone=None))
        assert (no_hours.value.code, no_phone.value.code) == (
            "hours_required",
            "contact_phone_required",
        )
        catalog().prepare(content(daily_hours=None, contact_phone=None), strict=False)

    def test_unknown_sector_is_refused(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            catalog().prepare(content(sector_id="00000000-0000-0000-0000-000000000000"))
        assert error.value.code == "sector_unknown"

    def test_weeks_of_two_school_years_are_refused(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            catalog().prepare(content(weeks=("2027-W03", "2027-W40")))
        assert error.value.code == "weeks_span_school_years"

    def test_summer_weeks_are_refused(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            catalog().prepare(content(weeks=("2027-W32",)))
        assert error.value.code == "week_in_holidays"

    def test_collective_group_fits_in_the_seats(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            catalog().prepare(content(group_kind="collective", group_size=5, seats=3))
        assert error.value.code == "group_size_invalid"
        catalog().prepare(content(group_kind="collective", group_size=3, seats=3))

    def test_school_year_is_the_one_of_the_weeks(self) -> None:
        _, school_year, sector = catalog().prepare(content())
        assert school_year == 2026
        assert sector == "Mode"


class TestWeeks:
    def test_school_year_switches_in_july(self) -> None:
        assert school_year_of(week_monday("2027-W26")) == 2026
        assert school_year_of(week_monday("2027-W36")) == 2027

    def test_next_year_keeps_the_week_number(self) -> None:
        assert next_year_week("2027-W03") == "2028-W03"
        assert next_year_week("2026-W53") == "2027-W52"


class TestGeocoder:
    geocoder = Geocoder(
        [
            Place("35400", "Saint-Malo", 48.65, -2.0),
            Place("35400", "Saint-Malo", 48.63, -2.02),
            Place("75015", "Paris", 48.84, 2.29),
        ],
        areas={"35430": GeoPoint(lat=48.6, lon=-1.95)},
    )

    def test_given_coordinates_win(self) -> None:
        placement = self.geocoder.place(
            postal_code="35400", city="x", location=GeoPoint(lat=48.0, lon=-1.0)
        )
        assert (placement.precision, placement.location.lat) == ("given", 48.0)

    def test_city_of_the_department_is_used(self) -> None:
        placement = self.geocoder.place(
            postal_code="35401", city="ST MALO", location=None
        )
        assert placement.precision == "city"
        assert placement.location == GeoPoint(lat=48.64, lon=-2.01)

    def test_postal_code_then_a_neighbouring_code(self) -> None:
        exact = self.geocoder.place(postal_code="75015", city="?", location=None)
        near = self.geocoder.place(postal_code="75016", city="?", location=None)
        assert (exact.precision, near.precision) == (
            "postal_code",
            "nearby_postal_code",
        )

    def test_a_code_without_school_takes_its_intercommunality(self) -> None:
        placement = self.geocoder.place(
            postal_code="35430", city="Saint-Jouan-des-Guérets", location=None
        )
        assert placement.precision == "intercommunality"
        assert (placement.department_code, placement.location.lat) == ("35", 48.6)

    def test_unknown_place_is_refused_with_a_reason(self) -> None:
        with pytest.raises(InvalidOffer) as error:
            self.geocoder.place(postal_code="13001", city="Marseille", location=None)
        assert error.value.code == "address_not_placed"
        assert "13001" in error.value.message

    def test_null_island_is_refused(self) -> None:
        with pytest.raises(InvalidOffer):
            self.geocoder.place(
                postal_code="75015", city="Paris", location=GeoPoint(lat=0, lon=0)
            )

    def test_names_and_departments(self) -> None:
        assert normalize_city("Sainte-Féréole") == "STE FEREOLE"
        assert normalize_city("MARSEILLE 6") == "MARSEILLE"
        assert [department_of(c) for c in ("20090", "20200", "97411", "01000")] == [
            "2A",
            "2B",
            "974",
            "01",
        ]

    def test_shipped_places_cover_real_cities(self) -> None:
        placement = catalog().geocoder.place(
            postal_code="58000", city="Nevers", location=None
        )
        assert placement.department_code == "58"
        assert 46.9 < placement.location.lat < 47.1


def test_the_lifecycle_has_no_way_out_of_removed() -> None:
    assert all(source != "removed" for _, source, _ in TRANSITIONS)
