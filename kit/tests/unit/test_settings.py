import pytest
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class OffersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OFFERS_")

    service_name: str = "offers"


def test_database_url_points_at_the_service_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "POSTGRES_URL", "postgresql://app:secret@db.internal:5432/postgres"
    )
    assert (
        OffersSettings().database_url
        == "postgresql+asyncpg://app:secret@db.internal:5432/offers"
    )


def test_prefixed_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFERS_DATABASE_NAME", "offers_demo")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker:29092")
    settings = OffersSettings()
    assert settings.database_url.endswith("/offers_demo")
    assert settings.kafka_bootstrap_servers == "broker:29092"
