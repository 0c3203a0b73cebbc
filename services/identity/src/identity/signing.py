"""Signs access tokens with identity's Ed25519 key and publishes the JWKS.

`python -m identity.signing generate .local/identity/jwt-ed25519.pem` writes a key
for development (never committed: `.local/` is ignored by git).
"""

import argparse
import hashlib
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kit.auth import ALGORITHM, AUDIENCE, ISSUER, Principal


class Signer:
    def __init__(self, key: Ed25519PrivateKey, *, ttl_seconds: int) -> None:
        self._key = key
        self.ttl_seconds = ttl_seconds
        public = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.kid = hashlib.sha256(public).hexdigest()[:16]

    @classmethod
    def from_pem(cls, pem: bytes, *, ttl_seconds: int) -> "Signer":
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the identity signing key must be Ed25519")
        return cls(key, ttl_seconds=ttl_seconds)

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.algorithms.OKPAlgorithm.to_jwk(
            self._key.public_key(), as_dict=True
        )
        return {"keys": [jwk | {"kid": self.kid, "use": "sig", "alg": ALGORITHM}]}

    def access_token(
        self, principal: Principal, *, ttl_seconds: int | None = None, **extra: Any
    ) -> str:
        """A signed access token; `ttl_seconds` overrides the short default (the
        long-lived API tokens of operators)."""
        now = int(time.time())
        claims = (
            principal.claims()
            | extra
            | {
                "iss": ISSUER,
                "aud": AUDIENCE,
                "iat": now,
                "exp": now + (ttl_seconds or self.ttl_seconds),
                "jti": extra.pop("jti", None) or uuid.uuid4().hex,
                "typ": "access",
            }
        )
        return jwt.encode(
            claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid}
        )


def generate_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Clé de signature des jetons.")
    parser.add_argument("command", choices=["generate"])
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    if args.path.exists():
        sys.stdout.write(f"{args.path} existe déjà, conservée.\n")
        return
    args.path.parent.mkdir(parents=True, exist_ok=True)
    args.path.write_bytes(generate_pem())
    args.path.chmod(0o600)
    sys.stdout.write(f"clé écrite: {args.path}\n")


if __name__ == "__main__":
    main()
