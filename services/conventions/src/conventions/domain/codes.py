"""One-time codes that confirm a signature: 6 digits, 10 minutes, 5 tries."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from conventions.domain import errors

VALIDITY = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


@dataclass
class OneTimeCode:
    """Only a salted hash of the code is kept; the code itself is sent once."""

    digest: str
    salt: str
    expires_at: datetime
    attempts: int = 0
    used: bool = False

    @classmethod
    def issue(cls, now: datetime) -> tuple[str, "OneTimeCode"]:
        code = f"{secrets.randbelow(1_000_000):06d}"
        salt = secrets.token_hex(8)
        return code, cls(
            digest=_digest(code, salt), salt=salt, expires_at=now + VALIDITY
        )

    def check(self, code: str, now: datetime) -> None:
        """Accepts the right code once; counts wrong tries; void after 5 of them."""
        if self.used or self.attempts >= MAX_ATTEMPTS:
            raise errors.CodeVoid()
        if now >= self.expires_at:
            raise errors.CodeExpired()
        if not hmac.compare_digest(_digest(code.strip(), self.salt), self.digest):
            self.attempts += 1
            if self.attempts >= MAX_ATTEMPTS:
                raise errors.CodeVoid()
            raise errors.WrongCode(
                f"Code incorrect : encore {MAX_ATTEMPTS - self.attempts} essai(s)."
            )
        self.used = True
