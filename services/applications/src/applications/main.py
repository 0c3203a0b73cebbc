"""Wiring of the Candidatures service: `uvicorn applications.main:app`."""

from kit.http import create_app

DESCRIPTION = "Candidatures des élèves: postuler, décider, confirmer, expirer."

app = create_app(title="Candidatures", description=DESCRIPTION)
