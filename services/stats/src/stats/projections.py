"""How each event moves the read model. Every function runs inside the consumer's
transaction, after the inbox has claimed the event, so a duplicate never counts."""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Row, Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import EventBase
from contracts.applications import v1 as applications
from contracts.conventions import v1 as conventions
from contracts.identity import v1 as identity
from contracts.offers.v1 import (
    OFFER_EVENTS,
    OfferDrafted,
    OfferPublished,
    OfferRemoved,
    OfferUnpublished,
    OfferUpdated,
)
from stats.db import (
    COUNTS,
    applications_table,
    classes_table,
    departments_table,
    monthly_counters_table,
    offers_table,
    pupils_table,
    school_counters_table,
    schools_table,
    sector_counters_table,
    sectors_table,
    weekly_counters_table,
)

Metric = Literal["applications", "internships", "signed"]
OfferEvent = (
    OfferPublished | OfferUpdated | OfferUnpublished | OfferRemoved | OfferDrafted
)
# Transitions that end an approved internship (its convention goes with it).
ENDING = (
    applications.ApplicationCanceledByEmployer,
    applications.ApplicationCanceledByPupil,
)


async def apply(event: EventBase, session: AsyncSession) -> None:
    """Routes an event of any topic the stats service follows."""
    if isinstance(event, OFFER_EVENTS):
        await _offer(event, session)
    elif isinstance(event, applications.ApplicationEvent):
        await _application(event, session)
    elif isinstance(event, conventions.ConventionEvent):
        await _convention(event, session)
    elif isinstance(event, identity.SchoolRegistered | identity.SchoolListed):
        await _school(event, session)
    elif isinstance(event, identity.ClassCreated):
        row = {"class_id": event.class_id, "school_uai": event.school_uai}
        await session.execute(
            insert(classes_table).values(row).on_conflict_do_nothing()
        )
    elif isinstance(event, identity.PupilRegistered | identity.PupilAuthorised):
        await _pupil(event, session)


async def _school(
    event: identity.SchoolRegistered | identity.SchoolListed, session: AsyncSession
) -> None:
    school: dict[str, Any] = {
        "uai": event.uai,
        "kind": event.kind,
        "department_code": event.department_code,
        "academy": event.academy,
        "region": event.region,
    }
    if isinstance(event, identity.SchoolListed):
        school |= {
            "name": event.school_name,
            "city": event.city,
            "listed_at": event.occurred_at,
        }
    else:
        school["registered_at"] = event.occurred_at
    statement = insert(schools_table).values(school)
    # Each event fills its own columns; the first date of each kind stays.
    changes = {
        key: func.coalesce(schools_table.c[key], statement.excluded[key])
        if key.endswith("_at")
        else statement.excluded[key]
        for key in school
        if key != "uai"
    }
    await session.execute(
        statement.on_conflict_do_update(index_elements=["uai"], set_=changes)
    )
    department = {
        "code": event.department_code,
        "academy": event.academy,
        "region": event.region,
    }
    await session.execute(
        insert(departments_table).values(department).on_conflict_do_nothing()
    )


async def _pupil(
    event: identity.PupilRegistered | identity.PupilAuthorised, session: AsyncSession
) -> None:
    authorised = isinstance(event, identity.PupilAuthorised)
    values = {
        "pupil_id": event.user_id,
        "school_uai": event.school_uai,
        "class_id": event.class_id,
        "authorised": authorised,
    }
    statement = insert(pupils_table).values(values)
    # Once authorised, always authorised, whichever of the two events comes first.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["pupil_id"],
            set_={
                "authorised": pupils_table.c.authorised | statement.excluded.authorised
            },
        )
    )


def offer_row(event: OfferEvent) -> dict[str, Any]:
    offer = event.offer
    return {
        "offer_id": uuid.UUID(event.aggregate_id),
        "version": event.version,
        "status": event.status,
        "title": offer.title,
        "employer_name": offer.employer_name,
        "is_public": offer.is_public,
        "ministry": offer.ministry or "",
        "sector_id": offer.sector_id,
        "sector_name": offer.sector_name,
        "department_code": offer.address.department_code,
        "city": offer.address.city,
        "seats": offer.seats,
        "school_year": offer.school_year,
        "first_published_at": event.occurred_at
        if event.status == "published"
        else None,
    }


async def _offer(event: OfferEvent, session: AsyncSession) -> None:
    offer, values = event.offer, offer_row(event)
    statement = insert(offers_table).values(values)
    changes = {k: statement.excluded[k] for k in values if k != "offer_id"}
    # The first publication date stays the first one, whatever comes after.
    first = func.coalesce(
        offers_table.c.first_published_at, statement.excluded.first_published_at
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["offer_id"],
            set_=changes | {"first_published_at": first},
            where=offers_table.c.version < statement.excluded.version,
        )
    )
    sector = insert(sectors_table).values(
        sector_id=offer.sector_id, name=offer.sector_name
    )
    await session.execute(sector.on_conflict_do_nothing())


async def _application(
    event: applications.ApplicationEvent, session: AsyncSession
) -> None:
    facts, application_id = event.application, uuid.UUID(event.aggregate_id)
    if isinstance(event, applications.ApplicationSubmitted):
        await session.execute(
            insert(applications_table)
            .values(application_row(event))
            .on_conflict_do_nothing()
        )
        await _count(session, facts, event.occurred_at, "applications", +1)
        return
    row = await _facts_row(session, application_id, event.status)
    if isinstance(event, applications.ApplicationApproved):
        await _set(session, application_id, approved_at=event.occurred_at)
        await _count(session, facts, event.occurred_at, "internships", +1)
    elif isinstance(event, ENDING) and row is not None and row.approved_at is not None:
        await _count(session, facts, row.approved_at, "internships", -1)
        await _set(session, application_id, approved_at=None)


def application_row(event: applications.ApplicationSubmitted) -> dict[str, Any]:
    facts = event.application
    return {
        "application_id": uuid.UUID(event.aggregate_id),
        "pupil_id": facts.pupil_id,
        "offer_id": facts.offer_id,
        "sector_id": facts.sector_id,
        "school_year": facts.school_year,
        "school_uai": facts.school_uai,
        "department_code": facts.school_department_code,
        "is_public": facts.is_public,
        "ministry": facts.ministry or "",
        "grade": facts.grade,
        "gender": facts.gender,
        "status": event.status,
        "submitted_at": event.occurred_at,
        "approved_at": None,
        "signed_at": None,
    }


async def _facts_row(
    session: AsyncSession, application_id: uuid.UUID, status: str
) -> Row[tuple[datetime | None]] | None:
    row = (
        await session.execute(
            select(applications_table.c.approved_at).where(
                applications_table.c.application_id == application_id
            )
        )
    ).first()
    await _set(session, application_id, status=status)
    return row


async def _convention(
    event: conventions.ConventionEvent, session: AsyncSession
) -> None:
    facts = event.application
    if isinstance(event, conventions.ConventionFullySigned):
        await _set(session, event.application_id, signed_at=event.occurred_at)
        await _count(session, facts, event.occurred_at, "signed", +1)
    elif isinstance(event, conventions.ConventionCancelled):
        signed_at = await session.scalar(
            select(applications_table.c.signed_at).where(
                applications_table.c.application_id == event.application_id
            )
        )
        if signed_at is not None:
            await _count(session, facts, signed_at, "signed", -1)
            await _set(session, event.application_id, signed_at=None)


async def _set(
    session: AsyncSession, application_id: uuid.UUID, **values: object
) -> None:
    await session.execute(
        update(applications_table)
        .where(applications_table.c.application_id == application_id)
        .values(**values)
    )


def iso_week(at: datetime) -> str:
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def counter_keys(
    facts: applications.ApplicationFacts, at: datetime
) -> dict[Table, dict[str, Any]]:
    """The row of each counters cube that an event of these facts at `at` moves."""
    shared = {
        "school_year": facts.school_year,
        "department_code": facts.school_department_code,
        "is_public": facts.is_public,
        "ministry": facts.ministry or "",
    }
    return {
        monthly_counters_table: shared | {"month": date(at.year, at.month, 1)},
        sector_counters_table: shared | {"sector_id": facts.sector_id},
        school_counters_table: shared | {"school_uai": facts.school_uai},
        weekly_counters_table: shared | {"week": iso_week(at)},
    }


async def add_counts(
    session: AsyncSession, table: Table, rows: list[dict[str, Any]]
) -> None:
    """Adds each row's counts to the counters of its keys (rows carry them all)."""
    statement = insert(table)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[c.name for c in table.primary_key.columns],
            set_={c: table.c[c] + statement.excluded[c] for c in COUNTS},
        ),
        rows,
    )


async def _count(
    session: AsyncSession,
    facts: applications.ApplicationFacts,
    at: datetime,
    metric: Metric,
    delta: int,
) -> None:
    counts = dict.fromkeys(COUNTS, 0) | {f"{metric}_{facts.gender}": delta}
    for table, keys in counter_keys(facts, at).items():
        await add_counts(session, table, [keys | counts])
