from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEB_", extra="ignore", frozen=True)

    service_name: str = "web"
    http_port: int = 8000
    identity_url: str = "http://127.0.0.1:8001"
    offers_url: str = "http://127.0.0.1:8002"
    search_url: str = "http://127.0.0.1:8003"
    applications_url: str = "http://127.0.0.1:8004"
    conventions_url: str = "http://127.0.0.1:8005"
    stats_url: str = "http://127.0.0.1:8006"
    dsfr_dir: Path = Field(
        default=PACKAGE_ROOT / "node_modules" / "@gouvfr" / "dsfr" / "dist",
        description="The `dist` folder of @gouvfr/dsfr, served as is under /dsfr.",
    )
    secure_cookies: bool = Field(
        default=False,
        description="Secure flag on cookies: on behind HTTPS, off on plain loopback.",
    )
    timeout_seconds: float = Field(default=10, gt=0)
    log_level: str = "INFO"

    def base_urls(self) -> dict[str, str]:
        names = ("identity", "offers", "search", "applications", "conventions", "stats")
        return {name: getattr(self, f"{name}_url").rstrip("/") for name in names}


@lru_cache
def get_settings() -> Settings:
    return Settings()
