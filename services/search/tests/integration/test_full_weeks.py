import uuid
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from search.indexer import BulkIndexer, event_action
from search.testing import http, offer_event, search_app

pytestmark = [pytest.mark.opensearch, pytest.mark.asyncio(loop_scope="session")]

W03, W10, W24 = "2027-W03", "2027-W10", "2027-W24"
OFFERS: dict[str, dict[str, Any]] = {
    "open": {"weeks": (W03, W24)},
    "full_on_w03": {"weeks": (W03, W24), "full_weeks": (W03,)},
    "full_on_w03_w10": {"weeks": (W03, W10, W24), "full_weeks": (W03, W10)},
    "full": {"weeks": (W03, W24), "full_weeks": (W03, W24)},
}


async def test_full_weeks_hide_an_offer_for_those_weeks_only(
    os_client: AsyncOpenSearch, alias: str
) -> None:
    ids = {name: str(uuid.uuid4()) for name in OFFERS}
    events = [offer_event(offer_id=ids[name], **f) for name, f in OFFERS.items()]
    indexer = BulkIndexer(os_client, index=alias)
    await indexer.submit_all([a for a in map(event_action, events) if a])
    await os_client.indices.refresh(index=alias)
    names = {offer_id: name for name, offer_id in ids.items()}

    async def found(**params: Any) -> list[str]:
        reply = await api.get("/offers/search", params=params)
        assert reply.status_code == 200, reply.text
        return sorted(names[hit["offer_id"]] for hit in reply.json()["results"])

    async with http(search_app(os_client, alias)) as api:
        everyone = await found()
        on_w03 = await found(week=W03)
        on_w03_or_w10 = await found(week=[W03, W10])
        on_w24 = await found(week=W24)
        hit = (await api.get("/offers/search", params={"week": W24})).json()

    assert everyone == ["full_on_w03", "full_on_w03_w10", "open"]
    assert on_w03 == ["open"]
    assert on_w03_or_w10 == ["open"]
    assert on_w24 == ["full_on_w03", "full_on_w03_w10", "open"]
    by_name = {names[h["offer_id"]]: h for h in hit["results"]}
    assert by_name["full_on_w03_w10"]["full_weeks"] == [W03, W10]
    assert by_name["open"]["seats"] == 2
