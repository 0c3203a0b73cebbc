"""Partner operators: API tokens (v1), passwords and signed tokens (v2), quotas.

Partner calls never depend on identity: operators live in this service's table.
Tokens are stored as SHA-256 (they are random, so a slow hash adds nothing);
passwords with scrypt.
"""

import hashlib
import hmac
import secrets
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from offers.db import operators
from offers.domain.errors import ErrorKind, OffersError

PARTNER_ISSUER = "stages-offers-partners"


@dataclass(frozen=True)
class Operator:
    id: uuid.UUID
    name: str
    quota_per_minute: int

    @property
    def source(self) -> str:
        return f"api:{self.id}"


class OperatorExists(OffersError):
    kind = ErrorKind.CONFLICT

    def __init__(self) -> None:
        super().__init__("operator_exists", "Un opérateur utilise déjà cet e-mail.")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_ok(password: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    given = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1
    )
    return hmac.compare_digest(given.hex(), digest)


def _operator(row: object) -> Operator:
    return Operator(row.id, row.name, row.quota_per_minute)  # type: ignore[attr-defined]  # a Row


class OperatorStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(
        self, *, name: str, email: str, password: str, quota_per_minute: int
    ) -> tuple[Operator, str]:
        """Returns the operator and its API token, shown this once only."""
        operator = Operator(uuid.uuid4(), name, quota_per_minute)
        api_token = secrets.token_urlsafe(32)
        values = {
            "id": operator.id,
            "name": name,
            "email": email.lower(),
            "password_hash": hash_password(password),
            "api_token_hash": token_hash(api_token),
            "quota_per_minute": quota_per_minute,
        }
        try:
            async with self._sessions() as session, session.begin():
                await session.execute(insert(operators).values(values))
        except IntegrityError as exc:
            raise OperatorExists() from exc
        return operator, api_token

    async def by_token(self, api_token: str) -> Operator | None:
        query = select(operators).where(
            operators.c.api_token_hash == token_hash(api_token)
        )
        return await self._one(query)

    async def by_id(self, operator_id: uuid.UUID) -> Operator | None:
        return await self._one(select(operators).where(operators.c.id == operator_id))

    async def login(self, email: str, password: str) -> Operator | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(operators).where(operators.c.email == email.lower())
                )
            ).one_or_none()
        if row is None or not password_ok(password, row.password_hash):
            return None
        return _operator(row)

    async def _one(self, query: object) -> Operator | None:
        async with self._sessions() as session:
            row = (await session.execute(query)).one_or_none()  # type: ignore[call-overload]  # a Select
        return _operator(row) if row else None


class PartnerTokens:
    """HS256 tokens of the v2 API (as the predecessor's `POST /auth/login`)."""

    def __init__(self, secret: str, *, hours: int) -> None:
        self._secret = secret
        self._ttl = timedelta(hours=hours)

    def issue(self, operator: Operator) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": str(operator.id),
            "iss": PARTNER_ISSUER,
            "iat": now,
            "exp": now + self._ttl,
            "typ": "partner",
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def operator_id(self, token: str) -> uuid.UUID | None:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=["HS256"], issuer=PARTNER_ISSUER
            )
            return uuid.UUID(claims["sub"]) if claims.get("typ") == "partner" else None
        except (jwt.PyJWTError, KeyError, ValueError):
            return None


LOGIN_ATTEMPTS_PER_MINUTE = 10


class Throttle:
    """Fixed one-minute windows per key (an operator, a login e-mail), in this
    process's memory."""

    def __init__(self) -> None:
        self._counts: dict[tuple[object, int], int] = defaultdict(int)

    def allow(self, subject: object, quota: int, *, now: float | None = None) -> bool:
        window = int((time.monotonic() if now is None else now) // 60)
        key = (subject, window)
        self._counts[key] += 1
        if len(self._counts) > 10_000:
            self._forget_before(window)
        return self._counts[key] <= quota

    def _forget_before(self, window: int) -> None:
        for key in [key for key in self._counts if key[1] < window]:
            del self._counts[key]
