import httpx

from web.testing import Platform


def test_the_web_front_answers_in_french_with_the_design_system(
    platform: Platform,
) -> None:
    home = httpx.get(platform.web + "/", timeout=10)
    assert home.status_code == 200
    assert '<html lang="fr"' in home.text
    assert "/dsfr/dsfr.min.css" in home.text
    css = httpx.get(platform.web + "/dsfr/dsfr.min.css", timeout=10)
    assert css.status_code == 200
    assert "fr-header" in css.text
    font = httpx.get(platform.web + "/dsfr/fonts/Marianne-Regular.woff2", timeout=10)
    assert font.status_code == 200
