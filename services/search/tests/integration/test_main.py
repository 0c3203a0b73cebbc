import uuid

import pytest
from opensearchpy import AsyncOpenSearch

from search.index import ensure_index
from search.indexer import BulkIndexer, event_action
from search.main import build_app
from search.settings import Settings
from search.testing import http, offer_event

pytestmark = [pytest.mark.opensearch, pytest.mark.asyncio(loop_scope="session")]


async def test_the_wired_app_answers_from_the_alias(
    os_client: AsyncOpenSearch, opensearch_url: str
) -> None:
    alias = f"test-search-main-{uuid.uuid4().hex[:8]}"
    await ensure_index(os_client, alias)
    action = event_action(offer_event(title="Atelier de menuiserie"))
    assert action is not None
    await BulkIndexer(os_client, index=alias).submit(action)
    await os_client.indices.refresh(index=alias)
    settings = Settings(
        opensearch_url=opensearch_url, index_alias=alias, run_indexer=False
    )
    app = build_app(settings)

    async with app.router.lifespan_context(app), http(app) as client:
        found = (await client.get("/offers/search", params={"q": "menuisier"})).json()

    assert [hit["offer_id"] for hit in found["results"]] == [action.offer_id]
    assert await os_client.indices.exists(index=f"{alias}-schools")
