"""Clusters and blocks through the plan service on a real PostgreSQL and NATS JetStream: a block of
eight agencies signs its covenant, is scored and votes its leading unit; the province's
membership in the cluster of 7 northern border provinces is recorded with its 2025 result."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from contracts import unwrap
from tests.integration.plan_stories import (
    BLOCK,
    PLANNER,
    Clock,
    block_formed,
    block_points,
    block_scored,
    clerk,
    ok,
    plan_app,
    seed_plan,
    seven_provinces_2025,
)
from tests.support import Namespace, eventually, read_stream, serve

pytestmark = pytest.mark.integration


async def cluster(client, cluster_id: str) -> dict:
    return await ok(await client.get(f"/clusters/{cluster_id}", headers=PLANNER))


async def test_a_block_of_eight_signs_is_scored_and_votes_its_leader(ns: Namespace) -> None:
    async with serve(plan_app(ns, Clock(date(2026, 11, 20)))) as client:
        tasks = await seed_plan(client)
        cluster_id = await block_formed(client)
        await ok(await client.post(f"/tasks/{tasks[1, 14]}/complete", headers=PLANNER,
                                   json={"document_ref": "35/QĐ-UBND", "completed_on": "2026-03-20"}))
        # a score above a criterion's maximum is refused and changes nothing
        version = (await cluster(client, cluster_id))["version"]
        above = await client.post(f"/clusters/{cluster_id}/scores", headers=PLANNER,
                                  json={"unit": "STC", "points": {"TC1": 58, "TC2": 30.5, "TC3": 9}})
        assert above.status_code == 422
        assert above.json()["error"]["message"] == "Điểm tiêu chí TC2 (30.5) vượt quá điểm tối đa 30."
        assert (await cluster(client, cluster_id))["version"] == version
        await block_scored(client, cluster_id)
        ranking = (await cluster(client, cluster_id))["results"]
        assert [r["code"] for r in ranking] == BLOCK  # scored in descending order
        assert ranking[0] == {"code": "SNV", "total": sum(block_points(0).values()), "rank": 1}
        # the secret vote: a quorum of 2/3, more than half of the eight members
        await ok(await client.post(f"/clusters/{cluster_id}/votes", headers=PLANNER, json={}))
        for voter in BLOCK[:5]:
            await ok(await client.post(f"/clusters/{cluster_id}/ballots", headers=clerk(voter),
                                       json={"voter": voter, "candidate": "SNV"}))
        twice = await client.post(f"/clusters/{cluster_id}/ballots", headers=clerk("SNV"),
                                  json={"voter": "SNV", "candidate": "STC"})
        assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already_voted")
        outsider = await client.post(f"/clusters/{cluster_id}/ballots", headers=clerk("SKHCN"),
                                     json={"voter": "SKHCN", "candidate": "SYT"})
        assert (outsider.status_code, outsider.json()["error"]["code"]) == (422, "candidate_not_in_cluster")
        version = (await cluster(client, cluster_id))["version"]
        no_quorum = await client.post(f"/clusters/{cluster_id}/votes/close", headers=PLANNER)
        assert no_quorum.status_code == 409
        assert no_quorum.json()["error"]["message"] == ("Chưa đủ số đơn vị bỏ phiếu: 5/8 đơn vị, cần ít nhất 6. "
                                                        "Chưa thể kết thúc bỏ phiếu.")
        assert (await cluster(client, cluster_id))["version"] == version
        for voter, candidate in (("SKHCN", "SNV"), ("SCT", None)):
            await ok(await client.post(f"/clusters/{cluster_id}/ballots", headers=clerk(voter),
                                       json={"voter": voter, "candidate": candidate}))
        closed = await ok(await client.post(f"/clusters/{cluster_id}/votes/close", headers=PLANNER))
        assert closed["elected"] == "SNV"
        await ok(await client.post(f"/clusters/{cluster_id}/government-flag", headers=PLANNER,
                                   json={"basis": "Biên bản họp Hội đồng TĐKT tỉnh ngày 15/01/2027"}))
        listed = await ok(await client.get("/clusters", params={"year": 2026}, headers=PLANNER))
        assert [(c["code"], c["elected"], c["government_flag"], len(c["members"])) for c in listed] == [
            ("KHOI-TH", "SNV", "SNV", 8)]

        async def on_bus():
            messages = await read_stream(ns, f"{ns.subject_root}.plan.>")
            events = [unwrap(m.headers, m.data) for m in messages if ".Cluster" in m.subject
                      or "Covenant" in m.subject or "GovernmentFlag" in m.subject]
            assert Counter(e.event_name for e in events) == {
                "ClusterFormed": 1, "CovenantSigned": 1, "ClusterSelfAssessed": 8, "ClusterScored": 1,
                "ClusterVoteOpened": 1, "ClusterLeaderElected": 1, "GovernmentFlagProposed": 1}
            assert not any("Ballot" in m.subject for m in messages)  # no single ballot leaves the service
            return events

        events = await eventually(on_bus)
        elected = next(e for e in events if e.event_name == "ClusterLeaderElected")
        assert (elected.leader.code, elected.votes, elected.ballots, elected.blank, elected.votes_needed) == (
            "SNV", 6, 7, 1, 5)


async def test_the_provinces_membership_in_the_seven_province_cluster(ns: Namespace) -> None:
    async with serve(plan_app(ns, Clock(date(2026, 1, 20)))) as client:
        tasks = await seed_plan(client)
        cluster_id = await seven_provinces_2025(client)
        await ok(await client.post(f"/tasks/{tasks[1, 8]}/complete", headers=PLANNER,
                                   json={"document_ref": "12/BC-SNV", "completed_on": "2026-01-20"}))
        details = await cluster(client, cluster_id)
        assert (details["inter_provincial"], details["own_member"], len(details["members"])) == (True, "T.CAOBANG", 7)
        assert details["own_result"]["total"] == 95 and details["own_result"]["rank"] == 1
        not_here = await client.post(f"/clusters/{cluster_id}/scores", headers=PLANNER,
                                     json={"unit": "T.SONLA", "points": {"TC1": 50, "TC2": 20, "TC3": 5}})
        assert not_here.status_code == 409 and "Cụm liên tỉnh" in not_here.json()["error"]["message"]
        nameless = await client.post("/clusters", headers=PLANNER, json={
            "code": "CUM-X", "name": "Cụm thử", "kind": "cum", "year": 2026, "own_member": "T.CAOBANG",
            "members": [{"code": "T.CAOBANG", "name": "Tỉnh Cao Bằng"}, {"code": "T.HAGIANG"}],
            "leader": "T.CAOBANG", "formed_on": "2026-01-10"})
        assert nameless.status_code == 422 and "phải có tên" in nameless.json()["error"]["message"]

        async def recorded():
            messages = await read_stream(ns, f"{ns.subject_root}.plan.ClusterResultRecorded.v1")
            assert len(messages) == 1
            return unwrap(messages[0].headers, messages[0].data)

        result = await eventually(recorded)
        assert (result.year, result.member.name, result.total, result.max_total, result.title) == (
            2025, "Tỉnh Cao Bằng", 95.0, 100.0, "Cờ thi đua của Chính phủ")
