from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from contracts import TOPICS, topic_of
from contracts.examples import offer_published
from contracts.offers.v1 import OfferRemoved


class TestEnvelope:
    def test_occurred_at_is_stored_in_utc(self) -> None:
        paris = timezone(timedelta(hours=1))
        event = offer_published(occurred_at=datetime(2026, 11, 24, 10, 0, tzinfo=paris))
        assert event.occurred_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        assert event.occurred_at.utcoffset() == timedelta(0)

    def test_naive_occurred_at_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="timezone"):
            offer_published(occurred_at=datetime(2026, 11, 24, 10, 0))

    def test_events_are_frozen(self) -> None:
        event = offer_published()
        with pytest.raises(ValidationError, match="frozen"):
            event.version = 2  # type: ignore[misc]

    def test_unknown_fields_are_refused(self) -> None:
        payload = offer_published().model_dump(mode="json") | {"surprise": 1}
        with pytest.raises(ValidationError, match="surprise"):
            TOPICS["offers.offer.v1"].parse(__import__("json").dumps(payload))

    def test_each_event_gets_its_own_id(self) -> None:
        assert offer_published().event_id != offer_published().event_id


class TestTopicMap:
    def test_round_trip_picks_the_event_class_from_event_type(self) -> None:
        removed = OfferRemoved(**offer_published().model_dump(exclude={"event_type"}))
        parsed = topic_of(removed).parse(removed.to_json_bytes())
        assert type(parsed) is OfferRemoved
        assert parsed == removed

    def test_unknown_event_type_is_refused(self) -> None:
        raw = (
            offer_published()
            .model_dump_json()
            .replace("offer.published", "offer.exploded")
        )
        with pytest.raises(ValidationError, match=r"offer\.exploded"):
            TOPICS["offers.offer.v1"].parse(raw)

    def test_every_topic_has_a_dead_letter_twin(self) -> None:
        for topic in TOPICS.values():
            assert topic.dead_letter == f"{topic.name}.dlq"
            assert len(set(topic.event_types)) == len(topic.events)
