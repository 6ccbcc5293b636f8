"""An outside subscriber, with nothing of ours but the AsyncAPI document and plain nats-py, sees
every movement and cluster event as a CloudEvent whose headers and body validate against it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import nats
import pytest

from contracts import plan_clusters, plan_movements
from tests.integration.plan_stories import (
    BLOCK,
    PLANNER,
    Clock,
    block_formed,
    block_scored,
    clerk,
    movement_2026,
    ok,
    plan_app,
    seed_plan,
    seven_provinces_2025,
)
from tests.support import Namespace, eventually, read_stream, serve

pytestmark = pytest.mark.integration
ASYNCAPI = json.loads((Path(__file__).parents[2] / "contracts" / "asyncapi.json").read_text(encoding="utf-8"))
WANTED = {cls.ce_type() for cls in [*plan_movements.EVENTS, *plan_clusters.EVENTS]}


def check_against_asyncapi(headers: dict[str, str], body: bytes) -> str:
    """Validate one message as an outsider would: its channel by ce-type, headers and payload."""
    ce_type = headers["ce-type"]
    assert ce_type in ASYNCAPI["channels"], f"{ce_type} is not in the AsyncAPI document"
    message = ASYNCAPI["components"]["messages"][f"{ce_type}:Message"]
    jsonschema.validate(headers, message["headers"])
    payload = json.loads(body)
    jsonschema.validate(payload, {**message["payload"], "components": ASYNCAPI["components"]})
    assert headers["ce-id"] == payload["event_id"] and headers["ce-specversion"] == "1.0"
    return ce_type


async def movement_life(client: Any, tasks: dict[tuple[int, int], str]) -> None:
    movement_id = await movement_2026(client, tasks)
    for unit in ("STC", "SYT"):
        await ok(await client.post(f"/movements/{movement_id}/registrations", headers=clerk(unit),
                                   json={"unit": unit, "targets": [{"target": "Hoàn thành xuất sắc nhiệm vụ"}]}))
    await ok(await client.post(f"/movements/{movement_id}/reviews", headers=PLANNER, json={
        "document_ref": "120/BC-UBND", "reviewed_on": "2026-07-10", "summary": "Sơ kết 6 tháng đầu năm"}))
    await ok(await client.post(f"/movements/{movement_id}/conclusion", headers=PLANNER, json={
        "document_ref": "310/BC-UBND", "concluded_on": "2026-12-20", "summary": "Tổng kết năm 2026",
        "proposed_awards": [{"award": "Cờ thi đua của UBND tỉnh", "recipient_kind": "tap_the",
                             "recipient": "Sở Tài chính", "unit": "STC"}]}))


async def cluster_life(client: Any) -> None:
    cluster_id = await block_formed(client)
    await ok(await client.post(f"/clusters/{cluster_id}/members", headers=PLANNER, json={
        "member": {"code": "SYT"}, "on": "2026-05-01", "reason": "Quyết định 80/QĐ-UBND bổ sung thành viên"}))
    await ok(await client.post(f"/clusters/{cluster_id}/members/SYT/release", headers=PLANNER, json={
        "on": "2026-06-01", "reason": "Chuyển sang khối văn hóa - xã hội"}))
    await ok(await client.post(f"/clusters/{cluster_id}/leadership", headers=PLANNER, json={
        "leader": "STP", "deputy": "STC", "on": "2026-06-15", "reason": "Luân phiên theo thỏa thuận của khối"}))
    await block_scored(client, cluster_id)
    for round_choices in (["STC", "STP"] * 4, ["STP"] * 8):  # an even split, then a clear choice
        await ok(await client.post(f"/clusters/{cluster_id}/votes", headers=PLANNER, json={}))
        for voter, candidate in zip(BLOCK, round_choices, strict=True):
            await ok(await client.post(f"/clusters/{cluster_id}/ballots", headers=clerk(voter),
                                       json={"voter": voter, "candidate": candidate}))
        await ok(await client.post(f"/clusters/{cluster_id}/votes/close", headers=PLANNER))
    await ok(await client.post(f"/clusters/{cluster_id}/government-flag", headers=PLANNER,
                               json={"basis": "Biên bản họp Hội đồng TĐKT tỉnh"}))
    await seven_provinces_2025(client)


async def test_an_outside_subscriber_reads_every_movement_and_cluster_event(ns: Namespace) -> None:
    received: list[tuple[dict[str, str], bytes]] = []
    outsider = await nats.connect(ns.nats_url)

    async def keep(message: Any) -> None:
        received.append((dict(message.headers or {}), message.data))

    await outsider.subscribe(f"{ns.subject_root}.plan.>", cb=keep)
    try:
        async with serve(plan_app(ns, Clock(date(2026, 2, 10)))) as client:
            tasks = await seed_plan(client)
            await movement_life(client, tasks)
            await cluster_life(client)

            async def all_received():
                published = [m for m in await read_stream(ns, f"{ns.subject_root}.plan.>")
                             if m.headers["ce-type"] in WANTED]
                seen = [(h, b) for h, b in received if h.get("ce-type") in WANTED]
                assert len(seen) == len(published) and {h["ce-type"] for h, _ in seen} == WANTED
                return seen

            seen = await eventually(all_received)
    finally:
        await outsider.close()
    assert {check_against_asyncapi(headers, body) for headers, body in seen} == WANTED
    assert len({headers["ce-id"] for headers, _ in seen}) == len(seen)  # each event once
