"""School onboarding: registration by the head, weeks, perimeter, classes, staff."""

import uuid
from dataclasses import dataclass

from contracts.identity import v1
from identity.db import School, SchoolClass, User
from identity.domain import errors
from identity.domain.credentials import normalise_email
from identity.domain.permissions import Action, require
from identity.domain.schools import academic_address
from identity.domain.weeks import school_year_of, validate_weeks
from identity.handlers.accounts import activation_message, ensure_unique, use_one_time
from identity.handlers.context import Context, greeting, one_time_link
from identity.handlers.joining import on_activated, resource_of, school_or_404
from identity.uow import UnitOfWork
from kit.auth import SCHOOL_STAFF_ROLES, Principal, Role
from kit.logging import current_correlation_id
from kit.senders import Message


@dataclass(frozen=True)
class RegisterSchool:
    uai: str
    email: str
    password: str
    first_name: str
    last_name: str


async def register_school(
    cmd: RegisterSchool, uow: UnitOfWork, ctx: Context
) -> uuid.UUID:
    """The head signs up with the school's academic address; activating it registers
    the school (the link proves they read that mailbox)."""
    school = await school_or_404(uow, cmd.uai, lock=True)
    email = normalise_email(cmd.email)
    if email != academic_address(school.uai, school.academy_domain):
        raise errors.WrongAcademicDomain(
            "Utilisez l'adresse académique de l'établissement: "
            f"{academic_address(school.uai, school.academy_domain)}."
        )
    if school.registered_at is not None:
        raise errors.SchoolAlreadyRegistered
    password_hash = ctx.passwords.hash(cmd.password)
    await ensure_unique(uow, email, None)
    head = User(
        id=uuid.uuid4(),
        role=Role.SCHOOL_HEAD.value,
        email=email,
        password_hash=password_hash,
        first_name=cmd.first_name,
        last_name=cmd.last_name,
        school_uai=school.uai,
    )
    await uow.users.add(head)
    school.head_user_id = head.id
    uow.send(
        activation_message(
            head, one_time_link(uow, ctx, head.id, "activation", "/activation")
        )
    )
    await uow.commit()
    return head.id


async def registered_school(
    uow: UnitOfWork, uai: str, who: Principal, action: Action
) -> School:
    school = await school_or_404(uow, uai, lock=True)
    require(who, action, resource_of(school))
    if school.registered_at is None:
        raise errors.NotFound("Cet établissement n'est pas encore inscrit.")
    return school


async def set_weeks(
    uai: str, weeks: list[str], who: Principal, uow: UnitOfWork, ctx: Context
) -> list[str]:
    school = await registered_school(uow, uai, who, Action.SCHOOL_SET_WEEKS)
    year = school_year_of(ctx.clock().date())
    school.weeks = validate_weeks(weeks, school_year=year, lycee=school.kind == "lycee")
    uow.emit(
        v1.SchoolWeeksChanged(
            aggregate_id=school.uai,
            correlation_id=current_correlation_id(),
            uai=school.uai,
            weeks=tuple(school.weeks),
        )
    )
    await uow.commit()
    return school.weeks


async def set_perimeter(
    uai: str, national: bool, who: Principal, uow: UnitOfWork
) -> None:
    school = await registered_school(uow, uai, who, Action.SCHOOL_SET_PERIMETER)
    school.national_search = national
    uow.emit(
        v1.SchoolPerimeterChanged(
            aggregate_id=school.uai,
            correlation_id=current_correlation_id(),
            uai=school.uai,
            perimeter_km=school.perimeter_km,
            national_search=national,
        )
    )
    await uow.commit()


async def create_class(
    uai: str, name: str, grade: str, who: Principal, uow: UnitOfWork
) -> uuid.UUID:
    school = await registered_school(uow, uai, who, Action.SCHOOL_CREATE_CLASS)
    allowed_grades = {"2de"} if school.kind == "lycee" else {"4e", "3e"}
    if grade not in allowed_grades:
        raise errors.InvalidInput(
            f"Niveau « {grade} » impossible dans cet établissement."
        )
    if not name.strip() or await uow.classes.name_taken(school.uai, name.strip()):
        raise errors.InvalidInput("Ce nom de classe est vide ou déjà pris.")
    school_class = SchoolClass(
        id=uuid.uuid4(), school_uai=school.uai, name=name.strip(), grade=grade
    )
    await uow.classes.add(school_class)
    uow.emit(
        v1.ClassCreated(
            aggregate_id=str(school_class.id),
            correlation_id=current_correlation_id(),
            class_id=school_class.id,
            school_uai=school.uai,
            department_code=school.department_code,
            grade=grade,  # type: ignore[arg-type]  # checked against allowed_grades
        )
    )
    await uow.commit()
    return school_class.id


async def invite_staff(
    uai: str, email: str, role: str, who: Principal, uow: UnitOfWork, ctx: Context
) -> uuid.UUID:
    school = await registered_school(uow, uai, who, Action.SCHOOL_INVITE_STAFF)
    if Role(role) not in SCHOOL_STAFF_ROLES or role == Role.SCHOOL_HEAD.value:
        raise errors.InvalidInput("Rôle inconnu pour un membre de l'équipe.")
    address = normalise_email(email)
    await ensure_unique(uow, address, None)
    user = User(id=uuid.uuid4(), role=role, email=address, school_uai=school.uai)
    await uow.users.add(user)
    link = one_time_link(uow, ctx, user.id, "invitation", "/invitation")
    uow.send(
        Message(
            to_email=address,
            to_phone=None,
            subject=f"Invitation: {school.name} sur Stages d'observation",
            body=(
                f"{greeting(user)}\n\nVous êtes invité(e) à rejoindre "
                f"{school.name}: {link}\n"
            ),
        )
    )
    await uow.commit()
    return user.id


async def accept_invitation(
    token: str,
    password: str,
    first_name: str | None,
    last_name: str | None,
    uow: UnitOfWork,
    ctx: Context,
) -> uuid.UUID:
    password_hash = ctx.passwords.hash(password)
    stored = await use_one_time(uow, ctx, token, "invitation")
    user = await uow.users.get(stored.user_id, lock=True)
    if user is None:
        raise errors.TokenInvalid
    user.password_hash = password_hash
    user.first_name = user.first_name or first_name
    user.last_name = user.last_name or last_name
    user.activated_at = ctx.clock()
    await on_activated(user, uow, ctx)
    await uow.commit()
    return user.id


async def attach_main_teacher(
    class_id: uuid.UUID, who: Principal, uow: UnitOfWork
) -> None:
    school_class = await uow.classes.get(class_id)
    if school_class is None:
        raise errors.NotFound("Classe introuvable.")
    school = await school_or_404(uow, school_class.school_uai)
    require(who, Action.CLASS_ATTACH_MAIN_TEACHER, resource_of(school))
    teacher = await uow.users.get(who.user_id, lock=True)
    if teacher is None or teacher.role not in (Role.TEACHER, Role.MAIN_TEACHER):
        raise errors.Forbidden("Seul un professeur peut devenir professeur principal.")
    teacher.role, teacher.class_id = Role.MAIN_TEACHER.value, class_id
    school_class.main_teacher_id = teacher.id
    await uow.commit()


async def follow_up(
    uai: str, who: Principal, uow: UnitOfWork
) -> list[dict[str, object]]:
    """The head's follow-up view: every class with its counts (no personal data)."""
    school = await school_or_404(uow, uai)
    require(who, Action.SCHOOL_VIEW_FOLLOW_UP, resource_of(school))
    return [
        {
            "id": str(school_class.id),
            "name": school_class.name,
            "grade": school_class.grade,
            "main_teacher_id": school_class.main_teacher_id
            and str(school_class.main_teacher_id),
            "pupils": pupils,
            "authorised": authorised,
        }
        for school_class, pupils, authorised in await uow.classes.follow_up(school.uai)
    ]


async def class_pupils(
    class_id: uuid.UUID, who: Principal, uow: UnitOfWork
) -> list[dict[str, object]]:
    """What a main teacher (and any teacher of the school) sees of a class."""
    school_class = await uow.classes.get(class_id)
    if school_class is None:
        raise errors.NotFound("Classe introuvable.")
    school = await school_or_404(uow, school_class.school_uai)
    require(who, Action.CLASS_VIEW_PUPILS, resource_of(school))
    return [
        {
            "id": str(pupil.id),
            "first_name": pupil.first_name,
            "last_name": pupil.last_name,
            "activated": pupil.activated_at is not None,
            "authorisation_received_on": pupil.authorisation_received_on,
        }
        for pupil in await uow.classes.pupils(class_id)
    ]
