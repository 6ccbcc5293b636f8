"""The units' inbox: nomination events on the bus → messages for the proposing unit."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contracts import IntegrationEvent
from contracts.plan import TaskAssigned
from services.notification.main import create_app
from services.notification.settings import NotificationSettings
from tests.integration.nomination_events import FIXTURES, Dossier, publish
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
SGDDT = auth("unit_clerk", unit="SGDDT", subject="canbo.sgddt")
SYT = auth("unit_clerk", unit="SYT", subject="canbo.syt")
AUDITOR = auth("auditor")
ABOUT_HOA = "Hồ sơ đề nghị Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Nông Thị Hoa (2025)"


def notification(ns: Namespace):
    return create_app(ns.settings(NotificationSettings, dispatch_poll_interval_s=1.0))


def story() -> tuple[Dossier, Dossier, list[IntegrationEvent]]:
    """Hoa's dossier is returned, resubmitted, late in appraisal and decided; Lan's is rejected."""
    hoa = Dossier("SGDDT", "BKT", "Nông Thị Hoa", award_name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")
    lan = Dossier("SYT", "BKT", "Đàm Thị Lan", award_name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")
    task = json.loads((FIXTURES / "plan.TaskAssigned.v1.json").read_text(encoding="utf-8"))
    events = [
        hoa.event("NominationCreated", "draft"), hoa.event("NominationSubmitted", "submitted"),
        hoa.event("NominationReturned", "returned"), hoa.event("NominationSubmitted", "submitted", times_submitted=2),
        hoa.event("NominationProgressed", "appraising", step="accepted"),
        hoa.event("NominationLate", "appraising", in_state="appraising", due_date="2026-03-31"),
        TaskAssigned.model_validate({**task, "event_id": str(uuid4())}),
        lan.event("NominationCreated", "draft"), lan.event("NominationSubmitted", "submitted"),
        hoa.event("NominationAppraised", "council_review"), hoa.event("CouncilVoted", "council_passed"),
        hoa.event("NominationProgressed", "awaiting_decision", step="sent_for_decision"),
        lan.event("NominationRejected", "not_awarded"),
        hoa.decided(cash_amount=3_510_000),
    ]
    return hoa, lan, events


async def inbox(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/inbox", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def unread(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> int:
    response = await client.get("/inbox/unread-count", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["unread"]


HOA_KINDS = ["decided", "progressed", "council_passed", "appraised", "late", "progressed", "submitted", "returned",
             "submitted", "created"]
TOLD = ["decided", "late", "returned"]


async def test_the_unit_is_told_of_every_step_of_its_dossiers_and_of_its_tasks(ns: Namespace) -> None:
    hoa, lan, events = story()
    async with serve(notification(ns)) as client:
        await publish(ns, events)

        async def all_written():
            assert len(await inbox(client, AUDITOR)) == 16

        await eventually(all_written)
        # The education department's clerk: every step of Hoa's dossier, newest first.
        messages = await inbox(client, SGDDT)
        assert [m["kind"] for m in messages] == HOA_KINDS
        assert {(m["unit_code"], m["link"], m["dossier_id"], m["topic"]) for m in messages} == {
            ("SGDDT", f"/dossiers/{hoa.dossier_id}", str(hoa.dossier_id), "dossier")}
        assert all(m["read_at"] is None for m in messages)
        decided, late, returned = await inbox(client, SGDDT, kind=TOLD)
        assert returned["title"] == "Hồ sơ của Nông Thị Hoa bị trả lại để bổ sung"
        assert returned["body"] == f"{ABOUT_HOA} bị trả lại: Thiếu biên bản bình xét của Hội đồng TĐKT đơn vị."
        assert late["body"] == f"{ABOUT_HOA} đã quá thời hạn ở bước thẩm định (hạn 31/03/2026)."
        assert decided["title"] == "Nông Thị Hoa được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
        assert decided["body"] == (
            f"{ABOUT_HOA} đã có Quyết định khen thưởng số 163/QĐ-UBND ngày 02/04/2026 của Chủ tịch UBND tỉnh. "
            "Tiền thưởng: 3.510.000 đồng.")
        # The health department's clerk sees only Lan's dossier, rejected in the end.
        assert [m["kind"] for m in await inbox(client, SYT)] == ["rejected", "submitted", "created"]
        [rejected] = await inbox(client, SYT, kind="rejected")
        assert (rejected["kind"], rejected["link"]) == ("rejected", f"/dossiers/{lan.dossier_id}")
        assert rejected["body"] == ("Hồ sơ đề nghị Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho Đàm Thị Lan "
                                    "(2025) không được khen thưởng: Không đủ 02 năm liên tục hoàn thành xuất sắc "
                                    "nhiệm vụ.")
        # The task goes to its lead units and its coordinating unit.
        tasks = await inbox(client, AUDITOR, topic="task")
        assert sorted(m["unit_code"] for m in tasks) == ["CAT", "SNV", "VPUBND"]
        assert {m["kind"] for m in tasks} == {"task_assigned"} and all(m["dossier_id"] is None for m in tasks)
        assert len(await inbox(client, AUDITOR, ref=str(lan.dossier_id))) == 3
        counts = await client.get("/inbox/counts", headers=SGDDT)
        assert counts.status_code == 200, counts.text
        assert (counts.json()["total"], counts.json()["unread"]) == (10, 10)
        by_kind = {k["kind"]: (k["total"], k["unread"]) for k in counts.json()["kinds"]}
        assert by_kind["submitted"] == (2, 2) and by_kind["late"] == (1, 1) and len(by_kind) == 8
        # Auditors and admins choose the unit; no one else reads another unit's inbox.
        assert len(await inbox(client, AUDITOR, unit="SYT")) == 3
        assert [m["id"] for m in await inbox(client, auth("admin"), unit="SGDDT")] == [m["id"] for m in messages]
        refused = await client.get("/inbox", params={"unit": "SGDDT"}, headers=SYT)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "other_unit")
        no_unit = await client.get("/inbox", headers=auth("unit_clerk"))
        assert (no_unit.status_code, no_unit.json()["error"]["code"]) == (403, "no_unit")
        assert (await client.get("/inbox", headers=auth("planner"))).status_code == 403
        assert (await client.get("/inbox/unread-count")).status_code == 401
        assert (await client.get("/inbox", params={"topic": "weather"}, headers=SGDDT)).status_code == 422


async def test_only_the_owner_unit_marks_its_messages_read(ns: Namespace) -> None:
    _, _, events = story()
    async with serve(notification(ns)) as client:
        await publish(ns, events)

        async def all_written():
            assert await unread(client, AUDITOR) == 16

        await eventually(all_written)
        decided, late, returned = await inbox(client, SGDDT, kind=TOLD)
        for headers in (SYT, auth("admin"), auth("unit_clerk")):
            refused = await client.post(f"/inbox/{returned['id']}/read", headers=headers)
            assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_your_message")
        assert (await client.post(f"/inbox/{returned['id']}/read", headers=AUDITOR)).status_code == 403
        assert await unread(client, SGDDT) == 10
        # The owner marks it read; marking it again keeps the first time.
        marked = await client.post(f"/inbox/{returned['id']}/read", headers=SGDDT)
        assert marked.status_code == 200, marked.text
        assert marked.json()["read_at"] is not None
        again = await client.post(f"/inbox/{returned['id']}/read", headers=SGDDT)
        assert again.json()["read_at"] == marked.json()["read_at"]
        assert (await unread(client, SGDDT), await unread(client, SYT), await unread(client, AUDITOR)) == (9, 3, 15)
        unread_told = await inbox(client, SGDDT, unread="true", kind=TOLD)
        assert [m["id"] for m in unread_told] == [decided["id"], late["id"]]
        assert [m["id"] for m in await inbox(client, SGDDT, kind=TOLD, limit=1, offset=1)] == [late["id"]]
        missing = await client.post("/inbox/999999/read", headers=SGDDT)
        assert (missing.status_code, missing.json()["error"]["code"]) == (404, "inbox_message_not_found")
        for bad in ("abc", "0"):
            assert (await client.post(f"/inbox/{bad}/read", headers=SGDDT)).status_code == 422
        for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"unread": "maybe"}, {"ref": "x"}):
            assert (await client.get("/inbox", params=params, headers=SGDDT)).status_code == 422, params
        assert await unread(client, SGDDT) == 9


async def test_a_duplicated_event_gives_no_second_message(ns: Namespace) -> None:
    _, _, events = story()
    marker = Dossier("SNV", "GK", "Lý Thị Mai")
    async with serve(notification(ns)) as client:
        await publish(ns, events)
        # The same events again under new message ids (JetStream keeps the copies), then one more.
        await publish(ns, events, prefix="again")
        await publish(ns, [marker.event("NominationRejected", "not_awarded")])

        async def marker_written():
            assert len(await inbox(client, AUDITOR, unit="SNV", topic="dossier")) == 1

        await eventually(marker_written)
        assert [m["kind"] for m in await inbox(client, SGDDT)] == HOA_KINDS
        assert len(await inbox(client, SYT)) == 3
        assert await unread(client, AUDITOR) == 17
