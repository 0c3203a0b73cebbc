"""The one door to OpenSearch for the read path: any transport fault becomes
`SearchUnavailable` (a 503 in French), never a stack trace."""

from typing import Any

import structlog
from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import RequestError, TransportError

from search.domain.errors import SearchUnavailable

log = structlog.get_logger(__name__)


class OfferIndex:
    def __init__(self, client: AsyncOpenSearch, *, alias: str) -> None:
        self.client = client
        self.alias = alias

    async def search(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            reply: dict[str, Any] = await self.client.search(
                index=self.alias, body=body
            )
        except RequestError:
            raise  # a request we built wrong is a bug, not an outage
        except (TransportError, OSError) as exc:
            # Unreachable, timed out, overloaded, or no index behind the alias yet.
            log.warning("opensearch_unavailable", error=repr(exc))
            raise SearchUnavailable() from exc
        return reply
