"""Test helpers: the whole platform as processes, for end-to-end tests.

Six services and the web front on free loopback ports, fresh databases, a fresh
signing key, a real SMTP box.

Used by `tests/e2e`. Nothing here is a fake: every call crosses HTTP and Kafka.
"""

import asyncio
import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from kit.messaging.naming import PREFIX_VARIABLE

# The territory of the end-to-end world: its schools are the only ones imported.
E2E_DEPARTMENT = "93"

SERVICES = ("identity", "offers", "search", "applications", "conventions", "stats")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as reply:  # noqa: S310 (loopback URL built here)
            return bool(reply.status == 200)
    except OSError:
        return False


@dataclass
class Platform:
    """What a test needs: every base URL, the databases, where the logs are."""

    urls: dict[str, str]
    databases: dict[str, str]
    log_dir: Path
    suffix: str
    env: dict[str, dict[str, str]] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def web(self) -> str:
        return self.urls["web"]

    def start(self, name: str, module: str, env: Mapping[str, str]) -> None:
        port = self.urls[name].rsplit(":", 1)[1]
        log = (self.log_dir / f"{name}.log").open("ab")
        self.logs.append(log)
        command = [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1",
                   "--port", port, "--no-access-log"]  # fmt: skip
        self.processes[name] = subprocess.Popen(  # noqa: S603 (fixed command)
            command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )

    def wait(self, *names: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        waiting = set(names)
        while waiting:
            for name in list(waiting):
                if self.processes[name].poll() is not None:
                    raise RuntimeError(
                        f"{name} s'est arrêté: {self.log_dir}/{name}.log"
                    )
                if healthy(self.urls[name]):
                    waiting.discard(name)
            if time.monotonic() > deadline:
                raise RuntimeError(f"pas de réponse de {sorted(waiting)}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()


async def drop_topics(bootstrap: str, prefix: str) -> None:
    """Deletes the run's own topics (and dead letters) from the shared broker."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if ours:
            await admin.delete_topics(ours)
    finally:
        await admin.close()


def service_env(
    suffix: str, urls: dict[str, str], databases: dict[str, str], smtp_port: int,
    key_path: Path,
) -> dict[str, dict[str, str]]:  # fmt: skip
    jwks = f"{urls['identity']}/.well-known/jwks.json"
    return {
        "identity": {
            "IDENTITY_DATABASE_NAME": databases["identity"],
            "IDENTITY_JWT_PRIVATE_KEY": str(key_path),
            "IDENTITY_SMTP_PORT": str(smtp_port),
            "IDENTITY_PUBLIC_BASE_URL": urls["web"],
            "IDENTITY_ARGON2_TIME_COST": "1",
            "IDENTITY_ARGON2_MEMORY_KIB": "1024",
        },
        "offers": {
            "OFFERS_DATABASE_NAME": databases["offers"],
            "OFFERS_SERVICE_NAME": f"offers-{suffix}",
            "OFFERS_PARTNER_JWT_SECRET": secrets.token_hex(32),
            "OFFERS_IDENTITY_JWKS_URL": jwks,
            "OFFERS_RUN_DAILY_JOB": "false",
        },
        "search": {
            "SEARCH_INDEX_ALIAS": f"offers-{suffix}",
            "SEARCH_CONSUMER_GROUP": f"search-{suffix}",
            "SEARCH_JWKS_URL": jwks,
        },
        "applications": {
            "APPLICATIONS_DATABASE_NAME": databases["applications"],
            "APPLICATIONS_SERVICE_NAME": f"applications-{suffix}",
            "IDENTITY_JWKS_URL": jwks,
        },
        "conventions": {
            "CONVENTIONS_DATABASE_NAME": databases["conventions"],
            "CONVENTIONS_SERVICE_NAME": f"conventions-{suffix}",
            "CONVENTIONS_SMTP_PORT": str(smtp_port),
            "CONVENTIONS_LINK_BASE": f"{urls['web']}/conventions/lien",
            "IDENTITY_JWKS_URL": jwks,
        },
        "stats": {
            "STATS_DATABASE_NAME": databases["stats"],
            "STATS_SERVICE_NAME": f"stats-{suffix}",
            "IDENTITY_JWKS_URL": jwks,
        },
        "web": {f"WEB_{name.upper()}_URL": urls[name] for name in SERVICES},
    }


def run_module(module: str, *args: str, env: Mapping[str, str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run(  # noqa: S603 (fixed command)
            [sys.executable, "-m", module, *args],
            env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, check=True,
        )  # fmt: skip


@contextmanager
def running_platform(
    *, log_dir: Path, databases: dict[str, str], smtp_port: int, common: dict[str, str]
) -> Iterator[Platform]:
    suffix = f"e2e-{secrets.token_hex(4)}"
    # Topics of the run's own: the shared broker carries other tests' events.
    common = common | {PREFIX_VARIABLE: f"{suffix}."}
    urls = {n: f"http://127.0.0.1:{free_port()}" for n in (*SERVICES, "web")}
    key = log_dir / "jwt-ed25519.pem"
    run_module(
        "identity.signing", "generate", str(key), env=common, log=log_dir / "setup.log"
    )
    env = service_env(suffix, urls, databases, smtp_port, key) | {"common": common}
    platform = Platform(urls, databases, log_dir, suffix, env)
    try:
        platform.start("identity", "identity.main:app", common | env["identity"])
        platform.wait("identity")
        for name in SERVICES[1:]:
            platform.start(name, f"{name}.main:app", common | env[name])
        platform.start("web", "web.main:app", common | env["web"])
        # One territory: the whole directory is 6,900 events every consumer reads.
        run_module("identity.schools_import", f"--departments={E2E_DEPARTMENT}",
                   env=common | env["identity"], log=log_dir / "setup.log")  # fmt: skip
        platform.wait(*SERVICES[1:], "web")
        yield platform
    finally:
        platform.stop()
        drop_indices(common["OPENSEARCH_URL"], f"offers-{suffix}")
        asyncio.run(drop_topics(common["KAFKA_BOOTSTRAP_SERVERS"], f"{suffix}."))


def drop_indices(opensearch_url: str, prefix: str) -> None:
    """Removes the search indices of the run from the shared OpenSearch."""
    with contextlib.suppress(httpx.HTTPError):
        httpx.delete(f"{opensearch_url}/{prefix}*", timeout=10)


class WebUser:
    """One browser session against the web front, over plain HTTP: cookies kept,
    the CSRF token sent with every form, redirects not followed (to check them)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.http.get(path, params=params)

    def page(self, path: str, **params: str) -> str:
        response = self.get(path, **params)
        assert response.status_code == 200, (
            path,
            response.status_code,
            response.text[:3000],
        )
        return response.text

    def post(self, path: str, data: Mapping[str, str | list[str]]) -> httpx.Response:
        if "stages_csrf" not in self.http.cookies:
            self.get("/aide")
        form = {**data, "csrf_token": self.http.cookies["stages_csrf"]}
        return self.http.post(path, data=form)

    def submit(self, path: str, data: Mapping[str, str | list[str]]) -> str:
        """Posts a form that must succeed: answers a redirect; returns its target."""
        response = self.post(path, data)
        alert = re.search(r'role="alert">(.*?)</div>', response.text, re.S)
        problem = alert[1] if alert else response.text[-1500:]
        assert response.status_code == 303, (path, response.status_code, problem)
        return response.headers["location"]

    def login(self, identifier: str, password: str) -> str:
        return self.submit(
            "/connexion", {"identifier": identifier, "password": password}
        )

    def close(self) -> None:
        self.http.close()
