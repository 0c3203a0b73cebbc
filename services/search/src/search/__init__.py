"""Recherche: Recherche géographique et plein texte des offres, sur OpenSearch."""
