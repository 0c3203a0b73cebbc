"""Wiring of the Offres service: `uvicorn offers.main:app`."""

from kit.http import create_app

DESCRIPTION = "Offres de stage, API partenaires v1/v2 et flux des ministères."

app = create_app(title="Offres", description=DESCRIPTION)
