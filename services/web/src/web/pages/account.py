"""Sign-up, login, logout, activation, password reset, invitations."""

import contextlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.clients import ServiceError
from web.rendering import redirect, render
from web.session import FormDep, VisitorDep, close_session, open_session, services

router = APIRouter()

HOME_OF_ROLE = {
    "pupil": "/eleve/candidatures",
    "employer": "/employeur/offres",
    "admin": "/admin",
}


def home_of(role: str) -> str:
    if role.startswith("referent"):
        return "/referent"
    return HOME_OF_ROLE.get(role, "/etablissement")


def _safe_next(target: str) -> str | None:
    """Only a path of this site: never `//elsewhere` nor a full address."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _fields(form: Any, *names: str) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in names}


@router.get("/connexion", response_class=HTMLResponse)
async def login_page(
    request: Request, visitor: VisitorDep, suite: str = ""
) -> Response:
    return render(request, "login.html", title="Se connecter", suite=suite)


@router.post("/connexion", response_class=HTMLResponse)
async def login(request: Request, form: FormDep) -> Response:
    fields = _fields(form, "identifier", "password", "suite")
    try:
        pair = await services(request).identity.post(
            "/auth/login",
            json={"identifier": fields["identifier"], "password": fields["password"]},
        )
    except ServiceError as exc:
        return render(
            request,
            "login.html",
            exc.status,
            title="Se connecter",
            suite=fields["suite"],
            identifier=fields["identifier"],
            error=exc.message,
        )
    verifier = await request.app.state.jwks.get()
    role = verifier.verify(pair["access_token"]).role.value
    response = redirect(_safe_next(fields["suite"]) or home_of(role), "signed_in")
    open_session(response, pair, request.app.state.settings.secure_cookies)
    return response


@router.post("/deconnexion")
async def logout(request: Request, form: FormDep) -> Response:
    refresh = request.cookies.get("stages_session")
    if refresh:
        # An already revoked session is signed out all the same.
        with contextlib.suppress(ServiceError):
            await services(request).identity.post(
                "/auth/logout", json={"token": refresh}
            )
    response = redirect("/", "signed_out")
    close_session(response)
    return response


@router.get("/inscription", response_class=HTMLResponse)
async def sign_up_page(request: Request, visitor: VisitorDep) -> Response:
    return render(request, "signup.html", title="Créer un compte employeur", values={})


@router.post("/inscription", response_class=HTMLResponse)
async def sign_up(request: Request, form: FormDep) -> Response:
    values = _fields(form, "first_name", "last_name", "email", "password")
    try:
        await services(request).identity.post("/accounts", json=values)
    except ServiceError as exc:
        values.pop("password")
        return render(
            request,
            "signup.html",
            exc.status,
            title="Créer un compte employeur",
            values=values,
            error=exc.message,
        )
    return redirect("/connexion", "signed_up")


@router.get("/activation", response_class=HTMLResponse)
async def activation_page(
    request: Request, visitor: VisitorDep, token: str = ""
) -> Response:
    return render(
        request,
        "token_form.html",
        title="Activer mon compte",
        action="/activation",
        token=token,
        password=False,
    )


@router.post("/activation", response_class=HTMLResponse)
async def activate(request: Request, form: FormDep) -> Response:
    token = str(form.get("token", ""))
    try:
        await services(request).identity.post(
            "/accounts/activation", json={"token": token}
        )
    except ServiceError as exc:
        return render(
            request,
            "token_form.html",
            exc.status,
            title="Activer mon compte",
            action="/activation",
            token=token,
            password=False,
            error=exc.message,
        )
    return redirect("/connexion", "activated")


@router.get("/mot-de-passe/oubli", response_class=HTMLResponse)
async def forgot_page(request: Request, visitor: VisitorDep) -> Response:
    return render(request, "forgot.html", title="Mot de passe oublié")


@router.post("/mot-de-passe/oubli", response_class=HTMLResponse)
async def forgot(request: Request, form: FormDep) -> Response:
    identifier = str(form.get("identifier", "")).strip()
    await services(request).identity.post(
        "/passwords/reset-requests", json={"identifier": identifier}
    )
    return redirect("/connexion", "reset_sent")


@router.get("/mot-de-passe", response_class=HTMLResponse)
async def reset_page(
    request: Request, visitor: VisitorDep, token: str = ""
) -> Response:
    return render(
        request,
        "token_form.html",
        title="Choisir un nouveau mot de passe",
        action="/mot-de-passe",
        token=token,
        password=True,
    )


@router.post("/mot-de-passe", response_class=HTMLResponse)
async def reset(request: Request, form: FormDep) -> Response:
    body = _fields(form, "token", "password")
    try:
        await services(request).identity.post("/passwords/reset", json=body)
    except ServiceError as exc:
        return render(
            request,
            "token_form.html",
            exc.status,
            title="Choisir un nouveau mot de passe",
            action="/mot-de-passe",
            token=body["token"],
            password=True,
            error=exc.message,
        )
    return redirect("/connexion", "password_changed")


@router.get("/invitation", response_class=HTMLResponse)
async def invitation_page(
    request: Request, visitor: VisitorDep, token: str = ""
) -> Response:
    return render(
        request,
        "token_form.html",
        title="Accepter mon invitation",
        action="/invitation",
        token=token,
        password=True,
        names=True,
    )


@router.post("/invitation", response_class=HTMLResponse)
async def accept_invitation(request: Request, form: FormDep) -> Response:
    body: dict[str, Any] = _fields(form, "token", "password", "first_name", "last_name")
    body = {k: v for k, v in body.items() if v or k in ("token", "password")}
    try:
        await services(request).identity.post("/invitations/acceptance", json=body)
    except ServiceError as exc:
        return render(
            request,
            "token_form.html",
            exc.status,
            title="Accepter mon invitation",
            action="/invitation",
            token=body["token"],
            password=True,
            names=True,
            error=exc.message,
        )
    return redirect("/connexion", "activated")
