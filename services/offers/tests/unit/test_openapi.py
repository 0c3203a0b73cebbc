"""The committed OpenAPI document is the one the app serves."""

import json
import os
from pathlib import Path

from offers.main import build_app

DOCUMENT = Path(__file__).parents[2] / "openapi.json"


def render() -> str:
    return json.dumps(build_app().openapi(), indent=2, ensure_ascii=False) + "\n"


def test_committed_openapi_is_up_to_date() -> None:
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        DOCUMENT.write_text(render(), encoding="utf-8")
    assert DOCUMENT.read_text(encoding="utf-8") == render(), (
        "UPDATE_SNAPSHOTS=1 uv run pytest services/offers/tests/unit/test_openapi.py"
    )


def test_partner_paths_of_both_contracts_are_there() -> None:
    paths = build_app().openapi()["paths"]
    for version in (1, 2):
        for path in ("internship_offers", "internship_offers/{remote_id}", "sectors"):
            assert f"/api/v{version}/{path}" in paths
    assert "/api/v2/internship_offers/search" in paths
