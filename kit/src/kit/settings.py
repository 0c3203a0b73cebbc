"""Settings shared by every service; each service subclasses with its own env prefix."""

from functools import cached_property
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url


class ServiceSettings(BaseSettings):
    """Infrastructure settings. Shared servers use unprefixed variable names
    (`POSTGRES_URL`, `KAFKA_BOOTSTRAP_SERVERS`, `OPENSEARCH_URL`) so one shell can run
    every service; the rest take the service prefix (`OFFERS_DATABASE_NAME`...)."""

    model_config = SettingsConfigDict(
        extra="ignore", frozen=True, populate_by_name=True
    )

    service_name: str
    postgres_url: str = Field(
        default="postgresql://postgres@127.0.0.1:5433/postgres",
        validation_alias="POSTGRES_URL",
    )
    database_name: str | None = None
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    log_level: str = "INFO"
    log_json: bool = True
    outbox_poll_seconds: float = Field(default=0.1, gt=0)
    outbox_keep_days: int = Field(
        default=7, ge=1, description="Published events kept this long, then purged."
    )
    purge_every_seconds: float = Field(default=3600, gt=0)
    consumer_max_attempts: int = Field(default=5, ge=1)
    new_groups_start_from: Literal["earliest", "latest"] = Field(
        default="earliest",
        description=(
            "Where a consumer group with no committed offset starts: `earliest` "
            "rebuilds the read model from the topic's history; `latest` is for "
            "throw-away runs (benchmarks) on a broker shared with other work."
        ),
    )

    @cached_property
    def database_url(self) -> str:
        """Async SQLAlchemy URL of the service's own database."""
        url = make_url(self.postgres_url).set(
            drivername="postgresql+asyncpg",
            database=self.database_name or self.service_name,
        )
        return url.render_as_string(hide_password=False)


class MailSettings(ServiceSettings):
    """For services that write to people: where their email and SMS leave."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_from: str = "ne-pas-repondre@stages.example.fr"
    sms_gateway_domain: str = Field(
        default="sms.stages.example.fr",
        description="SMS are mailed to <phone>@<domain>, as SMS gateways take them.",
    )
