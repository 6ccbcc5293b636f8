"""Every service's /docs works without the internet: Swagger UI from the service's own files."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", ["plan", "nomination", "notification", "reporting", "web"])
def test_api_docs_name_only_the_services_own_assets(system, service) -> None:
    base = system.url(service)
    page = httpx.get(f"{base}/docs", timeout=30)
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text) + re.findall(r"url: ?'([^']+)'", page.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert httpx.get(f"{base}{asset}", timeout=60).status_code == 200, asset


def test_api_docs_render_in_the_browser_without_other_hosts(system, open_page) -> None:
    looker = open_page()
    looker.page.goto(f"{system.url('nomination')}/docs")
    looker.page.wait_for_selector(".swagger-ui .info .title")
    assert "TĐKT" in looker.page.inner_text(".swagger-ui .info .title")
    looker.page.wait_for_load_state("networkidle")
    assert looker.foreign == [], f"/docs asked other hosts: {looker.foreign}"
