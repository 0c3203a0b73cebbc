import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from httpx import AsyncClient
from opensearchpy import AsyncOpenSearch

from contracts import EventBase
from kit.auth import Principal, Role
from kit.testing.tokens import TokenFactory
from search.index import ensure_index
from search.indexer import BulkIndexer, event_action
from search.pupil_store import OpenSearchPupilDirectory
from search.pupils import InMemoryPupilDirectory, PupilEventHandler, PupilModel
from search.testing import (
    address,
    application_event,
    http,
    offer_event,
    search_app,
    weeks_changed,
)

pytestmark = [pytest.mark.opensearch, pytest.mark.asyncio(loop_scope="session")]

SAINT_MALO_SCHOOL = "0350044H"  # collège Chateaubriand, Saint-Malo
OTHER_SCHOOL = "0650050B"
BANK = "6a8f813b-c338-4d4f-a4cd-99a28748b57d"
MODE = "b7564ac4-e184-41c4-a7a9-57233a9d244a"
SAINT_MALO = address("Saint-Malo", "35400", 48.6465, -2.0076)
DINARD = address("Dinard", "35800", 48.6325, -2.0617)
CANCALE = address("Cancale", "35260", 48.6762, -1.8514)
RENNES = address("Rennes", "35000", 48.1045, -1.6775)

CATALOG: dict[str, dict[str, Any]] = {
    "bakery": {"title": "Découverte des boulangeries", "address": SAINT_MALO},
    "bank": {
        "title": "Métiers de la banque",
        "employer_name": "Banque de l'Ouest",
        "sector_id": uuid.UUID(BANK),
        "sector_name": "Banque et assurance",
        "address": DINARD,
        "is_public": True,
        "weeks": ("2027-W24",),
    },
    "hospital": {
        "title": "Hôpital: accueil des patients",
        "address": CANCALE,
        "grades": ("2de",),
        "remote": True,
        "accessible": True,
    },
    "rennes": {"title": "Atelier de pâtisserie", "address": RENNES},
    "reserved_here": {
        "title": "Stage réservé au collège",
        "address": SAINT_MALO,
        "reserved_school_uais": (SAINT_MALO_SCHOOL,),
    },
    "reserved_elsewhere": {
        "title": "Stage réservé ailleurs",
        "address": SAINT_MALO,
        "reserved_school_uais": (OTHER_SCHOOL,),
    },
    "past": {"title": "Stage passé", "address": SAINT_MALO, "weeks": ("2025-W10",)},
}
IDS = {name: str(uuid.uuid4()) for name in [*CATALOG, "full", "unpublished"]}


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def catalog(os_client: AsyncOpenSearch) -> AsyncIterator[str]:
    alias = f"test-search-catalog-{uuid.uuid4().hex[:8]}"
    await ensure_index(os_client, alias)
    events = [
        offer_event(
            offer_id=IDS[n],
            **({"employer_name": f"Hôte {n}", "description": "Observation."} | f),
        )
        for n, f in CATALOG.items()
    ]
    events.append(offer_event(offer_id=IDS["unpublished"], address=SAINT_MALO))
    events.append(offer_event("unpublished", offer_id=IDS["unpublished"], version=2))
    weeks = ("2027-W03", "2027-W24")
    events.append(
        offer_event(
            offer_id=IDS["full"], address=SAINT_MALO, weeks=weeks, full_weeks=weeks
        )
    )
    actions = [a for a in map(event_action, events) if a is not None]
    await BulkIndexer(os_client, index=alias).submit_all(actions)
    await os_client.indices.refresh(index=alias)
    yield alias


@pytest.fixture(scope="module")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture
def directory() -> InMemoryPupilDirectory:
    return InMemoryPupilDirectory()


@pytest_asyncio.fixture(loop_scope="session")
async def api(
    os_client: AsyncOpenSearch,
    catalog: str,
    tokens: TokenFactory,
    directory: InMemoryPupilDirectory,
) -> AsyncIterator[AsyncClient]:
    app = search_app(
        os_client, catalog, directory=directory, verifier=tokens.verifier()
    )
    async with http(app) as client:
        yield client


def names(page: dict[str, Any]) -> list[str]:
    by_id = {offer_id: name for name, offer_id in IDS.items()}
    return [by_id[hit["offer_id"]] for hit in page["results"]]


async def search(api: AsyncClient, **params: Any) -> dict[str, Any]:
    reply = await api.get("/offers/search", params=params)
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


async def test_a_visitor_sees_only_open_public_offers(api: AsyncClient) -> None:
    page = await search(api)

    assert sorted(names(page)) == ["bakery", "bank", "hospital", "rennes"]


async def test_a_visible_offer_reads_by_id_and_a_hidden_one_does_not(
    api: AsyncClient,
) -> None:
    page = await search(api)
    hit = page["results"][0]
    detail = await api.get(f"/offers/{hit['offer_id']}")
    assert detail.status_code == 200
    assert detail.json()["title"] == hit["title"]
    assert "description" in detail.json()
    missing = await api.get(f"/offers/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "offer_not_found"


async def test_results_around_a_city_come_nearest_first(api: AsyncClient) -> None:
    page = await search(api, place="Saint-Malo", radius_km=30)

    assert names(page) == ["bakery", "bank", "hospital"]
    distances = [hit["distance_km"] for hit in page["results"]]
    assert distances == sorted(distances)
    assert page["criteria"]["sort"] == "distance"


async def test_a_zero_radius_means_the_very_place(api: AsyncClient) -> None:
    page = await search(
        api, lat=RENNES.location.lat, lon=RENNES.location.lon, radius_km=0
    )

    assert names(page) == ["rennes"]


async def test_a_postal_code_or_coordinates_are_places_too(api: AsyncClient) -> None:
    by_code = await search(api, place="35400", radius_km=2)
    by_point = await search(api, lat=48.1045, lon=-1.6775, radius_km=5)

    assert sorted(names(by_code)) == ["bakery"]
    assert names(by_point) == ["rennes"]


async def test_keyword_is_stemmed_accent_and_typo_tolerant(api: AsyncClient) -> None:
    assert names(await search(api, q="boulangerie")) == ["bakery"]
    assert names(await search(api, q="hopital")) == ["hospital"]
    assert names(await search(api, q="boulnagerie")) == ["bakery"]
    assert names(await search(api, q="pâtis")) == ["rennes"]


async def test_filters_narrow_the_results(api: AsyncClient) -> None:
    assert names(await search(api, sector=BANK)) == ["bank"]
    assert names(await search(api, week="2027-W24", public=True)) == ["bank"]
    assert names(await search(api, grade="2de")) == ["hospital"]
    assert names(await search(api, remote=True, accessible=True)) == ["hospital"]
    assert "bank" not in names(await search(api, week="2027-W03"))


async def test_facets_count_every_sector_whatever_the_sector_filter(
    api: AsyncClient,
) -> None:
    page = await search(api, sector=BANK)

    counts = {f["sector_name"]: f["count"] for f in page["facets"]}
    assert counts == {"Mode": 3, "Banque et assurance": 1}


async def test_no_suggestion_matches_either_gives_an_empty_page(
    api: AsyncClient,
) -> None:
    page = await search(
        api, q="astronaute", place="Saint-Malo", sector=str(uuid.uuid4())
    )

    assert page["is_suggestion"] is False
    assert page["total"] == 0


async def test_suggestions_widen_the_radius_then_drop_the_keyword(
    api: AsyncClient,
) -> None:
    wider = await search(api, q="hôpital", lat=48.6325, lon=-2.0617, radius_km=3)
    without_keyword = await search(
        api, q="astronaute", lat=48.6325, lon=-2.0617, radius_km=3
    )

    assert (wider["is_suggestion"], wider["suggestion_kind"]) == (True, "wider_radius")
    assert names(wider) == ["hospital"]
    assert wider["criteria"]["radius_km"] == 60
    assert without_keyword["suggestion_kind"] == "without_keyword"
    assert names(without_keyword) == ["bank", "bakery", "hospital"]


async def test_a_pupil_gets_their_school_defaults_and_hiding_rules(
    api: AsyncClient, tokens: TokenFactory, directory: InMemoryPupilDirectory
) -> None:
    pupil = uuid.uuid4()
    await feed(
        directory,
        weeks_changed(SAINT_MALO_SCHOOL, ("2027-W03",), minute=1),
        applied(pupil, IDS["bakery"], minute=1),
    )
    token = tokens.issue(_pupil(pupil, grade="3e"))

    page = (
        await api.get("/offers/search", headers={"Authorization": f"Bearer {token}"})
    ).json()

    # Around the school (public position), 60 km: Rennes is 65 km away; week W03
    # rules out the bank; 3e rules out the hospital; the bakery was applied to.
    assert names(page) == ["reserved_here"]
    assert page["criteria"]["radius_km"] == 60
    assert page["criteria"]["weeks"] == ["2027-W03"]
    assert page["criteria"]["grade"] == "3e"


async def test_a_pupil_may_override_their_defaults(
    api: AsyncClient, tokens: TokenFactory
) -> None:
    token = tokens.issue(_pupil(uuid.uuid4(), grade="3e"))

    page = (
        await api.get(
            "/offers/search",
            params={"place": "Rennes", "radius_km": 10, "grade": "3e"},
            headers={"Authorization": f"Bearer {token}"},
        )
    ).json()

    assert names(page) == ["rennes"]


async def test_an_invalid_token_is_refused_in_french(api: AsyncClient) -> None:
    reply = await api.get("/offers/search", headers={"Authorization": "Bearer x.y.z"})

    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "token_invalid"


async def test_an_unknown_place_is_a_clear_error(api: AsyncClient) -> None:
    reply = await api.get("/offers/search", params={"place": "Atlantide"})

    assert reply.status_code == 422
    assert reply.json()["error"] == {
        "code": "place_not_found",
        "message": "Lieu introuvable: « Atlantide ».",
    }


async def test_invalid_criteria_are_refused_in_french(api: AsyncClient) -> None:
    reply = await api.get(
        "/offers/search", params={"week": "2027-53", "radius_km": 100}
    )

    assert reply.status_code == 422
    assert reply.json()["error"] == {
        "code": "invalid_search",
        "message": "Critères de recherche invalides: radius_km, week.0.",
        "details": {"fields": ["radius_km", "week.0"]},
    }


async def test_keyword_and_city_autocomplete(api: AsyncClient) -> None:
    titles = (await api.get("/offers/autocomplete", params={"q": "boul"})).json()
    cities = (await api.get("/places/autocomplete", params={"q": "saint-ma"})).json()

    assert [t["text"] for t in titles] == ["Découverte des boulangeries"]
    assert "Saint-Malo" in [c["city"] for c in cities]


async def feed(model: PupilModel, *events: EventBase) -> None:
    handler = PupilEventHandler(model)
    for event in events:
        await handler(event)


def applied(
    pupil: uuid.UUID,
    offer_id: str,
    *,
    minute: int,
    application: uuid.UUID | None = None,
) -> EventBase:
    return application_event(
        "submitted",
        "submitted",
        application_id=application or uuid.uuid4(),
        pupil_id=pupil,
        offer_id=offer_id,
        minute=minute,
    )


def _pupil(user_id: uuid.UUID, *, grade: str) -> Principal:
    return Principal(
        user_id=user_id, role=Role.PUPIL, school_uai=SAINT_MALO_SCHOOL, grade=grade
    )


async def test_the_shared_pupil_directory_feeds_the_same_defaults(
    os_client: AsyncOpenSearch, catalog: str, tokens: TokenFactory
) -> None:
    directory = OpenSearchPupilDirectory(os_client, prefix=catalog)
    await directory.ensure_indices()
    pupil, application = uuid.uuid4(), uuid.uuid4()
    await feed(
        directory,
        weeks_changed(SAINT_MALO_SCHOOL, ("2027-W03",), minute=2),
        weeks_changed(SAINT_MALO_SCHOOL, ("2027-W24",), minute=1),
        applied(pupil, IDS["bakery"], minute=1),
        applied(pupil, IDS["reserved_here"], minute=1, application=application),
        application_event(
            "rejected",
            "rejected",
            application_id=application,
            pupil_id=pupil,
            offer_id=IDS["reserved_here"],
            minute=2,
        ),
    )
    await os_client.indices.refresh(index=f"{catalog}-applications")
    app = search_app(os_client, catalog, verifier=tokens.verifier())
    app.state.pupil_contexts = directory
    token = tokens.issue(_pupil(pupil, grade="3e"))

    async with http(app) as client:
        reply = await client.get(
            "/offers/search", headers={"Authorization": f"Bearer {token}"}
        )

    assert names(reply.json()) == ["reserved_here"]
    assert reply.json()["criteria"]["weeks"] == ["2027-W03"]
