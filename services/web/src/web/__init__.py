"""The web front of the platform: server-rendered DSFR pages over the services' APIs."""
