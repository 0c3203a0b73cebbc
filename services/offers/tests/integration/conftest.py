import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from kit.auth import Role
from kit.messaging.publisher import RecordingPublisher
from kit.testing.tokens import TokenFactory
from offers.main import build_app
from offers.settings import Settings

SECRET = "x" * 16 + uuid.uuid4().hex


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


def settings_for(database_url: str, **overrides: Any) -> Settings:
    url = make_url(database_url)
    server = url.set(drivername="postgresql", database="postgres")
    fields: dict[str, Any] = {
        "postgres_url": server.render_as_string(hide_password=False),
        "database_name": url.database,
        "partner_jwt_secret": SECRET,
        "run_daily_job": False,
        "log_json": False,
    } | overrides
    return Settings.model_validate(fields)


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., Settings]:
    return settings_for


@pytest.fixture(scope="session")
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def app(
    database_factory: Callable[[str], str],
    tokens: TokenFactory,
    publisher: RecordingPublisher,
) -> AsyncIterator[FastAPI]:
    application = build_app(
        settings_for(database_factory("offers_api"), partner_quota_per_minute=1000),
        token_verifier=tokens.verifier(),
        publisher=publisher,
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://offers") as http:
        yield http


@pytest.fixture
def employer(tokens: TokenFactory) -> Callable[..., dict[str, str]]:
    def headers(team_id: uuid.UUID | None = None) -> dict[str, str]:
        token = tokens.token_for(Role.EMPLOYER, team_id=team_id or uuid.uuid4())
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def admin_headers(tokens: TokenFactory) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.token_for(Role.ADMIN)}"}
