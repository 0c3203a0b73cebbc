"""Errors of the offers domain: a stable `code`, a French `message`, a `kind`.

The kind says what went wrong in business terms; the API maps it to a status code.
"""

import enum
from typing import Any


class ErrorKind(enum.Enum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"


class OffersError(Exception):
    kind = ErrorKind.INVALID

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class InvalidOffer(OffersError):
    kind = ErrorKind.INVALID


class OfferNotFound(OffersError):
    kind = ErrorKind.NOT_FOUND

    def __init__(self) -> None:
        super().__init__("offer_not_found", "Cette offre n'existe pas.")


class NotYourOffer(OffersError):
    kind = ErrorKind.FORBIDDEN

    def __init__(self) -> None:
        super().__init__(
            "offer_forbidden", "Cette offre appartient à une autre équipe."
        )


class TransitionNotAllowed(OffersError):
    kind = ErrorKind.CONFLICT


class DuplicateRemoteId(OffersError):
    kind = ErrorKind.CONFLICT

    def __init__(self, remote_id: str) -> None:
        super().__init__(
            "remote_id_taken",
            f"Une offre avec l'identifiant {remote_id} existe déjà.",
            remote_id=remote_id,
        )
