"""Identité: see README.md."""
