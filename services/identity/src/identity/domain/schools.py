"""Schools as the reference data describes them, and how they are searched."""

import re
from dataclasses import dataclass
from typing import Literal

SchoolKind = Literal["rep", "rep_plus", "qpv", "qpv_proche", "lycee"]
KIND_LABELS: dict[SchoolKind, str] = {
    "rep": "REP",
    "rep_plus": "REP+",
    "qpv": "QPV",
    "qpv_proche": "proche QPV",
    "lycee": "lycée",
}
UAI_PATTERN = re.compile(r"^\d{7}[A-Z]$")
DEFAULT_PERIMETER_KM = 60


@dataclass(frozen=True)
class SchoolRecord:
    """One school of the reference data, ready to upsert."""

    uai: str
    name: str
    kind: SchoolKind
    street: str | None
    postal_code: str | None
    city: str
    department_code: str
    academy: str
    academy_domain: str
    region: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Rejection:
    source: str
    line: int
    uai: str
    reason: str


def normalise_uai(raw: str) -> str | None:
    """The UAI in canonical form (upper case, no spaces), or None if malformed."""
    uai = raw.replace(" ", "").strip().upper()
    return uai if UAI_PATTERN.match(uai) else None


def normalise_department(code: str) -> str:
    """ "093" -> "93", "02A" -> "2A"; overseas codes keep their three digits."""
    code = code.strip().upper()
    if len(code) == 3 and code.startswith("0"):
        return code[1:]
    return code


def academic_address(uai: str, academy_domain: str) -> str:
    """The mailbox every school has: ce.<uai>@<academy domain>."""
    return f"ce.{uai.lower()}@{academy_domain}"
