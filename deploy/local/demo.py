"""`make demo`: fills the running platform with real data and one account per role.

Establishments and the 27k sample offers come from the public data set; the demo
accounts are made by identity's own use cases (`identity.demo`); the employer's offers
and the pupil's application go through the services' HTTP APIs with the tokens that
identity's login route issues. Every step first looks whether its work is there, so a
second run creates nothing and takes a few seconds.
"""

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from pydantic_settings import SettingsConfigDict

from identity import demo as accounts
from identity.domain.weeks import school_year_of, seconde_weeks
from kit.settings import ServiceSettings

SAMPLE = "offers-2025-sample.csv"
FEED = "demo"
WEB_URL = "http://127.0.0.1:8000"
PORTS = {"identity": 8001, "offers": 8002, "applications": 8004}
COLLEGE = {"postal_code": "93000", "city": "Bobigny", "lat": 48.9085, "lon": 2.4358}


def offers(today: date) -> list[dict[str, Any]]:
    """The employer's two offers, in the weeks of the current school year."""
    college = accounts.college_weeks(today)
    seconde = list(seconde_weeks(school_year_of(today)))
    return [
        {
            "title": "Une semaine dans une pharmacie de quartier",
            "description": "Accueil des patients, réception des commandes.",
            "sector": "Médical",
            "weeks": college,
            "grades": ["3e"],
            "seats": 2,
            "street": "Avenue Jean Jaurès",
        },
        {
            "title": "Atelier de réparation informatique",
            "description": "Diagnostic de pannes, montage d'un poste, accueil client.",
            "sector": "Informatique et réseaux",
            "weeks": [college[1], *seconde],
            "grades": ["3e", "2de"],
            "seats": 1,
            "street": "Rue de Paris",
        },
    ]


class DemoError(Exception):
    """A step that cannot go on; the message says why, in French."""


@dataclass(frozen=True)
class Clients:
    identity: httpx.AsyncClient
    offers: httpx.AsyncClient
    applications: httpx.AsyncClient | None = None


@dataclass(frozen=True)
class Seeders:
    """The steps that write to a service's database with its own code."""

    import_schools: Callable[[], Awaitable[object]]
    seed_accounts: Callable[[], Awaitable[accounts.Report]]
    seed_offers: Callable[[], Awaitable[object]]


@dataclass
class Summary:
    steps: list[tuple[str, bool]] = field(default_factory=list)
    report: accounts.Report = field(default_factory=accounts.Report)
    logins: dict[str, bool] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(created for _, created in self.steps) or bool(self.report.created)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(identity: httpx.AsyncClient, identifier: str) -> str:
    body = {"identifier": identifier, "password": accounts.PASSWORD}
    reply = await identity.post("/auth/login", json=body)
    if reply.status_code != 200:
        raise DemoError(f"Connexion impossible pour {identifier}: {reply.text}")
    token: str = reply.json()["access_token"]
    return token


async def schools_step(clients: Clients, seeders: Seeders) -> bool:
    reply = await clients.identity.get(f"/schools/{accounts.COLLEGE_UAI}")
    if reply.status_code == 200:
        return False
    await seeders.import_schools()
    return True


async def sample_offers_step(clients: Clients, seeders: Seeders) -> bool:
    admin = await login(clients.identity, accounts.ADMIN)
    reply = await clients.offers.get(
        f"/admin/feeds/{FEED}/runs", headers=_bearer(admin)
    )
    reply.raise_for_status()
    if any(run["status"] == "completed" for run in reply.json()):
        return False
    await seeders.seed_offers()
    return True


def offer_body(offer: dict[str, Any], sector_ids: dict[str, str]) -> dict[str, Any]:
    return {
        "title": offer["title"],
        "description": offer["description"],
        "employer_name": "Mansouri & Fils",
        "employer_description": "Commerce de proximité à Bobigny.",
        "sector_id": sector_ids[offer["sector"]],
        "street": offer["street"],
        "postal_code": COLLEGE["postal_code"],
        "city": COLLEGE["city"],
        "location": {"lat": COLLEGE["lat"], "lon": COLLEGE["lon"]},
        "weeks": offer["weeks"],
        "seats": offer["seats"],
        "grades": offer["grades"],
        "rep": True,
        "weekly_hours": ["09:00", "16:30"],
        "lunch_break": "Pause déjeuner de 12h à 13h.",
        "contact_phone": "0148300000",
        "tutor": {
            "name": "Karim Mansouri",
            "role": "Gérant",
            "email": f"tuteur@{accounts.DOMAIN}",
        },
    }


async def employer_offers_step(
    clients: Clients, wanted: list[dict[str, Any]]
) -> tuple[list[str], bool]:
    """Publishes the employer's offers that are missing; returns every offer id and
    whether any was created."""
    headers = _bearer(await login(clients.identity, accounts.EMPLOYER))
    mine = (await clients.offers.get("/offers", headers=headers)).json()
    by_title = {offer["content"]["title"]: offer["id"] for offer in mine}
    sectors = (await clients.offers.get("/sectors")).json()
    sector_ids = {sector["name"]: sector["sector_uuid"] for sector in sectors}
    missing = [offer for offer in wanted if offer["title"] not in by_title]
    for offer in missing:
        reply = await clients.offers.post(
            "/offers",
            params={"publish": "true"},
            json=offer_body(offer, sector_ids),
            headers=headers,
        )
        if reply.status_code != 201:
            raise DemoError(f"Offre refusée: {reply.text}")
        by_title[offer["title"]] = reply.json()["id"]
    return [by_title[offer["title"]] for offer in wanted], bool(missing)


async def application_step(
    applications: httpx.AsyncClient,
    identity: httpx.AsyncClient,
    offer_id: str,
    week: str,
    *,
    wait_seconds: float = 180,
    pause: float = 1,
) -> bool:
    """The authorised pupil applies once. The service learns offers and pupils from
    Kafka, so a refusal right after they were created is retried for a while."""
    headers = _bearer(await login(identity, accounts.AUTHORISED_PUPIL))
    mine = await applications.get("/applications/mine", headers=headers)
    if mine.status_code == 200 and mine.json():
        return False
    body = {
        "offer_id": offer_id,
        "weeks": [week],
        "motivation": "J'aimerais découvrir le métier de pharmacien.",
    }
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        reply = await applications.post("/applications", json=body, headers=headers)
        if reply.status_code == 201:
            return True
        if loop.time() >= deadline:
            raise DemoError(f"Candidature refusée: {reply.text}")
        await asyncio.sleep(pause)


async def _application(
    applications: httpx.AsyncClient,
    identity: httpx.AsyncClient,
    offer: tuple[str, str],
    summary: Summary,
) -> None:
    name = "candidature de l'élève autorisée"
    try:
        applied = await application_step(applications, identity, *offer)
        summary.steps.append((name, applied))
    except DemoError as exc:
        # Optional: the service may still be reading the sample's 27k offer events.
        summary.pending.append(f"{name}: {exc} (relancez `make demo` plus tard)")


async def check_logins(identity: httpx.AsyncClient, summary: Summary) -> None:
    for account in summary.report.accounts:
        try:
            await login(identity, account.login)
            summary.logins[account.login] = True
        except DemoError:
            summary.logins[account.login] = False


async def run(
    clients: Clients, seeders: Seeders, *, today: date | None = None
) -> Summary:
    wanted = offers(today or date.today())
    summary = Summary()
    summary.steps.append(("établissements", await schools_step(clients, seeders)))
    summary.report = await seeders.seed_accounts()
    summary.steps.append(
        (f"offres réelles ({SAMPLE})", await sample_offers_step(clients, seeders))
    )
    offer_ids, created = await employer_offers_step(clients, wanted)
    summary.steps.append(("offres de l'employeur", created))
    if clients.applications is not None:
        first = (offer_ids[0], wanted[0]["weeks"][0])
        await _application(clients.applications, clients.identity, first, summary)
    await check_logins(clients.identity, summary)
    return summary


def render(summary: Summary, *, web_url: str = WEB_URL) -> str:
    lines = ["Données de démonstration:"]
    lines += [
        f"  {name}: {'créé' if created else 'déjà là'}"
        for name, created in summary.steps
    ]
    lines += [f"  en attente: {line}" for line in summary.pending]
    lines.append(accounts.render(summary.report))
    refused = [login for login, ok in summary.logins.items() if not ok]
    if refused:
        lines.append(f"Connexion refusée pour: {', '.join(refused)}")
    lines.append(f"Ouvrez {web_url} (API: http://127.0.0.1:8001/docs ...)")
    return "\n".join(lines)


class OffersDatabase(ServiceSettings):
    """Where offers keeps its data; the demo needs no secret of the service."""

    model_config = SettingsConfigDict(env_prefix="OFFERS_", extra="ignore", frozen=True)
    service_name: str = "offers"


def local_seeders(data_dir: Path) -> Seeders:
    from identity.settings import DatabaseSettings

    identity_url = DatabaseSettings().database_url

    async def import_schools() -> None:
        from identity.schools_import import import_schools as run_import
        from kit.db import make_engine, make_session_factory

        engine = make_engine(identity_url, pool_size=1)
        try:
            async with make_session_factory(engine)() as session, session.begin():
                await run_import(session, data_dir)
        finally:
            await engine.dispose()

    async def seed_offers() -> None:
        # Imported only when needed: a re-run starts faster without it.
        from offers.seed import seed

        report = await seed(OffersDatabase().database_url, data_dir / SAMPLE)
        sys.stdout.write(report + "\n")

    return Seeders(
        import_schools=import_schools,
        seed_accounts=lambda: accounts.seed(identity_url),
        seed_offers=seed_offers,
    )


def base_url(host: str, name: str) -> str:
    # The same variables as dev.py, which starts the services on these ports.
    port = os.environ.get(f"{name.upper()}_HTTP_PORT", PORTS[name])
    return f"http://{host}:{port}"


async def _main(data_dir: Path, host: str) -> Summary:
    async with (
        httpx.AsyncClient(base_url=base_url(host, "identity")) as identity,
        httpx.AsyncClient(base_url=base_url(host, "offers")) as offers,
        httpx.AsyncClient(base_url=base_url(host, "applications")) as applications,
    ):
        return await run(
            Clients(identity, offers, applications), local_seeders(data_dir)
        )


def main(argv: list[str] | None = None) -> int:
    from kit.testing.data import shared_data_dir

    parser = argparse.ArgumentParser(description="Données de démonstration.")
    parser.add_argument("--data-dir", type=Path, default=shared_data_dir())
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    try:
        summary = asyncio.run(_main(args.data_dir, args.host))
    except DemoError as exc:
        print(f"Démonstration incomplète: {exc}", file=sys.stderr)  # noqa: T201  # a CLI prints
        return 1
    except httpx.HTTPError as exc:
        print(  # noqa: T201  # a CLI prints
            f"Services injoignables ou en erreur ({exc}): la plateforme tourne-t-elle "
            "(make dev)?",
            file=sys.stderr,
        )
        return 1
    print(render(summary))  # noqa: T201  # a CLI prints
    return 0


if __name__ == "__main__":
    sys.exit(main())
