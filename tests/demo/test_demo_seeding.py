"""The demo seeding on the real PostgreSQL and Kafka, from fresh databases.

Identity and offers run in-process (their real apps and lifespans); the seeding
reaches them over HTTP as it reaches the running services under `make dev`. The
second run must create nothing, and every demo account must log in.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from identity import demo
from identity.main import build_app as build_identity
from identity.schools_import import import_schools
from identity.settings import Settings as IdentitySettings
from identity.signing import generate_pem
from kit.auth import TokenVerifier
from kit.db import make_engine, make_session_factory
from kit.messaging.publisher import RecordingPublisher
from kit.senders import RecordingSender
from kit.testing.data import shared_data_dir
from offers.main import build_app as build_offers
from offers.seed import seed as seed_offers
from offers.settings import Settings as OffersSettings

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.kafka,
    pytest.mark.asyncio(loop_scope="session"),
]
SAMPLE_ROWS = 40


@dataclass
class Platform:
    identity_url: str
    offers_url: str
    identity: httpx.AsyncClient
    offers: httpx.AsyncClient
    sample: Path


def _server(database_url: str) -> dict[str, Any]:
    url = make_url(database_url)
    server = url.set(drivername="postgresql", database="postgres")
    return {
        "postgres_url": server.render_as_string(hide_password=False),
        "database_name": url.database,
    }


def _sample(folder: Path) -> Path:
    """The first rows of the real sample, so the test stays short."""
    source = shared_data_dir() / "offers-2025-sample.csv"
    with source.open(encoding="utf-8") as handle:
        head = [next(handle) for _ in range(SAMPLE_ROWS + 1)]
    path = folder / "offers-2025-sample.csv"
    path.write_text("".join(head), encoding="utf-8")
    return path


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def platform(
    database_factory: Callable[[str], str],
    kafka_bootstrap_servers: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    identity_url = database_factory("demo_identity")
    offers_url = database_factory("demo_offers")
    identity_settings = IdentitySettings.model_validate(
        _server(identity_url)
        | {
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
            "jwt_private_key": generate_pem().decode(),
            "outbox_poll_seconds": 0.05,
        }
    )
    identity_app = build_identity(identity_settings, sender=RecordingSender())
    offers_settings = OffersSettings.model_validate(
        _server(offers_url)
        | {"partner_jwt_secret": "demo-" * 8, "run_daily_job": False}
    )
    offers_app = build_offers(
        offers_settings,
        token_verifier=TokenVerifier(identity_app.state.context.signer.jwks()),
        publisher=RecordingPublisher(),
    )
    async with (
        identity_app.router.lifespan_context(identity_app),
        offers_app.router.lifespan_context(offers_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=identity_app), base_url="http://identity"
        ) as identity,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=offers_app), base_url="http://offers"
        ) as offers,
    ):
        yield Platform(
            identity_url,
            offers_url,
            identity,
            offers,
            _sample(tmp_path_factory.mktemp("demo")),
        )


def seeders(script: ModuleType, platform: Platform) -> Any:
    async def schools() -> None:
        engine = make_engine(platform.identity_url, pool_size=1)
        try:
            async with make_session_factory(engine)() as session, session.begin():
                await import_schools(session, shared_data_dir())
        finally:
            await engine.dispose()

    return script.Seeders(
        import_schools=schools,
        seed_accounts=lambda: demo.seed(platform.identity_url),
        seed_offers=lambda: seed_offers(platform.offers_url, platform.sample),
    )


async def test_seeding_twice_creates_once_and_every_account_logs_in(
    platform: Platform, demo_script: ModuleType
) -> None:
    clients = demo_script.Clients(platform.identity, platform.offers)

    first = await demo_script.run(clients, seeders(demo_script, platform))
    second = await demo_script.run(clients, seeders(demo_script, platform))

    assert all(created for _, created in first.steps)
    assert [account.login for account in first.report.created] == [
        account.login for account in first.report.accounts
    ]
    assert len(first.report.accounts) == 10
    assert not second.created_anything
    assert second.report.created == []
    assert [a.login for a in second.report.accounts] == [
        a.login for a in first.report.accounts
    ]
    assert set(second.logins.values()) == {True}
    assert len(second.logins) == 10


async def test_the_demo_school_class_and_offers_are_what_the_readme_says(
    platform: Platform, demo_script: ModuleType
) -> None:
    await demo_script.run(
        demo_script.Clients(platform.identity, platform.offers),
        seeders(demo_script, platform),
    )

    head = await _token(platform.identity, "ce.0931194t@ac-creteil.fr")
    school = (await platform.identity.get("/schools/0931194T")).json()
    classes = (
        await platform.identity.get("/schools/0931194T/classes", headers=head)
    ).json()
    employer = await _token(platform.identity, demo.EMPLOYER)
    offers = (await platform.offers.get("/offers", headers=employer)).json()
    pupil = await platform.identity.post(
        "/auth/login",
        json={"identifier": demo.AUTHORISED_PUPIL, "password": demo.PASSWORD},
    )

    assert school["registered"] is True
    assert school["weeks"] == demo.college_weeks(date.today())
    assert [(c["name"], c["grade"], c["pupils"], c["authorised"]) for c in classes] == [
        ("3e A", "3e", 2, 1)
    ]
    assert sorted(o["status"] for o in offers) == ["published", "published"]
    assert {o["department_code"] for o in offers} == {"93"}
    assert all(o["content"]["tutor"]["email"] for o in offers)
    assert pupil.status_code == 200


async def _token(identity: httpx.AsyncClient, login: str) -> dict[str, str]:
    reply = await identity.post(
        "/auth/login", json={"identifier": login, "password": demo.PASSWORD}
    )
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}
