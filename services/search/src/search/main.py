"""Wiring of the Recherche service: `uvicorn search.main:app`.

The HTTP processes hold no state of their own (the index and the pupil model are in
OpenSearch, the place tables are read-only files), so any number can run behind a
load balancer. With SEARCH_RUN_INDEXER (default on) each process also consumes the
feeds (offers, schools, applications), each in its consumer group; Kafka shares
each topic's partitions among them.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import structlog
from fastapi import FastAPI
from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import OpenSearchException

from kit.auth import TokenVerifier
from kit.http import create_app
from kit.logging import configure_logging
from search import api
from search.domain.places import gazetteer
from search.engine import OfferIndex
from search.pupil_store import OpenSearchPupilDirectory
from search.settings import Settings, get_settings
from search.worker import running_indexer

log = structlog.get_logger(__name__)
DESCRIPTION = "Recherche géographique et plein texte des offres, sur OpenSearch."


def opensearch_client(settings: Settings) -> AsyncOpenSearch:
    return AsyncOpenSearch(
        hosts=[settings.opensearch_url],
        timeout=settings.opensearch_timeout_seconds,
        max_retries=0,
        # As many connections as requests a process serves at once.
        maxsize=settings.opensearch_connections,
    )


async def token_verifier(settings: Settings) -> TokenVerifier | None:
    if settings.jwks_file:
        return TokenVerifier.from_file(settings.jwks_file)
    if settings.jwks_url:
        try:
            return await TokenVerifier.fetch(settings.jwks_url)
        except httpx.HTTPError as exc:
            # Visitors can still search; pupils' tokens are refused until restart.
            log.warning("jwks_unavailable", url=settings.jwks_url, error=repr(exc))
    return None


async def pupil_directory(
    client: AsyncOpenSearch, settings: Settings
) -> OpenSearchPupilDirectory:
    directory = OpenSearchPupilDirectory(client, prefix=settings.index_alias)
    try:
        await directory.ensure_indices()
    except (OpenSearchException, OSError) as exc:
        # Start anyway: searches answer 503 until OpenSearch is back.
        log.warning("pupil_indices_not_ready", error=repr(exc))
    return directory


def build_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            client = opensearch_client(settings)
            stack.push_async_callback(client.close)
            app.state.offer_index = OfferIndex(client, alias=settings.index_alias)
            app.state.gazetteer = gazetteer()
            app.state.pupil_contexts = await pupil_directory(client, settings)
            app.state.token_verifier = await token_verifier(settings)
            if settings.run_indexer:
                await stack.enter_async_context(running_indexer(settings, client))
            yield

    app = create_app(title="Recherche", description=DESCRIPTION, lifespan=lifespan)
    api.install(app)
    return app


def _app() -> FastAPI:
    settings = get_settings()
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    return build_app(settings)


app = _app()
