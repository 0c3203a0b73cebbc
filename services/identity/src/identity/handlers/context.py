"""What the use cases need besides the database: keys, links, durations, clock."""

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from identity.db import OneTimeToken, User
from identity.domain.credentials import Passwords
from identity.signing import Signer
from identity.uow import UnitOfWork


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    signer: Signer
    base_url: str
    activation_ttl: timedelta = timedelta(hours=72)
    reset_ttl: timedelta = timedelta(hours=1)
    refresh_ttl: timedelta = timedelta(days=30)
    api_token_ttl: timedelta = timedelta(days=365)
    passwords: Passwords = field(default_factory=Passwords)
    clock: Callable[[], datetime] = field(default=_now)


def digest(token: str) -> str:
    """Only this hash of a link or refresh token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def one_time_link(
    uow: UnitOfWork, ctx: Context, user_id: uuid.UUID, purpose: str, path: str
) -> str:
    """Stores a one-time token and returns the link that carries it."""
    token = new_secret()
    ttl = ctx.reset_ttl if purpose == "reset" else ctx.activation_ttl
    uow.tokens.add(
        OneTimeToken(
            token_hash=digest(token),
            user_id=user_id,
            purpose=purpose,
            expires_at=ctx.clock() + ttl,
        )
    )
    return f"{ctx.base_url}{path}?token={token}"


def greeting(user: User) -> str:
    return f"Bonjour {user.first_name}," if user.first_name else "Bonjour,"
