"""Accounts over HTTP on the real PostgreSQL, a real SMTP sink, and JWKS checks."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity.db import User
from kit.auth import Role, TokenVerifier
from kit.testing.mail import Mailbox

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]
PASSWORD = "Correct-Horse-42!"


def unique_email() -> str:
    return f"emp-{uuid.uuid4().hex[:10]}@exemple.fr"


async def signed_up(client: httpx.AsyncClient, **contact: str) -> str:
    response = await client.post(
        "/accounts",
        json={"first_name": "Inès", "last_name": "Lefèvre", "password": PASSWORD}
        | contact,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def active_employer(client: httpx.AsyncClient, mailbox: Mailbox) -> str:
    email = unique_email()
    await signed_up(client, email=email)
    token = mailbox.link_token(email)
    assert (await client.post("/accounts/activation", json={"token": token})).is_success
    return email


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


async def test_sign_up_activation_login_and_jwks(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    email = unique_email()
    user_id = await signed_up(client, email=email)
    early = await client.post(
        "/auth/login", json={"identifier": email, "password": PASSWORD}
    )
    assert error_code(early) == "account_not_activated"
    token = mailbox.link_token(email)
    assert (await client.post("/accounts/activation", json={"token": token})).is_success
    again = await client.post("/accounts/activation", json={"token": token})
    assert error_code(again) == "token_reused"
    login = await client.post(
        "/auth/login", json={"identifier": email, "password": PASSWORD}
    )
    assert login.status_code == 200
    jwks = (await client.get("/.well-known/jwks.json")).json()
    principal = TokenVerifier(jwks).verify(login.json()["access_token"])
    assert (str(principal.user_id), principal.role) == (user_id, Role.EMPLOYER)
    assert login.json()["expires_in"] == 15 * 60


async def test_phone_sign_up_gets_its_link_by_sms(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    digits = f"6{uuid.uuid4().int % 10**8:08d}"
    await signed_up(
        client,
        phone=f"0{digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}",
    )
    assert mailbox.link_token(f"+33{digits}@sms.stages.example.fr")


@pytest.mark.parametrize(
    ("contact", "password", "code"),
    [
        ({"email": "pas-une-adresse"}, PASSWORD, "malformed_email"),
        ({"phone": "01 23 45 67 89"}, PASSWORD, "malformed_phone"),
        ({"phone": "06 12 34"}, PASSWORD, "malformed_phone"),
        ({}, PASSWORD, "contact_required"),
        ({"email": "faible@exemple.fr"}, "court1A!", "weak_password"),
        ({"email": "faible@exemple.fr"}, "sanschiffreNIspecial", "weak_password"),
    ],
)
async def test_bad_sign_ups_are_refused_in_french(
    client: httpx.AsyncClient, contact: dict[str, str], password: str, code: str
) -> None:
    response = await client.post(
        "/accounts",
        json={"first_name": "A", "last_name": "B", "password": password} | contact,
    )
    assert response.status_code == 422
    assert error_code(response) == code
    assert response.json()["error"]["message"]


async def test_duplicate_email_and_phone(client: httpx.AsyncClient) -> None:
    email = unique_email()
    phone = f"07{uuid.uuid4().int % 10**8:08d}"
    await signed_up(client, email=email, phone=phone)
    twice = await client.post(
        "/accounts",
        json={
            "first_name": "A",
            "last_name": "B",
            "password": PASSWORD,
            "email": email.upper(),
        },
    )
    assert (twice.status_code, error_code(twice)) == (409, "duplicate_email")
    same_phone = await client.post(
        "/accounts",
        json={
            "first_name": "A",
            "last_name": "B",
            "password": PASSWORD,
            "phone": "+33" + phone[1:],
        },
    )
    assert (same_phone.status_code, error_code(same_phone)) == (409, "duplicate_phone")


async def test_lockout_after_eight_failures_for_fifteen_minutes(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    email = await active_employer(client, mailbox)
    codes = [
        error_code(
            await client.post(
                "/auth/login", json={"identifier": email, "password": "Mauvais-mot-2!"}
            )
        )
        for _ in range(8)
    ]
    assert codes == ["invalid_credentials"] * 7 + ["account_locked"]
    locked = await client.post(
        "/auth/login", json={"identifier": email, "password": PASSWORD}
    )
    assert (locked.status_code, error_code(locked)) == (423, "account_locked")
    async with sessions() as session, session.begin():
        user = (
            await session.execute(
                update(User)
                .where(User.email == email)
                .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
                .returning(User.locked_until)
            )
        ).scalar_one()
    assert user is not None
    assert user < datetime.now(UTC)
    after = await client.post(
        "/auth/login", json={"identifier": email, "password": PASSWORD}
    )
    assert after.status_code == 200


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    email = await active_employer(client, mailbox)
    first = (
        await client.post(
            "/auth/login", json={"identifier": email, "password": PASSWORD}
        )
    ).json()
    second = await client.post("/auth/refresh", json={"token": first["refresh_token"]})
    assert second.status_code == 200
    reused = await client.post("/auth/refresh", json={"token": first["refresh_token"]})
    assert error_code(reused) == "token_reused"
    # The thief's reuse also killed the legitimate successor.
    killed = await client.post(
        "/auth/refresh", json={"token": second.json()["refresh_token"]}
    )
    assert error_code(killed) == "token_invalid"


async def test_logout_revokes_the_session(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    email = await active_employer(client, mailbox)
    pair = (
        await client.post(
            "/auth/login", json={"identifier": email, "password": PASSWORD}
        )
    ).json()
    assert (
        await client.post("/auth/logout", json={"token": pair["refresh_token"]})
    ).status_code == 204
    after = await client.post("/auth/refresh", json={"token": pair["refresh_token"]})
    assert error_code(after) == "token_invalid"


async def test_password_reset_with_expiry(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    email = await active_employer(client, mailbox)
    assert (
        await client.post("/passwords/reset-requests", json={"identifier": email})
    ).status_code == 202
    token = mailbox.link_token(email)
    weak = await client.post(
        "/passwords/reset", json={"token": token, "password": "faible"}
    )
    assert error_code(weak) == "weak_password"
    new_password = "Nouveau-Secret-2026"
    done = await client.post(
        "/passwords/reset", json={"token": token, "password": new_password}
    )
    assert done.status_code == 204
    old = await client.post(
        "/auth/login", json={"identifier": email, "password": PASSWORD}
    )
    assert error_code(old) == "invalid_credentials"
    ok = await client.post(
        "/auth/login", json={"identifier": email, "password": new_password}
    )
    assert ok.status_code == 200
    unknown = await client.post(
        "/passwords/reset-requests", json={"identifier": "inconnu@exemple.fr"}
    )
    assert unknown.status_code == 202


async def test_expired_link_is_refused(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    from identity.db import OneTimeToken

    email = unique_email()
    user_id = await signed_up(client, email=email)
    token = mailbox.link_token(email)
    async with sessions() as session, session.begin():
        await session.execute(
            update(OneTimeToken)
            .where(OneTimeToken.user_id == uuid.UUID(user_id))
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    expired = await client.post("/accounts/activation", json={"token": token})
    assert (expired.status_code, error_code(expired)) == (401, "token_expired")
    bogus = await client.post("/accounts/activation", json={"token": "n-importe-quoi"})
    assert error_code(bogus) == "token_invalid"


async def test_concurrent_sign_ups_with_one_email_make_one_account(
    client: httpx.AsyncClient,
) -> None:
    import asyncio

    email = unique_email()
    body = {"first_name": "A", "last_name": "B", "password": PASSWORD, "email": email}
    responses = await asyncio.gather(
        *(client.post("/accounts", json=body) for _ in range(4))
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409, 409, 409]
    assert {error_code(r) for r in responses if r.status_code == 409} == {
        "duplicate_email"
    }
