"""What a search asks for, and the OpenSearch request that answers it (pure)."""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

PAGE_SIZE = 30
TOTAL_HITS_CAP = 10_000
SECTOR_FACET_SEPARATOR = "|"
MAX_RADIUS_KM = 60
DEFAULT_RADIUS_KM = 30
TEXT_FIELDS = ("title^3", "employer_name^2", "description")
PREFIX_FIELDS = ("title.prefix^2", "employer_name.prefix")

Sort = Literal["distance", "relevance"]


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Viewer:
    """Who searches, as far as hiding rules go: a visitor, or a pupil."""

    school_uai: str | None = None
    applied_offer_ids: frozenset[str] = frozenset()


VISITOR = Viewer()


@dataclass(frozen=True)
class SearchQuery:
    keyword: str | None = None
    point: Point | None = None
    radius_km: float | None = DEFAULT_RADIUS_KM
    """None: no distance limit (a pupil's national search), still nearest first."""
    sector_ids: tuple[str, ...] = ()
    weeks: tuple[str, ...] = ()
    grade: str | None = None
    is_public: bool | None = None
    remote: bool | None = None
    accessible: bool | None = None
    sort: Sort | None = None
    page: int = 1
    viewer: Viewer = field(default=VISITOR)
    typo_tolerant: bool = False

    @property
    def effective_sort(self) -> Sort:
        if self.sort == "distance" and self.point is None:
            return "relevance"
        return self.sort or ("distance" if self.point else "relevance")

    def replace(self, **changes: Any) -> "SearchQuery":
        return dataclasses.replace(self, **changes)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def keyword_clause(keyword: str, *, typo_tolerant: bool) -> dict[str, Any]:
    """The words (stemmed, accents folded), or the start of a word being typed;
    with `typo_tolerant`, words one or two letters off too."""
    words: dict[str, Any] = {
        "query": keyword,
        "fields": list(TEXT_FIELDS),
        "operator": "and",
    }
    if typo_tolerant:
        # A typo is rarely in the first two letters; fixing them and capping
        # expansions keeps the fuzzy query affordable.
        words |= {"fuzziness": "AUTO", "prefix_length": 2, "max_expansions": 10}
    return {
        "bool": {
            "should": [
                {"multi_match": words},
                {
                    "multi_match": {
                        "query": keyword,
                        "fields": list(PREFIX_FIELDS),
                        "operator": "and",
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def visibility_filters(viewer: Viewer, today: dt.date) -> list[dict[str, Any]]:
    """Rules that hold for every search: published, a week to come with a seat
    left, and not reserved to another school."""
    reserved_ok: list[dict[str, Any]] = [
        {"bool": {"must_not": {"exists": {"field": "reserved_school_uais"}}}}
    ]
    if viewer.school_uai:
        reserved_ok.append({"term": {"reserved_school_uais": viewer.school_uai}})
    return [
        {"term": {"visible": True}},
        {"range": {"last_open_week": {"gte": iso_week(today)}}},
        {"bool": {"should": reserved_ok, "minimum_should_match": 1}},
    ]


def criteria_filters(query: SearchQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if query.point is not None and query.radius_km is not None:
        filters.append(
            {
                "geo_distance": {
                    # OpenSearch wants a positive distance: 0 km means 1 m.
                    "distance": f"{max(query.radius_km * 1000, 1):.0f}m",
                    "location": {"lat": query.point.lat, "lon": query.point.lon},
                }
            }
        )
    if query.weeks:
        # At least one of the weeks asked for, with a seat left on it.
        filters.append({"terms": {"open_weeks": list(query.weeks)}})
    if query.grade:
        filters.append({"term": {"grades": query.grade}})
    for name in ("is_public", "remote", "accessible"):
        if (value := getattr(query, name)) is not None:
            filters.append({"term": {name: value}})
    return filters


def search_body(query: SearchQuery, today: dt.date) -> dict[str, Any]:
    """The request: sector filter in `post_filter` so facets count every sector."""
    bool_query: dict[str, Any] = {
        "filter": visibility_filters(query.viewer, today) + criteria_filters(query)
    }
    if query.keyword:
        bool_query["must"] = [
            keyword_clause(query.keyword, typo_tolerant=query.typo_tolerant)
        ]
    if query.viewer.applied_offer_ids:
        bool_query["must_not"] = [
            {"ids": {"values": sorted(query.viewer.applied_offer_ids)}}
        ]
    body: dict[str, Any] = {
        "query": {"bool": bool_query},
        "from": (query.page - 1) * PAGE_SIZE,
        "size": PAGE_SIZE,
        "track_total_hits": TOTAL_HITS_CAP,
        "aggs": {
            "sectors": {"terms": {"field": "sector_facet", "size": 100}},
        },
        "sort": sort_clause(query),
        "_source": {"excludes": ["description"]},
    }
    if query.sector_ids:
        body["post_filter"] = {"terms": {"sector_id": list(query.sector_ids)}}
    return body


def sort_clause(query: SearchQuery) -> list[Any]:
    if query.effective_sort == "relevance" or query.point is None:
        return ["_score", {"updated_at": "desc"}, {"offer_id": "asc"}]
    point = {"lat": query.point.lat, "lon": query.point.lon}
    # The id breaks ties, so that pages follow each other without overlap.
    return [
        {"_geo_distance": {"location": point, "order": "asc", "unit": "km"}},
        {"offer_id": "asc"},
    ]


def keyword_completion_body(
    prefix: str, *, limit: int, today: dt.date
) -> dict[str, Any]:
    """Distinct titles of open offers that start like what is being typed."""
    return {
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": prefix,
                            "fields": ["title.prefix"],
                            "operator": "and",
                        }
                    }
                ],
                "filter": visibility_filters(VISITOR, today),
            }
        },
        "collapse": {"field": "title.raw"},
        "size": limit,
        "_source": ["title"],
    }
