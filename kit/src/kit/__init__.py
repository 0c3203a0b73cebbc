"""Shared runtime of the services: settings, logs, database, reliable messaging."""
