"""The demo seed on a slice of the real sample, into a real PostgreSQL."""

from collections.abc import Callable
from pathlib import Path

import pytest

from kit.testing.data import shared_data_dir
from offers.seed import seed

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]


async def test_seed_reports_placement_and_reasons(
    database_factory: Callable[[str], str], tmp_path: Path
) -> None:
    sample = (shared_data_dir() / "offers-2025-sample.csv").read_text(encoding="utf-8")
    head = "\n".join(sample.splitlines()[:301]) + "\n"
    path = tmp_path / "sample.csv"
    path.write_text(head, encoding="utf-8")
    text = await seed(database_factory("offers_seed"), path)
    assert "completed, 300 lignes" in text
    assert "placées sur la carte" in text
    assert "par city" in text
