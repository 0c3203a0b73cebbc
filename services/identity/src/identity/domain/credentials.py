"""Logins (email or French mobile) and the password policy."""

import re
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from identity.domain.errors import (
    ContactRequired,
    MalformedEmail,
    MalformedPhone,
    WeakPassword,
)

MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_FRENCH_MOBILE = re.compile(r"^(?:\+33|0033|0)([67]\d{8})$")


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if not _EMAIL.match(email):
        raise MalformedEmail
    return email


def normalise_phone(raw: str) -> str:
    """A French mobile number in E.164 (+336..., +337...)."""
    digits = re.sub(r"[\s.\-()]", "", raw)
    match = _FRENCH_MOBILE.match(digits)
    if not match:
        raise MalformedPhone
    return f"+33{match[1]}"


def contact(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """The normalised pair; at least one must be given."""
    if not (email or phone):
        raise ContactRequired
    return (
        normalise_email(email) if email else None,
        normalise_phone(phone) if phone else None,
    )


def split_login(identifier: str) -> tuple[str | None, str | None]:
    """An identifier typed at login: an email if it has an @, else a phone."""
    if "@" in identifier:
        return normalise_email(identifier), None
    return None, normalise_phone(identifier)


def check_policy(password: str) -> None:
    classes = (
        any(char.islower() for char in password),
        any(char.isupper() for char in password),
        any(char.isdigit() for char in password),
        any(char in string.punctuation or char.isspace() for char in password),
    )
    if len(password) < MIN_PASSWORD_LENGTH or not all(classes):
        raise WeakPassword


class Passwords:
    """argon2id hashing; the cost comes from settings, and hashes made with other
    parameters still verify (argon2 stores them in the hash)."""

    def __init__(self, *, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        # Verified when the login is unknown: both paths cost one verification.
        self._dummy = self._hasher.hash("not-a-password-of-anyone")

    def hash(self, password: str) -> str:
        check_policy(password)
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            matches = self._hasher.verify(password_hash or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and password_hash is not None
