"""Use cases of the offers service; each runs in one unit of work."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from offers.db import UnitOfWork, now_utc
from offers.domain.errors import (
    DuplicateRemoteId,
    InvalidOffer,
    NotYourOffer,
    OfferNotFound,
)
from offers.domain.geo import Geocoder, Placement
from offers.domain.lifecycle import Offer
from offers.domain.model import OfferContent, check_content, next_year_week


@dataclass(frozen=True)
class Catalog:
    """Reference data the rules need: ONISEP sectors and known places."""

    sector_names: dict[uuid.UUID, str]
    geocoder: Geocoder

    def prepare(
        self, content: OfferContent, *, strict: bool = True
    ) -> tuple[Placement, int, str]:
        school_year = check_content(
            content, sector_ids=frozenset(self.sector_names), strict=strict
        )
        placement = self.geocoder.place(
            postal_code=content.postal_code,
            city=content.city,
            location=content.location,
        )
        return placement, school_year, self.sector_names[content.sector_id]


@dataclass(frozen=True)
class Owner:
    """Who writes offers: an employer's team, a partner or a feed (`source`)."""

    team_id: uuid.UUID | None
    source: str = "employer"


def new_offer(
    content: OfferContent,
    catalog: Catalog,
    *,
    owner: Owner,
    remote_id: str | None = None,
) -> Offer:
    strict = owner.source == "employer"
    placement, school_year, sector_name = catalog.prepare(content, strict=strict)
    return Offer(
        id=uuid.uuid4(),
        content=content,
        placement=placement,
        school_year=school_year,
        sector_name=sector_name,
        source=owner.source,
        team_id=owner.team_id,
        remote_id=remote_id,
    )


def check_publishable(offer: Offer, today: date) -> None:
    if offer.is_past(today):
        raise InvalidOffer(
            "publish_blocked_weeks",
            "Toutes les semaines de cette offre sont passées: modifiez-les d'abord.",
        )
    if offer.is_full:
        raise InvalidOffer(
            "publish_blocked_seats",
            "Cette offre n'a plus de place: augmentez le nombre de places d'abord.",
        )


def publish(offer: Offer, now: datetime) -> None:
    check_publishable(offer, now.date())
    offer.transition("publish", now=now)


async def create_offer(
    uow: UnitOfWork,
    content: OfferContent,
    catalog: Catalog,
    *,
    owner: Owner,
    publish_now: bool = False,
) -> Offer:
    offer = new_offer(content, catalog, owner=owner)
    now = now_utc()
    if publish_now:
        check_publishable(offer, now.date())
        offer.status = "published"
    offer.created(now=now)
    async with uow:
        await uow.offers.add(offer)
        await uow.commit(offer.events)
    return offer


async def _owned(uow: UnitOfWork, offer_id: uuid.UUID, owner: Owner) -> Offer:
    offer = await uow.offers.get(offer_id)
    if offer is None or offer.status == "removed":
        raise OfferNotFound()
    if offer.team_id != owner.team_id:
        raise NotYourOffer()
    return offer


async def get_offer(uow: UnitOfWork, offer_id: uuid.UUID, *, owner: Owner) -> Offer:
    async with uow:
        return await _owned(uow, offer_id, owner)


async def list_offers(uow: UnitOfWork, *, owner: Owner) -> list[Offer]:
    async with uow:
        return await uow.offers.of_team(owner.team_id) if owner.team_id else []


async def edit_offer(
    uow: UnitOfWork,
    offer_id: uuid.UUID,
    content: OfferContent,
    catalog: Catalog,
    *,
    owner: Owner,
) -> Offer:
    placement, school_year, sector_name = catalog.prepare(content)
    async with uow:
        offer = await _owned(uow, offer_id, owner)
        if content.seats < offer.seats_taken:
            raise InvalidOffer(
                "seats_below_taken",
                f"{offer.seats_taken} élèves sont déjà acceptés: "
                "le nombre de places ne peut pas être plus petit.",
            )
        offer.edit(
            content,
            placement,
            school_year=school_year,
            sector_name=sector_name,
            now=now_utc(),
        )
        await uow.offers.save(offer)
        await uow.commit(offer.events)
    return offer


async def change_status(
    uow: UnitOfWork, offer_id: uuid.UUID, transition: str, *, owner: Owner
) -> Offer:
    async with uow:
        offer = await _owned(uow, offer_id, owner)
        if transition == "publish":
            publish(offer, now_utc())
        else:
            offer.transition(transition, now=now_utc())
        await uow.offers.save(offer)
        await uow.commit(offer.events)
    return offer


async def duplicate_offer(
    uow: UnitOfWork, offer_id: uuid.UUID, *, owner: Owner
) -> Offer:
    """A draft copy, same school year (the employer then edits and publishes)."""
    async with uow:
        source = await _owned(uow, offer_id, owner)
        copy = source.copy(source.content, school_year=source.school_year)
        copy.created(now=now_utc())
        await uow.offers.add(copy)
        await uow.commit(copy.events)
    return copy


async def renew_offer(
    uow: UnitOfWork, offer_id: uuid.UUID, catalog: Catalog, *, owner: Owner
) -> Offer:
    """A draft copy for the next school year, the same weeks one year later."""
    async with uow:
        source = await _owned(uow, offer_id, owner)
        weeks = tuple(next_year_week(week) for week in source.content.weeks)
        content = source.content.model_copy(update={"weeks": weeks})
        _, school_year, _ = catalog.prepare(content)
        copy = source.copy(content, school_year=school_year)
        copy.created(now=now_utc())
        await uow.offers.add(copy)
        await uow.commit(copy.events)
    return copy


async def flag_stale_offers(uow: UnitOfWork, *, today: date) -> int:
    """Daily job: published offers that are past or full need an update."""
    async with uow:
        stale = await uow.offers.stale(today=today)
        now = now_utc()
        for offer in stale:
            offer.transition("flag_needs_update", now=now)
            await uow.offers.save(offer)
        await uow.commit([event for offer in stale for event in offer.events])
    return len(stale)


async def ensure_remote_id_free(
    uow: UnitOfWork, *, source: str, remote_id: str
) -> None:
    if await uow.offers.by_remote_ids(remote_ids=[remote_id], source=source):
        raise DuplicateRemoteId(remote_id)


async def _partner_offer(uow: UnitOfWork, remote_id: str, owner: Owner) -> Offer:
    found = await uow.offers.by_remote_ids(remote_ids=[remote_id])
    mine = [o for o in found if o.source == owner.source and o.status != "removed"]
    if mine:
        return mine[0]
    if any(o.source.startswith("api:") and o.source != owner.source for o in found):
        raise NotYourOffer()
    raise OfferNotFound()


async def partner_create(
    uow: UnitOfWork,
    content: OfferContent,
    catalog: Catalog,
    *,
    owner: Owner,
    remote_id: str,
) -> Offer:
    """Partner offers are published at once, as in the predecessor's API."""
    offer = new_offer(content, catalog, owner=owner, remote_id=remote_id)
    now = now_utc()
    check_publishable(offer, now.date())
    offer.status = "published"
    offer.created(now=now)
    async with uow:
        await ensure_remote_id_free(uow, source=owner.source, remote_id=remote_id)
        await uow.offers.add(offer)
        await uow.commit(offer.events)
    return offer


async def partner_update(
    uow: UnitOfWork,
    remote_id: str,
    merge: Callable[[OfferContent], OfferContent] | None,
    catalog: Catalog,
    *,
    owner: Owner,
    published: bool | None,
) -> Offer:
    async with uow:
        offer = await _partner_offer(uow, remote_id, owner)
        now = now_utc()
        if merge is not None:
            content = merge(offer.content)
            placement, school_year, sector = catalog.prepare(content, strict=False)
            offer.edit(
                content, placement, school_year=school_year, sector_name=sector, now=now
            )
        if published and offer.status != "published":
            publish(offer, now)
        elif published is False and offer.status in ("published", "needs_update"):
            offer.transition("unpublish", now=now)
        await uow.offers.save(offer)
        await uow.commit(offer.events)
    return offer


async def partner_remove(uow: UnitOfWork, remote_id: str, *, owner: Owner) -> Offer:
    async with uow:
        offer = await _partner_offer(uow, remote_id, owner)
        offer.transition("remove", now=now_utc())
        await uow.offers.save(offer)
        await uow.commit(offer.events)
    return offer


async def partner_list(uow: UnitOfWork, *, owner: Owner) -> list[Offer]:
    async with uow:
        return await uow.offers.of_source(owner.source)
