"""Account and offer chores through the web front: a forgotten password, the life
of an offer (unpublish, publish, duplicate, renew), refusals in French."""

import re

from web.journey import PASSWORD, UUID, World, first
from web.testing import WebUser


def test_a_forgotten_password_is_reset_by_the_emailed_link(world: World) -> None:
    user = WebUser(world.platform.web)
    try:
        assert (
            user.submit("/mot-de-passe/oubli", {"identifier": world.employer_email})
            == "/connexion"
        )
        token = world.mailbox.link_token(world.employer_email)
        new_password = PASSWORD + "x"
        user.submit("/mot-de-passe", {"token": token, "password": new_password})
        assert user.login(world.employer_email, new_password) == "/employeur/offres"
        user.submit("/mot-de-passe/oubli", {"identifier": world.employer_email})
        token = world.mailbox.link_token(world.employer_email)
        user.submit("/mot-de-passe", {"token": token, "password": PASSWORD})
    finally:
        user.close()


def test_a_wrong_password_is_refused_in_french(world: World) -> None:
    user = WebUser(world.platform.web)
    try:
        page = user.post(
            "/connexion", {"identifier": world.employer_email, "password": "faux"}
        )
    finally:
        user.close()
    assert page.status_code == 401
    assert 'role="alert"' in page.text
    assert "Stage-Observation" not in page.text


def test_an_offer_is_unpublished_published_duplicated_and_renewed(
    world: World,
) -> None:
    employer, offer = world.employer, f"/employeur/offres/{world.offer_id}"
    employer.submit(f"{offer}/unpublish", {})
    assert "retirée de la recherche" in employer.page("/employeur/offres")
    employer.submit(f"{offer}/publish", {})
    employer.submit(f"{offer}/duplicate", {})
    employer.submit(f"{offer}/renew", {})
    page = employer.page("/employeur/offres")
    ids = set(re.findall(rf"/employeur/offres/({UUID})/candidatures", page))
    assert len(ids) == 3
    years = re.findall(r"année scolaire (\d{4})-", page)
    assert len(set(years)) == 2
    assert first(r"(\d+) place", page)
