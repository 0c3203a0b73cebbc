import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.mail_outbox import deliver, stage
from kit.senders import Message, SmtpSender
from kit.testing.mail import Mailbox, running_mailbox
from kit.tests.integration.conftest import MAIL_OUTBOX

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

HELLO = Message("tuteur@pain.fr", None, "Nouvelle candidature", "Bonjour")


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    yield from running_mailbox()


def smtp(port: int) -> SmtpSender:
    return SmtpSender(
        host="127.0.0.1",
        port=port,
        mail_from="ne-pas-repondre@test.fr",
        sms_domain="sms.test",
    )


async def test_a_rolled_back_transaction_sends_nothing(
    sessions: async_sessionmaker[AsyncSession], mailbox: Mailbox
) -> None:
    async def failing_business_transaction() -> None:
        async with sessions() as session, session.begin():
            await stage(session, MAIL_OUTBOX, HELLO)
            raise RuntimeError("la transaction métier échoue")

    with pytest.raises(RuntimeError):
        await failing_business_transaction()
    assert await deliver(sessions, MAIL_OUTBOX, smtp(mailbox.port)) == 0


async def test_committed_messages_leave_once_by_real_smtp(
    sessions: async_sessionmaker[AsyncSession], mailbox: Mailbox
) -> None:
    sms = Message(None, "0612345678", "Code", "Votre code : 123456")
    async with sessions() as session, session.begin():
        await stage(session, MAIL_OUTBOX, HELLO, sms)
    sender = smtp(mailbox.port)
    assert await deliver(sessions, MAIL_OUTBOX, sender) == 2
    assert await deliver(sessions, MAIL_OUTBOX, sender) == 0
    assert mailbox.body_to("tuteur@pain.fr").strip() == "Bonjour"
    assert "123456" in mailbox.body_to("0612345678@sms.test")


async def test_a_server_that_refuses_keeps_the_message_for_later(
    sessions: async_sessionmaker[AsyncSession], mailbox: Mailbox
) -> None:
    async with sessions() as session, session.begin():
        await stage(session, MAIL_OUTBOX, HELLO)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    assert await deliver(sessions, MAIL_OUTBOX, smtp(closed_port)) == 0
    async with sessions() as session:
        row = (await session.execute(select(MAIL_OUTBOX))).one()
    assert (row.attempts, row.sent_at) == (1, None)
    assert row.last_error
    before = len(mailbox.messages)
    assert await deliver(sessions, MAIL_OUTBOX, smtp(mailbox.port)) == 1
    assert len(mailbox.messages) == before + 1
