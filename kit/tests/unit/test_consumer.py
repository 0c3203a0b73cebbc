import pytest

from contracts import EventBase
from contracts.examples import offer_published
from contracts.topics import OFFERS
from kit.messaging.consumer import Delivery, EventConsumer, Outcome
from kit.messaging.publisher import RecordingPublisher


def delivery(event: EventBase) -> Delivery:
    return Delivery(
        value=event.to_json_bytes(),
        key=event.aggregate_id.encode(),
        headers=(),
        offset=7,
    )


class FlakyHandler:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.applied: list[EventBase] = []

    async def __call__(self, event: EventBase) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"panne {self.calls}")
        self.applied.append(event)


def consumer(
    handler: FlakyHandler, dead: RecordingPublisher, attempts: int = 3
) -> EventConsumer:
    return EventConsumer(
        name="unit-test",
        topic=OFFERS,
        handler=handler,
        dead_letters=dead,
        max_attempts=attempts,
        retry_seconds=0,
    )


@pytest.mark.asyncio
class TestEventConsumer:
    async def test_handles_a_valid_event(self) -> None:
        handler, dead = FlakyHandler(0), RecordingPublisher()
        event = offer_published()
        assert await consumer(handler, dead).process(delivery(event)) is Outcome.HANDLED
        assert handler.applied == [event]
        assert dead.sent == []

    async def test_retries_a_transient_fault(self) -> None:
        handler, dead = FlakyHandler(2), RecordingPublisher()
        assert (
            await consumer(handler, dead).process(delivery(offer_published()))
            is Outcome.HANDLED
        )
        assert handler.calls == 3
        assert dead.sent == []

    async def test_dead_letters_after_max_attempts(self) -> None:
        handler, dead = FlakyHandler(99), RecordingPublisher()
        event = offer_published()
        outcome = await consumer(handler, dead, attempts=4).process(delivery(event))
        assert outcome is Outcome.DEAD_LETTERED
        assert handler.calls == 4
        [record] = dead.sent
        assert record.topic == "offers.offer.v1.dlq"
        assert record.key == event.aggregate_id
        assert record.value == event.to_json_bytes()
        headers = dict(record.headers)
        assert headers["dlq_attempts"] == b"4"
        assert b"panne 4" in headers["dlq_reason"]
        assert headers["dlq_source"] == b"offers.offer.v1/0/7"

    async def test_invalid_message_is_dead_lettered_without_retry(self) -> None:
        handler, dead = FlakyHandler(0), RecordingPublisher()
        bad = Delivery(value=b'{"event_type": "offer.published"}', key=None, headers=())
        assert await consumer(handler, dead).process(bad) is Outcome.DEAD_LETTERED
        assert handler.calls == 0
        assert dict(dead.sent[0].headers)["dlq_attempts"] == b"1"

    async def test_failing_dead_letter_publish_raises_so_kafka_redelivers(self) -> None:
        handler, dead = FlakyHandler(99), RecordingPublisher(fail_next=1)
        with pytest.raises(ConnectionError):
            await consumer(handler, dead, attempts=1).process(
                delivery(offer_published())
            )


def test_inbox_needs_sessions() -> None:
    with pytest.raises(ValueError, match="together"):
        EventConsumer(
            name="x",
            topic=OFFERS,
            handler=FlakyHandler(0),
            dead_letters=RecordingPublisher(),
            inbox=object(),  # type: ignore[arg-type]
        )
