"""The envelope every event carries, whatever its aggregate."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


def new_correlation_id() -> str:
    """Returns a fresh correlation id, for work that no request started."""
    return uuid4().hex


class Frozen(BaseModel):
    """Base of every contract model: immutable, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class EventBase(Frozen):
    """Envelope fields shared by every event; subclasses narrow `event_type`."""

    event_id: UUID = Field(
        default_factory=uuid4,
        description="Unique id of this event; consumers deduplicate on it.",
        examples=["0b6f0d8e-3c1a-4f55-9a59-3f0c1d6b1e2a"],
    )
    event_type: str = Field(
        description="Name of the event, past tense, e.g. `offer.published`.",
        examples=["offer.published"],
    )
    schema_version: int = Field(
        default=1,
        ge=1,
        description="Version of the event's schema inside its contract module.",
        examples=[1],
    )
    occurred_at: AwareDatetime = Field(
        default_factory=lambda: datetime.now(UTC),
        description="When the change happened, in UTC.",
        examples=["2026-11-24T09:30:00Z"],
    )
    correlation_id: str = Field(
        default_factory=new_correlation_id,
        min_length=1,
        max_length=64,
        description="Id of the request or job that caused the event, carried on.",
        examples=["5f2b8c0e9d6a4f0e8f3b2a1c0d9e8f7a"],
    )
    aggregate_id: str = Field(
        min_length=1,
        max_length=64,
        description="Id of the aggregate the event is about; also the Kafka key.",
        examples=["7c9e6679-7425-40de-944b-e07fc1f90ae7"],
    )

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def to_json_bytes(self) -> bytes:
        """Serialises the event as the bytes put on the wire."""
        return self.model_dump_json().encode()


def event_type_field(name: str) -> Any:
    """The `event_type` field of a concrete event: a constant, documented."""
    return Field(default=name, description="Name of the event.", examples=[name])
