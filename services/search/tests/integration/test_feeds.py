"""The three feeds through the real Kafka into the real OpenSearch, as `main` and
`python -m search.worker` run them, then a pupil's search."""

import uuid
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch

from contracts import EventBase
from contracts.topics import APPLICATIONS, IDENTITY_SCHOOLS, OFFERS, Topic
from kit.auth import Principal, Role
from kit.messaging.publisher import KafkaPublisher, Record
from kit.testing.tokens import TokenFactory
from search.consumers import Feeds
from search.pupil_store import OpenSearchPupilDirectory
from search.settings import Settings
from search.testing import (
    address,
    application_event,
    http,
    offer_event,
    perimeter_changed,
    school_registered,
    search_app,
    weeks_changed,
)
from search.worker import running_indexer

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.opensearch,
    pytest.mark.asyncio(loop_scope="session"),
]

SCHOOL = "0350044H"  # collège Chateaubriand, Saint-Malo
SCHOOL_AT = (48.6509, -2.00601)
W03, W24 = "2027-W03", "2027-W24"
SAINT_MALO = address("Saint-Malo", "35400", 48.6465, -2.0076)
DINARD = address("Dinard", "35800", 48.6325, -2.0617)
RENNES = address("Rennes", "35000", 48.1045, -1.6775)  # 65 km away
OFFERS_BY_NAME: dict[str, dict[str, Any]] = {
    "on_w03": {"address": SAINT_MALO, "weeks": (W03,)},
    "on_w24": {"address": SAINT_MALO, "weeks": (W24,)},
    "full_on_w03": {"address": DINARD, "weeks": (W03, W24), "full_weeks": (W03,)},
    "rennes_on_w03": {"address": RENNES, "weeks": (W03,)},
    "applied": {"address": DINARD, "weeks": (W03,)},
    "refused": {"address": DINARD, "weeks": (W03,)},
}
IDS = {name: str(uuid.uuid4()) for name in OFFERS_BY_NAME}
NAMES = {offer_id: name for name, offer_id in IDS.items()}


def application(
    kind: str, status: Any, offer: str, app: uuid.UUID, pupil: uuid.UUID, minute: int
) -> EventBase:
    return application_event(
        kind,
        status,
        application_id=app,
        pupil_id=pupil,
        offer_id=IDS[offer],
        minute=minute,
    )


async def publish(servers: str, topic: Topic, events: list[EventBase]) -> None:
    publisher = KafkaPublisher(servers, client_id="search-feeds-test")
    await publisher.start()
    try:
        await publisher.send_all(
            [Record(topic.name, e.aggregate_id, e.to_json_bytes()) for e in events]
        )
    finally:
        await publisher.stop()


async def test_a_pupil_searches_with_what_the_feeds_brought(
    os_client: AsyncOpenSearch,
    opensearch_url: str,
    kafka_bootstrap_servers: str,
    new_alias: Any,
    twin_topic: Any,
    caught_up: Any,
) -> None:
    feeds = Feeds(
        offers=await twin_topic(OFFERS),
        schools=await twin_topic(IDENTITY_SCHOOLS),
        applications=await twin_topic(APPLICATIONS),
    )
    settings = Settings(
        opensearch_url=opensearch_url,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        index_alias=new_alias(),
        consumer_group=f"test-search-{uuid.uuid4().hex[:8]}",
    )
    pupil, applied, refused = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    registered = school_registered(SCHOOL, location=SCHOOL_AT, weeks=(W24,))
    submitted = application("submitted", "submitted", "refused", refused, pupil, 0)
    await publish(
        kafka_bootstrap_servers,
        feeds.offers,
        [offer_event(offer_id=IDS[n], **f) for n, f in OFFERS_BY_NAME.items()],
    )
    await publish(
        kafka_bootstrap_servers,
        feeds.schools,
        [
            registered,
            weeks_changed(SCHOOL, (W03,), minute=5),
            weeks_changed(SCHOOL, (W24,), minute=2),  # late: W03 stays
            registered,  # replayed: changes nothing
        ],
    )
    await publish(
        kafka_bootstrap_servers,
        feeds.applications,
        [
            application("submitted", "submitted", "applied", applied, pupil, 0),
            submitted,
            application("rejected", "rejected", "refused", refused, pupil, 3),
            submitted,  # replayed after the refusal: the offer stays visible
        ],
    )
    tokens = TokenFactory()
    token = tokens.issue(Principal(pupil, Role.PUPIL, school_uai=SCHOOL, grade="3e"))
    app = search_app(os_client, settings.index_alias, verifier=tokens.verifier())
    app.state.pupil_contexts = OpenSearchPupilDirectory(
        os_client, prefix=settings.index_alias
    )

    async def pupil_search() -> dict[str, Any]:
        await os_client.indices.refresh(index=f"{settings.index_alias}*")
        async with http(app) as api:
            reply = await api.get(
                "/offers/search", headers={"Authorization": f"Bearer {token}"}
            )
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        return body

    async with running_indexer(settings, os_client, feeds):
        for group, topic in (
            (settings.consumer_group, feeds.offers),
            (settings.school_consumer_group, feeds.schools),
            (settings.application_consumer_group, feeds.applications),
        ):
            await caught_up(group, topic)
        by_default = await pupil_search()
        await publish(
            kafka_bootstrap_servers,
            feeds.schools,
            [perimeter_changed(SCHOOL, national_search=True, minute=10)],
        )
        await caught_up(settings.school_consumer_group, feeds.schools)
        national = await pupil_search()

    # Around the school, 60 km, on the school's week W03 (not W24, the registered
    # one): not the offer full on W03, not the one applied to; the refused
    # application shows its offer again.
    assert [NAMES[h["offer_id"]] for h in by_default["results"]] == [
        "on_w03",
        "refused",
    ]
    criteria = by_default["criteria"]
    assert (criteria["weeks"], criteria["radius_km"]) == ([W03], 60)
    assert [NAMES[h["offer_id"]] for h in national["results"]] == [
        "on_w03",
        "refused",
        "rennes_on_w03",
    ]
    assert national["criteria"]["radius_km"] is None
