"""Bulk loading of published offers and of submitted and approved applications, for
a first load or a rebuild from a known set of distinct events: the same rows and
counters as `projections.apply` one event at a time, in a few statements per batch
(no inbox)."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.applications.v1 import ApplicationApproved, ApplicationSubmitted
from contracts.offers.v1 import OfferPublished
from stats.db import COUNTS, applications_table, offers_table, sectors_table
from stats.projections import add_counts, application_row, counter_keys, offer_row

Loadable = ApplicationSubmitted | ApplicationApproved
Deltas = dict[Table, dict[tuple[Any, ...], dict[str, Any]]]


def _add(deltas: Deltas, event: Loadable) -> None:
    metric = (
        "applications" if isinstance(event, ApplicationSubmitted) else "internships"
    )
    count = f"{metric}_{event.application.gender}"
    for table, keys in counter_keys(event.application, event.occurred_at).items():
        row = deltas[table].setdefault(
            tuple(keys.values()), keys | dict.fromkeys(COUNTS, 0)
        )
        row[count] += 1


async def load_applications(session: AsyncSession, events: Sequence[Loadable]) -> None:
    """Events in order, each application submitted before it is approved."""
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    late: list[ApplicationApproved] = []
    deltas: Deltas = defaultdict(dict)
    for event in events:
        _add(deltas, event)
        if isinstance(event, ApplicationSubmitted):
            rows[uuid.UUID(event.aggregate_id)] = application_row(event)
        elif (row := rows.get(uuid.UUID(event.aggregate_id))) is not None:
            row |= {"status": event.status, "approved_at": event.occurred_at}
        else:
            late.append(event)
    if rows:
        await session.execute(insert(applications_table), list(rows.values()))
    for approved in late:
        await session.execute(
            update(applications_table)
            .where(
                applications_table.c.application_id == uuid.UUID(approved.aggregate_id)
            )
            .values(status=approved.status, approved_at=approved.occurred_at)
        )
    for table, by_key in deltas.items():
        await add_counts(session, table, list(by_key.values()))


async def load_offers(session: AsyncSession, events: Sequence[OfferPublished]) -> None:
    """First publications of distinct offers, and their sectors."""
    if not events:
        return
    await session.execute(insert(offers_table), [offer_row(e) for e in events])
    sectors = {e.offer.sector_id: e.offer.sector_name for e in events}
    await session.execute(
        upsert(sectors_table).on_conflict_do_nothing(),
        [{"sector_id": key, "name": name} for key, name in sectors.items()],
    )
