from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OFFERS_", extra="ignore", frozen=True)

    service_name: str = "offers"
    http_port: int = 8002


@lru_cache
def get_settings() -> Settings:
    return Settings()
