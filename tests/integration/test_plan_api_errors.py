"""Every bad input to the plan service gets a clear error and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from services.plan.main import create_app
from services.plan.settings import PlanSettings
from tests.integration.test_plan_service import load_units
from tests.support import SAMPLE_PLAN, Namespace, auth, read_stream, serve

pytestmark = pytest.mark.integration
PLANNER = auth("planner")


def app(ns: Namespace, **settings):
    return create_app(ns.settings(PlanSettings, **settings), clock=lambda: datetime(2026, 2, 1, tzinfo=UTC))


async def new_task(client) -> str:
    plan = await client.post("/plans", headers=PLANNER, json={
        "number": "12/KH-SNV", "year": 2026, "title": "Kế hoạch thử", "issuer": "Sở Nội vụ tỉnh Cao Bằng"})
    assert plan.status_code == 201, plan.text
    task = await client.post(f"/plans/{plan.json()['id']}/tasks", headers=PLANNER, json={
        "quarter": 1, "title": "Tổng kết phong trào", "lead_units": ["CAT", "SNV"], "coordinating_units": ["VPUBND"]})
    assert task.status_code == 201, task.text
    return task.json()["id"]


async def stored_events(ns: Namespace) -> int:
    return len(await read_stream(ns, settle=0.5))


@pytest.fixture
async def client(ns: Namespace):
    async with serve(app(ns, import_max_bytes=64 * 1024, max_body_bytes=8 * 1024)) as client:
        await load_units(client)
        yield client


async def test_malformed_json_and_wrong_types_are_refused(client, ns: Namespace) -> None:
    task_id = await new_task(client)
    before = await stored_events(ns)
    bad_json = await client.post(f"/tasks/{task_id}/complete", content=b'{"document_ref": ',
                                 headers={**PLANNER, "content-type": "application/json"})
    assert bad_json.status_code == 400
    assert bad_json.json()["error"]["code"] == "malformed_json"
    wrong_type = await client.post(f"/tasks/{task_id}/complete", headers=PLANNER,
                                   json={"document_ref": 45, "completed_on": "hôm qua"})
    assert wrong_type.status_code == 422
    assert {tuple(d["loc"]) for d in wrong_type.json()["error"]["details"]} == {
        ("body", "document_ref"), ("body", "completed_on")}
    extra = await client.post("/plans", headers=PLANNER, json={
        "number": "1/KH-UBND", "year": 2026, "title": "x", "issuer": "y", "unexpected": 1})
    assert extra.status_code == 422
    bad_quarter = await client.post("/tasks", headers=PLANNER)
    assert bad_quarter.status_code == 405
    listing = await client.get("/tasks", params={"quarter": 5}, headers=PLANNER)
    assert listing.status_code == 422
    assert await stored_events(ns) == before


async def test_oversized_bodies_are_refused_before_reading_them(client) -> None:
    big = await client.post("/plans", headers={**PLANNER, "content-type": "application/json"},
                            content=b'{"title": "' + b"x" * 10_000 + b'"}')
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "body_too_large"
    huge_plan = await client.post("/plans/import", headers={**PLANNER, "content-type": "text/plain"},
                                  content=SAMPLE_PLAN.read_bytes() * 10)
    assert huge_plan.status_code == 413


async def test_unknown_units_and_ids_are_named(client, ns: Namespace) -> None:
    task_id = await new_task(client)
    before = await stored_events(ns)
    unknown = await client.post(f"/tasks/{task_id}/reassign", headers=PLANNER, json={
        "lead_units": ["SNV", "SO-KHONG-CO"], "reason": "Điều chỉnh phân công"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"] == {"unknown_units": ["SO-KHONG-CO"]}
    missing = uuid4()
    not_found = await client.get(f"/tasks/{missing}", headers=PLANNER)
    assert not_found.status_code == 404 and str(missing) in not_found.json()["error"]["message"]
    no_plan = await client.post(f"/plans/{missing}/tasks", headers=PLANNER, json={
        "quarter": 1, "title": "x", "lead_units": ["SNV"]})
    assert no_plan.status_code == 404
    assert await stored_events(ns) == before


async def test_illegal_transitions_name_the_state_and_the_allowed_commands(client) -> None:
    task_id = await new_task(client)
    done = await client.post(f"/tasks/{task_id}/complete", headers=PLANNER, json={"document_ref": "45/BC-UBND"})
    assert done.status_code == 200
    again = await client.post(f"/tasks/{task_id}/complete", headers=PLANNER, json={"document_ref": "45/BC-UBND"})
    assert again.status_code == 200 and again.json()["version"] == done.json()["version"]  # duplicate command
    other = await client.post(f"/tasks/{task_id}/complete", headers=PLANNER, json={"document_ref": "46/BC-UBND"})
    assert other.status_code == 409
    error = other.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["details"] == {"state": "completed", "command": "complete", "allowed_commands": []}
    assert "đã hoàn thành" in error["message"]


async def test_the_second_of_two_concurrent_edits_gets_a_conflict(client) -> None:
    task_id = await new_task(client)
    etag = (await client.get(f"/tasks/{task_id}", headers=PLANNER)).headers["etag"]
    first = await client.post(f"/tasks/{task_id}/reassign", headers={**PLANNER, "If-Match": etag}, json={
        "lead_units": ["SNV"], "coordinating_units": ["VPUBND"], "reason": "Sở Nội vụ chủ trì một mình"})
    assert first.status_code == 200, first.text
    second = await client.post(f"/tasks/{task_id}/reassign", headers={**PLANNER, "If-Match": etag}, json={
        "lead_units": ["CAT"], "reason": "Công an tỉnh chủ trì"})
    assert second.status_code == 409
    assert second.json()["error"]["details"] == {"current_version": 2, "expected_version": 1}
    task = (await client.get(f"/tasks/{task_id}", headers=PLANNER)).json()
    assert [u["code"] for u in task["lead_units"]] == ["SNV"]
    garbage = await client.post(f"/tasks/{task_id}/complete", headers={**PLANNER, "If-Match": "abc"},
                                json={"document_ref": "45/BC-UBND"})
    assert garbage.status_code == 422


async def test_identity_and_roles_are_checked(client) -> None:
    task_id = await new_task(client)
    assert (await client.get("/tasks")).status_code == 401
    bad = await client.get("/tasks", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    tampered = auth("planner")["Authorization"][:-2] + "xx"  # a signature that does not match
    forged = await client.get("/tasks", headers={"Authorization": tampered})
    assert forged.status_code == 401
    clerk_elsewhere = auth("unit_clerk", unit="STC")
    refused = await client.post(f"/tasks/{task_id}/complete", headers=clerk_elsewhere,
                                json={"document_ref": "45/BC-UBND"})
    assert refused.status_code == 403
    not_planner = await client.post("/plans", headers=auth("unit_clerk", unit="CAT"), json={
        "number": "1/KH-UBND", "year": 2026, "title": "x", "issuer": "y"})
    assert not_planner.status_code == 403
    lead_clerk = auth("unit_clerk", unit="CAT")
    accepted = await client.post(f"/tasks/{task_id}/complete", headers=lead_clerk, json={"document_ref": "45/BC-CAT"})
    assert accepted.status_code == 200, accepted.text


async def test_bad_documents_are_refused_and_create_nothing(client, ns: Namespace) -> None:
    before = await stored_events(ns)
    image = await client.post("/plans/import", headers={**PLANNER, "content-type": "image/png"}, content=b"\x89PNG")
    assert image.status_code == 415
    binary = await client.post("/plans/import", headers={**PLANNER, "content-type": "text/plain"},
                               content=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert binary.status_code == 422 and binary.json()["error"]["code"] == "invalid_document"
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    unknown = text.replace("- Cục Thuế tỉnh.", "- Kho bạc Nhà nước tỉnh.")
    refused = await client.post("/plans/import", headers={**PLANNER, "content-type": "text/plain"},
                                content=unknown.encode())
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["unknown_units"] == [
        {"name": "Kho bạc Nhà nước tỉnh", "where": ["Quý 2 nhiệm vụ 5 (dòng 52)"]}]
    strict = await client.post("/plans/import", params={"strict": "true"},
                               headers={**PLANNER, "content-type": "text/plain"}, content=text.encode())
    assert strict.status_code == 422 and "Quý III" in strict.json()["error"]["details"][0]
    dry = await client.post("/plans/import", params={"dry_run": "true"},
                            headers={**PLANNER, "content-type": "text/plain"}, content=text.encode())
    assert dry.status_code == 200 and dry.json()["dry_run"] is True and dry.json()["tasks_total"] == 34
    assert (await client.get("/plans", headers=PLANNER)).json() == []
    assert await stored_events(ns) == before


async def test_a_plan_document_can_be_uploaded_as_a_word_file(client) -> None:
    from tests.unit.plan.docx_fixture import plan_docx

    data = plan_docx(SAMPLE_PLAN.read_text(encoding="utf-8"))
    response = await client.post("/plans/import", headers=PLANNER, files={
        "file": ("157-KH-UBND.docx", data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")})
    assert response.status_code == 201, response.text
    assert [q["listed"] for q in response.json()["quarters"]] == [14, 10, 5, 5]
    text = await client.post("/plans/import", headers={**PLANNER, "content-type": "text/plain"},
                             content=SAMPLE_PLAN.read_bytes())
    assert text.status_code == 200 and text.json()["created"] is False  # the same plan, typed differently
