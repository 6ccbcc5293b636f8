"""Movements, clusters and exemplary models worked from the browser: the planner drafts, launches
a movement, opens its registration and concludes it while a unit's clerk registers the unit; a
block signs its covenant, its members assess themselves, are scored, ranked and vote their
leader in secret; an exemplary model is recognised, advanced, published to the public feed and
taken out of it. Each refusal shows beside its form, what was typed kept."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Page

from tests.web.conftest import sign_in

pytestmark = pytest.mark.e2e


def _this_year() -> tuple[date, date, date]:
    today = date.today()
    return date(today.year, 1, 1), date(today.year, 12, 31), min(today + timedelta(days=10), date(today.year, 12, 31))


def wait_in_inbox(page: Page, base: str, text: str) -> None:
    """The unit's inbox shows `text` once the notification service has the event."""
    deadline = time.monotonic() + 60
    while True:
        page.goto(f"{base}/hop-thu")
        if text in page.inner_text("main"):
            return
        assert time.monotonic() < deadline, f"not in the inbox: {text}"
        page.wait_for_timeout(300)


def test_a_movement_from_draft_to_conclusion_with_a_unit_registered(system, open_page) -> None:
    starts, ends, deadline = _this_year()
    name = f"Thi đua chuyển đổi số năm {starts.year} ({uuid.uuid4().hex[:6]})"
    planner = open_page("kehoach")
    page, base = planner.page, system.url("web")
    sign_in(page, base, "kehoach")
    page.goto(f"{base}/phong-trao")
    page.get_by_role("link", name="Soạn phong trào thi đua").click()
    planner.look("soạn phong trào")
    # Ending before it starts: the service's refusal above the form, what was typed kept.
    page.get_by_label("Tên phong trào").fill(name)
    page.get_by_label("Loại phong trào").select_option("chuyen_de")
    page.get_by_label("Ngày bắt đầu").fill(ends.isoformat())
    page.get_by_label("Ngày kết thúc").fill(starts.isoformat())
    page.get_by_label("Tiêu chí và chỉ tiêu").fill("TC1 | Số hóa hồ sơ thi đua | 100% hồ sơ trực tuyến\n"
                                                   "TC2 | Tập huấn cán bộ")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_load_state()
    assert "trước ngày bắt đầu" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Tên phong trào").input_value() == name
    planner.look("lỗi ngày kết thúc")
    page.get_by_label("Ngày bắt đầu").fill(starts.isoformat())
    page.get_by_label("Ngày kết thúc").fill(ends.isoformat())
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_url("**/phong-trao/*-*")
    movement_page = page.url.split("?")[0]
    assert "Đã soạn phong trào (dự thảo)" in page.inner_text("main")
    assert "Số hóa hồ sơ thi đua" in page.inner_text("main")
    planner.look("phong trào dự thảo")
    # Launch it, then open the registration until the deadline.
    page.get_by_label("Số, ký hiệu văn bản phát động").fill("05/KH-UBND")
    page.get_by_label("Ngày ký").fill(starts.isoformat())
    page.get_by_role("button", name="Phát động", exact=True).click()
    page.wait_for_url(f"{movement_page}?**")
    assert "Phát động theo 05/KH-UBND" in page.inner_text("main")
    page.get_by_label("Hạn đăng ký (hết ngày)").fill((ends + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Mở đăng ký thi đua").click()
    page.wait_for_load_state()
    assert "Hạn đăng ký phải từ hôm nay" in page.get_by_role("alert").inner_text()
    page.get_by_label("Hạn đăng ký (hết ngày)").fill(deadline.isoformat())
    page.get_by_role("button", name="Mở đăng ký thi đua").click()
    page.wait_for_url(f"{movement_page}?**")
    assert f"Đang mở đăng ký đến hết ngày {deadline:%d/%m/%Y}" in page.inner_text("main")
    # A task of the plan 157/KH-UBND linked to it (the plan imported after the import page's own test).
    system.ensure_plan()
    page.reload()
    first = page.locator("#f-task_id option", has_text="157/KH-UBND (2026) · quý 1 số 1:").get_attribute("value")
    page.get_by_label("Nhiệm vụ", exact=True).select_option(first)
    page.get_by_label("Mục đích").select_option("khac")
    page.get_by_role("button", name="Gắn nhiệm vụ").click()
    page.wait_for_url(f"{movement_page}?**")
    linked = page.get_by_role("region", name="Nhiệm vụ kế hoạch gắn với phong trào").inner_text()
    assert "Khác: 157/KH-UBND · quý 1 số 1 — " in linked
    # Ban TĐKT registers a unit on its behalf.
    page.get_by_label("Đơn vị đăng ký").select_option("SYT")
    page.get_by_label("Chỉ tiêu của đơn vị cho TC1").fill("Hồ sơ khen thưởng ngành y tế nộp trực tuyến")
    page.get_by_role("button", name="Đăng ký thi đua", exact=True).click()
    page.wait_for_url(f"{movement_page}?**")
    assert "Sở Y tế" in page.get_by_role("region", name="Các đơn vị đã đăng ký").inner_text()
    planner.look("phong trào đã mở đăng ký")

    # The home affairs department's clerk registers the unit with its targets.
    clerk = open_page("canbo.snv")
    cpage = clerk.page
    sign_in(cpage, base, "canbo.snv")
    cpage.goto(f"{base}/phong-trao")
    cpage.get_by_role("link", name=name).click()
    cpage.get_by_label("Chỉ tiêu của đơn vị cho TC1").fill("100% hồ sơ khen thưởng nộp trực tuyến")
    cpage.get_by_label("Chỉ tiêu riêng của đơn vị").fill("Số hóa 5.000 hồ sơ lưu trữ")
    clerk.look("đơn vị đăng ký thi đua")
    cpage.get_by_role("button", name="Đăng ký thi đua", exact=True).click()
    cpage.wait_for_url(f"{movement_page}?**")
    registered = cpage.get_by_role("region", name="Các đơn vị đã đăng ký").inner_text()
    assert "Sở Nội vụ" in registered and "TC1: 100% hồ sơ khen thưởng nộp trực tuyến" in registered
    assert "Số hóa 5.000 hồ sơ lưu trữ" in registered
    assert cpage.get_by_role("button", name="Lưu đăng ký").is_visible()  # the unit may amend it until the deadline
    assert cpage.get_by_role("button", name="Phát động").count() == 0  # no planner's form for a clerk
    # The unit's inbox tells it, and leads back to the movement.
    wait_in_inbox(cpage, base, f"Đã đăng ký thi đua: {name}")
    clerk.look("hộp thư: đã đăng ký thi đua")
    cpage.get_by_role("listitem").filter(has_text=f"Đã đăng ký thi đua: {name}").get_by_role(
        "link", name="Mở phong trào").click()
    assert cpage.url.split("?")[0] == movement_page

    # The planner concludes it with the awards it proposes.
    page.goto(movement_page)
    page.get_by_label("Số, ký hiệu báo cáo tổng kết").fill("30/BC-UBND")
    page.get_by_label("Tóm tắt kết quả tổng kết").fill("Toàn tỉnh hoàn thành số hóa hồ sơ thi đua.")
    page.get_by_label("Đề nghị khen thưởng").fill("Bằng khen của Chủ tịch UBND tỉnh | cán bộ | Sở Nội vụ | SNV")
    page.get_by_role("button", name="Tổng kết phong trào").click()
    page.wait_for_load_state()
    assert "không phải cá nhân, tập thể hay hộ gia đình" in page.get_by_role("alert").inner_text()
    page.get_by_label("Đề nghị khen thưởng").fill("Bằng khen của Chủ tịch UBND tỉnh | tập thể | Sở Nội vụ | SNV")
    page.get_by_role("button", name="Tổng kết phong trào").click()
    page.wait_for_url(f"{movement_page}?**")
    main = page.inner_text("main")
    assert "30/BC-UBND" in main and "Bằng khen của Chủ tịch UBND tỉnh: Sở Nội vụ (Sở Nội vụ)" in main
    planner.look("phong trào đã tổng kết")
    movement_id = movement_page.rsplit("/", 1)[1]
    with system.api("plan", "planner") as plan:
        movement = plan.get(f"/movements/{movement_id}").json()
    assert movement["status"] == "concluded" and movement["decision"]["number"] == "05/KH-UBND"
    assert [r["unit"]["code"] for r in movement["registrations"]] == ["SNV", "SYT"]
    page.goto(f"{base}/phong-trao?trang_thai=concluded")
    assert name in page.inner_text("main")
    planner.look("danh sách phong trào")


def test_a_block_signs_is_scored_and_votes_its_leader(system, open_page) -> None:
    starts, _, _ = _this_year()
    code = f"KHOI-{uuid.uuid4().hex[:6].upper()}"
    planner = open_page("kehoach")
    page, base = planner.page, system.url("web")
    sign_in(page, base, "kehoach")
    page.goto(f"{base}/cum-khoi")
    page.get_by_role("link", name="Lập cụm, khối thi đua").click()
    # A leader outside the members is refused, what was typed kept.
    page.get_by_label("Mã cụm, khối").fill(code)
    page.get_by_label("Tên cụm, khối").fill(f"Khối thử nghiệm {code}")
    page.get_by_label("Mã các đơn vị thành viên").fill("SNV, SYT\nsgddt")
    page.get_by_label("Mã đơn vị cụm trưởng").fill("STC")
    page.get_by_label("Mã đơn vị cụm phó").fill("SNV")
    page.get_by_label("Ngày kiện toàn").fill(starts.isoformat())
    page.get_by_role("button", name="Lập cụm, khối", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Mã các đơn vị thành viên").input_value() == "SNV, SYT\nsgddt"
    planner.look("lỗi lập cụm, khối")
    page.get_by_label("Mã đơn vị cụm trưởng").fill("SYT")
    page.get_by_role("button", name="Lập cụm, khối", exact=True).click()
    page.wait_for_url("**/cum-khoi/*-*?**")
    cluster_page = page.url.split("?")[0]
    cluster_id = cluster_page.rsplit("/", 1)[1]
    page.goto(f"{base}/cum-khoi")
    page.get_by_role("link", name=f"Khối thử nghiệm {code}").click()
    assert "cụm trưởng: Sở Y tế" in page.inner_text("main")
    # The covenant, every member signing it.
    page.get_by_label("Tiêu chí (mỗi dòng").fill("TC1 | Thực hiện nhiệm vụ chuyên môn | 60\n"
                                                 "TC2 | Cải cách hành chính | 40")
    page.get_by_label("Ngày ký").fill(starts.isoformat())
    page.get_by_role("button", name="Ghi nhận ký giao ước").click()
    page.wait_for_url(f"{cluster_page}?**")
    assert "Tổng điểm tối đa" in page.inner_text("main")
    planner.look("giao ước thi đua")

    # A member's clerk assesses the unit: a word for points is refused beside the field.
    clerk = open_page("canbo.snv")
    cpage = clerk.page
    sign_in(cpage, base, "canbo.snv")
    cpage.goto(cluster_page)
    cpage.get_by_label("TC1: Thực hiện nhiệm vụ chuyên môn").fill("năm mươi")
    cpage.get_by_label("TC2: Cải cách hành chính").fill("38")
    cpage.get_by_role("button", name="Gửi điểm tự chấm").click()
    cpage.wait_for_load_state()
    assert cpage.locator("#e-p-TC1").inner_text() == "Điểm tiêu chí TC1 phải là một số (ví dụ 57,5)."
    assert cpage.get_by_label("TC2: Cải cách hành chính").input_value() == "38"
    clerk.look("lỗi điểm tự chấm")
    cpage.get_by_label("TC1: Thực hiện nhiệm vụ chuyên môn").fill("57,5")
    cpage.get_by_role("button", name="Gửi điểm tự chấm").click()
    cpage.wait_for_url(f"{cluster_page}?**")
    assert "57,5 / —" in cpage.get_by_role("region", name="Bảng chấm điểm các thành viên").inner_text()

    # The planner scores each member (one above a criterion's maximum first), then publishes the ranking.
    page.goto(cluster_page)
    page.get_by_label("Đơn vị được chấm").select_option("SNV")
    page.get_by_label("TC1: Thực hiện nhiệm vụ chuyên môn").fill("65")
    page.get_by_label("TC2: Cải cách hành chính").fill("39")
    page.get_by_role("button", name="Ghi điểm").click()
    page.wait_for_load_state()
    assert "60" in page.get_by_role("alert").inner_text()  # the maximum named in the refusal
    for unit, first, second in (("SNV", "58", "39"), ("SYT", "55", "35,5"), ("SGDDT", "50", "30")):
        page.get_by_label("Đơn vị được chấm").select_option(unit)
        page.get_by_label("TC1: Thực hiện nhiệm vụ chuyên môn").fill(first)
        page.get_by_label("TC2: Cải cách hành chính").fill(second)
        page.get_by_role("button", name="Ghi điểm").click()
        page.wait_for_url(f"{cluster_page}?**")
    page.get_by_role("button", name="Công bố kết quả chấm điểm").click()
    page.wait_for_url(f"{cluster_page}?**")
    sheet = page.get_by_role("region", name="Bảng chấm điểm các thành viên").locator("tbody tr")
    assert sheet.nth(0).inner_text().startswith("Sở Nội vụ") and sheet.nth(0).inner_text().rstrip().endswith("1")
    assert "57,5 / 58\t38 / 39\t95,5 / 97" in sheet.nth(0).inner_text()  # its own points beside those given
    planner.look("bảng chấm điểm")
    wait_in_inbox(cpage, base, f"Khối thử nghiệm {code} năm {starts.year}: Sở Nội vụ đạt 97/100 điểm, xếp thứ 1/3 "
                               "(tự chấm 95,5 điểm).")
    page.get_by_role("button", name="Mở bỏ phiếu kín").click()
    page.wait_for_url(f"{cluster_page}?**")
    assert "0/3 đơn vị đã bỏ phiếu" in page.inner_text("main")

    # The members vote in secret: two through the page, one through the API.
    cpage.goto(cluster_page)
    cpage.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    cpage.wait_for_load_state()
    assert cpage.locator("#e-candidate").inner_text() == "Hãy chọn một đơn vị, hoặc phiếu trắng."
    cpage.get_by_label("Sở Nội vụ").check()
    clerk.look("phiếu bầu")
    cpage.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    cpage.wait_for_url(f"{cluster_page}?**")
    assert "Đơn vị đã bỏ phiếu vòng này." in cpage.inner_text("main")
    health = open_page("canbo.syt")
    sign_in(health.page, base, "canbo.syt")
    health.page.goto(cluster_page)
    health.page.get_by_label("Sở Nội vụ").check()
    health.page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    health.page.wait_for_url(f"{cluster_page}?**")
    with system.api("plan", "unit_clerk", unit="SGDDT", subject="canbo") as education:
        response = education.post(f"/clusters/{cluster_id}/ballots", json={"voter": "SGDDT", "candidate": None})
        assert response.status_code == 200, response.text
    page.goto(cluster_page)
    assert "3/3 đơn vị đã bỏ phiếu" in page.inner_text("main")
    page.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    page.wait_for_url(f"{cluster_page}?**")
    result = page.inner_text("main")
    assert "Đơn vị dẫn đầu: Sở Nội vụ, được đề nghị tặng Cờ thi đua của UBND tỉnh" in result
    assert "3/3 đơn vị bỏ phiếu, 1 phiếu trắng" in result and "Sở Nội vụ: 2 phiếu" in result
    planner.look("kết quả bỏ phiếu")
    page.goto(f"{base}/cum-khoi")
    assert "Sở Nội vụ" in page.get_by_role("row", name=f"Khối thử nghiệm {code}").inner_text()


def test_an_exemplary_model_recognised_advanced_published_and_withdrawn(system, open_page) -> None:
    name = f"Hợp tác xã chè Phja Đén {uuid.uuid4().hex[:6]}"
    planner = open_page("kehoach")
    page, base = planner.page, system.url("web")
    sign_in(page, base, "kehoach")
    page.goto(f"{base}/dien-hinh")
    page.get_by_role("link", name="Ghi nhận điển hình").click()
    page.get_by_label("Tên tập thể hoặc cá nhân").fill(name)
    page.get_by_label("Thuộc đơn vị").select_option("SNV")
    page.get_by_label("Lĩnh vực").fill("nông nghiệp")
    page.get_by_label("Thành tích, cách làm hay").fill("Đưa chè Phja Đén ra thị trường cả nước.")
    page.get_by_label("Thông tin liên hệ").fill("Ông Nông Văn Tỉnh, 0912 345 678")
    planner.look("ghi nhận điển hình")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    page.wait_for_url("**/dien-hinh/*-*")
    model_page = page.url.split("?")[0]
    assert "Liên hệ: Ông Nông Văn Tỉnh" in page.inner_text("main")
    page.get_by_role("button", name="Chuyển sang giai đoạn bồi dưỡng").click()
    page.wait_for_url(f"{model_page}?**")
    assert "Bồi dưỡng" in page.inner_text("main")
    # Publishing needs a summary for the public.
    page.get_by_label("Tóm tắt công khai").fill(" ")
    page.get_by_role("button", name="Công khai", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Tóm tắt công khai").fill("Hợp tác xã đưa chè đặc sản vùng cao ra thị trường cả nước.")
    page.get_by_role("button", name="Công khai", exact=True).click()
    page.wait_for_url(f"{model_page}?**")
    planner.look("điển hình đã công khai")
    # The public feed through the web host, without sign-in: the model, never the contact.
    feed = httpx.get(f"{base}/ban-tin/dien-hinh.json", timeout=30)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/feed+json")
    assert name in feed.text and "0912" not in feed.text and "Nông Văn Tỉnh" not in feed.text
    atom = httpx.get(f"{base}/ban-tin/dien-hinh.atom", timeout=30)
    assert atom.status_code == 200 and name in atom.text
    assert httpx.get(f"{base}/ban-tin/dien-hinh.xml", timeout=30).status_code == 404
    page.get_by_label("Lý do thôi công khai").fill("Đơn vị đề nghị cập nhật thông tin.")
    page.get_by_role("button", name="Thôi công khai").click()
    page.wait_for_url(f"{model_page}?**")
    assert name not in httpx.get(f"{base}/ban-tin/dien-hinh.json", timeout=30).text
    page.goto(f"{base}/dien-hinh?giai_doan=boi_duong")
    assert name in page.inner_text("main")
    planner.look("danh sách điển hình")
