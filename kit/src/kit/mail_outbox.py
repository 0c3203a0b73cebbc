"""Messages to people, written in the transaction that decided them, sent after.

The same idea as the event outbox: a use case stages its emails in the service's
own database, so a rollback sends nothing and a crash after commit loses nothing.
A scheduled job (`deliver`) hands pending rows to the `Sender`; a failed send is
retried on the next runs, up to `max_attempts`.
"""

import logging

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.senders import Message, Sender

log = logging.getLogger(__name__)


def mail_outbox_table(metadata: MetaData) -> Table:
    """The outgoing messages table, to declare in a service's metadata."""
    return Table(
        "mail_outbox",
        metadata,
        Column("seq", BigInteger, primary_key=True, autoincrement=True),
        Column("to_email", String(250)),
        Column("to_phone", String(20)),
        Column("subject", String(300), nullable=False),
        Column("body", Text, nullable=False),
        Column(
            "created_at",
            DateTime(timezone=True),
            nullable=False,
            server_default=func.now(),
        ),
        Column("sent_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Index(
            "ix_mail_outbox_pending", "seq", postgresql_where=text("sent_at IS NULL")
        ),
    )


async def stage(session: AsyncSession, table: Table, *messages: Message) -> None:
    """Adds messages to the caller's transaction."""
    if messages:
        await session.execute(
            insert(table),
            [
                {
                    "to_email": m.to_email,
                    "to_phone": m.to_phone,
                    "subject": m.subject,
                    "body": m.body,
                }
                for m in messages
            ],
        )


async def deliver(
    sessions: async_sessionmaker[AsyncSession],
    table: Table,
    sender: Sender,
    *,
    batch: int = 100,
    max_attempts: int = 10,
) -> int:
    """Sends pending messages; returns how many left. Runs in parallel safely."""
    async with sessions() as session, session.begin():
        rows = await session.execute(
            select(table)
            .where(table.c.sent_at.is_(None), table.c.attempts < max_attempts)
            .order_by(table.c.seq)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        sent = 0
        for row in rows:
            message = Message(row.to_email, row.to_phone, row.subject, row.body)
            try:
                await sender.send(message)
            except OSError as exc:
                log.warning("mail_send_failed", extra={"seq": row.seq})
                await _failed(session, table, row.seq, repr(exc))
                continue
            await session.execute(
                update(table)
                .where(table.c.seq == row.seq)
                .values(sent_at=func.now(), attempts=table.c.attempts + 1)
            )
            sent += 1
    return sent


async def _failed(session: AsyncSession, table: Table, seq: int, error: str) -> None:
    await session.execute(
        update(table)
        .where(table.c.seq == seq)
        .values(attempts=table.c.attempts + 1, last_error=error[:2000])
    )
