"""The permission matrix: which role may do which action, over which scope.

This table is the one place that says it; handlers call `require(...)`.
A (role, action) pair absent from the table is refused.
"""

import enum
import uuid
from dataclasses import dataclass

from identity.domain.errors import Forbidden
from kit.auth import Principal, Role


class Action(enum.StrEnum):
    SCHOOL_VIEW_FOLLOW_UP = "school.view_follow_up"
    SCHOOL_SET_WEEKS = "school.set_weeks"
    SCHOOL_SET_PERIMETER = "school.set_perimeter"
    SCHOOL_CREATE_CLASS = "school.create_class"
    SCHOOL_INVITE_STAFF = "school.invite_staff"
    CLASS_VIEW_PUPILS = "class.view_pupils"
    CLASS_ATTACH_MAIN_TEACHER = "class.attach_main_teacher"
    CLASS_INVITE_PUPIL = "class.invite_pupil"
    PUPIL_RECORD_AUTHORISATION = "pupil.record_authorisation"
    PUPIL_PRINT_AUTHORISATION_FORM = "pupil.print_authorisation_form"
    USER_ANONYMISE = "user.anonymise"
    REFERENT_INVITE = "referent.invite"
    OPERATOR_INVITE = "operator.invite"
    OPERATOR_ISSUE_API_KEY = "operator.issue_api_key"
    USER_SEARCH = "user.search"


class Scope(enum.StrEnum):
    OWN_CLASS = "own_class"
    OWN_SCHOOL = "own_school"
    OWN_DEPARTMENT = "own_department"
    OWN_ACADEMY = "own_academy"
    OWN_REGION = "own_region"
    NATIONAL = "national"
    OWN_OPERATOR = "own_operator"


@dataclass(frozen=True)
class Resource:
    """Where the thing acted upon sits."""

    school_uai: str | None = None
    class_id: uuid.UUID | None = None
    department_code: str | None = None
    academy: str | None = None
    region: str | None = None
    operator_id: uuid.UUID | None = None


_A, _R, _S = Action, Role, Scope
_STAFF_VIEW = {_A.SCHOOL_VIEW_FOLLOW_UP: _S.OWN_SCHOOL}
_PAPERWORK = {
    _A.PUPIL_RECORD_AUTHORISATION: _S.OWN_SCHOOL,
    _A.PUPIL_PRINT_AUTHORISATION_FORM: _S.OWN_SCHOOL,
}
_TEACHING = {
    **_STAFF_VIEW,
    **_PAPERWORK,
    _A.CLASS_VIEW_PUPILS: _S.OWN_SCHOOL,
    _A.CLASS_ATTACH_MAIN_TEACHER: _S.OWN_SCHOOL,
}

MATRIX: dict[Role, dict[Action, Scope]] = {
    _R.SCHOOL_HEAD: {
        **_TEACHING,
        _A.SCHOOL_SET_WEEKS: _S.OWN_SCHOOL,
        _A.SCHOOL_SET_PERIMETER: _S.OWN_SCHOOL,
        _A.SCHOOL_CREATE_CLASS: _S.OWN_SCHOOL,
        _A.SCHOOL_INVITE_STAFF: _S.OWN_SCHOOL,
        _A.CLASS_INVITE_PUPIL: _S.OWN_SCHOOL,
        _A.USER_ANONYMISE: _S.OWN_SCHOOL,
    },
    _R.MAIN_TEACHER: {**_TEACHING, _A.CLASS_INVITE_PUPIL: _S.OWN_CLASS},
    _R.TEACHER: _TEACHING,
    _R.CPE: {**_STAFF_VIEW, **_PAPERWORK},
    _R.DOCUMENTALIST: {**_STAFF_VIEW, **_PAPERWORK},
    _R.PSYCHOLOGIST: {**_STAFF_VIEW, **_PAPERWORK},
    _R.SCHOOL_ADMIN_STAFF: {**_STAFF_VIEW, **_PAPERWORK},
    _R.PUPIL: {},
    _R.EMPLOYER: {},
    _R.OPERATOR: {_A.OPERATOR_ISSUE_API_KEY: _S.OWN_OPERATOR},
    _R.REFERENT_DEPARTMENT: {_A.SCHOOL_VIEW_FOLLOW_UP: _S.OWN_DEPARTMENT},
    _R.REFERENT_ACADEMY: {_A.SCHOOL_VIEW_FOLLOW_UP: _S.OWN_ACADEMY},
    _R.REFERENT_REGION: {_A.SCHOOL_VIEW_FOLLOW_UP: _S.OWN_REGION},
    _R.REFERENT_CENTRAL: {_A.SCHOOL_VIEW_FOLLOW_UP: _S.NATIONAL},
    _R.ADMIN: {
        _A.SCHOOL_VIEW_FOLLOW_UP: _S.NATIONAL,
        _A.USER_ANONYMISE: _S.NATIONAL,
        _A.REFERENT_INVITE: _S.NATIONAL,
        _A.OPERATOR_INVITE: _S.NATIONAL,
        _A.USER_SEARCH: _S.NATIONAL,
    },
}


def _within(scope: Scope, who: Principal, what: Resource) -> bool:
    match scope:
        case Scope.NATIONAL:
            return True
        case Scope.OWN_REGION:
            return who.region is not None and who.region == what.region
        case Scope.OWN_ACADEMY:
            return who.academy is not None and who.academy == what.academy
        case Scope.OWN_DEPARTMENT:
            return (
                who.department_code is not None
                and who.department_code == what.department_code
            )
        case Scope.OWN_SCHOOL:
            return who.school_uai is not None and who.school_uai == what.school_uai
        case Scope.OWN_OPERATOR:
            return who.operator_id is not None and who.operator_id == what.operator_id
        case Scope.OWN_CLASS:
            return (
                who.school_uai == what.school_uai
                and who.class_id is not None
                and who.class_id == what.class_id
            )


def allowed(who: Principal, action: Action, what: Resource) -> bool:
    scope = MATRIX[who.role].get(action)
    return scope is not None and _within(scope, who, what)


def require(who: Principal, action: Action, what: Resource) -> None:
    if not allowed(who, action, what):
        raise Forbidden
