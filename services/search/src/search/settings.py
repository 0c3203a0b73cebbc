from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SEARCH_", extra="ignore", frozen=True)

    service_name: str = "search"
    http_port: int = 8003
    opensearch_url: str = Field(
        default="http://127.0.0.1:9200", validation_alias="OPENSEARCH_URL"
    )
    opensearch_timeout_seconds: float = Field(default=5, gt=0)
    opensearch_connections: int = Field(default=64, ge=1)
    index_alias: str = "offers"
    consumer_group: str = "search-indexer"
    run_indexer: bool = True
    """Each HTTP process also runs the feeds in their consumer groups (so `make dev`
    indexes); set SEARCH_RUN_INDEXER=false for API-only replicas."""
    bulk_max_actions: int = Field(default=500, ge=1)
    bulk_linger_seconds: float = Field(default=0.005, ge=0)
    jwks_url: str | None = None
    jwks_file: str | None = None

    @property
    def school_consumer_group(self) -> str:
        return f"{self.consumer_group}-schools"

    @property
    def application_consumer_group(self) -> str:
        return f"{self.consumer_group}-applications"


@lru_cache
def get_settings() -> Settings:
    return Settings()
