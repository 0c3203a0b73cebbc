"""Physical topic names on the broker.

`KAFKA_TOPIC_PREFIX` (empty by default) puts every topic of a process under a
namespace, so that several environments can share one broker without reading each
other's events: the end-to-end tests start the whole platform under a prefix of
their own. Contracts, outbox rows and logs keep the logical names.
"""

import os

PREFIX_VARIABLE = "KAFKA_TOPIC_PREFIX"


def physical(name: str) -> str:
    """The name of a topic on the broker, for this process."""
    return os.environ.get(PREFIX_VARIABLE, "") + name
