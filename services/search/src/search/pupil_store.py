"""The pupil read model in OpenSearch, shared by every HTTP process.

Two small indices beside the offers index: schools by UAI (what each school
registered, part by part, with the stamp of the event that set each part) and
applications by id (pupil, offer, in progress or not, at the event's version).
"""

import asyncio
import random
from typing import Any

import structlog
from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import ConflictError, OpenSearchException

from kit.auth import Principal, Role
from search.domain.applications import ApplicationChange
from search.domain.errors import SearchUnavailable
from search.domain.places import school_positions
from search.domain.query import Point
from search.domain.schools import SchoolChange, SchoolProfile, merge, profile_of
from search.pupils import PupilContext

log = structlog.get_logger(__name__)
MAX_APPLICATIONS = 1000
SCHOOL_WRITE_ATTEMPTS = 10
_STAMP = {"type": "keyword", "index": False}
SCHOOLS_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "uai": {"type": "keyword"},
        "location": {"type": "geo_point"},
        "kind": {"type": "keyword"},
        "internship_weeks": {"type": "keyword"},
        "perimeter_km": {"type": "integer"},
        "national_search": {"type": "boolean"},
        "registration_stamp": _STAMP,
        "weeks_stamp": _STAMP,
        "perimeter_stamp": _STAMP,
    },
}
APPLICATIONS_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "pupil_id": {"type": "keyword"},
        "offer_id": {"type": "keyword"},
        "active": {"type": "boolean"},
    },
}


class SchoolWriteConflict(Exception):
    """Other writers kept changing the school's document; the consumer retries."""


class OpenSearchPupilDirectory:
    def __init__(self, client: AsyncOpenSearch, *, prefix: str) -> None:
        self._client = client
        self.schools = f"{prefix}-schools"
        self.applications = f"{prefix}-applications"
        self._positions = school_positions()

    async def ensure_indices(self) -> None:
        """Creates the indices, or adds the fields a newer version maps."""
        for name, mapping in (
            (self.schools, SCHOOLS_MAPPING),
            (self.applications, APPLICATIONS_MAPPING),
        ):
            if await self._client.indices.exists(index=name):
                await self._client.indices.put_mapping(index=name, body=mapping)
            else:
                await self._client.indices.create(
                    index=name, body={"mappings": mapping}, ignore=400
                )

    async def apply_school(self, change: SchoolChange) -> None:
        """Read, merge, write only if nobody wrote in between (sequence number);
        another event of the same school in the same batch makes it start over."""
        for attempt in range(SCHOOL_WRITE_ATTEMPTS):
            if attempt:  # spread the writers that raced for the same school
                jitter = random.uniform(0, 0.005 * attempt)  # noqa: S311 (not a secret)
                await asyncio.sleep(jitter)
            reply = await self._client.get(
                index=self.schools, id=change.uai, ignore=404
            )
            stored = reply["_source"] if reply.get("found") else None
            merged = merge(stored, change)
            if merged is None:
                return  # a replay, or older than every part it sets
            try:
                await self._client.index(
                    index=self.schools, id=change.uai, body=merged, **_guard(reply)
                )
                return
            except ConflictError:
                log.info("school_write_conflict", uai=change.uai)
        raise SchoolWriteConflict(change.uai)

    async def set_application(self, change: ApplicationChange) -> None:
        document = {
            "pupil_id": str(change.pupil_id),
            "offer_id": change.offer_id,
            "active": change.active,
        }
        await self._client.index(
            index=self.applications,
            id=change.application_id,
            body=document,
            version=change.version,
            version_type="external",
            ignore=409,  # an older or repeated event: the stored one is newer
        )

    async def context_for(self, principal: Principal) -> PupilContext | None:
        if principal.role is not Role.PUPIL:
            return None
        try:
            school = await self._school(principal.school_uai)
            applied = await self._applied(str(principal.user_id))
        except OpenSearchException as exc:
            raise SearchUnavailable() from exc
        return PupilContext(principal.user_id, school, principal.grade, applied)

    async def _school(self, uai: str | None) -> SchoolProfile | None:
        if uai is None:
            return None
        reply = await self._client.get(index=self.schools, id=uai, ignore=404)
        public = self._positions.get(uai)
        return profile_of(
            uai,
            reply["_source"] if reply.get("found") else None,
            Point(*public) if public else None,
        )

    async def _applied(self, pupil_id: str) -> frozenset[str]:
        query = {
            "bool": {
                "filter": [
                    {"term": {"pupil_id": pupil_id}},
                    {"term": {"active": True}},
                ]
            }
        }
        reply = await self._client.search(
            index=self.applications,
            body={"query": query, "size": MAX_APPLICATIONS, "_source": ["offer_id"]},
            ignore=404,
        )
        hits = reply.get("hits", {}).get("hits", [])
        return frozenset(hit["_source"]["offer_id"] for hit in hits)


def _guard(reply: dict[str, Any]) -> dict[str, Any]:
    """Write only over the version read, or create only if still absent."""
    if reply.get("found"):
        return {
            "if_seq_no": reply["_seq_no"],
            "if_primary_term": reply["_primary_term"],
        }
    return {"op_type": "create"}
