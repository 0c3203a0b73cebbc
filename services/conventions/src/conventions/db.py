"""Tables and repository of the conventions service."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Uuid,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.applications.v1 import ApplicationFacts
from conventions.domain import errors
from conventions.domain.codes import OneTimeCode
from conventions.domain.ledger import SignatureEntry
from conventions.domain.model import Convention, EmployerPart, SchoolPart, Status
from kit.db import make_metadata
from kit.messaging.inbox import inbox_table
from kit.messaging.outbox import outbox_table

metadata = make_metadata()
OUTBOX = outbox_table(metadata)
INBOX = inbox_table(metadata)
TZ = DateTime(timezone=True)
EMPLOYER_PART = TypeAdapter(EmployerPart)
SCHOOL_PART = TypeAdapter(SchoolPart)

conventions_table = Table(
    "conventions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("application_id", Uuid, nullable=False, unique=True),
    Column("pupil_id", Uuid, nullable=False, index=True),
    Column("offer_id", Uuid, nullable=False, index=True),
    Column("team_id", Uuid, index=True),
    Column("school_uai", String(8), nullable=False, index=True),
    Column("grade", String(3), nullable=False),
    Column("weeks", ARRAY(String(8)), nullable=False),
    Column("facts", JSONB, nullable=False),
    Column("prefill", JSONB, nullable=False),
    Column("clauses", JSONB, nullable=False),
    Column("status", String(30), nullable=False),
    Column("employer_part", JSONB),
    Column("school_part", JSONB),
    Column("document_sha256", String(64)),
    Column("final_sha256", String(64)),
    Column("updated_at", TZ, nullable=False),
)

signatures_table = Table(
    "signatures",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "convention_id", Uuid, ForeignKey("conventions.id"), nullable=False, index=True
    ),
    Column("role", String(30), nullable=False),
    Column("signer", String(100), nullable=False),
    Column("signed_at", TZ, nullable=False),
    Column("ip", String(64), nullable=False),
    Column("user_agent", String(300), nullable=False),
    Column("document_sha256", String(64), nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
)

codes_table = Table(
    "signing_codes",
    metadata,
    Column("convention_id", Uuid, primary_key=True),
    Column("role", String(30), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("salt", String(32), nullable=False),
    Column("expires_at", TZ, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used", Integer, nullable=False),
)

links_table = Table(
    "legal_representative_links",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("convention_id", Uuid, ForeignKey("conventions.id"), nullable=False),
    Column("role", String(30), nullable=False),
    Column("expires_at", TZ, nullable=False),
    Column("used_at", TZ),
)

clauses_table = Table(
    "school_clauses",
    metadata,
    Column("school_uai", String(8), primary_key=True),
    Column("clauses", JSONB, nullable=False),
    Column("updated_at", TZ, nullable=False),
)

offer_views = Table(
    "offer_views",
    metadata,
    Column("offer_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("prefill", JSONB, nullable=False),
    Column("team_id", Uuid),
)

school_views = Table(
    "school_views",
    metadata,
    Column("uai", String(8), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("city", String(120), nullable=False),
    Column("listed_at", DateTime(timezone=True), nullable=False),
)


def _entry(row: Any) -> SignatureEntry:
    fields = dict(row._mapping)
    fields.pop("id")
    return SignatureEntry(**(fields | {"convention_id": str(row.convention_id)}))


def _convention(row: Any, signatures: list[SignatureEntry]) -> Convention:
    return Convention(
        id=row.id,
        application_id=row.application_id,
        pupil_id=row.pupil_id,
        offer_id=row.offer_id,
        school_uai=row.school_uai,
        grade=row.grade,
        weeks=tuple(row.weeks),
        prefill=dict(row.prefill),
        clauses=tuple(row.clauses),
        status=Status(row.status),
        employer_part=EMPLOYER_PART.validate_python(row.employer_part)
        if row.employer_part
        else None,
        school_part=SCHOOL_PART.validate_python(row.school_part)
        if row.school_part
        else None,
        document_sha256=row.document_sha256,
        signatures=signatures,
    )


class Conventions:
    """Every query of the service; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, convention_id: uuid.UUID, *, lock: bool = False) -> Convention:
        query = select(conventions_table).where(conventions_table.c.id == convention_id)
        row = (
            await self.session.execute(query.with_for_update() if lock else query)
        ).first()
        if row is None:
            raise errors.NotFound()
        entries = await self.session.execute(
            select(signatures_table)
            .where(signatures_table.c.convention_id == convention_id)
            .order_by(signatures_table.c.id)
        )
        return _convention(row, [_entry(e) for e in entries])

    async def by_application(self, application_id: uuid.UUID) -> uuid.UUID | None:
        query = select(conventions_table.c.id).where(
            conventions_table.c.application_id == application_id
        )
        return await self.session.scalar(query)

    async def ids_where(self, column: str, value: object) -> list[uuid.UUID]:
        """Ids of the conventions whose `column` (pupil_id, team_id, school_uai)
        equals `value`, newest first: the lists of each party's pages."""
        query = (
            select(conventions_table.c.id)
            .where(conventions_table.c[column] == value)
            .order_by(conventions_table.c.updated_at.desc())
            .limit(200)
        )
        return list(await self.session.scalars(query))

    async def facts(self, convention_id: uuid.UUID) -> ApplicationFacts:
        query = select(conventions_table.c.facts).where(
            conventions_table.c.id == convention_id
        )
        return ApplicationFacts.model_validate(await self.session.scalar(query))

    async def team_of(self, convention_id: uuid.UUID) -> uuid.UUID | None:
        query = select(conventions_table.c.team_id).where(
            conventions_table.c.id == convention_id
        )
        return await self.session.scalar(query)

    async def add(
        self,
        convention: Convention,
        facts: ApplicationFacts,
        team_id: uuid.UUID | None,
        now: datetime,
    ) -> bool:
        """Inserts a new convention; False when the application already has one."""
        result = await self.session.execute(
            pg_insert(conventions_table)
            .values(
                _columns(convention, now)
                | {"facts": facts.model_dump(mode="json"), "team_id": team_id}
            )
            .on_conflict_do_nothing(index_elements=["application_id"])
            .returning(conventions_table.c.id)
        )
        return result.first() is not None

    async def save(
        self, convention: Convention, now: datetime, final_sha256: str | None = None
    ) -> None:
        values = _columns(convention, now)
        values.pop("id")
        if final_sha256:
            values["final_sha256"] = final_sha256
        await self.session.execute(
            update(conventions_table)
            .where(conventions_table.c.id == convention.id)
            .values(values)
        )

    async def add_signature(self, entry: SignatureEntry) -> None:
        values = {**entry.__dict__, "convention_id": uuid.UUID(entry.convention_id)}
        await self.session.execute(insert(signatures_table).values(values))

    async def code(
        self, convention_id: uuid.UUID, role: str, *, lock: bool = False
    ) -> OneTimeCode | None:
        query = select(codes_table).where(
            codes_table.c.convention_id == convention_id, codes_table.c.role == role
        )
        row = (
            await self.session.execute(query.with_for_update() if lock else query)
        ).first()
        if row is None:
            return None
        return OneTimeCode(
            row.digest, row.salt, row.expires_at, row.attempts, bool(row.used)
        )

    async def save_code(
        self, convention_id: uuid.UUID, role: str, code: OneTimeCode
    ) -> None:
        values = {
            "convention_id": convention_id,
            "role": role,
            "digest": code.digest,
            "salt": code.salt,
            "expires_at": code.expires_at,
            "attempts": code.attempts,
            "used": int(code.used),
        }
        statement = pg_insert(codes_table).values(values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["convention_id", "role"],
                set_={
                    k: statement.excluded[k]
                    for k in values
                    if k not in ("convention_id", "role")
                },
            )
        )

    async def clauses_of(self, school_uai: str) -> tuple[str, ...]:
        query = select(clauses_table.c.clauses).where(
            clauses_table.c.school_uai == school_uai
        )
        return tuple(await self.session.scalar(query) or ())

    async def save_clauses(
        self, school_uai: str, clauses: tuple[str, ...], now: datetime
    ) -> None:
        values = {"school_uai": school_uai, "clauses": list(clauses), "updated_at": now}
        statement = pg_insert(clauses_table).values(values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["school_uai"],
                set_={"clauses": statement.excluded.clauses, "updated_at": now},
            )
        )

    async def offer_prefill(
        self, offer_id: uuid.UUID
    ) -> tuple[dict[str, str], uuid.UUID | None]:
        row = (
            await self.session.execute(
                select(offer_views.c.prefill, offer_views.c.team_id).where(
                    offer_views.c.offer_id == offer_id
                )
            )
        ).first()
        return (dict(row.prefill), row.team_id) if row else ({}, None)

    async def school_prefill(self, uai: str) -> dict[str, str]:
        row = (
            await self.session.execute(
                select(school_views.c.name, school_views.c.city).where(
                    school_views.c.uai == uai
                )
            )
        ).first()
        return {"school_name": f"{row.name} ({row.city})"} if row else {}

    async def waiting_for_head(self, school_uai: str) -> list[uuid.UUID]:
        """The school's validated conventions the head of school has not signed yet."""
        signed = exists().where(
            signatures_table.c.convention_id == conventions_table.c.id,
            signatures_table.c.role == "school_head",
        )
        query = select(conventions_table.c.id).where(
            conventions_table.c.school_uai == school_uai,
            conventions_table.c.status == Status.VALIDATED_BY_SCHOOL.value,
            ~signed,
        )
        return list(await self.session.scalars(query))


def _columns(convention: Convention, now: datetime) -> dict[str, Any]:
    return {
        "id": convention.id,
        "application_id": convention.application_id,
        "pupil_id": convention.pupil_id,
        "offer_id": convention.offer_id,
        "school_uai": convention.school_uai,
        "grade": convention.grade,
        "weeks": list(convention.weeks),
        "prefill": convention.prefill,
        "clauses": list(convention.clauses),
        "status": convention.status.value,
        "employer_part": EMPLOYER_PART.dump_python(
            convention.employer_part, mode="json"
        )
        if convention.employer_part
        else None,
        "school_part": SCHOOL_PART.dump_python(convention.school_part, mode="json")
        if convention.school_part
        else None,
        "document_sha256": convention.document_sha256,
        "updated_at": now,
    }
