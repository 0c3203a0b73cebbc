"""The feeds, each topic in its own consumer group, applied in batches: offers into
the index, schools and applications into the pupil model."""

import asyncio
from dataclasses import dataclass
from typing import cast

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy

from contracts.topics import APPLICATIONS, IDENTITY_SCHOOLS, OFFERS, Topic
from kit.messaging.consumer import Delivery, EventConsumer
from kit.messaging.naming import physical
from kit.messaging.publisher import Publisher
from search.indexer import BulkIndexer, OfferIndexHandler
from search.pupils import PupilEventHandler, PupilModel


@dataclass(frozen=True)
class Feeds:
    """The topics search reads (tests give private twins)."""

    offers: Topic = OFFERS
    schools: Topic = IDENTITY_SCHOOLS
    applications: Topic = APPLICATIONS

    def all(self) -> list[Topic]:
        return [self.offers, self.schools, self.applications]


def indexer_consumer(
    *,
    group: str,
    indexer: BulkIndexer,
    dead_letters: Publisher,
    max_attempts: int,
    topic: Topic = OFFERS,
) -> EventConsumer:
    return EventConsumer(
        name=group,
        topic=topic,
        handler=OfferIndexHandler(indexer),
        dead_letters=dead_letters,
        max_attempts=max_attempts,
    )


def pupil_consumer(
    *,
    group: str,
    topic: Topic,
    model: PupilModel,
    dead_letters: Publisher,
    max_attempts: int,
) -> EventConsumer:
    """Schools or applications into the pupil model; every write checks the
    event's stamp or version, so no inbox is needed."""
    return EventConsumer(
        name=group,
        topic=topic,
        handler=PupilEventHandler(model),
        dead_letters=dead_letters,
        max_attempts=max_attempts,
    )


def _delivery(record: ConsumerRecord[bytes, bytes]) -> Delivery:
    return Delivery(
        value=record.value or b"",
        key=record.key,
        headers=tuple(record.headers or ()),
        partition=record.partition,
        offset=record.offset,
    )


def subscribe_in_batches(
    consumer: EventConsumer, broker: KafkaBroker, *, max_records: int = 500
) -> None:
    """Like `EventConsumer.subscribe`, but a poll's records are processed together
    (for offers, their documents go to OpenSearch in one bulk request). Offsets are
    committed once the whole batch is applied or dead-lettered."""

    async def consume(message: KafkaMessage) -> None:
        records = cast(tuple[ConsumerRecord[bytes, bytes], ...], message.raw_message)
        await asyncio.gather(*(consumer.process(_delivery(r)) for r in records))

    consume.__doc__ = f"{consumer.name}: applique {consumer.topic.name}."
    broker.subscriber(
        physical(consumer.topic.name),
        batch=True,
        max_records=max_records,
        group_id=consumer.name,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        title=consumer.name,
    )(consume)
