"""A school's dossier through its parent unit, as the people who handle it see it: the school's
clerk submits it to Sở Giáo dục và Đào tạo (the shipped units.yaml puts THPT.CAOBINH under
SGDDT), the department's clerk returns it with a reason, the school completes and submits it
again, the department sends it up under its own tờ trình, and Sở Nội vụ's appraiser finds it
submitted, with the levels it went through."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.web.conftest import sign_in
from tests.web.test_dossier_story import PDF, take_step

pytestmark = pytest.mark.e2e


def attach_missing(page: Page, pdf: str) -> None:
    while page.locator("#tai-lieu .missing li").count():
        page.get_by_label("Loại tài liệu").select_option(label=page.locator("#tai-lieu .missing li").first.inner_text())
        page.get_by_label("Tệp (PDF, DOCX, PNG, JPEG)").set_input_files(pdf)
        page.get_by_role("button", name="Đính kèm").click()
        page.wait_for_load_state()


def test_a_schools_dossier_returned_by_its_department_then_sent_up_to_the_province(
        system, open_page, tmp_path) -> None:
    base = system.url("web")
    pdf = tmp_path / "tai-lieu.pdf"
    pdf.write_bytes(PDF)
    school = open_page("truong")
    page = school.page
    sign_in(page, base, "canbo.thpt")
    page.goto(f"{base}/ho-so/moi")
    page.get_by_label("Hình thức khen thưởng, danh hiệu").select_option("BKT")
    page.get_by_label("Năm của thành tích").fill("2025")
    page.get_by_label("Họ và tên / tên tập thể").fill("Lục Thị Mai")
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill("004190054321")
    page.get_by_label("Ngày sinh").fill("1990-07-02")
    page.get_by_label("Giới tính").select_option("nu")
    page.get_by_label("Tóm tắt thành tích (được công khai)").fill("Giáo viên dạy giỏi cấp tỉnh hai năm liền")
    page.get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_load_state()
    assert re.search(r"/ho-so/[0-9a-f-]{36}", page.url), page.inner_text("main")
    dossier_url = page.url.split("?")[0]
    dossier_id = dossier_url.rsplit("/", 1)[1]
    attach_missing(page, str(pdf))
    take_step(page, "record_unit_council", meeting_on="2026-02-20", present="10", agreed="9", attestations="1")
    take_step(page, "submit")
    level = page.inner_text("#cap-xu-ly")
    assert "Đang ở đơn vị cấp trên" in page.inner_text("main") and "Sở Giáo dục và Đào tạo" in level
    assert "Trường THPT Cao Bình → Sở Giáo dục và Đào tạo → Sở Nội vụ" in level
    assert page.locator("form[action$='/buoc/return_to_unit']").count() == 0, "only the department returns it"
    school.look("hồ sơ đã gửi đơn vị cấp trên")

    # The department's clerk: the queue of its schools' dossiers, the dossier at its level.
    department = open_page("so-gddt")
    desk = department.page
    sign_in(desk, base, "canbo")
    desk.goto(base)
    desk.wait_for_function("() => document.querySelector('#viec-can-lam').innerText.includes('cấp dưới')")
    waiting = desk.locator(".counts a", has_text="đơn vị cấp dưới gửi lên").locator(".count").inner_text()
    assert waiting == "1"
    desk.goto(f"{base}/ho-so")
    desk.get_by_role("link", name="Hồ sơ đơn vị cấp dưới gửi lên").click()
    desk.wait_for_url(f"{base}/ho-so/cap-duoi")
    queue = desk.inner_text("#chon-ho-so")
    assert "Lục Thị Mai" in queue and "Trường THPT Cao Bình" in queue
    department.look("hồ sơ đơn vị cấp dưới gửi lên")
    desk.get_by_role("link", name="Lục Thị Mai").click()
    desk.wait_for_load_state()
    # a return without a reason is refused by the service, beside the field (the browser's own check lifted)
    reasons = desk.locator("form[action$='/buoc/return_to_unit'] textarea[name='reasons']")
    reasons.evaluate("e => e.removeAttribute('required')")
    desk.locator("form[action$='/buoc/return_to_unit'] button[type=submit]").click()
    desk.wait_for_load_state()
    refused = desk.locator("form[action$='/buoc/return_to_unit']")
    assert refused.locator(".error").count() >= 1 and refused.locator("[aria-invalid='true']").count() == 1
    department.look("trả lại đơn vị thiếu lý do")
    take_step(desk, "return_to_unit", reasons="Bổ sung xác nhận sáng kiến cấp trường")
    assert "Bị trả lại để bổ sung" in desk.inner_text("main")
    assert "Trường THPT Cao Bình" in desk.inner_text("#cap-xu-ly")

    # The school sees who returned it and why, and submits it again.
    page.goto(dossier_url)
    returns = page.inner_text(".returns")
    assert "Sở Giáo dục và Đào tạo" in returns and "xác nhận sáng kiến cấp trường" in returns
    school.look("hồ sơ bị đơn vị cấp trên trả lại")
    take_step(page, "submit")
    assert "Sở Giáo dục và Đào tạo" in page.inner_text("#cap-xu-ly")

    # The department sends it up under its own tờ trình; a malformed number is refused beside the field.
    desk.goto(f"{base}/ho-so/cap-duoi")
    desk.get_by_label("Chọn hồ sơ Lục Thị Mai").check()
    desk.get_by_label("Trích yếu tờ trình").fill("Đề nghị Bằng khen năm học 2024-2025")
    desk.get_by_label("Số tờ trình của đơn vị").fill("45-SGDĐT")
    desk.get_by_label("Năm đề nghị").fill("2026")
    desk.get_by_role("button", name="Trình lên cấp trên").click()
    desk.wait_for_load_state()
    assert "tờ trình" in desk.inner_text("#f-number ~ .error")
    assert desk.get_by_label("Chọn hồ sơ Lục Thị Mai").is_checked(), "the choice is kept"
    department.look("trình lên cấp trên: số tờ trình sai")
    desk.get_by_label("Số tờ trình của đơn vị").fill("45/TTr-SGDĐT")
    desk.get_by_role("button", name="Trình lên cấp trên").click()
    desk.wait_for_load_state()
    notice = desk.inner_text(".notice")
    assert notice.startswith("Đã trình 1 hồ sơ lên Sở Nội vụ") and "tờ trình số 45/TTr-SGDĐT" in notice
    assert "Lục Thị Mai" not in desk.inner_text("#chon-ho-so")
    department.look("đã trình lên cấp trên")

    # Sở Nội vụ's appraiser: the dossier submitted, at the province, with the way it came.
    appraiser = open_page("tham-dinh")
    review = appraiser.page
    sign_in(review, base, "thamdinh")
    review.goto(f"{base}/ho-so?trang_thai=submitted&cap=tinh")
    row = review.locator("#bang-ho-so tr", has_text="Lục Thị Mai")
    assert "Sở Nội vụ" in row.inner_text() and "Đã trình" in row.inner_text()
    appraiser.look("hàng đợi thẩm định: hồ sơ do Sở GD&ĐT trình")
    review.goto(dossier_url)
    chain = review.inner_text(".chain")
    assert chain.count("Gửi lên: Trường THPT Cao Bình → Sở Giáo dục và Đào tạo") == 2
    assert "Trả lại để bổ sung: Sở Giáo dục và Đào tạo → Trường THPT Cao Bình" in chain
    assert "Trình tiếp: Sở Giáo dục và Đào tạo → Sở Nội vụ (tờ trình số 45/TTr-SGDĐT)" in chain
    assert review.locator("form[action$='/buoc/accept']").count() == 1
    appraiser.look("hồ sơ tại Sở Nội vụ với đường trình")
    with system.api("nomination", "appraiser", unit="SNV") as nomination:
        assert nomination.get(f"/dossiers/{dossier_id}").json()["state"] == "submitted"
