"""Issues real signed tokens in tests, with a throw-away Ed25519 key."""

import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kit.auth import ALGORITHM, AUDIENCE, ISSUER, Principal, Role, TokenVerifier


class TokenFactory:
    def __init__(self) -> None:
        self._key = Ed25519PrivateKey.generate()
        self.kid = uuid.uuid4().hex[:12]

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.algorithms.OKPAlgorithm.to_jwk(
            self._key.public_key(), as_dict=True
        )
        return {"keys": [jwk | {"kid": self.kid, "use": "sig", "alg": ALGORITHM}]}

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self.jwks())

    def issue(
        self, principal: Principal, *, ttl_seconds: int = 300, typ: str = "access"
    ) -> str:
        now = int(time.time())
        claims = principal.claims() | {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": uuid.uuid4().hex,
            "typ": typ,
        }
        return jwt.encode(
            claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid}
        )

    def token_for(self, role: Role, **scope: Any) -> str:
        return self.issue(Principal(user_id=uuid.uuid4(), role=role, **scope))
