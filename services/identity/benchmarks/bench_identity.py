"""Prints figures of identity's hot paths on the real PostgreSQL.

`uv run python services/identity/benchmarks/bench_identity.py`: creates a scratch
database, imports the full shared data twice, times autocomplete and "near a point",
argon2 and token signing, then drops the database.
"""

import asyncio
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

import identity
from identity.domain.credentials import Passwords
from identity.repositories import Schools
from identity.schools_import import import_schools
from identity.settings import DatabaseSettings
from identity.signing import Signer, generate_pem
from kit.auth import Principal, Role, TokenVerifier
from kit.db import make_engine, make_session_factory
from kit.migrations import upgrade
from kit.testing.data import shared_data_dir

QUERIES = ["jean moulin", "lycee victor hugo", "saint denis", "marseille", "COLLÈGE"]


def line(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{label:<28} n={len(samples):4d}  p50={statistics.median(samples):7.2f} ms"
        f"  p95={p95:7.2f} ms"
    )


async def timed(call: Callable[[], Awaitable[object]], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def bench_database(url: str) -> None:
    migrations = Path(identity.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade, migrations, url)
    engine = make_engine(url, pool_size=2)
    sessions = make_session_factory(engine)
    for run in ("première importation", "réimportation"):
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            report = await import_schools(session, shared_data_dir())
        print(
            f"{run:<28} {time.perf_counter() - started:6.2f} s  créés={report.created} "
            f"mis à jour={report.updated} inchangés={report.unchanged} "
            f"rejetés={len(report.rejections)}"
        )
    rng = random.Random(7)
    async with sessions() as session:
        schools = Schools(session)
        auto = await timed(lambda: schools.autocomplete(rng.choice(QUERIES)), 200)
        near = await timed(
            lambda: schools.near(
                lat=rng.uniform(43.5, 50), lon=rng.uniform(-1, 6), radius_km=60
            ),
            200,
        )
    print(line("autocomplétion", auto))
    print(line("établissements à 60 km", near))
    await engine.dispose()


def bench_crypto() -> None:
    password = "Correct-Horse-42!"  # noqa: S105 (a sample password)
    passwords = Passwords()
    hashes = [passwords.hash(password) for _ in range(20)]
    started = time.perf_counter()
    for stored in hashes:
        passwords.verify(stored, password)
    argon = (time.perf_counter() - started) * 1000 / len(hashes)
    signer = Signer.from_pem(generate_pem(), ttl_seconds=900)
    verifier = TokenVerifier(signer.jwks())
    principal = Principal(user_id=uuid.uuid4(), role=Role.PUPIL, school_uai="0930893R")
    started = time.perf_counter()
    tokens = [signer.access_token(principal) for _ in range(2000)]
    signing = (time.perf_counter() - started) * 1000 / len(tokens)
    started = time.perf_counter()
    for token in tokens:
        verifier.verify(token)
    checking = (time.perf_counter() - started) * 1000 / len(tokens)
    print(
        f"argon2 verify {argon:.1f} ms, jeton signé {signing:.3f} ms, "
        f"jeton vérifié {checking:.3f} ms"
    )


async def main() -> None:
    base = make_url(DatabaseSettings().postgres_url)
    name = f"bench_identity_{uuid.uuid4().hex[:8]}"
    admin = base.set(drivername="postgresql", database="postgres")
    dsn = admin.render_as_string(hide_password=False)
    url = base.set(drivername="postgresql+asyncpg", database=name)
    try:
        await bench_database(url.render_as_string(hide_password=False))
    finally:
        connection = await asyncpg.connect(dsn)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()
    bench_crypto()


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
