import asyncio
import json
from typing import Any, cast

import pytest
from opensearchpy import AsyncOpenSearch

from search.domain.documents import IndexAction
from search.indexer import BulkIndexer, IndexingError, event_action
from search.testing import offer_event

pytestmark = pytest.mark.asyncio(loop_scope="session")


class FakeClient:
    """Answers `_bulk` like OpenSearch: 409 for a version not above the stored one."""

    def __init__(self, *, fail: bool = False) -> None:
        self.versions: dict[str, int] = {}
        self.requests = 0
        self.fail = fail

    async def bulk(self, body: str) -> dict[str, Any]:
        self.requests += 1
        if self.fail:
            raise ConnectionError("down")
        lines = [json.loads(line) for line in body.splitlines()]
        items = []
        for meta in lines[::2]:
            index = meta["index"]
            if index["_id"] == "broken":
                items.append({"index": {"status": 400, "error": "mapping"}})
            elif index["version"] <= self.versions.get(index["_id"], 0):
                items.append({"index": {"status": 409}})
            else:
                self.versions[index["_id"]] = index["version"]
                items.append({"index": {"status": 201}})
        return {"items": items}


def indexer_on(client: FakeClient, **options: Any) -> BulkIndexer:
    return BulkIndexer(cast(AsyncOpenSearch, client), index="offers", **options)


def action(offer_id: str, version: int) -> IndexAction:
    return IndexAction(offer_id, version, {"offer_id": offer_id})


async def test_concurrent_submissions_share_one_bulk_request() -> None:
    client = FakeClient()
    indexer = indexer_on(client)

    results = await asyncio.gather(
        *(indexer.submit(action(f"o{i}", 1)) for i in range(20))
    )

    assert results == [True] * 20
    assert client.requests == 1


async def test_a_full_batch_is_sent_at_once() -> None:
    client = FakeClient()
    indexer = indexer_on(client, max_actions=5, linger_seconds=60)

    await asyncio.wait_for(
        indexer.submit_all([action(f"o{i}", 1) for i in range(10)]), 1
    )

    assert client.requests == 2


async def test_a_stale_version_is_not_an_error() -> None:
    indexer = indexer_on(FakeClient())

    assert await indexer.submit(action("o1", 2)) is True
    assert await indexer.submit(action("o1", 1)) is False


async def test_other_refusals_and_outages_raise_so_the_consumer_retries() -> None:
    indexer = indexer_on(FakeClient())
    down = indexer_on(FakeClient(fail=True))

    with pytest.raises(IndexingError):
        await indexer.submit(action("broken", 1))
    with pytest.raises(ConnectionError):
        await down.submit(action("o1", 1))


async def test_only_published_offers_are_searchable() -> None:
    published = event_action(offer_event(version=2))
    removed = event_action(offer_event("removed", version=3))

    assert published is not None
    assert removed is not None
    assert published.version == 2
    assert published.document["visible"] is True
    assert published.document["last_open_week"] == "2027-W24"
    assert removed.document == {"offer_id": removed.offer_id, "visible": False}


async def test_full_weeks_leave_the_open_weeks() -> None:
    weeks = ("2027-W24", "2027-W03", "2027-W10")
    partly = event_action(offer_event(weeks=weeks, full_weeks=("2027-W24",)))
    wholly = event_action(offer_event(weeks=weeks, full_weeks=weeks))

    assert partly is not None
    assert wholly is not None
    assert partly.document["full_weeks"] == ["2027-W24"]
    assert partly.document["open_weeks"] == ["2027-W03", "2027-W10"]
    assert partly.document["last_open_week"] == "2027-W10"
    assert wholly.document["open_weeks"] == []
    assert wholly.document["last_open_week"] is None
