"""The feeds, in the HTTP process (default) or alone: `python -m search.worker`.

Offers go into the index, identity's schools and the applications into the pupil
model. Workers share each topic's partitions within its consumer group, so up to
one worker per partition work side by side.
"""

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from faststream.kafka import KafkaBroker
from opensearchpy import AsyncOpenSearch

from kit.logging import configure_logging
from kit.messaging.admin import ensure_topics
from kit.messaging.publisher import KafkaPublisher, Publisher
from search.consumers import (
    Feeds,
    indexer_consumer,
    pupil_consumer,
    subscribe_in_batches,
)
from search.index import ensure_index
from search.indexer import BulkIndexer
from search.pupil_store import OpenSearchPupilDirectory
from search.settings import Settings, get_settings

log = structlog.get_logger(__name__)
PLATFORM_FEEDS = Feeds()


@asynccontextmanager
async def running_indexer(
    settings: Settings, client: AsyncOpenSearch, feeds: Feeds = PLATFORM_FEEDS
) -> AsyncIterator[None]:
    """Consumes the feeds into the index behind the alias and the pupil model
    until exit."""
    await ensure_topics(settings.kafka_bootstrap_servers, feeds.all())
    await ensure_index(client, settings.index_alias)
    dead_letters = KafkaPublisher(
        settings.kafka_bootstrap_servers, client_id=f"{settings.consumer_group}-dlq"
    )
    await dead_letters.start()
    broker = KafkaBroker(settings.kafka_bootstrap_servers, logger=None)
    try:
        await _subscribe(broker, settings, client, feeds, dead_letters)
        await broker.start()
        log.info("indexer_started", group=settings.consumer_group)
        yield
    finally:
        await broker.stop()
        await dead_letters.stop()


async def _subscribe(
    broker: KafkaBroker,
    settings: Settings,
    client: AsyncOpenSearch,
    feeds: Feeds,
    dead_letters: Publisher,
) -> None:
    indexer = BulkIndexer(
        client,
        # Writes go through the alias too, so a rebuild's switch redirects them.
        index=settings.index_alias,
        max_actions=settings.bulk_max_actions,
        linger_seconds=settings.bulk_linger_seconds,
    )
    attempts = settings.consumer_max_attempts
    offers = indexer_consumer(
        group=settings.consumer_group,
        indexer=indexer,
        dead_letters=dead_letters,
        max_attempts=attempts,
        topic=feeds.offers,
    )
    subscribe_in_batches(offers, broker, max_records=settings.bulk_max_actions)
    model = OpenSearchPupilDirectory(client, prefix=settings.index_alias)
    await model.ensure_indices()
    for group, topic in (
        (settings.school_consumer_group, feeds.schools),
        (settings.application_consumer_group, feeds.applications),
    ):
        consumer = pupil_consumer(
            group=group,
            topic=topic,
            model=model,
            dead_letters=dead_letters,
            max_attempts=attempts,
        )
        subscribe_in_batches(consumer, broker)


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
