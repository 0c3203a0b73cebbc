"""Demo accounts, one per role, made by the real use cases (`python -m identity.demo`).

Each account is created by its handler, then activated by the token of the message
that handler sends, as its owner would follow the link: no row is written around the
rules. Re-running changes nothing: an account that exists is left as it is.
"""

import asyncio
import re
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from identity.domain import errors
from identity.domain.credentials import Passwords
from identity.domain.schools import academic_address
from identity.domain.weeks import school_year_of
from identity.handlers import accounts, pupils, referents, schools
from identity.handlers.context import Context
from identity.handlers.principals import principal_of
from identity.signing import Signer
from identity.uow import UnitOfWork
from kit.auth import Principal, Role
from kit.senders import Message

# A published demo password, on purpose: it is printed and listed in the README.
PASSWORD = "Stages-Demo-2026!"  # noqa: S105
COLLEGE_UAI = "0931194T"  # collège République, Bobigny (93), REP+
LYCEE_UAI = "0931613Y"  # lycée Louise Michel, Bobigny (93)
CLASS_3E, CLASS_2DE = "3e A", "2de 1"
DOMAIN = "demo-stages.test"
ADMIN = f"admin@{DOMAIN}"
EMPLOYER = f"employeur@{DOMAIN}"
AUTHORISED_PUPIL = f"eleve.autorise@{DOMAIN}"
_TOKEN = re.compile(r"token=([\w-]+)")


def college_weeks(today: date) -> list[str]:
    """Two winter weeks of the current school year (2027-W05 and W06 in 2026-2027)."""
    year = school_year_of(today) + 1
    return [f"{year}-W05", f"{year}-W06"]


@dataclass(frozen=True)
class Account:
    label: str
    login: str
    role: str


@dataclass(frozen=True)
class Pupil:
    name: str
    first_name: str
    last_name: str
    gender: str
    age: int


@dataclass
class Report:
    accounts: list[Account] = field(default_factory=list)
    created: list[Account] = field(default_factory=list)


class DemoSeeder:
    """Runs the handlers; `sent` is where the unit of work puts committed messages."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        ctx: Context,
        sent: list[Message],
        *,
        today: date,
    ) -> None:
        self._uow, self._ctx, self._sent, self._today = uow, ctx, sent, today
        self.report = Report()

    def _link_token(self, to: str) -> str:
        for message in reversed(self._sent):
            match = _TOKEN.search(message.body)
            if match and to in (message.to_email, message.to_phone):
                return match[1]
        raise LookupError(f"aucun lien envoyé à {to}")

    async def _activated(self, login: str) -> bool | None:
        """None when no such account, else whether it was activated."""
        async with self._uow() as uow:
            user = await uow.users.by_login(email=login, phone=None)
            return None if user is None else user.activated_at is not None

    async def principal(self, login: str) -> Principal:
        async with self._uow() as uow:
            user = await uow.users.by_login(email=login, phone=None)
            if user is None:
                raise errors.NotFound(f"Compte de démonstration absent: {login}.")
            return (await principal_of(user, uow))[0]

    async def _ensure(
        self, account: Account, create: Callable[[UnitOfWork], Awaitable[object]]
    ) -> bool:
        """Creates then activates the account unless it exists; True if created."""
        activated = await self._activated(account.login)
        if activated is not None:
            if not activated:
                raise errors.InvalidInput(
                    f"Le compte {account.login} attend son activation: "
                    "repartez d'une base vide."
                )
            self.report.accounts.append(account)
            return False
        async with self._uow() as uow:
            await create(uow)
        await self._activate(account)
        self.report.accounts.append(account)
        self.report.created.append(account)
        return True

    async def _activate(self, account: Account) -> None:
        token = self._link_token(account.login)
        async with self._uow() as uow:
            if account.role in (Role.SCHOOL_HEAD.value, Role.EMPLOYER.value):
                await accounts.activate(token, uow, self._ctx)
            else:
                await schools.accept_invitation(
                    token, PASSWORD, None, None, uow=uow, ctx=self._ctx
                )

    async def run(self) -> Report:
        admin = await self.admin()
        await self.state_referents(admin)
        college_head = await self.school_head(COLLEGE_UAI, "Nadia", "Benali")
        class_3e = await self.school_class(college_head, CLASS_3E, "3e")
        teacher = await self.main_teacher(college_head, class_3e)
        await self.college_pupils(teacher, class_3e)
        lycee_head = await self.school_head(LYCEE_UAI, "Marc", "Lefèvre")
        class_2de = await self.school_class(lycee_head, CLASS_2DE, "2de")
        await self.pupil(
            lycee_head,
            class_2de,
            Pupil("eleve.seconde", "Sofia", "Diallo", "f", 15),
            "élève de 2de 1, lycée Louise Michel",
        )
        await self.employer()
        return self.report

    async def admin(self) -> Principal:
        account = Account("administratrice", ADMIN, Role.ADMIN.value)
        await self._ensure(
            account,
            lambda uow: referents.invite_admin(account.login, uow, self._ctx),
        )
        return await self.principal(account.login)

    async def state_referents(self, admin: Principal) -> None:
        department = Account(
            "référent départemental (93)",
            f"referent.93@{DOMAIN}",
            Role.REFERENT_DEPARTMENT.value,
        )
        central = Account(
            "référente de l'administration centrale",
            f"referent.central@{DOMAIN}",
            Role.REFERENT_CENTRAL.value,
        )
        for account, scope in (
            (department, {"department_code": "93"}),
            (central, {"ministries": ("Ministère de l'Éducation nationale",)}),
        ):
            command = referents.InviteReferent(
                email=account.login, role=Role(account.role), **scope
            )
            await self._ensure(
                account,
                partial(self._invite_referent, command, admin),
            )

    async def _invite_referent(
        self, command: referents.InviteReferent, admin: Principal, uow: UnitOfWork
    ) -> uuid.UUID:
        return await referents.invite_referent(command, admin, uow, self._ctx)

    async def school_head(self, uai: str, first: str, last: str) -> Principal:
        async with self._uow() as uow:
            school = await uow.schools.get(uai)
            if school is None:
                raise errors.UnknownUai(
                    f"Établissement {uai} absent: importez d'abord les établissements."
                )
            address = academic_address(school.uai, school.academy_domain)
            label = f"chef(fe) d'établissement, {school.name} ({school.city})"
        command = schools.RegisterSchool(
            uai=uai, email=address, password=PASSWORD, first_name=first, last_name=last
        )
        account = Account(label, address, Role.SCHOOL_HEAD.value)
        await self._ensure(
            account, lambda uow: schools.register_school(command, uow, self._ctx)
        )
        head = await self.principal(address)
        await self._weeks(uai, head)
        return head

    async def _weeks(self, uai: str, head: Principal) -> None:
        async with self._uow() as uow:
            school = await uow.schools.get(uai)
            if school is None or school.weeks:
                return
            weeks = college_weeks(self._today)
            await schools.set_weeks(uai, weeks, head, uow, self._ctx)

    async def school_class(self, head: Principal, name: str, grade: str) -> uuid.UUID:
        uai = head.school_uai or ""
        async with self._uow() as uow:
            for school_class in await uow.classes.of_school(uai):
                if school_class.name == name:
                    return school_class.id
            return await schools.create_class(uai, name, grade, head, uow)

    async def main_teacher(self, head: Principal, class_id: uuid.UUID) -> Principal:
        account = Account(
            "professeur principal de 3e A", f"prof.principal@{DOMAIN}", "main_teacher"
        )
        uai = head.school_uai or ""
        await self._ensure(
            account,
            lambda uow: schools.invite_staff(
                uai, account.login, Role.TEACHER.value, head, uow, self._ctx
            ),
        )
        teacher = await self.principal(account.login)
        if teacher.class_id != class_id:
            async with self._uow() as uow:
                await schools.attach_main_teacher(class_id, teacher, uow)
            teacher = await self.principal(account.login)
        return teacher

    async def college_pupils(self, teacher: Principal, class_id: uuid.UUID) -> None:
        authorised = await self.pupil(
            teacher,
            class_id,
            Pupil("eleve.autorise", "Inès", "Traoré", "f", 14),
            "élève de 3e A, autorisation parentale reçue",
        )
        await self.pupil(
            teacher,
            class_id,
            Pupil("eleve.sans.autorisation", "Yanis", "Haddad", "m", 14),
            "élève de 3e A, sans autorisation parentale",
        )
        async with self._uow() as uow:
            received = self._today - timedelta(days=7)
            await pupils.record_authorisation(
                authorised, received, teacher, uow, self._ctx
            )

    async def pupil(
        self, staff: Principal, class_id: uuid.UUID, pupil: "Pupil", label: str
    ) -> uuid.UUID:
        login = f"{pupil.name}@{DOMAIN}"
        command = pupils.InvitePupil(
            class_id=class_id,
            first_name=pupil.first_name,
            last_name=pupil.last_name,
            birth_date=date(self._today.year - pupil.age, 3, 1),
            gender=pupil.gender,
            email=login,
        )
        await self._ensure(
            Account(label, login, Role.PUPIL.value),
            lambda uow: pupils.invite_pupil(command, staff, uow, self._ctx),
        )
        return (await self.principal(login)).user_id

    async def employer(self) -> None:
        account = Account(
            "employeur (deux offres près du collège)",
            EMPLOYER,
            Role.EMPLOYER.value,
        )
        command = accounts.SignUp(
            role=Role.EMPLOYER.value,
            first_name="Karim",
            last_name="Mansouri",
            password=PASSWORD,
            email=account.login,
        )
        await self._ensure(
            account, lambda uow: accounts.sign_up(command, uow, self._ctx)
        )


def demo_context(passwords: Passwords) -> Context:
    # The seeding signs no token (logins go through the running service), so a key
    # made for this run is enough and the service's own key need not be read here.
    signer = Signer(Ed25519PrivateKey.generate(), ttl_seconds=60)
    return Context(signer=signer, base_url="", passwords=passwords)


async def seed(database_url: str, *, today: date | None = None) -> Report:
    from identity.main import MIGRATIONS
    from kit.db import make_engine, make_session_factory
    from kit.migrations import upgrade

    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    engine = make_engine(database_url, pool_size=1)
    sent: list[Message] = []

    async def keep(messages: list[Message]) -> None:
        sent.extend(messages)

    try:
        sessions = make_session_factory(engine)
        seeder = DemoSeeder(
            lambda: UnitOfWork(sessions, on_commit=keep),
            demo_context(Passwords()),
            sent,
            today=today or date.today(),
        )
        return await seeder.run()
    finally:
        await engine.dispose()


def render(report: Report) -> str:
    lines = [f"Comptes de démonstration (mot de passe: {PASSWORD})"]
    for account in report.accounts:
        state = "créé" if account in report.created else "déjà là"
        lines.append(f"  {account.login:<42} {account.label} [{state}]")
    return "\n".join(lines)


def main() -> None:
    from identity.settings import DatabaseSettings

    report = asyncio.run(seed(DatabaseSettings().database_url))
    sys.stdout.write(render(report) + "\n")


if __name__ == "__main__":
    main()
