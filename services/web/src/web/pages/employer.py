"""The employer's pages: offers in four steps, their life, their applications."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kit.auth import Role
from web.clients import ServiceError
from web.rendering import redirect, render
from web.session import FormDep, Visitor, require, services

router = APIRouter()
EmployerDep = Annotated[Visitor, Depends(require(Role.EMPLOYER))]
STEPS = (
    ("Organisation", ("employer_name", "employer_description", "siret", "is_public")),
    ("Offre", ("title", "description", "sector_id", "grades", "seats")),
    ("Planning", ("weeks", "hours_start", "hours_end")),
    (
        "Informations pratiques",
        (
            "street",
            "postal_code",
            "city",
            "remote",
            "accessible",
            "contact_phone",
            "lunch_break",
            "publish",
        ),
    ),
)
LISTS = ("grades", "weeks")
FLAGS = ("is_public", "remote", "accessible", "publish")
OFFER_ACTIONS = ("publish", "unpublish", "duplicate", "renew", "remove")


def coming_weeks(today: dt.date, count: int = 45) -> list[str]:
    """The ISO weeks an offer may propose: from next week on."""
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
    weeks = (monday + dt.timedelta(weeks=n) for n in range(count))
    return [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in weeks]


def _draft(form: Any) -> dict[str, Any]:
    names = [n for _, fields in STEPS for n in fields]
    return {
        n: [str(v) for v in form.getlist(n)] if n in LISTS else str(form.get(n, ""))
        for n in names
    }


def offer_body(draft: dict[str, Any]) -> dict[str, Any]:
    """The offers API's OfferContent from the wizard's fields."""
    body: dict[str, Any] = {k: v for k, v in draft.items() if v not in ("", [])}
    for flag in FLAGS:
        body[flag] = draft.get(flag) == "oui"
    body.pop("publish")
    start, end = body.pop("hours_start", "09:00"), body.pop("hours_end", "17:00")
    body["weekly_hours"] = [start, end]
    body["seats"] = int(draft.get("seats") or 1)
    return body


@router.get("/employeur/offres", response_class=HTMLResponse)
async def my_offers(request: Request, employer: EmployerDep) -> Response:
    offers = await services(request).offers.get("/offers", token=employer.token)
    return render(request, "employer_offers.html", title="Mes offres", offers=offers)


async def _wizard(
    request: Request, step: int, draft: dict[str, Any], status: int = 200, **extra: Any
) -> Response:
    sectors = await services(request).offers.get("/sectors")
    return render(
        request,
        "employer_new_offer.html",
        status,
        title=f"Déposer une offre, étape {step} sur 4",
        step=step,
        steps=STEPS,
        draft=draft,
        sectors=sectors,
        weeks=coming_weeks(dt.date.today()),
        **extra,
    )


@router.get("/employeur/offres/nouvelle", response_class=HTMLResponse)
async def new_offer(request: Request, employer: EmployerDep) -> Response:
    return await _wizard(request, 1, {})


@router.post("/employeur/offres/nouvelle", response_class=HTMLResponse)
async def new_offer_step(
    request: Request, employer: EmployerDep, form: FormDep
) -> Response:
    draft, step = _draft(form), int(str(form.get("step", "1")))
    if str(form.get("back", "")):
        return await _wizard(request, max(step - 1, 1), draft)
    if step < len(STEPS):
        return await _wizard(request, step + 1, draft)
    publish = draft.get("publish") == "oui"
    try:
        await services(request).offers.post(
            "/offers",
            json=offer_body(draft),
            token=employer.token,
            params={"publish": str(publish).lower()},
        )
    except ServiceError as exc:
        return await _wizard(request, step, draft, exc.status, error=exc.message)
    return redirect("/employeur/offres", "offer_saved")


@router.post("/employeur/offres/{offer_id}/{action}")
async def change(
    request: Request, offer_id: str, action: str, employer: EmployerDep, form: FormDep
) -> Response:
    if action in OFFER_ACTIONS:
        await services(request).offers.post(
            f"/offers/{offer_id}/{action}", token=employer.token
        )
    return redirect("/employeur/offres", "offer_changed")


@router.get("/employeur/offres/{offer_id}/candidatures", response_class=HTMLResponse)
async def applications(
    request: Request, offer_id: str, employer: EmployerDep
) -> Response:
    found = await services(request).applications.get(
        f"/offers/{offer_id}/applications", token=employer.token
    )
    offer = await services(request).offers.get(
        f"/offers/{offer_id}", token=employer.token
    )
    return render(
        request,
        "employer_applications.html",
        title=f"Candidatures : {offer['content']['title']}",
        offer=offer,
        applications=found,
    )


@router.post("/employeur/candidatures/{application_id}/{action}")
async def decide(
    request: Request,
    application_id: str,
    action: str,
    employer: EmployerDep,
    form: FormDep,
) -> Response:
    body = {"reason": str(form.get("reason", "")).strip() or None}
    if action == "transfer":
        body["transfer_to"] = str(form.get("transfer_to", "")).strip() or None
    if action in ("validate", "reject", "transfer", "examine", "read"):
        await services(request).applications.post(
            f"/applications/{application_id}/{action}", json=body, token=employer.token
        )
    offer_id = str(form.get("offer_id", ""))
    return redirect(f"/employeur/offres/{offer_id}/candidatures", "decided")
