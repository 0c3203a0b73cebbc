"""Pytest plugin (auto-loaded through the `pytest11` entry point): server fixtures."""

import asyncio
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from kit.testing.servers import KAFKA, OPENSEARCH, POSTGRES, resolve


@pytest.fixture(scope="session")
def server_stack() -> Iterator[ExitStack]:
    """Owns the containers started for this session, if any."""
    with ExitStack() as stack:
        yield stack


@pytest.fixture(scope="session")
def postgres_url(server_stack: ExitStack) -> str:
    """Server URL of a PostgreSQL (with PostGIS) to create test databases in."""
    return resolve(POSTGRES, server_stack)


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(server_stack: ExitStack) -> str:
    """Bootstrap servers of a real Kafka broker."""
    return resolve(KAFKA, server_stack)


@pytest.fixture(scope="session")
def opensearch_url(server_stack: ExitStack) -> str:
    """Base URL of a real OpenSearch node."""
    return resolve(OPENSEARCH, server_stack)


def _plain_dsn(url: str, database: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql", database=database)
        .render_as_string(hide_password=False)
    )


async def _execute_async(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _execute(dsn: str, statement: str) -> None:
    # Its own thread and loop: callers may be async fixtures with a loop running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _execute_async(dsn, statement)).result()


@pytest.fixture(scope="session")
def database_factory(postgres_url: str) -> Iterator[Callable[[str], str]]:
    """Creates empty databases for the session and drops them afterwards.

    Call it with a short label; it returns the async SQLAlchemy URL of a new database.
    """
    admin_dsn = _plain_dsn(postgres_url, "postgres")
    created: list[str] = []

    def create(label: str) -> str:
        name = f"test_{label}_{uuid.uuid4().hex[:8]}"
        _execute(admin_dsn, f'CREATE DATABASE "{name}"')
        created.append(name)
        return (
            make_url(postgres_url)
            .set(drivername="postgresql+asyncpg", database=name)
            .render_as_string(hide_password=False)
        )

    yield create
    for name in created:
        _execute(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
