"""Candidatures: Candidatures des élèves: postuler, décider, confirmer, expirer."""
