"""Test helpers: the steps of the platform's journeys, through the web front over
HTTP, against the real services started by `web.testing`."""

import asyncio
import datetime as dt
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import asyncpg

from kit.testing.mail import Mailbox
from web.pages.employer import coming_weeks
from web.testing import E2E_DEPARTMENT, Platform, WebUser

PASSWORD = "Stage-Observation-2027!"  # noqa: S105 (accounts of a test run)
T = TypeVar("T")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def eventually(probe: Callable[[], T | None], seconds: float = 60) -> T:
    """Waits for what travels by events: returns the first truthy answer."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("rien n'est arrivé à temps")
        time.sleep(0.3)


def page_with(
    user: WebUser, needle: str, path: str, seconds: float = 90, **params: str
) -> str:
    """A page once it shows `needle` (what events bring arrives a little later)."""

    def probe() -> str | None:
        page = user.page(path, **params)
        return page if needle in page else None

    return eventually(probe, seconds)


def first(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, f"{pattern} absent de la page"
    return match[1]


def code_in(mailbox: Mailbox, address: str) -> str:
    """The newest code sent to `address` (a notice may have arrived after it)."""
    for body in reversed(mailbox.bodies_to(address)):
        match = re.search(r"\b(\d{6})\b", body)
        if match:
            return match[1]
    raise AssertionError(f"aucun code pour {address}")


@dataclass
class School:
    uai: str
    domain: str
    city: str
    postal_code: str
    department_code: str


def pick_school(platform: Platform) -> School:
    """A REP collège of the imported public data, read from identity's database."""

    async def read() -> School:
        url = platform.env["common"]["POSTGRES_URL"].rsplit("/", 1)[0]
        connection = await asyncpg.connect(f"{url}/{platform.databases['identity']}")
        try:
            row = await connection.fetchrow(
                "SELECT uai, academy_domain, city, postal_code, department_code "
                "FROM schools WHERE kind = 'rep' AND postal_code IS NOT NULL "
                "AND department_code = $1 ORDER BY uai LIMIT 1",
                E2E_DEPARTMENT,
            )
        finally:
            await connection.close()
        assert row is not None
        return School(*row)

    return asyncio.run(read())


def unique_email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@exemple.fr"


@dataclass
class World:
    """Everyone of the journey, signed in through the web front."""

    platform: Platform
    mailbox: Mailbox
    school: School
    week: str
    admin: WebUser
    admin_email: str
    head: WebUser
    head_email: str
    employer: WebUser
    employer_email: str
    referent: WebUser
    referent_email: str
    class_id: str
    offer_id: str
    offer_title: str
    pupil_emails: list[str]

    def close(self) -> None:
        for user in (self.admin, self.head, self.employer, self.referent):
            user.close()


def accept_invitation(platform: Platform, mailbox: Mailbox, email: str) -> WebUser:
    user = WebUser(platform.web)
    token = mailbox.link_token(email)
    body = {"token": token, "password": PASSWORD, "first_name": "Camille",
            "last_name": "Martin"}  # fmt: skip
    assert user.submit("/invitation", body) == "/connexion"
    user.login(email, PASSWORD)
    return user


def make_admin(platform: Platform, mailbox: Mailbox, email: str) -> WebUser:
    env = platform.env["common"] | platform.env["identity"]
    subprocess.run(  # noqa: S603 (fixed command)
        [sys.executable, "-m", "identity.admin", "invite-admin", email],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return accept_invitation(platform, mailbox, email)


def register_school(platform: Platform, mailbox: Mailbox, school: School) -> WebUser:
    head = WebUser(platform.web)
    email = f"ce.{school.uai.lower()}@{school.domain}"
    form = {"uai": school.uai, "email": email, "first_name": "Dominique",
            "last_name": "Durand", "password": PASSWORD}  # fmt: skip
    head.submit("/etablissement/inscription", form)
    head.submit("/activation", {"token": mailbox.link_token(email)})
    head.login(email, PASSWORD)
    return head


def open_class(head: WebUser, week: str) -> str:
    head.submit("/etablissement/semaines", {"weeks": [week]})
    head.submit("/etablissement/classes", {"name": "3e B", "grade": "3e"})
    return first(rf"/etablissement/classes/({UUID})", head.page("/etablissement"))


def enrol_pupil(world_head: WebUser, mailbox: Mailbox, class_id: str, n: int) -> str:
    email = unique_email(f"eleve{n}")
    form = {"first_name": f"Élève{n}", "last_name": "Petit", "birth_date": "2012-03-04",
            "gender": "f" if n % 2 else "m", "email": email}  # fmt: skip
    world_head.submit(f"/etablissement/classes/{class_id}/eleves", form)
    return email


def authorise_all(head: WebUser, class_id: str) -> list[str]:
    page = head.page(f"/etablissement/classes/{class_id}")
    ids = re.findall(rf"/etablissement/eleves/({UUID})/autorisation\"", page)
    for pupil_id in ids:
        form = {"received_on": dt.date.today().isoformat(), "class_id": class_id}
        head.submit(f"/etablissement/eleves/{pupil_id}/autorisation", form)
    return ids


def employer_account(platform: Platform, mailbox: Mailbox) -> tuple[WebUser, str]:
    user, email = WebUser(platform.web), unique_email("employeur")
    form = {"first_name": "Sacha", "last_name": "Bernard", "email": email,
            "password": PASSWORD}  # fmt: skip
    user.submit("/inscription", form)
    user.submit("/activation", {"token": mailbox.link_token(email)})
    user.login(email, PASSWORD)
    return user, email


def offer_form(
    school: School, week: str, title: str, sector_id: str
) -> dict[str, str | list[str]]:
    return {
        "employer_name": "Atelier Mécanique du Canal", "siret": "", "is_public": "non",
        "employer_description": "Réparation de vélos et de scooters.",
        "title": title, "description": "Découvrir la réparation et l'accueil client.",
        "sector_id": sector_id, "grades": ["3e"], "seats": "3", "weeks": [week],
        "street": "1 rue de la République", "postal_code": school.postal_code,
        "city": school.city, "remote": "non", "accessible": "oui",
        "contact_phone": "0148000000", "lunch_break": "", "publish": "oui",
        "hours_start": "09:00", "hours_end": "16:30",
    }  # fmt: skip


def publish_offer(employer: WebUser, school: School, week: str, title: str) -> str:
    employer.page("/employeur/offres/nouvelle")
    step_two = employer.post("/employeur/offres/nouvelle", {"step": "1"}).text
    sector_id = first(rf'<option value="({UUID})"', step_two)
    form = offer_form(school, week, title, sector_id)
    for step in ("1", "2", "3"):
        response = employer.post("/employeur/offres/nouvelle", form | {"step": step})
        assert response.status_code == 200, response.text[:2000]
    employer.submit("/employeur/offres/nouvelle", form | {"step": "4"})
    return first(
        rf"/employeur/offres/({UUID})/candidatures", employer.page("/employeur/offres")
    )


def invite_referent(
    admin: WebUser, platform: Platform, mailbox: Mailbox, school: School, email: str
) -> WebUser:
    form = {"email": email, "role": "referent_department",
            "department_code": school.department_code}  # fmt: skip
    admin.submit("/admin/referents", form)
    return accept_invitation(platform, mailbox, email)


def build_world(platform: Platform, mailbox: Mailbox, pupils: int = 2) -> World:
    school = pick_school(platform)
    week = coming_weeks(dt.date.today())[6]
    admin_email = unique_email("admin")
    admin = make_admin(platform, mailbox, admin_email)
    head = register_school(platform, mailbox, school)
    class_id = open_class(head, week)
    emails = [enrol_pupil(head, mailbox, class_id, n) for n in range(1, pupils + 1)]
    for email in emails:
        accept_invitation(platform, mailbox, email).close()
    authorise_all(head, class_id)
    employer, employer_email = employer_account(platform, mailbox)
    title = f"Mécanicien vélo {uuid.uuid4().hex[:4]}"
    offer_id = publish_offer(employer, school, week, title)
    referent_email = unique_email("referent")
    referent = invite_referent(admin, platform, mailbox, school, referent_email)
    return World(platform, mailbox, school, week, admin, admin_email, head,
                 f"ce.{school.uai.lower()}@{school.domain}", employer, employer_email,
                 referent, referent_email, class_id, offer_id, title,
                 emails)  # fmt: skip


EMPLOYER_PART: dict[str, str | list[str]] = {
    "representative_name": "Sacha Bernard", "representative_role": "Gérant",
    "siret": "73282932000074", "tutor_name": "Lou Robert",
    "tutor_role": "Mécanicien", "tutor_email": "tuteur@exemple.fr",
    "tutor_phone": "0612345678", "start": "09:00", "end": "16:30",
    "activities": "Accueil, diagnostic, réparation.",
    "learning_goals": "Observer un métier manuel.",
}  # fmt: skip


def school_part(parent_email: str) -> dict[str, str | list[str]]:
    return {
        "school_representative_name": "Dominique Durand",
        "school_representative_role": "Principal", "pupil_name": "Élève Petit",
        "pupil_birth_date": "2012-03-04", "pupil_class": "3e B",
        "referent_teacher_name": "Alex Moreau", "parent1_name": "Claude Petit",
        "parent1_address": "3 rue des Lilas", "parent1_email": parent_email,
        "insurance": "Assurance scolaire", "transport_terms": "À pied",
        "meals_terms": "Repas à la charge de la famille",
    }  # fmt: skip


def sign_as(world: World, user: WebUser, email: str, convention_id: str) -> None:
    base = f"/conventions/{convention_id}"
    user.submit(f"{base}/code", {})
    user.submit(f"{base}/signature", {"code": code_in(world.mailbox, email)})


def head_signs_all(world: World) -> None:
    world.head.submit("/etablissement/conventions/code", {})
    code = code_in(world.mailbox, world.head_email)
    world.head.submit("/etablissement/conventions/signatures", {"code": code})


def parent_signs(world: World, parent_email: str) -> str:
    """The legal representative signs by the link of their email; the final page."""
    parent = WebUser(world.platform.web)
    try:
        body = world.mailbox.body_to(parent_email)
        link = first(r"/conventions/lien/([\w-]+)", body)
        assert "en signature" in parent.page(f"/conventions/lien/{link}")
        parent.submit(f"/conventions/lien/{link}/code", {})
        code = code_in(world.mailbox, parent_email)
        done = parent.post(f"/conventions/lien/{link}/signature", {"code": code})
        assert done.status_code == 200
        return done.text
    finally:
        parent.close()
