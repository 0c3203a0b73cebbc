"""The operations command line, on a real PostgreSQL."""

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import make_url

from offers import cli
from offers.settings import get_settings

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, database_factory: Callable[[str], str]
) -> Iterator[None]:
    url = make_url(database_factory("offers_cli"))
    server = url.set(drivername="postgresql", database="postgres")
    monkeypatch.setenv("POSTGRES_URL", server.render_as_string(hide_password=False))
    monkeypatch.setenv("OFFERS_DATABASE_NAME", str(url.database))
    monkeypatch.setenv("OFFERS_PARTNER_JWT_SECRET", "k" * 40)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("environment")
async def test_create_operator_prints_a_working_token() -> None:
    output = await cli.create_operator("JobIRL", "ops@jobirl.fr", "mot-de-passe-solide")
    token = output.rsplit(": ", 1)[1]
    assert len(token) > 30
    assert await cli.flag_stale() == "0 offres à mettre à jour"
