"""The school staff's pages: registering, weeks, classes, staff, pupils, follow-up,
parental authorisations and conventions signed several at once."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kit.auth import SCHOOL_STAFF_ROLES, Role
from web.clients import ServiceError
from web.pages.employer import coming_weeks
from web.rendering import redirect, render
from web.session import FormDep, Visitor, VisitorDep, require, services

router = APIRouter()
StaffDep = Annotated[Visitor, Depends(require(*SCHOOL_STAFF_ROLES))]
HeadDep = Annotated[Visitor, Depends(require(Role.SCHOOL_HEAD))]
STAFF_ROLES = (
    "main_teacher",
    "teacher",
    "cpe",
    "documentalist",
    "psychologist",
    "school_admin_staff",
)


def _uai(staff: Visitor) -> str:
    assert staff.principal is not None
    return staff.principal.school_uai or ""


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "")).strip()


@router.get("/etablissement/inscription", response_class=HTMLResponse)
async def register_page(request: Request, visitor: VisitorDep, q: str = "") -> Response:
    found = (
        await services(request).identity.get("/schools", params={"q": q})
        if len(q) >= 2
        else []
    )
    return render(
        request,
        "school_register.html",
        title="Inscrire mon établissement",
        q=q,
        schools=found,
        values={},
    )


@router.post("/etablissement/inscription", response_class=HTMLResponse)
async def register(request: Request, form: FormDep) -> Response:
    values = {n: _text(form, n) for n in ("uai", "email", "first_name", "last_name")}
    body = values | {"password": str(form.get("password", ""))}
    try:
        await services(request).identity.post(
            f"/schools/{values['uai']}/registration",
            json={k: v for k, v in body.items() if k != "uai"},
        )
    except ServiceError as exc:
        return render(
            request,
            "school_register.html",
            exc.status,
            title="Inscrire mon établissement",
            q="",
            schools=[],
            values=values,
            error=exc.message,
        )
    return redirect("/connexion", "registered")


@router.get("/etablissement", response_class=HTMLResponse)
async def dashboard(request: Request, staff: StaffDep) -> Response:
    identity, uai = services(request).identity, _uai(staff)
    school = await identity.get(f"/schools/{uai}")
    classes = await identity.get(f"/schools/{uai}/classes", token=staff.token)
    follow = await services(request).applications.get(
        f"/schools/{uai}/follow-up", token=staff.token
    )
    return render(
        request,
        "school_dashboard.html",
        title=school["name"],
        school=school,
        classes=classes,
        follow=_count_states(follow),
        staff_roles=STAFF_ROLES,
        weeks=coming_weeks(dt.date.today()),
    )


def _count_states(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"nothing_yet": 0, "applied": 0, "accepted": 0, "confirmed": 0}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return counts


@router.post("/etablissement/{what}", response_class=HTMLResponse)
async def school_change(
    request: Request, what: str, staff: StaffDep, form: FormDep
) -> Response:
    identity, uai, token = services(request).identity, _uai(staff), staff.token
    if what == "semaines":
        weeks = [str(w) for w in form.getlist("weeks")]
        await identity.put(f"/schools/{uai}/weeks", json={"weeks": weeks}, token=token)
    elif what == "classes":
        body = {"name": _text(form, "name"), "grade": _text(form, "grade")}
        await identity.post(f"/schools/{uai}/classes", json=body, token=token)
    elif what == "equipe":
        body = {"email": _text(form, "email"), "role": _text(form, "role")}
        await identity.post(f"/schools/{uai}/staff", json=body, token=token)
        return redirect("/etablissement", "invited")
    return redirect("/etablissement", "school_saved")


@router.get("/etablissement/classes/{class_id}", response_class=HTMLResponse)
async def school_class(request: Request, class_id: str, staff: StaffDep) -> Response:
    pupils = await services(request).identity.get(
        f"/classes/{class_id}/pupils", token=staff.token
    )
    follow = await services(request).applications.get(
        f"/schools/{_uai(staff)}/follow-up",
        params={"class_id": class_id},
        token=staff.token,
    )
    states = {row["pupil_id"]: row for row in follow}
    return render(
        request,
        "school_class.html",
        title="Suivi de la classe",
        class_id=class_id,
        pupils=pupils,
        states=states,
        today=dt.date.today().isoformat(),
    )


@router.post("/etablissement/classes/{class_id}/eleves", response_class=HTMLResponse)
async def invite_pupil(
    request: Request, class_id: str, staff: StaffDep, form: FormDep
) -> Response:
    names = ("first_name", "last_name", "birth_date", "gender", "email", "phone")
    body = {n: _text(form, n) or None for n in names}
    await services(request).identity.post(
        f"/classes/{class_id}/pupils", json=body, token=staff.token
    )
    return redirect(f"/etablissement/classes/{class_id}", "invited")


@router.post("/etablissement/eleves/{pupil_id}/autorisation")
async def authorise(
    request: Request, pupil_id: str, staff: StaffDep, form: FormDep
) -> Response:
    body = {"received_on": _text(form, "received_on")}
    await services(request).identity.put(
        f"/pupils/{pupil_id}/parental-authorisation", json=body, token=staff.token
    )
    return redirect(f"/etablissement/classes/{_text(form, 'class_id')}", "school_saved")


@router.get("/etablissement/eleves/{pupil_id}/autorisation.pdf")
async def authorisation_pdf(
    request: Request, pupil_id: str, staff: StaffDep
) -> Response:
    answer = await services(request).identity.send(
        "GET", f"/pupils/{pupil_id}/parental-authorisation.pdf", token=staff.token
    )
    return Response(answer.content, media_type="application/pdf")


@router.get("/etablissement/conventions", response_class=HTMLResponse)
async def conventions(request: Request, staff: StaffDep) -> Response:
    found = await services(request).conventions.get("/conventions", token=staff.token)
    waiting = [c for c in found if "school_head" in c["waiting_for"]]
    return render(
        request,
        "school_conventions.html",
        title="Conventions de l'établissement",
        conventions=found,
        waiting=waiting,
    )


@router.post("/etablissement/conventions/{step}")
async def sign_all(
    request: Request, step: str, head: HeadDep, form: FormDep
) -> Response:
    client, uai = services(request).conventions, _uai(head)
    if step == "code":
        await client.post(f"/schools/{uai}/signing-code", token=head.token)
        return redirect("/etablissement/conventions", "code_sent")
    await client.post(
        f"/schools/{uai}/signatures",
        json={"code": _text(form, "code")},
        token=head.token,
    )
    return redirect("/etablissement/conventions", "signed")
