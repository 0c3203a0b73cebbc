"""Admin routes: partner operators (API token shown once) and feed imports."""

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from offers.api import AdminDep
from offers.feed_rows import FeedFormat, count_rows, read_rows
from offers.feeds import FeedRunner
from offers.operators import OperatorStore

router = APIRouter(prefix="/admin", tags=["administration"])


class NewOperator(BaseModel):
    name: str = Field(min_length=1, max_length=150)
    email: str = Field(min_length=3, max_length=250)
    password: str = Field(min_length=12, max_length=200)
    quota_per_minute: int | None = Field(default=None, ge=1)


class OperatorCreated(BaseModel):
    id: uuid.UUID
    api_token: str


@router.post("/operators", status_code=201, summary="Créer un opérateur partenaire")
async def create_operator(
    body: NewOperator, _: AdminDep, request: Request
) -> OperatorCreated:
    """Renvoie le jeton d'API v1 de l'opérateur; il n'est plus jamais affiché."""
    store: OperatorStore = request.app.state.operators
    quota = body.quota_per_minute or request.app.state.settings.partner_quota_per_minute
    operator, token = await store.create(
        name=body.name, email=body.email, password=body.password, quota_per_minute=quota
    )
    return OperatorCreated(id=operator.id, api_token=token)


def _runner(request: Request) -> FeedRunner:
    runner: FeedRunner = request.app.state.feeds
    return runner


RunnerDep = Annotated[FeedRunner, Depends(_runner)]


@router.post(
    "/feeds/{feed}/runs", status_code=202, summary="Importer un flux (JSONL ou CSV)"
)
async def start_feed_run(
    feed: Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,100}$")],
    request: Request,
    _: AdminDep,
    runner: RunnerDep,
    feed_format: Annotated[FeedFormat, Query(alias="format")] = "jsonl",
    full_sync: bool = False,
) -> dict[str, str]:
    """Lance l'import en tâche de fond; suivez-le avec GET …/runs."""
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    report = await runner.start(
        feed,
        feed_format=feed_format,
        full_sync=full_sync,
        rows_total=count_rows(text, feed_format),
    )
    task = asyncio.create_task(runner.process(report, read_rows(text, feed_format)))
    request.app.state.feed_tasks.add(task)
    task.add_done_callback(request.app.state.feed_tasks.discard)
    return {"run_id": str(report.id), "status": report.status}


@router.get("/feeds/{feed}/runs", summary="Derniers imports d'un flux")
async def feed_runs(feed: str, _: AdminDep, runner: RunnerDep) -> list[dict[str, Any]]:
    """Les 20 derniers imports du flux, avec leur avancement et leur bilan."""
    return await runner.last_runs(feed)


@router.get("/feeds/runs", summary="Derniers imports de tous les flux")
async def all_feed_runs(_: AdminDep, runner: RunnerDep) -> list[dict[str, Any]]:
    """Les 50 derniers imports, tous flux confondus."""
    return await runner.last_runs(None, limit=50)
