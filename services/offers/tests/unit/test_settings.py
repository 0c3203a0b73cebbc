import pytest

from offers.settings import get_settings


@pytest.mark.parametrize("secret", ["changeme", "court"])
def test_placeholder_or_short_secrets_are_refused(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("OFFERS_PARTNER_JWT_SECRET", secret)
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="partner_jwt_secret"):
        get_settings()
    get_settings.cache_clear()
