"""Wiring of the Recherche service: `uvicorn search.main:app`."""

from kit.http import create_app

DESCRIPTION = "Recherche géographique et plein texte des offres, sur OpenSearch."

app = create_app(title="Recherche", description=DESCRIPTION)
