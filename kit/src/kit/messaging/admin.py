"""Creates the topics a service uses, with their dead-letter twins."""

from collections.abc import Iterable
from contextlib import suppress

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from contracts import Topic
from kit.messaging.naming import physical


def new_topics(topics: Iterable[Topic], *, partitions: int) -> list[NewTopic]:
    """Topic specs: aggregate topics with `partitions`, dead letters with one."""
    specs = []
    for topic in topics:
        config = {"cleanup.policy": "compact"} if topic.compacted else {}
        name = physical(topic.name)
        specs.append(NewTopic(name, partitions, 1, topic_configs=config))
        specs.append(NewTopic(physical(topic.dead_letter), 1, 1))
    return specs


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[Topic], *, partitions: int = 3
) -> None:
    """Creates missing topics; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            spec
            for spec in new_topics(topics, partitions=partitions)
            if spec.name not in existing
        ]
        if missing:
            # Another process may have created them in between.
            with suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


async def partitions_of(bootstrap_servers: str, names: Iterable[str]) -> dict[str, int]:
    """How many partitions each topic has, as the broker says (a topic made by
    auto-creation may have fewer than `ensure_topics` would have made). Ask after
    `ensure_topics`: a broker that auto-creates topics may create a missing one."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(list(names))
    finally:
        await admin.close()
    return {
        item["topic"]: len(item["partitions"])
        for item in described
        if item["error_code"] == 0
    }
