import uuid
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from kit.migrations import upgrade

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

SAMPLE = Path(__file__).parent / "sample_migrations"


async def test_upgrade_creates_the_database_then_applies_revisions(
    postgres_url: str,
) -> None:
    name = f"test_migrate_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_url).set(drivername="postgresql+asyncpg", database=name)
    upgrade(SAMPLE, url.render_as_string(hide_password=False))
    upgrade(SAMPLE, url.render_as_string(hide_password=False))  # again: nothing to do

    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(plain)
    try:
        version = await connection.fetchval("SELECT version_num FROM alembic_version")
        tables = await connection.fetchval(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'notes'"
        )
    finally:
        await connection.close()
    admin = await asyncpg.connect(
        url.set(drivername="postgresql", database="postgres").render_as_string(
            hide_password=False
        )
    )
    try:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()
    assert (version, tables) == ("0001", 1)
