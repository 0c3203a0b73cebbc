"""Each service's migrations build exactly the tables its code declares.

A column added to a table in `db.py` without its Alembic revision would work in
tests that create tables from the models, and fail in production: this catches it.
"""

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest

from kit.migrations import drift

pytestmark = pytest.mark.postgres

SERVICES = ["identity", "offers", "applications", "conventions", "stats"]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_create_what_the_models_declare(
    service: str, database_factory: Callable[[str], str]
) -> None:
    metadata = importlib.import_module(f"{service}.db").metadata
    migrations = Path(importlib.import_module(f"{service}.main").MIGRATIONS)
    assert drift(migrations, database_factory(f"{service}_drift"), metadata) == []
