"""Pupils: invitation by their teacher, parental authorisation, GDPR erasure."""

import uuid
from dataclasses import dataclass
from datetime import date

from contracts.identity import v1
from identity.db import School, SchoolClass, User
from identity.domain import errors
from identity.domain.credentials import contact
from identity.domain.permissions import Action, Resource, require
from identity.handlers.accounts import ensure_unique
from identity.handlers.context import Context, greeting, one_time_link
from identity.handlers.joining import resource_of, school_or_404
from identity.uow import UnitOfWork
from kit.auth import Principal, Role
from kit.logging import current_correlation_id
from kit.senders import Message

GENDERS = ("m", "f", "not_said")


@dataclass(frozen=True)
class InvitePupil:
    class_id: uuid.UUID
    first_name: str
    last_name: str
    birth_date: date
    gender: str
    email: str | None = None
    phone: str | None = None


async def _class_and_school(
    uow: UnitOfWork, class_id: uuid.UUID
) -> tuple[SchoolClass, School]:
    school_class = await uow.classes.get(class_id)
    if school_class is None:
        raise errors.NotFound("Classe introuvable.")
    return school_class, await school_or_404(uow, school_class.school_uai)


def _check_pupil(cmd: InvitePupil, today: date) -> None:
    if cmd.gender not in GENDERS:
        raise errors.InvalidInput("Genre attendu: m, f ou not_said.")
    if not (cmd.first_name.strip() and cmd.last_name.strip()):
        raise errors.InvalidInput("Le prénom et le nom sont obligatoires.")
    if not 10 <= (today - cmd.birth_date).days // 365 <= 20:
        raise errors.InvalidInput("Date de naissance invraisemblable pour un élève.")


async def invite_pupil(
    cmd: InvitePupil, who: Principal, uow: UnitOfWork, ctx: Context
) -> uuid.UUID:
    school_class, school = await _class_and_school(uow, cmd.class_id)
    resource = Resource(
        **(resource_of(school).__dict__ | {"class_id": school_class.id})
    )
    require(who, Action.CLASS_INVITE_PUPIL, resource)
    _check_pupil(cmd, ctx.clock().date())
    email, phone = contact(cmd.email, cmd.phone)
    await ensure_unique(uow, email, phone)
    pupil = User(
        id=uuid.uuid4(),
        role=Role.PUPIL.value,
        email=email,
        phone=phone,
        first_name=cmd.first_name.strip(),
        last_name=cmd.last_name.strip(),
        birth_date=cmd.birth_date,
        gender=cmd.gender,
        school_uai=school.uai,
        class_id=school_class.id,
    )
    await uow.users.add(pupil)
    link = one_time_link(uow, ctx, pupil.id, "invitation", "/invitation")
    uow.send(
        Message(
            to_email=email,
            to_phone=None if email else phone,
            subject="Ton compte Stages d'observation",
            body=f"{greeting(pupil)}\n\nCrée ton mot de passe ici: {link}\n",
        )
    )
    uow.emit(
        v1.PupilRegistered(
            aggregate_id=str(pupil.id),
            correlation_id=current_correlation_id(),
            user_id=pupil.id,
            school_uai=school.uai,
            class_id=school_class.id,
            department_code=school.department_code,
            grade=school_class.grade,  # type: ignore[arg-type]  # checked at class creation
            gender=cmd.gender,  # type: ignore[arg-type]  # checked by _check_pupil
        )
    )
    await uow.commit()
    return pupil.id


async def pupil_in_scope(
    uow: UnitOfWork, pupil_id: uuid.UUID, who: Principal, action: Action
) -> tuple[User, SchoolClass, School]:
    pupil = await uow.users.get(pupil_id, lock=True)
    if pupil is None or pupil.role != Role.PUPIL.value or pupil.class_id is None:
        raise errors.NotFound("Élève introuvable.")
    school_class, school = await _class_and_school(uow, pupil.class_id)
    require(who, action, resource_of(school))
    return pupil, school_class, school


async def record_authorisation(
    pupil_id: uuid.UUID,
    received_on: date,
    who: Principal,
    uow: UnitOfWork,
    ctx: Context,
) -> None:
    """A staff member of the pupil's school records the signed form: from now on the
    pupil may apply (event `pupil.authorised`, token claim `can_apply`)."""
    pupil, school_class, school = await pupil_in_scope(
        uow, pupil_id, who, Action.PUPIL_RECORD_AUTHORISATION
    )
    if received_on > ctx.clock().date():
        raise errors.InvalidInput(
            "La date de réception ne peut pas être dans le futur."
        )
    if pupil.authorisation_received_on is not None:
        return
    pupil.authorisation_received_on, pupil.authorisation_recorded_by = (
        received_on,
        who.user_id,
    )
    uow.emit(
        v1.PupilAuthorised(
            aggregate_id=str(pupil.id),
            correlation_id=current_correlation_id(),
            user_id=pupil.id,
            school_uai=school.uai,
            class_id=school_class.id,
            department_code=school.department_code,
            grade=school_class.grade,  # type: ignore[arg-type]  # checked at class creation
            received_on=received_on,
            recorded_by=who.user_id,
        )
    )
    await uow.commit()


async def anonymise(
    user_id: uuid.UUID, who: Principal, uow: UnitOfWork, ctx: Context
) -> None:
    """Erases names, contacts, birth date and password; keeps ids for statistics."""
    user = await uow.users.get(user_id, lock=True)
    if user is None:
        raise errors.NotFound("Compte introuvable.")
    school = await uow.schools.get(user.school_uai) if user.school_uai else None
    require(who, Action.USER_ANONYMISE, resource_of(school) if school else Resource())
    if user.anonymised_at is not None:
        return
    user.first_name = user.last_name = user.email = user.phone = None
    user.birth_date, user.password_hash = None, None
    user.anonymised_at = ctx.clock()
    for session in await uow.tokens.of_user(user.id):
        session.revoked_at = session.revoked_at or ctx.clock()
    for link in await uow.tokens.unused_links(user.id):
        link.used_at = ctx.clock()
    uow.emit(
        v1.UserAnonymised(
            aggregate_id=str(user.id),
            correlation_id=current_correlation_id(),
            user_id=user.id,
            role=user.role,
            school_uai=user.school_uai,
        )
    )
    await uow.commit()


async def authorisation_form(
    pupil_id: uuid.UUID, who: Principal, uow: UnitOfWork
) -> bytes:
    from identity.authorisation_form import render

    pupil, school_class, school = await pupil_in_scope(
        uow, pupil_id, who, Action.PUPIL_PRINT_AUTHORISATION_FORM
    )
    return render(
        pupil_name=f"{pupil.first_name or ''} {pupil.last_name or ''}".strip(),
        class_name=school_class.name,
        school_name=school.name,
        uai=school.uai,
    )
