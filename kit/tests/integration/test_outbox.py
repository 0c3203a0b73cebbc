import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.examples import offer_published
from kit.messaging.inbox import claim
from kit.messaging.outbox import OutboxRelay, add_events
from kit.messaging.publisher import RecordingPublisher
from kit.tests.integration.conftest import INBOX, OUTBOX

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]


def relay(
    sessions: async_sessionmaker[AsyncSession], publisher: RecordingPublisher
) -> OutboxRelay:
    return OutboxRelay(
        session_factory=sessions, table=OUTBOX, publisher=publisher, batch_size=50
    )


async def pending(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OUTBOX)
            .where(OUTBOX.c.published_at.is_(None))
        )
    return int(count or 0)


class TestOutbox:
    async def test_rolled_back_transaction_leaves_no_event(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async def failing_business_transaction() -> None:
            async with sessions() as session, session.begin():
                await add_events(session, OUTBOX, offer_published())
                raise RuntimeError("la transaction métier échoue")

        with pytest.raises(RuntimeError):
            await failing_business_transaction()
        publisher = RecordingPublisher()
        assert await relay(sessions, publisher).relay_once() == 0
        assert publisher.sent == []

    async def test_relay_publishes_in_order_keyed_by_aggregate(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        events = [
            offer_published(aggregate_id=f"offer-{n % 3}", version=n + 1)
            for n in range(120)
        ]
        async with sessions() as session, session.begin():
            await add_events(session, OUTBOX, *events)
        publisher = RecordingPublisher()
        outbox_relay = relay(sessions, publisher)
        published = [await outbox_relay.relay_once() for _ in range(4)]
        assert published == [50, 50, 20, 0]
        assert [record.value for record in publisher.sent] == [
            e.to_json_bytes() for e in events
        ]
        assert [record.key for record in publisher.sent] == [
            e.aggregate_id for e in events
        ]
        headers = dict(publisher.sent[0].headers)
        assert headers["event_id"] == str(events[0].event_id).encode()
        assert headers["correlation_id"] == events[0].correlation_id.encode()
        assert await pending(sessions) == 0

    async def test_broker_failure_keeps_events_pending_and_counts_attempts(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async with sessions() as session, session.begin():
            await add_events(session, OUTBOX, offer_published(), offer_published())
        publisher = RecordingPublisher(fail_next=1)
        outbox_relay = relay(sessions, publisher)
        with pytest.raises(ConnectionError):
            await outbox_relay.relay_once()
        assert await pending(sessions) == 2
        async with sessions() as session:
            attempts = (await session.scalars(select(OUTBOX.c.attempts))).all()
        assert attempts == [1, 1]
        assert await outbox_relay.relay_once() == 2
        assert len(publisher.sent) == 2

    async def test_concurrent_relays_never_publish_twice(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        async with sessions() as session, session.begin():
            await add_events(session, OUTBOX, *[offer_published() for _ in range(200)])
        publisher = RecordingPublisher()
        relays = [relay(sessions, publisher) for _ in range(4)]
        for _ in range(10):
            await asyncio.gather(*(r.relay_once() for r in relays))
        ids = [dict(record.headers)["event_id"] for record in publisher.sent]
        assert len(ids) == 200
        assert len(set(ids)) == 200


class TestInbox:
    async def test_second_claim_of_an_event_is_refused(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        event = offer_published()
        async with sessions() as session, session.begin():
            assert await claim(
                session, INBOX, consumer="search-indexer", event_id=event.event_id
            )
        async with sessions() as session, session.begin():
            assert not await claim(
                session, INBOX, consumer="search-indexer", event_id=event.event_id
            )
            # Another consumer group has its own record of the same event.
            assert await claim(
                session, INBOX, consumer="stats", event_id=event.event_id
            )


async def test_purge_removes_old_published_events_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await add_events(session, OUTBOX, *(offer_published() for _ in range(3)))
    publisher = RecordingPublisher()
    outbox_relay = relay(sessions, publisher)
    while await outbox_relay.relay_once():
        pass
    async with sessions() as session, session.begin():
        await add_events(session, OUTBOX, offer_published())  # not yet published
        await session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.published_at.is_not(None))
            .values(published_at=func.now() - timedelta(days=8))
        )
    assert await outbox_relay.purge(older_than=timedelta(days=7)) >= 3
    async with sessions() as session:
        left = await session.scalar(select(func.count()).select_from(OUTBOX))
    assert left == await pending(sessions) >= 1
