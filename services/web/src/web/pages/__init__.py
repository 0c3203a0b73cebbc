"""The site's pages, one router per audience."""

from fastapi import FastAPI

from web.pages import (
    account,
    admin,
    conventions,
    employer,
    public,
    pupil,
    referent,
    school,
)


def install_pages(app: FastAPI) -> None:
    for module in (
        public,
        account,
        pupil,
        employer,
        conventions,
        school,
        referent,
        admin,
    ):
        app.include_router(module.router)
