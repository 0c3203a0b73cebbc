"""Partner API, compatible with the predecessor's v1 and v2 contracts.

Same paths and payloads under `/api/v1` and `/api/v2`; errors are
`{code, error, status}` with the contracts' codes. v1 authenticates with the
operator's API token, v2 with the token `POST /api/v2/auth/login` returns.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from contracts.common import GeoPoint
from offers import handlers
from offers.api import CatalogDep, UowDep
from offers.db import now_utc
from offers.domain.errors import ErrorKind, OffersError
from offers.domain.lifecycle import Offer
from offers.geodata import sectors
from offers.handlers import Owner
from offers.operators import (
    LOGIN_ATTEMPTS_PER_MINUTE,
    Operator,
    OperatorStore,
    PartnerTokens,
    Throttle,
)
from offers.partner_payloads import (
    PartnerOfferIn,
    PartnerOfferOut,
    distance_m,
    new_content,
    patch_of,
)

_bearer = HTTPBearer(auto_error=False)


class PartnerError(Exception):
    def __init__(self, status: int, code: str, error: str) -> None:
        super().__init__(error)
        self.status, self.code, self.error = status, code, error

    def body(self) -> dict[str, str]:
        return {
            "code": self.code,
            "error": self.error,
            "status": STATUS_NAMES[self.status],
        }


STATUS_NAMES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    406: "conflict",  # sic: the contracts say so
    409: "conflict",
    422: "unprocessable_entity",
    429: "too_many_requests",
}


def partner_error(exc: OffersError) -> PartnerError:
    """The contracts' status and code for a domain error."""
    if exc.code == "bad_argument":
        return PartnerError(422, "BAD_ARGUMENT", exc.message)
    if exc.code == "remote_id_taken":
        return PartnerError(409, "DUPLICATE_WEEKY_FRAMED", exc.message)
    by_kind = {
        ErrorKind.INVALID: (406, "VALIDATION_ERROR"),
        ErrorKind.NOT_FOUND: (404, "NOT_FOUND"),
        ErrorKind.FORBIDDEN: (403, "FORBIDDEN"),
        ErrorKind.CONFLICT: (409, exc.code.upper()),
    }
    status, code = by_kind[exc.kind]
    return PartnerError(status, code, exc.message)


def unauthorized() -> PartnerError:
    return PartnerError(401, "UNAUTHORIZED", "Jeton d'API invalide ou absent.")


class PartnerErrorBody(BaseModel):
    """The error shape of the partner contracts."""

    code: str
    error: str
    status: str


ERROR_TEXTS = {
    401: "UNAUTHORIZED: jeton absent ou invalide",
    403: "FORBIDDEN: offre d'un autre opérateur",
    404: "NOT_FOUND: remote_id inconnu",
    406: "VALIDATION_ERROR: l'offre ne respecte pas les règles",
    409: "DUPLICATE_WEEKY_FRAMED: remote_id déjà utilisé",
    422: "BAD_ARGUMENT: paramètre manquant ou mal formé",
    429: "TOO_MANY_REQUESTS: quota par minute dépassé",
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": PartnerErrorBody, "description": text}
    for status, text in ERROR_TEXTS.items()
}


def _state(request: Request) -> tuple[OperatorStore, PartnerTokens, Throttle]:
    state = request.app.state
    return state.operators, state.partner_tokens, state.throttle


def _throttled(operator: Operator | None, throttle: Throttle) -> Operator:
    if operator is None:
        raise unauthorized()
    if not throttle.allow(operator.id, operator.quota_per_minute):
        raise PartnerError(
            429,
            "TOO_MANY_REQUESTS",
            f"Trop de requêtes: {operator.quota_per_minute} par minute au plus.",
        )
    return operator


async def v1_operator(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Operator:
    token = (
        credentials.credentials if credentials else request.query_params.get("token")
    )
    store, _, throttle = _state(request)
    return _throttled(await store.by_token(token) if token else None, throttle)


async def v2_operator(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Operator:
    store, tokens, throttle = _state(request)
    operator_id = tokens.operator_id(credentials.credentials) if credentials else None
    return _throttled(await store.by_id(operator_id) if operator_id else None, throttle)


def matches(offer: Offer, keyword: str) -> bool:
    text = f"{offer.content.title} {offer.content.description}".lower()
    return keyword.lower() in text


def build_router(version: int, auth: Callable[..., Awaitable[Operator]]) -> APIRouter:
    router = APIRouter(
        prefix=f"/api/v{version}", tags=[f"partenaires v{version}"], responses=RESPONSES
    )
    OperatorDep = Annotated[Operator, Depends(auth)]

    def owner(operator: Operator) -> Owner:
        return Owner(operator.id, source=operator.source)

    @router.post("/internship_offers", status_code=201, summary="Créer une offre")
    async def create(
        payload: Annotated[PartnerOfferIn, Body()],
        operator: OperatorDep,
        uow: UowDep,
        catalog: CatalogDep,
    ) -> PartnerOfferOut:
        """Ajoute une offre du partenaire, publiée aussitôt."""
        content = new_content(payload, version=version, today=now_utc().date())
        offer = await handlers.partner_create(
            uow,
            content,
            catalog,
            owner=owner(operator),
            remote_id=payload.remote_id or "",
        )
        return PartnerOfferOut.of(offer)

    @router.patch("/internship_offers/{remote_id}", summary="Modifier une offre")
    async def update(
        remote_id: str,
        payload: Annotated[PartnerOfferIn, Body()],
        operator: OperatorDep,
        uow: UowDep,
        catalog: CatalogDep,
    ) -> PartnerOfferOut:
        """Met à jour l'offre; `published_at: null` la retire, une date la publie."""
        patch = patch_of(payload, version=version, today=now_utc().date())
        offer = await handlers.partner_update(
            uow,
            remote_id,
            patch.merge,
            catalog,
            owner=owner(operator),
            published=patch.published,
        )
        return PartnerOfferOut.of(offer)

    @router.delete("/internship_offers/{remote_id}", summary="Supprimer une offre")
    async def remove(
        remote_id: str, operator: OperatorDep, uow: UowDep
    ) -> PartnerOfferOut:
        """Supprime l'offre (suppression logique)."""
        offer = await handlers.partner_remove(uow, remote_id, owner=owner(operator))
        return PartnerOfferOut.of(offer)

    @router.get("/internship_offers", summary="Mes offres")
    async def index(operator: OperatorDep, uow: UowDep) -> list[PartnerOfferOut]:
        """Les offres déposées par le partenaire."""
        offers = await handlers.partner_list(uow, owner=owner(operator))
        return [PartnerOfferOut.of(offer) for offer in offers]

    @router.get("/internship_offers/search", summary="Rechercher mes offres")
    async def search(
        operator: OperatorDep,
        uow: UowDep,
        latitude: float | None = None,
        longitude: float | None = None,
        radius: int = 60_000,
        keyword: str | None = None,
    ) -> list[PartnerOfferOut]:
        """Les offres du partenaire autour d'un point et/ou contenant un mot."""
        offers = await handlers.partner_list(uow, owner=owner(operator))
        if latitude is not None and longitude is not None:
            centre = GeoPoint(lat=latitude, lon=longitude)
            offers = [
                o for o in offers if distance_m(centre, o.placement.location) <= radius
            ]
        if keyword:
            word = keyword.lower()
            offers = [
                o
                for o in offers
                if word in (o.content.title + " " + o.content.description).lower()
            ]
        return [PartnerOfferOut.of(offer) for offer in offers]

    @router.get("/sectors", summary="Secteurs d'activité")
    async def list_sectors(_: OperatorDep) -> list[dict[str, Any]]:
        """Les secteurs économiques (ONISEP, puis ceux ajoutés par la plateforme)."""

        return [
            {"id": s.number, "sector_uuid": str(s.id), "name": s.name}
            for s in sectors()
        ]

    return router


class Login(BaseModel):
    email: str
    password: str


login_router = APIRouter(prefix="/api/v2", tags=["partenaires v2"])


@login_router.post("/auth/login", summary="Obtenir un jeton (24 h)")
async def login(body: Login, request: Request) -> dict[str, str]:
    """Échange l'e-mail et le mot de passe de l'opérateur contre un jeton."""
    store, tokens, throttle = _state(request)
    if not throttle.allow(("login", body.email.lower()), LOGIN_ATTEMPTS_PER_MINUTE):
        raise PartnerError(
            429, "TOO_MANY_REQUESTS", "Trop de tentatives: réessayez dans une minute."
        )
    operator = await store.login(body.email, body.password)
    if operator is None:
        raise PartnerError(401, "UNAUTHORIZED", "E-mail ou mot de passe incorrect.")
    return {"token": tokens.issue(operator)}


v1_router = build_router(1, v1_operator)
v2_router = build_router(2, v2_operator)
