"""What happens when an account is activated: staff join, a head registers."""

from contracts.common import GeoPoint
from contracts.identity import v1
from identity.db import School, User
from identity.domain import errors
from identity.domain.permissions import Resource
from identity.domain.schools import DEFAULT_PERIMETER_KM
from identity.domain.weeks import school_year_of, validate_weeks
from identity.handlers.context import Context
from identity.uow import UnitOfWork
from kit.auth import Role
from kit.logging import current_correlation_id


def resource_of(school: School) -> Resource:
    return Resource(
        school_uai=school.uai,
        department_code=school.department_code,
        academy=school.academy,
        region=school.region,
    )


async def school_or_404(uow: UnitOfWork, uai: str, *, lock: bool = False) -> School:
    uai = uai.strip().upper()
    school = await (uow.schools.get_for_update(uai) if lock else uow.schools.get(uai))
    if school is None:
        raise errors.UnknownUai
    return school


async def on_activated(user: User, uow: UnitOfWork, ctx: Context) -> None:
    """Called when any account is activated: a head's activation registers the
    school; any other staff member's activation means they joined."""
    if user.school_uai is None or user.role == Role.PUPIL.value:
        return
    school = await school_or_404(uow, user.school_uai, lock=True)
    is_head = user.role == Role.SCHOOL_HEAD.value and school.head_user_id == user.id
    if is_head and school.registered_at is None:
        _register(school, ctx)
        uow.emit(_registered_event(school))
    uow.emit(
        v1.StaffJoined(
            aggregate_id=str(user.id),
            correlation_id=current_correlation_id(),
            user_id=user.id,
            school_uai=school.uai,
            department_code=school.department_code,
            role=user.role,  # type: ignore[arg-type]  # staff roles only, checked above
        )
    )


def _register(school: School, ctx: Context) -> None:
    school.registered_at = ctx.clock()
    school.perimeter_km = DEFAULT_PERIMETER_KM
    school.national_search = False
    if school.kind == "lycee":
        year = school_year_of(ctx.clock().date())
        school.weeks = validate_weeks([], school_year=year, lycee=True)


def _registered_event(school: School) -> v1.SchoolRegistered:
    return v1.SchoolRegistered(
        aggregate_id=school.uai,
        correlation_id=current_correlation_id(),
        uai=school.uai,
        kind=school.kind,  # type: ignore[arg-type]  # a SchoolKind, set by the import
        department_code=school.department_code,
        academy=school.academy,
        region=school.region,
        location=GeoPoint(lat=school.lat, lon=school.lon),
        weeks=tuple(school.weeks or ()),
        perimeter_km=school.perimeter_km,
        national_search=school.national_search,
    )
