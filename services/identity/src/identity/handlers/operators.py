"""Operators: partner organisations publishing through the partner API."""

import uuid
from dataclasses import dataclass

from identity.db import ApiToken, Operator, User
from identity.domain import errors
from identity.domain.credentials import normalise_email
from identity.domain.permissions import Action, Resource, require
from identity.handlers.context import Context
from identity.handlers.principals import principal_of
from identity.handlers.referents import invite_user
from identity.uow import UnitOfWork
from kit.auth import Principal, Role


@dataclass(frozen=True)
class ApiTokenIssued:
    token: str
    jti: str
    expires_in: int


async def invite_operator(
    name: str, email: str, who: Principal, uow: UnitOfWork, ctx: Context
) -> uuid.UUID:
    """An admin registers the organisation and invites its first user."""
    require(who, Action.OPERATOR_INVITE, Resource())
    if not name.strip() or await uow.operators.name_taken(name.strip()):
        raise errors.InvalidInput("Nom d'opérateur vide ou déjà enregistré.")
    operator = Operator(id=uuid.uuid4(), name=name.strip())
    await uow.operators.add(operator)
    user = User(
        id=uuid.uuid4(),
        role=Role.OPERATOR.value,
        email=normalise_email(email),
        operator_id=operator.id,
    )
    await invite_user(uow, ctx, user, f"Accès opérateur: {operator.name}")
    return operator.id


async def issue_api_token(
    who: Principal, uow: UnitOfWork, ctx: Context
) -> ApiTokenIssued:
    """A long-lived access token for the partner API, in the same format as every
    access token; identity keeps its id (jti), expiry and issuer for audit."""
    require(who, Action.OPERATOR_ISSUE_API_KEY, Resource(operator_id=who.operator_id))
    user = await uow.users.get(who.user_id)
    if user is None or user.operator_id is None or user.anonymised_at is not None:
        raise errors.Forbidden
    principal, _ = await principal_of(user, uow)
    jti, ttl = uuid.uuid4().hex, int(ctx.api_token_ttl.total_seconds())
    uow.operators.add_api_token(
        ApiToken(
            jti=jti,
            operator_id=user.operator_id,
            issued_by=user.id,
            expires_at=ctx.clock() + ctx.api_token_ttl,
        )
    )
    token = ctx.signer.access_token(principal, ttl_seconds=ttl, jti=jti)
    await uow.commit()
    return ApiTokenIssued(token=token, jti=jti, expires_in=ttl)
