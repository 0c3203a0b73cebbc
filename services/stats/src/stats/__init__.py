"""Statistiques: see README.md."""
