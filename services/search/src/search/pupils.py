"""What search must know of a pupil to apply their defaults and hiding rules.

Identity owns schools (position, internship weeks) and applications owns who applied
where; neither publishes events yet. `PupilContextProvider` is the read model search
will keep from those feeds; `InMemoryPupilDirectory` implements it, filled by the
future consumers (or by tests), with the public school positions as a fallback.
"""

import dataclasses
import uuid
from dataclasses import dataclass
from typing import Protocol

from kit.auth import Principal, Role
from search.domain.places import school_positions
from search.domain.query import Point


@dataclass(frozen=True)
class SchoolProfile:
    uai: str
    location: Point | None
    internship_weeks: tuple[str, ...] = ()


@dataclass(frozen=True)
class PupilContext:
    """A pupil's defaults (`school`, `grade`) and what to hide from them."""

    pupil_id: uuid.UUID
    school: SchoolProfile | None
    grade: str | None
    applied_offer_ids: frozenset[str]


class PupilContextProvider(Protocol):
    async def context_for(self, principal: Principal) -> PupilContext | None:
        """None unless the principal is a pupil."""
        ...


class InMemoryPupilDirectory:
    """Schools and applications, kept in memory by the consumers that feed them."""

    def __init__(self, *, with_public_schools: bool = True) -> None:
        self._schools: dict[str, SchoolProfile] = {}
        self._applied: dict[uuid.UUID, set[str]] = {}
        self._positions = school_positions() if with_public_schools else {}

    def put_school(self, profile: SchoolProfile) -> None:
        self._schools[profile.uai] = profile

    def record_application(self, pupil_id: uuid.UUID, offer_id: str) -> None:
        self._applied.setdefault(pupil_id, set()).add(offer_id)

    def forget_application(self, pupil_id: uuid.UUID, offer_id: str) -> None:
        self._applied.get(pupil_id, set()).discard(offer_id)

    def school(self, uai: str) -> SchoolProfile | None:
        known = self._schools.get(uai)
        public = self._positions.get(uai)
        if known is None:
            return SchoolProfile(uai, Point(*public)) if public else None
        if known.location is None and public:
            return dataclasses.replace(known, location=Point(*public))
        return known

    async def context_for(self, principal: Principal) -> PupilContext | None:
        if principal.role is not Role.PUPIL:
            return None
        uai = principal.school_uai
        return PupilContext(
            pupil_id=principal.user_id,
            school=self.school(uai) if uai else None,
            grade=principal.grade,
            applied_offer_ids=frozenset(self._applied.get(principal.user_id, ())),
        )
