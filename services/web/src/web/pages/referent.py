"""The referents' dashboards: charts of their scope, exports, schools."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from kit.auth import Role
from web import labels
from web.pages.public import charts
from web.rendering import render
from web.session import Visitor, require, services

router = APIRouter()
REFERENT_ROLES = (
    Role.REFERENT_DEPARTMENT,
    Role.REFERENT_ACADEMY,
    Role.REFERENT_REGION,
    Role.REFERENT_CENTRAL,
    Role.ADMIN,
)
ReferentDep = Annotated[Visitor, Depends(require(*REFERENT_ROLES))]
EXPORTS = {"offers", "indicators", "schools"}
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/referent", response_class=HTMLResponse)
async def dashboard(request: Request, referent: ReferentDep) -> Response:
    stats = services(request).stats
    figures = await stats.get("/indicators", token=referent.token)
    # Registered ones only: the eligible ones are thousands, counted above and
    # listed in full by the schools export.
    schools = await stats.get(
        "/schools", token=referent.token, params={"registered": "true"}
    )
    return render(
        request,
        "referent.html",
        title="Tableau de bord",
        figures=figures,
        charts=charts(figures),
        schools=schools,
        genders=labels.GENDERS,
        kinds=labels.SCHOOL_KINDS,
    )


@router.get("/referent/exports/{name}.{fmt}")
async def export(
    request: Request, name: str, fmt: str, referent: ReferentDep
) -> Response:
    if name not in EXPORTS or fmt not in MEDIA:
        return Response(status_code=404)
    answer = await services(request).stats.send(
        "GET",
        f"/exports/{name}.{fmt}",
        token=referent.token,
        params=dict(request.query_params),
    )
    disposition = answer.headers.get("content-disposition", "attachment")
    return Response(
        answer.content,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": disposition},
    )
