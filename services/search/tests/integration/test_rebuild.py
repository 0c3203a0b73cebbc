import asyncio
from typing import Any

import pytest
from httpx import AsyncClient
from opensearchpy import AsyncOpenSearch

from contracts.topics import Topic
from kit.messaging.publisher import KafkaPublisher, Record
from search.index import indices_behind
from search.indexer import BulkIndexer, event_action
from search.rebuild import rebuild
from search.testing import http, offer_event, search_app

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.opensearch,
    pytest.mark.asyncio(loop_scope="session"),
]


async def fill_topic(servers: str, topic: Topic, events: list[Any]) -> None:
    publisher = KafkaPublisher(servers, client_id="search-rebuild-test")
    await publisher.start()
    try:
        await publisher.send_all(
            [Record(topic.name, e.aggregate_id, e.to_json_bytes()) for e in events]
        )
    finally:
        await publisher.stop()


async def ids_found(api: AsyncClient) -> tuple[int, list[str]]:
    reply = await api.get("/offers/search", params={"place": "Paris", "radius_km": 20})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    return body["total"], [hit["offer_id"] for hit in body["results"]]


async def test_rebuild_replays_the_topic_and_switches_while_search_answers(
    os_client: AsyncOpenSearch,
    alias: str,
    kafka_bootstrap_servers: str,
    offers_topic: Topic,
) -> None:
    topic = offers_topic
    published = [offer_event(version=1, seats=1 + i % 5) for i in range(400)]
    updates = [
        offer_event("updated", offer_id=e.aggregate_id, version=2, seats=9)
        for e in published[:50]
    ]
    removed = [
        offer_event("removed", offer_id=e.aggregate_id, version=3)
        for e in published[50:60]
    ]
    events = published + updates + removed
    await fill_topic(kafka_bootstrap_servers, topic, events)
    live = BulkIndexer(os_client, index=alias)
    await live.submit_all([a for a in map(event_action, events) if a is not None])
    await os_client.indices.refresh(index=alias)
    old_index = await indices_behind(os_client, alias)
    async with http(search_app(os_client, alias)) as api:
        before = await ids_found(api)
        task = asyncio.create_task(
            rebuild(
                os_client,
                alias=alias,
                bootstrap_servers=kafka_bootstrap_servers,
                topic=topic,
            )
        )
        during = []
        while not task.done():
            during.append(await ids_found(api))
        report = await task
        after = await ids_found(api)

    assert before[0] == 390
    assert during
    assert [found for found in during if found != before] == []
    assert after == before
    assert report.events == len(events)
    assert report.replaced == old_index
    assert await indices_behind(os_client, alias) == [report.index]
