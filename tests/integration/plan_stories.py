"""The seed plan's movement and cluster tasks, driven through the plan service's HTTP API.

Plan 157/KH-UBND asks, in its first quarter, for the directive launching the 2026 movement
(I.1), the summary of the thematic movement "200 ngày đêm…" (I.4), the covenant summary of the
cluster of 7 northern border provinces (I.8) and the decision forming the province's clusters
and blocks (I.14). Decision and report numbers below are sample data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx

from services.plan.main import create_app
from services.plan.settings import PlanSettings
from tests.integration.test_plan_service import load_units
from tests.support import SAMPLE_PLAN, Namespace, auth

PLANNER = auth("planner", subject="chuyenvien.snv")
TWENTY = ["SNV", "VPUBND", "CAT", "BDBP", "BCHQS", "THUE", "STC", "SGDDT", "SYT", "STP", "SCT", "SXD", "SNNMT",
          "SKHCN", "SVHTTDL", "SDTTG", "TTRA", "BAOCB", "P.THUCPHAN", "X.QUANGLAM"]
BLOCK = ["SNV", "VPUBND", "STC", "STP", "THUE", "TTRA", "SKHCN", "SCT"]
COVENANT = [{"code": "TC1", "title": "Thực hiện nhiệm vụ chính trị được giao", "max_points": 60},
            {"code": "TC2", "title": "Công tác thi đua, khen thưởng", "max_points": 30},
            {"code": "TC3", "title": "Xây dựng tổ chức, đoàn kết nội bộ", "max_points": 10}]
PROVINCES = [("T.CAOBANG", "Tỉnh Cao Bằng"), ("T.LANGSON", "Tỉnh Lạng Sơn"), ("T.LAOCAI", "Tỉnh Lào Cai"),
             ("T.DIENBIEN", "Tỉnh Điện Biên"), ("T.LAICHAU", "Tỉnh Lai Châu"), ("T.SONLA", "Tỉnh Sơn La"),
             ("T.TUYENQUANG", "Tỉnh Tuyên Quang")]


class Clock:
    """The service's clock, moved by the story (03:00 UTC = 10:00 in Cao Bằng)."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 3, tzinfo=UTC)


def plan_app(ns: Namespace, clock: Clock) -> Any:
    return create_app(ns.settings(PlanSettings), clock=clock)


def clerk(unit: str) -> dict[str, str]:
    return auth("unit_clerk", unit=unit, subject=f"canbo.{unit.lower()}")


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def seed_plan(client: httpx.AsyncClient) -> dict[tuple[int, int], str]:
    """The units and plan 157/KH-UBND; its tasks by (quarter, number)."""
    await load_units(client)
    await ok(await client.post("/plans/import", content=SAMPLE_PLAN.read_bytes(),
                               headers={**PLANNER, "content-type": "text/plain"}), 201)
    tasks = await ok(await client.get("/tasks", params={"limit": 100}, headers=PLANNER))
    return {(t["quarter"], t["number"]): t["task_id"] for t in tasks}


async def movement_2026(client: httpx.AsyncClient, tasks: dict[tuple[int, int], str]) -> str:
    """The year's movement, drafted from task I.1 and launched by its directive; registration open."""
    created = await ok(await client.post("/movements", headers=PLANNER, json={
        "name": "Phong trào thi đua phát triển kinh tế - xã hội năm 2026", "kind": "thuong_xuyen",
        "scope": "tinh", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "launching_task_id": tasks[1, 1],
        "criteria": [{"code": "TC1", "title": "Hoàn thành chỉ tiêu phát triển kinh tế - xã hội",
                      "target": "Tăng trưởng kinh tế hai con số"},
                     {"code": "TC2", "title": "Cải cách hành chính, chuyển đổi số"}]}), 201)
    movement_id = created["id"]
    await ok(await client.post(f"/movements/{movement_id}/launch", headers=PLANNER, json={
        "decision_number": "01/CT-UBND", "signed_on": "2026-02-09", "authority": "Chủ tịch UBND tỉnh",
        "launched_on": "2026-02-10"}))
    await ok(await client.post(f"/movements/{movement_id}/registration", headers=PLANNER,
                               json={"deadline": "2026-03-15"}))
    return str(movement_id)


async def register_twenty(client: httpx.AsyncClient, movement_id: str) -> None:
    """Twenty units register, each by its own clerk, with its own targets."""
    for code in TWENTY:
        await ok(await client.post(f"/movements/{movement_id}/registrations", headers=clerk(code), json={
            "unit": code, "targets": [{"criterion_code": "TC1", "target": f"{code}: hoàn thành vượt kế hoạch"},
                                      {"target": "100% hồ sơ công việc xử lý trên môi trường mạng"}]}))


async def thematic_2025(client: httpx.AsyncClient, tasks: dict[tuple[int, int], str]) -> str:
    """"200 ngày đêm…" (2025), linked to its summary task I.4, launched, concluded with its awards."""
    created = await ok(await client.post("/movements", headers=PLANNER, json={
        "name": "200 ngày đêm phấn đấu thực hiện mục tiêu tăng trưởng kinh tế 8% năm 2025 trên địa bàn tỉnh "
                "Cao Bằng", "kind": "chuyen_de", "scope": "tinh", "starts_on": "2025-06-15",
        "ends_on": "2025-12-31"}), 201)
    movement_id = created["id"]
    await ok(await client.post(f"/movements/{movement_id}/tasks", headers=PLANNER,
                               json={"task_id": tasks[1, 4], "purpose": "tong_ket"}))
    await ok(await client.post(f"/movements/{movement_id}/launch", headers=PLANNER, json={
        "decision_number": "85/KH-UBND", "signed_on": "2025-06-10", "authority": "UBND tỉnh",
        "launched_on": "2025-06-15"}))
    await ok(await client.post(f"/movements/{movement_id}/conclusion", headers=PLANNER, json={
        "document_ref": "25/BC-UBND", "concluded_on": "2026-02-20",
        "summary": "Tổng kết phong trào: các ngành, địa phương hoàn thành vượt chỉ tiêu tăng trưởng.",
        "proposed_awards": [
            {"award": "Bằng khen của Chủ tịch UBND tỉnh", "recipient_kind": "tap_the", "recipient": "Sở Tài chính",
             "unit": "STC"},
            {"award": "Bằng khen của Chủ tịch UBND tỉnh", "recipient_kind": "tap_the", "recipient": "Cục Thuế tỉnh",
             "unit": "THUE"},
            {"award": "Bằng khen của Chủ tịch UBND tỉnh", "recipient_kind": "ca_nhan",
             "recipient": "Nông Văn Bình", "unit": "SCT"}]}))
    return str(movement_id)


async def block_formed(client: httpx.AsyncClient) -> str:
    """The block of eight agencies for 2026, formed by the decision task I.14 asks for."""
    created = await ok(await client.post("/clusters", headers=PLANNER, json={
        "code": "KHOI-TH", "name": "Khối các cơ quan tổng hợp", "kind": "khoi", "year": 2026,
        "members": [{"code": c} for c in BLOCK], "leader": "STC", "deputy": "STP",
        "decision_ref": "35/QĐ-UBND", "formed_on": "2026-03-20"}), 201)
    cluster_id = created["id"]
    await ok(await client.post(f"/clusters/{cluster_id}/covenant", headers=PLANNER,
                               json={"criteria": COVENANT, "signed_on": "2026-03-25"}))
    return str(cluster_id)


def block_points(n: int) -> dict[str, float]:
    return {"TC1": 58 - n, "TC2": 28.5 - n / 2, "TC3": 9}


async def block_scored(client: httpx.AsyncClient, cluster_id: str) -> None:
    """Each member assesses itself; the block scores every member and publishes the ranking."""
    for n, code in enumerate(BLOCK):
        await ok(await client.post(f"/clusters/{cluster_id}/self-assessments", headers=clerk(code),
                                   json={"unit": code, "points": {"TC1": 59, "TC2": 29, "TC3": 10}}))
        await ok(await client.post(f"/clusters/{cluster_id}/scores", headers=PLANNER,
                                   json={"unit": code, "points": block_points(n)}))
    await ok(await client.post(f"/clusters/{cluster_id}/scores/close", headers=PLANNER))


async def seven_provinces_2025(client: httpx.AsyncClient) -> str:
    """The province's membership in the cluster of 7 northern border provinces, with its 2025 result."""
    created = await ok(await client.post("/clusters", headers=PLANNER, json={
        "code": "CUM-7T", "name": "Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc", "kind": "cum", "year": 2025,
        "members": [{"code": c, "name": n} for c, n in PROVINCES], "leader": "T.CAOBANG", "deputy": "T.SONLA",
        "own_member": "T.CAOBANG", "formed_on": "2025-01-15"}), 201)
    cluster_id = created["id"]
    await ok(await client.post(f"/clusters/{cluster_id}/covenant", headers=PLANNER,
                               json={"criteria": COVENANT, "signed_on": "2025-03-05", "document_ref": "01/GƯ-CTĐ"}))
    await ok(await client.post(f"/clusters/{cluster_id}/own-result", headers=PLANNER, json={
        "points": {"TC1": 57, "TC2": 28, "TC3": 10}, "rank": 1, "ranked_members": 7, "leading_member": "T.CAOBANG",
        "title": "Cờ thi đua của Chính phủ", "document_ref": "12/BC-SNV", "recorded_on": "2026-01-20"}))
    return str(cluster_id)
