"""Queries of the identity database: every SELECT lives here."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from identity.db import (
    ApiToken,
    OneTimeToken,
    Operator,
    RefreshToken,
    School,
    SchoolClass,
    User,
)
from identity.domain import errors
from identity.domain.text import fold


def _geography(lat: object, lon: object) -> ColumnElement[object]:
    return func.geography(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326))


SCHOOL_POINT = _geography(School.lat, School.lon)


class Schools:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, uai: str) -> School | None:
        return await self.session.get(School, uai)

    async def get_for_update(self, uai: str) -> School | None:
        return await self.session.get(School, uai, with_for_update=True)

    async def autocomplete(self, text: str, *, limit: int = 10) -> Sequence[School]:
        """Schools whose name or city contains every word typed, best match first."""
        words = fold(text).split()
        if not words:
            return []
        query = " ".join(words)
        statement = (
            select(School)
            .where(*(School.search_text.contains(word) for word in words))
            .order_by(
                func.word_similarity(query, School.search_text).desc(), School.name
            )
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def near(
        self, *, lat: float, lon: float, radius_km: float, limit: int = 50
    ) -> Sequence[tuple[School, float]]:
        """Schools within `radius_km` of a point, nearest first, with their km."""
        here = _geography(lat, lon)
        distance = func.ST_Distance(SCHOOL_POINT, here) / 1000
        statement = (
            select(School, distance)
            .where(func.ST_DWithin(SCHOOL_POINT, here, radius_km * 1000))
            .order_by(distance)
            .limit(limit)
        )
        rows = (await self.session.execute(statement)).all()
        return [(school, float(km)) for school, km in rows]


class Users:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID, *, lock: bool = False) -> User | None:
        return await self.session.get(User, user_id, with_for_update=lock)

    async def by_login(self, *, email: str | None, phone: str | None) -> User | None:
        clauses = []
        if email:
            clauses.append(User.email == email)
        if phone:
            clauses.append(User.phone == phone)
        if not clauses:
            return None
        statement = select(User).where(or_(*clauses)).with_for_update()
        return (await self.session.scalars(statement)).first()

    async def email_taken(self, email: str) -> bool:
        return await self._exists(User.email == email)

    async def phone_taken(self, phone: str) -> bool:
        return await self._exists(User.phone == phone)

    async def search(self, text: str, *, limit: int = 50) -> list[User]:
        """Accounts whose email, phone or name contains `text`, newest first."""
        pattern = f"%{text.lower()}%"
        columns = (User.email, User.phone, User.first_name, User.last_name)
        statement = (
            select(User)
            .where(or_(*(func.lower(column).like(pattern) for column in columns)))
            .order_by(User.created_at.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def _exists(self, clause: ColumnElement[bool]) -> bool:
        found = await self.session.scalar(select(User.id).where(clause).limit(1))
        return found is not None

    async def add(self, user: User) -> None:
        """Flushed at once: tokens that reference the user are inserted after it,
        and a concurrent sign-up with the same contact is refused like any other."""
        self.session.add(user)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if "uq_users_email" in str(exc.orig):
                raise errors.DuplicateEmail from exc
            if "uq_users_phone" in str(exc.orig):
                raise errors.DuplicatePhone from exc
            raise


class Classes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, class_id: uuid.UUID) -> SchoolClass | None:
        return await self.session.get(SchoolClass, class_id)

    async def of_school(self, uai: str) -> Sequence[SchoolClass]:
        statement = select(SchoolClass).where(SchoolClass.school_uai == uai)
        return (await self.session.scalars(statement.order_by(SchoolClass.name))).all()

    async def follow_up(self, uai: str) -> Sequence[tuple[SchoolClass, int, int]]:
        """Classes of a school with their pupils and authorised pupils counted."""
        pupils = func.count(User.id).filter(User.anonymised_at.is_(None))
        authorised = pupils.filter(User.authorisation_received_on.is_not(None))
        statement = (
            select(SchoolClass, pupils, authorised)
            .outerjoin(User, (User.class_id == SchoolClass.id) & (User.role == "pupil"))
            .where(SchoolClass.school_uai == uai)
            .group_by(SchoolClass.id)
            .order_by(SchoolClass.name)
        )
        rows = (await self.session.execute(statement)).all()
        return [(school_class, int(n), int(ok)) for school_class, n, ok in rows]

    async def pupils(self, class_id: uuid.UUID) -> Sequence[User]:
        statement = select(User).where(
            User.class_id == class_id,
            User.role == "pupil",
            User.anonymised_at.is_(None),
        )
        return (await self.session.scalars(statement.order_by(User.last_name))).all()

    async def name_taken(self, uai: str, name: str) -> bool:
        found = await self.session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_uai == uai, SchoolClass.name == name
            )
        )
        return found is not None

    async def add(self, school_class: SchoolClass) -> None:
        self.session.add(school_class)
        await self.session.flush()


class Tokens:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def one_time(self, token_hash: str) -> OneTimeToken | None:
        return await self.session.get(OneTimeToken, token_hash, with_for_update=True)

    async def refresh(self, token_hash: str) -> RefreshToken | None:
        return await self.session.get(RefreshToken, token_hash, with_for_update=True)

    async def family(self, family_id: uuid.UUID) -> Sequence[RefreshToken]:
        statement = select(RefreshToken).where(RefreshToken.family_id == family_id)
        return (await self.session.scalars(statement)).all()

    async def of_user(self, user_id: uuid.UUID) -> Sequence[RefreshToken]:
        statement = select(RefreshToken).where(RefreshToken.user_id == user_id)
        return (await self.session.scalars(statement)).all()

    async def unused_links(self, user_id: uuid.UUID) -> Sequence[OneTimeToken]:
        statement = select(OneTimeToken).where(
            OneTimeToken.user_id == user_id, OneTimeToken.used_at.is_(None)
        )
        return (await self.session.scalars(statement)).all()

    def add(self, token: OneTimeToken | RefreshToken) -> None:
        self.session.add(token)


class Operators:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, operator_id: uuid.UUID) -> Operator | None:
        return await self.session.get(Operator, operator_id)

    async def name_taken(self, name: str) -> bool:
        found = await self.session.scalar(
            select(Operator.id).where(func.lower(Operator.name) == name.lower())
        )
        return found is not None

    async def add(self, operator: Operator) -> None:
        self.session.add(operator)
        await self.session.flush()

    def add_api_token(self, token: ApiToken) -> None:
        self.session.add(token)
