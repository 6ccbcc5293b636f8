"""Live updates filtered per person, and sign-in through a real OpenID Connect provider."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tdkt.embedded import free_ports
from tests.web.conftest import sign_in
from tests.web.node import node_dir
from tests.web.system import WebSystem

pytestmark = pytest.mark.e2e


def open_dossier(system: WebSystem, unit: str, name: str) -> None:
    with system.api("nomination", "unit_clerk", unit=unit, subject=f"canbo.{unit.lower()}") as clerk:
        response = clerk.post("/dossiers", json={"award_code": "LDTT", "year": 2025,
                                                 "nominee": {"name": name, "date_of_birth": "1980-01-01"}})
        assert response.status_code == 201, response.text


def test_a_page_shows_its_units_events_live_and_never_another_units(system, open_page) -> None:
    base = system.url("web")
    education, health = open_page("so-giao-duc"), open_page("so-y-te")
    sign_in(education.page, base, "canbo")
    sign_in(health.page, base, "canbo.syt")
    for looker in (education, health):
        looker.page.wait_for_function("() => document.body.dataset.live === '/su-kien'")
        looker.page.wait_for_timeout(500)  # the event stream is open
    # An event of the education department reaches its clerk's open page without a reload ...
    open_dossier(system, "SGDDT", "Lăng Văn Quý")
    education.page.wait_for_function(
        "() => document.getElementById('cap-nhat').innerText.includes('Lăng Văn Quý')", timeout=15000)
    assert "SGDDT" in education.page.inner_text("#cap-nhat")
    education.look("cập nhật trực tiếp")
    # ... while the health department's clerk receives nothing of it, and then its own event.
    open_dossier(system, "SYT", "Bế Thị Xuân")
    health.page.wait_for_function("() => document.getElementById('cap-nhat').innerText.includes('Bế Thị Xuân')",
                                  timeout=15000)
    assert "Lăng Văn Quý" not in health.page.inner_text("#cap-nhat")
    assert "Bế Thị Xuân" not in education.page.inner_text("#cap-nhat")


@pytest.fixture
def provider(system: WebSystem, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The `oidc-provider` package run with Node.js, and a web service that signs in with it."""
    provider_port, web_port = free_ports(2)
    web = f"http://127.0.0.1:{web_port}"
    issuer = f"http://127.0.0.1:{provider_port}"
    accounts = {"bethu": {"name": "Bế Thị Thu", "unit": "SNV", "groups": ["tdkt-tham-dinh"]}}
    env = {**os.environ, "PORT": str(provider_port), "CLIENT_ID": "tdkt-web", "CLIENT_SECRET": "bi-mat-cua-trang-web",
           "REDIRECT_URI": f"{web}/oidc/callback", "POST_LOGOUT_URI": f"{web}/dang-nhap",
           "ACCOUNTS": json.dumps(accounts, ensure_ascii=False)}
    folder = node_dir()
    log = (tmp_path / "provider.log").open("wb")
    node = subprocess.Popen(["node", "provider.mjs"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    web_env = {k: v for k, v in system.env.items() if k != "TDKT_WEB_ACCOUNTS_FILE"}
    web_env.update({"TDKT_WEB_PORT": str(web_port), "TDKT_WEB_PUBLIC_URL": web, "TDKT_WEB_OIDC_ISSUER": issuer,
                    "TDKT_WEB_OIDC_CLIENT_ID": "tdkt-web", "TDKT_WEB_OIDC_CLIENT_SECRET": "bi-mat-cua-trang-web",
                    "TDKT_WEB_OIDC_ROLES_CLAIM": "groups",
                    "TDKT_WEB_OIDC_ROLE_MAP": json.dumps({"tdkt-tham-dinh": "appraiser"})})
    process = subprocess.Popen([sys.executable, "-m", "services.web"], env=web_env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if (httpx.get(f"{web}/readyz").status_code == 200
                        and httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200):
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "provider.log").read_text()
            time.sleep(0.2)
        yield {"web": web, "issuer": issuer}
    finally:
        for running in (process, node):
            running.terminate()
            running.wait(20)
        log.close()


def test_sign_in_and_out_through_the_provinces_identity_provider(provider, open_page) -> None:
    looker = open_page()
    page, web = looker.page, provider["web"]
    page.goto(f"{web}/dang-nhap")
    assert page.get_by_label("Tên đăng nhập").count() == 0, "no local accounts configured"
    looker.look("đăng nhập bằng SSO")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản của tỉnh (SSO)").click()
    # The provider's own pages: its login form, then its consent.
    page.wait_for_url(f"{provider['issuer']}/**")
    page.locator("input[name=login]").fill("bethu")
    page.locator("input[name=password]").fill("bat-ky")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if page.url.startswith(provider["issuer"]):
        page.locator("button[type=submit]").click()  # consent
    page.wait_for_url(f"{web}/")
    looker.foreign.clear()  # the provider's own development pages load web fonts; ours are checked from here
    # Back home: the name from the ID token, the role through the configured mapping, the unit claim.
    header, main = page.inner_text("header"), page.inner_text("main")
    assert "Bế Thị Thu · SNV" in header and "Chuyên viên thẩm định" in main
    assert "Hồ sơ mới trình, chờ tiếp nhận" in main, "the services accepted the minted token for this person"
    looker.look("trang chủ sau khi đăng nhập SSO")
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["tdkt_phien"]
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    if page.url.startswith(provider["issuer"]):
        page.locator("button[type=submit]").first.click()  # the provider asks to confirm its own sign-out
    page.wait_for_url(f"{web}/dang-nhap**")
    after = httpx.get(f"{web}/", cookies={"tdkt_phien": cookie}, follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/dang-nhap")
