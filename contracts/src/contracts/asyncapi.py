"""Builds the AsyncAPI 3.0 document of every topic from the contracts.

Run `python -m contracts.asyncapi > contracts/asyncapi.json` after changing a contract;
a test checks that the committed file is up to date.
"""

import json
import sys
from typing import Any

from pydantic.json_schema import models_json_schema

from contracts.topics import TOPICS


def build() -> dict[str, Any]:
    """Returns the AsyncAPI document as a dict."""
    events = [event for topic in TOPICS.values() for event in topic.events]
    _, schemas = models_json_schema(
        [(event, "validation") for event in events],
        ref_template="#/components/schemas/{model}",
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS.values():
        channel_messages = {}
        for event, event_type in zip(topic.events, topic.event_types, strict=True):
            messages[event.__name__] = {
                "name": event_type,
                "title": event.__name__,
                "summary": (event.__doc__ or "").strip().splitlines()[0],
                "contentType": "application/json",
                "payload": {"$ref": f"#/components/schemas/{event.__name__}"},
            }
            channel_messages[event.__name__] = {
                "$ref": f"#/components/messages/{event.__name__}"
            }
        channels[topic.name] = {
            "address": topic.name,
            "description": f"{topic.description} Key: the {topic.aggregate} id.",
            "messages": channel_messages,
        }
        operations[f"publish_{topic.aggregate}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{topic.name}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Plateforme des stages d'observation: événements",
            "version": "1.0.0",
            "description": "Topics Kafka échangés entre les services.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas["$defs"]},
    }


def render() -> str:
    """Returns the AsyncAPI document as stable, indented JSON."""
    return json.dumps(build(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
