"""Wiring of the Offres service: `uvicorn offers.main:app`."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from contracts.topics import OFFER_FEED_REJECTIONS, OFFERS
from kit.auth import TokenVerifier
from kit.db import make_engine, make_session_factory
from kit.http import create_app, error_body
from kit.messaging.admin import ensure_topics
from kit.messaging.outbox import OutboxRelay
from kit.messaging.publisher import KafkaPublisher, Publisher
from kit.migrations import upgrade
from offers import admin, api, partner
from offers.db import SqlUnitOfWork, outbox
from offers.domain.errors import OffersError
from offers.feeds import FeedRunner
from offers.geodata import geocoder, sectors
from offers.handlers import Catalog, flag_stale_offers
from offers.operators import OperatorStore, PartnerTokens, Throttle
from offers.settings import Settings, get_settings

DESCRIPTION = "Offres de stage, API partenaires v1/v2 et flux des ministères."
MIGRATIONS = Path(__file__).parent / "migrations"
log = structlog.get_logger(__name__)


def _is_partner(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _offers_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OffersError)
    if _is_partner(request):
        return await _partner_error(request, partner.partner_error(exc))
    status = api.STATUS_OF_KIND[exc.kind]
    return JSONResponse(error_body(exc.code, exc.message, **exc.details), status)


async def _partner_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, partner.PartnerError)
    return JSONResponse(exc.body(), exc.status)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [".".join(str(p) for p in e["loc"][1:]) for e in exc.errors()]
    message = "Paramètres invalides: " + ", ".join(fields)
    if _is_partner(request):
        return JSONResponse(
            partner.PartnerError(422, "BAD_ARGUMENT", message).body(), 422
        )
    return JSONResponse(error_body("invalid_request", message, fields=fields), 422)


def catalog() -> Catalog:
    return Catalog({sector.id: sector.name for sector in sectors()}, geocoder())


async def _daily(uow_factory: Any) -> None:
    while True:
        flagged = await flag_stale_offers(uow_factory(), today=datetime.now(UTC).date())
        log.info("stale_offers_flagged", flagged=flagged)
        tomorrow = datetime.now(UTC).replace(hour=2, minute=0) + timedelta(days=1)
        await asyncio.sleep((tomorrow - datetime.now(UTC)).total_seconds())


def build_app(
    settings: Settings | None = None,
    *,
    token_verifier: TokenVerifier | None = None,
    publisher: Publisher | None = None,
) -> FastAPI:
    """The app; tests give their own verifier and publisher."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        config = settings or get_settings()
        upgrade(MIGRATIONS, config.database_url)
        engine = make_engine(config.database_url)
        sessions = make_session_factory(engine)
        kafka: KafkaPublisher | None = None
        sender = publisher
        if sender is None:
            await ensure_topics(
                config.kafka_bootstrap_servers, [OFFERS, OFFER_FEED_REJECTIONS]
            )
            kafka = KafkaPublisher(config.kafka_bootstrap_servers, client_id="offers")
            await kafka.start()
            sender = kafka
        relay = OutboxRelay(
            session_factory=sessions,
            table=outbox,
            publisher=sender,
            poll_seconds=config.outbox_poll_seconds,
        )
        state = app.state
        state.settings = config
        state.sessions = sessions
        state.relay = relay
        state.uow_factory = lambda: SqlUnitOfWork(sessions, on_commit=relay.notify)
        state.catalog = catalog()
        state.operators = OperatorStore(sessions)
        state.partner_tokens = PartnerTokens(
            config.partner_jwt_secret.get_secret_value(), hours=config.partner_jwt_hours
        )
        state.throttle = Throttle()
        state.feeds = FeedRunner(
            sessions,
            state.catalog,
            batch_size=config.feed_batch_size,
            on_commit=relay.notify,
        )
        state.feed_tasks = set()
        state.token_verifier = token_verifier or await TokenVerifier.fetch(
            config.identity_jwks_url
        )
        tasks = [asyncio.create_task(relay.run())]
        if config.run_daily_job:
            tasks.append(asyncio.create_task(_daily(state.uow_factory)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if kafka is not None:
                await kafka.stop()
            await engine.dispose()

    app = create_app(title="Offres", description=DESCRIPTION, lifespan=lifespan)
    app.add_exception_handler(OffersError, _offers_error)
    app.add_exception_handler(partner.PartnerError, _partner_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    for router in (
        api.router,
        admin.router,
        partner.login_router,
        partner.v1_router,
        partner.v2_router,
    ):
        app.include_router(router)
    return app


app = build_app()
