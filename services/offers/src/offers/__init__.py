"""Offres: Offres de stage, API partenaires v1/v2 et flux des ministères."""
