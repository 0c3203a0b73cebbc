"""Test helpers shared by the identity test modules (a real SMTP sink, a Kafka tail)."""

import asyncio
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer

from contracts import TOPICS, EventBase
from identity.db import (
    ApiToken,
    OneTimeToken,
    Operator,
    RefreshToken,
    School,
    SchoolClass,
    User,
)
from identity.domain.text import fold
from identity.repositories import Classes, Operators, Schools, Tokens, Users
from identity.uow import UnitOfWork
from kit.senders import Message

_LINK = re.compile(r"token=([\w-]+)")


@dataclass
class EventTail:
    """Reads identity topics from where they were when the test started."""

    consumer: AIOKafkaConsumer

    async def wait_for(
        self, predicate: Callable[[EventBase], bool], *, seconds: float = 20
    ) -> EventBase:
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            batches = await self.consumer.getmany(timeout_ms=300)
            for partition, records in batches.items():
                for record in records:
                    event = TOPICS[partition.topic].parse(record.value)
                    if predicate(event):
                        return event
        raise AssertionError("événement attendu absent de Kafka")


class FakeSchools(Schools):
    def __init__(self) -> None:
        self.rows: dict[str, School] = {}

    async def get(self, uai: str) -> School | None:
        return self.rows.get(uai)

    async def get_for_update(self, uai: str) -> School | None:
        return self.rows.get(uai)

    async def autocomplete(self, text: str, *, limit: int = 10) -> Sequence[School]:
        words = fold(text).split()
        found = [
            s for s in self.rows.values() if all(w in s.search_text for w in words)
        ]
        return found[:limit] if words else []


class FakeUsers(Users):
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, User] = {}

    async def get(self, user_id: uuid.UUID, *, lock: bool = False) -> User | None:
        return self.rows.get(user_id)

    async def by_login(self, *, email: str | None, phone: str | None) -> User | None:
        return next(
            (
                user
                for user in self.rows.values()
                if (email and user.email == email) or (phone and user.phone == phone)
            ),
            None,
        )

    async def email_taken(self, email: str) -> bool:
        return any(user.email == email for user in self.rows.values())

    async def phone_taken(self, phone: str) -> bool:
        return any(user.phone == phone for user in self.rows.values())

    async def add(self, user: User) -> None:
        # Column defaults are applied by a flush, which fakes never do.
        user.failed_logins = user.failed_logins or 0
        user.ministries = user.ministries or []
        self.rows[user.id] = user


class FakeClasses(Classes):
    def __init__(self, users: FakeUsers) -> None:
        self.rows: dict[uuid.UUID, SchoolClass] = {}
        self._users = users

    async def get(self, class_id: uuid.UUID) -> SchoolClass | None:
        return self.rows.get(class_id)

    async def name_taken(self, uai: str, name: str) -> bool:
        return any(c.school_uai == uai and c.name == name for c in self.rows.values())

    async def of_school(self, uai: str) -> Sequence[SchoolClass]:
        found = [c for c in self.rows.values() if c.school_uai == uai]
        return sorted(found, key=lambda school_class: school_class.name)

    async def pupils(self, class_id: uuid.UUID) -> Sequence[User]:
        return [
            user
            for user in self._users.rows.values()
            if user.class_id == class_id
            and user.role == "pupil"
            and not user.anonymised_at
        ]

    async def add(self, school_class: SchoolClass) -> None:
        self.rows[school_class.id] = school_class


class FakeTokens(Tokens):
    def __init__(self) -> None:
        self.one_time_rows: dict[str, OneTimeToken] = {}
        self.refresh_rows: dict[str, RefreshToken] = {}

    async def one_time(self, token_hash: str) -> OneTimeToken | None:
        return self.one_time_rows.get(token_hash)

    async def refresh(self, token_hash: str) -> RefreshToken | None:
        return self.refresh_rows.get(token_hash)

    async def family(self, family_id: uuid.UUID) -> Sequence[RefreshToken]:
        return [t for t in self.refresh_rows.values() if t.family_id == family_id]

    async def of_user(self, user_id: uuid.UUID) -> Sequence[RefreshToken]:
        return [t for t in self.refresh_rows.values() if t.user_id == user_id]

    async def unused_links(self, user_id: uuid.UUID) -> Sequence[OneTimeToken]:
        return [
            token
            for token in self.one_time_rows.values()
            if token.user_id == user_id and token.used_at is None
        ]

    def add(self, token: OneTimeToken | RefreshToken) -> None:
        if isinstance(token, OneTimeToken):
            self.one_time_rows[token.token_hash] = token
        else:
            self.refresh_rows[token.token_hash] = token


class FakeOperators(Operators):
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Operator] = {}
        self.api_tokens: list[ApiToken] = []

    async def get(self, operator_id: uuid.UUID) -> Operator | None:
        return self.rows.get(operator_id)

    async def name_taken(self, name: str) -> bool:
        return any(op.name.lower() == name.lower() for op in self.rows.values())

    async def add(self, operator: Operator) -> None:
        self.rows[operator.id] = operator

    def add_api_token(self, token: ApiToken) -> None:
        self.api_tokens.append(token)


class FakeUnitOfWork(UnitOfWork):
    """Repositories in memory; what was committed is kept for assertions."""

    schools: FakeSchools
    users: FakeUsers
    classes: FakeClasses
    tokens: FakeTokens
    operators: FakeOperators

    def __init__(self) -> None:
        self.schools = FakeSchools()
        self.users = FakeUsers()
        self.classes = FakeClasses(self.users)
        self.tokens = FakeTokens()
        self.operators = FakeOperators()
        self.committed_events: list[EventBase] = []
        self.sent: list[Message] = []
        self.commits = 0

    async def __aenter__(self) -> "FakeUnitOfWork":
        self.events, self.messages = [], []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.events, self.messages = [], []

    async def commit(self) -> None:
        self.committed_events += self.events
        self.sent += self.messages
        self.events, self.messages = [], []
        self.commits += 1


@dataclass
class Clock:
    """A clock that tests move by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 24, 9, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def link_token(message: Message) -> str:
    match = _LINK.search(message.body)
    assert match, "pas de lien dans le message"
    return match[1]
