import socket

import pytest
from opensearchpy import AsyncOpenSearch

from search.testing import http, search_app

pytestmark = pytest.mark.asyncio(loop_scope="session")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("path", "params"),
    [("/offers/search", {"q": "boulanger"}), ("/offers/autocomplete", {"q": "bou"})],
)
async def test_opensearch_down_answers_503_in_french(
    path: str, params: dict[str, str]
) -> None:
    client = AsyncOpenSearch(
        hosts=[f"http://127.0.0.1:{closed_port()}"], max_retries=0, timeout=2
    )
    try:
        async with http(search_app(client, "offers")) as api:
            reply = await api.get(path, params=params)
    finally:
        await client.close()

    assert reply.status_code == 503
    assert reply.json() == {
        "error": {
            "code": "search_unavailable",
            "message": "La recherche d'offres est momentanément indisponible. "
            "Réessayez dans quelques instants.",
        }
    }
    assert "Traceback" not in reply.text
