"""Tables of the identity database."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kit.db import make_metadata
from kit.mail_outbox import mail_outbox_table
from kit.messaging.inbox import inbox_table
from kit.messaging.outbox import outbox_table

metadata = make_metadata()
OUTBOX = outbox_table(metadata)
# Application events applied once each, and the messages they stage for pupils.
INBOX = inbox_table(metadata)
MAIL_OUTBOX = mail_outbox_table(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class School(Base):
    __tablename__ = "schools"

    uai: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(120))
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    academy: Mapped[str] = mapped_column(String(60))
    academy_domain: Mapped[str] = mapped_column(String(60))
    region: Mapped[str] = mapped_column(String(60))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    search_text: Mapped[str] = mapped_column(String(400))
    head_user_id: Mapped[uuid.UUID | None] = mapped_column()
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    weeks: Mapped[list[str]] = mapped_column(JSON, default=list)
    perimeter_km: Mapped[int] = mapped_column(Integer, default=60)
    national_search: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        # Nearest schools (`near`) by distance on the sphere, as the migration made it.
        Index(
            "ix_schools_location",
            text("(geography(ST_SetSRID(ST_MakePoint(lon, lat), 4326)))"),
            postgresql_using="gist",
        ),
        Index(
            "ix_schools_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )


class SchoolClass(Base):
    __tablename__ = "classes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    school_uai: Mapped[str] = mapped_column(ForeignKey("schools.uai"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    grade: Mapped[str] = mapped_column(String(3))
    main_teacher_id: Mapped[uuid.UUID | None] = mapped_column()

    __table_args__ = (UniqueConstraint("school_uai", "name", name="school_name"),)


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    role: Mapped[str] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(10))
    school_uai: Mapped[str | None] = mapped_column(ForeignKey("schools.uai"))
    class_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("classes.id"))
    department_code: Mapped[str | None] = mapped_column(String(3))
    academy: Mapped[str | None] = mapped_column(String(60))
    region: Mapped[str | None] = mapped_column(String(60))
    ministries: Mapped[list[str]] = mapped_column(JSON, default=list)
    operator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operators.id"))
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    authorisation_received_on: Mapped[date | None] = mapped_column(Date)
    authorisation_recorded_by: Mapped[uuid.UUID | None] = mapped_column()
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Operator(Base):
    """A partner organisation that publishes offers through the partner API."""

    __tablename__ = "operators"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ApiToken(Base):
    """Audit of the long-lived API tokens issued to operators (the JWT is not kept)."""

    __tablename__ = "api_tokens"

    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    operator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("operators.id"), index=True
    )
    issued_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class OneTimeToken(Base):
    """Activation, invitation and password-reset links; only their hash is kept."""

    __tablename__ = "one_time_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RefreshToken(Base):
    """Opaque refresh tokens; one family per login, rotated on every use."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
