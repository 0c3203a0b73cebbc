import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from opensearchpy import AsyncOpenSearch

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
