"""Where signers are reached: legal representatives at the email or mobile phone the
school entered, account holders at the contact in their own token."""

from dataclasses import dataclass

from conventions.domain import errors
from kit.senders import Message


@dataclass(frozen=True)
class Recipient:
    email: str | None = None
    phone: str | None = None

    def message(self, subject: str, body: str) -> Message:
        if not (self.email or self.phone):
            raise errors.NoContact()
        return Message(
            to_email=self.email, to_phone=self.phone, subject=subject, body=body
        )
