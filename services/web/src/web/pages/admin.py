"""The administrators' page: inviting referents and operators, the daily job."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kit.auth import Role
from web.clients import ServiceError
from web.rendering import redirect, render
from web.session import FormDep, Visitor, require, services

router = APIRouter()
AdminDep = Annotated[Visitor, Depends(require(Role.ADMIN))]
REFERENT_ROLES = (
    "referent_department",
    "referent_academy",
    "referent_region",
    "referent_central",
)


def _text(form: Any, name: str) -> str | None:
    return str(form.get(name, "")).strip() or None


@router.get("/admin", response_class=HTMLResponse)
async def admin_page(
    request: Request, admin: AdminDep, q: str = "", compte: str = ""
) -> Response:
    """Invitations, the feeds' last runs, the schools directory and the accounts."""
    clients = services(request)
    runs = await clients.offers.get("/admin/feeds/runs", token=admin.token)
    query, account = q.strip(), compte.strip()
    schools = (
        await clients.identity.get("/schools", params={"q": query})
        if len(query) >= 2
        else None
    )
    accounts = (
        await clients.identity.get("/users", params={"q": account}, token=admin.token)
        if len(account) >= 2
        else None
    )
    return render(
        request,
        "admin.html",
        title="Administration",
        roles=REFERENT_ROLES,
        runs=runs,
        schools=schools,
        q=query,
        accounts=accounts,
        compte=account,
    )


@router.post("/admin/{what}", response_class=HTMLResponse)
async def admin_action(
    request: Request, what: str, admin: AdminDep, form: FormDep
) -> Response:
    identity = services(request).identity
    try:
        if what == "referents":
            names = ("email", "role", "department_code", "academy", "region")
            body = {n: _text(form, n) for n in names}
            await identity.post("/referents", json=body, token=admin.token)
        elif what == "operateurs":
            body = {
                "name": _text(form, "operator_name"),
                "email": _text(form, "operator_email"),
            }
            await identity.post("/operators", json=body, token=admin.token)
        elif what == "offres-a-revoir":
            await services(request).offers.post(
                "/admin/jobs/flag-stale", token=admin.token
            )
            return redirect("/admin", "job_done")
    except ServiceError as exc:
        return render(
            request,
            "admin.html",
            exc.status,
            title="Administration",
            roles=REFERENT_ROLES,
            error=exc.message,
        )
    return redirect("/admin", "invited")
