"""Looking at a page as people do: a screenshot kept as an artefact, no request to another host,
axe-core finds nothing serious or critical, and nothing wider than a 360 px phone."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, ViewportSize

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "web"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 780}


class Looker:
    """Follows one page: every request it makes, and a check of each page it reaches."""

    def __init__(self, page: Page, story: str, axe: str) -> None:
        self.page, self.story, self.axe = page, story, axe
        self.foreign: list[str] = []
        self.checked: list[str] = []
        page.on("request", self._request)
        (ARTEFACTS / story).mkdir(parents=True, exist_ok=True)

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.foreign.append(request.url)

    def look(self, name: str) -> None:
        """Check the page as it is now, at desktop and phone width; keep both screenshots."""
        page = self.page
        page.wait_for_load_state("networkidle")
        folded = unicodedata.normalize("NFKD", name.lower().replace("đ", "d")).encode("ascii", "ignore").decode()
        slug = f"{len(self.checked) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', folded).strip('-')}"
        page.screenshot(path=str(ARTEFACTS / self.story / f"{slug}.png"))  # the desktop view; the phone's is whole
        violations = self._axe()
        assert not violations, f"{name}: accessibility problems {json.dumps(violations, ensure_ascii=False)}"
        page.set_viewport_size(PHONE)
        try:
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(ARTEFACTS / self.story / f"{slug}-360.png"), full_page=True)
            assert width <= PHONE["width"], f"{name}: {width} px wide at 360 px (horizontal overflow)"
        finally:
            page.set_viewport_size(DESKTOP)
        assert not self.foreign, f"{name}: requests to other hosts {self.foreign}"
        self.checked.append(name)

    def _axe(self) -> list[dict[str, Any]]:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(self.axe)
        result = self.page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        return list(result)
