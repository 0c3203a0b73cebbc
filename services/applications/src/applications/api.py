"""HTTP API of the applications service."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from applications import handlers, queries
from applications.db import SqlUnitOfWork
from applications.domain import errors
from applications.domain.model import Action, Actor, ActorKind, Application
from kit.auth import SCHOOL_STAFF_ROLES, Principal, PrincipalDep, Role
from kit.http import error_body

router = APIRouter(tags=["candidatures"])

STATUS_OF_CODE = {
    "application_not_found": 404,
    "not_a_party": 403,
    "transition_forbidden": 403,
    "weeks_required": 422,
    "motivation_required": 422,
    "reason_required": 422,
    "transfer_target_required": 422,
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Vous n'êtes pas partie à cette candidature."},
    404: {"description": "Candidature introuvable."},
    409: {"description": "Refusée par une règle (autorisation, semaine, places...)."},
    422: {"description": "Demande incomplète."},
}


class ApplicationIn(BaseModel):
    offer_id: uuid.UUID
    weeks: list[str] = Field(min_length=1, max_length=2, examples=[["2027-W03"]])
    motivation: str = Field(max_length=5000)


class DecisionIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)
    transfer_to: uuid.UUID | None = None


class ApplicationOut(BaseModel):
    id: uuid.UUID
    offer_id: uuid.UUID
    pupil_id: uuid.UUID
    weeks: list[str]
    status: str
    submitted_at: datetime
    status_changed_at: datetime | None = None
    motivation: str


PATH_ACTIONS = Literal[
    "read", "examine", "transfer", "validate", "reject", "cancel", "approve", "restore"
]


def _uow(request: Request) -> SqlUnitOfWork:
    return SqlUnitOfWork(request.app.state.sessions, request.app.state.relay)


async def _session(request: Request) -> Any:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with sessions() as session:
        yield session


UowDep = Annotated[SqlUnitOfWork, Depends(_uow)]
SessionDep = Annotated[AsyncSession, Depends(_session)]


def _actor(principal: Principal) -> Actor:
    if principal.role is Role.PUPIL:
        return Actor(ActorKind.PUPIL, principal.user_id)
    if principal.role in (Role.EMPLOYER, Role.OPERATOR):
        return Actor(ActorKind.EMPLOYER, principal.user_id)
    raise errors.NotAParty()


def _team(principal: Principal) -> uuid.UUID:
    """An employer without a team is a team of one, as in the offers service."""
    return principal.team_id or principal.user_id


def _action(path_action: str, actor: Actor) -> Action:
    if path_action == "cancel":
        pupil = actor.kind is ActorKind.PUPIL
        return Action.CANCEL_BY_PUPIL if pupil else Action.CANCEL_BY_EMPLOYER
    return Action(path_action)


def _out(application: Any) -> ApplicationOut:
    return ApplicationOut.model_validate(application, from_attributes=True)


@router.post("/applications", status_code=201, responses=ERROR_RESPONSES)
async def submit(
    body: ApplicationIn, principal: PrincipalDep, uow: UowDep
) -> ApplicationOut:
    """Un élève postule à une offre pour une ou deux semaines."""
    if principal.role is not Role.PUPIL:
        raise errors.NotAParty("Seuls les élèves peuvent postuler.")
    cmd = handlers.SubmitApplication(
        principal.user_id, body.offer_id, tuple(body.weeks), body.motivation
    )
    application = await handlers.submit(cmd, uow, now=datetime.now(UTC))
    return _out(application)


@router.post("/applications/{application_id}/{action}", responses=ERROR_RESPONSES)
async def decide(
    application_id: uuid.UUID,
    action: PATH_ACTIONS,
    body: DecisionIn,
    principal: PrincipalDep,
    uow: UowDep,
) -> ApplicationOut:
    """Fait avancer une candidature : lire, étudier, accepter, refuser, confirmer..."""
    actor = _actor(principal)
    cmd = handlers.Decide(
        application_id,
        _action(action, actor),
        actor,
        team_id=_team(principal),
        reason=body.reason,
        transfer_to=body.transfer_to,
    )
    return _out(await handlers.decide(cmd, uow, now=datetime.now(UTC)))


@router.get("/applications/mine")
async def mine(principal: PrincipalDep, session: SessionDep) -> list[ApplicationOut]:
    """Les candidatures de l'élève connecté."""
    rows = await queries.of_pupil(session, principal.user_id)
    return [ApplicationOut.model_validate(row) for row in rows]


@router.get("/offers/{offer_id}/applications", responses=ERROR_RESPONSES)
async def inbox(
    offer_id: uuid.UUID,
    principal: PrincipalDep,
    session: SessionDep,
    uow: UowDep,
    status: Annotated[list[str] | None, Query()] = None,
) -> list[ApplicationOut]:
    """Les candidatures reçues pour une offre, pour l'équipe de l'employeur."""
    async with uow:
        offer = await uow.views.offer(offer_id)
    if offer is None or offer.team_id is None or offer.team_id != _team(principal):
        raise errors.NotAParty("Cette offre n'appartient pas à votre équipe.")
    rows = await queries.of_offer(session, offer_id, statuses=status)
    return [ApplicationOut.model_validate(row) for row in rows]


class BulkDecisionIn(BaseModel):
    application_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
    action: Literal["read", "examine", "validate", "reject", "cancel"]
    reason: str | None = Field(default=None, max_length=2000)


class BulkResult(BaseModel):
    id: uuid.UUID
    status: str | None = None
    error: dict[str, str] | None = None


@router.post("/offers/{offer_id}/applications/decisions", responses=ERROR_RESPONSES)
async def decide_many(
    offer_id: uuid.UUID, body: BulkDecisionIn, principal: PrincipalDep, request: Request
) -> list[BulkResult]:
    """Décide de plusieurs candidatures d'une offre ; chacune aboutit ou non seule."""
    actor = _actor(principal)
    action, team = _action(body.action, actor), _team(principal)
    cmds = [
        handlers.Decide(i, action, actor, team, body.reason, offer_id=offer_id)
        for i in body.application_ids
    ]
    outcomes = await handlers.decide_many(
        cmds, lambda: _uow(request), now=datetime.now(UTC)
    )
    return [
        _bulk_result(cmd.application_id, out)
        for cmd, out in zip(cmds, outcomes, strict=True)
    ]


def _bulk_result(
    application_id: uuid.UUID, outcome: Application | errors.ApplicationsError
) -> BulkResult:
    if isinstance(outcome, errors.ApplicationsError):
        return BulkResult(
            id=application_id, error={"code": outcome.code, "message": outcome.message}
        )
    return BulkResult(id=application_id, status=outcome.status.value)


class CvIn(BaseModel):
    education: str = Field(default="", max_length=3000)
    languages: str = Field(default="", max_length=1000)
    interests: str = Field(default="", max_length=3000)


class CvOut(CvIn):
    updated_at: datetime | None = None


def _pupil(principal: Principal) -> uuid.UUID:
    if principal.role is not Role.PUPIL:
        raise errors.NotAParty("Réservé aux élèves.")
    return principal.user_id


@router.get("/cv")
async def read_cv(principal: PrincipalDep, session: SessionDep) -> CvOut:
    """Le CV de l'élève connecté (formation, langues, centres d'intérêt)."""
    return CvOut.model_validate(await queries.cv(session, _pupil(principal)))


@router.put("/cv")
async def write_cv(body: CvIn, principal: PrincipalDep, session: SessionDep) -> CvOut:
    """Enregistre le CV de l'élève connecté."""
    await queries.save_cv(session, _pupil(principal), body.model_dump())
    return CvOut.model_validate(await queries.cv(session, principal.user_id))


class FollowUpOut(BaseModel):
    pupil_id: uuid.UUID
    class_id: uuid.UUID | None
    state: Literal["nothing_yet", "applied", "accepted", "confirmed"]
    applications: int


@router.get("/schools/{uai}/follow-up", responses=ERROR_RESPONSES)
async def follow_up(
    uai: str,
    principal: PrincipalDep,
    session: SessionDep,
    class_id: uuid.UUID | None = None,
) -> list[FollowUpOut]:
    """Suivi des élèves d'un établissement, ou d'une classe : où en est chacun."""
    if principal.role not in SCHOOL_STAFF_ROLES or principal.school_uai != uai:
        raise errors.NotAParty(
            "Ce suivi est réservé aux personnels de l'établissement."
        )
    rows = await queries.follow_up(session, school_uai=uai, class_id=class_id)
    return [FollowUpOut.model_validate(row) for row in rows]


def install(app: FastAPI) -> None:
    """Adds the routes and the one mapping from domain errors to HTTP answers."""
    app.include_router(router)

    @app.exception_handler(errors.ApplicationsError)
    async def domain_error(_: Request, exc: errors.ApplicationsError) -> JSONResponse:
        status = STATUS_OF_CODE.get(exc.code, 409)
        return JSONResponse(error_body(exc.code, exc.message), status_code=status)
