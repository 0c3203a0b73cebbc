"""The real broker: idempotent producer and consumer-group commits."""

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from kit.messaging.publisher import KafkaPublisher, Record

pytestmark = [pytest.mark.kafka, pytest.mark.asyncio(loop_scope="session")]


async def create_topic(bootstrap: str, partitions: int = 3) -> str:
    name = f"test.kit.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()
    return name


def consumer(bootstrap: str, topic: str, group: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )


async def drain(reader: AIOKafkaConsumer, *, expected: int) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for _ in range(40):
        batches = await reader.getmany(timeout_ms=250)
        for records in batches.values():
            seen.extend((r.key.decode(), r.value.decode()) for r in records)
        if len(seen) >= expected:
            break
    return seen


async def test_idempotent_producer_round_trip_keeps_order_per_key(
    kafka_bootstrap_servers: str,
) -> None:
    topic = await create_topic(kafka_bootstrap_servers)
    publisher = KafkaPublisher(kafka_bootstrap_servers, client_id="test-kit")
    await publisher.start()
    try:
        records = [Record(topic, f"offer-{n % 4}", f"v{n}".encode()) for n in range(40)]
        await publisher.send_all(records)
    finally:
        await publisher.stop()
    reader = consumer(kafka_bootstrap_servers, topic, f"g-{uuid.uuid4().hex[:6]}")
    await reader.start()
    try:
        seen = await drain(reader, expected=40)
    finally:
        await reader.stop()
    assert len(seen) == 40
    for key in {k for k, _ in seen}:
        values = [int(v[1:]) for k, v in seen if k == key]
        assert values == sorted(values), f"{key} reordered"


async def test_committed_offsets_are_honoured_by_the_group(
    kafka_bootstrap_servers: str,
) -> None:
    topic = await create_topic(kafka_bootstrap_servers, partitions=1)
    publisher = KafkaPublisher(kafka_bootstrap_servers, client_id="test-kit")
    await publisher.start()
    try:
        await publisher.send_all(
            [Record(topic, "k", f"m{n}".encode()) for n in range(5)]
        )
        group = f"g-{uuid.uuid4().hex[:6]}"
        first = consumer(kafka_bootstrap_servers, topic, group)
        await first.start()
        try:
            assert len(await drain(first, expected=5)) == 5
            await first.commit()
            assert await first.committed(TopicPartition(topic, 0)) == 5
        finally:
            await first.stop()
        await publisher.send_all([Record(topic, "k", b"m5")])
        second = consumer(kafka_bootstrap_servers, topic, group)
        await second.start()
        try:
            assert await drain(second, expected=1) == [("k", "m5")]
        finally:
            await second.stop()
    finally:
        await publisher.stop()
