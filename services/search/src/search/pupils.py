"""What search must know of a pupil to apply their defaults and hiding rules.

The pupil's school and grade come from their token (identity puts `school_uai` and
`grade` in every pupil's token); what the school registered (position, internship
weeks, perimeter, national search) comes from identity's school events, and who
applied where from the applications' events. `PupilModel` is that read model:
`OpenSearchPupilDirectory` (`search.pupil_store`) in the service, shared by every
process, and `InMemoryPupilDirectory` in unit tests.
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from contracts import EventBase
from kit.auth import Principal, Role
from search.domain.applications import ApplicationChange, application_change
from search.domain.places import school_positions
from search.domain.query import Point
from search.domain.schools import (
    Document,
    SchoolChange,
    SchoolProfile,
    merge,
    profile_of,
    school_change,
)

__all__ = [
    "InMemoryPupilDirectory",
    "PupilContext",
    "PupilContextProvider",
    "PupilEventHandler",
    "PupilModel",
    "SchoolProfile",
]


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


class PupilModel(PupilContextProvider, Protocol):
    async def apply_school(self, change: SchoolChange) -> None:
        """Applies the parts of the change that are newer than what is kept."""
        ...

    async def set_application(self, change: ApplicationChange) -> None:
        """Keeps the application's state unless a later event set it already."""
        ...


class PupilEventHandler:
    """The consumers' handler for school and application events (idempotent by
    itself: every write checks the event's stamp or version)."""

    def __init__(self, model: PupilModel) -> None:
        self._model = model

    async def __call__(self, event: EventBase) -> None:
        if (school := school_change(event)) is not None:
            await self._model.apply_school(school)
        elif (application := application_change(event)) is not None:
            await self._model.set_application(application)


class InMemoryPupilDirectory:
    """The pupil model in memory, with the public school positions as fallback."""

    def __init__(self, *, with_public_schools: bool = True) -> None:
        self._schools: dict[str, Document] = {}
        self._applications: dict[str, ApplicationChange] = {}
        self._positions = school_positions() if with_public_schools else {}

    async def apply_school(self, change: SchoolChange) -> None:
        merged = merge(self._schools.get(change.uai), change)
        if merged is not None:
            self._schools[change.uai] = merged

    async def set_application(self, change: ApplicationChange) -> None:
        kept = self._applications.get(change.application_id)
        if kept is None or kept.version < change.version:
            self._applications[change.application_id] = change

    def school(self, uai: str) -> SchoolProfile | None:
        public = self._positions.get(uai)
        return profile_of(
            uai, self._schools.get(uai), Point(*public) if public else None
        )

    def applied(self, pupil_id: uuid.UUID) -> frozenset[str]:
        return frozenset(
            a.offer_id
            for a in self._applications.values()
            if a.pupil_id == pupil_id and a.active
        )

    async def context_for(self, principal: Principal) -> PupilContext | None:
        if principal.role is not Role.PUPIL:
            return None
        uai = principal.school_uai
        return PupilContext(
            pupil_id=principal.user_id,
            school=self.school(uai) if uai else None,
            grade=principal.grade,
            applied_offer_ids=self.applied(principal.user_id),
        )
