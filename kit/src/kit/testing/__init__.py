"""Test support shared by every service: real-server fixtures and helpers."""
