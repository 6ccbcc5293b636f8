"""Every service's /docs works without the internet: Swagger UI from the service's own files."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", ["plan", "nomination", "notification", "reporting", "web"])
def test_api_docs_load_everything_from_the_service_itself(system, open_page, service) -> None:
    looker = open_page(service)
    looker.page.goto(f"{system.url(service)}/docs")
    looker.page.wait_for_selector(".swagger-ui .info .title")
    assert "TĐKT" in looker.page.inner_text(".swagger-ui .info .title")
    looker.page.wait_for_load_state("networkidle")
    assert looker.foreign == [], f"{service}/docs asked other hosts: {looker.foreign}"
