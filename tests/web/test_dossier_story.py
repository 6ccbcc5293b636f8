"""One dossier from the unit's draft to the chairman's decision, as the people who handle it see
it: the clerk, the appraiser (with a return in between), the council's secretary and three
members (one recused), and the chairman's office."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.web.conftest import sign_in

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n"


def take_step(page: Page, command: str, **fields: str) -> None:
    form = page.locator(f"form[action$='/buoc/{command}']")
    for name, value in fields.items():
        control = form.locator(f"[name='{name}']")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        elif control.get_attribute("type") == "checkbox":
            control.check()
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_dossier_from_draft_to_decision_with_a_return_and_a_council(system, open_page, tmp_path) -> None:
    base = system.url("web")
    clerk = open_page("can-bo")
    page = clerk.page
    sign_in(page, base, "canbo")
    # The clerk opens a dossier: its eligibility verdict and reasons are on the page before any submission.
    page.goto(f"{base}/ho-so/moi")
    page.get_by_label("Hình thức khen thưởng, danh hiệu").select_option("BKT")
    page.get_by_label("Năm của thành tích").fill("2025")
    page.get_by_label("Họ và tên / tên tập thể").fill("Nông Thị Hoa")
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill("004190012345")
    page.get_by_label("Ngày sinh").fill("1990-03-15")
    page.get_by_label("Giới tính").select_option("nu")
    page.get_by_label("Chức vụ, vị trí công tác").fill("Giáo viên")
    page.get_by_label("Tóm tắt thành tích (được công khai)").fill("Giáo viên dạy giỏi cấp tỉnh hai năm liền")
    # The priority groups: a position said to be held but not named is refused, the rest kept as typed.
    page.get_by_label("Giữ chức vụ lãnh đạo, quản lý").select_option("false")
    page.get_by_label("Chức vụ lãnh đạo, quản lý (nếu có)").fill("Tổ trưởng chuyên môn")
    page.get_by_label("Dân tộc (ví dụ: Kinh, Tày, Nùng, Mông, Dao)").fill("Tày")
    page.get_by_label("Ở, công tác tại vùng sâu, vùng xa").select_option("true")
    page.get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_load_state()
    assert "lại khai không giữ chức vụ lãnh đạo, quản lý" in page.inner_text("main")
    assert page.get_by_label("Dân tộc (ví dụ: Kinh, Tày, Nùng, Mông, Dao)").input_value() == "Tày"  # nothing lost
    page.get_by_label("Giữ chức vụ lãnh đạo, quản lý").select_option("true")
    clerk.look("mở hồ sơ")
    page.get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]{36}"))
    dossier_url = page.url.split("?")[0]
    dossier_id = dossier_url.rsplit("/", 1)[1]
    assert "Kết luận:" in page.inner_text("#h-dk + p") and "Đang soạn" in page.inner_text("main")
    assert "Còn thiếu" in page.inner_text("#tai-lieu")
    clerk.look("hồ sơ mới với điều kiện")
    # Every required document, then the unit council's result, then submit.
    pdf = tmp_path / "tai-lieu.pdf"
    pdf.write_bytes(PDF)
    while page.locator("#tai-lieu .missing li").count():
        page.get_by_label("Loại tài liệu").select_option(label=page.locator("#tai-lieu .missing li").first.inner_text())
        page.get_by_label("Tệp (PDF, DOCX, PNG, JPEG)").set_input_files(str(pdf))
        page.get_by_role("button", name="Đính kèm").click()
        page.wait_for_load_state()
    take_step(page, "record_unit_council", meeting_on="2026-02-20", present="10", agreed="9", attestations="1")
    take_step(page, "submit")
    assert "Đã trình" in page.inner_text("main")
    clerk.look("hồ sơ đã trình")

    appraiser = open_page("tham-dinh")
    review = appraiser.page
    sign_in(review, base, "thamdinh")
    # The appraiser's queue, filtered to new submissions; the dossier page with its quota position.
    review.goto(f"{base}/ho-so?trang_thai=submitted")
    assert "Nông Thị Hoa" in review.inner_text("#bang-ho-so")
    appraiser.look("hàng đợi thẩm định")
    review.get_by_role("link", name="Nông Thị Hoa").click()
    take_step(review, "accept")
    take_step(review, "return", reasons="Báo cáo thành tích chưa có xác nhận của cấp trình")
    assert "Bị trả lại để bổ sung" in review.inner_text("main")
    appraiser.look("hồ sơ bị trả lại")

    # The clerk sees the return on the home page and in the dossier, supplements it and submits again.
    page.goto(base)
    page.wait_for_function("() => document.querySelector('#viec-can-lam').innerText.includes('trả lại')")
    returned = page.locator(".counts a", has_text="trả lại").locator(".count").inner_text()
    assert returned == "1"
    clerk.look("trang chủ có hồ sơ bị trả lại")
    page.goto(dossier_url)
    assert "chưa có xác nhận của cấp trình" in page.inner_text(".returns")
    page.get_by_label("Loại tài liệu").select_option("bao_cao_thanh_tich")
    page.get_by_label("Tệp (PDF, DOCX, PNG, JPEG)").set_input_files(str(pdf))
    page.get_by_role("button", name="Đính kèm").click()
    page.wait_for_load_state()
    take_step(page, "submit")
    clerk.look("trình lại sau khi bổ sung")

    # Appraisal: the nominee's history is recorded, the conclusion goes to the council.
    with system.api("nomination", "appraiser", unit="SNV") as nomination:
        ref = nomination.get(f"/dossiers/{dossier_id}").json()["nominee"]["ref"]
        for year in (2024, 2025):
            for fact in ({"kind": "rating", "year": year, "rating": "HTXSNV"},
                         {"kind": "title", "year": year, "code": "CSTDCS", "decision_ref": f"{year - 2000}/QĐ-SGDĐT"}):
                assert nomination.post(f"/people/{ref}/facts", json=fact).status_code in (200, 201)
    review.goto(dossier_url)
    take_step(review, "accept")
    appraiser.look("đang thẩm định")
    take_step(review, "appraise", confirmed_unknown="Đã đối chiếu hồ sơ gốc: không có kỷ luật, khiếu nại.")
    assert "Chờ Hội đồng xét" in review.inner_text("main")

    # The council: the secretary opens a session of three members, records attendance and a recusal.
    secretary = open_page("thu-ky")
    desk = secretary.page
    sign_in(desk, base, "thuky")
    desk.goto(f"{base}/hoi-dong/moi")
    desk.get_by_label("Tên phiên họp").fill("Phiên họp Hội đồng TĐKT tỉnh tháng 12/2026")
    desk.get_by_label("Ngày họp").fill("2026-12-15")
    desk.get_by_label("Thành viên (mỗi dòng: mã người dùng | họ và tên)").fill(
        "tv1 | Nông Đức Mạnh\ntv2 | Triệu Thị Ánh\ntv3 | Hà Quang Vinh")
    desk.get_by_label("Số thành viên có mặt tối thiểu").fill("2")
    secretary.look("mở phiên họp")
    desk.get_by_role("button", name="Mở phiên họp").click()
    desk.wait_for_url(re.compile(r"/hoi-dong/[0-9a-f-]{36}"))
    session_url = desk.url.split("?")[0]
    for name in ("Nông Đức Mạnh", "Triệu Thị Ánh", "Hà Quang Vinh"):
        desk.get_by_label(name, exact=True).check()
    desk.get_by_role("button", name="Ghi danh sách có mặt").click()
    desk.wait_for_load_state()
    desk.locator("#r-member").select_option("tv3")
    desk.get_by_label("Lý do").fill("Là người thân của người được đề nghị")
    desk.get_by_role("button", name="Ghi không tham gia").click()
    desk.wait_for_load_state()
    assert "Hà Quang Vinh" in desk.inner_text("tbody")
    secretary.look("phiên họp: điểm danh và không tham gia")

    # Each member's secret ballot: one vote per dossier, confirmed; the recused member cannot vote.
    for member in ("tv1", "tv2", "tv3"):
        ballot = open_page(member)
        sign_in(ballot.page, base, member)
        ballot.page.goto(f"{session_url}/phieu")
        if member == "tv3":
            assert "Bạn không tham gia biểu quyết hồ sơ này" in ballot.page.inner_text("main")
            ballot.look("phiếu của thành viên không tham gia")
            continue
        ballot.page.get_by_label("Đồng ý", exact=True).check()
        ballot.page.get_by_label("Tôi xác nhận lựa chọn này; sau khi gửi không sửa được.").check()
        ballot.look("phiếu bầu kín")
        ballot.page.get_by_role("button", name="Gửi phiếu").click()
        ballot.page.wait_for_load_state()
        assert "Bạn đã bỏ phiếu cho hồ sơ này" in ballot.page.inner_text("main")
        assert "Đồng ý" not in ballot.page.inner_text(".ballot"), "the choice is never shown back"
    desk.goto(session_url)
    desk.get_by_role("button", name="Kết thúc phiên họp và kiểm phiếu").click()
    desk.wait_for_load_state()
    tally = desk.inner_text("tbody")
    assert "Thông qua" in tally and "Đồng ý 2/2" in tally
    secretary.look("kết quả kiểm phiếu")

    # The appraiser puts it before the chairman, whose office records the decision.
    review.goto(dossier_url)
    take_step(review, "send_for_decision")
    chair = open_page("chu-tich")
    office = chair.page
    sign_in(office, base, "chutich")
    assert office.locator(".counts a", has_text="chờ quyết định").locator(".count").inner_text() == "1"
    chair.look("trang chủ lãnh đạo")
    office.goto(dossier_url)
    take_step(office, "decide", number="163/QĐ-UBND", decided_on="2026-12-20")
    assert "Đã có quyết định" in office.inner_text("main")
    timeline = office.inner_text(".timeline")
    for step in ("Mở hồ sơ", "Trả lại để bổ sung", "Hội đồng bỏ phiếu", "Quyết định khen thưởng"):
        assert step in timeline, step
    assert "163/QĐ-UBND" in timeline
    chair.look("hồ sơ đã có quyết định")
