"""Wiring of the web front: `uvicorn web.main:app` (port 8000)."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kit.auth import JwksProvider
from kit.http import create_app
from kit.logging import configure_logging
from web.clients import ServiceDown, ServiceError, Services
from web.pages import install_pages
from web.rendering import redirect, render
from web.session import LoginRequired, Refused, finish_response
from web.settings import Settings, get_settings

DESCRIPTION = "Le site de la plateforme des stages d'observation."


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(ServiceDown)
    async def down(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceDown)
        return render(
            request,
            "error.html",
            503,
            title="Service indisponible",
            message=exc.message + " Réessayez dans quelques instants.",
        )

    @app.exception_handler(ServiceError)
    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        if exc.status == 401:
            return redirect(f"/connexion?suite={request.url.path}")
        return render(
            request,
            "error.html",
            exc.status,
            title="Demande refusée",
            message=exc.message,
        )

    @app.exception_handler(LoginRequired)
    async def login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return redirect(f"/connexion?suite={exc.next_path}")

    @app.exception_handler(Refused)
    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return render(
            request, "error.html", exc.status, title="Accès refusé", message=exc.message
        )

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        title = "Page introuvable" if exc.status_code == 404 else "Erreur"
        return render(
            request,
            "error.html",
            exc.status_code,
            title=title,
            message="La page demandée n'existe pas ou a été déplacée.",
        )


def build_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=settings.service_name, level=settings.log_level)
        async with httpx.AsyncClient(timeout=settings.timeout_seconds) as http:
            app.state.services = Services(settings.base_urls(), http)
            yield

    app = create_app(title="Site", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.jwks = JwksProvider(
        settings.identity_url.rstrip("/") + "/.well-known/jwks.json"
    )

    @app.middleware("http")
    async def cookies(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        finish_response(request, response, settings.secure_cookies)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    _install_errors(app)
    app.mount("/dsfr", StaticFiles(directory=settings.dsfr_dir, check_dir=False))
    install_pages(app)
    return app


app = build_app(get_settings())
