"""One platform per session for every end-to-end test: six services and the web
front as processes on fresh databases, with a real SMTP box (see web.testing)."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy.engine import make_url

from kit.testing.mail import Mailbox, running_mailbox
from web.browsing import AxeReport
from web.journey import World, build_world
from web.testing import Platform, running_platform

HERE = Path(__file__).parent
MARKS = ("e2e", "postgres", "kafka", "opensearch")
DATABASES = ("identity", "offers", "applications", "conventions", "stats")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            for mark in MARKS:
                item.add_marker(mark)
            if "browser" in item.path.name:
                item.add_marker("browser")


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    yield from running_mailbox()


@pytest.fixture(scope="session")
def platform(
    postgres_url: str,
    kafka_bootstrap_servers: str,
    opensearch_url: str,
    database_factory: object,
    mailbox: Mailbox,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Platform]:
    assert callable(database_factory)
    databases = {
        name: str(make_url(database_factory(f"e2e_{name}")).database)
        for name in DATABASES
    }
    common = {
        "POSTGRES_URL": postgres_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "OPENSEARCH_URL": opensearch_url,
    }
    with running_platform(
        log_dir=tmp_path_factory.mktemp("platform"),
        databases=databases,
        smtp_port=mailbox.port,
        common=common,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def world(platform: Platform, mailbox: Mailbox) -> Iterator[World]:
    """A registered school with a class and authorised pupils, an employer with a
    published offer, an admin and a department referent, all signed in."""
    everyone = build_world(platform, mailbox)
    yield everyone
    everyone.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system's headless Chromium (Debian `chromium`; downloads are not used).

    One per module: Playwright's synchronous API keeps an event loop running in
    the main thread while it lives, which the asyncio tests run later in the same
    session must not find."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium absent: lancez `bash deploy/local/browser.sh`.")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def axe_report() -> Iterator[AxeReport]:
    """Every page checked with axe-core; the summary is printed at the end."""
    report = AxeReport()
    yield report
    print(report.summary())  # noqa: T201 (the figures asked for by the issue)
