"""People's records found with or without diacritics, the leaders' dashboards and downloads, and
the administrator's page: services, accounts (a new one signs in with a one-time password)."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_records_are_found_with_or_without_diacritics(system, open_page) -> None:
    with system.api("nomination", "appraiser", unit="SNV") as nomination:
        created = nomination.post("/people", json={"full_name": "Đinh Thị Hường", "personal_number": "004186054321",
                                                    "born_on": "1986-04-30", "sex": "nu", "unit_code": "SYT"})
        assert created.status_code in (200, 201), created.text
        fact = {"kind": "title", "year": 2025, "code": "CSTDCS", "decision_ref": "25/QĐ-SYT"}
        assert nomination.post(f"/people/{created.json()['id']}/facts", json=fact).status_code in (200, 201)
    looker = open_page()
    page, base = looker.page, system.url("web")
    sign_in(page, base, "thamdinh")
    for query in ("dinh thi huong", "Đinh Thị Hường"):
        page.goto(f"{base}/tra-cuu")
        page.get_by_role("searchbox").fill(query)
        page.get_by_role("button", name="Tìm").click()
        page.wait_for_load_state()
        assert "Đinh Thị Hường" in page.inner_text("main"), query
    looker.look("tra cứu không dấu")
    page.get_by_role("link", name="Đinh Thị Hường").click()
    record = page.inner_text("main")
    assert "25/QĐ-SYT" in record and "30/04/1986" in record
    looker.look("lịch sử của một người")


def test_leaders_see_dashboards_and_download_their_tables(system, open_page) -> None:
    system.ensure_plan()
    looker = open_page()
    page, base = looker.page, system.url("web")
    sign_in(page, base, "thanhtra")
    page.goto(f"{base}/bao-cao?nam=2026")
    assert page.locator("svg.chart").count() >= 2
    assert "Nhiệm vụ theo quý" in page.inner_text("main")
    looker.look("báo cáo năm")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Tải về \\(CSV\\).*Nhiệm vụ theo quý")).click()
    content = download.value.path().read_bytes().decode("utf-8")
    assert content.startswith("\ufeffQuý,Tổng,Đang thực hiện,Hoàn thành,Quá hạn")
    assert sum(int(line.split(",")[1]) for line in content.splitlines()[1:]) == 34


def test_administrator_adds_an_account_that_signs_in_with_a_one_time_password(system, open_page) -> None:
    admin = open_page("quan-tri")
    page, base = admin.page, system.url("web")
    sign_in(page, base, "quantri")
    page.goto(f"{base}/quan-tri")
    assert "sẵn sàng" in page.inner_text("#h-ss + ul")
    assert "nomination: không có." in page.inner_text("main"), "each service's dead letters are listed"
    admin.look("trang quản trị")
    page.locator("#a-name").fill("canbo.stc")
    page.locator("#a-full").fill("Nông Thị Thảo")
    page.locator("#a-unit").fill("STC")
    page.get_by_label("Cán bộ TĐKT đơn vị").check()
    page.get_by_role("button", name="Thêm tài khoản").click()
    page.wait_for_load_state()
    one_time = page.locator(".notice code").inner_text()
    assert "canbo.stc" in page.inner_text("#tai-khoan")
    # The new clerk signs in with it and must choose a password first.
    newcomer = open_page("tai-khoan-moi")
    sign_in(newcomer.page, base, "canbo.stc", one_time)
    assert newcomer.page.url.endswith("/doi-mat-khau")
    newcomer.look("đổi mật khẩu lần đầu")
    newcomer.page.goto(f"{base}/ho-so")
    assert newcomer.page.url.endswith("/doi-mat-khau"), "nothing else opens before the password is changed"
    newcomer.page.get_by_label("Mật khẩu hiện tại").fill(one_time)
    newcomer.page.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill("mat-khau-cua-thao")
    newcomer.page.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-cua-thao")
    newcomer.page.get_by_role("button", name="Đổi mật khẩu").click()
    newcomer.page.wait_for_url(f"{base}/?**")
    assert "Nông Thị Thảo · STC" in newcomer.page.inner_text("header")
