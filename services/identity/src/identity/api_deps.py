"""FastAPI dependencies and the one error handler of the identity API."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from identity.domain import errors
from identity.handlers.context import Context
from identity.uow import UnitOfWork
from kit.http import error_body

STATUS = {
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.InvalidCredentials: 401,
    errors.AccountLocked: 423,
    errors.AccountNotActivated: 403,
    errors.TokenInvalid: 401,
    errors.TokenExpired: 401,
    errors.TokenReused: 401,
    errors.DuplicateEmail: 409,
    errors.DuplicatePhone: 409,
    errors.SchoolAlreadyRegistered: 409,
}


def status_of(error: errors.IdentityError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 422


async def identity_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.IdentityError)
    return JSONResponse(error_body(exc.code, exc.message), status_code=status_of(exc))


def _uow(request: Request) -> UnitOfWork:
    state = request.app.state
    return UnitOfWork(state.sessions, on_commit=state.after_commit)


def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


UowDep = Annotated[UnitOfWork, Depends(_uow)]
ContextDep = Annotated[Context, Depends(_context)]
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"description": "Erreur avec un code stable et un message en français."}
    for status in (401, 403, 404, 409, 422, 423)
}
