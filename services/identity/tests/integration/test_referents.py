"""Admins and referents over HTTP on the real database and SMTP sink."""

import uuid

import httpx
import pytest
from fastapi import FastAPI

from identity.handlers.referents import invite_admin
from identity.uow import UnitOfWork
from kit.auth import Role, TokenVerifier
from kit.testing.mail import Mailbox

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]
PASSWORD = "Correct-Horse-42!"


async def accept_and_login(
    client: httpx.AsyncClient, mailbox: Mailbox, email: str
) -> dict[str, str]:
    accepted = await client.post(
        "/invitations/acceptance",
        json={"token": mailbox.link_token(email), "password": PASSWORD},
    )
    assert accepted.status_code == 200, accepted.text
    login = await client.post(
        "/auth/login", json={"identifier": email, "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_admin_invites_an_academy_referent(
    app: FastAPI, client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    admin_email = f"admin-{uuid.uuid4().hex[:8]}@exemple.fr"
    uow = UnitOfWork(app.state.sessions, on_commit=app.state.after_commit)
    async with uow:
        await invite_admin(admin_email, uow, app.state.context)
    admin = await accept_and_login(client, mailbox, admin_email)
    referent_email = f"ref-{uuid.uuid4().hex[:8]}@ac-creteil.fr"
    body = {"email": referent_email, "role": "referent_academy", "academy": "Créteil"}
    created = await client.post("/referents", json=body, headers=admin)
    assert created.status_code == 201, created.text
    referent = await accept_and_login(client, mailbox, referent_email)
    verifier = TokenVerifier((await client.get("/.well-known/jwks.json")).json())
    principal = verifier.verify(referent["Authorization"].removeprefix("Bearer "))
    assert (principal.role, principal.academy) == (Role.REFERENT_ACADEMY, "Créteil")
    refused = await client.post(
        "/referents", json=body | {"email": "x@y.fr"}, headers=referent
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    missing = await client.post(
        "/referents", json={"email": "z@y.fr", "role": "referent_region"}, headers=admin
    )
    assert missing.json()["error"]["code"] == "invalid_input"
    anonymous = await client.post("/referents", json=body)
    assert anonymous.status_code == 401

    found = await client.get("/users", params={"q": referent_email[:12]}, headers=admin)
    assert [(u["email"], u["role"], u["activated"]) for u in found.json()] == [
        (referent_email, "referent_academy", True)
    ]
    assert "password_hash" not in found.json()[0]
    peek = await client.get("/users", params={"q": "admin"}, headers=referent)
    assert (peek.status_code, peek.json()["error"]["code"]) == (403, "forbidden")


async def test_operator_api_key_is_verified_like_any_access_token(
    app: FastAPI, client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    from sqlalchemy import select

    from identity.db import ApiToken

    admin_email = f"admin-{uuid.uuid4().hex[:8]}@exemple.fr"
    uow = UnitOfWork(app.state.sessions, on_commit=app.state.after_commit)
    async with uow:
        await invite_admin(admin_email, uow, app.state.context)
    admin = await accept_and_login(client, mailbox, admin_email)
    operator_email = f"api-{uuid.uuid4().hex[:8]}@partenaire.fr"
    name = f"Partenaire {uuid.uuid4().hex[:6]}"
    created = await client.post(
        "/operators", json={"name": name, "email": operator_email}, headers=admin
    )
    assert created.status_code == 201, created.text
    operator = await accept_and_login(client, mailbox, operator_email)
    issued = await client.post("/operators/api-tokens", headers=operator)
    assert issued.status_code == 201
    verifier = TokenVerifier((await client.get("/.well-known/jwks.json")).json())
    principal = verifier.verify(issued.json()["token"])
    assert (principal.role, str(principal.operator_id)) == (
        Role.OPERATOR,
        created.json()["id"],
    )
    async with app.state.sessions() as session:
        audit = await session.scalar(
            select(ApiToken).where(ApiToken.jti == issued.json()["jti"])
        )
    assert audit is not None
    refused = await client.post("/operators/api-tokens", headers=admin)
    assert refused.json()["error"]["code"] == "forbidden"
