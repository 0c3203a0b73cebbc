"""The main journey through the web front's forms, over HTTP: a pupil searches and
applies, the employer accepts, the pupil confirms, every party signs the
convention, and the referent sees the internship in the indicators."""

import re

from web.journey import (
    EMPLOYER_PART,
    PASSWORD,
    UUID,
    World,
    eventually,
    first,
    head_signs_all,
    page_with,
    parent_signs,
    school_part,
    sign_as,
)
from web.testing import WebUser


def test_a_pupil_finds_applies_and_gets_a_signed_convention(world: World) -> None:
    pupil = WebUser(world.platform.web)
    try:
        walk(world, pupil, world.pupil_emails[0])
    finally:
        pupil.close()
    assert eventually(lambda: signed_count(world.referent) >= 1, seconds=120)


def walk(world: World, pupil: WebUser, email: str) -> None:
    pupil.login(email, PASSWORD)
    offer_id = search_and_apply(world, pupil)
    application_id = accept(world, offer_id)
    # Identity writes to the pupil: the employer's yes calls for a confirmation.
    eventually(
        lambda: any("Confirmez ce stage" in b for b in world.mailbox.bodies_to(email)),
        seconds=60,
    )
    pupil.submit(f"/eleve/candidatures/{application_id}/approve", {})
    assert "confirmée" in pupil.page("/eleve/candidatures")
    listing = page_with(pupil, "/conventions/", "/conventions", seconds=120)
    convention_id = first(rf"/conventions/({UUID})", listing)
    world.employer.submit(f"/conventions/{convention_id}/organisme", EMPLOYER_PART)
    parent = "parent1@exemple.fr"
    world.head.submit(
        f"/conventions/{convention_id}/etablissement", school_part(parent)
    )
    sign_as(world, pupil, email, convention_id)
    sign_as(world, world.employer, world.employer_email, convention_id)
    head_signs_all(world)
    assert "votre signature est enregistrée" in parent_signs(world, parent)
    final = pupil.page(f"/conventions/{convention_id}")
    assert "signée par toutes les parties" in final


def signed_count(referent: WebUser) -> int:
    page = referent.page("/referent")
    return int(first(r'id="total-conventions">(\d+)<', page))


def search_and_apply(world: World, pupil: WebUser) -> str:
    words = world.offer_title.split()[-1]
    city = world.school.city
    results = page_with(
        pupil, world.offer_title, "/recherche", q=words, lieu=city, rayon="10"
    )
    assert "<svg" in results
    assert re.search(r"À \d+,\d km", results)
    offer_id = first(rf"/offres/({UUID})", results)
    assert world.offer_title in pupil.page(f"/offres/{offer_id}")
    form: dict[str, str | list[str]] = {
        "weeks": [world.week],
        "motivation": "J'aime réparer les vélos.",
    }
    eventually(
        lambda: pupil.post(f"/offres/{offer_id}/candidater", form).status_code == 303,
        seconds=180,
    )
    assert "envoyée" in pupil.page("/eleve/candidatures")
    return offer_id


def accept(world: World, offer_id: str) -> str:
    page = page_with(
        world.employer, "/validate", f"/employeur/offres/{offer_id}/candidatures"
    )
    application_id = first(rf"/employeur/candidatures/({UUID})/validate", page)
    world.employer.submit(
        f"/employeur/candidatures/{application_id}/validate", {"offer_id": offer_id}
    )
    return application_id
