from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings

PLACEHOLDERS = {"changeme", "secret", "change-me", "xxx", ""}


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OFFERS_", extra="ignore", frozen=True)

    service_name: str = "offers"
    http_port: int = 8002
    identity_jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    partner_jwt_secret: SecretStr = Field(
        description="Signs the v2 partner API tokens (HS256); no default."
    )
    partner_jwt_hours: int = Field(default=24, ge=1)
    partner_quota_per_minute: int = Field(default=100, ge=1)
    feed_batch_size: int = Field(default=1000, ge=1)
    run_daily_job: bool = True

    @field_validator("partner_jwt_secret")
    @classmethod
    def _not_a_placeholder(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret.lower() in PLACEHOLDERS or len(secret) < 32:
            raise ValueError("partner_jwt_secret: 32 caractères aléatoires au moins")
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg,unused-ignore]  # secrets from env
