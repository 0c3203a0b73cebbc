"""Wiring of the Identité service: `uvicorn identity.main:app`."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from pathlib import Path

import structlog
from fastapi import FastAPI

from contracts import TOPICS
from identity.api import router
from identity.api_deps import identity_error_handler
from identity.db import OUTBOX
from identity.domain.credentials import Passwords
from identity.domain.errors import IdentityError
from identity.handlers.context import Context
from identity.settings import Settings, get_settings
from identity.signing import Signer
from kit.auth import TokenVerifier
from kit.db import make_engine, make_session_factory
from kit.http import create_app
from kit.logging import configure_logging
from kit.messaging.admin import ensure_topics
from kit.messaging.outbox import OutboxRelay
from kit.messaging.publisher import KafkaPublisher
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
    """The app; its lifespan migrates, starts the outbox relay and the producer."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from kit.migrations import upgrade

        await asyncio.to_thread(upgrade, MIGRATIONS, settings.database_url)
        engine = make_engine(settings.database_url)
        topics = [
            topic for name, topic in TOPICS.items() if name.startswith("identity.")
        ]
        await ensure_topics(settings.kafka_bootstrap_servers, topics)
        publisher = KafkaPublisher(
            settings.kafka_bootstrap_servers, client_id="identity"
        )
        await publisher.start()
        sessions = make_session_factory(engine)
        relay = OutboxRelay(
            session_factory=sessions,
            table=OUTBOX,
            publisher=publisher,
            poll_seconds=settings.outbox_poll_seconds,
        )
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

        app.state.sessions, app.state.after_commit = sessions, after_commit
        app.state.relay = relay
        task = asyncio.create_task(relay.run())
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            await publisher.stop()
            await engine.dispose()

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
