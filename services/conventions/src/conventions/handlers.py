"""Use cases of the conventions service, each one transaction that stages its events."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from contracts.applications import v1 as applications
from contracts.conventions import v1 as contract
from conventions import pdf
from conventions.db import Conventions, links_table
from conventions.domain import errors
from conventions.domain.codes import OneTimeCode
from conventions.domain.model import (
    Convention,
    EmployerPart,
    LegalRepresentative,
    SchoolPart,
    Signatory,
    Status,
)
from conventions.notify import Recipient
from kit.auth import SCHOOL_STAFF_ROLES, Principal, Role
from kit.logging import current_correlation_id
from kit.senders import Message

LINK_VALIDITY = timedelta(days=30)
SCHOOL_SIGNERS = {Role.SCHOOL_HEAD}
SCHOOL_EDITORS = {Role.SCHOOL_HEAD, Role.SCHOOL_ADMIN_STAFF}
CANCELLING = (
    applications.ApplicationCanceledByEmployer,
    applications.ApplicationCanceledByPupil,
)


@dataclass
class Outcome:
    """What a use case leaves to do after its commit: events and messages."""

    events: list[contract.ConventionEvent] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


def _event(
    cls: type[contract.ConventionEvent],
    convention: Convention,
    facts: applications.ApplicationFacts,
    **extra: Any,
) -> contract.ConventionEvent:
    return cls(
        aggregate_id=str(convention.id),
        correlation_id=current_correlation_id(),
        application_id=convention.application_id,
        application=facts,
        status=convention.status.value,
        **extra,
    )


async def on_application_event(
    repo: Conventions, event: object, *, now: datetime
) -> Outcome:
    """Creates the convention when a pupil confirms; cancels it with the application."""
    outcome = Outcome()
    if isinstance(event, applications.ApplicationApproved):
        convention = await _create(repo, event, now=now)
        if convention is not None:
            outcome.events.append(
                _event(contract.ConventionCreated, convention, event.application)
            )
    elif isinstance(event, CANCELLING):
        existing = await repo.by_application(uuid.UUID(event.aggregate_id))
        if existing is not None:
            convention = await repo.get(existing, lock=True)
            if convention.status is not Status.CANCELLED:
                convention.cancel()
                await repo.save(convention, now)
                facts = await repo.facts(convention.id)
                outcome.events.append(
                    _event(contract.ConventionCancelled, convention, facts)
                )
    return outcome


async def _create(
    repo: Conventions, event: applications.ApplicationApproved, *, now: datetime
) -> Convention | None:
    facts = event.application
    prefill, team_id = await repo.offer_prefill(facts.offer_id)
    prefill |= await repo.school_prefill(facts.school_uai)
    convention = Convention(
        id=uuid.uuid4(),
        application_id=uuid.UUID(event.aggregate_id),
        pupil_id=facts.pupil_id,
        offer_id=facts.offer_id,
        school_uai=facts.school_uai,
        grade=facts.grade,
        weeks=facts.weeks,
        prefill=prefill,
        clauses=await repo.clauses_of(facts.school_uai),
    )
    created = await repo.add(convention, facts, team_id, now)
    return convention if created else None


def listing_key(principal: Principal) -> tuple[str, object]:
    """Which conventions a caller lists: the same parties as `check_party`."""
    if principal.role is Role.PUPIL:
        return "pupil_id", principal.user_id
    if principal.role in SCHOOL_STAFF_ROLES and principal.school_uai:
        return "school_uai", principal.school_uai
    if principal.role is Role.EMPLOYER:
        return "team_id", principal.team_id or principal.user_id
    raise errors.NotAParty()


async def check_party(
    repo: Conventions, convention: Convention, principal: Principal
) -> None:
    """Only the parties, and the staff of the pupil's school, may see a convention."""
    if principal.role is Role.PUPIL and principal.user_id == convention.pupil_id:
        return
    if (
        principal.role in SCHOOL_STAFF_ROLES
        and principal.school_uai == convention.school_uai
    ):
        return
    if principal.role is Role.EMPLOYER:
        team = await repo.team_of(convention.id)
        if team is not None and team == (principal.team_id or principal.user_id):
            return
    raise errors.NotAParty()


async def complete_employer_part(
    repo: Conventions,
    convention_id: uuid.UUID,
    principal: Principal,
    part: EmployerPart,
    *,
    now: datetime,
) -> Outcome:
    convention = await repo.get(convention_id, lock=True)
    await check_party(repo, convention, principal)
    if principal.role is not Role.EMPLOYER:
        raise errors.NotAParty("Cette partie revient à l'organisme d'accueil.")
    convention.complete_employer_part(part)
    await repo.save(convention, now)
    facts = await repo.facts(convention.id)
    return Outcome(
        events=[_event(contract.ConventionCompletedByEmployer, convention, facts)]
    )


async def validate_by_school(
    repo: Conventions,
    convention_id: uuid.UUID,
    principal: Principal,
    part: SchoolPart,
    *,
    now: datetime,
    link_base: str,
) -> Outcome:
    convention = await repo.get(convention_id, lock=True)
    await check_party(repo, convention, principal)
    if principal.role not in SCHOOL_EDITORS:
        raise errors.NotAParty(
            "La partie de l'établissement revient au chef d'établissement."
        )
    convention.validate_by_school(part, render=pdf.document)
    await repo.save(convention, now)
    facts = await repo.facts(convention.id)
    event = _event(
        contract.ConventionValidatedBySchool,
        convention,
        facts,
        document_sha256=convention.document_sha256 or "",
    )
    messages = [
        await _link_for(
            repo, convention, role, parent.email, parent.phone, now, link_base
        )
        for role, parent in (
            (Signatory.LEGAL_REPRESENTATIVE_1, part.legal_representative_1),
            (Signatory.LEGAL_REPRESENTATIVE_2, part.legal_representative_2),
        )
        if parent is not None
    ]
    return Outcome(events=[event], messages=messages)


async def _link_for(
    repo: Conventions,
    convention: Convention,
    role: Signatory,
    email: str | None,
    phone: str | None,
    now: datetime,
    link_base: str,
) -> Message:
    token = secrets.token_urlsafe(32)
    await repo.session.execute(
        links_table.insert().values(
            token_sha256=hashlib.sha256(token.encode()).hexdigest(),
            convention_id=convention.id,
            role=role.value,
            expires_at=now + LINK_VALIDITY,
        )
    )
    body = (
        "Bonjour,\n\nLa convention de stage d'observation de votre enfant est prête. "
        f"Lisez-la et signez-la ici : {link_base}/{token}\n\n"
        "Ce lien ne sert qu'une fois."
    )
    return Recipient(email=email, phone=phone).message(
        "Convention de stage à signer", body
    )


def signatory_of(principal: Principal, convention: Convention) -> Signatory:
    if principal.role is Role.PUPIL and principal.user_id == convention.pupil_id:
        return Signatory.PUPIL
    if (
        principal.role in SCHOOL_SIGNERS
        and principal.school_uai == convention.school_uai
    ):
        return Signatory.SCHOOL_HEAD
    if principal.role is Role.EMPLOYER:
        return Signatory.EMPLOYER
    raise errors.NotASigner()


async def request_code(
    repo: Conventions,
    convention: Convention,
    role: Signatory,
    recipient: Recipient,
    *,
    now: datetime,
) -> Outcome:
    """A fresh 6-digit code for one signer; any earlier code of theirs is replaced."""
    if convention.status is not Status.VALIDATED_BY_SCHOOL:
        raise errors.WrongStep("La convention n'est pas encore prête à être signée.")
    if role not in convention.missing_signatories():
        raise (
            errors.AlreadySigned()
            if role in convention.required_signatories()
            else errors.NotASigner()
        )
    code, stored = OneTimeCode.issue(now)
    await repo.save_code(convention.id, role.value, stored)
    body = f"Votre code pour signer la convention : {code}. Il est valable 10 minutes."
    return Outcome(messages=[recipient.message("Code de signature", body)])


async def request_bulk_code(
    repo: Conventions,
    convention_ids: list[uuid.UUID],
    recipient: Recipient,
    *,
    now: datetime,
) -> Outcome:
    """One code for the head of school to sign many conventions at once."""
    if not convention_ids:
        raise errors.WrongStep("Aucune convention n'attend votre signature.")
    code, stored = OneTimeCode.issue(now)
    for convention_id in convention_ids:
        await repo.save_code(convention_id, Signatory.SCHOOL_HEAD.value, stored)
    body = (
        f"Votre code pour signer {len(convention_ids)} convention(s) : {code}. "
        "Il est valable 10 minutes."
    )
    return Outcome(messages=[recipient.message("Code de signature", body)])


def legal_representative(
    convention: Convention, role: Signatory
) -> LegalRepresentative:
    part = convention.school_part
    parent = None
    if part is not None:
        first = role is Signatory.LEGAL_REPRESENTATIVE_1
        parent = part.legal_representative_1 if first else part.legal_representative_2
    if parent is None:
        raise errors.NotASigner()
    return parent


@dataclass(frozen=True)
class SignatureRequest:
    role: Signatory
    signer: str
    code: str
    ip: str
    user_agent: str


async def sign(
    repo: Conventions,
    convention_id: uuid.UUID,
    request: SignatureRequest,
    *,
    now: datetime,
) -> Outcome:
    """Checks the code, then records the signature in the chained ledger."""
    convention = await repo.get(convention_id, lock=True)
    stored = await repo.code(convention.id, request.role.value, lock=True)
    if stored is None:
        raise errors.CodeVoid("Demandez d'abord un code de signature.")
    try:
        stored.check(request.code, now)
    finally:
        # Wrong tries count even when the signature is refused.
        await repo.save_code(convention.id, request.role.value, stored)
    entry = convention.sign(
        request.role,
        signer=request.signer,
        at=now,
        ip=request.ip,
        user_agent=request.user_agent,
    )
    await repo.add_signature(entry)
    facts = await repo.facts(convention.id)
    outcome = Outcome(
        events=[
            _event(
                contract.ConventionSigned, convention, facts, role=request.role.value
            )
        ]
    )
    final_sha = None
    if convention.status is Status.FULLY_SIGNED:
        final_sha = hashlib.sha256(pdf.signed_copy(convention)).hexdigest()
        outcome.events.append(
            _event(
                contract.ConventionFullySigned,
                convention,
                facts,
                final_pdf_sha256=final_sha,
            )
        )
    await repo.save(convention, now, final_sha256=final_sha)
    return outcome
