from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kit.settings import MailSettings


class Settings(MailSettings):
    model_config = SettingsConfigDict(
        env_prefix="CONVENTIONS_", extra="ignore", frozen=True, populate_by_name=True
    )

    service_name: str = "conventions"
    http_port: int = 8005
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        validation_alias="IDENTITY_JWKS_URL",
    )
    jwks_file: str | None = Field(default=None, validation_alias="IDENTITY_JWKS_FILE")
    link_base: str = Field(
        default="http://127.0.0.1:8000/conventions/lien",
        description="Start of the single-use links sent to legal representatives.",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
