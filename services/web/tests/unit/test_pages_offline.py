"""The web front with every service unreachable: pages still answer in French."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from web.main import build_app
from web.settings import Settings

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there
NAMES = ("identity", "offers", "search", "applications", "conventions", "stats")
SETTINGS = Settings.model_validate({f"{n}_url": CLOSED for n in NAMES})
pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(SETTINGS)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://web") as http,
    ):
        yield http


async def test_the_help_page_is_french_with_skip_links(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/aide")
    assert page.status_code == 200
    assert '<html lang="fr"' in page.text
    assert 'href="#contenu"' in page.text
    assert page.text.index("dsfr.module.min.js") > page.text.index("</footer>")
    assert "stages_csrf" in page.cookies


async def test_a_service_down_gives_a_french_503_page(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/statistiques")
    assert page.status_code == 503
    assert "Le service des statistiques ne répond pas" in page.text


async def test_a_form_without_its_csrf_token_is_refused(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/connexion")
    page = await client.post(
        "/connexion", data={"identifier": "a@b.fr", "password": "x"}
    )
    assert page.status_code == 400
    assert "Le formulaire a expiré" in page.text


async def test_a_private_page_sends_visitors_to_the_login_page(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/eleve/candidatures")
    assert page.status_code == 303
    assert page.headers["location"] == "/connexion?suite=/eleve/candidatures"


async def test_an_unknown_page_is_a_french_404(client: httpx.AsyncClient) -> None:
    page = await client.get("/nulle-part")
    assert page.status_code == 404
    assert "Page introuvable" in page.text


async def test_the_design_system_is_served_from_node_modules(
    client: httpx.AsyncClient,
) -> None:
    dist = Path(SETTINGS.dsfr_dir)
    if not (dist / "dsfr.min.css").exists():
        pytest.fail("npm ci n'a pas été lancé dans services/web (make install)")
    assert (await client.get("/dsfr/dsfr.min.css")).status_code == 200
    assert (await client.get("/dsfr/favicon/favicon.svg")).status_code == 200
