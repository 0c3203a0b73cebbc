"""How signers receive their links and one-time codes.

Legal representatives have no account: they are reached at the email or mobile
phone the school entered. Account holders are reached through identity, which alone
keeps contacts; `user_id` names them.
"""

import uuid
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Recipient:
    user_id: uuid.UUID | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Message:
    recipient: Recipient
    subject: str
    body: str


class Notifier(Protocol):
    async def send(self, message: Message) -> None: ...


@dataclass
class RecordingNotifier:
    """Keeps the messages: tests read the codes and links from it."""

    sent: list[Message] = field(default_factory=list)

    async def send(self, message: Message) -> None:
        self.sent.append(message)
