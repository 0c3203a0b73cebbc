"""The user's session: tokens in httponly SameSite cookies, never in the page;
a double-submit CSRF token on every form; role guards for the pages."""

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from kit.auth import JwksProvider, Principal, Role, TokenError
from web.clients import ServiceError, Services

ACCESS_COOKIE = "stages_acces"
REFRESH_COOKIE = "stages_session"
CSRF_COOKIE = "stages_csrf"
FLASH_COOKIE = "stages_message"
CSRF_FIELD = "csrf_token"
REFRESH_SECONDS = 30 * 24 * 3600


class LoginRequired(Exception):
    """The page needs a signed-in user: the visitor goes to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Refused(Exception):
    """A page the signed-in user may not see (wrong role), or a forged form."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Visitor:
    token: str | None = None
    principal: Principal | None = None

    @property
    def role(self) -> Role | None:
        return self.principal.role if self.principal else None


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def _principal(request: Request, token: str) -> Principal | None:
    provider: JwksProvider = request.app.state.jwks
    try:
        verifier = await provider.get()
        return verifier.verify(token)
    except (TokenError, HTTPException):
        # A bad token, or identity's keys unreachable (503): shown as a visitor.
        return None


async def _refreshed(request: Request) -> Visitor:
    refresh = request.cookies.get(REFRESH_COOKIE)
    if not refresh:
        return Visitor()
    try:
        pair = await services(request).identity.post(
            "/auth/refresh", json={"token": refresh}
        )
    except ServiceError:
        request.state.clear_session = True
        return Visitor()
    request.state.new_session = pair
    token = str(pair["access_token"])
    return Visitor(token, await _principal(request, token))


async def current_visitor(request: Request) -> Visitor:
    """Who is browsing; a stale access token is renewed with the refresh cookie."""
    if hasattr(request.state, "visitor"):
        known: Visitor = request.state.visitor
        return known
    token = request.cookies.get(ACCESS_COOKIE)
    principal = await _principal(request, token) if token else None
    visitor = Visitor(token, principal) if principal else await _refreshed(request)
    request.state.visitor = visitor
    return visitor


VisitorDep = Annotated[Visitor, Depends(current_visitor)]


def require(*roles: Role) -> Callable[[Request, Visitor], Awaitable[Visitor]]:
    """A page for some roles only; no role given means any signed-in user."""

    async def check(request: Request, visitor: VisitorDep) -> Visitor:
        if visitor.principal is None:
            raise LoginRequired(request.url.path)
        if roles and visitor.principal.role not in roles:
            raise Refused("Votre profil ne donne pas accès à cette page.")
        return visitor

    return check


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the cookie."""
    form = await request.form()
    sent = str(form.get(CSRF_FIELD, ""))
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Refused(
            "Le formulaire a expiré ou ne vient pas de ce site. "
            "Rechargez la page et recommencez.",
            status=400,
        )
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser, made on its first visit."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.csrf = token
    return str(token)


def _cookie(response: Response, secure: bool, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name, value, max_age=age, httponly=True, secure=secure, samesite="lax", path="/"
    )


def open_session(response: Response, pair: dict[str, Any], secure: bool) -> None:
    _cookie(response, secure, ACCESS_COOKIE, pair["access_token"], pair["expires_in"])
    _cookie(response, secure, REFRESH_COOKIE, pair["refresh_token"], REFRESH_SECONDS)


def close_session(response: Response) -> None:
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path="/")


def finish_response(request: Request, response: Response, secure: bool) -> None:
    """Applies what the request decided about cookies to its response."""
    state = request.state
    if getattr(state, "csrf", None) and CSRF_COOKIE not in request.cookies:
        _cookie(response, secure, CSRF_COOKIE, state.csrf, REFRESH_SECONDS)
    if getattr(state, "new_session", None):
        open_session(response, state.new_session, secure)
    if getattr(state, "clear_session", False):
        close_session(response)
    if getattr(state, "flash_shown", False):
        response.delete_cookie(FLASH_COOKIE, path="/")
