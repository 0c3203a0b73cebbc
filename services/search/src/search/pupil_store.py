"""The pupil read model in OpenSearch, shared by every HTTP process.

Two small indices beside the offers index: schools by UAI (position, internship
weeks) and applications by pupil and offer. The consumers of identity's and
applications' events (to come) write them with their events' versions, as the
offer indexer does, so their replays are harmless too.
"""

import uuid
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import OpenSearchException

from kit.auth import Principal, Role
from search.domain.errors import SearchUnavailable
from search.domain.places import school_positions
from search.domain.query import Point
from search.pupils import PupilContext, SchoolProfile

MAX_APPLICATIONS = 1000
SCHOOLS_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "uai": {"type": "keyword"},
        "location": {"type": "geo_point"},
        "internship_weeks": {"type": "keyword"},
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


class OpenSearchPupilDirectory:
    def __init__(self, client: AsyncOpenSearch, *, prefix: str) -> None:
        self._client = client
        self.schools = f"{prefix}-schools"
        self.applications = f"{prefix}-applications"
        self._positions = school_positions()

    async def ensure_indices(self) -> None:
        for name, mapping in (
            (self.schools, SCHOOLS_MAPPING),
            (self.applications, APPLICATIONS_MAPPING),
        ):
            if not await self._client.indices.exists(index=name):
                await self._client.indices.create(
                    index=name, body={"mappings": mapping}, ignore=400
                )

    async def put_school(self, profile: SchoolProfile, *, version: int) -> None:
        location = profile.location
        document: dict[str, Any] = {
            "uai": profile.uai,
            "internship_weeks": list(profile.internship_weeks),
        }
        if location is not None:
            document["location"] = {"lat": location.lat, "lon": location.lon}
        await self._write(self.schools, profile.uai, document, version)

    async def set_application(
        self, pupil_id: uuid.UUID, offer_id: str, *, active: bool, version: int
    ) -> None:
        """An application made (active) or withdrawn/refused (not active)."""
        document = {"pupil_id": str(pupil_id), "offer_id": offer_id, "active": active}
        await self._write(
            self.applications, f"{pupil_id}:{offer_id}", document, version
        )

    async def _write(
        self, index: str, doc_id: str, document: dict[str, Any], version: int
    ) -> None:
        await self._client.index(
            index=index,
            id=doc_id,
            body=document,
            version=version,
            version_type="external",
            ignore=409,  # an older or repeated event: the stored one is newer
        )

    async def context_for(self, principal: Principal) -> PupilContext | None:
        if principal.role is not Role.PUPIL:
            return None
        try:
            school = await self._school(principal.school_uai)
            applied = await self._applied(principal.user_id)
        except OpenSearchException as exc:
            raise SearchUnavailable() from exc
        return PupilContext(principal.user_id, school, principal.grade, applied)

    async def _school(self, uai: str | None) -> SchoolProfile | None:
        if uai is None:
            return None
        reply = await self._client.get(index=self.schools, id=uai, ignore=404)
        source = reply.get("_source") if reply.get("found") else None
        public = self._positions.get(uai)
        if source is None:
            return SchoolProfile(uai, Point(*public)) if public else None
        location = source.get("location")
        point = Point(location["lat"], location["lon"]) if location else None
        return SchoolProfile(
            uai, point or (Point(*public) if public else None),
            tuple(source.get("internship_weeks", ())),
        )  # fmt: skip

    async def _applied(self, pupil_id: uuid.UUID) -> frozenset[str]:
        query = {
            "bool": {
                "filter": [
                    {"term": {"pupil_id": str(pupil_id)}},
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
