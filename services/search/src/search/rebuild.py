"""Rebuild by replay: a fresh index from the offers topic, then an atomic switch.

The topic is compacted and keyed by offer id, so reading it from the beginning
gives every offer's latest state. Search keeps answering from the old index
meanwhile; live indexers keep writing through the alias, and the last catch-up
after the switch brings over whatever they wrote to the old index in between
(external versions make applying an event twice harmless).

Usage: `python -m search.rebuild [--keep-old]`
"""

import argparse
import asyncio
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from opensearchpy import AsyncOpenSearch
from pydantic import ValidationError

from contracts.topics import OFFERS, Topic
from kit.logging import configure_logging
from search.index import create_index, new_index_name, switch_alias
from search.indexer import BulkIndexer, event_action
from search.settings import Settings, get_settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RebuildReport:
    index: str
    replaced: list[str]
    events: int


class _Replay:
    def __init__(self, consumer: AIOKafkaConsumer, topic: Topic, indexer: BulkIndexer):
        self._consumer = consumer
        self._topic = topic
        self._indexer = indexer
        self.events = 0

    async def catch_up(self, partitions: list[TopicPartition]) -> None:
        """Applies every record up to the end offsets of now."""
        ends = await self._consumer.end_offsets(partitions)
        while await self._behind(ends):
            batches = await self._consumer.getmany(timeout_ms=500, max_records=2000)
            for records in batches.values():
                await self._apply([r.value or b"" for r in records])

    async def _behind(self, ends: dict[TopicPartition, int]) -> bool:
        for partition, end in ends.items():
            if await self._consumer.position(partition) < end:
                return True
        return False

    async def _apply(self, values: list[bytes]) -> None:
        actions = []
        for value in values:
            try:
                action = event_action(self._topic.parse(value))
            except ValidationError:
                log.warning("rebuild_record_skipped_invalid", topic=self._topic.name)
                continue
            if action is not None:
                actions.append(action)
        await self._indexer.submit_all(actions)
        self.events += len(values)


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    """All partitions of the topic: without a group, the consumer is given them all
    once it has the topic's metadata."""
    for _ in range(100):
        if assigned := consumer.assignment():
            return sorted(assigned)
        await asyncio.sleep(0.1)
    raise LookupError(f"topic {topic} has no partition")


async def rebuild(
    client: AsyncOpenSearch,
    *,
    alias: str,
    bootstrap_servers: str,
    topic: Topic = OFFERS,
    keep_old: bool = False,
) -> RebuildReport:
    target = new_index_name(alias)
    await create_index(client, target)
    # No refresh while loading: faster, and nobody reads this index yet.
    await _set_refresh(client, target, "-1")
    consumer = AIOKafkaConsumer(
        topic.name,
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topic.name)
        await consumer.seek_to_beginning(*partitions)
        replay = _Replay(
            consumer, topic, BulkIndexer(client, index=target, max_actions=2000)
        )
        await replay.catch_up(partitions)
        await replay.catch_up(partitions)
        await _set_refresh(client, target, "500ms")
        await client.indices.refresh(index=target)
        replaced = await switch_alias(client, alias, target)
        await replay.catch_up(partitions)
    finally:
        await consumer.stop()
    if replaced and not keep_old:
        await client.indices.delete(index=",".join(replaced), ignore_unavailable=True)
    log.info("index_rebuilt", index=target, replaced=replaced, events=replay.events)
    return RebuildReport(target, replaced, replay.events)


async def _set_refresh(client: AsyncOpenSearch, index: str, interval: str) -> None:
    await client.indices.put_settings(
        index=index, body={"index": {"refresh_interval": interval}}
    )


async def _main(settings: Settings, keep_old: bool) -> None:
    client = AsyncOpenSearch(hosts=[settings.opensearch_url], timeout=60)
    try:
        report = await rebuild(
            client,
            alias=settings.index_alias,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            keep_old=keep_old,
        )
    finally:
        await client.close()
    print(f"{report.index}: {report.events} événements rejoués")  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description="Reconstruit l'index des offres.")
    parser.add_argument("--keep-old", action="store_true", help="garder l'ancien index")
    arguments = parser.parse_args()
    settings = get_settings()
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    asyncio.run(_main(settings, arguments.keep_old))


if __name__ == "__main__":
    main()
