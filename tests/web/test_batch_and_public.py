"""A unit's batch from the spreadsheet template, with its row errors; a citizen's comment on a
dossier under public notice, limited in length and per address, that the appraiser then sees."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.web.conftest import sign_in
from tests.web.system import WebSystem

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n"


def test_batch_upload_shows_each_bad_row_by_number(system, open_page, tmp_path) -> None:
    looker = open_page()
    page, base = looker.page, system.url("web")
    sign_in(page, base, "canbo.syt")
    page.goto(f"{base}/ho-so/lo")
    looker.look("trình danh sách")
    # The template comes from the page; three rows are written into it, two of them wrong.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng tính mẫu (.xlsx)").click()
    assert download.value.suggested_filename == "mau-danh-sach-de-nghi.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.active
    sheet.delete_rows(2, sheet.max_row)
    sheet.append([1, "LDTT", 2025, "cong_trang", "cá nhân", "Đàm Thị Nhung", None, "1988-07-01", "nữ",
                  "Điều dưỡng", "Hoàn thành xuất sắc nhiệm vụ", None, None])
    sheet.append([2, "KHONG-CO", 2025, "cong_trang", "cá nhân", "Hoàng Văn Sơn", None, "1985-01-02", "nam",
                  "Bác sĩ", "", None, None])
    sheet.append([3, "LDTT", "năm ngoái", "cong_trang", "cá nhân", "", None, "1990-13-45", "nam", "", "", None, None])
    out = io.BytesIO()
    book.save(out)
    upload = tmp_path / "danh-sach-de-nghi.xlsx"
    upload.write_bytes(out.getvalue())
    page.get_by_label("Tờ trình").fill("Tờ trình số 7/TTr-SYT")
    page.get_by_label("Năm của thành tích").fill("2025")
    page.get_by_label("Bảng tính (.xlsx) theo mẫu").set_input_files(str(upload))
    page.get_by_role("button", name="Tải lên và trình").click()
    page.wait_for_load_state()
    summary = page.inner_text("main")
    assert "1 hồ sơ mới" in summary and "2 dòng lỗi" in summary
    rows = [page.locator("tbody tr").nth(i).inner_text() for i in range(page.locator("tbody tr").count())]
    assert [r.split()[0] for r in rows] == ["3", "4"], rows  # spreadsheet rows (the header is row 1)
    assert "KHONG-CO" in rows[0]
    looker.look("kết quả có dòng lỗi")
    page.goto(f"{base}/ho-so")
    assert "Đàm Thị Nhung" in page.inner_text("#bang-ho-so")


def under_notice(system: WebSystem) -> str:
    """A dossier of an order, appraised and under public notice (set up through the API)."""
    clerk = system.api("nomination", "unit_clerk", unit="SGDDT", subject="canbo")
    appraiser = system.api("nomination", "appraiser", unit="SNV", subject="thamdinh")
    with clerk, appraiser:
        created = clerk.post("/dossiers", json={
            "award_code": "HCLD3", "year": 2025, "summary": "Ba mươi năm cống hiến cho giáo dục vùng cao",
            "nominee": {"name": "Hoàng Thị Mến", "id_number": "004175012345", "date_of_birth": "1975-05-20",
                        "gender": "nu", "position": "Hiệu trưởng"}}).json()
        dossier_id = created["id"]
        for kind in clerk.get(f"/dossiers/{dossier_id}").json()["required_documents"]:
            assert clerk.post(f"/dossiers/{dossier_id}/documents", data={"kind": kind},
                              files={"file": (f"{kind}.pdf", PDF, "application/pdf")}).status_code == 200
        steps = [(clerk, "unit-council", {"meeting_on": "2026-02-20", "agreed": 9, "present": 10,
                                          "attestations": ["guong_mau_chap_hanh"]}),
                 (clerk, "submit", None), (appraiser, "accept", None),
                 (appraiser, "appraise", {"confirmed_unknown": "Đã đối chiếu hồ sơ gốc."})]
        for client, step, body in steps:
            response = client.post(f"/dossiers/{dossier_id}/{step}", json=body)
            assert response.status_code == 200, (step, response.text)
    return str(dossier_id)


def test_a_citizen_comments_on_a_public_notice_and_the_appraiser_sees_it(system, open_page) -> None:
    dossier_id = under_notice(system)
    citizen = open_page("nguoi-dan")
    page, base = citizen.page, system.url("web")
    page.goto(f"{base}/cong-khai")
    assert "Hoàng Thị Mến" in page.inner_text("main")
    citizen.look("danh sách công khai")
    page.get_by_role("link", name="Hoàng Thị Mến").click()
    text = page.inner_text("main")
    assert "004175012345" not in text and "1975" not in text, "no identifier or birth date in public"
    citizen.look("hồ sơ công khai")
    # Too short: the reason beside the field, what was typed kept.
    page.get_by_label("Ý kiến").fill("Tốt")
    page.get_by_label("Ý kiến").evaluate("e => e.removeAttribute('minlength')")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_load_state()
    assert "từ 10 đến" in page.inner_text("#e-content")
    citizen.look("ý kiến quá ngắn")
    page.get_by_label("Họ tên, địa chỉ liên hệ (không bắt buộc)").fill("Lương Văn Tới, xã Hòa An")
    page.get_by_label("Ý kiến").fill("Bà Mến gắn bó với trường vùng cao ba mươi năm, tôi đồng tình đề nghị.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_load_state()
    assert "Cảm ơn bạn" in page.inner_text("main")
    # The limit per address: the next ones in the hour are refused with a reason.
    answers = []
    for n in range(3):
        page.get_by_label("Ý kiến").fill(f"Ý kiến thêm số {n + 1} về hồ sơ này.")
        page.get_by_role("button", name="Gửi ý kiến").click()
        page.wait_for_load_state()
        answers.append(page.inner_text("main"))
    assert "nhiều ý kiến trong một giờ" in answers[-1]
    # The appraiser sees the comment on the dossier, recorded as one of its events.
    appraiser = open_page("tham-dinh")
    sign_in(appraiser.page, base, "thamdinh")
    appraiser.page.goto(f"{base}/ho-so/{dossier_id}")
    comments = appraiser.page.inner_text(".comments")
    assert "Lương Văn Tới, xã Hòa An" in comments and "ba mươi năm" in comments
    assert "Nhận ý kiến góp ý" in appraiser.page.inner_text(".timeline")
    appraiser.look("hồ sơ có ý kiến của người dân")
