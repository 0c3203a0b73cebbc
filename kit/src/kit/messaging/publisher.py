"""Publishing to Kafka with an idempotent producer that waits for every ack."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from aiokafka import AIOKafkaProducer

from kit.messaging.naming import physical


@dataclass(frozen=True)
class Record:
    """One message to put on a topic."""

    topic: str
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


class Publisher(Protocol):
    """Sends records and returns only once the broker has acknowledged all of them."""

    async def send_all(self, records: Sequence[Record]) -> None: ...


class KafkaPublisher:
    """An idempotent producer (acks=all): retries never duplicate or reorder a key."""

    def __init__(self, bootstrap_servers: str, *, client_id: str) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            client_id=client_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send_all(self, records: Sequence[Record]) -> None:
        futures = [
            await self._producer.send(
                physical(record.topic),
                value=record.value,
                key=record.key.encode(),
                headers=list(record.headers),
            )
            for record in records
        ]
        await asyncio.gather(*futures)


@dataclass
class RecordingPublisher:
    """In-memory publisher for unit tests; `fail_next` simulates a broker outage."""

    sent: list[Record] = field(default_factory=list)
    fail_next: int = 0

    async def send_all(self, records: Sequence[Record]) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("broker unavailable")
        self.sent.extend(records)
