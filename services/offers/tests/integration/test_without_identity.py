"""Identity down at start-up: partners are served, employers are asked to retry."""

from collections.abc import Callable

import httpx
import pytest

from kit.auth import Role
from kit.messaging.publisher import RecordingPublisher
from kit.testing.tokens import TokenFactory
from offers.main import build_app
from offers.settings import Settings

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]


async def test_partner_api_does_not_need_identity(
    database_factory: Callable[[str], str],
    make_settings: Callable[..., Settings],
    tokens: TokenFactory,
) -> None:
    settings = make_settings(
        database_factory("offers_no_identity"),
        identity_jwks_url="http://127.0.0.1:9/jwks.json",  # nothing listens there
    )
    app = build_app(settings, publisher=RecordingPublisher())
    async with app.router.lifespan_context(app):
        _, token = await app.state.operators.create(
            name="JobIRL", email="a@b.fr", password="x" * 12, quota_per_minute=10
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://o"
        ) as client:
            partner = await client.get(
                "/api/v1/internship_offers",
                headers={"Authorization": f"Bearer {token}"},
            )
            employer = await client.get(
                "/offers",
                headers={"Authorization": f"Bearer {tokens.token_for(Role.EMPLOYER)}"},
            )
    assert partner.status_code == 200
    assert employer.status_code == 401
    assert employer.json()["error"]["code"] == "identity_unavailable"
