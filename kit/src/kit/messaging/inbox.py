"""Idempotent inbox: a consumer applies an event at most once per event id."""

from uuid import UUID

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


def inbox_table(metadata: MetaData) -> Table:
    """The inbox table, to declare in each consumer service's metadata."""
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column(
            "processed_at",
            DateTime(timezone=True),
            nullable=False,
            server_default=func.now(),
        ),
    )


async def claim(
    session: AsyncSession, table: Table, *, consumer: str, event_id: UUID
) -> bool:
    """Records the event as processed by `consumer` in the caller's transaction.

    Returns False when it already was: the caller skips the event. Two concurrent
    deliveries serialise on the primary key, and the loser sees False.
    """
    result = await session.execute(
        insert(table)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return result.first() is not None
