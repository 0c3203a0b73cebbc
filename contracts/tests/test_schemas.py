"""Snapshot tests: a contract change shows up as a diff of its JSON schema.

Run with UPDATE_SNAPSHOTS=1 to accept a deliberate change, then review the diff.
"""

import json
import os
from pathlib import Path

import pytest

from contracts import TOPICS, EventBase
from contracts.asyncapi import render

SNAPSHOTS = Path(__file__).parent / "snapshots"
ASYNCAPI = Path(__file__).parents[1] / "asyncapi.json"
EVENTS = [event for topic in TOPICS.values() for event in topic.events]
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: event.__name__)
def test_json_schema_matches_snapshot(event: type[EventBase]) -> None:
    schema = (
        json.dumps(
            event.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False
        )
        + "\n"
    )
    path = SNAPSHOTS / f"{event.__name__}.json"
    if UPDATE:
        path.write_text(schema)
    assert path.read_text() == schema, (
        f"{event.__name__} changed: UPDATE_SNAPSHOTS=1 to accept"
    )


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: event.__name__)
def test_every_field_is_documented(event: type[EventBase]) -> None:
    for name, field in event.model_fields.items():
        assert field.description, f"{event.__name__}.{name} has no description"
        assert field.examples or field.default is not None, (
            f"{event.__name__}.{name} has no example"
        )


def test_committed_asyncapi_is_up_to_date() -> None:
    if UPDATE:
        ASYNCAPI.write_text(render())
    assert ASYNCAPI.read_text() == render(), (
        "python -m contracts.asyncapi > contracts/asyncapi.json"
    )
