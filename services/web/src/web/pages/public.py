"""Pages for everyone: search, offer, public statistics, help."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from web import geo, labels
from web.clients import ServiceError
from web.rendering import render
from web.session import VisitorDep, services

router = APIRouter()


def _search_params(q: str, place: str, radius: str, page: int) -> dict[str, Any]:
    params: dict[str, Any] = {"page": page}
    if q.strip():
        params["q"] = q.strip()
    if place.strip():
        params["place"] = place.strip()
    if radius.strip():
        params["radius_km"] = radius.strip()
    return params


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, visitor: VisitorDep) -> HTMLResponse:
    return render(request, "home.html", title="Trouver un stage d'observation")


@router.get("/recherche", response_class=HTMLResponse)
async def search(
    request: Request,
    visitor: VisitorDep,
    q: str = "",
    place: Annotated[str, Query(alias="lieu")] = "",
    radius: Annotated[str, Query(alias="rayon")] = "10",
    page: Annotated[int, Query(ge=1, le=300)] = 1,
) -> HTMLResponse:
    params = _search_params(q, place, radius, page)
    form = {"q": q, "lieu": place, "rayon": radius}
    try:
        found = await services(request).search.get(
            "/offers/search", params=params, token=visitor.token
        )
    except ServiceError as exc:
        return render(
            request,
            "search.html",
            exc.status,
            title="Résultats",
            form=form,
            error=exc.message,
        )
    return render(
        request,
        "search.html",
        title=f"{found['total']} offres de stage",
        form=form,
        found=found,
        plot=_plot(found),
    )


def _plot(found: dict[str, Any]) -> geo.Plot | None:
    criteria = found["criteria"]
    if criteria["lat"] is None or not found["results"]:
        return None
    return geo.plot(
        criteria["lat"], criteria["lon"], criteria["radius_km"], found["results"]
    )


@router.get("/offres/{offer_id}", response_class=HTMLResponse)
async def offer(request: Request, offer_id: str, visitor: VisitorDep) -> HTMLResponse:
    detail = await services(request).search.get(f"/offers/{offer_id}")
    return render(request, "offer.html", title=detail["title"], offer=detail)


@router.get("/statistiques", response_class=HTMLResponse)
async def statistics(request: Request, visitor: VisitorDep) -> HTMLResponse:
    figures = await services(request).stats.get("/public/indicators")
    return render(
        request,
        "statistics.html",
        title="Statistiques publiques",
        figures=figures,
        charts=charts(figures),
    )


def charts(figures: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """Bars by sector (offers, internships) and by gender (applications...)."""
    sectors = figures.get("by_sector", [])
    totals = figures.get("totals", {})
    by_gender = {
        metric: [
            (labels.GENDERS[g], int(totals.get(metric, {}).get(g, 0)))
            for g in labels.GENDERS
        ]
        for metric in ("applications", "internships", "signed")
        if isinstance(totals.get(metric), dict)
    }
    return {
        "offers": [(s["sector"], int(s["offers"])) for s in sectors if s["offers"]],
        "internships": [
            (s["sector"], int(s["internships"]["total"]))
            for s in sectors
            if s["internships"]["total"]
        ],
    } | {f"gender_{k}": v for k, v in by_gender.items()}


@router.get("/aide", response_class=HTMLResponse)
async def help_page(request: Request, visitor: VisitorDep) -> HTMLResponse:
    return render(request, "help.html", title="Aide")


async def offers_by_id(request: Request, ids: set[str]) -> dict[str, Any]:
    """Titles and places of several offers at once (unknown ones are left out)."""

    async def one(offer_id: str) -> Any:
        try:
            return await services(request).search.get(f"/offers/{offer_id}")
        except ServiceError:
            return None

    found = await asyncio.gather(*(one(i) for i in ids))
    return {o["offer_id"]: o for o in found if o}
