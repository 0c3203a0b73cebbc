"""Wiring of the Statistiques service: `uvicorn stats.main:app`."""

from kit.http import create_app

DESCRIPTION = (
    "Indicateurs pour les référents de l'État, exports et statistiques publiques."
)

app = create_app(title="Statistiques", description=DESCRIPTION)
