"""Shared event contracts of the platform: envelope, events and topic map."""

from contracts.envelope import EventBase, Frozen, new_correlation_id
from contracts.topics import TOPICS, Topic, topic_of

__all__ = ["TOPICS", "EventBase", "Frozen", "Topic", "new_correlation_id", "topic_of"]
