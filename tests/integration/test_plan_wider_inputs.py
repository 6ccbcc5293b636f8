"""Bad input to the movements, clusters and exemplary models routes: each refused with a clear
Vietnamese error, retried commands applied once, and nothing reaching the bus."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from tests.integration.plan_stories import PLANNER, Clock, block_formed, clerk, movement_2026, ok, plan_app, seed_plan
from tests.support import Namespace, eventually, read_stream, serve

pytestmark = pytest.mark.integration


async def test_bad_input_is_refused_and_changes_nothing(ns: Namespace) -> None:
    async with serve(plan_app(ns, Clock(date(2026, 2, 10)))) as client:
        movement_id = await movement_2026(client, await seed_plan(client))
        cluster_id = await block_formed(client)
        await ok(await client.post(f"/movements/{movement_id}/registrations", headers=clerk("STC"),
                                   json={"unit": "STC", "targets": [{"target": "Vượt thu 5%"}]}))

        async def settled() -> int:
            count = len(await read_stream(ns))
            assert count == len(await read_stream(ns))
            return count

        before = await eventually(settled)
        refusals = {
            "malformed_json": await client.post("/movements", headers={**PLANNER, "content-type": "application/json"},
                                                content=b'{"name": '),
            "invalid_input": await client.post(f"/clusters/{cluster_id}/scores", headers=PLANNER,
                                               json={"unit": "STC", "points": {"TC1": "mười"}}),
            "extra_field": await client.post(f"/movements/{movement_id}/registration", headers=PLANNER,
                                             json={"deadline": "2026-03-15", "note": "x"}),
            "bad_share": await client.post(f"/clusters/{cluster_id}/votes", headers=PLANNER,
                                           json={"quorum": "hai phần ba"}),
            "share_above_one": await client.post(f"/clusters/{cluster_id}/votes", headers=PLANNER,
                                                 json={"quorum": "3/2"}),
            "movement_not_found": await client.get(f"/movements/{uuid4()}", headers=PLANNER),
            "cluster_not_found": await client.post(f"/clusters/{uuid4()}/scores/close", headers=PLANNER),
            "unknown_unit": await client.post(f"/movements/{movement_id}/registrations", headers=PLANNER,
                                              json={"unit": "SO-KHONG-CO", "targets": []}),
            "unknown_criterion": await client.post(f"/movements/{movement_id}/registrations", headers=PLANNER,
                                                   json={"unit": "SYT", "targets": [{"criterion_code": "TC9",
                                                                                     "target": "x"}]}),
            "not_a_member": await client.post(f"/clusters/{cluster_id}/self-assessments", headers=clerk("SYT"),
                                              json={"unit": "SYT", "points": {"TC1": 1, "TC2": 1, "TC3": 1}}),
            "unsigned": await client.post(f"/movements/{movement_id}/registrations",
                                          json={"unit": "SYT", "targets": []}),
            "bad_period": await client.post("/movements", headers=PLANNER, json={
                "name": "Phong trào ngược thời gian", "kind": "dot_xuat", "starts_on": "2026-05-01",
                "ends_on": "2026-04-01"}),
        }
        statuses = {name: (r.status_code, r.json()["error"]["code"]) for name, r in refusals.items()}
        assert statuses == {
            "malformed_json": (400, "malformed_json"), "invalid_input": (422, "invalid_input"),
            "extra_field": (422, "invalid_input"), "bad_share": (422, "invalid_input"),
            "share_above_one": (422, "rule_violated"), "movement_not_found": (404, "movement_not_found"),
            "cluster_not_found": (404, "cluster_not_found"), "unknown_unit": (422, "unknown_unit"),
            "unknown_criterion": (422, "unknown_criterion"), "not_a_member": (422, "not_a_member"),
            "unsigned": (401, "unauthenticated"), "bad_period": (422, "rule_violated")}
        assert refusals["bad_period"].json()["error"]["message"] == (
            "Ngày kết thúc (01/04/2026) trước ngày bắt đầu (01/05/2026).")
        assert refusals["not_a_member"].json()["error"]["message"] == (
            "Đơn vị SYT không phải thành viên của Khối các cơ quan tổng hợp.")
        # a retried registration is applied once
        retried = await ok(await client.post(f"/movements/{movement_id}/registrations", headers=clerk("STC"),
                                             json={"unit": "STC", "targets": [{"target": "Vượt thu 5%"}]}))
        assert retried["changed"] is False
        assert await eventually(settled) == before
