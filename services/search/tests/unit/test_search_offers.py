import datetime as dt
from typing import Any, cast

import pytest

from search.domain.query import Point, SearchQuery
from search.engine import OfferIndex
from search.handlers import search_offers

pytestmark = pytest.mark.asyncio(loop_scope="session")
TODAY = dt.date(2026, 11, 24)
HIT = {
    "_source": {
        "offer_id": "o1", "title": "Boulanger", "employer_name": "Fournil",
        "sector_id": "s1", "sector_name": "Mode", "city": "Paris",
        "postal_code": "75015", "is_public": False, "remote": False,
        "accessible": True, "weeks": ["2027-W03"], "grades": ["3e"],
        "seats": 2, "full_weeks": [], "location": {"lat": 48.8, "lon": 2.3},
    },
    "sort": [1.234567, "o1"],
}  # fmt: skip


class ScriptedIndex:
    """Finds the offer only for requests `matches` accepts; records every body."""

    def __init__(self, matches: Any) -> None:
        self.matches = matches
        self.bodies: list[dict[str, Any]] = []

    async def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        hits = [HIT] if self.matches(body) else []
        return {
            "hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits},
            "aggregations": {
                "sectors": {"buckets": [{"key": "s1|Mode", "doc_count": len(hits)}]}
            },
        }


def fuzzy(body: dict[str, Any]) -> bool:
    return "fuzziness" in str(body["query"])


def radius(body: dict[str, Any]) -> str:
    (geo,) = [f for f in body["query"]["bool"]["filter"] if "geo_distance" in f]
    return str(geo["geo_distance"]["distance"])


async def run(index: ScriptedIndex, query: SearchQuery) -> Any:
    return await search_offers(query, cast(OfferIndex, index), today=TODAY)


async def test_exact_words_first_then_typo_tolerance() -> None:
    index = ScriptedIndex(fuzzy)

    page = await run(index, SearchQuery(keyword="boulnager"))

    assert [fuzzy(body) for body in index.bodies] == [False, True]
    assert (page.total, page.is_suggestion) == (1, False)
    assert page.criteria.typo_tolerant is True


async def test_a_found_page_is_not_a_suggestion_and_carries_facets() -> None:
    index = ScriptedIndex(lambda body: True)

    page = await run(index, SearchQuery(point=Point(48.8, 2.3)))

    assert len(index.bodies) == 1
    assert page.results[0].distance_km == 1.235
    assert [(f.sector_id, f.sector_name, f.count) for f in page.facets] == [
        ("s1", "Mode", 1)
    ]


async def test_suggestions_are_flagged_with_their_kind() -> None:
    index = ScriptedIndex(lambda body: radius(body) == "60000m")
    query = SearchQuery(keyword="astronaute", point=Point(48.8, 2.3), radius_km=5)

    page = await run(index, query)

    assert [radius(b) for b in index.bodies] == ["5000m", "5000m", "60000m"]
    assert (page.is_suggestion, page.suggestion_kind) == (True, "wider_radius")


async def test_later_pages_never_turn_into_suggestions() -> None:
    index = ScriptedIndex(lambda body: False)

    page = await run(index, SearchQuery(keyword="x", point=Point(48, 2), page=2))

    assert (page.total, page.is_suggestion, len(index.bodies)) == (0, False, 2)
