import datetime as dt
import uuid

import pytest

from kit.auth import Principal, Role
from search.domain.errors import InvalidSearch, PlaceNotFound
from search.domain.places import Gazetteer, Place, normalize
from search.domain.query import Point, SearchQuery, Viewer, iso_week, search_body
from search.handlers import SearchRequest, build_query, suggestion_queries
from search.pupils import (
    InMemoryPupilDirectory,
    PupilContext,
    PupilEventHandler,
    SchoolProfile,
)
from search.testing import application_event

TODAY = dt.date(2026, 11, 24)
PLACES = Gazetteer(
    [
        Place("Saint-Étienne", "42000", "42", 45.43, 4.39),
        Place("Saint-Étienne", "42100", "42", 45.41, 4.41),
        Place("Rennes", "35000", "35", 48.10, -1.68),
        Place("Saint-Denis", "93200", "93", 48.93, 2.35),
        Place("Saint-Denis", "97400", "974", -20.88, 55.45),
        Place("Saint-Denis", "97490", "974", -20.90, 55.50),
    ]
)


def pupil(school: SchoolProfile | None = None) -> PupilContext:
    profile = SchoolProfile("0350044H", Point(48.65, -2.0), ("2027-W03",))
    return PupilContext(
        pupil_id=uuid.uuid4(),
        school=school or profile,
        grade="3e",
        applied_offer_ids=frozenset({"applied"}),
    )


class TestPlaces:
    def test_names_are_compared_without_accents_case_or_hyphens(self) -> None:
        assert normalize("Saint-Étienne") == normalize("saint etienne")
        assert PLACES.resolve("saint etienne").lat == pytest.approx(45.42)

    def test_a_postal_code_picks_its_city(self) -> None:
        assert PLACES.resolve("93200").city == "Saint-Denis"
        assert PLACES.resolve("Saint-Denis 97400").department_code == "974"

    def test_homonyms_resolve_to_the_department_with_most_entries(self) -> None:
        assert PLACES.resolve("Saint-Denis").department_code == "974"

    def test_an_unknown_place_is_refused(self) -> None:
        with pytest.raises(PlaceNotFound):
            PLACES.resolve("Atlantide")

    def test_completion_by_name_or_postal_code(self) -> None:
        assert [p.city for p in PLACES.complete("saint-e")] == ["Saint-Étienne"]
        assert [p.postal_code for p in PLACES.complete("974")] == ["97400", "97490"]


class TestPupilDefaults:
    def test_a_pupil_gets_their_school_60_km_weeks_and_grade(self) -> None:
        query = build_query(SearchRequest(), PLACES, pupil())

        assert query.point == Point(48.65, -2.0)
        assert (query.radius_km, query.weeks, query.grade) == (60, ("2027-W03",), "3e")
        assert query.viewer == Viewer("0350044H", frozenset({"applied"}))
        assert query.effective_sort == "distance"

    def test_what_the_pupil_asks_for_wins(self) -> None:
        request = SearchRequest(place="Rennes", radius_km=10, weeks=("2027-W24",))

        query = build_query(request, PLACES, pupil())

        assert (query.point, query.radius_km) == (Point(48.10, -1.68), 10)
        assert query.weeks == ("2027-W24",)

    def test_a_visitor_has_no_default(self) -> None:
        query = build_query(SearchRequest(keyword=" boulanger "), PLACES, None)

        assert (query.point, query.weeks, query.grade) == (None, (), None)
        assert query.keyword == "boulanger"
        assert query.effective_sort == "relevance"

    def test_latitude_without_longitude_is_refused(self) -> None:
        with pytest.raises(InvalidSearch):
            build_query(SearchRequest(lat=48.0), PLACES, None)

    def test_a_registered_school_gives_its_perimeter(self) -> None:
        context = pupil(SchoolProfile("0350044H", Point(48.65, -2.0), (), 25))

        query = build_query(SearchRequest(), PLACES, context)

        assert (query.point, query.radius_km) == (Point(48.65, -2.0), 25)

    def test_national_search_means_all_of_france_nearest_first(self) -> None:
        school = SchoolProfile("0350044H", Point(48.65, -2.0), (), 60, True)

        query = build_query(SearchRequest(), PLACES, pupil(school))
        body = search_body(query, TODAY)

        assert (query.point, query.radius_km) == (Point(48.65, -2.0), None)
        assert "geo_distance" not in str(body["query"])
        assert "_geo_distance" in str(body["sort"])
        assert suggestion_queries(query.replace(keyword="x"))[0][0] == (
            "without_keyword"
        )

    def test_a_radius_without_place_is_around_the_school(self) -> None:
        query = build_query(SearchRequest(radius_km=0), PLACES, pupil())

        assert (query.point, query.radius_km) == (Point(48.65, -2.0), 0)

    @pytest.mark.asyncio(loop_scope="session")
    async def test_the_directory_knows_only_pupils(self) -> None:
        directory = InMemoryPupilDirectory()
        offer_id = str(uuid.uuid4())
        await PupilEventHandler(directory)(
            application_event(
                "submitted",
                "submitted",
                application_id=uuid.uuid4(),
                pupil_id=(user := uuid.uuid4()),
                offer_id=offer_id,
                minute=1,
            )
        )
        as_pupil = Principal(user, Role.PUPIL, school_uai="0350044H", grade="3e")
        as_teacher = Principal(uuid.uuid4(), Role.TEACHER, school_uai="0350044H")

        context = await directory.context_for(as_pupil)

        assert await directory.context_for(as_teacher) is None
        assert context is not None
        assert context.applied_offer_ids == frozenset({offer_id})
        assert context.school is not None
        assert context.school.location == Point(48.6509, -2.00601)


class TestSuggestions:
    def test_wider_radius_then_without_keyword(self) -> None:
        query = SearchQuery(keyword="astronaute", point=Point(48, 2), radius_km=10)

        tries = suggestion_queries(query)

        assert [(k, q.radius_km, q.keyword) for k, q in tries] == [
            ("wider_radius", 60, "astronaute"),
            ("without_keyword", 60, None),
        ]

    def test_nothing_to_suggest_without_place_nor_keyword(self) -> None:
        assert suggestion_queries(SearchQuery()) == []


class TestRequestBody:
    def test_hiding_rules_apply_to_everyone(self) -> None:
        filters = search_body(SearchQuery(), TODAY)["query"]["bool"]["filter"]

        assert {"term": {"visible": True}} in filters
        assert {"range": {"last_open_week": {"gte": "2026-W48"}}} in filters

    def test_weeks_asked_for_must_have_a_seat_left(self) -> None:
        query = SearchQuery(weeks=("2027-W03", "2027-W04"))

        filters = search_body(query, TODAY)["query"]["bool"]["filter"]

        assert {"terms": {"open_weeks": ["2027-W03", "2027-W04"]}} in filters

    def test_a_pupil_sees_offers_reserved_to_their_school_only(self) -> None:
        viewer = Viewer("0350044H", frozenset({"o1"}))

        body = search_body(SearchQuery(viewer=viewer), TODAY)["query"]["bool"]

        reserved = body["filter"][2]["bool"]["should"]
        assert {"term": {"reserved_school_uais": "0350044H"}} in reserved
        assert body["must_not"] == [{"ids": {"values": ["o1"]}}]

    def test_page_three_starts_at_the_61st_result(self) -> None:
        body = search_body(SearchQuery(page=3), TODAY)

        assert (body["from"], body["size"]) == (60, 30)

    def test_sector_filter_spares_the_facets(self) -> None:
        body = search_body(SearchQuery(sector_ids=("s1",)), TODAY)

        assert body["post_filter"] == {"terms": {"sector_id": ["s1"]}}
        assert "sectors" in body["aggs"]

    def test_iso_week_is_zero_padded(self) -> None:
        assert iso_week(dt.date(2027, 1, 5)) == "2027-W01"
