"""The token claims of a user: role and the scope it gives."""

from typing import Any

from identity.db import User
from identity.uow import UnitOfWork
from kit.auth import Principal, Role


async def principal_of(user: User, uow: UnitOfWork) -> tuple[Principal, dict[str, Any]]:
    """The principal, plus extra claims (a pupil's `can_apply`)."""
    school = await uow.schools.get(user.school_uai) if user.school_uai else None
    school_class = await uow.classes.get(user.class_id) if user.class_id else None
    principal = Principal(
        user_id=user.id,
        role=Role(user.role),
        school_uai=user.school_uai,
        class_id=user.class_id,
        grade=school_class.grade if school_class else None,
        department_code=school.department_code if school else user.department_code,
        academy=school.academy if school else user.academy,
        region=school.region if school else user.region,
        ministries=tuple(user.ministries or ()),
        operator_id=user.operator_id,
        email=user.email,
        phone=user.phone,
    )
    extra: dict[str, Any] = {}
    if principal.role is Role.PUPIL:
        extra["can_apply"] = user.authorisation_received_on is not None
    return principal, extra
