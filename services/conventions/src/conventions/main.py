"""Wiring of the conventions service: `uvicorn conventions.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from contracts.topics import APPLICATIONS, CONVENTIONS, IDENTITY_SCHOOLS, OFFERS
from conventions import api
from conventions.consumers import (
    apply_application_event,
    apply_offer_event,
    apply_school_event,
)
from conventions.db import INBOX, OUTBOX
from conventions.settings import Settings, get_settings
from kit.auth import JwksProvider, TokenVerifier
from kit.http import create_app
from kit.logging import configure_logging
from kit.runtime import Subscription, running
from kit.senders import Sender, SmtpSender

MIGRATIONS = Path(__file__).parent / "migrations"
DESCRIPTION = "Conventions de stage tripartites, remplies et signées en ligne."


def build_app(settings: Settings, sender: Sender | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=settings.service_name, level=settings.log_level)
        name = settings.service_name
        subscriptions = [
            Subscription(f"{name}.offer-views", OFFERS, apply_offer_event),
            Subscription(f"{name}.applications", APPLICATIONS, apply_application_event),
            Subscription(f"{name}.schools", IDENTITY_SCHOOLS, apply_school_event),
        ]
        async with running(
            settings,
            migrations=MIGRATIONS,
            outbox=OUTBOX,
            inbox=INBOX,
            topics=[CONVENTIONS, APPLICATIONS, OFFERS, IDENTITY_SCHOOLS],
            subscriptions=subscriptions,
        ) as runtime:
            app.state.sessions, app.state.relay = runtime.sessions, runtime.relay
            app.state.link_base = settings.link_base
            app.state.sender = sender or SmtpSender.from_settings(settings)
            if settings.jwks_file:
                app.state.token_verifier = TokenVerifier.from_file(settings.jwks_file)
            elif not hasattr(app.state, "token_verifier"):
                app.state.token_verifier = JwksProvider(settings.jwks_url)
            yield

    app = create_app(title="Conventions", description=DESCRIPTION, lifespan=lifespan)
    api.install(app)
    return app


app = build_app(get_settings())
