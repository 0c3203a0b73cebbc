"""The pupil's pages: CV, applying, applications, confirming."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kit.auth import Role
from web.clients import ServiceError
from web.pages.public import offers_by_id
from web.rendering import redirect, render
from web.session import FormDep, Visitor, require, services

router = APIRouter()
PupilDep = Annotated[Visitor, Depends(require(Role.PUPIL))]


@router.get("/eleve/cv", response_class=HTMLResponse)
async def cv_page(request: Request, pupil: PupilDep) -> Response:
    cv = await services(request).applications.get("/cv", token=pupil.token)
    return render(request, "pupil_cv.html", title="Mon CV", cv=cv)


@router.post("/eleve/cv", response_class=HTMLResponse)
async def save_cv(request: Request, pupil: PupilDep, form: FormDep) -> Response:
    body = {k: str(form.get(k, "")) for k in ("education", "languages", "interests")}
    try:
        await services(request).applications.put("/cv", json=body, token=pupil.token)
    except ServiceError as exc:
        return render(
            request,
            "pupil_cv.html",
            exc.status,
            title="Mon CV",
            cv=body,
            error=exc.message,
        )
    return redirect("/eleve/cv", "cv_saved")


@router.get("/offres/{offer_id}/candidater", response_class=HTMLResponse)
async def apply_page(request: Request, offer_id: str, pupil: PupilDep) -> Response:
    offer = await services(request).search.get(f"/offers/{offer_id}")
    return render(
        request,
        "pupil_apply.html",
        title=f"Postuler : {offer['title']}",
        offer=offer,
        chosen=[],
        motivation="",
    )


@router.post("/offres/{offer_id}/candidater", response_class=HTMLResponse)
async def apply(
    request: Request, offer_id: str, pupil: PupilDep, form: FormDep
) -> Response:
    weeks = [str(w) for w in form.getlist("weeks")]
    motivation = str(form.get("motivation", ""))
    body = {"offer_id": offer_id, "weeks": weeks, "motivation": motivation}
    try:
        await services(request).applications.post(
            "/applications", json=body, token=pupil.token
        )
    except ServiceError as exc:
        offer = await services(request).search.get(f"/offers/{offer_id}")
        return render(
            request,
            "pupil_apply.html",
            exc.status,
            title=f"Postuler : {offer['title']}",
            offer=offer,
            chosen=weeks,
            motivation=motivation,
            error=exc.message,
        )
    return redirect("/eleve/candidatures", "applied")


@router.get("/eleve/candidatures", response_class=HTMLResponse)
async def my_applications(request: Request, pupil: PupilDep) -> Response:
    mine = await services(request).applications.get(
        "/applications/mine", token=pupil.token
    )
    offers = await offers_by_id(request, {a["offer_id"] for a in mine})
    return render(
        request,
        "pupil_applications.html",
        title="Mes candidatures",
        applications=mine,
        offers=offers,
    )


@router.post("/eleve/candidatures/{application_id}/{action}")
async def act(
    request: Request, application_id: str, action: str, pupil: PupilDep, form: FormDep
) -> Response:
    if action not in ("approve", "cancel", "restore"):
        return redirect("/eleve/candidatures")
    reason = str(form.get("reason", "")) or None
    await services(request).applications.post(
        f"/applications/{application_id}/{action}",
        json={"reason": reason},
        token=pupil.token,
    )
    return redirect(
        "/eleve/candidatures", "confirmed" if action == "approve" else "cancelled"
    )
