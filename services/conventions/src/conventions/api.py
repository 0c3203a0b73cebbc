"""HTTP API of the conventions service."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from conventions import handlers, pdf
from conventions.db import OUTBOX, Conventions, links_table
from conventions.domain import errors
from conventions.domain.ledger import first_broken
from conventions.domain.model import (
    Convention,
    DaySchedule,
    EmployerPart,
    LegalRepresentative,
    SchoolPart,
    Signatory,
    Status,
)
from conventions.notify import Recipient
from kit.auth import Principal, PrincipalDep, Role
from kit.http import error_body
from kit.messaging.outbox import add_events
from kit.senders import Sender

router = APIRouter(tags=["conventions"])
STATUS_OF_CODE = {
    "convention_not_found": 404,
    "not_a_party": 403,
    "not_a_signer": 403,
    "missing_fields": 422,
    "wrong_code": 422,
    "code_expired": 422,
    "code_void": 422,
}


async def _repo(request: Request) -> AsyncIterator[Conventions]:
    # Routes commit themselves (see `_finish`); what is left uncommitted is dropped.
    async with request.app.state.sessions() as session:
        yield Conventions(session)


RepoDep = Annotated[Conventions, Depends(_repo)]


async def _finish(
    request: Request, repo: Conventions, outcome: handlers.Outcome
) -> None:
    """Stages the events, commits, then sends the messages (never before the commit)."""
    await add_events(repo.session, OUTBOX, *outcome.events)
    await repo.session.commit()
    request.app.state.relay.notify()
    sender: Sender = request.app.state.sender
    for message in outcome.messages:
        await sender.send(message)


class DayIn(BaseModel):
    day: date
    start: time
    end: time
    lunch_minutes: int = Field(default=60, ge=0, le=180)


class EmployerPartIn(BaseModel):
    representative_name: str = Field(max_length=150)
    representative_role: str = Field(max_length=150)
    siret: str = Field(pattern=r"^\d{14}$")
    tutor_name: str = Field(max_length=150)
    tutor_role: str = Field(max_length=150)
    tutor_email: str = Field(max_length=200)
    tutor_phone: str = Field(max_length=20)
    schedule: list[DayIn] = Field(max_length=10)
    activities: str = Field(max_length=3000)
    learning_goals: str = Field(max_length=3000)

    def part(self) -> EmployerPart:
        days = tuple(DaySchedule(**d.model_dump()) for d in self.schedule)
        return EmployerPart(
            **(self.model_dump(exclude={"schedule"}) | {"schedule": days})
        )


class ParentIn(BaseModel):
    name: str = Field(max_length=150)
    address: str = Field(max_length=300)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, pattern=r"^0[67]\d{8}$")


class SchoolPartIn(BaseModel):
    school_representative_name: str = Field(max_length=150)
    school_representative_role: str = Field(max_length=150)
    pupil_name: str = Field(max_length=150)
    pupil_birth_date: date
    pupil_class: str = Field(max_length=50)
    legal_representative_1: ParentIn
    legal_representative_2: ParentIn | None = None
    referent_teacher_name: str = Field(max_length=150)
    insurance: str = Field(max_length=500)
    transport_terms: str = Field(max_length=500)
    meals_terms: str = Field(max_length=500)

    def part(self) -> SchoolPart:
        first = LegalRepresentative(**self.legal_representative_1.model_dump())
        second = self.legal_representative_2
        return SchoolPart(
            **self.model_dump(
                exclude={"legal_representative_1", "legal_representative_2"}
            ),
            legal_representative_1=first,
            legal_representative_2=LegalRepresentative(**second.model_dump())
            if second
            else None,
        )


class CodeIn(BaseModel):
    code: str = Field(pattern=r"^\s*\d{6}\s*$")


class ConventionOut(BaseModel):
    id: uuid.UUID
    application_id: uuid.UUID
    school_uai: str
    grade: str
    weeks: list[str]
    status: str
    prefill: dict[str, str]
    document_sha256: str | None
    signed_by: list[str]
    waiting_for: list[str]


def _out(convention: Convention) -> ConventionOut:
    return ConventionOut(
        id=convention.id,
        application_id=convention.application_id,
        school_uai=convention.school_uai,
        grade=convention.grade,
        weeks=list(convention.weeks),
        status=convention.status.value,
        prefill=convention.prefill,
        document_sha256=convention.document_sha256,
        signed_by=[entry.role for entry in convention.signatures],
        waiting_for=[r.value for r in convention.missing_signatories()]
        if convention.status is Status.VALIDATED_BY_SCHOOL
        else [],
    )


def _now() -> datetime:
    return datetime.now(UTC)


@router.get("/conventions")
async def mine(principal: PrincipalDep, repo: RepoDep) -> list[ConventionOut]:
    """Les conventions de l'élève, de l'équipe employeur ou de l'établissement."""
    column, value = handlers.listing_key(principal)
    return [_out(await repo.get(i)) for i in await repo.ids_where(column, value)]


@router.get("/conventions/{convention_id}")
async def read(
    convention_id: uuid.UUID, principal: PrincipalDep, repo: RepoDep
) -> ConventionOut:
    """Une convention, pour ses parties et l'équipe de l'établissement."""
    convention = await repo.get(convention_id)
    await handlers.check_party(repo, convention, principal)
    return _out(convention)


@router.get("/conventions/{convention_id}/pdf", response_class=Response)
async def read_pdf(
    convention_id: uuid.UUID, principal: PrincipalDep, repo: RepoDep
) -> Response:
    """Le PDF : le document à signer, ou l'exemplaire signé avec ses signatures."""
    convention = await repo.get(convention_id)
    await handlers.check_party(repo, convention, principal)
    signed = convention.status is Status.FULLY_SIGNED
    content = pdf.signed_copy(convention) if signed else pdf.document(convention)
    return Response(content, media_type="application/pdf")


class AuditOut(BaseModel):
    entries: int
    intact: bool
    first_broken: int | None


@router.get("/conventions/{convention_id}/audit")
async def audit(
    convention_id: uuid.UUID, principal: PrincipalDep, repo: RepoDep
) -> AuditOut:
    """Vérifie la chaîne des signatures : chaque entrée scelle la précédente."""
    convention = await repo.get(convention_id)
    await handlers.check_party(repo, convention, principal)
    broken = first_broken(convention.signatures)
    return AuditOut(
        entries=len(convention.signatures), intact=broken is None, first_broken=broken
    )


@router.put("/conventions/{convention_id}/employer-part")
async def employer_part(
    convention_id: uuid.UUID,
    body: EmployerPartIn,
    principal: PrincipalDep,
    repo: RepoDep,
    request: Request,
) -> ConventionOut:
    """L'organisme d'accueil remplit sa partie."""
    outcome = await handlers.complete_employer_part(
        repo, convention_id, principal, body.part(), now=_now()
    )
    await _finish(request, repo, outcome)
    return _out(await Conventions(repo.session).get(convention_id))


@router.put("/conventions/{convention_id}/school-part")
async def school_part(
    convention_id: uuid.UUID,
    body: SchoolPartIn,
    principal: PrincipalDep,
    repo: RepoDep,
    request: Request,
) -> ConventionOut:
    """L'établissement remplit sa partie et valide : la convention part en signature."""
    outcome = await handlers.validate_by_school(
        repo,
        convention_id,
        principal,
        body.part(),
        now=_now(),
        link_base=request.app.state.link_base,
    )
    await _finish(request, repo, outcome)
    return _out(await repo.get(convention_id))


@router.post("/conventions/{convention_id}/signing-code", status_code=202)
async def signing_code(
    convention_id: uuid.UUID, principal: PrincipalDep, repo: RepoDep, request: Request
) -> dict[str, str]:
    """Envoie au signataire connecté un code à 6 chiffres, valable 10 minutes."""
    convention = await repo.get(convention_id, lock=True)
    role = handlers.signatory_of(principal, convention)
    await handlers.check_party(repo, convention, principal)
    outcome = await handlers.request_code(
        repo,
        convention,
        role,
        Recipient(email=principal.email, phone=principal.phone),
        now=_now(),
    )
    await _finish(request, repo, outcome)
    return {"message": "Un code vient de vous être envoyé."}


@router.post("/conventions/{convention_id}/signature")
async def sign(
    convention_id: uuid.UUID,
    body: CodeIn,
    principal: PrincipalDep,
    repo: RepoDep,
    request: Request,
) -> ConventionOut:
    """Signe la convention avec le code reçu."""
    convention = await repo.get(convention_id)
    await handlers.check_party(repo, convention, principal)
    signature = _signature(
        handlers.signatory_of(principal, convention),
        str(principal.user_id),
        body,
        request,
    )
    return await _sign(request, repo, convention_id, signature)


def _signature(
    role: Signatory, signer: str, body: CodeIn, request: Request
) -> handlers.SignatureRequest:
    return handlers.SignatureRequest(
        role=role,
        signer=signer,
        code=body.code,
        ip=request.client.host if request.client else "inconnue",
        user_agent=request.headers.get("user-agent", ""),
    )


async def _sign(
    request: Request,
    repo: Conventions,
    convention_id: uuid.UUID,
    signature: handlers.SignatureRequest,
) -> ConventionOut:
    try:
        outcome = await handlers.sign(repo, convention_id, signature, now=_now())
    except errors.ConventionsError:
        await repo.session.commit()  # keep the count of wrong tries
        raise
    await _finish(request, repo, outcome)
    return _out(await repo.get(convention_id))


async def _link(
    repo: Conventions, token: str, *, lock: bool = False
) -> tuple[Convention, Signatory]:
    digest = hashlib.sha256(token.encode()).hexdigest()
    query = select(links_table).where(links_table.c.token_sha256 == digest)
    row = (
        await repo.session.execute(query.with_for_update() if lock else query)
    ).first()
    if row is None or row.expires_at <= _now():
        raise errors.NotFound("Ce lien n'est pas valable.")
    if row.used_at is not None:
        raise errors.LinkUsed()
    return await repo.get(row.convention_id), Signatory(row.role)


@router.get("/links/{token}")
async def read_by_link(token: str, repo: RepoDep) -> ConventionOut:
    """Un représentant légal lit la convention par son lien."""
    convention, _ = await _link(repo, token)
    return _out(convention)


@router.post("/links/{token}/signing-code", status_code=202)
async def code_by_link(token: str, repo: RepoDep, request: Request) -> dict[str, str]:
    """Envoie le code au représentant légal, là où l'établissement l'a indiqué."""
    convention, role = await _link(repo, token)
    parent = handlers.legal_representative(convention, role)
    recipient = Recipient(email=parent.email, phone=parent.phone)
    outcome = await handlers.request_code(repo, convention, role, recipient, now=_now())
    await _finish(request, repo, outcome)
    return {"message": "Un code vient de vous être envoyé."}


@router.post("/links/{token}/signature")
async def sign_by_link(
    token: str, body: CodeIn, repo: RepoDep, request: Request
) -> ConventionOut:
    """Le représentant légal signe ; le lien ne sert plus ensuite."""
    convention, role = await _link(repo, token, lock=True)
    digest = hashlib.sha256(token.encode()).hexdigest()
    signature = _signature(role, f"lien:{digest[:12]}", body, request)
    await repo.session.execute(
        update(links_table)
        .where(links_table.c.token_sha256 == digest)
        .values(used_at=_now())
    )
    return await _sign(request, repo, convention.id, signature)


class ClausesIn(BaseModel):
    clauses: list[str] = Field(max_length=30)


def _head_of(uai: str, principal: Principal) -> None:
    if principal.role is not Role.SCHOOL_HEAD or principal.school_uai != uai:
        raise errors.NotAParty("Réservé au chef de cet établissement.")


@router.put("/schools/{uai}/clauses")
async def clauses(
    uai: str, body: ClausesIn, principal: PrincipalDep, repo: RepoDep
) -> ClausesIn:
    """Le chef d'établissement rédige les clauses propres à son établissement."""
    _head_of(uai, principal)
    await repo.save_clauses(
        uai, tuple(c.strip() for c in body.clauses if c.strip()), _now()
    )
    return ClausesIn(clauses=list(await repo.clauses_of(uai)))


@router.post("/schools/{uai}/signing-code", status_code=202)
async def bulk_code(
    uai: str, principal: PrincipalDep, repo: RepoDep, request: Request
) -> dict[str, Any]:
    """Un seul code pour signer toutes les conventions qui attendent le chef."""
    _head_of(uai, principal)
    waiting = await repo.waiting_for_head(uai)
    outcome = await handlers.request_bulk_code(
        repo,
        waiting,
        Recipient(email=principal.email, phone=principal.phone),
        now=_now(),
    )
    await _finish(request, repo, outcome)
    return {
        "message": "Un code vient de vous être envoyé.",
        "conventions": len(waiting),
    }


@router.post("/schools/{uai}/signatures")
async def bulk_sign(
    uai: str, body: CodeIn, principal: PrincipalDep, repo: RepoDep, request: Request
) -> list[ConventionOut]:
    """Le chef d'établissement signe toutes les conventions en attente avec son code."""
    _head_of(uai, principal)
    signed = []
    for convention_id in await repo.waiting_for_head(uai):
        signature = _signature(
            Signatory.SCHOOL_HEAD, str(principal.user_id), body, request
        )
        signed.append(await _sign(request, repo, convention_id, signature))
    return signed


def install(app: FastAPI) -> None:
    """Adds the routes and the one mapping from domain errors to HTTP answers."""
    app.include_router(router)

    @app.exception_handler(errors.ConventionsError)
    async def domain_error(_: Request, exc: errors.ConventionsError) -> JSONResponse:
        details: dict[str, Any] = (
            {"fields": exc.fields} if isinstance(exc, errors.MissingFields) else {}
        )
        body = error_body(exc.code, exc.message, **details)
        return JSONResponse(body, status_code=STATUS_OF_CODE.get(exc.code, 409))
