"""Test helpers shared by the identity test modules (a real SMTP sink, a Kafka tail)."""

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

from aiokafka import AIOKafkaConsumer
from aiosmtpd.smtp import SMTP, Envelope, Session

from contracts import TOPICS, EventBase

_LINK = re.compile(r"token=([\w-]+)")


@dataclass
class Mailbox:
    """A real SMTP server in this process; keeps every message it receives."""

    port: int
    messages: list[tuple[str, Message]] = field(default_factory=list)

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, message_from_bytes(content)))
        return "250 OK"

    def last_to(self, address: str) -> Message:
        found = [message for rcpt, message in self.messages if rcpt == address]
        assert found, f"aucun message pour {address}"
        return found[-1]

    def link_token(self, address: str) -> str:
        body = self.last_to(address).get_payload(decode=True)
        assert isinstance(body, bytes)
        match = _LINK.search(body.decode())
        assert match, "pas de lien dans le message"
        return match[1]


@dataclass
class EventTail:
    """Reads identity topics from where they were when the test started."""

    consumer: AIOKafkaConsumer

    async def wait_for(
        self, predicate: Callable[[EventBase], bool], *, seconds: float = 20
    ) -> EventBase:
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            batches = await self.consumer.getmany(timeout_ms=300)
            for partition, records in batches.items():
                for record in records:
                    event = TOPICS[partition.topic].parse(record.value)
                    if predicate(event):
                        return event
        raise AssertionError("événement attendu absent de Kafka")
