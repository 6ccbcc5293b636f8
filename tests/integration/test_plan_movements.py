"""Movements through the plan service on a real PostgreSQL and NATS JetStream: the 2026 movement
launched from plan task I.1 and joined by twenty units, the thematic "200 ngày đêm…" concluded
with its awards, and every refusal leaving the movement as it was."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from contracts import unwrap
from contracts.plan_movements import MovementLaunched, MovementRegistrationClosed
from tests.integration.plan_stories import (
    PLANNER,
    TWENTY,
    Clock,
    clerk,
    movement_2026,
    ok,
    plan_app,
    register_twenty,
    seed_plan,
    thematic_2025,
)
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration


async def version_of(client, movement_id: str) -> int:
    return int((await ok(await client.get(f"/movements/{movement_id}", headers=PLANNER)))["version"])


async def test_the_2026_movement_is_launched_from_task_one_and_joined_by_twenty_units(ns: Namespace) -> None:
    clock = Clock(date(2026, 2, 10))
    async with serve(plan_app(ns, clock)) as client:
        tasks = await seed_plan(client)
        movement_id = await movement_2026(client, tasks)
        # the directive fulfils plan task I.1
        task = await ok(await client.get(f"/tasks/{tasks[1, 1]}", headers=PLANNER))
        assert (task["status"], task["document_ref"], task["completed_on"]) == ("completed", "01/CT-UBND",
                                                                                 "2026-02-10")
        # twenty units register by the deadline, each by its own clerk
        clock.day = date(2026, 3, 15)
        await register_twenty(client, movement_id)
        refused = await client.post(f"/movements/{movement_id}/registrations", headers=clerk("STC"),
                                    json={"unit": "SYT", "targets": []})
        assert refused.status_code == 403
        listed = await ok(await client.get(f"/movements/{movement_id}/registrations", headers=PLANNER))
        assert [r["unit"]["code"] for r in listed] == sorted(TWENTY)
        # a day late: refused, nothing changed; the deadline timer closes the registration once
        clock.day = date(2026, 3, 16)
        before = await version_of(client, movement_id)
        late = await client.post(f"/movements/{movement_id}/registrations", headers=clerk("X.HOAAN"),
                                 json={"unit": "X.HOAAN", "targets": []})
        assert late.status_code == 409
        assert late.json()["error"] == {
            "code": "registration_closed", "details": {"deadline": "2026-03-15"},
            "message": "Đã hết hạn đăng ký thi đua (hạn cuối 15/03/2026): không thể đăng ký."}
        assert await version_of(client, movement_id) == before
        checked = await ok(await client.post("/admin/check-deadlines", headers=auth("admin")))
        assert checked["registrations_closed"] == 1
        again = await ok(await client.post("/admin/check-deadlines", headers=auth("admin")))
        assert again["registrations_closed"] == 0
        summary = await ok(await client.get("/movements", params={"year": 2026}, headers=PLANNER))
        assert [(m["name"][:29], m["status"], m["registered"], m["registration_open"]) for m in summary] == [
            ("Phong trào thi đua phát triển", "launched", 20, False)]

        async def on_bus():
            messages = await read_stream(ns, f"{ns.subject_root}.plan.>")
            counted = Counter(m.headers["ce-type"].split(".")[-2] for m in messages)
            assert {k: counted[k] for k in ("MovementTaskLinked", "MovementLaunched", "MovementRegistrationOpened",
                                            "UnitRegisteredForMovement", "MovementRegistrationClosed")} == {
                "MovementTaskLinked": 1, "MovementLaunched": 1, "MovementRegistrationOpened": 1,
                "UnitRegisteredForMovement": 20, "MovementRegistrationClosed": 1}
            return messages

        messages = await eventually(on_bus)
        events = [unwrap(m.headers, m.data) for m in messages]
        launched = next(e for e in events if isinstance(e, MovementLaunched))
        assert launched.launching_task is not None and launched.launching_task.number == 1
        assert launched.decision.number == "01/CT-UBND"
        closed = next(e for e in events if isinstance(e, MovementRegistrationClosed))
        assert sorted(u.code for u in closed.registered_units) == sorted(TWENTY)


async def test_a_thematic_movement_is_concluded_with_its_awards(ns: Namespace) -> None:
    async with serve(plan_app(ns, Clock(date(2026, 2, 20)))) as client:
        tasks = await seed_plan(client)
        movement_id = await thematic_2025(client, tasks)
        details = await ok(await client.get(f"/movements/{movement_id}", headers=PLANNER))
        assert (details["kind"], details["status"]) == ("chuyen_de", "concluded")
        assert [(a["recipient"], a["unit"]["code"]) for a in details["conclusion"]["proposed_awards"]] == [
            ("Sở Tài chính", "STC"), ("Cục Thuế tỉnh", "THUE"), ("Nông Văn Bình", "SCT")]
        summary_task = await ok(await client.get(f"/tasks/{tasks[1, 4]}", headers=PLANNER))
        assert (summary_task["status"], summary_task["document_ref"]) == ("completed", "25/BC-UBND")
        # a movement concluded before it was launched: refused, nothing changed
        draft = await ok(await client.post("/movements", headers=PLANNER, json={
            "name": "Toàn dân bảo vệ An ninh Tổ quốc năm 2025", "kind": "chuyen_de", "starts_on": "2025-01-01",
            "ends_on": "2025-12-31"}), 201)
        early = await client.post(f"/movements/{draft['id']}/conclusion", headers=PLANNER, json={
            "document_ref": "30/BC-CAT", "summary": "Tổng kết", "proposed_awards": []})
        assert early.status_code == 409
        assert early.json()["error"]["code"] == "movement_not_launched"
        assert early.json()["error"]["message"] == "Phong trào chưa được phát động: không thể tổng kết."
        assert await version_of(client, draft["id"]) == 1
        twice = await client.post(f"/movements/{movement_id}/conclusion", headers=PLANNER, json={
            "document_ref": "26/BC-UBND", "summary": "Lần hai", "proposed_awards": []})
        assert twice.status_code == 409 and twice.json()["error"]["code"] == "illegal_transition"
        clerk_tries = await client.post(f"/movements/{draft['id']}/launch", headers=clerk("CAT"), json={
            "decision_number": "10/KH-CAT", "signed_on": "2025-01-05", "authority": "Công an tỉnh"})
        assert clerk_tries.status_code == 403

        async def concluded_on_bus():
            messages = await read_stream(ns, f"{ns.subject_root}.plan.MovementConcluded.v1")
            assert len(messages) == 1
            return unwrap(messages[0].headers, messages[0].data)

        concluded = await eventually(concluded_on_bus)
        assert (concluded.kind, concluded.starts_on, concluded.ends_on) == ("chuyen_de", date(2025, 6, 15),
                                                                            date(2025, 12, 31))
        assert [a.award for a in concluded.proposed_awards] == ["Bằng khen của Chủ tịch UBND tỉnh"] * 3
