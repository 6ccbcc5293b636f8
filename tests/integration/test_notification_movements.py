"""Movements and clusters in the units' inbox: the plan's events on the bus → messages for the
units in a movement's scope and for a cluster's members; reminders before a registration
deadline, with a moved clock, each sent once with two replicas and across a restart, to the
units not registered yet, and none after the registration closed."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contracts import IntegrationEvent
from contracts import plan_clusters as c
from contracts import plan_movements as mv
from contracts.plan import UnitRef
from services.notification.main import create_app
from services.notification.settings import NotificationSettings
from tests.integration.test_notification_service import assigned
from tests.integration.webhook_receivers import publish
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[1] / "contracts" / "fixtures"
AUDITOR = auth("auditor")
SNV = auth("unit_clerk", unit="SNV", subject="canbo.snv")
BLOCK = "Khối các cơ quan tổng hợp năm 2026"
BLOCK_MOVEMENT = "Thi đua thực hiện nhiệm vụ chính trị của Khối các cơ quan tổng hợp năm 2026"
SYT = UnitRef(code="SYT", name="Sở Y tế")


def event(module: Any, contract: str, /, **fields: Any) -> Any:
    body = json.loads((FIXTURES / f"plan.{contract}.v1.json").read_text(encoding="utf-8"))
    return getattr(module, contract).model_validate({**body, "event_id": str(uuid4()), **fields})


def app(ns: Namespace, now: list[datetime]) -> Any:
    settings = ns.settings(NotificationSettings, reminder_interval_s=0.1, dispatch_poll_interval_s=1.0,
                           movement_reminder_days=[7, 1])
    return create_app(settings, clock=lambda: now[0])


async def inbox(client: httpx.AsyncClient, headers: dict[str, str] = AUDITOR, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/inbox", params={"limit": 200, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def told(client: httpx.AsyncClient, kind: str) -> dict[str, list[dict[str, Any]]]:
    """The messages of one kind, by unit."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for message in await inbox(client, kind=kind):
        by_unit.setdefault(message["unit_code"], []).append(message)
    return by_unit


def block_story() -> list[IntegrationEvent]:
    """The block (SNV, STC, STP; led by STC) is formed, a task of Sở Y tế assigned, a movement of
    the block and one of the province open their registrations; Sở Tài chính registers for the
    block's; the covenant is signed, Sở Nội vụ assesses itself, the block is scored and votes;
    the block's movement is concluded."""
    block_movement = {"movement_id": str(uuid4()), "name": BLOCK_MOVEMENT, "scope": "cum_khoi",
                      "scope_ref": "KHOI-TH", "kind": "chuyen_de"}
    province = {"movement_id": str(uuid4()), "name": "Phong trào thi đua năm 2026", "scope": "tinh"}
    return [
        event(c, "ClusterFormed"),
        assigned(1).model_copy(update={"lead_units": [SYT], "occurred_at": datetime(2026, 2, 1, tzinfo=UTC)}),
        event(mv, "MovementRegistrationOpened", **block_movement),
        event(mv, "MovementRegistrationOpened", **province),
        event(mv, "UnitRegisteredForMovement", **block_movement, unit={"code": "STC", "name": "Sở Tài chính"}),
        event(c, "CovenantSigned"),
        event(c, "ClusterSelfAssessed", unit={"code": "SNV", "name": "Sở Nội vụ"}, total=90),
        event(c, "ClusterScored"),
        event(c, "ClusterVoteOpened"),
        event(c, "ClusterLeaderElected"),
        event(mv, "MovementConcluded", **block_movement),  # awards proposed for Sở Tài chính's people
    ]


async def test_movement_and_cluster_events_reach_the_units_concerned(ns: Namespace) -> None:
    now = [datetime(2026, 2, 11, 1, 0, tzinfo=UTC)]
    events = block_story()
    block_movement: Any = events[2]
    async with serve(app(ns, now)) as client:
        await publish(ns, events)

        async def all_written() -> None:
            assert len(await inbox(client, kind="movement_concluded")) == 1

        await eventually(all_written)
        # The block's movement: its three members; the province's: every unit seen so far.
        opened = await told(client, "movement_registration_opened")
        assert sorted(opened) == ["SNV", "STC", "STP", "SYT"]
        assert {m["title"] for m in opened["STP"]} == {f"Mở đăng ký thi đua: {BLOCK_MOVEMENT}",
                                                        "Mở đăng ký thi đua: Phong trào thi đua năm 2026"}
        assert [m["title"] for m in opened["SYT"]] == ["Mở đăng ký thi đua: Phong trào thi đua năm 2026"]
        assert all(m["movement_id"] == m["ref_id"] and m["topic"] == "movement" for m in opened["SNV"])
        # Sở Tài chính's own registration.
        [registered] = (await told(client, "movement_registered"))["STC"]
        assert registered["ref_id"] == str(block_movement.movement_id)
        # The covenant to every member; the self-assessment to the member and to the leader (STC).
        assert sorted(await told(client, "cluster_covenant_signed")) == ["SNV", "STC", "STP"]
        assert sorted(await told(client, "cluster_self_assessed")) == ["SNV"]
        [due] = (await told(client, "cluster_scoring_due"))["STC"]
        assert due["body"] == (f"Sở Nội vụ đã tự chấm 90 điểm theo giao ước thi đua {BLOCK}. "
                               "Đề nghị cụm trưởng chấm điểm các thành viên.")
        # Each member its own score and rank; the vote to the voters; the result to every member.
        [snv_score] = (await told(client, "cluster_scored"))["SNV"]
        assert snv_score["body"] == f"{BLOCK}: Sở Nội vụ đạt 92/100 điểm, xếp thứ 2/3."
        assert sorted(await told(client, "cluster_vote_opened")) == ["SNV", "STC", "STP"]
        elected = await told(client, "cluster_leader_elected")
        assert sorted(elected) == ["SNV", "STC", "STP"]
        assert elected["STP"][0]["title"] == f"Đơn vị dẫn đầu {BLOCK}: Sở Tài chính"
        # The conclusion: to the unit registered, with the awards proposed for it.
        [concluded] = (await told(client, "movement_concluded"))["STC"]
        assert concluded["body"].endswith("Bằng khen của Chủ tịch UBND tỉnh cho Nông Văn Bình.")
        # A clerk reads only their unit's messages, filtered by topic.
        mine = await inbox(client, SNV, topic="cluster")
        assert {m["unit_code"] for m in mine} == {"SNV"} and len(mine) == 6  # formed … elected
        counts = (await client.get("/inbox/counts", params={"topic": "movement"}, headers=SNV)).json()
        assert counts["total"] == 2 and counts["unread"] == 2


async def test_registration_reminders_fire_once_to_the_unregistered_and_stop_when_closed(ns: Namespace) -> None:
    now = [datetime(2026, 3, 1, 1, 0, tzinfo=UTC)]
    events = block_story()[:5]  # the block, the movements opened (deadline 15/03), STC registered
    block_movement: Any = events[2]
    province: Any = events[3]
    stack = contextlib.AsyncExitStack()
    async with stack:
        one = await stack.enter_async_context(serve(app(ns, now)))
        two = await stack.enter_async_context(serve(app(ns, now)))
        await publish(ns, events)
        await eventually(lambda: _has(one, "movement_registered", 1))
        await asyncio.sleep(0.3)
        assert await inbox(one, kind="movement_registration_closing") == []  # nothing due on 01/03

        # 08:00 on 08/03 in Cao Bằng: 7 days before the deadline, both movements.
        now[0] = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
        await eventually(lambda: _has(two, "movement_registration_closing", 2 + 4))
        reminded = await told(one, "movement_registration_closing")
        # STC registered for the block's movement: reminded only of the province's.
        assert sorted(reminded) == ["SNV", "STC", "STP", "SYT"] and len(reminded["STC"]) == 1
        assert reminded["STC"][0]["title"] == "Sắp hết hạn đăng ký thi đua (còn 7 ngày): Phong trào thi đua năm 2026"
        snv = {m["ref_id"]: m for m in reminded["SNV"]}
        assert snv[str(block_movement.movement_id)]["body"].endswith(
            "hạn đăng ký thi đua đến hết ngày 15/03/2026 (còn 7 ngày). Đơn vị chưa đăng ký thi đua.")

        # The block's registration closes; one replica restarts.
        closed = event(mv, "MovementRegistrationClosed", movement_id=str(block_movement.movement_id),
                       name=BLOCK_MOVEMENT, scope="cum_khoi", scope_ref="KHOI-TH", kind="chuyen_de",
                       registered_units=[{"code": "STC", "name": "Sở Tài chính"}])
        await publish(ns, [closed])
        await eventually(lambda: _has(one, "movement_registration_closed", 3))
        await stack.aclose()
    async with serve(app(ns, now)) as three, serve(app(ns, now)) as four:
        # 08:00 on 14/03: the day before; only the province's movement still reminds.
        now[0] = datetime(2026, 3, 14, 1, 0, tzinfo=UTC)
        await eventually(lambda: _has(three, "movement_registration_closing", 6 + 4))
        await asyncio.sleep(0.5)  # time for a repeat, were one sent
        every = await inbox(four, kind="movement_registration_closing")
        assert len(every) == 10
        last = [m for m in every if "(ngày mai)" in m["title"]]
        assert sorted(m["unit_code"] for m in last) == ["SNV", "STC", "STP", "SYT"]
        assert {m["ref_id"] for m in last} == {str(province.movement_id)}  # the province's movement only
        closing = await told(three, "movement_registration_closed")
        assert closing["STP"][0]["body"].endswith("đơn vị không đăng ký thi đua.")
        assert closing["STC"][0]["body"].endswith("đơn vị đã đăng ký, cùng 1 đơn vị đăng ký thi đua.")


async def _has(client: httpx.AsyncClient, kind: str, expected: int) -> None:
    assert len(await inbox(client, kind=kind)) == expected
