"""The search API: open to visitors; a pupil's token brings their defaults."""

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kit.auth import Principal, TokenError, TokenVerifier
from kit.http import error_body
from search.domain.errors import InvalidSearch, SearchError
from search.domain.places import Gazetteer
from search.domain.query import MAX_RADIUS_KM, Sort
from search.engine import OfferIndex
from search.handlers import (
    SearchRequest,
    build_query,
    complete_keyword,
    search_offers,
)
from search.pupils import PupilContext, PupilContextProvider
from search.schemas import KeywordSuggestion, PlaceSuggestion, SearchPage

router = APIRouter(tags=["recherche"])
_bearer = HTTPBearer(auto_error=False)
ERROR_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "Jeton invalide ou expiré"},
    422: {"description": "Critères invalides ou lieu introuvable"},
    503: {"description": "Recherche momentanément indisponible"},
}


class InvalidToken(SearchError):
    code = "token_invalid"
    status = 401


def offer_index(request: Request) -> OfferIndex:
    index: OfferIndex = request.app.state.offer_index
    return index


def gazetteer(request: Request) -> Gazetteer:
    places: Gazetteer = request.app.state.gazetteer
    return places


async def pupil_context(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> PupilContext | None:
    """Visitors need no token; a token given must be valid."""
    if credentials is None:
        return None
    verifier: TokenVerifier | None = request.app.state.token_verifier
    if verifier is None:
        raise InvalidToken("Les jetons ne peuvent pas être vérifiés ici.")
    try:
        principal: Principal = verifier.verify(credentials.credentials)
    except TokenError as exc:
        raise InvalidToken(exc.message) from exc
    provider: PupilContextProvider = request.app.state.pupil_contexts
    return await provider.context_for(principal)


IndexDep = Annotated[OfferIndex, Depends(offer_index)]
GazetteerDep = Annotated[Gazetteer, Depends(gazetteer)]
PupilDep = Annotated[PupilContext | None, Depends(pupil_context)]
WEEK = r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"


@router.get("/offers/search", response_model=SearchPage, responses=ERROR_RESPONSES)
async def search(
    index: IndexDep,
    places: GazetteerDep,
    pupil: PupilDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    place: Annotated[str | None, Query(max_length=120)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_km: Annotated[float | None, Query(ge=0, le=MAX_RADIUS_KM)] = None,
    sector: Annotated[list[str] | None, Query()] = None,
    week: Annotated[list[str] | None, Query()] = None,
    grade: Annotated[str | None, Query(pattern=r"^(4e|3e|2de)$")] = None,
    public: bool | None = None,
    remote: bool | None = None,
    accessible: bool | None = None,
    sort: Sort | None = None,
    page: Annotated[int, Query(ge=1, le=300)] = 1,
) -> Response:
    """Cherche des offres: mot-clé, lieu et rayon, secteurs, semaines, niveau."""
    request = SearchRequest(
        keyword=q,
        place=place,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        sector_ids=tuple(sector or ()),
        weeks=_weeks(week),
        grade=grade,
        is_public=public,
        remote=remote,
        accessible=accessible,
        sort=sort,
        page=page,
    )
    query = build_query(request, places, pupil)
    found = await search_offers(query, index, today=dt.date.today())
    # Serialised by pydantic-core in one step: FastAPI's generic path (validate
    # again, encode, dump) was a third of the request's own CPU time.
    return Response(found.model_dump_json(), media_type="application/json")


def _weeks(weeks: list[str] | None) -> tuple[str, ...]:
    if any(not re.match(WEEK, week) for week in weeks or ()):
        raise InvalidSearch("Semaine invalide: attendu AAAA-Wnn, par exemple 2027-W03.")
    return tuple(weeks or ())


@router.get(
    "/offers/autocomplete",
    response_model=list[KeywordSuggestion],
    responses={503: ERROR_RESPONSES[503]},
)
async def autocomplete_keyword(
    index: IndexDep, q: Annotated[str, Query(max_length=100)]
) -> list[KeywordSuggestion]:
    """Propose des intitulés d'offres au fil de la frappe."""
    return await complete_keyword(q, index, today=dt.date.today())


@router.get("/places/autocomplete", response_model=list[PlaceSuggestion])
async def autocomplete_place(
    places: GazetteerDep, q: Annotated[str, Query(max_length=100)]
) -> list[PlaceSuggestion]:
    """Propose des communes (nom ou code postal) au fil de la frappe."""
    return [PlaceSuggestion(**vars(p)) for p in places.complete(q)]


def install(app: FastAPI) -> None:
    app.include_router(router)

    @app.exception_handler(SearchError)
    async def search_error(_: Request, exc: SearchError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)
