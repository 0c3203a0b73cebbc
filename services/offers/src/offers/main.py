"""Wiring of the Offres service: `uvicorn offers.main:app`."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker

from contracts.topics import APPLICATIONS, OFFER_FEED_REJECTIONS, OFFERS
from kit.auth import Principal, TokenError, TokenVerifier
from kit.db import make_engine, make_session_factory
from kit.http import create_app, error_body
from kit.messaging.admin import ensure_topics
from kit.messaging.consumer import EventConsumer
from kit.messaging.outbox import OutboxRelay
from kit.messaging.publisher import KafkaPublisher, Publisher
from kit.migrations import upgrade
from offers import admin, api, partner
from offers.db import SqlUnitOfWork, inbox, outbox
from offers.domain.errors import OffersError
from offers.feeds import FeedRunner
from offers.geodata import geocoder, sectors
from offers.handlers import Catalog, flag_stale_offers
from offers.operators import OperatorStore, PartnerTokens, Throttle
from offers.seats import apply_application_event
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


class KeysNotLoaded:
    """Stands in for the verifier until identity's keys are loaded: employers wait,
    partners (who never use identity) are served from the first second."""

    def verify(self, token: str) -> Principal:
        raise TokenError(
            "identity_unavailable",
            "Connexion impossible pour le moment: réessayez dans un instant.",
        )


async def _load_keys(state: Any, jwks_url: str) -> None:
    while True:
        try:
            state.token_verifier = await TokenVerifier.fetch(jwks_url)
            return
        except Exception as exc:
            log.warning("jwks_unavailable", url=jwks_url, error=repr(exc))
            await asyncio.sleep(5)


def _background(
    stack: contextlib.AsyncExitStack, job: Coroutine[Any, Any, None]
) -> None:
    task = asyncio.create_task(job)

    async def stop() -> None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    stack.push_async_callback(stop)


async def _publisher(
    config: Settings, stack: contextlib.AsyncExitStack, given: Publisher | None
) -> Publisher:
    if given is not None:
        return given
    topics = [OFFERS, OFFER_FEED_REJECTIONS, APPLICATIONS]
    await ensure_topics(config.kafka_bootstrap_servers, topics)
    kafka = KafkaPublisher(config.kafka_bootstrap_servers, client_id="offers")
    await kafka.start()
    stack.push_async_callback(kafka.stop)
    return kafka


async def _wire(
    state: Any,
    config: Settings,
    stack: contextlib.AsyncExitStack,
    publisher: Publisher | None,
) -> OutboxRelay:
    """Puts the service's parts on `app.state`; returns the outbox relay."""
    upgrade(MIGRATIONS, config.database_url)
    engine = make_engine(config.database_url)
    stack.push_async_callback(engine.dispose)
    sessions = make_session_factory(engine)
    relay_publisher = await _publisher(config, stack, publisher)
    relay = OutboxRelay(
        session_factory=sessions,
        table=outbox,
        publisher=relay_publisher,
        poll_seconds=config.outbox_poll_seconds,
    )
    state.settings, state.sessions, state.relay = config, sessions, relay
    state.publisher = relay_publisher
    state.uow_factory = lambda: SqlUnitOfWork(sessions, on_commit=relay.notify)
    state.catalog = catalog()
    state.operators = OperatorStore(sessions)
    secret = config.partner_jwt_secret.get_secret_value()
    state.partner_tokens = PartnerTokens(secret, hours=config.partner_jwt_hours)
    state.throttle = Throttle()
    state.feeds = FeedRunner(
        sessions,
        state.catalog,
        batch_size=config.feed_batch_size,
        on_commit=relay.notify,
    )
    state.feed_tasks = set()
    stack.push_async_callback(_cancel_all, state.feed_tasks)
    return relay


async def _consume_applications(
    state: Any, config: Settings, stack: contextlib.AsyncExitStack
) -> None:
    """Seats taken come from the applications' events, in a group of our own."""
    broker = KafkaBroker(config.kafka_bootstrap_servers, client_id=config.service_name)
    EventConsumer(
        name=f"{config.service_name}.seats",
        topic=APPLICATIONS,
        handler=apply_application_event,
        dead_letters=state.publisher,
        session_factory=state.sessions,
        inbox=inbox,
        max_attempts=config.consumer_max_attempts,
        start_from=config.new_groups_start_from,
    ).subscribe(broker)
    await broker.start()
    stack.push_async_callback(broker.stop)


async def _cancel_all(tasks: set[asyncio.Task[Any]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


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
        async with contextlib.AsyncExitStack() as stack:
            relay = await _wire(app.state, config, stack, publisher)
            app.state.token_verifier = token_verifier or KeysNotLoaded()
            if token_verifier is None:
                _background(stack, _load_keys(app.state, config.identity_jwks_url))
            _background(stack, relay.run())
            if publisher is None:  # on the real broker, not with a test's publisher
                await _consume_applications(app.state, config, stack)
            if config.run_daily_job:
                _background(stack, _daily(app.state.uow_factory))
            yield

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
