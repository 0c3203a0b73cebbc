from collections.abc import Callable

import pytest
from opensearchpy import AsyncOpenSearch

from search.index import MAPPING, ensure_index, index_body, switch_alias
from search.indexer import BulkIndexer, event_action
from search.testing import offer_event

pytestmark = [pytest.mark.opensearch, pytest.mark.asyncio(loop_scope="session")]


async def index_events(client: AsyncOpenSearch, alias: str, *events: object) -> None:
    indexer = BulkIndexer(client, index=alias)
    actions = [event_action(e) for e in events]  # type: ignore[arg-type]
    await indexer.submit_all([a for a in actions if a is not None])
    await client.indices.refresh(index=alias)


async def stored(
    client: AsyncOpenSearch, alias: str, offer_id: str
) -> dict[str, object]:
    reply = await client.get(index=alias, id=offer_id)
    return {"version": reply["_version"], **reply["_source"]}


async def test_a_published_offer_is_indexed_with_its_version(
    os_client: AsyncOpenSearch, alias: str
) -> None:
    event = offer_event(version=3, title="Découverte de la boulangerie")

    await index_events(os_client, alias, event)

    doc = await stored(os_client, alias, event.aggregate_id)
    assert doc["version"] == 3
    assert doc["title"] == "Découverte de la boulangerie"
    assert doc["visible"] is True
    assert doc["location"] == {"lat": 48.8388, "lon": 2.2916}


async def test_a_duplicate_event_changes_nothing(
    os_client: AsyncOpenSearch, alias: str
) -> None:
    event = offer_event(version=1)
    indexer = BulkIndexer(os_client, index=alias)
    action = event_action(event)
    assert action is not None

    first, again = await indexer.submit(action), await indexer.submit(action)

    assert (first, again) == (True, False)
    assert (await stored(os_client, alias, event.aggregate_id))["version"] == 1


async def test_an_older_event_arriving_late_leaves_the_newer_document(
    os_client: AsyncOpenSearch, alias: str
) -> None:
    old = offer_event(version=1, title="Ancien intitulé")
    new = offer_event("updated", offer_id=old.aggregate_id, version=2, title="Nouveau")

    await index_events(os_client, alias, new)
    await index_events(os_client, alias, old)

    doc = await stored(os_client, alias, old.aggregate_id)
    assert (doc["version"], doc["title"]) == (2, "Nouveau")


async def test_events_of_one_batch_in_any_order_keep_the_latest(
    os_client: AsyncOpenSearch, alias: str
) -> None:
    first = offer_event(version=1)
    events = [
        offer_event("updated", offer_id=first.aggregate_id, version=v, seats=v)
        for v in (4, 2, 5, 3)
    ]

    await index_events(os_client, alias, first, *events)

    assert (await stored(os_client, alias, first.aggregate_id))["seats"] == 5


async def test_an_unpublished_offer_is_kept_only_as_a_hidden_stub(
    os_client: AsyncOpenSearch, alias: str
) -> None:
    published = offer_event(version=1)
    gone = offer_event("unpublished", offer_id=published.aggregate_id, version=2)

    await index_events(os_client, alias, published, gone)
    await index_events(os_client, alias, published)

    doc = await stored(os_client, alias, published.aggregate_id)
    assert doc == {"version": 2, "offer_id": published.aggregate_id, "visible": False}


async def test_a_removed_offer_can_not_come_back_with_a_replayed_event(
    os_client: AsyncOpenSearch, alias: str
) -> None:
    published = offer_event(version=1)
    removed = offer_event("removed", offer_id=published.aggregate_id, version=2)

    await index_events(os_client, alias, published, removed, published)

    assert (await stored(os_client, alias, published.aggregate_id))["visible"] is False


async def test_an_index_of_an_earlier_version_gets_the_new_fields(
    os_client: AsyncOpenSearch, new_alias: Callable[[], str]
) -> None:
    alias = new_alias()
    earlier = {
        name: field
        for name, field in MAPPING["properties"].items()
        if name not in {"full_weeks", "open_weeks", "last_open_week"}
    }
    body = index_body()
    body["mappings"] = {"dynamic": "strict", "properties": earlier}
    await os_client.indices.create(index=f"{alias}-old", body=body)
    await switch_alias(os_client, alias, f"{alias}-old")
    event = offer_event(full_weeks=("2027-W03",))

    assert await ensure_index(os_client, alias) == f"{alias}-old"
    await index_events(os_client, alias, event)

    doc = await stored(os_client, alias, event.aggregate_id)
    assert doc["full_weeks"] == ["2027-W03"]
    assert doc["last_open_week"] == "2027-W24"
