"""Wiring of the statistics service: `uvicorn stats.main:app`."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from contracts import Topic
from contracts.topics import (
    APPLICATIONS,
    CONVENTIONS,
    IDENTITY_CLASSES,
    IDENTITY_SCHOOLS,
    IDENTITY_USERS,
    OFFERS,
)
from kit.auth import JwksProvider, TokenVerifier
from kit.http import create_app
from kit.logging import configure_logging
from kit.runtime import Subscription, running
from stats import api, projections
from stats.db import INBOX
from stats.settings import Settings, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"
DESCRIPTION = (
    "Indicateurs pour les référents de l'État, exports et statistiques publiques."
)
TOPICS = (
    OFFERS,
    APPLICATIONS,
    CONVENTIONS,
    IDENTITY_SCHOOLS,
    IDENTITY_CLASSES,
    IDENTITY_USERS,
)


def build_app(settings: Settings, *, topics: Sequence[Topic] = TOPICS) -> FastAPI:
    """The app; `topics` lets tests and benchmarks read private copies of the topics."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=settings.service_name, level=settings.log_level)
        subscriptions = [
            Subscription(
                f"{settings.service_name}.{topic.aggregate}", topic, projections.apply
            )
            for topic in topics
        ]
        async with running(
            settings,
            migrations=MIGRATIONS,
            outbox=None,
            inbox=INBOX,
            topics=topics,
            subscriptions=subscriptions,
        ) as runtime:
            app.state.sessions = runtime.sessions
            if settings.jwks_file:
                app.state.token_verifier = TokenVerifier.from_file(settings.jwks_file)
            elif not hasattr(app.state, "token_verifier"):
                app.state.token_verifier = JwksProvider(settings.jwks_url)
            yield

    app = create_app(title="Statistiques", description=DESCRIPTION, lifespan=lifespan)
    api.install(app)
    return app


app = build_app(get_settings())
