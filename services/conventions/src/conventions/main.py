"""Wiring of the Conventions service: `uvicorn conventions.main:app`."""

from kit.http import create_app

DESCRIPTION = "Conventions de stage tripartites, remplies et signées en ligne."

app = create_app(title="Conventions", description=DESCRIPTION)
