"""Account and offer chores through the web front: a forgotten password, the life
of an offer (unpublish, publish, duplicate, renew), refusals in French."""

import re

from web.journey import PASSWORD, UUID, World, accept_invitation, eventually, first
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


def test_the_head_invites_a_teacher_who_then_follows_the_school(world: World) -> None:
    email = f"prof-{world.platform.suffix}@exemple.fr"
    world.head.submit("/etablissement/equipe", {"email": email, "role": "teacher"})
    teacher = accept_invitation(world.platform, world.mailbox, email)
    try:
        page = teacher.page("/etablissement")
        assert "3e B" in page
        pdf = teacher.get(f"/etablissement/classes/{world.class_id}")
        pupil_id = first(rf"/etablissement/eleves/({UUID})/autorisation", pdf.text)
        form = teacher.get(f"/etablissement/eleves/{pupil_id}/autorisation.pdf")
        assert form.headers["content-type"] == "application/pdf"
        assert form.content.startswith(b"%PDF")
    finally:
        teacher.close()


def test_the_referent_downloads_the_indicators(world: World) -> None:
    csv = world.referent.get("/referent/exports/indicators.csv")
    assert csv.status_code == 200
    assert csv.text.splitlines()[0].lstrip("\ufeff").startswith("secteur;offres")
    xlsx = world.referent.get("/referent/exports/offers.xlsx")
    assert xlsx.content.startswith(b"PK")
    assert world.employer.get("/referent").status_code == 403


def test_the_referent_sees_eligible_schools_and_exports_the_unregistered(
    world: World,
) -> None:
    # The directory's 6,900 `school.listed` events reach stats one by one: wait
    # for the first ones of the referent's department, not for all of them.
    def eligible_table() -> str | None:
        page = world.referent.page("/referent")
        return page if 'id="eligibles"' in page else None

    def unregistered() -> list[str] | None:
        export = world.referent.get("/referent/exports/schools.csv", registered="false")
        assert export.status_code == 200
        header, *rows = export.text.lstrip("\ufeff").splitlines()
        assert header.startswith("UAI;")
        return rows or None

    assert "non inscrits" in eventually(eligible_table, seconds=120)
    rows = eventually(unregistered, seconds=120)
    assert all(row.split(";")[0] != world.school.uai for row in rows)


def test_the_admin_finds_a_school_and_sees_the_feeds(world: World) -> None:
    page = world.admin.page("/admin", q=world.school.city)
    row = first(rf"<tr><th scope=\"row\">{world.school.uai}</th>(.*?)</tr>", page)
    assert row.endswith("<td>oui</td>")  # the journey's head registered it
    assert 'id="flux"' in page
    assert world.referent.get("/admin").status_code == 403


def test_the_admin_finds_the_head_account(world: World) -> None:
    fragment = world.head_email.split("@")[0]
    page = world.admin.page("/admin", compte=fragment)
    email = re.escape(world.head_email)
    row = first(rf"<tr><th scope=\"row\">{email}</th>(.*?)</tr>", page)
    assert world.school.uai in row
    assert "actif" in row
    nobody = world.admin.page("/admin", compte="personne-ici-xyz")
    assert "Aucun compte ne correspond" in nobody
