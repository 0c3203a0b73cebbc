"""The search API: open to visitors; a pupil's token brings their defaults."""

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

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
    offer_detail,
    search_offers,
)
from search.pupils import PupilContext, PupilContextProvider
from search.schemas import (
    KeywordSuggestion,
    OfferDetail,
    PlaceSuggestion,
    SearchPage,
)

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


class SearchParams(BaseModel):
    """Critères de recherche; ceux qui manquent prennent les défauts d'un élève."""

    q: str | None = Field(default=None, max_length=200, description="Mot-clé.")
    place: str | None = Field(
        default=None, max_length=120, description="Commune ou code postal."
    )
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float | None = Field(default=None, ge=0, le=MAX_RADIUS_KM)
    sector: list[str] = Field(default=[], description="Identifiants de secteurs.")
    week: list[Annotated[str, Field(pattern=WEEK)]] = Field(
        default=[], description="Semaines ISO, par exemple 2027-W03."
    )
    grade: Literal["4e", "3e", "2de"] | None = None
    public: bool | None = None
    remote: bool | None = None
    accessible: bool | None = None
    sort: Sort | None = None
    page: int = Field(default=1, ge=1, le=300)

    def to_request(self) -> SearchRequest:
        return SearchRequest(
            keyword=self.q, place=self.place, lat=self.lat, lon=self.lon,
            radius_km=self.radius_km, sector_ids=tuple(self.sector),
            weeks=tuple(self.week), grade=self.grade, is_public=self.public,
            remote=self.remote, accessible=self.accessible, sort=self.sort,
            page=self.page,
        )  # fmt: skip


@router.get("/offers/search", response_model=SearchPage, responses=ERROR_RESPONSES)
async def search(
    index: IndexDep,
    places: GazetteerDep,
    pupil: PupilDep,
    params: Annotated[SearchParams, Query()],
) -> Response:
    """Cherche des offres: mot-clé, lieu et rayon, secteurs, semaines, niveau."""
    query = build_query(params.to_request(), places, pupil)
    found = await search_offers(query, index, today=dt.date.today())
    # Serialised by pydantic-core in one step: FastAPI's generic path (validate
    # again, encode, dump) was a third of the request's own CPU time.
    return Response(found.model_dump_json(), media_type="application/json")


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


@router.get(
    "/offers/{offer_id}",
    response_model=OfferDetail,
    responses={
        404: {"description": "Offre inconnue ou retirée"},
        503: ERROR_RESPONSES[503],
    },
)
async def read_offer(offer_id: str, index: IndexDep) -> OfferDetail:
    """Une offre visible, pour sa page publique."""
    return await offer_detail(offer_id, index)


def install(app: FastAPI) -> None:
    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(part) for part in e["loc"][1:]) for e in exc.errors()]
        return JSONResponse(
            error_body(
                InvalidSearch.code,
                "Critères de recherche invalides: " + ", ".join(fields) + ".",
                fields=fields,
            ),
            status_code=422,
        )

    @app.exception_handler(SearchError)
    async def search_error(_: Request, exc: SearchError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)
