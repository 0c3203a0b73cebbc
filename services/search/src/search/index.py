"""The offers index: its analysis, its mapping, and the alias readers go through."""

import datetime as dt
from typing import Any

from opensearchpy import AsyncOpenSearch

FRENCH_ELISIONS = [
    "l",
    "m",
    "t",
    "qu",
    "n",
    "s",
    "j",
    "d",
    "c",
    "jusqu",
    "quoiqu",
    "lorsqu",
    "puisqu",
]

ANALYSIS: dict[str, Any] = {
    "filter": {
        "fr_elision": {
            "type": "elision",
            "articles_case": True,
            "articles": FRENCH_ELISIONS,
        },
        "fr_stop": {"type": "stop", "stopwords": "_french_"},
        "fr_stemmer": {"type": "stemmer", "language": "french"},
        "prefix_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
    },
    "normalizer": {
        "folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}
    },
    "analyzer": {
        "fr_text": {
            "tokenizer": "standard",
            "filter": [
                "fr_elision",
                "lowercase",
                "fr_stop",
                "asciifolding",
                "fr_stemmer",
            ],
        },
        "fr_prefix_index": {
            "tokenizer": "standard",
            "filter": ["fr_elision", "lowercase", "asciifolding", "prefix_ngram"],
        },
        "fr_prefix_search": {
            "tokenizer": "standard",
            "filter": ["fr_elision", "lowercase", "asciifolding"],
        },
    },
}

_PREFIX = {
    "type": "text",
    "analyzer": "fr_prefix_index",
    "search_analyzer": "fr_prefix_search",
}
_KEYWORD = {"type": "keyword"}

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "offer_id": _KEYWORD,
        "visible": {"type": "boolean"},
        "status": _KEYWORD,
        "title": {
            "type": "text",
            "analyzer": "fr_text",
            "fields": {"prefix": _PREFIX, "raw": _KEYWORD},
        },
        "description": {"type": "text", "analyzer": "fr_text"},
        "employer_name": {
            "type": "text",
            "analyzer": "fr_text",
            "fields": {"prefix": _PREFIX},
        },
        "is_public": {"type": "boolean"},
        "sector_id": _KEYWORD,
        "sector_name": _KEYWORD,
        # "id|name": facets need both, and one terms aggregation is half the cost
        # of a name sub-aggregation per sector.
        "sector_facet": {"type": "keyword", "eager_global_ordinals": True},
        "city": {"type": "keyword", "normalizer": "folded"},
        "postal_code": _KEYWORD,
        "department_code": _KEYWORD,
        "location": {"type": "geo_point"},
        "weeks": _KEYWORD,
        "full_weeks": _KEYWORD,
        "open_weeks": _KEYWORD,
        "last_open_week": _KEYWORD,
        "grades": _KEYWORD,
        "seats": {"type": "integer"},
        "reserved_school_uais": _KEYWORD,
        "remote": {"type": "boolean"},
        "accessible": {"type": "boolean"},
        "school_year": {"type": "integer"},
        "updated_at": {"type": "date"},
    },
}


def index_body(*, shards: int = 1, refresh_interval: str = "500ms") -> dict[str, Any]:
    """Half a second between refreshes keeps a published offer findable within 1 s."""
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": 0,
                "refresh_interval": refresh_interval,
            },
            "analysis": ANALYSIS,
        },
        "mappings": MAPPING,
    }


def new_index_name(alias: str) -> str:
    return f"{alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"


async def create_index(client: AsyncOpenSearch, name: str) -> None:
    await client.indices.create(index=name, body=index_body())


async def indices_behind(client: AsyncOpenSearch, alias: str) -> list[str]:
    if not await client.indices.exists_alias(name=alias):
        return []
    return sorted(await client.indices.get_alias(name=alias))


async def ensure_index(client: AsyncOpenSearch, alias: str) -> str:
    """The index behind `alias`, created on first start.

    Two processes starting together may both create one; the alias then points to
    whichever won, and the loser's empty index is dropped. An existing index gets
    the fields a newer version maps (documents indexed before lack them until a
    rebuild).
    """
    current = await indices_behind(client, alias)
    if current:
        await client.indices.put_mapping(index=alias, body=MAPPING)
        return current[0]
    name = new_index_name(alias)
    await create_index(client, name)
    await switch_alias(client, alias, name)
    current = await indices_behind(client, alias)
    if current[0] != name:
        await client.indices.delete(index=name, ignore_unavailable=True)
    return current[0]


async def switch_alias(client: AsyncOpenSearch, alias: str, target: str) -> list[str]:
    """Points `alias` at `target` in one atomic step; returns the indices it left."""
    previous = [name for name in await indices_behind(client, alias) if name != target]
    actions: list[dict[str, Any]] = [
        {"remove": {"index": name, "alias": alias}} for name in previous
    ]
    actions.append({"add": {"index": target, "alias": alias}})
    await client.indices.update_aliases(body={"actions": actions})
    return previous
