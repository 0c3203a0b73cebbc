"""The application step against fake services: it waits for the applications
service to learn the offer and the pupil from Kafka, and applies only once."""

import json
from types import ModuleType

import httpx
import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")
OFFER = "0b8c3f5e-1c1a-4a39-8d9e-9a3c1b0c2d11"
WEEK = "2027-W05"


def identity() -> httpx.AsyncClient:
    def reply(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/auth/login"
        return httpx.Response(200, json={"access_token": "jeton"})

    return httpx.AsyncClient(
        transport=httpx.MockTransport(reply), base_url="http://identity"
    )


def applications(
    mine: list[object], refusals: int, posts: list[httpx.Request]
) -> httpx.AsyncClient:
    def reply(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=mine)
        posts.append(request)
        if len(posts) <= refusals:
            return httpx.Response(404, json={"error": {"code": "offer_unknown"}})
        return httpx.Response(201, json={"id": "x"})

    return httpx.AsyncClient(
        transport=httpx.MockTransport(reply), base_url="http://applications"
    )


async def test_a_refusal_while_the_service_catches_up_is_retried(
    demo_script: ModuleType,
) -> None:
    posts: list[httpx.Request] = []

    applied = await demo_script.application_step(
        applications([], 2, posts), identity(), OFFER, WEEK, pause=0
    )

    assert applied is True
    assert len(posts) == 3
    assert posts[-1].headers["Authorization"] == "Bearer jeton"
    assert json.loads(posts[-1].content)["weeks"] == [WEEK]


async def test_a_pupil_who_applied_already_applies_no_more(
    demo_script: ModuleType,
) -> None:
    posts: list[httpx.Request] = []

    applied = await demo_script.application_step(
        applications([{"id": "x"}], 0, posts), identity(), OFFER, WEEK, pause=0
    )

    assert applied is False
    assert posts == []


async def test_refusals_past_the_wait_stop_the_step_with_the_reason(
    demo_script: ModuleType,
) -> None:
    posts: list[httpx.Request] = []

    with pytest.raises(demo_script.DemoError, match="offer_unknown"):
        await demo_script.application_step(
            applications([], 1000, posts),
            identity(),
            OFFER,
            WEEK,
            wait_seconds=0,
            pause=0,
        )
    assert len(posts) == 1
