"""State referents (department, academy, region, central) and platform admins."""

import uuid
from dataclasses import dataclass

from identity.db import User
from identity.domain import errors
from identity.domain.credentials import normalise_email
from identity.domain.permissions import Action, Resource, require
from identity.handlers.accounts import ensure_unique
from identity.handlers.context import Context, greeting, one_time_link
from identity.uow import UnitOfWork
from kit.auth import Principal, Role
from kit.senders import Message

# The scope field each referent role must be given.
REFERENT_SCOPE = {
    Role.REFERENT_DEPARTMENT: "department_code",
    Role.REFERENT_ACADEMY: "academy",
    Role.REFERENT_REGION: "region",
    Role.REFERENT_CENTRAL: "ministries",
}


@dataclass(frozen=True)
class InviteReferent:
    email: str
    role: Role
    department_code: str | None = None
    academy: str | None = None
    region: str | None = None
    ministries: tuple[str, ...] = ()


def _check_scope(cmd: InviteReferent) -> None:
    field = REFERENT_SCOPE.get(cmd.role)
    if field is None:
        raise errors.InvalidInput("Rôle de référent inconnu.")
    if not getattr(cmd, field):
        raise errors.InvalidInput(f"Ce rôle demande le champ « {field} ».")


async def invite_user(
    uow: UnitOfWork, ctx: Context, user: User, subject: str
) -> uuid.UUID:
    """Creates the account without password and mails its invitation link."""
    if not user.email:
        raise errors.ContactRequired
    await ensure_unique(uow, user.email, None)
    await uow.users.add(user)
    link = one_time_link(uow, ctx, user.id, "invitation", "/invitation")
    uow.send(
        Message(
            to_email=user.email,
            to_phone=None,
            subject=subject,
            body=f"{greeting(user)}\n\nChoisissez votre mot de passe: {link}\n",
        )
    )
    await uow.commit()
    return user.id


async def invite_referent(
    cmd: InviteReferent, who: Principal, uow: UnitOfWork, ctx: Context
) -> uuid.UUID:
    require(who, Action.REFERENT_INVITE, Resource())
    _check_scope(cmd)
    user = User(
        id=uuid.uuid4(),
        role=cmd.role.value,
        email=normalise_email(cmd.email),
        department_code=cmd.department_code,
        academy=cmd.academy,
        region=cmd.region,
        ministries=list(cmd.ministries),
    )
    return await invite_user(uow, ctx, user, "Votre accès référent")


async def invite_admin(email: str, uow: UnitOfWork, ctx: Context) -> uuid.UUID:
    """First admin of a deployment: run from the command line, never over HTTP."""
    user = User(id=uuid.uuid4(), role=Role.ADMIN.value, email=normalise_email(email))
    return await invite_user(uow, ctx, user, "Votre accès administrateur")


async def search_users(text: str, who: Principal, uow: UnitOfWork) -> list[User]:
    """Admins find accounts by email, phone or name (support, RGPD requests)."""
    require(who, Action.USER_SEARCH, Resource())
    return await uow.users.search(text.strip())
