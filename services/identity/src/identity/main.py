"""Wiring of the Identité service: `uvicorn identity.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import structlog
from fastapi import FastAPI

from contracts import TOPICS
from contracts.topics import APPLICATIONS
from identity.api import router
from identity.api_deps import identity_error_handler
from identity.db import INBOX, MAIL_OUTBOX, OUTBOX
from identity.domain.credentials import Passwords
from identity.domain.errors import IdentityError
from identity.handlers.context import Context
from identity.pupil_notices import notify_pupil
from identity.settings import Settings, get_settings
from identity.signing import Signer
from kit.auth import TokenVerifier
from kit.http import create_app
from kit.logging import configure_logging
from kit.mail_outbox import deliver
from kit.runtime import Job, Subscription, running
from kit.senders import Message, Sender, SmtpSender

DESCRIPTION = (
    "Comptes, rôles, établissements, classes, semaines de stage, "
    "autorisations parentales et jetons."
)
MIGRATIONS = Path(__file__).parent / "migrations"
log = structlog.get_logger(__name__)


def make_context(settings: Settings) -> Context:
    return Context(
        signer=Signer.from_pem(
            settings.private_key_pem(),
            ttl_seconds=settings.access_token_minutes * 60,
        ),
        base_url=settings.public_base_url,
        activation_ttl=timedelta(hours=settings.activation_hours),
        reset_ttl=timedelta(minutes=settings.reset_minutes),
        refresh_ttl=timedelta(days=settings.refresh_token_days),
        api_token_ttl=timedelta(days=settings.api_token_days),
        passwords=Passwords(
            time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib
        ),
    )


def default_sender(settings: Settings) -> SmtpSender:
    return SmtpSender.from_settings(settings)


def build_app(settings: Settings, *, sender: Sender | None = None) -> FastAPI:
    """The app; its lifespan migrates, starts the outbox relay and the producer, the
    consumer of application events that writes to pupils, and their mail job."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        topics = [
            topic for name, topic in TOPICS.items() if name.startswith("identity.")
        ]
        notices = Subscription(
            f"{settings.service_name}.pupil-notices", APPLICATIONS, notify_pupil
        )
        async with running(
            settings,
            migrations=MIGRATIONS,
            outbox=OUTBOX,
            inbox=INBOX,
            topics=[*topics, APPLICATIONS],
            subscriptions=[notices],
        ) as runtime:
            relay = runtime.relay
            assert relay is not None  # identity writes events: it has an outbox
            outgoing = sender or default_sender(settings)

            async def after_commit(messages: list[Message]) -> None:
                relay.notify()
                for message in messages:
                    try:
                        await outgoing.send(message)
                    except OSError:
                        log.warning(
                            "message_not_sent", subject=message.subject, exc_info=True
                        )

            async def pupil_mail() -> int:
                return await deliver(runtime.sessions, MAIL_OUTBOX, outgoing)

            runtime.every(Job("pupil-mail", settings.mail_every_seconds, pupil_mail))
            app.state.sessions, app.state.after_commit = runtime.sessions, after_commit
            app.state.relay = relay
            yield

    app = create_app(title="Identité", description=DESCRIPTION, lifespan=lifespan)
    context = make_context(settings)
    app.state.context = context
    app.state.token_verifier = TokenVerifier(context.signer.jwks())
    app.add_exception_handler(IdentityError, identity_error_handler)
    app.include_router(router)
    return app


def _app() -> FastAPI:
    settings = get_settings()
    configure_logging(
        service="identity", level=settings.log_level, json=settings.log_json
    )
    return build_app(settings)


def __getattr__(name: str) -> FastAPI:
    # `identity.main:app` is built on first access, so importing this module (tests,
    # tools) needs no signing key.
    if name == "app":
        return _app()
    raise AttributeError(name)
