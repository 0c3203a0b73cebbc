"""The signature record: each entry carries the hash of the one before it.

Changing, removing or reordering any entry breaks every hash after it, so an audit
finds the first entry that no longer matches.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime

GENESIS = "0" * 64


@dataclass(frozen=True)
class SignatureEntry:
    convention_id: str
    role: str
    signer: str
    signed_at: datetime
    ip: str
    user_agent: str
    document_sha256: str
    previous_hash: str
    entry_hash: str = ""

    def canonical(self) -> bytes:
        """The bytes hashed: every field but the entry's own hash, in a fixed form."""
        fields = asdict(self) | {"signed_at": self.signed_at.isoformat()}
        fields.pop("entry_hash")
        return json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()

    def sealed(self) -> "SignatureEntry":
        digest = hashlib.sha256(self.canonical()).hexdigest()
        return SignatureEntry(**(asdict(self) | {"entry_hash": digest}))


def append(chain: list[SignatureEntry], entry: SignatureEntry) -> SignatureEntry:
    """Links `entry` to the last one and seals it; returns the sealed entry."""
    previous = chain[-1].entry_hash if chain else GENESIS
    sealed = SignatureEntry(**(asdict(entry) | {"previous_hash": previous})).sealed()
    chain.append(sealed)
    return sealed


def first_broken(chain: list[SignatureEntry]) -> int | None:
    """Index of the first entry whose hash or link does not match; None if intact."""
    previous = GENESIS
    for index, entry in enumerate(chain):
        if (
            entry.previous_hash != previous
            or entry.sealed().entry_hash != entry.entry_hash
        ):
            return index
        previous = entry.entry_hash
    return None
