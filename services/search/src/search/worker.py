"""The indexer, in the HTTP process (default) or alone: `python -m search.worker`.

Indexers of one consumer group share the partitions of the offers topic, so up to
one indexer per partition work side by side.
"""

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from faststream.kafka import KafkaBroker
from opensearchpy import AsyncOpenSearch

from contracts.topics import OFFERS
from kit.logging import configure_logging
from kit.messaging.admin import ensure_topics
from kit.messaging.publisher import KafkaPublisher
from search.consumers import indexer_consumer, subscribe_in_batches
from search.index import ensure_index
from search.indexer import BulkIndexer
from search.settings import Settings, get_settings

log = structlog.get_logger(__name__)


@asynccontextmanager
async def running_indexer(
    settings: Settings, client: AsyncOpenSearch
) -> AsyncIterator[None]:
    """Consumes the offers topic into the index behind the alias until exit."""
    await ensure_topics(settings.kafka_bootstrap_servers, [OFFERS])
    await ensure_index(client, settings.index_alias)
    dead_letters = KafkaPublisher(
        settings.kafka_bootstrap_servers, client_id=f"{settings.consumer_group}-dlq"
    )
    await dead_letters.start()
    broker = KafkaBroker(settings.kafka_bootstrap_servers, logger=None)
    indexer = BulkIndexer(
        client,
        # Writes go through the alias too, so a rebuild's switch redirects them.
        index=settings.index_alias,
        max_actions=settings.bulk_max_actions,
        linger_seconds=settings.bulk_linger_seconds,
    )
    consumer = indexer_consumer(
        group=settings.consumer_group,
        indexer=indexer,
        dead_letters=dead_letters,
        max_attempts=settings.consumer_max_attempts,
    )
    subscribe_in_batches(consumer, broker, max_records=settings.bulk_max_actions)
    try:
        await broker.start()
        log.info("indexer_started", group=settings.consumer_group)
        yield
    finally:
        await broker.stop()
        await dead_letters.stop()


async def run(settings: Settings) -> None:
    client = AsyncOpenSearch(hosts=[settings.opensearch_url], max_retries=0)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running_indexer(settings, client):
            await stop.wait()
    finally:
        await client.close()


def main() -> None:
    settings = get_settings()
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    asyncio.run(run(settings))


if __name__ == "__main__":
    main()
