from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from kit.settings import MailSettings

_PLACEHOLDERS = ("changeme", "change-me", "secret", "xxx", "todo", "placeholder")


class DatabaseSettings(MailSettings):
    """What the command-line jobs (school import) need: no secret."""

    model_config = SettingsConfigDict(
        env_prefix="IDENTITY_", extra="ignore", frozen=True
    )

    service_name: str = "identity"


class Settings(DatabaseSettings):
    http_port: int = 8001
    jwt_private_key: SecretStr = Field(
        description="Ed25519 private key: a PEM value, or the path of a PEM file."
    )
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=30, ge=1, le=90)
    api_token_days: int = Field(default=365, ge=1, le=730)
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=32)
    activation_hours: int = Field(default=72, ge=1)
    reset_minutes: int = Field(default=60, ge=5)
    public_base_url: str = "http://127.0.0.1:8001"
    mail_every_seconds: float = Field(default=5, gt=0)

    @field_validator("jwt_private_key")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value().strip()
        if not raw or raw.lower() in _PLACEHOLDERS:
            raise ValueError("IDENTITY_JWT_PRIVATE_KEY must be a real Ed25519 key")
        return value

    def private_key_pem(self) -> bytes:
        raw = self.jwt_private_key.get_secret_value().strip()
        if raw.startswith("-----BEGIN"):
            return raw.encode()
        return Path(raw).read_bytes()


@lru_cache
def get_settings() -> Settings:
    return Settings()
