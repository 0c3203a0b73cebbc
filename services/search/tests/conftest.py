import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from opensearchpy import AsyncOpenSearch

from contracts.topics import OFFERS, Topic
from kit.messaging.admin import ensure_topics
from search.index import ensure_index


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def os_client(opensearch_url: str) -> AsyncIterator[AsyncOpenSearch]:
    client = AsyncOpenSearch(hosts=[opensearch_url], timeout=30)
    yield client
    await client.indices.delete(index="test-search-*", ignore_unavailable=True)
    await client.close()


@pytest.fixture
def new_alias() -> Callable[[], str]:
    return lambda: f"test-search-{uuid.uuid4().hex[:10]}"


@pytest_asyncio.fixture(loop_scope="session")
async def alias(os_client: AsyncOpenSearch, new_alias: Callable[[], str]) -> str:
    name = new_alias()
    await ensure_index(os_client, name)
    return name


TwinTopic = Callable[[Topic], Awaitable[Topic]]


@pytest_asyncio.fixture(loop_scope="session")
async def twin_topic(kafka_bootstrap_servers: str) -> AsyncIterator[TwinTopic]:
    """Private twins of platform topics, deleted after the test."""
    made: list[Topic] = []

    async def twin(topic: Topic) -> Topic:
        made.append(
            Topic(
                name=f"test-search-{topic.aggregate}-{uuid.uuid4().hex[:8]}",
                aggregate=topic.aggregate,
                description=f"{topic.name}, for one test",
                events=topic.events,
                compacted=topic.compacted,
            )
        )
        await ensure_topics(kafka_bootstrap_servers, made[-1:], partitions=3)
        return made[-1]

    yield twin
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.delete_topics(
            [name for t in made for name in (t.name, t.dead_letter)]
        )
    finally:
        await admin.close()


@pytest_asyncio.fixture(loop_scope="session")
async def offers_topic(twin_topic: TwinTopic) -> Topic:
    """A private twin of the offers topic, deleted after the test."""
    return await twin_topic(OFFERS)


CaughtUp = Callable[[str, Topic], Awaitable[None]]


@pytest.fixture
def caught_up(kafka_bootstrap_servers: str) -> CaughtUp:
    """Waits until a consumer group has committed every record of a topic."""

    async def wait(group: str, topic: Topic) -> None:
        partitions = [TopicPartition(topic.name, p) for p in range(3)]
        consumer = AIOKafkaConsumer(
            bootstrap_servers=kafka_bootstrap_servers,
            group_id=group,
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            for _ in range(300):
                ends = await consumer.end_offsets(partitions)
                done = [(await consumer.committed(p) or 0) >= ends[p] for p in ends]
                if all(done):
                    return
                await asyncio.sleep(0.1)
        finally:
            await consumer.stop()
        raise AssertionError(f"{group} never caught up with {topic.name}")

    return wait
