"""Search benchmark: our HTTP API vs OpenSearch directly vs a PostGIS baseline.

Prints figures; asserts nothing. Uses the shared servers (OPENSEARCH_URL,
POSTGRES_URL, KAFKA_BOOTSTRAP_SERVERS) with its own index, database and topic,
dropped at the end.

    uv run python -m services.search.benchmarks.bench_search --offers 1000000

Steps: build N offers from the shared data; load them into one index (read by
our API and, with the very same request body, by the raw engine) and into a
PostgreSQL table; run the same query mix (keyword + 30 km around a real collège
+ sector + two weeks) with C concurrent clients against each; then measure
freshness: an offer event published on Kafka until a search finds it.
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from opensearchpy import AsyncOpenSearch
from sqlalchemy.engine import make_url

from contracts.offers.v1 import OfferSnapshot
from contracts.topics import OFFERS, Topic
from kit.messaging.admin import ensure_topics
from kit.messaging.publisher import KafkaPublisher, Record
from kit.testing.data import shared_data_dir
from search.domain.documents import IndexAction, offer_document
from search.domain.query import Point, SearchQuery, iso_week, search_body
from search.handlers import suggestion_queries
from search.index import create_index, switch_alias
from search.indexer import BulkIndexer
from search.testing import offer_event
from services.search.benchmarks.bench_data import (
    SCHOOL_WEEKS,
    college_points,
    offers,
    sectors,
)

TODAY = dt.date.today()
PG_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TABLE offers (
    id uuid PRIMARY KEY,
    title text NOT NULL,
    description text NOT NULL,
    employer_name text NOT NULL,
    sector_id uuid NOT NULL,
    city text NOT NULL,
    open_weeks text[] NOT NULL,
    last_open_week text,
    grades text[] NOT NULL,
    is_public boolean NOT NULL,
    lat double precision NOT NULL,
    lon double precision NOT NULL,
    location geography(Point, 4326) GENERATED ALWAYS AS
        (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('fr_unaccent'::regconfig, title), 'A')
        || setweight(to_tsvector('fr_unaccent'::regconfig, employer_name), 'B')
        || setweight(to_tsvector('fr_unaccent'::regconfig, description), 'C')
    ) STORED
);
"""
PG_INDEXES = """
CREATE INDEX offers_location ON offers USING gist (location);
CREATE INDEX offers_tsv ON offers USING gin (tsv);
CREATE INDEX offers_weeks ON offers USING gin (open_weeks);
CREATE INDEX offers_sector ON offers (sector_id);
ANALYZE offers;
"""
PG_QUERY = """
SELECT id, title, employer_name, city,
       ST_Distance(location, q.p) AS distance, count(*) OVER () AS total
FROM offers, (SELECT ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography AS p) AS q
WHERE ST_DWithin(location, q.p, $3)
  AND tsv @@ websearch_to_tsquery('fr_unaccent', $4)
  AND sector_id = $5 AND open_weeks && $6 AND last_open_week >= $7
ORDER BY location <-> q.p
LIMIT 30
"""
COLUMNS = [
    "id",
    "title",
    "description",
    "employer_name",
    "sector_id",
    "city",
    "open_weeks",
    "last_open_week",
    "grades",
    "is_public",
    "lat",
    "lon",
]


@dataclass(frozen=True)
class Probe:
    keyword: str
    lat: float
    lon: float
    sector_id: str
    weeks: tuple[str, ...]

    def query(self) -> SearchQuery:
        return SearchQuery(
            keyword=self.keyword,
            point=Point(self.lat, self.lon),
            radius_km=30,
            sector_ids=(self.sector_id,),
            weeks=self.weeks,
        )

    def params(self) -> list[tuple[str, str]]:
        return [
            ("q", self.keyword),
            ("lat", str(self.lat)),
            ("lon", str(self.lon)),
            ("radius_km", "30"),
            ("sector", self.sector_id),
            *[("week", w) for w in self.weeks],
        ]


def probes(count: int, data: Path) -> list[Probe]:
    rng = random.Random(11)
    points = college_points(data)
    all_sectors = sectors(data)
    made = []
    for _ in range(count):
        sector = rng.choice(all_sectors)
        lat, lon = rng.choice(points)
        keyword = rng.choice(sector.trades).split()[0]
        weeks = tuple(sorted(rng.sample(SCHOOL_WEEKS, 2)))
        made.append(Probe(keyword, lat, lon, sector.id, weeks))
    return made


def chunks(
    items: Iterator[tuple[str, OfferSnapshot]], size: int
) -> Iterator[list[tuple[str, OfferSnapshot]]]:
    while batch := list(islice(items, size)):
        yield batch


def say(text: str) -> None:
    print(text, flush=True)


# Loading ---------------------------------------------------------------------


async def load_opensearch(
    client: AsyncOpenSearch, alias: str, n: int, data: Path
) -> float:
    index = f"{alias}-load"
    await create_index(client, index)
    await client.indices.put_settings(
        index=index, body={"index": {"refresh_interval": "-1"}}
    )
    indexer = BulkIndexer(client, index=index, max_actions=2000, linger_seconds=0.001)
    started = time.perf_counter()
    for batch in chunks(offers(n, data), 6000):
        await indexer.submit_all(
            [IndexAction(i, 1, offer_document(i, "published", s)) for i, s in batch]
        )
    await client.indices.put_settings(
        index=index, body={"index": {"refresh_interval": "500ms"}}
    )
    await client.indices.refresh(index=index)
    await client.indices.forcemerge(
        index=index, max_num_segments=1, request_timeout=1800
    )
    await switch_alias(client, alias, index)
    return time.perf_counter() - started


def pg_row(offer_id: str, s: OfferSnapshot) -> tuple[Any, ...]:
    # As the index does: weeks with a seat left, and the last of them.
    open_weeks = sorted(set(s.weeks) - set(s.full_weeks))
    return (
        uuid.UUID(offer_id),
        s.title,
        s.description,
        s.employer_name,
        s.sector_id,
        s.address.city,
        open_weeks,
        open_weeks[-1] if open_weeks else None,
        list(s.grades),
        s.is_public,
        s.address.location.lat,
        s.address.location.lon,
    )


async def load_postgres(dsn: str, n: int, data: Path) -> float:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(PG_SCHEMA)
        started = time.perf_counter()
        for batch in chunks(offers(n, data), 20000):
            await connection.copy_records_to_table(
                "offers", records=[pg_row(i, s) for i, s in batch], columns=COLUMNS
            )
        await connection.execute(PG_INDEXES)
        return time.perf_counter() - started
    finally:
        await connection.close()


# Load generation -------------------------------------------------------------


@dataclass
class Figures:
    name: str
    latencies: list[float]
    seconds: float
    totals: list[int]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        rate = len(self.latencies) / self.seconds
        return (
            f"{self.name:<22} p50 {self.percentile(50):7.1f} ms  p95 "
            f"{self.percentile(95):7.1f} ms  p99 {self.percentile(99):7.1f} ms  "
            f"{rate:7.0f} req/s  (mean hits {statistics.mean(self.totals):.1f})"
        )


async def hammer(
    name: str,
    call: Callable[[Probe], Awaitable[int]],
    mix: list[Probe],
    clients: int,
    warmup: int,
) -> Figures:
    for probe in mix[:warmup]:
        await call(probe)
    queue = iter(mix[warmup:])
    latencies: list[float] = []
    totals: list[int] = []

    async def client() -> None:
        for probe in queue:
            began = time.perf_counter()
            totals.append(await call(probe))
            latencies.append(time.perf_counter() - began)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Figures(name, latencies, time.perf_counter() - started, totals)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start_api(
    alias: str, opensearch_url: str, workers: int
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = os.environ | {
        "SEARCH_INDEX_ALIAS": alias,
        "SEARCH_RUN_INDEXER": "false",
        "SEARCH_LOG_LEVEL": "WARNING",
        "OPENSEARCH_URL": opensearch_url,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "search.main:app",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, env=env)  # noqa: S603 (our own command)
    return process, f"http://127.0.0.1:{port}"


async def wait_healthy(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(100):
        try:
            async with session.get(f"{url}/health") as reply:
                if reply.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the API did not start")


async def run_mix(
    args: argparse.Namespace, alias: str, opensearch_url: str, dsn: str, data: Path
) -> list[Figures]:
    mix = probes(args.requests + args.warmup, data)
    warmup = args.warmup
    # Under load (queueing included), then one client alone (the cost of a query).
    plans = [(args.clients, mix), (1, mix[: warmup + args.requests // 10])]
    connector = aiohttp.TCPConnector(limit=args.clients * 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        api, api_url = start_api(alias, opensearch_url, args.api_workers)
        try:
            await wait_healthy(session, api_url)

            async def via_api(probe: Probe) -> int:
                async with session.get(
                    f"{api_url}/offers/search", params=probe.params()
                ) as reply:
                    body = await reply.json()
                    return int(body["total"])

            async def engine(body: dict[str, Any]) -> int:
                url = f"{opensearch_url}/{alias}/_search"
                async with session.post(url, json=body) as reply:
                    answer = await reply.json()
                    return int(answer["hits"]["total"]["value"])

            async def raw(probe: Probe) -> int:
                # The same requests as the API: exact words, typo-tolerant words
                # when they find nothing, then suggestions.
                query = probe.query()
                if total := await engine(search_body(query, TODAY)):
                    return total
                query = query.replace(typo_tolerant=True)
                if total := await engine(search_body(query, TODAY)):
                    return total
                for _, wider in suggestion_queries(query):
                    if total := await engine(search_body(wider, TODAY)):
                        break
                return total

            figures = [
                await hammer(f"API (HTTP) x{clients}", via_api, sample, clients, warmup)
                for clients, sample in plans
            ] + [
                await hammer(f"OpenSearch x{clients}", raw, sample, clients, warmup)
                for clients, sample in plans
            ]
        finally:
            api.terminate()
            api.wait()
    pool = await asyncpg.create_pool(dsn, min_size=args.clients, max_size=args.clients)
    try:

        async def postgres(probe: Probe) -> int:
            rows = await pool.fetch(
                PG_QUERY,
                probe.lat,
                probe.lon,
                30_000.0,
                probe.keyword,
                uuid.UUID(probe.sector_id),
                list(probe.weeks),
                iso_week(TODAY),
            )
            return int(rows[0]["total"]) if rows else 0

        figures += [
            await hammer(f"PostGIS x{clients}", postgres, sample, clients, warmup)
            for clients, sample in plans
        ]
    finally:
        await pool.close()
    return figures


# Freshness -------------------------------------------------------------------


async def freshness(
    client: AsyncOpenSearch, alias: str, servers: str, count: int
) -> list[float]:
    from faststream.kafka import KafkaBroker

    from search.consumers import indexer_consumer, subscribe_in_batches

    topic = Topic(
        name=f"bench-search-{uuid.uuid4().hex[:8]}",
        aggregate="offer",
        description="benchmark",
        events=OFFERS.events,
        compacted=True,
    )
    await ensure_topics(servers, [topic], partitions=3)
    publisher = KafkaPublisher(servers, client_id="search-bench")
    await publisher.start()
    broker = KafkaBroker(servers, logger=None)
    consumer = indexer_consumer(
        group=f"bench-{topic.name}",
        indexer=BulkIndexer(client, index=alias),
        dead_letters=publisher,
        max_attempts=3,
        topic=topic,
    )
    subscribe_in_batches(consumer, broker)
    await broker.start()
    await asyncio.sleep(3)  # let the group settle before timing

    async def one(delay: float) -> float:
        await asyncio.sleep(delay)
        event = offer_event(version=1, title="Fraîcheur de l'index")
        began = time.perf_counter()
        await publisher.send_all(
            [Record(topic.name, event.aggregate_id, event.to_json_bytes())]
        )
        query = {"query": {"ids": {"values": [event.aggregate_id]}}, "size": 0}
        for _ in range(3000):
            reply = await client.search(index=alias, body=query)
            if reply["hits"]["total"]["value"]:
                return time.perf_counter() - began
            await asyncio.sleep(0.01)
        raise TimeoutError(event.aggregate_id)

    try:
        return list(await asyncio.gather(*(one(i * 0.05) for i in range(count))))
    finally:
        await broker.stop()
        await publisher.stop()
        admin = AIOKafkaAdminClient(bootstrap_servers=servers)
        await admin.start()
        try:
            await admin.delete_topics([topic.name, topic.dead_letter])
        finally:
            await admin.close()


# Main --------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    data = shared_data_dir()
    opensearch_url = os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:9200")
    postgres_url = os.environ.get(
        "POSTGRES_URL", "postgresql://postgres@127.0.0.1:5433/postgres"
    )
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    alias = f"bench-search-{uuid.uuid4().hex[:8]}"
    database = alias.replace("-", "_")
    admin_dsn = (
        make_url(postgres_url)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    dsn = (
        make_url(admin_dsn).set(database=database).render_as_string(hide_password=False)
    )
    client = AsyncOpenSearch(hosts=[opensearch_url], timeout=120)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{database}"')
    try:
        say(f"N = {args.offers} offres, {args.clients} clients, {args.requests} req.")
        loaded = await load_opensearch(client, alias, args.offers, data)
        say(f"chargement OpenSearch (bulk + refresh + forcemerge): {loaded:.0f} s")
        loaded = await load_postgres(dsn, args.offers, data)
        say(f"chargement PostgreSQL (COPY + index + ANALYZE): {loaded:.0f} s")
        figures = await run_mix(args, alias, opensearch_url, dsn, data)
        for figure in figures:
            say(figure.line())
        api, _, raw, _, pg, _ = (f.percentile(95) for f in figures)
        say(f"p95 API / OpenSearch direct = {api / raw:.2f} (objectif ≤ 1.3)")
        say(f"p95 PostgreSQL / API = {pg / api:.2f} (objectif ≥ 3)")
        fresh = sorted(await freshness(client, alias, servers, args.freshness))
        p50, p95 = fresh[len(fresh) // 2], fresh[int(len(fresh) * 0.95)]
        say(
            f"fraîcheur (Kafka → trouvable) sur {len(fresh)} offres: "
            f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {fresh[-1] * 1000:.0f} ms"
        )
    finally:
        if not args.keep:
            await client.indices.delete(index=f"{alias}-*", ignore_unavailable=True)
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()
        await client.close()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--freshness", type=int, default=200)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="garder index et base")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(arguments()))
