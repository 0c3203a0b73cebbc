"""Accounts: sign-up, activation, login with lockout, refresh, logout, reset."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from identity.db import OneTimeToken, RefreshToken, User
from identity.domain import errors
from identity.domain.credentials import (
    contact,
    split_login,
)
from identity.handlers.context import (
    Context,
    digest,
    greeting,
    new_secret,
    one_time_link,
)
from identity.handlers.joining import on_activated
from identity.handlers.principals import principal_of
from identity.uow import UnitOfWork
from kit.senders import Message

MAX_FAILED_LOGINS = 8
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class SignUp:
    role: str
    first_name: str
    last_name: str
    password: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


async def ensure_unique(uow: UnitOfWork, email: str | None, phone: str | None) -> None:
    if email and await uow.users.email_taken(email):
        raise errors.DuplicateEmail
    if phone and await uow.users.phone_taken(phone):
        raise errors.DuplicatePhone


def activation_message(user: User, link: str) -> Message:
    return Message(
        to_email=user.email,
        to_phone=None if user.email else user.phone,
        subject="Activez votre compte Stages d'observation",
        body=(
            f"{greeting(user)}\n\nPour activer votre compte, ouvrez ce lien: {link}\n"
            "Il est valable 72 heures.\n"
        ),
    )


async def sign_up(cmd: SignUp, uow: UnitOfWork, ctx: Context) -> uuid.UUID:
    """Employers sign up themselves; the account waits for its activation link."""
    email, phone = contact(cmd.email, cmd.phone)
    password_hash = ctx.passwords.hash(cmd.password)
    await ensure_unique(uow, email, phone)
    user = User(
        id=uuid.uuid4(),
        role=cmd.role,
        email=email,
        phone=phone,
        password_hash=password_hash,
        first_name=cmd.first_name,
        last_name=cmd.last_name,
    )
    await uow.users.add(user)
    link = one_time_link(uow, ctx, user.id, "activation", "/activation")
    uow.send(activation_message(user, link))
    await uow.commit()
    return user.id


async def use_one_time(
    uow: UnitOfWork, ctx: Context, token: str, purpose: str
) -> OneTimeToken:
    """Spends a one-time token; it never works twice nor after its expiry."""
    stored = await uow.tokens.one_time(digest(token))
    if stored is None or stored.purpose != purpose:
        raise errors.TokenInvalid
    if stored.used_at is not None:
        raise errors.TokenReused("Ce lien a déjà été utilisé.")
    if stored.expires_at <= ctx.clock():
        raise errors.TokenExpired
    stored.used_at = ctx.clock()
    return stored


async def activate(token: str, uow: UnitOfWork, ctx: Context) -> uuid.UUID:
    stored = await use_one_time(uow, ctx, token, "activation")
    user = await uow.users.get(stored.user_id, lock=True)
    if user is None:
        raise errors.TokenInvalid
    user.activated_at = ctx.clock()
    await on_activated(user, uow, ctx)
    await uow.commit()
    return user.id


async def login(
    identifier: str, password: str, uow: UnitOfWork, ctx: Context
) -> TokenPair:
    email, phone = split_login(identifier)
    user = await uow.users.by_login(email=email, phone=phone)
    now = ctx.clock()
    if user is not None and user.locked_until and user.locked_until > now:
        raise errors.AccountLocked
    if user is None or not ctx.passwords.verify(user.password_hash, password):
        await _count_failure(user, uow, now)
        raise errors.InvalidCredentials
    if user.activated_at is None:
        raise errors.AccountNotActivated
    user.failed_logins, user.locked_until = 0, None
    pair = await _issue(user, uow, ctx, family_id=uuid.uuid4())
    await uow.commit()
    return pair


async def _count_failure(user: User | None, uow: UnitOfWork, now: datetime) -> None:
    """Counts the failure in its own commit: the refusal must not roll it back."""
    if user is None:
        return
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.failed_logins, user.locked_until = 0, now + LOCKOUT
        await uow.commit()
        raise errors.AccountLocked
    await uow.commit()


async def _issue(
    user: User, uow: UnitOfWork, ctx: Context, *, family_id: uuid.UUID
) -> TokenPair:
    principal, extra = await principal_of(user, uow)
    refresh = new_secret()
    uow.tokens.add(
        RefreshToken(
            token_hash=digest(refresh),
            family_id=family_id,
            user_id=user.id,
            expires_at=ctx.clock() + ctx.refresh_ttl,
        )
    )
    access = ctx.signer.access_token(principal, **extra)
    return TokenPair(access, refresh, ctx.signer.ttl_seconds)


async def refresh(token: str, uow: UnitOfWork, ctx: Context) -> TokenPair:
    """Rotates the refresh token; a reused one revokes its whole family."""
    stored = await uow.tokens.refresh(digest(token))
    now = ctx.clock()
    if stored is None or stored.revoked_at is not None:
        raise errors.TokenInvalid("Session invalide, reconnectez-vous.")
    if stored.used_at is not None:
        await _revoke_family(stored.family_id, uow, now)
        await uow.commit()
        raise errors.TokenReused
    if stored.expires_at <= now:
        raise errors.TokenExpired("Votre session a expiré, reconnectez-vous.")
    stored.used_at = now
    user = await uow.users.get(stored.user_id)
    if user is None or user.anonymised_at is not None:
        raise errors.TokenInvalid("Session invalide, reconnectez-vous.")
    pair = await _issue(user, uow, ctx, family_id=stored.family_id)
    await uow.commit()
    return pair


async def _revoke_family(family_id: uuid.UUID, uow: UnitOfWork, now: datetime) -> None:
    for member in await uow.tokens.family(family_id):
        member.revoked_at = member.revoked_at or now


async def logout(token: str, uow: UnitOfWork, ctx: Context) -> None:
    stored = await uow.tokens.refresh(digest(token))
    if stored is not None:
        await _revoke_family(stored.family_id, uow, ctx.clock())
        await uow.commit()


async def request_reset(identifier: str, uow: UnitOfWork, ctx: Context) -> None:
    """Sends a reset link when the account exists; says nothing either way."""
    email, phone = split_login(identifier)
    user = await uow.users.by_login(email=email, phone=phone)
    if user is None or user.anonymised_at is not None:
        return
    link = one_time_link(uow, ctx, user.id, "reset", "/mot-de-passe")
    uow.send(
        Message(
            to_email=user.email,
            to_phone=None if user.email else user.phone,
            subject="Réinitialisation de votre mot de passe",
            body=f"{greeting(user)}\n\nNouveau mot de passe: {link}\n",
        )
    )
    await uow.commit()


async def reset_password(
    token: str, password: str, uow: UnitOfWork, ctx: Context
) -> None:
    password_hash = ctx.passwords.hash(password)
    stored = await use_one_time(uow, ctx, token, "reset")
    user = await uow.users.get(stored.user_id, lock=True)
    if user is None:
        raise errors.TokenInvalid
    user.password_hash = password_hash
    user.failed_logins, user.locked_until = 0, None
    for session in await uow.tokens.of_user(user.id):
        session.revoked_at = session.revoked_at or ctx.clock()
    await uow.commit()
