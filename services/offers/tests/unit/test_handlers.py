import uuid
from datetime import date

import pytest

from offers import handlers
from offers.domain.errors import (
    InvalidOffer,
    NotYourOffer,
    OfferNotFound,
    TransitionNotAllowed,
)
from offers.domain.model import Tutor
from offers.handlers import Owner
from offers.testing import FakeUnitOfWork, catalog, content

TEAM = Owner(uuid.uuid4())
pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def created(uow: FakeUnitOfWork, *, publish_now: bool = False) -> uuid.UUID:
    offer = await handlers.create_offer(
        uow, content(), catalog(), owner=TEAM, publish_now=publish_now
    )
    return offer.id


class TestCreate:
    async def test_a_draft_is_written_with_a_drafted_event(
        self, uow: FakeUnitOfWork
    ) -> None:
        offer_id = await created(uow)
        [event] = uow.events
        assert event.event_type == "offer.drafted"
        assert (event.version, event.status) == (1, "draft")  # type: ignore[attr-defined]
        assert uow.committed.rows[offer_id].status == "draft"

    async def test_publish_now_is_one_change(self, uow: FakeUnitOfWork) -> None:
        await created(uow, publish_now=True)
        assert [(e.event_type, e.version) for e in uow.events] == [  # type: ignore[attr-defined]
            ("offer.published", 1)
        ]

    async def test_snapshot_carries_the_searchable_fields(
        self, uow: FakeUnitOfWork
    ) -> None:
        await created(uow)
        snapshot = uow.events[0].offer  # type: ignore[attr-defined]
        assert snapshot.address.department_code == "75"
        assert snapshot.sector_name == "Mode"
        assert snapshot.daily_hours == {"lundi": ("09:00", "17:00")}

    async def test_the_tutor_address_is_where_the_employer_hears_of_applications(
        self, uow: FakeUnitOfWork
    ) -> None:
        tutor = Tutor(name="Léa Martin", email="lea@boulangerie-martin.fr")
        await handlers.create_offer(uow, content(tutor=tutor), catalog(), owner=TEAM)
        await created(uow)
        snapshots = [event.offer for event in uow.events]  # type: ignore[attr-defined]
        assert [s.contact_email for s in snapshots] == [
            "lea@boulangerie-martin.fr",
            None,
        ]

    async def test_an_invalid_offer_writes_nothing(self, uow: FakeUnitOfWork) -> None:
        with pytest.raises(InvalidOffer):
            await handlers.create_offer(
                uow, content(siret="12345678901234"), catalog(), owner=TEAM
            )
        assert uow.events == []
        assert uow.committed.rows == {}


class TestLifecycle:
    async def test_publish_unpublish_remove_each_bump_the_version(
        self, uow: FakeUnitOfWork
    ) -> None:
        offer_id = await created(uow)
        for transition in ("publish", "unpublish", "publish", "remove"):
            await handlers.change_status(uow, offer_id, transition, owner=TEAM)
        assert [e.event_type for e in uow.events] == [
            "offer.drafted",
            "offer.published",
            "offer.unpublished",
            "offer.published",
            "offer.removed",
        ]
        assert [e.version for e in uow.events] == [1, 2, 3, 4, 5]  # type: ignore[attr-defined]

    async def test_a_draft_cannot_be_unpublished(self, uow: FakeUnitOfWork) -> None:
        offer_id = await created(uow)
        with pytest.raises(TransitionNotAllowed) as error:
            await handlers.change_status(uow, offer_id, "unpublish", owner=TEAM)
        assert "retirer" in error.value.message

    async def test_a_removed_offer_is_gone(self, uow: FakeUnitOfWork) -> None:
        offer_id = await created(uow)
        await handlers.change_status(uow, offer_id, "remove", owner=TEAM)
        with pytest.raises(OfferNotFound):
            await handlers.get_offer(uow, offer_id, owner=TEAM)

    async def test_another_team_cannot_touch_it(self, uow: FakeUnitOfWork) -> None:
        offer_id = await created(uow)
        with pytest.raises(NotYourOffer):
            await handlers.change_status(
                uow, offer_id, "publish", owner=Owner(uuid.uuid4())
            )

    async def test_a_past_offer_cannot_be_published(self, uow: FakeUnitOfWork) -> None:
        offer = await handlers.create_offer(
            uow, content(weeks=("2025-W03",)), catalog(), owner=TEAM
        )
        with pytest.raises(InvalidOffer) as error:
            await handlers.change_status(uow, offer.id, "publish", owner=TEAM)
        assert error.value.code == "publish_blocked_weeks"


class TestEditCopyRenew:
    async def test_edit_emits_updated_with_the_new_content(
        self, uow: FakeUnitOfWork
    ) -> None:
        offer_id = await created(uow, publish_now=True)
        await handlers.edit_offer(
            uow, offer_id, content(title="Nouveau titre"), catalog(), owner=TEAM
        )
        last = uow.events[-1]
        assert last.event_type == "offer.updated"
        assert (last.status, last.version) == ("published", 2)  # type: ignore[attr-defined]
        assert last.offer.title == "Nouveau titre"  # type: ignore[attr-defined]

    async def test_duplicate_is_a_new_draft(self, uow: FakeUnitOfWork) -> None:
        offer_id = await created(uow, publish_now=True)
        copy = await handlers.duplicate_offer(uow, offer_id, owner=TEAM)
        assert copy.id != offer_id
        assert (copy.status, copy.version, copy.copied_from) == ("draft", 1, offer_id)

    async def test_renew_moves_weeks_to_next_school_year(
        self, uow: FakeUnitOfWork
    ) -> None:
        offer_id = await created(uow)
        copy = await handlers.renew_offer(uow, offer_id, catalog(), owner=TEAM)
        assert copy.content.weeks == ("2028-W03", "2028-W04")
        assert copy.school_year == 2027


class TestStaleJob:
    async def test_past_and_full_offers_need_an_update(
        self, uow: FakeUnitOfWork
    ) -> None:
        offer_id = await created(uow, publish_now=True)
        other = await created(uow, publish_now=True)
        uow.committed.rows[other].seats_taken = 2
        flagged = await handlers.flag_stale_offers(uow, today=date(2027, 1, 4))
        assert flagged == 1
        assert uow.committed.rows[other].status == "needs_update"
        assert uow.committed.rows[offer_id].status == "published"
        assert uow.events[-1].event_type == "offer.unpublished"
        assert await handlers.flag_stale_offers(uow, today=date(2027, 6, 1)) == 1
