"""Wiring of the Identité service: `uvicorn identity.main:app`."""

from kit.http import create_app

DESCRIPTION = (
    "Comptes, rôles, établissements, classes, semaines de stage, "
    "autorisations parentales et jetons."
)

app = create_app(title="Identité", description=DESCRIPTION)
