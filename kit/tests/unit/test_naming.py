import pytest

from contracts.topics import OFFERS
from kit.messaging.admin import new_topics
from kit.messaging.naming import PREFIX_VARIABLE, physical


def test_topics_keep_their_names_without_a_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(PREFIX_VARIABLE, raising=False)
    assert physical(OFFERS.name) == "offers.offer.v1"


def test_a_prefix_puts_every_topic_and_dead_letter_under_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PREFIX_VARIABLE, "e2e-1.")
    names = [spec.name for spec in new_topics([OFFERS], partitions=3)]
    assert names == ["e2e-1.offers.offer.v1", "e2e-1.offers.offer.v1.dlq"]
