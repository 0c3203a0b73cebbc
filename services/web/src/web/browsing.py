"""Test helpers for the browser tests: axe-core checks and small screenshots."""

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Page

from web.settings import PACKAGE_ROOT

AXE_SCRIPT = PACKAGE_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PACKAGE_ROOT / "docs" / "screenshots"
BLOCKING = ("serious", "critical")


@dataclass
class AxeReport:
    """Violations found by axe on each page, by impact."""

    pages: dict[str, dict[str, int]] = field(default_factory=dict)

    def check(self, page: Page, label: str) -> list[dict[str, Any]]:
        """Runs axe on the page as it is; returns the serious and critical ones."""
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_SCRIPT))
        violations: list[dict[str, Any]] = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']}))"
            ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
            "nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )
        counts: dict[str, int] = {}
        for violation in violations:
            impact = str(violation["impact"])
            counts[impact] = counts.get(impact, 0) + 1
        self.pages[label] = counts
        return [v for v in violations if v["impact"] in BLOCKING]

    def summary(self) -> str:
        lines = [f"axe-core: {len(self.pages)} pages vérifiées"]
        for label, counts in sorted(self.pages.items()):
            found = ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "aucune"
            lines.append(f"  {label}: {found}")
        return "\n".join(lines)


def screenshot(page: Page, name: str) -> None:
    """A small PNG of the page under docs/screenshots, when UPDATE_SCREENSHOTS=1."""
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image: Image.Image = Image.open(io.BytesIO(page.screenshot(full_page=False)))
    image = image.convert("RGB").quantize(colors=64)
    image.save(Path(SCREENSHOTS / f"{name}.png"), optimize=True)
