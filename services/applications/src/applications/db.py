"""Tables, repositories and the unit of work of the applications service."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from applications.domain import errors
from applications.domain.model import Application, Status, TransitionRecord
from applications.domain.rules import OfferView, PupilView
from contracts import EventBase
from contracts.applications.v1 import ApplicationFacts
from kit.db import make_metadata
from kit.mail_outbox import mail_outbox_table, stage
from kit.messaging.inbox import inbox_table
from kit.messaging.outbox import OutboxRelay, add_events, outbox_table
from kit.senders import Message

metadata = make_metadata()
OUTBOX = outbox_table(metadata)
INBOX = inbox_table(metadata)
MAIL_OUTBOX = mail_outbox_table(metadata)
WEEKS = ARRAY(String(8))
TZ = DateTime(timezone=True)

applications_table = Table(
    "applications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("pupil_id", Uuid, nullable=False, index=True),
    Column("offer_id", Uuid, nullable=False, index=True),
    Column("weeks", WEEKS, nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("motivation", Text, nullable=False),
    Column("status", String(40), nullable=False),
    Column("submitted_at", TZ, nullable=False),
    Column("status_changed_at", TZ),
    Column("handler_id", Uuid),
    Column("restored", Boolean, nullable=False, default=False),
    Column("reminded_at", TZ),
    Column("facts", JSONB, nullable=False),
    Index("ix_applications_status_submitted_at", "status", "submitted_at"),
)

# One application per pupil, offer and week, enforced by the primary key.
application_weeks = Table(
    "application_weeks",
    metadata,
    Column("pupil_id", Uuid, primary_key=True),
    Column("offer_id", Uuid, primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("application_id", Uuid, ForeignKey("applications.id"), nullable=False),
)

transitions_table = Table(
    "transitions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "application_id",
        Uuid,
        ForeignKey("applications.id"),
        nullable=False,
        index=True,
    ),
    Column("action", String(40), nullable=False),
    Column("from_status", String(40), nullable=False),
    Column("to_status", String(40), nullable=False),
    Column("actor_kind", String(20), nullable=False),
    Column("actor_id", Uuid),
    Column("at", TZ, nullable=False),
    Column("reason", Text),
)

seats_table = Table(
    "seats",
    metadata,
    Column("offer_id", Uuid, primary_key=True),
    Column("week", String(8), primary_key=True),
    Column("taken", Integer, nullable=False, default=0),
    Column("capacity", Integer, nullable=False),
)

pupil_views = Table(
    "pupil_views",
    metadata,
    Column("pupil_id", Uuid, primary_key=True),
    Column("grade", String(3), nullable=False),
    Column("gender", String(10), nullable=False),
    Column("school_uai", String(8), nullable=False, index=True),
    Column("class_id", Uuid, index=True),
    Column("department_code", String(3), nullable=False, server_default=""),
    Column("authorised", Boolean, nullable=False, default=False),
)

school_views = Table(
    "school_views",
    metadata,
    Column("uai", String(8), primary_key=True),
    Column("department_code", String(3), nullable=False),
    Column("weeks", WEEKS, nullable=False),
)

offer_views = Table(
    "offer_views",
    metadata,
    Column("offer_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("grades", ARRAY(String(3)), nullable=False),
    Column("weeks", WEEKS, nullable=False),
    Column("reserved_school_uais", ARRAY(String(8)), nullable=False),
    Column("seats_per_week", Integer, nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("sector_id", Uuid, nullable=False),
    Column("department_code", String(3), nullable=False),
    Column("is_public", Boolean, nullable=False),
    Column("ministry", String(150)),
    Column("team_id", Uuid),
    Column("title", String(150), nullable=False, server_default=""),
    Column("contact_email", String(250)),
)


cvs_table = Table(
    "cvs",
    metadata,
    Column("pupil_id", Uuid, primary_key=True),
    Column("education", Text, nullable=False, default=""),
    Column("languages", Text, nullable=False, default=""),
    Column("interests", Text, nullable=False, default=""),
    Column("updated_at", TZ, nullable=False),
)


def _application(row: Any) -> Application:
    return Application(
        id=row.id,
        pupil_id=row.pupil_id,
        offer_id=row.offer_id,
        weeks=tuple(row.weeks),
        school_year=row.school_year,
        motivation=row.motivation,
        submitted_at=row.submitted_at,
        status=Status(row.status),
        status_changed_at=row.status_changed_at,
        handler_id=row.handler_id,
        restored=row.restored,
        reminded_at=row.reminded_at,
    )


class SqlApplications:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(
        self, application_id: uuid.UUID, *, lock: bool = False
    ) -> Application:
        query = select(applications_table).where(
            applications_table.c.id == application_id
        )
        row = (
            await self._session.execute(query.with_for_update() if lock else query)
        ).first()
        if row is None:
            raise errors.NotFound()
        return _application(row)

    async def add(self, application: Application, facts: ApplicationFacts) -> None:
        values = _columns(application) | {"facts": facts.model_dump(mode="json")}
        week_rows = [
            {
                "pupil_id": application.pupil_id,
                "offer_id": application.offer_id,
                "week": week,
                "application_id": application.id,
            }
            for week in application.weeks
        ]
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(applications_table).values(values))
                await self._session.execute(insert(application_weeks), week_rows)
        except IntegrityError as exc:
            raise errors.AlreadyApplied() from exc

    async def save(self, application: Application, record: TransitionRecord) -> None:
        await self._session.execute(
            update(applications_table)
            .where(applications_table.c.id == application.id)
            .values(_columns(application))
        )
        await self._session.execute(
            insert(transitions_table).values(
                application_id=application.id,
                action=record.action.value,
                from_status=record.from_status.value,
                to_status=record.to_status.value,
                actor_kind=record.actor.kind.value,
                actor_id=record.actor.user_id,
                at=record.at,
                reason=record.reason,
            )
        )

    async def facts(self, application_id: uuid.UUID) -> ApplicationFacts:
        query = select(applications_table.c.facts).where(
            applications_table.c.id == application_id
        )
        return ApplicationFacts.model_validate(await self._session.scalar(query))

    async def of_pupil(
        self, pupil_id: uuid.UUID, *, school_year: int
    ) -> list[Application]:
        query = select(applications_table).where(
            applications_table.c.pupil_id == pupil_id,
            applications_table.c.school_year == school_year,
        )
        return [_application(row) for row in await self._session.execute(query)]

    async def due_for_timers(self, now: datetime, *, limit: int) -> list[Application]:
        waiting = [s.value for s in Status if s in _TIMED]
        query = (
            select(applications_table)
            .where(applications_table.c.status.in_(waiting))
            .order_by(applications_table.c.submitted_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_application(row) for row in await self._session.execute(query)]

    async def mark_reminded(self, application_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(
            update(applications_table)
            .where(applications_table.c.id == application_id)
            .values(reminded_at=at)
        )


_TIMED = {
    Status.SUBMITTED,
    Status.READ_BY_EMPLOYER,
    Status.EXAMINED,
    Status.VALIDATED_BY_EMPLOYER,
}


def _columns(application: Application) -> dict[str, Any]:
    return {
        "id": application.id,
        "pupil_id": application.pupil_id,
        "offer_id": application.offer_id,
        "weeks": list(application.weeks),
        "school_year": application.school_year,
        "motivation": application.motivation,
        "status": application.status.value,
        "submitted_at": application.submitted_at,
        "status_changed_at": application.status_changed_at,
        "handler_id": application.handler_id,
        "restored": application.restored,
        "reminded_at": application.reminded_at,
    }


class SqlViews:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def pupil(
        self, pupil_id: uuid.UUID, *, lock: bool = False
    ) -> PupilView | None:
        # The school's events may come after the pupil's: no weeks known yet then.
        query = (
            select(pupil_views, school_views.c.weeks)
            .outerjoin(school_views, school_views.c.uai == pupil_views.c.school_uai)
            .where(pupil_views.c.pupil_id == pupil_id)
        )
        if lock:
            query = query.with_for_update(of=pupil_views)
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        return PupilView(
            pupil_id=row.pupil_id,
            grade=row.grade,
            school_uai=row.school_uai,
            authorised=row.authorised,
            school_weeks=frozenset(row.weeks or ()),
            gender=row.gender,
            school_department_code=row.department_code,
        )

    async def offer(self, offer_id: uuid.UUID) -> OfferView | None:
        query = select(offer_views).where(offer_views.c.offer_id == offer_id)
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        return OfferView(
            offer_id=row.offer_id,
            published=row.published,
            grades=frozenset(row.grades),
            weeks=frozenset(row.weeks),
            reserved_school_uais=frozenset(row.reserved_school_uais),
            seats_per_week=row.seats_per_week,
            school_year=row.school_year,
            sector_id=row.sector_id,
            department_code=row.department_code,
            is_public=row.is_public,
            ministry=row.ministry,
            team_id=row.team_id,
            title=row.title,
            contact_email=row.contact_email,
        )


class SqlSeats:
    """Seats per offer and week; `UPDATE ... WHERE taken < capacity` is the arbiter."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def take(self, offer_id: uuid.UUID, weeks: Sequence[str]) -> bool:
        # Weeks in a fixed order, so that two multi-week confirmations never deadlock.
        for week in sorted(weeks):
            taken = await self._session.scalar(
                update(seats_table)
                .where(
                    and_(
                        seats_table.c.offer_id == offer_id,
                        seats_table.c.week == week,
                        seats_table.c.taken < seats_table.c.capacity,
                    )
                )
                .values(taken=seats_table.c.taken + 1)
                .returning(seats_table.c.taken)
            )
            if taken is None:
                return (
                    False  # the caller raises, and the transaction undoes earlier weeks
                )
        return True

    async def release(self, offer_id: uuid.UUID, weeks: Sequence[str]) -> None:
        await self._session.execute(
            update(seats_table)
            .where(
                seats_table.c.offer_id == offer_id, seats_table.c.week.in_(list(weeks))
            )
            .values(taken=seats_table.c.taken - 1)
        )


class SqlUnitOfWork:
    """One transaction; `commit` writes the staged events to the outbox first."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        relay: OutboxRelay | None = None,
    ) -> None:
        self._sessions = sessions
        self._relay = relay
        self._events: list[EventBase] = []
        self._messages: list[Message] = []

    async def __aenter__(self) -> "SqlUnitOfWork":
        self.session = self._sessions()
        await self.session.begin()
        self.applications = SqlApplications(self.session)
        self.views = SqlViews(self.session)
        self.seats = SqlSeats(self.session)
        self._events, self._messages = [], []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.session.in_transaction():
            await self.session.rollback()
        await self.session.close()

    def emit(self, *events: EventBase) -> None:
        self._events.extend(events)

    def notify(self, *messages: Message) -> None:
        self._messages.extend(messages)

    async def commit(self) -> None:
        await add_events(self.session, OUTBOX, *self._events)
        await stage(self.session, MAIL_OUTBOX, *self._messages)
        await self.session.commit()
        self._events, self._messages = [], []
        if self._relay is not None:
            self._relay.notify()
