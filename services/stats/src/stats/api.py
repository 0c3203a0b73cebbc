"""HTTP API of the statistics service."""

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity.v1 import SchoolKind
from kit.auth import PrincipalDep
from kit.http import error_body
from stats import exports, queries, schools
from stats.db import GENDERS, METRICS
from stats.scope import OutOfScope, narrowed, scope_of

router = APIRouter(tags=["statistiques"])
Format = Literal["csv", "xlsx"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OFFER_HEADER = (
    "id",
    "intitulé",
    "employeur",
    "secteur",
    "ville",
    "département",
    "public",
    "ministère",
    "places",
    "statut",
)
INDICATOR_HEADER = (
    "secteur",
    "offres",
    "places",
    "candidatures filles",
    "candidatures garçons",
    "candidatures non précisé",
    "stages filles",
    "stages garçons",
    "stages non précisé",
    "conventions signées filles",
    "conventions signées garçons",
    "conventions signées non précisé",
)

SCHOOL_HEADER = (
    "UAI",
    "établissement",
    "commune",
    "type",
    "département",
    "académie",
    "inscrit",
    "date d'inscription",
    "classes",
    "élèves",
    "élèves autorisés",
    "élèves sans candidature",
    "élèves avec candidature",
    "élèves avec un stage confirmé",
)
KIND_LABELS = {
    "rep": "REP",
    "rep_plus": "REP+",
    "qpv": "QPV",
    "qpv_proche": "proche QPV",
    "lycee": "lycée",
}
Kinds = Annotated[list[SchoolKind] | None, Query()]


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(_session)]


@router.get("/indicators")
async def indicators(
    principal: PrincipalDep,
    session: SessionDep,
    school_year: int | None = None,
    department: str | None = None,
) -> dict[str, Any]:
    """Indicateurs du périmètre : offres, candidatures, stages, conventions."""
    scope = narrowed(scope_of(principal), department=department)
    return await queries.indicators(session, scope, school_year=school_year)


@router.get("/public/indicators")
async def public_indicators(
    session: SessionDep, school_year: int | None = None
) -> dict[str, Any]:
    """Chiffres nationaux en direct, pour la page publique des statistiques."""
    return await queries.public_indicators(session, school_year=school_year)


@router.get("/schools")
async def list_schools(
    principal: PrincipalDep,
    session: SessionDep,
    department: str | None = None,
    registered: bool | None = None,
    kind: Kinds = None,
) -> list[dict[str, Any]]:
    """Établissements éligibles du périmètre, inscrits ou non : classes, élèves,
    autorisations, stages."""
    scope = narrowed(scope_of(principal), department=department)
    return await schools.schools(session, scope, registered=registered, kinds=kind)


def _download(
    name: str, fmt: Format, title: str, header: Sequence[str], rows: Any
) -> StreamingResponse:
    body = (
        exports.csv_stream(header, rows)
        if fmt == "csv"
        else exports.xlsx_stream(title, header, rows)
    )
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return StreamingResponse(body, media_type=MEDIA[fmt], headers=disposition)


@router.get("/exports/offers.{fmt}")
async def export_offers(
    fmt: Format,
    principal: PrincipalDep,
    request: Request,
    school_year: int | None = None,
) -> StreamingResponse:
    """Liste des offres du périmètre, en CSV ou XLSX."""
    scope = scope_of(principal)

    async def rows() -> AsyncIterator[tuple[Any, ...]]:
        async with request.app.state.sessions() as session:
            async for row in queries.offers_rows(
                session, scope, school_year=school_year
            ):
                yield row

    return _download("offres", fmt, "Offres", OFFER_HEADER, rows())


@router.get("/exports/indicators.{fmt}")
async def export_indicators(
    fmt: Format,
    principal: PrincipalDep,
    session: SessionDep,
    school_year: int | None = None,
) -> StreamingResponse:
    """Tableau des indicateurs par secteur, en CSV ou XLSX."""
    figures = await queries.indicators(
        session, scope_of(principal), school_year=school_year
    )

    async def rows() -> AsyncIterator[list[Any]]:
        for line in figures["by_sector"]:
            counts = [line[m][g] for m in METRICS for g in GENDERS]
            yield [line["sector"], line["offers"], line["seats"], *counts]

    return _download("indicateurs", fmt, "Indicateurs", INDICATOR_HEADER, rows())


def _school_line(row: tuple[Any, ...]) -> tuple[Any, ...]:
    uai, name, city, kind, department, academy, registered, at, *counts = row
    day = at.date().isoformat() if at else ""
    label = KIND_LABELS.get(kind, kind)
    return (uai, name, city, label, department, academy, registered, day, *counts)


@router.get("/exports/schools.{fmt}")
async def export_schools(
    fmt: Format,
    principal: PrincipalDep,
    request: Request,
    department: str | None = None,
    registered: bool | None = None,
    kind: Kinds = None,
) -> StreamingResponse:
    """Établissements éligibles (REP et REP+ sauf filtre `kind`), inscrits ou non."""
    scope = narrowed(scope_of(principal), department=department)
    kinds = kind or ["rep", "rep_plus"]

    async def rows() -> AsyncIterator[tuple[Any, ...]]:
        async with request.app.state.sessions() as session:
            async for row in schools.school_rows(
                session, scope, registered=registered, kinds=kinds
            ):
                yield _school_line(row)

    return _download("etablissements", fmt, "Établissements", SCHOOL_HEADER, rows())


def install(app: FastAPI) -> None:
    app.include_router(router)

    @app.exception_handler(OutOfScope)
    async def out_of_scope(_: Request, exc: OutOfScope) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=403)
