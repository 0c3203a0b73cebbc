"""Alembic, the same way for every service.

Each service keeps its revisions in `src/<service>/migrations/versions/` and an
`env.py` of three lines that calls `run_env`. `upgrade(...)` applies them from code,
creating the database first when it does not exist (dev, tests, `make dev`).
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import asyncpg
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

_LOCK_KEY = 0x5A6E_0001  # arbitrary, the same for every service's migrations


def alembic_config(migrations_dir: Path, url: str) -> Config:
    """An Alembic config for a service's migrations folder and database URL."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(slug)s"
    )
    return config


def run_env(metadata: MetaData) -> None:
    """Body of every service's `env.py`: online migrations on the async engine."""
    from alembic import context  # a proxy, live only while Alembic runs env.py

    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by alembic_config"

    def migrate(connection: Connection) -> None:
        context.configure(
            connection=connection, target_metadata=metadata, compare_type=True
        )
        with context.begin_transaction():
            # Replicas starting together migrate one after the other; the later ones
            # then find the database at head and do nothing.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY}
            )
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(run())


async def ensure_database(url: str) -> None:
    """Creates the database of `url` when missing (connecting to `postgres`)."""
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", target.database
        )
        if not exists:
            # Another process may create it at the same moment.
            with suppress(asyncpg.DuplicateDatabaseError):
                await connection.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await connection.close()


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Creates the database if needed and applies the migrations up to `revision`.

    Runs Alembic in a worker thread: `env.py` starts its own event loop, which
    cannot nest in a running one (async tests, service start-up).
    """
    with ThreadPoolExecutor(max_workers=1) as pool_:
        pool_.submit(asyncio.run, ensure_database(url)).result()
        pool_.submit(
            command.upgrade, alembic_config(migrations_dir, url), revision
        ).result()


def drift(migrations_dir: Path, url: str, metadata: MetaData) -> list[object]:
    """What the tables declared in code have that the migrations did not create
    (and the reverse), after upgrading a fresh database: empty when they agree."""
    upgrade(migrations_dir, url)

    def compare(connection: Connection) -> list[object]:
        opts = {"compare_type": True, "include_name": _not_an_extension_table}
        context = MigrationContext.configure(connection, opts=opts)
        return list(compare_metadata(context, metadata))

    async def run() -> list[object]:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(compare)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool_:
        return pool_.submit(asyncio.run, run()).result()


def _not_an_extension_table(name: str | None, type_: str, parent: object) -> bool:
    return not (type_ == "table" and name in _EXTENSION_TABLES)


_EXTENSION_TABLES = {"spatial_ref_sys"}  # PostGIS's own table
