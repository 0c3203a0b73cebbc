"""The real OpenSearch node: french analyzer and geo-distance, on real collèges."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from opensearchpy import AsyncOpenSearch

from kit.testing.data import college

pytestmark = [pytest.mark.opensearch, pytest.mark.asyncio(loop_scope="session")]

# Two collèges of Rennes about 4 km apart, and one of Saint-Malo about 60 km away.
CLOTILDE_VAUTIER, LA_BINQUENAIS, CHATEAUBRIAND = "0350913C", "0351851X", "0350044H"


@pytest_asyncio.fixture(loop_scope="session")
async def index(opensearch_url: str) -> AsyncIterator[tuple[AsyncOpenSearch, str]]:
    client = AsyncOpenSearch(hosts=[opensearch_url])
    name = f"test-kit-{uuid.uuid4().hex[:8]}"
    await client.indices.create(
        index=name,
        body={
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {
                "properties": {
                    "title": {"type": "text", "analyzer": "french"},
                    "location": {"type": "geo_point"},
                }
            },
        },
    )
    try:
        yield client, name
    finally:
        await client.indices.delete(index=name)
        await client.close()


async def add(
    client: AsyncOpenSearch, index: str, doc_id: str, title: str, uai: str
) -> None:
    place = college(uai)
    body = {"title": title, "location": {"lat": place.lat, "lon": place.lon}}
    await client.index(index=index, id=doc_id, body=body, refresh=True)


def ids(response: dict[str, Any]) -> set[str]:
    return {hit["_id"] for hit in response["hits"]["hits"]}


async def test_french_analyzer_matches_plural_and_accents(
    index: tuple[AsyncOpenSearch, str],
) -> None:
    client, name = index
    await add(
        client, name, "bakery", "Découverte des boulangeries artisanales", LA_BINQUENAIS
    )
    await add(client, name, "garage", "Atelier de mécanique automobile", LA_BINQUENAIS)
    for query in ("boulangerie", "decouverte", "Boulangerie artisanale"):
        found = await client.search(
            index=name, body={"query": {"match": {"title": query}}}
        )
        assert ids(found) == {"bakery"}, query


async def test_geo_distance_includes_near_and_excludes_far(
    index: tuple[AsyncOpenSearch, str],
) -> None:
    client, name = index
    await add(client, name, "rennes", "Stage à Rennes", LA_BINQUENAIS)
    await add(client, name, "saint-malo", "Stage à Saint-Malo", CHATEAUBRIAND)
    centre = college(CLOTILDE_VAUTIER)
    query = {
        "query": {
            "bool": {
                "filter": {
                    "geo_distance": {
                        "distance": "10km",
                        "location": {"lat": centre.lat, "lon": centre.lon},
                    }
                }
            }
        }
    }
    assert ids(await client.search(index=name, body=query)) == {"rennes"}
    query["query"]["bool"]["filter"]["geo_distance"]["distance"] = "80km"
    assert ids(await client.search(index=name, body=query)) == {"rennes", "saint-malo"}
