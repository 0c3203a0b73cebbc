"""Every cell of the permission matrix: role x action x where the resource sits."""

import uuid

import pytest

from identity.domain.errors import Forbidden
from identity.domain.permissions import (
    MATRIX,
    Action,
    Resource,
    Scope,
    allowed,
    require,
)
from kit.auth import Principal, Role

CLASS, OPERATOR = uuid.uuid4(), uuid.uuid4()
HOME = Resource("0930893R", CLASS, "93", "Créteil", "Ile-de-France")
# Where a resource can sit relative to the caller, from nearest to farthest.
PLACES: dict[str, Resource] = {
    "own_class": HOME,
    "own_school": Resource("0930893R", uuid.uuid4(), "93", "Créteil", "Ile-de-France"),
    "own_department": Resource("0932366S", None, "93", "Créteil", "Ile-de-France"),
    "own_academy": Resource("0941234A", None, "94", "Créteil", "Ile-de-France"),
    "own_region": Resource("0781234A", None, "78", "Versailles", "Ile-de-France"),
    "elsewhere": Resource("0350044H", None, "35", "Rennes", "Bretagne"),
    "own_operator": Resource(operator_id=OPERATOR),
    "other_operator": Resource(operator_id=uuid.uuid4()),
}
GEOGRAPHY = ["own_class", "own_school", "own_department", "own_academy", "own_region"]
REACH: dict[Scope | None, set[str]] = {
    None: set(),
    Scope.OWN_CLASS: set(GEOGRAPHY[:1]),
    Scope.OWN_SCHOOL: set(GEOGRAPHY[:2]),
    Scope.OWN_DEPARTMENT: set(GEOGRAPHY[:3]),
    Scope.OWN_ACADEMY: set(GEOGRAPHY[:4]),
    Scope.OWN_REGION: set(GEOGRAPHY),
    Scope.NATIONAL: set(PLACES),
    Scope.OWN_OPERATOR: {"own_operator"},
}
# What the matrix must say: (role, action) -> scope; anything absent is refused.
EXPECTED: dict[tuple[Role, Action], Scope] = {
    **{
        (role, action): Scope.OWN_SCHOOL
        for role in (
            Role.SCHOOL_HEAD,
            Role.MAIN_TEACHER,
            Role.TEACHER,
            Role.CPE,
            Role.DOCUMENTALIST,
            Role.PSYCHOLOGIST,
            Role.SCHOOL_ADMIN_STAFF,
        )
        for action in (
            Action.SCHOOL_VIEW_FOLLOW_UP,
            Action.PUPIL_RECORD_AUTHORISATION,
            Action.PUPIL_PRINT_AUTHORISATION_FORM,
        )
    },
    **{
        (role, action): Scope.OWN_SCHOOL
        for role in (Role.SCHOOL_HEAD, Role.MAIN_TEACHER, Role.TEACHER)
        for action in (Action.CLASS_VIEW_PUPILS, Action.CLASS_ATTACH_MAIN_TEACHER)
    },
    **{
        (Role.SCHOOL_HEAD, action): Scope.OWN_SCHOOL
        for action in (
            Action.SCHOOL_SET_WEEKS,
            Action.SCHOOL_SET_PERIMETER,
            Action.SCHOOL_CREATE_CLASS,
            Action.SCHOOL_INVITE_STAFF,
            Action.CLASS_INVITE_PUPIL,
            Action.USER_ANONYMISE,
        )
    },
    (Role.MAIN_TEACHER, Action.CLASS_INVITE_PUPIL): Scope.OWN_CLASS,
    (Role.REFERENT_DEPARTMENT, Action.SCHOOL_VIEW_FOLLOW_UP): Scope.OWN_DEPARTMENT,
    (Role.REFERENT_ACADEMY, Action.SCHOOL_VIEW_FOLLOW_UP): Scope.OWN_ACADEMY,
    (Role.REFERENT_REGION, Action.SCHOOL_VIEW_FOLLOW_UP): Scope.OWN_REGION,
    (Role.REFERENT_CENTRAL, Action.SCHOOL_VIEW_FOLLOW_UP): Scope.NATIONAL,
    (Role.ADMIN, Action.SCHOOL_VIEW_FOLLOW_UP): Scope.NATIONAL,
    (Role.ADMIN, Action.USER_ANONYMISE): Scope.NATIONAL,
    (Role.ADMIN, Action.REFERENT_INVITE): Scope.NATIONAL,
    (Role.ADMIN, Action.OPERATOR_INVITE): Scope.NATIONAL,
    (Role.ADMIN, Action.USER_SEARCH): Scope.NATIONAL,
    (Role.OPERATOR, Action.OPERATOR_ISSUE_API_KEY): Scope.OWN_OPERATOR,
}
CELLS = [
    (role, action, place) for role in Role for action in Action for place in PLACES
]


def caller(role: Role) -> Principal:
    """A caller whose home is HOME (school, class, department, academy, region)
    and OPERATOR."""
    return Principal(
        user_id=uuid.uuid4(),
        role=role,
        operator_id=OPERATOR,
        school_uai=HOME.school_uai,
        class_id=HOME.class_id,
        department_code=HOME.department_code,
        academy=HOME.academy,
        region=HOME.region,
    )


@pytest.mark.parametrize(
    ("role", "action", "place"),
    CELLS,
    ids=[f"{r.value}-{a.value}-{p}" for r, a, p in CELLS],
)
def test_cell(role: Role, action: Action, place: str) -> None:
    expected = place in REACH[EXPECTED.get((role, action))]
    assert allowed(caller(role), action, PLACES[place]) is expected
    if not expected:
        with pytest.raises(Forbidden):
            require(caller(role), action, PLACES[place])


def test_the_matrix_has_exactly_the_expected_cells() -> None:
    actual = {
        (role, action): scope
        for role, actions in MATRIX.items()
        for action, scope in actions.items()
    }
    assert actual == EXPECTED
    assert set(MATRIX) == set(Role)


def test_a_caller_without_a_school_reaches_no_school() -> None:
    head = Principal(user_id=uuid.uuid4(), role=Role.SCHOOL_HEAD)
    assert not allowed(head, Action.SCHOOL_SET_WEEKS, Resource())
