"""Signing in and out with a local account: the same words and delay for a wrong password and a
locked account, forms refused without their CSRF token, a session that ends at sign-out."""

from __future__ import annotations

import time

import httpx
import pytest

from services.web.pages.auth import REFUSED
from tests.web.conftest import sign_in
from tests.web.system import PASSWORD

pytestmark = pytest.mark.e2e


def test_wrong_password_and_locked_account_get_the_same_answer(system, open_page) -> None:
    looker = open_page()
    page, base = looker.page, system.url("web")
    # A page asks for sign-in first, and comes back after it.
    page.goto(f"{base}/ho-so")
    assert "/dang-nhap" in page.url
    looker.look("trang đăng nhập")
    # A wrong password: refused after a delay, with the common words.
    page.get_by_label("Tên đăng nhập").fill("khoathu")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau-roi")
    started = time.monotonic()
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert time.monotonic() - started >= 0.3
    assert page.get_by_role("alert").inner_text() == REFUSED
    looker.look("sai mật khẩu")
    # Two more failures lock the account: the right password gets the very same answer.
    for _ in range(2):
        page.get_by_label("Tên đăng nhập").fill("khoathu")
        page.get_by_label("Mật khẩu").fill("sai-mat-khau-roi")
        page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Tên đăng nhập").fill("khoathu")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == REFUSED
    assert "/dang-nhap" in page.url


def test_forms_need_their_token_and_sign_out_ends_the_session(system, open_page) -> None:
    looker = open_page()
    page, base = looker.page, system.url("web")
    sign_in(page, base, "canbo")
    assert "Nông Văn Bình" in page.inner_text("header")
    looker.look("trang chủ cán bộ đơn vị")
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["tdkt_phien"]
    # A form posted without the page's CSRF token is refused, with the same session cookie.
    refused = page.request.post(f"{base}/ho-so/moi", form={"award_code": "BKT", "name": "X"})
    assert refused.status == 400 and "Biểu mẫu đã hết hạn" in refused.text()
    # Sign out: the cookie no longer opens anything.
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap**")
    assert "Đã đăng xuất" in page.inner_text("main")
    after = httpx.get(f"{base}/ho-so", cookies={"tdkt_phien": cookie}, follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/dang-nhap")
