"""Campaign burst on the applications service, on the real servers (`make up`).

N pupils (10,000 by default) each send 5 applications as fast as the service takes
them; then every pupil confirms two accepted applications at once, competing with
the others for seats. Prints requests sent, accepted, refused by a rule, lost
(acknowledged but missing, or failed without an answer), duplicated (two rows for
one pupil, offer and week; an over-booked week; a pupil twice on one week) and
latency percentiles. Run:

    uv run python services/applications/benchmarks/burst.py --pupils 10000

The service relays its events to the applications topic of the broker it is given,
as in production: on a broker shared with tests, delete that topic afterwards (or
give the benchmark a broker of its own), or every new consumer group replays them.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
import httpx

from contracts.examples import offer_snapshot
from kit.auth import Principal, Role
from kit.testing.tokens import TokenFactory

WEEKS = ("2027-W03", "2027-W04")
PORT = 18004
Job = Callable[[], Awaitable[None]]

CHECKS = {
    "duplicated rows": "SELECT count(*) FROM (SELECT 1 FROM application_weeks "
    "GROUP BY pupil_id, offer_id, week HAVING count(*) > 1) d",
    "over-booked weeks": "SELECT count(*) FROM seats WHERE taken > capacity",
    "seat counts off": "SELECT count(*) FROM seats s WHERE taken <> (SELECT count(*) "
    "FROM applications a WHERE a.offer_id = s.offer_id AND a.status = 'approved' "
    "AND s.week = ANY(a.weeks))",
    "pupils twice on a week": "SELECT count(*) FROM (SELECT 1 FROM applications a, "
    "unnest(a.weeks) w WHERE a.status = 'approved' GROUP BY a.pupil_id, w "
    "HAVING count(*) > 1) d",
    "approved": "SELECT count(*) FROM applications WHERE status = 'approved'",
}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    answers: dict[int, int] = field(default_factory=dict)

    def line(self) -> str:
        q = (
            statistics.quantiles(self.latencies, n=100)
            if len(self.latencies) > 1
            else [0] * 99
        )
        answers = dict(sorted(self.answers.items()))
        return f"answers {answers}; ms p50 {q[49]:.1f} p95 {q[94]:.1f} p99 {q[98]:.1f}"


async def call(
    client: httpx.AsyncClient, url: str, token: str, body: object, tally: Tally
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.post(
            url, json=body, headers={"Authorization": f"Bearer {token}"}
        )
    except httpx.HTTPError:
        tally.answers[0] = tally.answers.get(0, 0) + 1
        return None
    tally.latencies.append((time.perf_counter() - started) * 1000)
    tally.answers[response.status_code] = tally.answers.get(response.status_code, 0) + 1
    return response


async def run_phase(jobs: list[Job], concurrency: int) -> float:
    pending = iter(jobs)

    async def worker() -> None:
        for job in pending:
            await job()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def seed(
    dsn: str, pupils: list[uuid.UUID], offers: list[uuid.UUID], seats: int
) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO school_views VALUES ('0350913C', '35', $1)", WEEKS
        )
        await connection.copy_records_to_table(
            "pupil_views",
            records=[
                (p, "3e", random.choice("fm"), "0350913C", True, "35") for p in pupils
            ],
            columns=[
                "pupil_id",
                "grade",
                "gender",
                "school_uai",
                "authorised",
                "department_code",
            ],
        )
        sector = offer_snapshot().sector_id
        offer_rows: list[tuple[object, ...]] = [
            (
                o,
                1,
                True,
                ["3e"],
                list(WEEKS),
                [],
                seats,
                2026,
                sector,
                "35",
                False,
                None,
                None,
                "Offre de démonstration",
                None,
            )
            for o in offers
        ]
        await connection.copy_records_to_table("offer_views", records=offer_rows)
        seat_rows = [(o, w, 0, seats) for o in offers for w in WEEKS]
        await connection.copy_records_to_table("seats", records=seat_rows)
    finally:
        await connection.close()


async def drive(args: argparse.Namespace, dsn: str, tokens: TokenFactory) -> None:
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{PORT}", timeout=60
    ) as client:
        await wait_healthy(client)
        pupils = [uuid.uuid4() for _ in range(args.pupils)]
        offers = [uuid.uuid4() for _ in range(args.offers)]
        await seed(dsn, pupils, offers, args.seats)
        token = {
            p: tokens.issue(Principal(user_id=p, role=Role.PUPIL), ttl_seconds=7200)
            for p in pupils
        }
        await baseline_phase(args, client, len(pupils) * args.per_pupil)
        accepted = await apply_phase(args, client, pupils, offers, token)
        async with connect(dsn) as connection:
            # Employers' answers are not what is measured: accept all at once.
            await connection.execute(
                "UPDATE applications SET status = 'validated_by_employer'"
            )
        await confirm_phase(args, client, accepted, token)
        async with connect(dsn) as connection:
            stored = {
                str(r["id"])
                for r in await connection.fetch("SELECT id FROM applications")
            }
            acked = {a for ids in accepted.values() for a in ids}
            print(f"lost (acknowledged, not stored): {len(acked - stored)}")
            for name, query in CHECKS.items():
                print(f"{name}: {await connection.fetchval(query)}")


async def baseline_phase(
    args: argparse.Namespace, client: httpx.AsyncClient, count: int
) -> None:
    """The floor: `/health` (no token, no database) at the same concurrency."""
    tally = Tally()

    async def send() -> None:
        started = time.perf_counter()
        status = (await client.get("/health")).status_code
        tally.latencies.append((time.perf_counter() - started) * 1000)
        tally.answers[status] = tally.answers.get(status, 0) + 1

    elapsed = await run_phase([send] * count, args.concurrency)
    print(f"baseline /health: {count} in {elapsed:.1f} s; {tally.line()}")


async def apply_phase(
    args: argparse.Namespace,
    client: httpx.AsyncClient,
    pupils: list[uuid.UUID],
    offers: list[uuid.UUID],
    token: dict[uuid.UUID, str],
) -> dict[uuid.UUID, list[str]]:
    tally = Tally()
    accepted: dict[uuid.UUID, list[str]] = {p: [] for p in pupils}

    def job(pupil: uuid.UUID, offer: uuid.UUID) -> Job:
        async def send() -> None:
            body = {
                "offer_id": str(offer),
                "weeks": [random.choice(WEEKS)],
                "motivation": "Oui",
            }
            response = await call(client, "/applications", token[pupil], body, tally)
            if response is not None and response.status_code == 201:
                accepted[pupil].append(response.json()["id"])

        return send

    jobs = [job(p, o) for p in pupils for o in random.sample(offers, args.per_pupil)]
    random.shuffle(jobs)
    elapsed = await run_phase(jobs, args.concurrency)
    rate = len(jobs) / elapsed
    print(
        f"applications: {len(jobs)} in {elapsed:.1f} s ({rate:.0f}/s); {tally.line()}"
    )
    return accepted


async def confirm_phase(
    args: argparse.Namespace,
    client: httpx.AsyncClient,
    accepted: dict[uuid.UUID, list[str]],
    token: dict[uuid.UUID, str],
) -> None:
    tally = Tally()

    def job(pupil: uuid.UUID, application_id: str) -> Job:
        async def send() -> None:
            await call(
                client,
                f"/applications/{application_id}/approve",
                token[pupil],
                {},
                tally,
            )

        return send

    jobs = [job(p, a) for p, ids in accepted.items() for a in ids[:2]]
    random.shuffle(jobs)
    elapsed = await run_phase(jobs, args.concurrency)
    print(f"confirmations: {len(jobs)} in {elapsed:.1f} s; {tally.line()}")


class connect:  # named like asyncpg.connect, which it wraps
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    async def __aenter__(self) -> asyncpg.Connection:
        self.connection = await asyncpg.connect(self.dsn)
        return self.connection

    async def __aexit__(self, *exc: object) -> None:
        await self.connection.close()


async def wait_healthy(client: httpx.AsyncClient) -> None:
    for _ in range(240):
        try:
            if (await client.get("/health")).status_code == 200:
                await asyncio.sleep(2)  # the other workers finish starting too
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.5)
    raise SystemExit("le service ne démarre pas")


def main(args: argparse.Namespace) -> None:
    # A stop (Ctrl-C, timeout) still stops the server and drops the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    base = os.environ.get(
        "POSTGRES_URL", "postgresql://postgres@127.0.0.1:5433/postgres"
    )
    database = f"bench_applications_{int(time.time())}"
    asyncio.run(create_database(base, database))
    tokens = TokenFactory()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as jwks:
        json.dump(tokens.jwks(), jwks)
        jwks.flush()
        env = os.environ | {
            "APPLICATIONS_DATABASE_NAME": database,
            "APPLICATIONS_SERVICE_NAME": database,
            "IDENTITY_JWKS_FILE": jwks.name,
            "APPLICATIONS_LOG_LEVEL": "WARNING",
            # The shared broker's history of offers and pupils is not what is
            # measured: the benchmark writes its own views.
            "APPLICATIONS_NEW_GROUPS_START_FROM": "latest",
        }
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "applications.main:app",
            "--port",
            str(PORT),
        ]
        command += [
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        server = subprocess.Popen(command, env=env)  # noqa: S603
        try:
            asyncio.run(drive(args, base.rsplit("/", 1)[0] + f"/{database}", tokens))
        finally:
            server.terminate()
            server.wait(timeout=30)
            asyncio.run(drop_database(base, database))


async def create_database(base: str, database: str) -> None:
    async with connect(base) as connection:
        await connection.execute(f'CREATE DATABASE "{database}"')


async def drop_database(base: str, database: str) -> None:
    async with connect(base) as connection:
        await connection.execute(f'DROP DATABASE "{database}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--per-pupil", type=int, default=5)
    parser.add_argument("--offers", type=int, default=3_000)
    parser.add_argument("--seats", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    main(parser.parse_args())
