"""Operations without identity: `python -m offers.cli create-operator NAME EMAIL`.

The password is asked on the terminal; the API token is printed once.
"""

import argparse
import asyncio
import getpass
from datetime import UTC, datetime

from kit.db import make_engine, make_session_factory
from kit.migrations import upgrade
from offers.db import SqlUnitOfWork
from offers.handlers import flag_stale_offers
from offers.main import MIGRATIONS
from offers.operators import OperatorStore
from offers.settings import get_settings


async def create_operator(name: str, email: str, password: str) -> str:
    settings = get_settings()
    upgrade(MIGRATIONS, settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        store = OperatorStore(make_session_factory(engine))
        operator, token = await store.create(
            name=name,
            email=email,
            password=password,
            quota_per_minute=settings.partner_quota_per_minute,
        )
    finally:
        await engine.dispose()
    return f"opérateur {operator.id}\njeton d'API (affiché une seule fois): {token}"


async def flag_stale() -> str:
    engine = make_engine(get_settings().database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        flagged = await flag_stale_offers(uow, today=datetime.now(UTC).date())
    finally:
        await engine.dispose()
    return f"{flagged} offres à mettre à jour"


def main() -> None:
    parser = argparse.ArgumentParser(prog="offers.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-operator", help="créer un opérateur")
    create.add_argument("name")
    create.add_argument("email")
    commands.add_parser("flag-stale", help="le travail quotidien, tout de suite")
    args = parser.parse_args()
    if args.command == "create-operator":
        password = getpass.getpass("Mot de passe de l'opérateur (12 caractères min.): ")
        if len(password) < 12:
            parser.error("mot de passe trop court")
        output = asyncio.run(create_operator(args.name, args.email, password))
    else:
        output = asyncio.run(flag_stale())
    print(output)  # noqa: T201  # a command line tool prints its result


if __name__ == "__main__":
    main()
