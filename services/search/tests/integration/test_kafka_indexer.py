import asyncio
import uuid

import pytest
from faststream.kafka import KafkaBroker
from opensearchpy import AsyncOpenSearch

from contracts.topics import Topic
from kit.messaging.publisher import KafkaPublisher, Record
from search.consumers import indexer_consumer, subscribe_in_batches
from search.indexer import BulkIndexer
from search.testing import offer_event

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.opensearch,
    pytest.mark.asyncio(loop_scope="session"),
]


async def wait_for(
    client: AsyncOpenSearch, alias: str, offer_id: str, version: int
) -> dict[str, object]:
    for _ in range(100):
        reply = await client.get(index=alias, id=offer_id, ignore=404)
        if reply.get("found") and reply["_version"] == version:
            return dict(reply["_source"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"{offer_id} never reached version {version}")


async def test_the_indexer_applies_the_topic_in_its_own_group_out_of_order(
    os_client: AsyncOpenSearch,
    alias: str,
    kafka_bootstrap_servers: str,
    offers_topic: Topic,
) -> None:
    topic = offers_topic
    publisher = KafkaPublisher(kafka_bootstrap_servers, client_id="search-test")
    await publisher.start()
    first = offer_event(version=1, title="Premier")
    events = [
        offer_event("updated", offer_id=first.aggregate_id, version=3, title="Dernier"),
        first,
        offer_event("updated", offer_id=first.aggregate_id, version=2, title="Milieu"),
        first,
    ]
    other = offer_event(version=1)
    invalid = Record(topic=topic.name, key="x", value=b"{}")
    await publisher.send_all(
        [
            *[Record(topic.name, e.aggregate_id, e.to_json_bytes()) for e in events],
            invalid,
            Record(topic.name, other.aggregate_id, other.to_json_bytes()),
        ]
    )
    broker = KafkaBroker(kafka_bootstrap_servers, logger=None)
    consumer = indexer_consumer(
        group=f"test-search-{uuid.uuid4().hex[:8]}",
        indexer=BulkIndexer(os_client, index=alias),
        dead_letters=publisher,
        max_attempts=2,
        topic=topic,
    )
    subscribe_in_batches(consumer, broker)
    await broker.start()
    try:
        assert (await wait_for(os_client, alias, other.aggregate_id, 1))["visible"]
        doc = await wait_for(os_client, alias, first.aggregate_id, 3)
    finally:
        await broker.stop()
        await publisher.stop()
    assert doc["title"] == "Dernier"
