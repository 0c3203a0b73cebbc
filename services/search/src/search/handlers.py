"""Use cases of the read path: search (with defaults and suggestions), autocomplete."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from search.domain.errors import InvalidSearch, OfferNotFound
from search.domain.places import Gazetteer
from search.domain.query import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    PAGE_SIZE,
    SECTOR_FACET_SEPARATOR,
    Point,
    SearchQuery,
    Sort,
    Viewer,
    keyword_completion_body,
    search_body,
)
from search.engine import OfferIndex
from search.pupils import PupilContext
from search.schemas import (
    AppliedCriteria,
    KeywordSuggestion,
    OfferDetail,
    OfferHit,
    SearchPage,
    SectorFacet,
)


@dataclass(frozen=True)
class SearchRequest:
    """The criteria as given; anything left out may take a pupil's default."""

    keyword: str | None = None
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    sector_ids: tuple[str, ...] = ()
    weeks: tuple[str, ...] = ()
    grade: str | None = None
    is_public: bool | None = None
    remote: bool | None = None
    accessible: bool | None = None
    sort: Sort | None = None
    page: int = 1


def resolve_point(request: SearchRequest, gazetteer: Gazetteer) -> Point | None:
    if (request.lat is None) != (request.lon is None):
        raise InvalidSearch("Donnez la latitude et la longitude ensemble.")
    if request.lat is not None and request.lon is not None:
        return Point(request.lat, request.lon)
    if request.place:
        place = gazetteer.resolve(request.place)
        return Point(place.lat, place.lon)
    return None


def build_query(
    request: SearchRequest, gazetteer: Gazetteer, pupil: PupilContext | None
) -> SearchQuery:
    """The query, with a pupil's defaults for what they left out: around their
    school, within its perimeter (60 km until it registers; all of France when it
    allows national search), its internship weeks, the pupil's grade."""
    point = resolve_point(request, gazetteer)
    school = pupil.school if pupil else None
    radius = request.radius_km
    if radius is None:
        radius = DEFAULT_RADIUS_KM
        if point is None and school is not None and school.location is not None:
            point, radius = school.location, school.default_radius_km
    elif point is None and school is not None:
        point = school.location
    weeks = request.weeks or (school.internship_weeks if school else ())
    return SearchQuery(
        keyword=(request.keyword or "").strip() or None,
        point=point,
        radius_km=radius,
        sector_ids=request.sector_ids,
        weeks=weeks,
        grade=request.grade or (pupil.grade if pupil else None),
        is_public=request.is_public,
        remote=request.remote,
        accessible=request.accessible,
        sort=request.sort,
        page=request.page,
        viewer=_viewer(pupil),
    )


def _viewer(pupil: PupilContext | None) -> Viewer:
    if pupil is None:
        return Viewer()
    uai = pupil.school.uai if pupil.school else None
    return Viewer(school_uai=uai, applied_offer_ids=pupil.applied_offer_ids)


def suggestion_queries(query: SearchQuery) -> list[tuple[str, SearchQuery]]:
    """When nothing matches: the widest radius first, then also without keyword."""
    tries: list[tuple[str, SearchQuery]] = []
    radius = query.radius_km
    if query.point is not None and radius is not None and radius < MAX_RADIUS_KM:
        query = query.replace(radius_km=MAX_RADIUS_KM, page=1)
        tries.append(("wider_radius", query))
    if query.keyword:
        tries.append(("without_keyword", query.replace(keyword=None, page=1)))
    return tries


async def search_offers(
    query: SearchQuery, index: OfferIndex, *, today: dt.date
) -> SearchPage:
    """Exact words first (the cheap query); typo tolerance only when they find
    nothing; then, on the first page, suggestions."""
    page = await _run(query, index, today)
    if not page.total and query.keyword and not query.typo_tolerant:
        query = query.replace(typo_tolerant=True)
        page = await _run(query, index, today)
    if page.total or query.page > 1:
        return page
    for kind, wider in suggestion_queries(query):
        suggested = await _run(wider, index, today)
        if suggested.total:
            return suggested.model_copy(
                update={"is_suggestion": True, "suggestion_kind": kind}
            )
    return page


async def _run(query: SearchQuery, index: OfferIndex, today: dt.date) -> SearchPage:
    return to_page(query, await index.search(search_body(query, today)))


def to_page(query: SearchQuery, reply: dict[str, Any]) -> SearchPage:
    hits = reply["hits"]
    return SearchPage(
        total=hits["total"]["value"],
        total_is_lower_bound=hits["total"]["relation"] == "gte",
        page=query.page,
        page_size=PAGE_SIZE,
        results=[_hit(hit, query) for hit in hits["hits"]],
        facets=[
            _facet(bucket) for bucket in reply["aggregations"]["sectors"]["buckets"]
        ],
        criteria=AppliedCriteria(
            keyword=query.keyword,
            lat=query.point.lat if query.point else None,
            lon=query.point.lon if query.point else None,
            radius_km=query.radius_km if query.point else None,
            weeks=list(query.weeks),
            grade=query.grade,
            sort=query.effective_sort,
            typo_tolerant=query.typo_tolerant,
        ),
    )


def _facet(bucket: dict[str, Any]) -> SectorFacet:
    sector_id, _, name = bucket["key"].partition(SECTOR_FACET_SEPARATOR)
    return SectorFacet(sector_id=sector_id, sector_name=name, count=bucket["doc_count"])


def _hit(hit: dict[str, Any], query: SearchQuery) -> OfferHit:
    source = hit["_source"]
    distance = None
    if query.effective_sort == "distance" and hit.get("sort"):
        distance = round(float(hit["sort"][0]), 3)
    return OfferHit(
        **{k: v for k, v in source.items() if k in OfferHit.model_fields},
        lat=source["location"]["lat"],
        lon=source["location"]["lon"],
        distance_km=distance,
    )


async def complete_keyword(
    prefix: str, index: OfferIndex, *, today: dt.date, limit: int = 8
) -> list[KeywordSuggestion]:
    if not prefix.strip():
        return []
    reply = await index.search(
        keyword_completion_body(prefix, limit=limit, today=today)
    )
    return [
        KeywordSuggestion(text=h["_source"]["title"]) for h in reply["hits"]["hits"]
    ]


async def offer_detail(offer_id: str, index: OfferIndex) -> OfferDetail:
    """A visible offer by id; a hidden, removed or unknown one is not found."""
    filters = [{"term": {"offer_id": offer_id}}, {"term": {"visible": True}}]
    body = {"size": 1, "query": {"bool": {"filter": filters}}}
    hits = (await index.search(body))["hits"]["hits"]
    if not hits:
        raise OfferNotFound()
    source = hits[0]["_source"]
    return OfferDetail(
        **{k: v for k, v in source.items() if k in OfferDetail.model_fields},
        lat=source["location"]["lat"],
        lon=source["location"]["lon"],
    )
