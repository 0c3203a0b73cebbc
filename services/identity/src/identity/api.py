"""HTTP API of identity: thin routes over the handlers."""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from identity.api_deps import ERROR_RESPONSES, ContextDep, UowDep
from identity.db import School, User
from identity.handlers import (
    accounts,
    joining,
    operators,
    pupils,
    referents,
    schools,
)
from kit.auth import PrincipalDep, Role

router = APIRouter(responses=ERROR_RESPONSES)
Password = Annotated[str, Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class SignUpIn(BaseModel):
    first_name: Name
    last_name: Name
    password: Password
    email: str | None = None
    phone: str | None = None


class TokenIn(BaseModel):
    token: str


class LoginIn(BaseModel):
    identifier: str = Field(description="Adresse électronique ou mobile.")
    password: Password


class ResetRequestIn(BaseModel):
    identifier: str


class ResetIn(BaseModel):
    token: str
    password: Password


class RegisterSchoolIn(BaseModel):
    email: str
    password: Password
    first_name: Name
    last_name: Name


class WeeksIn(BaseModel):
    weeks: list[str]


class PerimeterIn(BaseModel):
    national_search: bool


class ClassIn(BaseModel):
    name: str = Field(max_length=60)
    grade: str


class StaffInvitationIn(BaseModel):
    email: str
    role: Role


class InvitationIn(BaseModel):
    token: str
    password: Password
    first_name: Name | None = None
    last_name: Name | None = None


class PupilIn(BaseModel):
    first_name: Name
    last_name: Name
    birth_date: date
    gender: str = Field(description="m, f ou not_said")
    email: str | None = None
    phone: str | None = None


class ReferentIn(BaseModel):
    email: str
    role: Role
    department_code: str | None = None
    academy: str | None = None
    region: str | None = None
    ministries: tuple[str, ...] = ()


class OperatorIn(BaseModel):
    name: str = Field(max_length=150)
    email: str


class AuthorisationIn(BaseModel):
    received_on: date


def _created(new_id: uuid.UUID) -> dict[str, str]:
    return {"id": str(new_id)}


def _pair(pair: accounts.TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
    }


def _school(school: School, distance_km: float | None = None) -> dict[str, Any]:
    return {
        "uai": school.uai,
        "name": school.name,
        "kind": school.kind,
        "city": school.city,
        "postal_code": school.postal_code,
        "department_code": school.department_code,
        "academy": school.academy,
        "region": school.region,
        "location": {"lat": school.lat, "lon": school.lon},
        "registered": school.registered_at is not None,
        "weeks": school.weeks or [],
        "perimeter_km": school.perimeter_km,
        "national_search": school.national_search,
    } | ({"distance_km": round(distance_km, 3)} if distance_km is not None else {})


@router.get("/.well-known/jwks.json", tags=["jetons"])
async def jwks(request: Request) -> dict[str, Any]:
    """Clés publiques qui vérifient les jetons d'accès."""
    keys: dict[str, Any] = request.app.state.context.signer.jwks()
    return keys


@router.post("/accounts", status_code=201, tags=["comptes"])
async def sign_up(body: SignUpIn, uow: UowDep, ctx: ContextDep) -> dict[str, str]:
    """Inscription d'un employeur; un lien d'activation est envoyé."""
    command = accounts.SignUp(role=Role.EMPLOYER.value, **body.model_dump())
    async with uow:
        return _created(await accounts.sign_up(command, uow, ctx))


@router.post("/accounts/activation", tags=["comptes"])
async def activate(body: TokenIn, uow: UowDep, ctx: ContextDep) -> dict[str, str]:
    """Active un compte avec le lien reçu."""
    async with uow:
        return _created(await accounts.activate(body.token, uow, ctx))


@router.post("/auth/login", tags=["jetons"])
async def login(body: LoginIn, uow: UowDep, ctx: ContextDep) -> dict[str, Any]:
    """Connexion: jeton d'accès (15 min) et jeton de rafraîchissement."""
    async with uow:
        return _pair(await accounts.login(body.identifier, body.password, uow, ctx))


@router.post("/auth/refresh", tags=["jetons"])
async def refresh(body: TokenIn, uow: UowDep, ctx: ContextDep) -> dict[str, Any]:
    """Nouvelle paire de jetons; l'ancien jeton de rafraîchissement est consommé."""
    async with uow:
        return _pair(await accounts.refresh(body.token, uow, ctx))


@router.post("/auth/logout", status_code=204, tags=["jetons"])
async def logout(body: TokenIn, uow: UowDep, ctx: ContextDep) -> None:
    """Déconnexion: la session (famille de jetons) est révoquée."""
    async with uow:
        await accounts.logout(body.token, uow, ctx)


@router.post("/passwords/reset-requests", status_code=202, tags=["comptes"])
async def request_reset(body: ResetRequestIn, uow: UowDep, ctx: ContextDep) -> None:
    """Envoie un lien de réinitialisation si le compte existe."""
    async with uow:
        await accounts.request_reset(body.identifier, uow, ctx)


@router.post("/passwords/reset", status_code=204, tags=["comptes"])
async def reset_password(body: ResetIn, uow: UowDep, ctx: ContextDep) -> None:
    """Choisit un nouveau mot de passe avec le lien reçu."""
    async with uow:
        await accounts.reset_password(body.token, body.password, uow, ctx)


@router.get("/schools", tags=["établissements"])
async def autocomplete(
    uow: UowDep, q: Annotated[str, Query(min_length=2, max_length=100)]
) -> list[dict[str, Any]]:
    """Recherche d'établissements par nom ou ville (sans accents ni casse)."""
    async with uow:
        return [_school(school) for school in await uow.schools.autocomplete(q)]


@router.get("/schools/near", tags=["établissements"])
async def near(
    uow: UowDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    radius_km: Annotated[float, Query(gt=0, le=200)] = 10,
) -> list[dict[str, Any]]:
    """Établissements autour d'un point, du plus proche au plus lointain."""
    async with uow:
        found = await uow.schools.near(lat=lat, lon=lon, radius_km=radius_km)
        return [_school(school, km) for school, km in found]


@router.get("/schools/{uai}", tags=["établissements"])
async def get_school(uai: str, uow: UowDep) -> dict[str, Any]:
    """Un établissement par son UAI."""
    async with uow:
        return _school(await joining.school_or_404(uow, uai))


@router.post("/schools/{uai}/registration", status_code=201, tags=["établissements"])
async def register_school(
    uai: str, body: RegisterSchoolIn, uow: UowDep, ctx: ContextDep
) -> dict[str, str]:
    """Le chef d'établissement inscrit l'établissement avec l'adresse académique."""
    command = schools.RegisterSchool(uai=uai, **body.model_dump())
    async with uow:
        return _created(await schools.register_school(command, uow, ctx))


@router.put("/schools/{uai}/weeks", tags=["établissements"])
async def set_weeks(
    uai: str, body: WeeksIn, who: PrincipalDep, uow: UowDep, ctx: ContextDep
) -> dict[str, list[str]]:
    """Semaines de stage de l'année scolaire (semaines ISO)."""
    async with uow:
        return {"weeks": await schools.set_weeks(uai, body.weeks, who, uow, ctx)}


@router.put("/schools/{uai}/perimeter", status_code=204, tags=["établissements"])
async def set_perimeter(
    uai: str, body: PerimeterIn, who: PrincipalDep, uow: UowDep
) -> None:
    """Ouvre (ou ferme) la recherche nationale pour les élèves de l'établissement."""
    async with uow:
        await schools.set_perimeter(uai, body.national_search, who, uow)


@router.post("/schools/{uai}/classes", status_code=201, tags=["classes"])
async def create_class(
    uai: str, body: ClassIn, who: PrincipalDep, uow: UowDep
) -> dict[str, str]:
    """Ouvre une classe à la plateforme."""
    async with uow:
        new_id = await schools.create_class(uai, body.name, body.grade, who, uow)
        return _created(new_id)


@router.get("/schools/{uai}/classes", tags=["classes"])
async def follow_up(uai: str, who: PrincipalDep, uow: UowDep) -> list[dict[str, Any]]:
    """Suivi de l'établissement: classes, élèves inscrits et autorisés."""
    async with uow:
        return await schools.follow_up(uai, who, uow)


@router.get("/classes/{class_id}/pupils", tags=["classes"])
async def class_pupils(
    class_id: uuid.UUID, who: PrincipalDep, uow: UowDep
) -> list[dict[str, Any]]:
    """Élèves d'une classe (équipe pédagogique de l'établissement)."""
    async with uow:
        return await schools.class_pupils(class_id, who, uow)


@router.post("/schools/{uai}/staff", status_code=201, tags=["équipe"])
async def invite_staff(
    uai: str, body: StaffInvitationIn, who: PrincipalDep, uow: UowDep, ctx: ContextDep
) -> dict[str, str]:
    """Invite un membre de l'équipe par courriel."""
    async with uow:
        new_id = await schools.invite_staff(uai, body.email, body.role, who, uow, ctx)
        return _created(new_id)


@router.post("/invitations/acceptance", tags=["équipe"])
async def accept_invitation(
    body: InvitationIn, uow: UowDep, ctx: ContextDep
) -> dict[str, str]:
    """Accepte une invitation en choisissant son mot de passe."""
    fields = body.model_dump()
    async with uow:
        return _created(await schools.accept_invitation(**fields, uow=uow, ctx=ctx))


@router.post("/classes/{class_id}/main-teacher", status_code=204, tags=["classes"])
async def attach_main_teacher(
    class_id: uuid.UUID, who: PrincipalDep, uow: UowDep
) -> None:
    """Le professeur devient professeur principal de la classe."""
    async with uow:
        await schools.attach_main_teacher(class_id, who, uow)


@router.post("/classes/{class_id}/pupils", status_code=201, tags=["élèves"])
async def invite_pupil(
    class_id: uuid.UUID, body: PupilIn, who: PrincipalDep, uow: UowDep, ctx: ContextDep
) -> dict[str, str]:
    """Inscrit un élève dans la classe et lui envoie son lien."""
    command = pupils.InvitePupil(class_id=class_id, **body.model_dump())
    async with uow:
        return _created(await pupils.invite_pupil(command, who, uow, ctx))


@router.put(
    "/pupils/{pupil_id}/parental-authorisation", status_code=204, tags=["élèves"]
)
async def record_authorisation(
    pupil_id: uuid.UUID,
    body: AuthorisationIn,
    who: PrincipalDep,
    uow: UowDep,
    ctx: ContextDep,
) -> None:
    """Enregistre la réception de l'autorisation parentale signée."""
    async with uow:
        await pupils.record_authorisation(pupil_id, body.received_on, who, uow, ctx)


@router.get("/pupils/{pupil_id}/parental-authorisation.pdf", tags=["élèves"])
async def authorisation_form(
    pupil_id: uuid.UUID, who: PrincipalDep, uow: UowDep
) -> Response:
    """Formulaire d'autorisation parentale à imprimer (PDF)."""
    async with uow:
        pdf = await pupils.authorisation_form(pupil_id, who, uow)
    return Response(pdf, media_type="application/pdf")


@router.post("/users/{user_id}/anonymisation", status_code=204, tags=["RGPD"])
async def anonymise(
    user_id: uuid.UUID, who: PrincipalDep, uow: UowDep, ctx: ContextDep
) -> None:
    """Efface les données personnelles d'un compte (RGPD)."""
    async with uow:
        await pupils.anonymise(user_id, who, uow, ctx)


@router.get("/users", tags=["administration"])
async def search_users(
    who: PrincipalDep,
    uow: UowDep,
    q: Annotated[str, Query(min_length=2, max_length=100)],
) -> list[dict[str, Any]]:
    """Comptes dont l'adresse, le téléphone ou le nom contient `q` (administrateurs)."""
    async with uow:
        return [_account(user) for user in await referents.search_users(q, who, uow)]


def _account(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "role": user.role,
        "email": user.email,
        "phone": user.phone,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "school_uai": user.school_uai,
        "department_code": user.department_code,
        "activated": user.activated_at is not None,
        "anonymised": user.anonymised_at is not None,
        "created_at": user.created_at.isoformat(),
    }


@router.post("/referents", status_code=201, tags=["référents"])
async def invite_referent(
    body: ReferentIn, who: PrincipalDep, uow: UowDep, ctx: ContextDep
) -> dict[str, str]:
    """Invite un référent (département, académie, région, administration centrale)."""
    command = referents.InviteReferent(**body.model_dump())
    async with uow:
        return _created(await referents.invite_referent(command, who, uow, ctx))


@router.post("/operators", status_code=201, tags=["opérateurs"])
async def invite_operator(
    body: OperatorIn, who: PrincipalDep, uow: UowDep, ctx: ContextDep
) -> dict[str, str]:
    """Enregistre un opérateur (partenaire de l'API) et invite son utilisateur."""
    async with uow:
        new_id = await operators.invite_operator(body.name, body.email, who, uow, ctx)
        return _created(new_id)


@router.post("/operators/api-tokens", status_code=201, tags=["opérateurs"])
async def issue_api_token(
    who: PrincipalDep, uow: UowDep, ctx: ContextDep
) -> dict[str, Any]:
    """Clé de l'API partenaires: un jeton d'accès de longue durée (365 jours)."""
    async with uow:
        issued = await operators.issue_api_token(who, uow, ctx)
    return {"token": issued.token, "jti": issued.jti, "expires_in": issued.expires_in}
