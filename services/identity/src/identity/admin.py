"""`python -m identity.admin invite-admin EMAIL`: the first admin of a deployment.

Mails an invitation link through the configured SMTP relay, and prints it too.
"""

import argparse
import asyncio
import sys

from identity.handlers.referents import invite_admin
from identity.main import make_context
from identity.settings import get_settings
from identity.uow import UnitOfWork
from kit.db import make_engine, make_session_factory
from kit.senders import Message


async def _invite(email: str) -> None:
    from identity.main import default_sender

    settings = get_settings()
    engine = make_engine(settings.database_url, pool_size=1)
    sender = default_sender(settings)

    async def after_commit(messages: list[Message]) -> None:
        for message in messages:
            sys.stdout.write(message.body)
            await sender.send(message)

    try:
        uow = UnitOfWork(make_session_factory(engine), on_commit=after_commit)
        async with uow:
            await invite_admin(email, uow, make_context(settings))
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Administration d'Identité.")
    parser.add_argument("command", choices=["invite-admin"])
    parser.add_argument("email")
    args = parser.parse_args(argv)
    asyncio.run(_invite(args.email))


if __name__ == "__main__":
    main()
