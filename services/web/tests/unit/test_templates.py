from pathlib import Path

import pytest

from web.rendering import TEMPLATES

FOLDER = Path(__file__).parents[2] / "src" / "web" / "templates"
NAMES = sorted(p.name for p in FOLDER.glob("*.html"))


@pytest.mark.parametrize("name", NAMES)
def test_every_template_compiles(name: str) -> None:
    assert len(NAMES) > 20
    assert TEMPLATES.env.get_template(name) is not None
