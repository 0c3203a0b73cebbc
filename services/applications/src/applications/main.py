"""Wiring of the applications service: `uvicorn applications.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from applications import api, handlers
from applications.consumers import apply_identity_event, apply_offer_event
from applications.db import INBOX, MAIL_OUTBOX, OUTBOX, SqlUnitOfWork
from applications.settings import Settings, get_settings
from contracts.topics import APPLICATIONS, IDENTITY_SCHOOLS, IDENTITY_USERS, OFFERS
from kit.auth import JwksProvider, TokenVerifier
from kit.http import create_app
from kit.logging import configure_logging
from kit.mail_outbox import deliver
from kit.runtime import Job, Subscription, running
from kit.senders import Sender, SmtpSender

MIGRATIONS = Path(__file__).parent / "migrations"
DESCRIPTION = "Candidatures des élèves : postuler, décider, confirmer, expirer."


def build_app(settings: Settings, sender: Sender | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=settings.service_name, level=settings.log_level)
        name = settings.service_name
        subscriptions = [
            Subscription(f"{name}.offer-views", OFFERS, apply_offer_event),
            Subscription(f"{name}.schools", IDENTITY_SCHOOLS, apply_identity_event),
            Subscription(f"{name}.pupils", IDENTITY_USERS, apply_identity_event),
        ]
        async with running(
            settings,
            migrations=MIGRATIONS,
            outbox=OUTBOX,
            inbox=INBOX,
            topics=[APPLICATIONS, OFFERS, IDENTITY_SCHOOLS, IDENTITY_USERS],
            subscriptions=subscriptions,
        ) as runtime:
            app.state.sessions, app.state.relay = runtime.sessions, runtime.relay
            if settings.jwks_file:
                app.state.token_verifier = TokenVerifier.from_file(settings.jwks_file)
            elif not hasattr(app.state, "token_verifier"):
                app.state.token_verifier = JwksProvider(settings.jwks_url)

            async def timers() -> handlers.TimerReport:
                uow = SqlUnitOfWork(runtime.sessions, runtime.relay)
                return await handlers.run_timers(uow, now=datetime.now(UTC))

            runtime.every(Job("timers", settings.timers_every_seconds, timers))
            outgoing = sender or SmtpSender.from_settings(settings)

            async def mail() -> int:
                return await deliver(runtime.sessions, MAIL_OUTBOX, outgoing)

            runtime.every(Job("mail", settings.mail_every_seconds, mail))
            yield

    app = create_app(title="Candidatures", description=DESCRIPTION, lifespan=lifespan)
    api.install(app)
    return app


app = build_app(get_settings())
