"""Access tokens, verified locally by every service.

Identity signs short-lived JWTs with an Ed25519 key (EdDSA) and publishes its public
keys as a JWKS. The other services load that JWKS once and check each request's token
themselves: no call to identity on a request path.
"""

import enum
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

ISSUER = "stages-identity"
AUDIENCE = "stages"
ALGORITHM = "EdDSA"


class Role(enum.StrEnum):
    PUPIL = "pupil"
    SCHOOL_HEAD = "school_head"
    MAIN_TEACHER = "main_teacher"
    TEACHER = "teacher"
    CPE = "cpe"
    DOCUMENTALIST = "documentalist"
    PSYCHOLOGIST = "psychologist"
    SCHOOL_ADMIN_STAFF = "school_admin_staff"
    EMPLOYER = "employer"
    OPERATOR = "operator"
    REFERENT_DEPARTMENT = "referent_department"
    REFERENT_ACADEMY = "referent_academy"
    REFERENT_REGION = "referent_region"
    REFERENT_CENTRAL = "referent_central"
    ADMIN = "admin"


SCHOOL_STAFF_ROLES = frozenset(
    {
        Role.SCHOOL_HEAD,
        Role.MAIN_TEACHER,
        Role.TEACHER,
        Role.CPE,
        Role.DOCUMENTALIST,
        Role.PSYCHOLOGIST,
        Role.SCHOOL_ADMIN_STAFF,
    }
)


@dataclass(frozen=True)
class Principal:
    """Who is calling, and the scope their role gives them (claims of the token)."""

    user_id: uuid.UUID
    role: Role
    school_uai: str | None = None
    class_id: uuid.UUID | None = None
    grade: str | None = None
    department_code: str | None = None
    academy: str | None = None
    region: str | None = None
    ministries: tuple[str, ...] = ()
    team_id: uuid.UUID | None = None
    operator_id: uuid.UUID | None = None
    # How to reach the user (their own token only): signing codes are sent there.
    email: str | None = None
    phone: str | None = None

    def claims(self) -> dict[str, Any]:
        """The scope claims, as identity puts them in a token."""
        claims: dict[str, Any] = {"sub": str(self.user_id), "role": self.role.value}
        scalars = (
            "school_uai",
            "grade",
            "department_code",
            "academy",
            "region",
            "email",
            "phone",
        )
        for name in scalars:
            if (value := getattr(self, name)) is not None:
                claims[name] = value
        for name in ("class_id", "team_id", "operator_id"):
            if (value := getattr(self, name)) is not None:
                claims[name] = str(value)
        if self.ministries:
            claims["ministries"] = list(self.ministries)
        return claims

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Principal":
        def optional_uuid(name: str) -> uuid.UUID | None:
            return uuid.UUID(claims[name]) if claims.get(name) else None

        return cls(
            user_id=uuid.UUID(claims["sub"]),
            role=Role(claims["role"]),
            school_uai=claims.get("school_uai"),
            class_id=optional_uuid("class_id"),
            grade=claims.get("grade"),
            department_code=claims.get("department_code"),
            academy=claims.get("academy"),
            region=claims.get("region"),
            ministries=tuple(claims.get("ministries", ())),
            team_id=optional_uuid("team_id"),
            operator_id=optional_uuid("operator_id"),
            email=claims.get("email"),
            phone=claims.get("phone"),
        )


class TokenError(Exception):
    """A token that must be refused; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class TokenVerifier:
    """Checks signature, issuer, audience, expiry and type of access tokens."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = {
            key["kid"]: jwt.PyJWK.from_dict(key, algorithm=ALGORITHM)
            for key in jwks["keys"]
        }

    @classmethod
    async def fetch(cls, jwks_url: str) -> "TokenVerifier":
        """Loads identity's JWKS once, at start-up."""
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(jwks_url)
            response.raise_for_status()
        return cls(response.json())

    @classmethod
    def from_file(cls, path: str) -> "TokenVerifier":
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle))

    def verify(self, token: str) -> Principal:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(kid or "")
            if key is None:
                raise TokenError("token_invalid", "Jeton signé par une clé inconnue.")
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "role", "typ"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenError(
                "token_expired", "Votre session a expiré, reconnectez-vous."
            ) from exc
        except jwt.PyJWTError as exc:
            raise TokenError("token_invalid", "Jeton d'accès invalide.") from exc
        if claims["typ"] != "access":
            raise TokenError("token_invalid", "Ce jeton n'est pas un jeton d'accès.")
        try:
            return Principal.from_claims(claims)
        except (KeyError, ValueError) as exc:
            raise TokenError("token_invalid", "Jeton d'accès incomplet.") from exc


class JwksProvider:
    """Fetches identity's JWKS on first use and keeps it, so a service may start
    before identity does."""

    def __init__(self, jwks_url: str) -> None:
        self._url = jwks_url
        self._verifier: TokenVerifier | None = None

    async def get(self) -> TokenVerifier:
        if self._verifier is None:
            try:
                self._verifier = await TokenVerifier.fetch(self._url)
            except httpx.HTTPError as exc:
                raise HTTPException(
                    status_code=503,
                    detail={
                        "code": "identity_unavailable",
                        "message": "Le service d'identité ne répond pas, réessayez.",
                    },
                ) from exc
        return self._verifier


_bearer = HTTPBearer(auto_error=False)


async def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | JwksProvider = request.app.state.token_verifier
    return await verifier.get() if isinstance(verifier, JwksProvider) else verifier


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the caller, from `Authorization: Bearer <token>`.

    The app sets `app.state.token_verifier` at start-up.
    """
    if credentials is None:
        raise HTTPException(
            status_code=401,
            detail={
                "code": "authentication_required",
                "message": "Connectez-vous pour continuer.",
            },
            headers={"WWW-Authenticate": "Bearer"},
        )
    verifier = await _verifier(request)
    try:
        return verifier.verify(credentials.credentials)
    except TokenError as exc:
        raise HTTPException(
            status_code=401,
            detail={"code": exc.code, "message": exc.message},
            headers={"WWW-Authenticate": "Bearer"},
        ) from exc


PrincipalDep = Annotated[Principal, Depends(current_principal)]
