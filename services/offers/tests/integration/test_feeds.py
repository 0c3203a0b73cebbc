"""Feed ingestion on a real PostgreSQL: isolation, reports, idempotence, sync."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import make_engine, make_session_factory
from kit.migrations import upgrade
from offers.db import offers, outbox
from offers.feed_rows import RawRow, read_rows
from offers.feeds import FeedBusy, FeedRunner
from offers.testing import catalog

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]
MIGRATIONS = Path(__file__).parents[2] / "src" / "offers" / "migrations"


def feed_row(number: int, **overrides: Any) -> dict[str, Any]:
    return {
        "remote_id": f"M-{number}",
        "title": f"Découverte des métiers de la défense n°{number}",
        "employer_name": "Base aérienne 105",
        "siret": "89338184800017",
        "is_public": True,
        "ministry": "Ministère des Armées",
        "city": "Évreux",
        "zipcode": "27000",
        "street": "Route de Paris",
        "weeks": ["2027-W03"],
        "max_candidates": 4,
        "grades": ["troisieme"],
        "sector_id": "b7564ac4-e184-41c4-a7a9-57233a9d244a",
    } | overrides


def jsonl(rows: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(row) for row in rows)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def sessions(
    database_factory: Callable[[str], str],
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = database_factory("offers_feeds")
    upgrade(MIGRATIONS, url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def runner(sessions: async_sessionmaker[AsyncSession]) -> FeedRunner:
    return FeedRunner(sessions, catalog(), batch_size=50)


async def outbox_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox)) or 0)


def broken_feed() -> Iterator[RawRow]:
    """Malformed rows, then the stream breaks off after 60 rows."""
    rows = [feed_row(1, siret="12345678901234")] + [feed_row(n) for n in range(2, 60)]
    yield from read_rows("{pas du json\n" + jsonl(rows), "jsonl")
    raise ConnectionResetError("flux interrompu")


async def test_a_broken_feed_does_not_affect_a_good_one(runner: FeedRunner) -> None:
    good_rows = read_rows(jsonl([feed_row(n) for n in range(300)]), "jsonl")
    broken, good = await asyncio.gather(
        runner.run("casse", broken_feed(), feed_format="jsonl"),
        runner.run("armees", good_rows, feed_format="jsonl"),
    )
    assert (good.status, good.accepted, good.rejected) == ("completed", 300, 0)
    assert broken.status == "failed"
    assert broken.error is not None
    assert "ConnectionResetError" in broken.error
    assert broken.rows_done == 50  # the first batch was kept
    assert [r["row"] for r in broken.rejections] == [1, 2]
    assert "SIRET" in broken.rejections[1]["reason"]


async def test_report_idempotence_and_full_sync(
    runner: FeedRunner, sessions: async_sessionmaker[AsyncSession]
) -> None:
    rows = [feed_row(n) for n in range(120)]
    rows.append(feed_row(999, zipcode="99999", city="Nulle-Part"))
    rows.append(feed_row(3))
    first = await runner.run(
        "marine", read_rows(jsonl(rows), "jsonl"), feed_format="jsonl"
    )
    assert (first.accepted, first.rejected, first.rows_done) == (120, 2, 122)
    assert [r["row"] for r in first.rejections] == [121, 122]
    assert "introuvable" in first.rejections[0]["reason"]
    assert "double" in first.rejections[1]["reason"]
    events = await outbox_count(sessions)

    again = await runner.run(
        "marine", read_rows(jsonl(rows), "jsonl"), feed_format="jsonl"
    )
    assert (again.accepted, again.updated, again.unchanged) == (0, 0, 120)
    rejected_again = 2
    assert await outbox_count(sessions) == events + rejected_again

    rows[0] = feed_row(0, title="Titre changé")
    synced = await runner.run(
        "marine",
        read_rows(jsonl(rows[:100]), "jsonl"),
        feed_format="jsonl",
        full_sync=True,
    )
    assert (synced.updated, synced.unchanged, synced.unpublished) == (1, 99, 20)
    async with sessions() as session:
        statuses: dict[str, int] = dict(
            (
                await session.execute(
                    select(offers.c.status, func.count())
                    .where(offers.c.source == "feed:marine")
                    .group_by(offers.c.status)
                )
            ).all()
        )
    assert statuses == {"published": 100, "unpublished": 20}
    runs = await runner.last_runs("marine")
    assert [run["status"] for run in runs] == ["completed"] * 3
    assert runs[0]["unpublished"] == 20


async def test_rejected_rows_go_to_the_dead_letter_topic(
    runner: FeedRunner, sessions: async_sessionmaker[AsyncSession]
) -> None:
    text = "remote_id;title\nX1;trop;de;colonnes\n"
    report = await runner.run("terre", read_rows(text, "csv"), feed_format="csv")
    assert report.rejected == 1
    async with sessions() as session:
        topic = await session.scalar(
            select(outbox.c.topic).where(outbox.c.key == "terre")
        )
    assert topic == "offers.feed_rejection.v1"


async def test_one_run_at_a_time_per_feed(runner: FeedRunner) -> None:
    report = await runner.start("air", feed_format="jsonl")
    with pytest.raises(FeedBusy):
        await runner.start("air", feed_format="jsonl")
    await runner.start("espace", feed_format="jsonl")
    await runner.process(report, iter(()))
    assert (await runner.start("air", feed_format="jsonl")).status == "running"


async def test_a_feed_waits_while_the_outbox_is_backed_up(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(outbox).values(published_at=func.now()))
    runner = FeedRunner(sessions, catalog(), batch_size=20, max_backlog=10)
    rows = read_rows(jsonl([feed_row(n) for n in range(40)]), "jsonl")
    task = asyncio.create_task(runner.run("lent", rows, feed_format="jsonl"))
    await asyncio.sleep(0.5)
    assert not task.done()  # 20 events are waiting for the relay
    async with sessions() as session, session.begin():
        await session.execute(update(outbox).values(published_at=func.now()))
    report = await asyncio.wait_for(task, timeout=5)
    assert report.accepted == 40


async def test_a_small_feed_finishes_while_a_huge_one_runs(
    runner: FeedRunner,
) -> None:
    huge = asyncio.create_task(
        runner.run(
            "huge",
            read_rows(jsonl([feed_row(n) for n in range(1500)]), "jsonl"),
            feed_format="jsonl",
        )
    )
    await asyncio.sleep(0)
    small = await runner.run(
        "small",
        read_rows(jsonl([feed_row(n) for n in range(30)]), "jsonl"),
        feed_format="jsonl",
    )
    assert small.status == "completed"
    assert not huge.done()  # the small feed did not wait for the huge one
    assert (await huge).accepted == 1500


async def test_a_row_that_breaks_the_parser_is_only_rejected(
    runner: FeedRunner,
) -> None:
    odd = RawRow(2, "?", {"remote_id": "M-x", "daily_hours": {"lundi": None}})
    rows = [*read_rows(jsonl([feed_row(1)]), "jsonl"), odd]
    report = await runner.run("etrange", rows, feed_format="jsonl")
    assert (report.status, report.accepted, report.rejected) == ("completed", 1, 1)
