"""Every page of every role, opened in Chromium and checked with axe-core: no
serious or critical violation, French, one h1, a skip link to the content."""

import re
import unicodedata

import pytest
from playwright.sync_api import Browser, Page

from web.browsing import AxeReport, screenshot
from web.journey import PASSWORD, World

PUBLIC = {
    "/": "accueil",
    "/recherche?q=&lieu=&rayon=10": "recherche sans lieu",
    "/statistiques": "statistiques publiques",
    "/aide": "aide",
    "/connexion": "connexion",
    "/inscription": "inscription employeur",
    "/mot-de-passe/oubli": "mot de passe oublié",
    "/mot-de-passe?token=x": "nouveau mot de passe",
    "/activation?token=x": "activation",
    "/invitation?token=x": "invitation",
    "/etablissement/inscription?q=Blanc-Mesnil": "inscription établissement",
    "/page-qui-n-existe-pas": "page introuvable",
}


def file_name(label: str) -> str:
    """`nouvelle offre, étape 1` → `nouvelle-offre-etape-1`."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def visit(page: Page, url: str, label: str, axe: AxeReport) -> None:
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1, label
    assert page.locator(".fr-skiplinks a[href='#contenu']").count() == 1
    blocking = axe.check(page, label)
    assert blocking == [], (label, blocking)


def signed_in(browser: Browser, world: World, email: str) -> Page:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(world.platform.web + "/connexion")
    page.get_by_label("Adresse électronique ou numéro de mobile").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    return page


def test_public_pages(browser: Browser, world: World, axe_report: AxeReport) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    for path, label in PUBLIC.items():
        visit(page, world.platform.web + path, label, axe_report)
        if label == "statistiques publiques":
            screenshot(page, "statistiques")
    context.close()


def role_pages(world: World) -> dict[str, dict[str, str]]:
    return {
        world.pupil_emails[0]: {
            "/eleve/cv": "élève : mon CV",
            "/eleve/candidatures": "élève : mes candidatures",
            "/conventions": "élève : ma convention",
        },
        world.employer_email: {
            "/employeur/offres": "employeur : mes offres",
            "/employeur/offres/nouvelle": "employeur : nouvelle offre, étape 1",
            "/conventions": "employeur : conventions",
        },
        world.head_email: {
            "/etablissement": "établissement : tableau de bord",
            f"/etablissement/classes/{world.class_id}": "établissement : classe",
            "/etablissement/conventions": "établissement : conventions",
        },
        world.referent_email: {"/referent": "référent : tableau de bord"},
        world.admin_email: {"/admin": "administration"},
    }


@pytest.mark.parametrize("who", ["pupil", "employer", "head", "referent", "admin"])
def test_pages_of_each_role(
    browser: Browser, world: World, axe_report: AxeReport, who: str
) -> None:
    emails = {"pupil": world.pupil_emails[0], "employer": world.employer_email,
              "head": world.head_email, "referent": world.referent_email,
              "admin": world.admin_email}  # fmt: skip
    email = emails[who]
    page = signed_in(browser, world, email)
    for path, label in role_pages(world)[email].items():
        visit(page, world.platform.web + path, label, axe_report)
        screenshot(page, file_name(label.split(" : ")[-1]))
    if who == "employer":
        walk_offer_wizard(page, world.platform.web, axe_report)
    page.context.close()


def walk_offer_wizard(page: Page, base: str, axe_report: AxeReport) -> None:
    """Steps 2 to 4 of a new offer, each checked; nothing is saved."""
    page.goto(base + "/employeur/offres/nouvelle")
    page.get_by_label("Nom de l'organisation").fill("Librairie du Marché")
    for step in (2, 3, 4):
        if step == 3:
            page.get_by_label("Intitulé de l'offre").fill("Libraire")
        page.get_by_role("button", name="Étape suivante").click()
        page.wait_for_load_state()
        assert f"Étape {step} sur 4" in page.content()
        blocking = axe_report.check(page, f"employeur : nouvelle offre, étape {step}")
        assert blocking == []
    carried = page.locator("input[type=hidden][name=employer_name]")
    assert carried.get_attribute("value") == "Librairie du Marché"
