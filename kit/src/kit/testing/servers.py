"""Finds the real servers tests need.

In order: the URL in an environment variable; else a testcontainers container when a
Docker engine answers; else the local servers of `make up` on their default ports.
When none answers, the test fails if CI=true and is skipped otherwise, saying why.
"""

import os
import socket
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest


@dataclass(frozen=True)
class ServerSpec:
    name: str
    env_var: str
    local_url: str
    start_container: Callable[[ExitStack], str]


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url if "://" in url else f"tcp://{url.split(',')[0]}")
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def docker_available() -> bool:
    """True when a Docker engine answers (not merely when the CLI is installed)."""
    if not (os.environ.get("DOCKER_HOST") or os.path.exists("/var/run/docker.sock")):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import docker

            docker.from_env().ping()
    except Exception:
        return False
    return True


def _postgres_container(stack: ExitStack) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from testcontainers.postgres import PostgresContainer

    container: Any = stack.enter_context(
        PostgresContainer(
            "postgis/postgis:15-3.4",
            username="postgres",
            password="postgres",  # noqa: S106 (a throw-away container)
        )
    )
    return str(container.get_connection_url(driver=None))


def _kafka_container(stack: ExitStack) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from testcontainers.kafka import KafkaContainer

    container: Any = stack.enter_context(
        KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft()
    )
    return str(container.get_bootstrap_server())


def _opensearch_container(stack: ExitStack) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from testcontainers.opensearch import OpenSearchContainer

    container: Any = stack.enter_context(
        OpenSearchContainer(
            "opensearchproject/opensearch:2.19.1", security_enabled=False
        )
    )
    config = container.get_config()
    return f"http://{config['host']}:{config['port']}"


POSTGRES = ServerSpec(
    "PostgreSQL",
    "POSTGRES_URL",
    "postgresql://postgres@127.0.0.1:5433/postgres",
    _postgres_container,
)
KAFKA = ServerSpec(
    "Kafka", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", _kafka_container
)
OPENSEARCH = ServerSpec(
    "OpenSearch", "OPENSEARCH_URL", "http://127.0.0.1:9200", _opensearch_container
)

_DEFAULT_PORTS = {"PostgreSQL": 5432, "Kafka": 9092, "OpenSearch": 9200}


def resolve(spec: ServerSpec, stack: ExitStack) -> str:
    """The URL of a running server of this kind, or a failed/skipped test."""
    port = _DEFAULT_PORTS[spec.name]
    url = os.environ.get(spec.env_var)
    if url:
        if _reachable(url, port):
            return url
        missing(f"{spec.name} ne répond pas à {spec.env_var}={url}")
    if docker_available():
        return spec.start_container(stack)
    if _reachable(spec.local_url, port):
        return spec.local_url
    missing(
        f"{spec.name} est introuvable ({spec.env_var} absent, pas de Docker, "
        f"rien sur {spec.local_url}); lancez `make up`"
    )
    raise AssertionError("unreachable")  # missing() never returns


def missing(reason: str) -> None:
    """Fails under CI (a missing server is a defect there), skips elsewhere."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
