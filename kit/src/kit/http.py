"""HTTP helpers shared by the services' FastAPI apps."""

import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts import new_correlation_id
from kit.logging import bind_correlation_id

CORRELATION_HEADER = "x-correlation-id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class CorrelationIdMiddleware:
    """Takes the caller's X-Correlation-ID (or makes one), binds it to the logs and to
    the events the request writes, and returns it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = (
            dict(scope["headers"])
            .get(CORRELATION_HEADER.encode(), b"")
            .decode("latin-1")
        )
        correlation_id = given if _VALID_ID.match(given) else new_correlation_id()
        structlog.contextvars.clear_contextvars()
        bind_correlation_id(correlation_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append(
                    (CORRELATION_HEADER.encode(), correlation_id.encode())
                )
            await send(message)

        await self.app(scope, receive, send_with_id)


def create_app(
    *,
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[Any]] | None = None,
) -> FastAPI:
    """A FastAPI app with the platform's middleware and a liveness route."""
    app = FastAPI(title=title, description=description, lifespan=lifespan)
    app.add_middleware(CorrelationIdMiddleware)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Same shape as domain errors: {"error": {"code", "message"}}.
        detail: Any = exc.detail
        if isinstance(detail, dict):
            body = error_body(str(detail.get("code")), str(detail.get("message")))
        else:
            body = error_body(f"http_{exc.status_code}", str(detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.get("/health", tags=["exploitation"], summary="Le service répond")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    """The one error shape of every API: a stable code, and French for people."""
    return {
        "error": {
            "code": code,
            "message": message,
            **({"details": details} if details else {}),
        }
    }
