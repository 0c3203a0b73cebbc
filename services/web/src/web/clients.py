"""One HTTP client per service: forwards the user's token and the correlation id,
and turns every failure into a French error the pages can show."""

from typing import Any

import httpx
import structlog

from kit.http import CORRELATION_HEADER
from kit.logging import current_correlation_id

log = structlog.get_logger(__name__)

SERVICE_LABELS = {
    "identity": "des comptes",
    "offers": "des offres",
    "search": "de recherche",
    "applications": "des candidatures",
    "conventions": "des conventions",
    "stats": "des statistiques",
}


class ServiceError(Exception):
    """A service refused the request: its stable code and French message."""

    def __init__(
        self, status: int, code: str, message: str, fields: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []


class ServiceDown(Exception):
    """A service did not answer, or failed on its side (5xx)."""

    def __init__(self, service: str) -> None:
        label = SERVICE_LABELS.get(service, service)
        super().__init__(f"Le service {label} ne répond pas pour le moment.")
        self.service = service
        self.message = str(self)


def _error_of(response: httpx.Response) -> ServiceError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return ServiceError(
            response.status_code,
            str(error.get("code", "error")),
            str(error.get("message", "La demande a été refusée.")),
            [str(f) for f in error.get("fields", [])],
        )
    detail = body.get("detail") if isinstance(body, dict) else None
    fields = [
        ".".join(str(p) for p in item.get("loc", [])[1:])
        for item in (detail if isinstance(detail, list) else [])
    ]
    message = "Certaines informations sont manquantes ou invalides"
    message += f" : {', '.join(fields)}." if fields else "."
    return ServiceError(response.status_code, "invalid_request", message, fields)


class ServiceClient:
    def __init__(self, name: str, base_url: str, http: httpx.AsyncClient) -> None:
        self.name = name
        self.base_url = base_url
        self._http = http

    async def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: Any = None,
    ) -> httpx.Response:
        """The raw answer of a 2xx; a ServiceError or ServiceDown otherwise."""
        headers = {CORRELATION_HEADER: current_correlation_id() or ""}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._http.request(
                method, self.base_url + path, json=json, params=params, headers=headers
            )
        except httpx.HTTPError as exc:
            log.warning("service_unreachable", service=self.name, error=repr(exc))
            raise ServiceDown(self.name) from exc
        if response.status_code >= 500:
            log.warning(
                "service_failed", service=self.name, status=response.status_code
            )
            raise ServiceDown(self.name)
        if response.status_code >= 400:
            raise _error_of(response)
        return response

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The decoded JSON of a 2xx answer (None when it has no body)."""
        response = await self.send(method, path, **kwargs)
        return response.json() if response.content else None

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await self.call("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> Any:
        return await self.call("PUT", path, **kwargs)


class Services:
    """The six clients, sharing one connection pool."""

    def __init__(self, base_urls: dict[str, str], http: httpx.AsyncClient) -> None:
        self.identity = ServiceClient("identity", base_urls["identity"], http)
        self.offers = ServiceClient("offers", base_urls["offers"], http)
        self.search = ServiceClient("search", base_urls["search"], http)
        self.applications = ServiceClient(
            "applications", base_urls["applications"], http
        )
        self.conventions = ServiceClient("conventions", base_urls["conventions"], http)
        self.stats = ServiceClient("stats", base_urls["stats"], http)
