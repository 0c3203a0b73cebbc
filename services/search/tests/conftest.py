import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
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


@pytest_asyncio.fixture(loop_scope="session")
async def offers_topic(kafka_bootstrap_servers: str) -> AsyncIterator[Topic]:
    """A private twin of the offers topic, deleted after the test."""
    topic = Topic(
        name=f"test-search-offers-{uuid.uuid4().hex[:8]}",
        aggregate="offer",
        description="offers, for one test",
        events=OFFERS.events,
        compacted=True,
    )
    await ensure_topics(kafka_bootstrap_servers, [topic], partitions=3)
    yield topic
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.delete_topics([topic.name, topic.dead_letter])
    finally:
        await admin.close()
