"""Email and SMS leave through a `Sender`; locally both go to an SMTP sink.

Shared by the services that write to people (identity, applications, conventions).

SMS are mailed to `<number>@<sms gateway domain>`, the way email-to-SMS gateways
work, so development needs no provider: `python -m kit.senders` runs a sink
that prints every message.
"""

import asyncio
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from kit.settings import MailSettings


@dataclass(frozen=True)
class Message:
    to_email: str | None
    to_phone: str | None
    subject: str
    body: str


class Sender(Protocol):
    async def send(self, message: Message) -> None: ...


class SmtpSender:
    def __init__(
        self, *, host: str, port: int, mail_from: str, sms_domain: str
    ) -> None:
        self.host, self.port = host, port
        self.mail_from, self.sms_domain = mail_from, sms_domain

    @classmethod
    def from_settings(cls, settings: MailSettings) -> "SmtpSender":
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            mail_from=settings.mail_from,
            sms_domain=settings.sms_gateway_domain,
        )

    async def send(self, message: Message) -> None:
        await asyncio.to_thread(self._send, self._email(message))

    def _email(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.mail_from
        email["To"] = message.to_email or f"{message.to_phone}@{self.sms_domain}"
        email["Subject"] = message.subject
        email.set_content(message.body)
        return email

    def _send(self, email: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=10) as client:
            client.send_message(email)


@dataclass
class RecordingSender:
    """In-memory sender for unit tests."""

    sent: list[Message] = field(default_factory=list)

    async def send(self, message: Message) -> None:
        self.sent.append(message)


def main(argv: list[str] | None = None) -> None:
    import argparse

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Debugging

    parser = argparse.ArgumentParser(description="Boîte SMTP locale de développement.")
    parser.add_argument("--port", type=int, default=1025)
    port = parser.parse_args(argv).port
    controller = Controller(Debugging(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
