"""Reliable messaging: transactional outbox, relay, idempotent inbox, dead letters."""
