"""Dashboard latency and freshness of the statistics read model, on the real servers.

1. Loads a fresh database (unique name, dropped at the end) through the projections'
   storage path: schools listed and registered event by event, offers and
   applications in bulk (`stats.bulk`), 1,000,000 applications by default.
2. Times the dashboard (`queries.indicators`, every breakdown) for a national and a
   department scope, against a baseline in the same run: the by-sector-and-gender
   indicator read from the cube, and the same computed by a naive GROUP BY over the
   raw application rows.
3. Freshness: starts the real service (consumers included) on private copies of
   the topics, publishes N applications one at a time and measures publish ->
   visible in `GET /indicators`.

Prints figures, asserts nothing. Run:

    uv run python services/stats/benchmarks/bench_stats.py --applications 1000000
"""

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import stats
from contracts import EventBase
from contracts.applications import v1 as applications
from contracts.common import GeoPoint
from contracts.examples import offer_published, offer_snapshot
from contracts.identity import examples as identity
from contracts.identity.v1 import SchoolListed
from contracts.offers.v1 import OfferAddress, OfferPublished
from kit.auth import Principal, Role
from kit.db import make_engine, make_session_factory
from kit.messaging.publisher import KafkaPublisher, Record
from kit.migrations import upgrade
from kit.testing.data import shared_data_dir
from kit.testing.tokens import TokenFactory
from stats import bulk, projections, queries
from stats.db import sector_counters_table
from stats.main import build_app
from stats.scope import EVERYTHING, Scope
from stats.settings import Settings
from stats.testing import drop_topics, private_topic_of, private_topics

KINDS = (("rep", 15), ("rep_plus", 5), ("qpv", 6), ("qpv_proche", 4), ("lycee", 70))
MINISTRIES = [f"Ministère {n}" for n in range(1, 13)]
CAMPAIGN = datetime(2026, 9, 7, 8, tzinfo=UTC)
YEAR = 2026
FRESH_DEPARTMENT = "976"
CUBES = ("monthly_counters", "sector_counters", "school_counters", "weekly_counters")
NAIVE = text(
    "SELECT sector_id, gender, count(*), count(approved_at), count(signed_at) "
    "FROM applications WHERE school_year = :year {extra} GROUP BY 1, 2"
)
rng = random.Random(20261124)


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return (
        f"n={len(samples)} p50={cuts[49] * 1000:.1f} ms p95={cuts[94] * 1000:.1f} ms "
        f"p99={cuts[98] * 1000:.1f} ms max={max(samples) * 1000:.1f} ms"
    )


def departments() -> list[tuple[str, str, str]]:
    """(code, academy, region) of every department; academies and regions are made
    up by grouping neighbouring codes, enough for scopes to have a size."""
    lines = (shared_data_dir() / "departements.txt").read_text().splitlines()
    codes = [line.split(":")[0].strip() for line in lines if ":" in line]
    return [
        (code, f"Académie {i // 3}", f"Région {i // 8}") for i, code in enumerate(codes)
    ]


def school_events(places: list[tuple[str, str, str]], count: int) -> list[EventBase]:
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    events: list[EventBase] = []
    for n in range(count):
        code, academy, region = places[n % len(places)]
        uai = f"{n:07d}{chr(65 + n % 26)}"
        fields = {
            "uai": uai,
            "aggregate_id": uai,
            "kind": rng.choice(kinds),
            "department_code": code,
            "academy": academy,
            "region": region,
        }
        events.append(identity.school_listed(school_name=f"École {n}", **fields))
        if rng.random() < 0.4:
            events.append(identity.school_registered(**fields))
    return events


def offer_events(
    places: list[tuple[str, str, str]], sectors: list[tuple[uuid.UUID, str]], count: int
) -> list[OfferPublished]:
    offers = []
    for _ in range(count):
        code = rng.choice(places)[0]
        sector_id, sector_name = rng.choice(sectors)
        public = rng.random() < 0.2
        address = OfferAddress(
            street="1 rue de la Paix",
            postal_code="75001",
            city=f"Ville {code}",
            department_code=code,
            location=GeoPoint(lat=46.0, lon=2.0),
        )
        snapshot = offer_snapshot(
            is_public=public,
            ministry=rng.choice(MINISTRIES) if public else None,
            sector_id=sector_id,
            sector_name=sector_name,
            address=address,
            seats=rng.randint(1, 6),
        )
        offers.append(offer_published(offer=snapshot))
    return offers


def application_events(
    offers: list[OfferPublished], schools: list[tuple[str, str, str]], count: int
) -> Iterator[bulk.Loadable]:
    """Submissions over 30 weeks of campaign; a third are approved a week later.

    Built with `model_construct`: the values are valid by construction, and
    validating 1.3 million events would take most of the run."""
    for _ in range(count):
        offer = offers[min(int(rng.paretovariate(1.2)) - 1, len(offers) - 1)]
        offer = offer if rng.random() < 0.5 else rng.choice(offers)
        uai, code, kind = rng.choice(schools)
        facts = applications.ApplicationFacts.model_construct(
            pupil_id=uuid.uuid4(),
            offer_id=uuid.UUID(offer.aggregate_id),
            weeks=("2027-W03",),
            school_year=YEAR,
            sector_id=offer.offer.sector_id,
            offer_department_code=offer.offer.address.department_code,
            is_public=offer.offer.is_public,
            ministry=offer.offer.ministry,
            school_uai=uai,
            school_department_code=code,
            grade="2de" if kind == "lycee" else "3e",
            gender=rng.choice(("f", "m", "m", "f", "not_said")),
        )
        at = CAMPAIGN + timedelta(minutes=rng.randrange(30 * 7 * 24 * 60))
        submitted = applications.ApplicationSubmitted.model_construct(
            event_id=uuid.uuid4(),
            correlation_id="bench",
            aggregate_id=str(uuid.uuid4()),
            application=facts,
            occurred_at=at,
            status="submitted",
            previous_status=None,
            actor="pupil",
        )
        yield submitted
        if rng.random() < 0.33:
            yield applications.ApplicationApproved.model_construct(
                event_id=uuid.uuid4(),
                correlation_id="bench",
                aggregate_id=submitted.aggregate_id,
                application=facts,
                occurred_at=at + timedelta(days=7),
                status="approved",
                previous_status="validated_by_employer",
                actor="pupil",
            )


async def load(
    sessions: async_sessionmaker[AsyncSession], count: int
) -> list[tuple[str, str, str]]:
    places = departments()
    started = time.perf_counter()
    listed = school_events(places, 7000)
    for start in range(0, len(listed), 1000):
        async with sessions() as session, session.begin():
            for event in listed[start : start + 1000]:
                await projections.apply(event, session)
    print(
        f"schools: {len(listed)} events applied one by one in "
        f"{time.perf_counter() - started:.1f} s"
    )
    sectors = [(uuid.uuid4(), f"Secteur {n}") for n in range(51)]
    started = time.perf_counter()
    offers = offer_events(places, sectors, max(count // 16, 100))
    for start in range(0, len(offers), 5000):
        async with sessions() as session, session.begin():
            await bulk.load_offers(session, offers[start : start + 5000])
    print(f"offers: {len(offers)} in {time.perf_counter() - started:.1f} s")
    schools: list[tuple[str, str, str]] = [
        (e.uai, e.department_code, str(e.kind))
        for e in listed
        if isinstance(e, SchoolListed)
    ]
    await load_applications(sessions, offers, schools, count)
    return places


async def load_applications(
    sessions: async_sessionmaker[AsyncSession],
    offers: list[OfferPublished],
    schools: list[tuple[str, str, str]],
    count: int,
) -> None:
    started, batch, loaded = time.perf_counter(), [], 0
    for event in application_events(offers, schools, count):
        batch.append(event)
        if len(batch) >= 20000:
            loaded += await _flush(sessions, batch)
            batch = []
            if loaded % 200000 < 14000:
                rate = loaded / (time.perf_counter() - started)
                print(f"  ... {loaded} events, {rate:.0f}/s", flush=True)
    loaded += await _flush(sessions, batch)
    elapsed = time.perf_counter() - started
    print(
        f"applications: {count} submitted, {loaded} events in {elapsed:.1f} s "
        f"({loaded / elapsed:.0f} events/s, generation included)"
    )


async def _flush(
    sessions: async_sessionmaker[AsyncSession], batch: list[bulk.Loadable]
) -> int:
    async with sessions() as session, session.begin():
        await bulk.load_applications(session, batch)
    return len(batch)


async def timed(runs: int, call: Callable[[], Awaitable[object]]) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def dashboards(sessions: async_sessionmaker[AsyncSession], runs: int) -> None:
    department = Scope(departments=frozenset({"93"}))
    async with sessions() as session:
        for label, scope, extra in (
            ("national", EVERYTHING, ""),
            ("department 93", department, "AND department_code = '93'"),
        ):
            await _compare(session, label, scope, extra, runs)


async def _compare(
    session: AsyncSession, label: str, scope: Scope, extra: str, runs: int
) -> None:
    naive_sql = text(NAIVE.text.format(extra=extra))

    async def dashboard() -> object:
        return await queries.indicators(session, scope, school_year=YEAR)

    async def cube() -> object:
        table = sector_counters_table
        return await queries.counts_by(session, table, scope, YEAR, table.c.sector_id)

    async def naive() -> object:
        return (await session.execute(naive_sql, {"year": YEAR})).all()

    await dashboard()  # warm-up
    full, from_cube = await timed(runs, dashboard), await timed(runs, cube)
    raw = await timed(max(runs // 10, 5), naive)
    print(f"dashboard {label}, every breakdown: {percentiles(full)}")
    print(f"  by sector x gender from the cube:  {percentiles(from_cube)}")
    print(f"  same, naive GROUP BY on raw rows:  {percentiles(raw)}")


async def freshness(settings: Settings, count: int) -> None:
    topics = private_topics(f"bench-{uuid.uuid4().hex[:8]}")
    app = build_app(settings, topics=topics)
    tokens = TokenFactory()
    app.state.token_verifier = tokens.verifier()
    token = tokens.issue(Principal(user_id=uuid.uuid4(), role=Role.ADMIN))
    admin = {"Authorization": f"Bearer {token}"}
    offer = offer_published()
    publisher = KafkaPublisher(settings.kafka_bootstrap_servers, client_id="bench")
    try:
        async with app.router.lifespan_context(app):
            await publisher.start()
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://s"
            ) as client:
                samples = await _publish_and_watch(
                    client, admin, publisher, topics, offer, count
                )
            await publisher.stop()
        print(
            f"freshness publish -> visible in /indicators: {percentiles(samples[1:])}"
        )
    finally:
        with suppress(Exception):  # a leftover topic must not hide the figures
            await drop_topics(settings.kafka_bootstrap_servers, topics)


async def _publish_and_watch(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    publisher: KafkaPublisher,
    topics: Any,
    offer: OfferPublished,
    count: int,
) -> list[float]:
    await publisher.send_all(
        [
            Record(
                private_topic_of(offer, topics).name,
                offer.aggregate_id,
                offer.to_json_bytes(),
            )
        ]
    )
    samples = []
    params: dict[str, str | int] = {"department": FRESH_DEPARTMENT, "school_year": YEAR}
    for n in range(1, count + 2):  # the first one warms the consumer group up
        facts = applications.ApplicationFacts(
            pupil_id=uuid.uuid4(),
            offer_id=uuid.UUID(offer.aggregate_id),
            weeks=("2027-W03",),
            school_year=YEAR,
            sector_id=offer.offer.sector_id,
            offer_department_code="75",
            is_public=False,
            ministry=None,
            school_uai="9760001A",
            school_department_code=FRESH_DEPARTMENT,
            grade="3e",
            gender="f",
        )
        event = applications.ApplicationSubmitted(
            aggregate_id=str(uuid.uuid4()),
            application=facts,
            status="submitted",
            previous_status=None,
            actor="pupil",
        )
        started = time.perf_counter()
        await publisher.send_all(
            [
                Record(
                    private_topic_of(event, topics).name,
                    event.aggregate_id,
                    event.to_json_bytes(),
                )
            ]
        )
        while True:
            body = (
                await client.get("/indicators", params=params, headers=admin)
            ).json()
            if body["totals"]["applications"]["total"] >= n:
                break
            await asyncio.sleep(0.005)
        samples.append(time.perf_counter() - started)
    return samples


async def main(args: argparse.Namespace) -> None:
    name = f"bench_stats_{uuid.uuid4().hex[:8]}"
    settings = Settings(service_name=f"stats-bench-{name[-8:]}", database_name=name)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, database {name}")
    upgrade(Path(stats.__file__).parent / "migrations", settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        await load(sessions, args.applications)
        async with sessions() as session, session.begin():
            await session.execute(text("ANALYZE"))
            sizes = {
                cube: await session.scalar(text(f"SELECT count(*) FROM {cube}"))
                for cube in CUBES
            }
        print(f"cubes (rows): {sizes}")
        await dashboards(sessions, args.runs)
        await engine.dispose()
        await freshness(settings, args.events)
    finally:
        await engine.dispose()
        admin = make_url(settings.postgres_url).set(
            drivername="postgresql", database="postgres"
        )
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--events", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
