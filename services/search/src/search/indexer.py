"""Writes offer documents in bulk, each at its event's version.

Handlers submit one action each and wait until OpenSearch has it; concurrent
submissions (a batch of Kafka records) share one `_bulk` request. With external
versioning a stale or repeated event is refused by OpenSearch with a 409, which is
the expected outcome of a replay, not an error.
"""

import asyncio
import json
from typing import Any

import structlog
from opensearchpy import AsyncOpenSearch

from contracts import EventBase
from contracts.offers.v1 import OFFER_EVENTS
from search.domain.documents import IndexAction, to_action

log = structlog.get_logger(__name__)


class IndexingError(Exception):
    """OpenSearch refused a document for another reason than its version."""


class BulkIndexer:
    def __init__(
        self,
        client: AsyncOpenSearch,
        *,
        index: str,
        max_actions: int = 500,
        linger_seconds: float = 0.005,
    ) -> None:
        self._client = client
        self.index = index
        self._max_actions = max_actions
        self._linger = linger_seconds
        self._pending: list[tuple[IndexAction, asyncio.Future[bool]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushes: set[asyncio.Task[None]] = set()

    async def submit(self, action: IndexAction) -> bool:
        """Indexes one document; False when a newer or equal version was there."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((action, future))
        if len(self._pending) >= self._max_actions:
            self._flush_soon(now=True)
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(
                self._linger, self._flush_soon
            )
        return await future

    async def submit_all(self, actions: list[IndexAction]) -> None:
        await asyncio.gather(*(self.submit(action) for action in actions))

    def _flush_soon(self, *, now: bool = False) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.create_task(self._flush(batch))
            self._flushes.add(task)
            task.add_done_callback(self._flushes.discard)

    async def _flush(
        self, batch: list[tuple[IndexAction, asyncio.Future[bool]]]
    ) -> None:
        try:
            reply = await self._client.bulk(body=self._body(batch))
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (action, future), item in zip(batch, reply["items"], strict=True):
            _settle(future, action, item["index"])

    def _body(self, batch: list[tuple[IndexAction, asyncio.Future[bool]]]) -> str:
        lines: list[str] = []
        for action, _ in batch:
            meta = {
                "_index": self.index,
                "_id": action.offer_id,
                "version": action.version,
                "version_type": "external",
            }
            lines.append(json.dumps({"index": meta}))
            lines.append(json.dumps(action.document, ensure_ascii=False))
        return "\n".join(lines) + "\n"


def _settle(future: asyncio.Future[bool], action: IndexAction, item: Any) -> None:
    if future.done():
        return
    status = int(item.get("status", 500))
    if status < 300:
        future.set_result(True)
    elif status == 409:
        log.info(
            "offer_version_stale", offer_id=action.offer_id, version=action.version
        )
        future.set_result(False)
    else:
        future.set_exception(IndexingError(f"{status}: {item.get('error')}"))


def event_action(event: EventBase) -> IndexAction | None:
    """The index action of an offer event; None for events search ignores."""
    if not isinstance(event, OFFER_EVENTS):
        return None
    return to_action(
        offer_id=str(event.aggregate_id),
        version=event.version,
        status=event.status,
        offer=event.offer,
    )


class OfferIndexHandler:
    """The indexer's event handler (idempotent by itself: no inbox needed)."""

    def __init__(self, indexer: BulkIndexer) -> None:
        self._indexer = indexer

    async def __call__(self, event: EventBase) -> None:
        action = event_action(event)
        if action is not None:
            await self._indexer.submit(action)
