"""Use cases on in-memory repositories: no server, a hand-moved clock."""

import uuid
from datetime import date, timedelta

import jwt
import pytest

from contracts.identity import v1
from identity.db import School
from identity.domain import errors
from identity.domain.credentials import Passwords
from identity.handlers import accounts, pupils, schools
from identity.handlers.context import Context
from identity.signing import Signer, generate_pem
from identity.testing import Clock, FakeUnitOfWork, link_token
from kit.auth import Principal, Role, TokenVerifier

pytestmark = pytest.mark.asyncio(loop_scope="session")
PASSWORD = "Correct-Horse-42!"
UAI = "0930893R"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(clock: Clock) -> Context:
    signer = Signer.from_pem(generate_pem(), ttl_seconds=900)
    cheap = Passwords(time_cost=1, memory_kib=64)  # the policy is the same
    return Context(
        signer=signer, base_url="http://identity", clock=clock, passwords=cheap
    )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    fake.schools.rows[UAI] = School(
        uai=UAI,
        name="Roger Martin du Gard",
        kind="rep_plus",
        city="Épinay-sur-Seine",
        department_code="93",
        academy="Créteil",
        academy_domain="ac-creteil.fr",
        region="Ile-de-France",
        lat=48.95,
        lon=2.31,
        search_text="roger martin du gard epinay sur seine",
        weeks=[],
        perimeter_km=60,
        national_search=False,
    )
    return fake


async def employer(
    uow: FakeUnitOfWork, ctx: Context, email: str = "a@exemple.fr"
) -> None:
    command = accounts.SignUp(
        role="employer",
        first_name="Inès",
        last_name="L",
        password=PASSWORD,
        email=email,
    )
    async with uow:
        await accounts.sign_up(command, uow, ctx)
    async with uow:
        await accounts.activate(link_token(uow.sent[-1]), uow, ctx)


async def log_in(
    uow: FakeUnitOfWork, ctx: Context, password: str = PASSWORD
) -> accounts.TokenPair:
    async with uow:
        return await accounts.login("a@exemple.fr", password, uow, ctx)


class TestLogin:
    async def test_lockout_lasts_fifteen_minutes(
        self, uow: FakeUnitOfWork, ctx: Context, clock: Clock
    ) -> None:
        await employer(uow, ctx)
        for _ in range(7):
            with pytest.raises(errors.InvalidCredentials):
                await log_in(uow, ctx, "Mauvais-Secret-1")
        with pytest.raises(errors.AccountLocked):
            await log_in(uow, ctx, "Mauvais-Secret-1")
        clock.advance(timedelta(minutes=14, seconds=59))
        with pytest.raises(errors.AccountLocked):
            await log_in(uow, ctx)
        clock.advance(timedelta(seconds=2))
        assert (await log_in(uow, ctx)).access_token

    async def test_a_success_resets_the_failure_count(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        await employer(uow, ctx)
        for _ in range(7):
            with pytest.raises(errors.InvalidCredentials):
                await log_in(uow, ctx, "Mauvais-Secret-1")
        await log_in(uow, ctx)
        with pytest.raises(errors.InvalidCredentials):
            await log_in(uow, ctx, "Mauvais-Secret-1")

    async def test_unknown_login_is_the_same_refusal(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        with pytest.raises(errors.InvalidCredentials):
            await log_in(uow, ctx)


class TestRefresh:
    async def test_expired_refresh_token(
        self, uow: FakeUnitOfWork, ctx: Context, clock: Clock
    ) -> None:
        await employer(uow, ctx)
        pair = await log_in(uow, ctx)
        clock.advance(timedelta(days=31))
        with pytest.raises(errors.TokenExpired):
            async with uow:
                await accounts.refresh(pair.refresh_token, uow, ctx)

    async def test_reuse_revokes_every_token_of_the_family(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        await employer(uow, ctx)
        first = await log_in(uow, ctx)
        other_session = await log_in(uow, ctx)
        async with uow:
            second = await accounts.refresh(first.refresh_token, uow, ctx)
        with pytest.raises(errors.TokenReused):
            async with uow:
                await accounts.refresh(first.refresh_token, uow, ctx)
        with pytest.raises(errors.TokenInvalid):
            async with uow:
                await accounts.refresh(second.refresh_token, uow, ctx)
        async with uow:
            assert await accounts.refresh(other_session.refresh_token, uow, ctx)


class TestLinks:
    async def test_activation_link_expires_after_72_hours(
        self, uow: FakeUnitOfWork, ctx: Context, clock: Clock
    ) -> None:
        command = accounts.SignUp(
            role="employer",
            first_name="A",
            last_name="B",
            password=PASSWORD,
            phone="0612345678",
        )
        async with uow:
            await accounts.sign_up(command, uow, ctx)
        assert uow.sent[-1].to_phone == "+33612345678"
        clock.advance(timedelta(hours=72))
        with pytest.raises(errors.TokenExpired):
            async with uow:
                await accounts.activate(link_token(uow.sent[-1]), uow, ctx)

    async def test_reset_link_cannot_activate(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        await employer(uow, ctx)
        async with uow:
            await accounts.request_reset("a@exemple.fr", uow, ctx)
        with pytest.raises(errors.TokenInvalid):
            async with uow:
                await accounts.activate(link_token(uow.sent[-1]), uow, ctx)


async def registered_head(uow: FakeUnitOfWork, ctx: Context) -> Principal:
    command = schools.RegisterSchool(
        uai=UAI.lower(),
        email="CE.0930893R@ac-creteil.fr",
        password=PASSWORD,
        first_name="A",
        last_name="D",
    )
    async with uow:
        head_id = await schools.register_school(command, uow, ctx)
    assert not uow.committed_events  # not before the mailbox is proven
    async with uow:
        await accounts.activate(link_token(uow.sent[-1]), uow, ctx)
    return Principal(
        user_id=head_id, role=Role.SCHOOL_HEAD, school_uai=UAI, department_code="93"
    )


class TestSchoolOnboarding:
    async def test_activation_registers_the_school(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        await registered_head(uow, ctx)
        registered = [
            e for e in uow.committed_events if isinstance(e, v1.SchoolRegistered)
        ]
        assert len(registered) == 1
        assert (registered[0].perimeter_km, registered[0].national_search) == (
            60,
            False,
        )
        assert any(
            isinstance(e, v1.StaffJoined) and e.role == "school_head"
            for e in uow.committed_events
        )

    async def test_other_academy_domain_is_refused(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        command = schools.RegisterSchool(
            uai=UAI,
            email="ce.0930893r@ac-paris.fr",
            password=PASSWORD,
            first_name="A",
            last_name="D",
        )
        with pytest.raises(errors.WrongAcademicDomain):
            async with uow:
                await schools.register_school(command, uow, ctx)
        assert not uow.users.rows

    async def test_weeks_are_sorted_and_announced(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        head = await registered_head(uow, ctx)
        async with uow:
            weeks = await schools.set_weeks(
                UAI, ["2027-W10", "2026-W49"], head, uow, ctx
            )
        assert weeks == ["2026-W49", "2027-W10"]
        assert isinstance(uow.committed_events[-1], v1.SchoolWeeksChanged)

    async def test_a_teacher_cannot_set_weeks(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        await registered_head(uow, ctx)
        teacher = Principal(user_id=uuid.uuid4(), role=Role.TEACHER, school_uai=UAI)
        with pytest.raises(errors.Forbidden):
            async with uow:
                await schools.set_weeks(UAI, ["2027-W10"], teacher, uow, ctx)


class TestPupils:
    async def test_pupil_lifecycle(self, uow: FakeUnitOfWork, ctx: Context) -> None:
        head = await registered_head(uow, ctx)
        async with uow:
            class_id = await schools.create_class(UAI, "3e A", "3e", head, uow)
        command = pupils.InvitePupil(
            class_id=class_id,
            first_name="Léa",
            last_name="Nguyen",
            birth_date=date(2012, 3, 4),
            gender="not_said",
            phone="07 12 34 56 78",
        )
        async with uow:
            pupil_id = await pupils.invite_pupil(command, head, uow, ctx)
        registered = uow.committed_events[-1]
        assert isinstance(registered, v1.PupilRegistered)
        assert (registered.grade, registered.gender, registered.department_code) == (
            "3e",
            "not_said",
            "93",
        )
        assert "Nguyen" not in registered.model_dump_json()
        assert "+33712345678" not in registered.model_dump_json()
        async with uow:
            await schools.accept_invitation(
                link_token(uow.sent[-1]), PASSWORD, None, None, uow, ctx
            )
        async with uow:
            pair = await accounts.login("0712345678", PASSWORD, uow, ctx)
        claims = jwt.decode(pair.access_token, options={"verify_signature": False})
        assert claims["can_apply"] is False
        assert TokenVerifier(ctx.signer.jwks()).verify(pair.access_token).grade == "3e"
        async with uow:
            await pupils.record_authorisation(
                pupil_id, date(2026, 11, 20), head, uow, ctx
            )
        assert isinstance(uow.committed_events[-1], v1.PupilAuthorised)
        async with uow:
            again = await accounts.refresh(pair.refresh_token, uow, ctx)
        assert (
            jwt.decode(again.access_token, options={"verify_signature": False})[
                "can_apply"
            ]
            is True
        )

    async def test_future_reception_date_is_refused(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        head = await registered_head(uow, ctx)
        async with uow:
            class_id = await schools.create_class(UAI, "3e A", "3e", head, uow)
        command = pupils.InvitePupil(
            class_id=class_id,
            first_name="A",
            last_name="B",
            birth_date=date(2012, 1, 1),
            gender="m",
            email="e@exemple.fr",
        )
        async with uow:
            pupil_id = await pupils.invite_pupil(command, head, uow, ctx)
        with pytest.raises(errors.InvalidInput):
            async with uow:
                await pupils.record_authorisation(
                    pupil_id, date(2026, 12, 1), head, uow, ctx
                )

    async def test_anonymisation_erases_and_announces(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        head = await registered_head(uow, ctx)
        async with uow:
            await pupils.anonymise(head.user_id, head, uow, ctx)
        user = uow.users.rows[head.user_id]
        assert (user.email, user.first_name, user.password_hash) == (None, None, None)
        assert isinstance(uow.committed_events[-1], v1.UserAnonymised)


class TestReferents:
    async def test_admin_invites_a_department_referent(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        from identity.handlers import referents

        async with uow:
            admin_id = await referents.invite_admin("admin@exemple.fr", uow, ctx)
        admin = Principal(user_id=admin_id, role=Role.ADMIN)
        command = referents.InviteReferent(
            email="ref93@exemple.fr",
            role=Role.REFERENT_DEPARTMENT,
            department_code="93",
        )
        async with uow:
            await referents.invite_referent(command, admin, uow, ctx)
        async with uow:
            await schools.accept_invitation(
                link_token(uow.sent[-1]), PASSWORD, "Ref", "Erent", uow, ctx
            )
        async with uow:
            pair = await accounts.login("ref93@exemple.fr", PASSWORD, uow, ctx)
        principal = TokenVerifier(ctx.signer.jwks()).verify(pair.access_token)
        assert (principal.role, principal.department_code) == (
            Role.REFERENT_DEPARTMENT,
            "93",
        )

    async def test_refusals(self, uow: FakeUnitOfWork, ctx: Context) -> None:
        from identity.handlers import referents

        head = await registered_head(uow, ctx)
        command = referents.InviteReferent(
            email="r@exemple.fr", role=Role.REFERENT_ACADEMY
        )
        with pytest.raises(errors.Forbidden):
            async with uow:
                await referents.invite_referent(command, head, uow, ctx)
        admin = Principal(user_id=uuid.uuid4(), role=Role.ADMIN)
        with pytest.raises(errors.InvalidInput):
            async with uow:
                await referents.invite_referent(command, admin, uow, ctx)
        teacher_role = referents.InviteReferent(email="r@exemple.fr", role=Role.TEACHER)
        with pytest.raises(errors.InvalidInput):
            async with uow:
                await referents.invite_referent(teacher_role, admin, uow, ctx)


class TestOperators:
    async def test_operator_gets_a_long_lived_api_key(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        from identity.handlers import operators

        admin = Principal(user_id=uuid.uuid4(), role=Role.ADMIN)
        async with uow:
            operator_id = await operators.invite_operator(
                "Association Tremplin", "api@tremplin.fr", admin, uow, ctx
            )
        with pytest.raises(errors.InvalidInput):
            async with uow:
                await operators.invite_operator(
                    "association tremplin", "b@tremplin.fr", admin, uow, ctx
                )
        async with uow:
            user_id = await schools.accept_invitation(
                link_token(uow.sent[-1]), PASSWORD, "A", "B", uow, ctx
            )
        caller = Principal(user_id=user_id, role=Role.OPERATOR, operator_id=operator_id)
        async with uow:
            issued = await operators.issue_api_token(caller, uow, ctx)
        principal = TokenVerifier(ctx.signer.jwks()).verify(issued.token)
        assert (principal.role, principal.operator_id) == (Role.OPERATOR, operator_id)
        claims = jwt.decode(issued.token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 365 * 24 * 3600
        assert claims["jti"] == issued.jti == uow.operators.api_tokens[0].jti

    async def test_only_operators_get_api_keys(
        self, uow: FakeUnitOfWork, ctx: Context
    ) -> None:
        from identity.handlers import operators

        head = await registered_head(uow, ctx)
        with pytest.raises(errors.Forbidden):
            async with uow:
                await operators.issue_api_token(head, uow, ctx)
        with pytest.raises(errors.Forbidden):
            async with uow:
                await operators.invite_operator("X", "x@x.fr", head, uow, ctx)
