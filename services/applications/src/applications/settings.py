from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kit.settings import MailSettings


class Settings(MailSettings):
    model_config = SettingsConfigDict(
        env_prefix="APPLICATIONS_", extra="ignore", frozen=True, populate_by_name=True
    )

    service_name: str = "applications"
    http_port: int = 8004
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        validation_alias="IDENTITY_JWKS_URL",
    )
    jwks_file: str | None = Field(default=None, validation_alias="IDENTITY_JWKS_FILE")
    timers_every_seconds: float = Field(default=300, gt=0)
    mail_every_seconds: float = Field(default=5, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
