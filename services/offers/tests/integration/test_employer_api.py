"""The employer API on a real PostgreSQL: lifecycle, events in the outbox, errors."""

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from offers.db import offers
from offers.testing import body, events_of

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

Headers = Callable[..., dict[str, str]]


async def test_lifecycle_writes_one_versioned_event_per_change(
    client: httpx.AsyncClient, app: FastAPI, employer: Headers
) -> None:
    team = employer()
    created = await client.post("/offers", json=body(), headers=team)
    assert created.status_code == 201, created.text
    offer = created.json()
    assert (offer["status"], offer["placement"]) == ("draft", "city")
    offer_id = offer["id"]
    for action in ("publish", "unpublish", "publish"):
        response = await client.post(f"/offers/{offer_id}/{action}", headers=team)
        assert response.status_code == 200, response.text
    edited = await client.put(
        f"/offers/{offer_id}", json=body(title="Pâtisserie"), headers=team
    )
    assert edited.json()["version"] == 5
    removed = await client.post(f"/offers/{offer_id}/remove", headers=team)
    assert removed.json()["status"] == "removed"
    events = await events_of(app, offer_id)
    assert [(e.event_type, e.version, e.status) for e in events] == [
        ("offer.drafted", 1, "draft"),
        ("offer.published", 2, "published"),
        ("offer.unpublished", 3, "unpublished"),
        ("offer.published", 4, "published"),
        ("offer.updated", 5, "published"),
        ("offer.removed", 6, "removed"),
    ]
    assert events[4].offer.title == "Pâtisserie"
    assert events[4].offer.address.department_code == "58"
    assert events[4].offer.address.location_precision == "city"
    gone = await client.get(f"/offers/{offer_id}", headers=team)
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "offer_not_found")


async def test_team_members_share_offers_and_others_are_refused(
    client: httpx.AsyncClient, employer: Headers
) -> None:
    team_id = uuid.uuid4()
    created = await client.post("/offers", json=body(), headers=employer(team_id))
    offer_id = created.json()["id"]
    mate = await client.get(f"/offers/{offer_id}", headers=employer(team_id))
    assert mate.status_code == 200
    listed = await client.get("/offers", headers=employer(team_id))
    assert [o["id"] for o in listed.json()] == [offer_id]
    drafts = await client.get("/offers?status=draft", headers=employer(team_id))
    published = await client.get("/offers?status=published", headers=employer(team_id))
    assert (len(drafts.json()), len(published.json())) == (1, 0)
    stranger = await client.post(f"/offers/{offer_id}/publish", headers=employer())
    assert (stranger.status_code, stranger.json()["error"]["code"]) == (
        403,
        "offer_forbidden",
    )


async def test_duplicate_and_renew_make_drafts(
    client: httpx.AsyncClient, employer: Headers
) -> None:
    team = employer()
    offer_id = (await client.post("/offers", json=body(), headers=team)).json()["id"]
    copy = await client.post(f"/offers/{offer_id}/duplicate", headers=team)
    renewed = await client.post(f"/offers/{offer_id}/renew", headers=team)
    assert copy.status_code == renewed.status_code == 201
    assert copy.json()["copied_from"] == offer_id
    assert renewed.json()["content"]["weeks"] == ["2028-W03", "2028-W04"]
    assert renewed.json()["school_year"] == 2027


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"siret": "89338184800018"}, 422, "siret_invalid"),
        ({"is_public": True}, 422, "ministry_required"),
        ({"postal_code": "99999", "city": "Nulle-Part"}, 422, "address_not_placed"),
        ({"weeks": ["2027-W99"]}, 422, "invalid_request"),
        ({"title": ""}, 422, "invalid_request"),
    ],
)
async def test_bad_offers_get_a_french_message_and_a_stable_code(
    client: httpx.AsyncClient,
    employer: Headers,
    overrides: dict[str, Any],
    status: int,
    code: str,
) -> None:
    response = await client.post("/offers", json=body(**overrides), headers=employer())
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


async def test_transition_not_allowed_is_a_conflict(
    client: httpx.AsyncClient, employer: Headers
) -> None:
    team = employer()
    offer_id = (await client.post("/offers", json=body(), headers=team)).json()["id"]
    response = await client.post(f"/offers/{offer_id}/unpublish", headers=team)
    assert response.status_code == 409
    assert "Impossible de retirer" in response.json()["error"]["message"]


async def test_only_employers_write_offers(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    anonymous = await client.get("/offers")
    admin = await client.get("/offers", headers=admin_headers)
    assert anonymous.status_code == 401
    assert admin.status_code == 403


async def test_daily_job_flags_past_offers(
    client: httpx.AsyncClient,
    app: FastAPI,
    employer: Headers,
    admin_headers: dict[str, str],
) -> None:
    team = employer()
    offer_id = (
        await client.post("/offers?publish=true", json=body(), headers=team)
    ).json()["id"]
    async with app.state.sessions() as session, session.begin():
        await session.execute(
            offers.update().where(offers.c.id == offer_id).values(seats_taken=2)
        )
    response = await client.post("/admin/jobs/flag-stale", headers=admin_headers)
    assert response.json()["flagged"] >= 1
    offer = (await client.get(f"/offers/{offer_id}", headers=team)).json()
    assert offer["status"] == "needs_update"
