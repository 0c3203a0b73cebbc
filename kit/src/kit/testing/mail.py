"""A real SMTP server inside the test process, for services that send email and SMS."""

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_LINK = re.compile(r"token=([\w-]+)")


@dataclass
class Mailbox:
    """A real SMTP server in this process; keeps every message it receives."""

    port: int
    messages: list[tuple[str, EmailMessage]] = field(default_factory=list)

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, message_from_bytes(content)))
        return "250 OK"

    def last_to(self, address: str) -> EmailMessage:
        found = [message for rcpt, message in self.messages if rcpt == address]
        assert found, f"aucun message pour {address}"
        return found[-1]

    def link_token(self, address: str) -> str:
        body = self.last_to(address).get_payload(decode=True)
        assert isinstance(body, bytes)
        match = _LINK.search(body.decode())
        assert match, "pas de lien dans le message"
        return match[1]

    def body_to(self, address: str) -> str:
        payload = self.last_to(address).get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode()

    def bodies_to(self, address: str) -> list[str]:
        """Every message to `address`, oldest first (other services write too)."""
        bodies = []
        for rcpt, message in self.messages:
            payload = message.get_payload(decode=True)
            if rcpt == address and isinstance(payload, bytes):
                bodies.append(payload.decode())
        return bodies


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def running_mailbox() -> Iterator[Mailbox]:
    """Starts a mailbox on a free loopback port for as long as the generator lives."""
    box = Mailbox(port=_free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
