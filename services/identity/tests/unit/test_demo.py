"""The demo accounts on in-memory repositories: every role, activated, made once."""

from datetime import date

import pytest

from identity import demo
from identity.db import School
from identity.domain import errors
from identity.domain.credentials import Passwords
from identity.handlers import accounts, referents
from identity.handlers.context import Context
from identity.testing import Clock, FakeUnitOfWork

pytestmark = pytest.mark.asyncio(loop_scope="session")
TODAY = date(2026, 11, 24)


def school(uai: str, name: str, kind: str) -> School:
    return School(
        uai=uai,
        name=name,
        kind=kind,
        city="Bobigny",
        department_code="93",
        academy="Créteil",
        academy_domain="ac-creteil.fr",
        region="Ile-de-France",
        lat=48.9,
        lon=2.43,
        search_text=name.lower(),
        weeks=[],
        perimeter_km=60,
        national_search=False,
    )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    for uai, name, kind in (
        (demo.COLLEGE_UAI, "République", "rep_plus"),
        (demo.LYCEE_UAI, "Lycée Louise Michel", "lycee"),
    ):
        fake.schools.rows[uai] = school(uai, name, kind)
    return fake


@pytest.fixture
def ctx() -> Context:
    context = demo.demo_context(Passwords(time_cost=1, memory_kib=64))
    return Context(
        signer=context.signer,
        base_url="",
        passwords=context.passwords,
        clock=Clock(),
    )


def seeder(uow: FakeUnitOfWork, ctx: Context) -> demo.DemoSeeder:
    return demo.DemoSeeder(lambda: uow, ctx, uow.sent, today=TODAY)


class TestDemoAccounts:
    async def test_every_account_is_created_and_can_log_in(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        report = await seeder(uow, ctx).run()

        assert report.created == report.accounts
        assert len(report.accounts) == 10
        for account in report.accounts:
            async with uow:
                pair = await accounts.login(account.login, demo.PASSWORD, uow, ctx)
            assert pair.access_token

    async def test_a_second_run_creates_nothing(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        first = await seeder(uow, ctx).run()
        users, classes = len(uow.users.rows), len(uow.classes.rows)

        second = await seeder(uow, ctx).run()

        assert second.created == []
        assert second.accounts == first.accounts
        assert (len(uow.users.rows), len(uow.classes.rows)) == (users, classes)

    async def test_the_college_has_weeks_a_class_its_teacher_and_pupils(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        await seeder(uow, ctx).run()

        college = uow.schools.rows[demo.COLLEGE_UAI]
        (class_3e,) = await uow.classes.of_school(demo.COLLEGE_UAI)
        pupils = {p.email: p for p in await uow.classes.pupils(class_3e.id)}
        teacher = await seeder(uow, ctx).principal(f"prof.principal@{demo.DOMAIN}")
        assert college.registered_at is not None
        assert college.weeks == ["2027-W05", "2027-W06"]
        assert (class_3e.name, class_3e.grade) == ("3e A", "3e")
        assert class_3e.main_teacher_id == teacher.user_id
        assert pupils[demo.AUTHORISED_PUPIL].authorisation_received_on is not None
        unauthorised = pupils[f"eleve.sans.autorisation@{demo.DOMAIN}"]
        assert unauthorised.authorisation_received_on is None

    async def test_the_lycee_pupil_is_in_a_2de_class_with_the_june_weeks(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        await seeder(uow, ctx).run()

        (class_2de,) = await uow.classes.of_school(demo.LYCEE_UAI)
        (pupil,) = await uow.classes.pupils(class_2de.id)
        assert class_2de.grade == "2de"
        assert pupil.email == f"eleve.seconde@{demo.DOMAIN}"
        assert uow.schools.rows[demo.LYCEE_UAI].weeks == ["2027-W25", "2027-W26"]

    async def test_an_account_left_without_activation_stops_with_a_reason(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        async with uow:
            await referents.invite_admin(demo.ADMIN, uow, ctx)

        with pytest.raises(errors.InvalidInput, match="attend son activation"):
            await seeder(uow, ctx).run()

    async def test_without_the_schools_imported_it_says_so(self, ctx: Context) -> None:
        empty = FakeUnitOfWork()

        with pytest.raises(errors.UnknownUai, match="importez d'abord"):
            await seeder(empty, ctx).run()
