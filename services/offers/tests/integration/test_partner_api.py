"""Partner API v1/v2 on a real PostgreSQL: every status and code of the contracts."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from offers.db import SqlOfferRepository
from offers.domain.errors import DuplicateRemoteId
from offers.handlers import Owner, new_offer
from offers.testing import catalog, content

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

NewOperator = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def new_operator(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> NewOperator:
    async def create(quota: int | None = None) -> dict[str, str]:
        email = f"op-{uuid.uuid4().hex[:8]}@partenaire.fr"
        password = "mot-de-passe-solide"
        response = await client.post(
            "/admin/operators",
            json={"name": "JobIRL", "email": email, "password": password}
            | ({"quota_per_minute": quota} if quota else {}),
            headers=admin_headers,
        )
        assert response.status_code == 201, response.text
        created: dict[str, str] = response.json()
        return created | {"email": email, "password": password}

    return create


Auth = Callable[[int], Awaitable[dict[str, str]]]


@pytest.fixture
def auth(client: httpx.AsyncClient, new_operator: NewOperator) -> Auth:
    """Headers of a new operator: its API token (v1) or a login token (v2)."""

    async def headers(version: int) -> dict[str, str]:
        operator = await new_operator()
        if version == 1:
            return bearer(operator["api_token"])
        login = await client.post(
            "/api/v2/auth/login",
            json={"email": operator["email"], "password": operator["password"]},
        )
        return bearer(login.json()["token"])

    return headers


def v1_offer(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "remote_id": f"R-{uuid.uuid4().hex[:8]}",
        "title": "Stage d'observation du métier de chef de service",
        "description": "Découverte de la logistique",
        "employer_name": "BNP Paribas",
        "employer_description": "Banque",
        "street": "16 rue de la paix",
        "city": "Paris",
        "zipcode": "75002",
        "coordinates": {"latitude": 48.8686, "longitude": 2.3314},
        "weeks": ["2027-W03", "2027-W04"],
        "max_candidates": 3,
        "is_public": False,
        "sector_id": {"id": 1, "sector_uuid": "b7564ac4-e184-41c4-a7a9-57233a9d244a"},
        "permalink": "https://partenaire.fr/offres/1",
    }
    return fields | overrides


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_v1_create_update_delete(
    client: httpx.AsyncClient, new_operator: NewOperator
) -> None:
    auth = bearer((await new_operator())["api_token"])
    offer = v1_offer()
    created = await client.post("/api/v1/internship_offers", json=offer, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "published"
    path = f"/api/v1/internship_offers/{offer['remote_id']}"
    hidden = await client.patch(path, json={"published_at": None}, headers=auth)
    assert (hidden.status_code, hidden.json()["status"]) == (200, "unpublished")
    moved = await client.patch(
        path,
        json={"title": "Nouveau", "published_at": "2026-11-24T10:00:00Z"},
        headers=auth,
    )
    assert (moved.json()["status"], moved.json()["title"]) == ("published", "Nouveau")
    deleted = await client.delete(path, headers=auth)
    assert (deleted.status_code, deleted.json()["status"]) == (200, "removed")
    again = await client.delete(path, headers=auth)
    assert again.json() == {
        "code": "NOT_FOUND",
        "error": again.json()["error"],
        "status": "not_found",
    }


@pytest.mark.parametrize("version", [1, 2])
async def test_remote_id_is_unique_per_operator(
    client: httpx.AsyncClient, auth: Auth, version: int
) -> None:
    offers = f"/api/v{version}/internship_offers"
    mine, theirs = await auth(version), await auth(version)
    offer = v1_offer()
    await client.post(offers, json=offer, headers=mine)
    duplicate = await client.post(offers, json=offer, headers=mine)
    assert (duplicate.status_code, duplicate.json()["code"]) == (
        409,
        "DUPLICATE_WEEKY_FRAMED",
    )
    assert duplicate.json()["status"] == "conflict"
    same_id_elsewhere = await client.post(offers, json=offer, headers=theirs)
    assert same_id_elsewhere.status_code == 201
    other = v1_offer()
    await client.post(offers, json=other, headers=mine)
    path = f"{offers}/{other['remote_id']}"
    forbidden = await client.patch(path, json={"title": "x"}, headers=theirs)
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "FORBIDDEN")
    assert (await client.delete(path, headers=theirs)).status_code == 403
    unknown = await client.patch(f"{path}-x", json={"title": "x"}, headers=mine)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    gone = await client.delete(f"{path}-x", headers=mine)
    assert (gone.status_code, gone.json()["status"]) == (404, "not_found")


REFUSALS = [
    ({"title": None}, 422, "BAD_ARGUMENT"),
    ({"weeks": ["2027-W99"]}, 422, "BAD_ARGUMENT"),
    ({"max_candidates": "beaucoup"}, 422, "BAD_ARGUMENT"),
    ({"description": "x" * 1501}, 422, "BAD_ARGUMENT"),
    ({"siret": "89338184800018"}, 406, "VALIDATION_ERROR"),
    ({"sector_id": str(uuid.UUID(int=1))}, 406, "VALIDATION_ERROR"),
    ({"sector_id": "Santé"}, 406, "VALIDATION_ERROR"),
    ({"weeks": ["2027-W32"]}, 406, "VALIDATION_ERROR"),
    (
        {"coordinates": None, "zipcode": "99999", "city": "Nulle-Part"},
        406,
        "VALIDATION_ERROR",
    ),
]


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(("overrides", "status", "code"), REFUSALS)
async def test_refusals_follow_the_contract(
    client: httpx.AsyncClient,
    auth: Auth,
    version: int,
    overrides: dict[str, Any],
    status: int,
    code: str,
) -> None:
    payload = {k: v for k, v in v1_offer(**overrides).items() if v is not None}
    response = await client.post(
        f"/api/v{version}/internship_offers", json=payload, headers=await auth(version)
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["error"]


async def test_v1_descriptions_stop_at_500_characters(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    response = await client.post(
        "/api/v1/internship_offers",
        json=v1_offer(description="x" * 501),
        headers=await auth(1),
    )
    assert (response.status_code, response.json()["code"]) == (422, "BAD_ARGUMENT")


async def test_unauthenticated_calls_are_refused(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/internship_offers", "/api/v2/internship_offers"):
        for headers in ({}, bearer("faux")):
            response = await client.get(path, headers=headers)
            assert response.status_code == 401
            assert response.json()["code"] == "UNAUTHORIZED"


async def test_v2_login_then_create_with_a_period(
    client: httpx.AsyncClient, new_operator: NewOperator
) -> None:
    operator = await new_operator()
    wrong = await client.post(
        "/api/v2/auth/login", json={"email": operator["email"], "password": "non"}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (401, "UNAUTHORIZED")
    login = await client.post(
        "/api/v2/auth/login",
        json={"email": operator["email"], "password": operator["password"]},
    )
    auth = bearer(login.json()["token"])
    v1_token_on_v2 = await client.get(
        "/api/v2/internship_offers", headers=bearer(operator["api_token"])
    )
    assert v1_token_on_v2.status_code == 401
    payload = v1_offer(period=0, sector_uuid="b7564ac4-e184-41c4-a7a9-57233a9d244a")
    del payload["weeks"], payload["sector_id"]
    created = await client.post("/api/v2/internship_offers", json=payload, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["grades"] == ["seconde"]
    assert len(created.json()["weeks"]) == 2
    listed = await client.get("/api/v2/internship_offers", headers=auth)
    assert [o["remote_id"] for o in listed.json()] == [payload["remote_id"]]
    near = await client.get(
        "/api/v2/internship_offers/search",
        params={
            "latitude": 48.86,
            "longitude": 2.33,
            "radius": 5000,
            "keyword": "chef",
        },
        headers=auth,
    )
    far = await client.get(
        "/api/v2/internship_offers/search",
        params={"latitude": 43.3, "longitude": 5.4, "radius": 5000},
        headers=auth,
    )
    assert (len(near.json()), len(far.json())) == (1, 0)


async def test_quota_per_operator_gives_429(
    client: httpx.AsyncClient, new_operator: NewOperator
) -> None:
    limited = bearer((await new_operator(quota=3))["api_token"])
    other = bearer((await new_operator())["api_token"])
    statuses = [
        (await client.get("/api/v1/sectors", headers=limited)).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = await client.get("/api/v1/sectors", headers=limited)
    assert refused.json()["code"] == "TOO_MANY_REQUESTS"
    assert (await client.get("/api/v1/sectors", headers=other)).status_code == 200


async def test_v2_login_attempts_are_limited(
    client: httpx.AsyncClient, new_operator: NewOperator
) -> None:
    operator = await new_operator()
    wrong = {"email": operator["email"], "password": "non"}
    statuses = [
        (await client.post("/api/v2/auth/login", json=wrong)).status_code
        for _ in range(11)
    ]
    assert statuses == [401] * 10 + [429]


async def test_v2_quota_gives_429(
    client: httpx.AsyncClient, new_operator: NewOperator
) -> None:
    operator = await new_operator(quota=2)
    login = await client.post(
        "/api/v2/auth/login",
        json={"email": operator["email"], "password": operator["password"]},
    )
    headers = bearer(login.json()["token"])
    responses = [
        await client.get("/api/v2/internship_offers", headers=headers) for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].json() == {
        "code": "TOO_MANY_REQUESTS",
        "error": responses[2].json()["error"],
        "status": "too_many_requests",
    }


async def test_sectors_and_openapi_are_served(
    client: httpx.AsyncClient, new_operator: NewOperator
) -> None:
    auth = bearer((await new_operator())["api_token"])
    sectors = (await client.get("/api/v1/sectors", headers=auth)).json()
    assert {
        "id": 1,
        "sector_uuid": sectors[0]["sector_uuid"],
        "name": "Mode",
    } in sectors
    document = (await client.get("/openapi.json")).json()
    assert "/api/v1/internship_offers/{remote_id}" in document["paths"]
    assert "/api/v2/auth/login" in document["paths"]


async def test_v1_token_may_come_in_the_query(
    client: httpx.AsyncClient, new_operator: NewOperator
) -> None:
    token = (await new_operator())["api_token"]
    response = await client.get("/api/v1/internship_offers", params={"token": token})
    assert response.status_code == 200


async def test_a_racing_duplicate_is_still_a_409(
    app: FastAPI, new_operator: NewOperator
) -> None:
    source = f"api:{(await new_operator())['id']}"
    offer = new_offer(content(), catalog(), owner=Owner(None, source), remote_id="R")
    twin = replace(offer, id=uuid.uuid4())
    async with app.state.sessions() as session, session.begin():
        repository = SqlOfferRepository(session)
        await repository.add(offer)
        with pytest.raises(DuplicateRemoteId):
            await repository.add(twin)
