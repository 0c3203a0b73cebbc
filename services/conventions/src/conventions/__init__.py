"""Conventions: Conventions de stage tripartites, remplies et signées en ligne."""
