"""Templates, flash messages and redirects shared by the pages."""

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from web import labels
from web.session import FLASH_COOKIE, csrf_token

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals["labels"] = labels
TEMPLATES.env.filters["week"] = labels.week_label
TEMPLATES.env.filters["date"] = labels.date_label
TEMPLATES.env.filters["status"] = labels.status_label
TEMPLATES.env.filters["role"] = labels.role_label


def render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    flash = request.cookies.get(FLASH_COOKIE)
    if flash:
        request.state.flash_shown = True
    visitor = getattr(request.state, "visitor", None)
    context |= {
        "csrf_token": csrf_token(request),
        "flash": labels.FLASH.get(flash or ""),
        "visitor": visitor,
        "path": request.url.path,
    }
    return TEMPLATES.TemplateResponse(
        request, template, context, status_code=status_code
    )


def redirect(path: str, flash: str | None = None) -> RedirectResponse:
    """303 to a page, with a message for the next page (a key of labels.FLASH)."""
    response = RedirectResponse(path, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash), httponly=True, samesite="lax")
    return response


def menu(visitor: Any) -> list[tuple[str, str]]:
    """The main menu: what everyone sees, then the pages of the user's role."""
    items = [("/", "Rechercher un stage"), ("/statistiques", "Statistiques")]
    role = visitor.principal.role.value if visitor and visitor.principal else None
    return items + ROLE_MENUS.get(role or "", []) + [("/aide", "Aide")]


_SCHOOL = [
    ("/etablissement", "Mon établissement"),
    ("/etablissement/conventions", "Conventions"),
]
_REFERENT = [("/referent", "Tableau de bord")]
_SCHOOL_ROLES = ("school_head", "main_teacher", "teacher", "cpe", "documentalist",
                 "psychologist", "school_admin_staff")  # fmt: skip
_REFERENT_ROLES = ("referent_department", "referent_academy", "referent_region",
                   "referent_central")  # fmt: skip
ROLE_MENUS: dict[str, list[tuple[str, str]]] = (
    {
        "pupil": [
            ("/eleve/candidatures", "Mes candidatures"),
            ("/eleve/cv", "Mon CV"),
            ("/conventions", "Ma convention"),
        ],
        "employer": [
            ("/employeur/offres", "Mes offres"),
            ("/employeur/offres/nouvelle", "Déposer une offre"),
            ("/conventions", "Conventions"),
        ],
        "admin": [("/admin", "Administration")],
    }
    | dict.fromkeys(
        (
            "school_head",
            "main_teacher",
            "teacher",
            "cpe",
            "documentalist",
            "psychologist",
            "school_admin_staff",
        ),
        _SCHOOL,
    )
    | dict.fromkeys(
        (
            "referent_department",
            "referent_academy",
            "referent_region",
            "referent_central",
        ),
        _REFERENT,
    )
)
TEMPLATES.env.globals["menu"] = menu
