from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="STATS_", extra="ignore", frozen=True)

    service_name: str = "stats"
    http_port: int = 8006


@lru_cache
def get_settings() -> Settings:
    return Settings()
