"""The local infrastructure scripts, run for real on spare ports and folders.

A second set of servers is started beside the one the other tests use, so these tests
can stop theirs and check that nothing is left listening.
"""

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "deploy" / "local" / "infra.sh"
PORTS = {
    "POSTGRES_PORT": 55433,
    "KAFKA_PORT": 59092,
    "KAFKA_CONTROLLER_PORT": 59093,
    "OPENSEARCH_PORT": 59200,
    "OPENSEARCH_TRANSPORT_PORT": 59300,
}

pytestmark = pytest.mark.infra


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        ["bash", str(INFRA), *args],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def spare_env() -> Iterator[dict[str, str]]:
    busy = [port for port in PORTS.values() if listening(port)]
    assert not busy, f"ports de test déjà pris: {busy}"
    cache = os.environ.get("STAGE_CACHE_DIR", str(REPO / ".local" / "cache"))
    env = os.environ | {key: str(port) for key, port in PORTS.items()}
    # A fixed folder: reused from run to run, so nothing piles up (when the checkout
    # is out of the postgres user's reach, its cluster lives in that user's home).
    env |= {
        "STAGE_LOCAL_DIR": str(REPO / ".local" / "infra-test"),
        "STAGE_CACHE_DIR": cache,
    }
    yield env
    run(env, "down")


def test_up_twice_then_down_leaves_nothing_listening(
    spare_env: dict[str, str],
) -> None:
    first = run(spare_env, "up")
    assert first.returncode == 0, first.stderr[-3000:]
    assert all(listening(port) for port in PORTS.values())

    again = run(spare_env, "up")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "déjà" in again.stderr
    assert run(spare_env, "status").returncode == 0

    down = run(spare_env, "down")
    assert down.returncode == 0, down.stderr[-3000:]
    still = [port for port in PORTS.values() if listening(port)]
    assert still == [], f"encore à l'écoute après down: {still}"
    assert run(spare_env, "status").returncode == 3
    assert run(spare_env, "down").returncode == 0, "down twice is harmless"


def test_a_taken_port_is_refused_with_a_clear_message(
    spare_env: dict[str, str],
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        env = spare_env | {"POSTGRES_PORT": str(taken)}
        result = run(env, "up", "postgres")
    assert result.returncode != 0
    assert f"le port {taken}" in result.stderr
    assert "déjà pris" in result.stderr
