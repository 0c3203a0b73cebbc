"""Employer HTTP API: offers of the caller's team, and the admin's daily job."""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from contracts.offers.v1 import OfferStatus
from kit.auth import Principal, PrincipalDep, Role
from offers import handlers
from offers.db import UnitOfWork, now_utc
from offers.domain.errors import ErrorKind
from offers.domain.lifecycle import Offer
from offers.domain.model import OfferContent
from offers.geodata import sectors
from offers.handlers import Catalog, Owner

STATUS_OF_KIND = {
    ErrorKind.INVALID: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.CONFLICT: 409,
}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Non connecté ou jeton invalide"},
    403: {"description": "Offre d'une autre équipe, ou rôle non autorisé"},
    404: {"description": "Offre inconnue"},
    409: {"description": "Changement d'état impossible"},
    422: {"description": "Offre invalide (code stable et message en français)"},
}


def _uow(request: Request) -> UnitOfWork:
    factory: Callable[[], UnitOfWork] = request.app.state.uow_factory
    return factory()


def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


UowDep = Annotated[UnitOfWork, Depends(_uow)]
CatalogDep = Annotated[Catalog, Depends(_catalog)]


def require(*roles: Role) -> Callable[[Principal], Principal]:
    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            raise HTTPException(
                403,
                detail={
                    "code": "role_forbidden",
                    "message": "Votre profil ne permet pas cette action.",
                },
            )
        return principal

    return check


def _owner(principal: Annotated[Principal, Depends(require(Role.EMPLOYER))]) -> Owner:
    # An employer without a team works alone: their own id is their team.
    return Owner(principal.team_id or principal.user_id)


OwnerDep = Annotated[Owner, Depends(_owner)]
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]


class OfferView(BaseModel):
    id: uuid.UUID
    status: str
    version: int
    school_year: int
    sector_name: str
    department_code: str
    latitude: float
    longitude: float
    placement: str
    copied_from: uuid.UUID | None
    content: OfferContent

    @classmethod
    def of(cls, offer: Offer) -> "OfferView":
        return cls(
            id=offer.id,
            status=offer.status,
            version=offer.version,
            school_year=offer.school_year,
            sector_name=offer.sector_name,
            department_code=offer.placement.department_code,
            latitude=offer.placement.location.lat,
            longitude=offer.placement.location.lon,
            placement=offer.placement.precision,
            copied_from=offer.copied_from,
            content=offer.content,
        )


class SectorView(BaseModel):
    id: int
    sector_uuid: uuid.UUID
    name: str


router = APIRouter(tags=["offres"], responses=ERRORS)


@router.post("/offers", status_code=201, summary="Déposer une offre (brouillon)")
async def create(
    body: OfferContent,
    owner: OwnerDep,
    uow: UowDep,
    catalog: CatalogDep,
    publish: bool = False,
) -> OfferView:
    """Crée l'offre en brouillon, ou publiée directement avec `publish=true`."""
    offer = await handlers.create_offer(
        uow, body, catalog, owner=owner, publish_now=publish
    )
    return OfferView.of(offer)


@router.get("/offers", summary="Offres de mon équipe")
async def list_team_offers(
    owner: OwnerDep,
    uow: UowDep,
    status: OfferStatus | None = None,
    school_year: int | None = None,
) -> list[OfferView]:
    """Les offres non supprimées de l'équipe, filtrées par état ou année scolaire."""
    offers = await handlers.list_offers(uow, owner=owner)
    return [
        OfferView.of(o)
        for o in offers
        if status in (None, o.status) and school_year in (None, o.school_year)
    ]


@router.get("/offers/{offer_id}", summary="Une offre de mon équipe")
async def read(offer_id: uuid.UUID, owner: OwnerDep, uow: UowDep) -> OfferView:
    """Une offre de l'équipe."""
    return OfferView.of(await handlers.get_offer(uow, offer_id, owner=owner))


@router.put("/offers/{offer_id}", summary="Modifier une offre")
async def edit(
    offer_id: uuid.UUID,
    body: OfferContent,
    owner: OwnerDep,
    uow: UowDep,
    catalog: CatalogDep,
) -> OfferView:
    """Remplace le contenu de l'offre; son état ne change pas."""
    offer = await handlers.edit_offer(uow, offer_id, body, catalog, owner=owner)
    return OfferView.of(offer)


def _transition_route(name: str, path: str, summary: str) -> None:
    async def route(offer_id: uuid.UUID, owner: OwnerDep, uow: UowDep) -> OfferView:
        offer = await handlers.change_status(uow, offer_id, name, owner=owner)
        return OfferView.of(offer)

    route.__doc__ = summary
    router.post(f"/offers/{{offer_id}}/{path}", summary=summary, name=name)(route)


_transition_route("publish", "publish", "Publier une offre")
_transition_route("unpublish", "unpublish", "Retirer une offre de la recherche")
_transition_route("remove", "remove", "Supprimer une offre")


@router.post(
    "/offers/{offer_id}/duplicate", status_code=201, summary="Dupliquer une offre"
)
async def duplicate(offer_id: uuid.UUID, owner: OwnerDep, uow: UowDep) -> OfferView:
    """Copie l'offre en brouillon, pour la même année scolaire."""
    return OfferView.of(await handlers.duplicate_offer(uow, offer_id, owner=owner))


@router.post(
    "/offers/{offer_id}/renew", status_code=201, summary="Renouveler une offre"
)
async def renew(
    offer_id: uuid.UUID, owner: OwnerDep, uow: UowDep, catalog: CatalogDep
) -> OfferView:
    """Copie l'offre en brouillon pour l'année scolaire suivante."""
    offer = await handlers.renew_offer(uow, offer_id, catalog, owner=owner)
    return OfferView.of(offer)


@router.get("/sectors", summary="Secteurs d'activité")
async def list_sectors() -> list[SectorView]:
    """Les secteurs d'activité : la nomenclature ONISEP, puis les secteurs que les
    offres réelles emploient en plus (fonction publique, santé…)."""
    return [SectorView(id=s.number, sector_uuid=s.id, name=s.name) for s in sectors()]


@router.post("/admin/jobs/flag-stale", summary="Signaler les offres à mettre à jour")
async def flag_stale(_: AdminDep, uow: UowDep) -> dict[str, int]:
    """Le travail quotidien, à la demande: offres passées ou complètes."""
    flagged = await handlers.flag_stale_offers(uow, today=now_utc().date())
    return {"flagged": flagged}
