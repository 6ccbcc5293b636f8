"""The planner imports the year's plan (preview with the importer's warnings, then confirm) and
follows it on the board; a lead unit's clerk reports a task done with its document reference."""

from __future__ import annotations

import pytest

from tests.support import SAMPLE_PLAN
from tests.web.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_planner_previews_then_imports_the_plan_and_sees_it_by_quarter(system, open_page) -> None:
    looker = open_page()
    page, base = looker.page, system.url("web")
    sign_in(page, base, "kehoach")
    page.goto(f"{base}/ke-hoach/nhap")
    looker.look("nhập kế hoạch")
    # The preview: tasks per quarter as read, against what the document announces, and its warnings.
    page.get_by_label("Tệp kế hoạch").set_input_files(str(SAMPLE_PLAN))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "157/KH-UBND" in text and "34 nhiệm vụ" in text
    assert "Quý III: văn bản ghi 04 nhiệm vụ nhưng liệt kê 5 nhiệm vụ" in text
    with system.api("plan", "planner") as plan:
        assert plan.get("/plans", params={"year": 2026}).json() == [], "nothing saved before confirming"
    looker.look("xem trước kế hoạch")
    # Confirm: the board of the year, every quarter, overdue tasks marked.
    page.get_by_role("button", name="Xác nhận nhập kế hoạch").click()
    page.wait_for_url("**/ke-hoach?nam=2026**")
    assert "Đã nhập 157/KH-UBND (34 nhiệm vụ)" in page.inner_text("main")
    assert page.locator("tbody tr").count() == 34
    looker.look("bảng theo dõi kế hoạch")
    page.get_by_label("Quý").select_option("3")
    page.get_by_label("Đơn vị").select_option("SNV")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert 0 < rows.count() < 34
    assert all("Sở Nội vụ" in rows.nth(i).inner_text() for i in range(rows.count()))
    looker.look("bảng lọc theo quý và đơn vị")


def test_lead_unit_clerk_reports_a_task_done_with_its_document(system, open_page) -> None:
    system.ensure_plan()
    with system.api("plan", "planner") as plan:
        system_overdue = plan.get("/tasks", params={"unit": "SNV", "role": "lead", "status": "overdue"}).json()
    looker = open_page()
    page, base = looker.page, system.url("web")
    sign_in(page, base, "canbo.snv")
    page.goto(f"{base}/nhiem-vu?nam=2026")
    assert page.locator("tr.overdue").count() >= len(system_overdue) > 0
    looker.look("nhiệm vụ của đơn vị")
    page.get_by_role("link", name="Báo hoàn thành").first.click()
    task_page = page.url
    looker.look("báo hoàn thành")
    # A reference too short: the service's refusal beside the field, nothing lost.
    page.get_by_label("Số, ký hiệu văn bản hoàn thành").fill("x")
    page.get_by_role("button", name="Báo hoàn thành").click()
    page.wait_for_load_state()
    assert page.locator("#e-document_ref").is_visible()
    looker.look("lỗi số văn bản")
    page.goto(task_page)
    page.get_by_label("Số, ký hiệu văn bản hoàn thành").fill("45/BC-SNV")
    page.get_by_label("Ngày hoàn thành").fill("2026-11-20")
    page.get_by_role("button", name="Báo hoàn thành").click()
    page.wait_for_url("**/nhiem-vu?**")
    assert "45/BC-SNV" in page.inner_text("main")
    task_id = task_page.split("/")[-2]
    with system.api("plan", "planner") as plan:
        task = plan.get(f"/tasks/{task_id}").json()
    assert (task["status"], task["document_ref"], task["completed_on"]) == ("completed", "45/BC-SNV", "2026-11-20")
