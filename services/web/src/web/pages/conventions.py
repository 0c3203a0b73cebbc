"""Conventions: read, fill in one's part, sign with a code; parents by their link."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kit.auth import SCHOOL_STAFF_ROLES, Role
from web.clients import ServiceClient, ServiceError
from web.rendering import redirect, render
from web.session import FormDep, Visitor, require, services

router = APIRouter()
PARTY_ROLES = (Role.PUPIL, Role.EMPLOYER, *SCHOOL_STAFF_ROLES)
PartyDep = Annotated[Visitor, Depends(require(*PARTY_ROLES))]
PARENT_FIELDS = ("name", "address", "email", "phone")


def _role_in(visitor: Visitor) -> str:
    """The visitor's place among the signatories, as the service names them."""
    role = visitor.role
    if role is Role.PUPIL:
        return "pupil"
    if role is Role.EMPLOYER:
        return "employer"
    return "school_head" if role is Role.SCHOOL_HEAD else "school_staff"


@router.get("/conventions", response_class=HTMLResponse)
async def listing(request: Request, party: PartyDep) -> Response:
    found = await services(request).conventions.get("/conventions", token=party.token)
    return render(request, "conventions.html", title="Conventions", conventions=found)


async def _page(
    request: Request,
    party: Visitor,
    convention_id: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    convention = await services(request).conventions.get(
        f"/conventions/{convention_id}", token=party.token
    )
    return render(
        request,
        "convention.html",
        status,
        title="Convention de stage",
        convention=convention,
        me=_role_in(party),
        days=_week_days(convention["weeks"]),
        **extra,
    )


def _week_days(weeks: list[str]) -> list[dt.date]:
    if not weeks:
        return []
    year, number = weeks[0].split("-W")
    return [dt.date.fromisocalendar(int(year), int(number), d) for d in range(1, 6)]


@router.get("/conventions/{convention_id}", response_class=HTMLResponse)
async def read(request: Request, convention_id: str, party: PartyDep) -> Response:
    return await _page(request, party, convention_id)


@router.get("/conventions/{convention_id}/document.pdf")
async def pdf(request: Request, convention_id: str, party: PartyDep) -> Response:
    answer = await services(request).conventions.send(
        "GET", f"/conventions/{convention_id}/pdf", token=party.token
    )
    return Response(answer.content, media_type="application/pdf")


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "")).strip()


def employer_part(form: Any, days: list[dt.date]) -> dict[str, Any]:
    names = (
        "representative_name",
        "representative_role",
        "siret",
        "tutor_name",
        "tutor_role",
        "tutor_email",
        "tutor_phone",
        "activities",
        "learning_goals",
    )
    start, end = _text(form, "start") or "09:00", _text(form, "end") or "17:00"
    schedule = [{"day": d.isoformat(), "start": start, "end": end} for d in days]
    return {n: _text(form, n) for n in names} | {"schedule": schedule}


def _parent(form: Any, prefix: str) -> dict[str, Any] | None:
    values = {f: _text(form, f"{prefix}_{f}") or None for f in PARENT_FIELDS}
    return values if values["name"] else None


def school_part(form: Any) -> dict[str, Any]:
    names = (
        "school_representative_name",
        "school_representative_role",
        "pupil_name",
        "pupil_birth_date",
        "pupil_class",
        "referent_teacher_name",
        "insurance",
        "transport_terms",
        "meals_terms",
    )
    return {n: _text(form, n) for n in names} | {
        "legal_representative_1": _parent(form, "parent1"),
        "legal_representative_2": _parent(form, "parent2"),
    }


async def _employer_step(
    client: ServiceClient, base: str, token: str, form: Any
) -> str:
    convention = await client.get(base, token=token)
    body = employer_part(form, _week_days(convention["weeks"]))
    await client.put(f"{base}/employer-part", json=body, token=token)
    return "part_saved"


async def _school_step(client: ServiceClient, base: str, token: str, form: Any) -> str:
    await client.put(f"{base}/school-part", json=school_part(form), token=token)
    return "part_saved"


async def _code_step(client: ServiceClient, base: str, token: str, form: Any) -> str:
    await client.post(f"{base}/signing-code", token=token)
    return "code_sent"


async def _sign_step(client: ServiceClient, base: str, token: str, form: Any) -> str:
    body = {"code": _text(form, "code")}
    await client.post(f"{base}/signature", json=body, token=token)
    return "signed"


STEPS = {
    "organisme": _employer_step,
    "etablissement": _school_step,
    "code": _code_step,
    "signature": _sign_step,
}


@router.post("/conventions/{convention_id}/{step}", response_class=HTMLResponse)
async def act(
    request: Request, convention_id: str, step: str, party: PartyDep, form: FormDep
) -> Response:
    """Fills in one's part, asks for a signing code or signs, then shows the page."""
    if step not in STEPS:
        return redirect(f"/conventions/{convention_id}")
    client, base = services(request).conventions, f"/conventions/{convention_id}"
    try:
        flash = await STEPS[step](client, base, party.token or "", form)
    except ServiceError as exc:
        return await _page(request, party, convention_id, exc.status, error=exc.message)
    return redirect(base, flash)


@router.get("/conventions/lien/{token}", response_class=HTMLResponse)
async def by_link(request: Request, token: str) -> Response:
    convention = await services(request).conventions.get(f"/links/{token}")
    return render(
        request,
        "convention_link.html",
        title="Convention de stage",
        convention=convention,
        token=token,
    )


@router.post("/conventions/lien/{token}/{step}", response_class=HTMLResponse)
async def sign_by_link(
    request: Request, token: str, step: str, form: FormDep
) -> Response:
    client = services(request).conventions
    try:
        if step == "code":
            await client.post(f"/links/{token}/signing-code")
            return redirect(f"/conventions/lien/{token}", "code_sent")
        signed = await client.post(
            f"/links/{token}/signature", json={"code": _text(form, "code")}
        )
    except ServiceError as exc:
        convention = await client.get(f"/links/{token}")
        return render(
            request,
            "convention_link.html",
            exc.status,
            title="Convention de stage",
            convention=convention,
            token=token,
            error=exc.message,
        )
    return render(
        request,
        "convention_link.html",
        title="Convention signée",
        convention=signed,
        token=None,
        done=True,
    )
