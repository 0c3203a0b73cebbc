"""The main journey in headless Chromium, with axe-core on every page it shows:
search, apply, accept, confirm, convention signed by everyone, indicators."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from web.browsing import AxeReport, screenshot
from web.journey import (
    PASSWORD,
    UUID,
    World,
    code_in,
    eventually,
    first,
    head_signs_all,
    parent_signs,
    school_part,
    sign_as,
)

VIEWPORT = {"width": 1000, "height": 900}
# Each click crosses the web front and one or two services on a shared machine.
expect.set_options(timeout=20_000)


class Visit:
    """A browser tab of one user; every page it shows is checked with axe."""

    def __init__(self, context: BrowserContext, base: str, axe: AxeReport) -> None:
        self.page: Page = context.new_page()
        self.base, self.axe = base, axe

    def check(self, label: str, shot: str | None = None) -> None:
        blocking = self.axe.check(self.page, label)
        assert blocking == [], (label, blocking)
        if shot:
            screenshot(self.page, shot)

    def go(self, path: str, label: str, shot: str | None = None) -> Page:
        self.page.goto(self.base + path)
        self.check(label, shot)
        return self.page

    def login(self, email: str) -> None:
        self.go("/connexion", "connexion", "connexion")
        self.page.get_by_label("Adresse électronique ou numéro de mobile").fill(email)
        self.page.get_by_label("Mot de passe").fill(PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_load_state()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened = [browser.new_context(viewport=VIEWPORT, locale="fr-FR") for _ in range(3)]  # type: ignore[arg-type]  # a plain dict is a ViewportSize
    yield opened
    for context in opened:
        context.close()


def test_the_journey_in_a_browser_passes_axe_on_every_page(
    world: World, contexts: list[BrowserContext], axe_report: AxeReport
) -> None:
    pupil = Visit(contexts[0], world.platform.web, axe_report)
    employer = Visit(contexts[1], world.platform.web, axe_report)
    referent = Visit(contexts[2], world.platform.web, axe_report)
    email = world.pupil_emails[1]
    pupil.login(email)
    offer_id = search_and_apply(world, pupil)
    accept_in_browser(world, employer, offer_id)
    pupil.go("/eleve/candidatures", "mes candidatures")
    pupil.page.get_by_role("button", name="Confirmer ce stage").click()
    expect(pupil.page.get_by_text("Votre stage est confirmé")).to_be_visible()
    pupil.check("candidature confirmée", "eleve-candidatures")
    convention_id = employer_fills_in(world, employer, pupil_convention(pupil))
    world.head.submit(
        f"/conventions/{convention_id}/etablissement", school_part("parent2@exemple.fr")
    )
    sign_in_browser(world, pupil, email, convention_id)
    sign_as(world, world.employer, world.employer_email, convention_id)
    head_signs_all(world)
    parent_signs(world, "parent2@exemple.fr")
    pupil.go(f"/conventions/{convention_id}", "convention signée", "convention")
    expect(pupil.page.get_by_text("signée par toutes les parties")).to_be_visible()
    referent.login(world.referent_email)
    eventually(lambda: signed_on_dashboard(referent) >= 1, seconds=180)
    referent.check("tableau de bord référent", "referent")


def signed_on_dashboard(referent: Visit) -> int:
    referent.page.goto(referent.base + "/referent")
    return int(referent.page.locator("#total-conventions").inner_text())


def search_and_apply(world: World, pupil: Visit) -> str:
    page = pupil.go("/", "accueil", "accueil")
    page.get_by_label("Mot-clé").fill(world.offer_title.split()[-1])
    page.get_by_label("Commune ou code postal").fill(world.school.city)
    page.get_by_label("Rayon (km)").fill("10")
    page.get_by_role("button", name="Rechercher").click()
    link = page.get_by_role("link", name=world.offer_title, exact=True)
    eventually(lambda: link.count() or page.reload(), seconds=120)
    pupil.check("résultats de recherche", "recherche")
    link.click()
    pupil.check("offre", "offre")
    offer_id = first(rf"/offres/({UUID})", page.url)
    page.get_by_role("link", name="Postuler à cette offre").click()
    pupil.check("postuler", "postuler")
    # The DSFR draws its own box over the input: one clicks the label, as people do.
    page.locator("#groupe-weeks label").first.click()
    page.get_by_label("Lettre de motivation").fill("Je veux découvrir ce métier.")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Votre candidature est envoyée")).to_be_visible()
    pupil.check("mes candidatures")
    return offer_id


def accept_in_browser(world: World, employer: Visit, offer_id: str) -> None:
    employer.login(world.employer_email)
    employer.check("mes offres", "employeur-offres")
    page = employer.go(f"/employeur/offres/{offer_id}/candidatures", "candidatures")
    screenshot(page, "employeur-candidatures")
    page.get_by_role("button", name="Accepter").first.click()
    expect(page.get_by_text("Votre décision est enregistrée")).to_be_visible()


def pupil_convention(pupil: Visit) -> str:
    """The pupil's convention, once the conventions service made it."""

    def made() -> str | None:
        pupil.page.goto(pupil.base + "/conventions")
        link = pupil.page.locator("td a[href^='/conventions/']")
        return link.first.get_attribute("href") if link.count() else None

    href = eventually(made, seconds=120)
    pupil.check("élève : convention créée")
    return first(rf"/conventions/({UUID})", href)


def employer_fills_in(world: World, employer: Visit, convention_id: str) -> str:
    employer.go("/conventions", "conventions employeur")
    page = employer.go(
        f"/conventions/{convention_id}", "convention à remplir", "convention-employeur"
    )
    for label, value in (
        ("Nom du représentant de l'organisme", "Sacha Bernard"),
        ("Fonction du représentant", "Gérant"),
        ("SIRET (14 chiffres)", "73282932000074"),
        ("Nom du tuteur", "Lou Robert"),
        ("Fonction du tuteur", "Mécanicien"),
        ("Courriel du tuteur", "tuteur@exemple.fr"),
        ("Téléphone du tuteur", "0612345678"),
        ("Activités prévues", "Accueil, diagnostic, réparation."),
        ("Compétences à observer", "Observer un métier manuel."),
    ):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Enregistrer ma partie").click()
    expect(page.get_by_text("Votre partie de la convention")).to_be_visible()
    return convention_id


def sign_in_browser(world: World, pupil: Visit, email: str, convention_id: str) -> None:
    page = pupil.go(f"/conventions/{convention_id}", "convention à signer")
    page.get_by_role("button", name="Recevoir mon code de signature").click()
    expect(page.get_by_text("Un code de signature vient")).to_be_visible()
    page.get_by_label("Code de signature").fill(code_in(world.mailbox, email))
    page.get_by_role("button", name="Signer", exact=True).click()
    expect(page.get_by_text("Votre signature est enregistrée")).to_be_visible()
    pupil.check("convention signée par l'élève")
