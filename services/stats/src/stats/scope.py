"""What each referent may see: their department, their ministries, or everything."""

from dataclasses import dataclass

from kit.auth import Principal, Role


class OutOfScope(Exception):
    code = "out_of_scope"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Scope:
    """None means no restriction on that dimension."""

    departments: frozenset[str] | None = None
    ministries: frozenset[str] | None = None
    academy: str | None = None
    region: str | None = None


EVERYTHING = Scope()


def scope_of(principal: Principal) -> Scope:
    if principal.role is Role.ADMIN:
        return EVERYTHING
    if principal.role is Role.REFERENT_CENTRAL:
        # A central referent attached to ministries sees their public offers only.
        return (
            Scope(ministries=frozenset(principal.ministries))
            if principal.ministries
            else EVERYTHING
        )
    if principal.role is Role.REFERENT_DEPARTMENT and principal.department_code:
        return Scope(departments=frozenset({principal.department_code}))
    if principal.role is Role.REFERENT_ACADEMY and principal.academy:
        return Scope(academy=principal.academy)
    if principal.role is Role.REFERENT_REGION and principal.region:
        return Scope(region=principal.region)
    raise OutOfScope("Ces statistiques sont réservées aux référents de l'État.")


def narrowed(scope: Scope, *, department: str | None) -> Scope:
    """The scope with a department filter asked for, refused outside the scope."""
    if department is None:
        return scope
    if scope.departments is not None and department not in scope.departments:
        raise OutOfScope("Ce département n'est pas dans votre périmètre.")
    # Academy and region stay as they are: a department outside them matches nothing.
    return Scope(
        departments=frozenset({department}),
        ministries=scope.ministries,
        academy=scope.academy,
        region=scope.region,
    )
