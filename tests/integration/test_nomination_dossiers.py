"""Dossiers driven through the real nomination service (catalogue, rules, history) on a real
PostgreSQL and JetStream."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import jsonschema
import pytest

from contracts import plan_movements as mv
from contracts.generate import SCHEMAS
from services.nomination.main import create_app
from services.nomination.settings import NominationSettings
from tests.integration.plan_stories import PLANNER, Clock, ok, plan_app
from tests.integration.webhook_receivers import publish
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
CLERK = auth("unit_clerk", unit="SGDDT", subject="canbo.sgddt")
APPRAISER = auth("appraiser", unit="SNV", subject="chuyenvien.snv")
SECRETARY = auth("council_secretary", subject="thuky.hd")
CHAIR = auth("chair", subject="chutich.ubnd")
MEMBERS = {f"tv{n}": f"Thành viên {n}" for n in range(1, 6)}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n"
FIXTURES = Path(__file__).resolve().parents[1] / "contracts" / "fixtures"


def nomination_app(ns: Namespace, tmp_path, today: datetime = datetime(2026, 3, 2, 2, tzinfo=UTC)):
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents")
    return create_app(settings, clock=lambda: today)


async def opened(client, award: str = "BKT", **nominee) -> dict:
    body = {"award_code": award, "year": 2025, "nominee": {"name": "Nông Thị Hoa", "id_number": "004190012345",
                                                           "date_of_birth": "1990-03-15", "gender": "nu",
                                                           "position": "Giáo viên", **nominee},
            "summary": "Giáo viên dạy giỏi cấp tỉnh hai năm liền"}
    response = await client.post("/dossiers", json=body, headers=CLERK)
    assert response.status_code == 201, response.text
    return (await client.get(f"/dossiers/{response.json()['id']}", headers=CLERK)).json()


async def record_history(client, ref: str) -> None:
    facts = [{"kind": "rating", "year": y, "rating": "HTXSNV"} for y in (2024, 2025)]
    facts += [{"kind": "title", "year": y, "code": "CSTDCS", "decision_ref": f"{y - 2000}/QĐ-SGDĐT"}
              for y in (2024, 2025)]
    for fact in facts:
        response = await client.post(f"/people/{ref}/facts", json=fact, headers=APPRAISER)
        assert response.status_code == 201, response.text


async def to_appraisal(client, dossier: dict) -> str:
    dossier_id = dossier["dossier_id"]
    for kind in dossier["required_documents"]:
        attached = await client.post(f"/dossiers/{dossier_id}/documents", headers=CLERK, data={"kind": kind},
                                     files={"file": (f"{kind}.pdf", PDF, "application/pdf")})
        assert attached.status_code == 200, attached.text
    steps = [("unit-council", CLERK, {"meeting_on": "2026-02-20", "agreed": 9, "present": 10,
                                      "attestations": ["guong_mau_chap_hanh"]}),
             ("submit", CLERK, None), ("accept", APPRAISER, None)]
    for step, who, body in steps:
        response = await client.post(f"/dossiers/{dossier_id}/{step}", headers=who, json=body)
        assert response.status_code == 200, (step, response.text)
    return dossier_id


async def through_council(client, dossier_id: str, votes: int = 5) -> dict:
    opened_session = await client.post("/council/sessions", headers=SECRETARY, json={
        "title": "Phiên họp Hội đồng TĐKT tỉnh tháng 3/2026", "held_on": "2026-03-20", "members": MEMBERS,
        "quorum": 3, "dossier_ids": [dossier_id]})
    assert opened_session.status_code == 201, opened_session.text
    session = opened_session.json()["id"]
    for n in range(1, 6):
        await client.post(f"/council/sessions/{session}/attendance", headers=SECRETARY,
                          json={"member": f"tv{n}", "present": True})
    for n in range(1, 6):
        choice = "yes" if n <= votes else "no"
        cast = await client.post(f"/council/sessions/{session}/ballots", json={"dossier_id": dossier_id,
                                 "choice": choice}, headers=auth("council_member", subject=f"tv{n}"))
        assert cast.status_code == 204, cast.text
    again = await client.post(f"/council/sessions/{session}/ballots", json={"dossier_id": dossier_id,
                              "choice": "no"}, headers=auth("council_member", subject="tv1"))
    assert again.status_code == 409 and "đã bỏ phiếu" in again.json()["error"]["message"]
    closed = await client.post(f"/council/sessions/{session}/close", headers=SECRETARY)
    assert closed.status_code == 200, closed.text
    return closed.json()["results"][dossier_id]


def schema_valid(message) -> None:
    name = message.headers["ce-type"].removeprefix("vn.gov.tdkt.") + ".json"
    jsonschema.validate(json.loads(message.data), json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


async def test_a_dossier_from_the_unit_to_the_decision_and_the_nominees_history(ns: Namespace, tmp_path) -> None:
    async with serve(nomination_app(ns, tmp_path)) as client:
        dossier = await opened(client)
        assert dossier["nominee"]["masked_id"] == "004******345"
        assert dossier["missing_documents"] == [
            "Tờ trình đề nghị khen thưởng", "Báo cáo thành tích của cá nhân, tập thể",
            "Biên bản xét khen thưởng của Hội đồng Thi đua - Khen thưởng"]
        await record_history(client, dossier["nominee"]["ref"])
        dossier_id = await to_appraisal(client, dossier)
        verdicts = (await client.get(f"/dossiers/{dossier_id}/eligibility", headers=APPRAISER)).json()
        assert verdicts["overall"] in ("pass", "unknown"), verdicts
        r9 = next(v for v in verdicts["verdicts"] if v["rule_id"] == "R9")
        assert r9["outcome"] == "pass", r9
        appraised = await client.post(f"/dossiers/{dossier_id}/appraise", headers=APPRAISER, json={
            "confirmed_unknown": "Đã đối chiếu: không có kỷ luật, khiếu nại (xác nhận của Sở GD&ĐT)"})
        assert appraised.status_code == 200, appraised.text
        result = await through_council(client, dossier_id)
        assert (result["yes"], result["base"], result["passed"]) == (5, 5, True)
        for step, who, body in [("send-for-decision", APPRAISER, None),
                                ("decide", CHAIR, {"number": "163/QĐ-UBND", "decided_on": "2026-04-02"}),
                                ("confer", APPRAISER, {"conferred_on": "2026-04-20", "cash_paid": 3510000})]:
            response = await client.post(f"/dossiers/{dossier_id}/{step}", headers=who, json=body)
            assert response.status_code == 200, (step, response.text)
        person = (await client.get(f"/people/{dossier['nominee']['ref']}", headers=APPRAISER)).json()
        assert "163/QĐ-UBND" in json.dumps(person, ensure_ascii=False)

        async def published():
            messages = await read_stream(ns, f"{ns.subject_root}.nomination.>")
            kinds = [m.headers["ce-type"].split(".")[-2] for m in messages]
            assert kinds[-1] == "AwardConferred", kinds
            return messages

        everything = await eventually(published)
        messages = [m for m in everything if m.headers["ce-type"].endswith(".v1")]
        kinds = [m.headers["ce-type"].split(".")[-2] for m in messages]
        assert kinds == ["NominationCreated", "NominationProgressed", "NominationSubmitted", "NominationProgressed",
                         "NominationAppraised", "CouncilVoted", "NominationProgressed", "AwardDecided",
                         "AwardConferred"]
        assert [m.headers["ce-type"].split(".")[-2] for m in everything if m.headers["ce-type"].endswith(".v2")] == [
            "NominationCreated", "NominationProgressed", "NominationSubmitted", "NominationProgressed",
            "NominationAppraised", "CouncilVoted", "NominationProgressed", "AwardDecided"]
        for message in everything:
            schema_valid(message)
            assert "004190012345" not in message.data.decode() and "1990-03-15" not in message.data.decode()
        decided = json.loads(messages[7].data)
        assert (decided["decision_number"], decided["award_level"], decided["nominee"]["kind"]) == (
            "163/QĐ-UBND", "tinh", "ca_nhan")


async def launched_movement(plan) -> str:
    """A thematic movement drafted and launched through the plan service's API."""
    created = await ok(await plan.post("/movements", headers=PLANNER, json={
        "name": "Toàn dân bảo vệ an ninh Tổ quốc năm 2025", "kind": "chuyen_de", "scope": "tinh",
        "starts_on": "2025-01-01", "ends_on": "2025-12-31"}), 201)
    await ok(await plan.post(f"/movements/{created['id']}/launch", headers=PLANNER, json={
        "decision_number": "12/KH-UBND", "signed_on": "2025-01-05", "authority": "UBND tỉnh",
        "launched_on": "2025-01-06"}))
    return str(created["id"])


async def test_a_thematic_dossier_names_a_movement_the_plan_launched_in_version_2_of_its_opening(
        ns: Namespace, tmp_path) -> None:
    body = {"award_code": "BKT", "year": 2025, "summary": "Thành tích trong phong trào bảo vệ an ninh Tổ quốc",
            "nominee": {"name": "Nông Thị Hoa", "id_number": "004190012345", "position": "Giáo viên"}}
    async with serve(plan_app(ns, Clock(date(2026, 3, 2)))) as plan, \
            serve(nomination_app(ns, tmp_path)) as client:
        # a movement only drafted in the plan, and an id no one knows: refused, nothing opened
        drafted = await ok(await plan.post("/movements", headers=PLANNER, json={
            "name": "Phong trào chưa phát động", "kind": "dot_xuat", "scope": "tinh", "starts_on": "2025-01-01",
            "ends_on": "2025-12-31"}), 201)
        for unknown in (drafted["id"], "00000000-0000-5000-8000-000000000001"):
            refused = await client.post("/dossiers", headers=CLERK,
                                        json={**body, "basis": "chuyen_de", "movement_id": unknown})
            assert refused.status_code == 422, refused.text
            assert refused.json()["error"]["message"].startswith(
                f"Không có phong trào thi đua mã {unknown} trong số các phong trào đã phát động")
        # the plan launches the movement; the nomination service learns of it from the bus
        movement = await launched_movement(plan)
        regular = await client.post("/dossiers", headers=CLERK,
                                    json={**body, "basis": "cong_trang", "movement_id": movement})
        assert regular.status_code == 422
        assert regular.json()["error"]["message"] == (
            "Chỉ hồ sơ khen thưởng theo chuyên đề, theo đợt hoặc đột xuất mới gắn với phong trào thi đua; hồ sơ "
            "này có loại hình 'công trạng, thành tích thường xuyên'.")
        assert (await client.get("/dossiers", headers=CLERK)).json() == []

        async def accepted():  # no basis named: a movement's award is a thematic one (chuyen_de)
            response = await client.post("/dossiers", headers=CLERK, json={**body, "movement_id": movement})
            assert response.status_code == 201, response.text
            return response.json()

        opened = await eventually(accepted)
        outside = await client.post("/dossiers", headers=CLERK,
                                    json={**body, "year": 2024, "basis": "chuyen_de", "movement_id": movement})
        assert outside.status_code == 422
        assert outside.json()["error"]["message"] == (
            "Năm thành tích 2024 nằm ngoài thời gian của phong trào «Toàn dân bảo vệ an ninh Tổ quốc năm 2025» "
            "(01/01/2025 – 31/12/2025).")
        dossier = (await client.get(f"/dossiers/{opened['id']}", headers=CLERK)).json()
        assert (dossier["basis"], dossier["movement_id"]) == ("chuyen_de", movement)

        async def published():
            messages = await read_stream(ns, f"{ns.subject_root}.nomination.NominationCreated.*")
            assert len(messages) == 3
            return messages

        v1, v2, v3 = await eventually(published)
        for message in (v1, v2, v3):
            schema_valid(message)
        first, second, third = json.loads(v1.data), json.loads(v2.data), json.loads(v3.data)
        assert (third["version"], third["basis"], third["movement_id"]) == (3, "chuyen_de", movement)
        assert (first["version"], second["version"], second["movement_id"]) == (1, 2, movement)
        assert "movement_id" not in first and second["event_id"] != first["event_id"]
        added = ("event_id", "version", "movement_id", "nominee_groups")
        assert {k: v for k, v in second.items() if k not in added} == {
            k: v for k, v in first.items() if k not in ("event_id", "version")}


def movement_event(contract, **fields) -> Any:
    body = json.loads((FIXTURES / f"plan.{contract.__name__}.v1.json").read_text(encoding="utf-8"))
    return contract.model_validate({**body, "event_id": str(uuid4()), **fields})


async def test_the_movements_kept_take_each_event_once_and_never_go_back_to_an_older_version(
        ns: Namespace, tmp_path) -> None:
    old, fresh = uuid4(), uuid4()
    period = {"movement_id": str(old), "starts_on": "2023-03-01", "ends_on": "2023-09-30"}
    concluded = movement_event(mv.MovementConcluded, **period, movement_version=9, concluded_on="2024-01-20",
                               name="200 ngày đêm thi đua năm 2023")
    body = {"award_code": "BKT", "basis": "dot_xuat", "summary": "Thành tích đột xuất",
            "nominee": {"name": "Nông Thị Hoa", "id_number": "004190012345", "position": "Giáo viên"}}
    async with serve(nomination_app(ns, tmp_path)) as client:
        # the conclusion, the same event again (redelivered), then the launch before it, arriving late
        await publish(ns, [concluded, concluded, movement_event(mv.MovementLaunched, **period, movement_version=3,
                                                                 name="Tên khi phát động", launched_on="2023-03-01")],
                      msg_ids=["a", "b", "c"])
        await publish(ns, [movement_event(mv.MovementLaunched, movement_id=str(fresh), movement_version=3,
                                          starts_on="2026-01-01", ends_on="2026-12-31")])

        async def accepted():
            response = await client.post("/dossiers", headers=CLERK, json={**body, "year": 2026,
                                                                           "movement_id": str(fresh)})
            assert response.status_code == 201, response.text

        await eventually(accepted)  # every event before it has been applied
        refused = await client.post("/dossiers", headers=CLERK, json={**body, "year": 2023, "movement_id": str(old)})
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert (error["code"], error["message"]) == ("movement_concluded", (
            "Phong trào «200 ngày đêm thi đua năm 2023» đã tổng kết ngày 20/01/2024, quá 365 ngày: không mở thêm "
            "hồ sơ khen thưởng cho phong trào này."))
    conn = await asyncpg.connect(ns.settings(NominationSettings).dsn_for())
    try:
        rows = await conn.fetch("SELECT movement_id, name, version, launched_on, concluded_on FROM known_movements")
        applied = await conn.fetchval("SELECT count(*) FROM processed_events WHERE consumer = 'nomination-movements'")
    finally:
        await conn.close()
    assert {r["movement_id"]: tuple(r)[1:] for r in rows} == {
        old: ("200 ngày đêm thi đua năm 2023", 9, date(2023, 3, 1), date(2024, 1, 20)),  # the late launch's day
        fresh: (movement_event(mv.MovementLaunched).name, 3, date(2026, 2, 10), None)}
    assert applied == 3  # the redelivered conclusion was applied once
