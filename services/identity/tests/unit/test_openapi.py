from pathlib import Path

from identity.openapi import document, render

COMMITTED = Path(__file__).parents[2] / "openapi.json"


def test_committed_openapi_is_up_to_date() -> None:
    assert COMMITTED.read_text() == render(), (
        "uv run python -m identity.openapi > services/identity/openapi.json"
    )


def test_protected_routes_declare_bearer_auth() -> None:
    paths = document()["paths"]
    assert "security" in paths["/schools/{uai}/weeks"]["put"]
    assert "security" not in paths["/auth/login"]["post"]
