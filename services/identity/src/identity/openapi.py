"""`python -m identity.openapi > services/identity/openapi.json` (committed)."""

import json
import sys
from typing import Any

from identity.main import build_app
from identity.settings import Settings
from identity.signing import generate_pem


def document() -> dict[str, Any]:
    # A throw-away key: the document does not depend on it.
    settings = Settings.model_validate({"jwt_private_key": generate_pem().decode()})
    return build_app(settings).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
