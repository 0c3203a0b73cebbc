import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog

from kit.http import create_app
from kit.logging import configure_logging, current_correlation_id


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(service="test", level="INFO", json=True, stream=stream)
    yield stream
    structlog.contextvars.clear_contextvars()
    structlog.reset_defaults()
    logging.getLogger().handlers = []


@pytest.mark.asyncio
async def test_request_correlation_id_reaches_json_log_lines(
    json_logs: io.StringIO,
) -> None:
    app = create_app(title="t", description="d")

    @app.get("/work")
    async def work() -> dict[str, str]:
        structlog.get_logger("test").info("offer_saved", offer_id="o-1")
        return {"correlation_id": current_correlation_id()}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        given = await client.get("/work", headers={"X-Correlation-ID": "abc-123"})
        made = await client.get("/work", headers={"X-Correlation-ID": "bad id\n"})

    assert given.json() == {"correlation_id": "abc-123"}
    assert (
        made.headers["x-correlation-id"] == made.json()["correlation_id"] != "bad id\n"
    )
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    saved = [line for line in lines if line["event"] == "offer_saved"]
    assert saved[0] | {"timestamp": None} == {
        "event": "offer_saved",
        "offer_id": "o-1",
        "correlation_id": "abc-123",
        "service": "test",
        "level": "info",
        "timestamp": None,
    }
    assert saved[1]["correlation_id"] == made.json()["correlation_id"]
