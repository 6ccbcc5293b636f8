"""Nomination events → bus → the reporting service's dossiers and awards read model."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contracts import IntegrationEvent
from contracts import nomination as c
from contracts.plan import TaskAssigned, TaskCompleted
from services.reporting.main import create_app
from services.reporting.settings import ReportingSettings
from tests.integration.nomination_events import FIXTURES, Dossier, publish
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
READER = auth("auditor")
HOA_AWARD = {"cash_amount": 3_510_000}
STATE_FILTERS = {"year": 2025}


def reporting(ns: Namespace):
    return create_app(ns.settings(ReportingSettings))


def province_story() -> tuple[dict[str, Dossier], list[IntegrationEvent]]:
    """Eight dossiers of three units in 2025 and one of 2024, each at another point of the workflow."""
    d = {"hoa": Dossier("SGDDT", "BKT", "Nông Thị Hoa"),
         "school": Dossier("SGDDT", "BKT", "Trường THPT Chuyên Cao Bằng", kind="tap_the"),
         "doctor": Dossier("SYT", "CSTDT", "Hoàng Văn Minh"),
         "firm": Dossier("SCT", "HCLD3", "Công ty CP Khoáng sản Cao Bằng", kind="doanh_nghiep"),
         "family": Dossier("SGDDT", "GK", "Hộ ông Lương Văn Tâm", kind="ho_gia_dinh"),
         "lan": Dossier("SYT", "BKT", "Đàm Thị Lan"),
         "slow": Dossier("SYT", "BKT", "Bế Văn Đức"),
         "old": Dossier("SNV", "BKT", "Lý Thị Mai", year=2024)}
    events = [
        *d["hoa"].to_council(), d["hoa"].decided(**HOA_AWARD),
        *d["school"].to_council(), d["school"].decided(cash_amount=7_020_000, decision_number="164/QĐ-UBND"),
        *d["doctor"].to_council(), d["doctor"].decided(
            award_name="Chiến sĩ thi đua bộ, ban, ngành, tỉnh", award_category="danh_hieu_thi_dua",
            award_level="tinh", decision_number="170/QĐ-UBND", cash_amount=7_020_000),
        *d["firm"].to_council(), d["firm"].event("NominationForwarded", "forwarded_central"), d["firm"].decided(
            central=True, award_name="Huân chương Lao động hạng Ba", award_category="huan_chuong",
            award_level="nha_nuoc", decision_number="1234/QĐ-CTN", signed_by="Chủ tịch nước", cash_amount=None),
        d["family"].event("NominationCreated", "draft"), d["family"].event("NominationSubmitted", "submitted"),
        d["family"].event("NominationRejected", "not_awarded"),
        d["lan"].event("NominationCreated", "draft"), d["lan"].event("NominationSubmitted", "submitted"),
        d["lan"].event("NominationReturned", "returned"),
        d["slow"].event("NominationCreated", "draft"), d["slow"].event("NominationSubmitted", "submitted"),
        d["slow"].event("NominationProgressed", "appraising", step="accepted"),
        d["slow"].event("NominationLate", "appraising", in_state="appraising", due_date="2026-03-31"),
        *d["old"].to_council(), d["old"].decided(),
    ]
    return d, events


async def get(client: httpx.AsyncClient, path: str, headers: dict[str, str] = READER, **params: Any) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def counts(client: httpx.AsyncClient, **params: Any) -> dict[str, int]:
    """The non-zero counts of /reports/dossiers/by-state, checked against its total."""
    body = await get(client, "/reports/dossiers/by-state", **params)
    found = {s["state"]: s["count"] for s in body["states"] if s["count"]}
    assert body["total"] == sum(found.values())
    return found


EXPECTED_2025 = {"decided": 3, "central_decided": 1, "not_awarded": 1, "returned": 1, "appraising": 1}


async def story_settled(reports: httpx.AsyncClient) -> None:
    """Until every event of the story is consumed, the 2026 dossier's included."""

    async def settled() -> None:
        assert await counts(reports, year=2025) == EXPECTED_2025
        assert await counts(reports) == {**EXPECTED_2025, "decided": 4}

    await eventually(settled)


async def test_dossiers_are_counted_per_state_and_awards_per_form_level_and_subject(ns: Namespace) -> None:
    d, events = province_story()
    async with serve(reporting(ns)) as reports:
        await publish(ns, events)

        await story_settled(reports)
        # Every state of the workflow is listed, in order, with its Vietnamese label.
        by_state = await get(reports, "/reports/dossiers/by-state", year=2025)
        assert by_state["states"][0] == {"state": "draft", "label": "đang soạn hồ sơ", "count": 0}
        assert {"state": "returned", "label": "trả lại để bổ sung", "count": 1} in by_state["states"]
        assert await counts(reports, year=2025, unit="SGDDT") == {"decided": 2, "not_awarded": 1}
        assert await counts(reports) == {**EXPECTED_2025, "decided": 4}

        awards = await get(reports, "/reports/awards", year=2025)
        assert (awards["count"], awards["cash_total"]) == (4, 17_550_000)
        assert [(f["award_code"], f["award_name"], f["award_category"], f["count"], f["cash_total"])
                for f in awards["by_form"]] == [
            ("BKT", "Bằng khen của Chủ tịch UBND tỉnh", "bang_khen", 2, 10_530_000),
            ("CSTDT", "Chiến sĩ thi đua bộ, ban, ngành, tỉnh", "danh_hieu_thi_dua", 1, 7_020_000),
            ("HCLD3", "Huân chương Lao động hạng Ba", "huan_chuong", 1, 0)]
        assert [(lv["award_level"], lv["count"], lv["cash_total"]) for lv in awards["by_level"]] == [
            ("tinh", 3, 17_550_000), ("nha_nuoc", 1, 0)]
        assert [(s["kind"], s["label"], s["count"], s["cash_total"]) for s in awards["by_subject"]] == [
            ("ca_nhan", "cá nhân", 2, 10_530_000), ("tap_the", "tập thể", 1, 7_020_000),
            ("ho_gia_dinh", "hộ gia đình", 0, 0), ("doanh_nghiep", "doanh nghiệp", 1, 0)]
        assert awards["revoked"] == {"count": 0, "cash_total": 0}
        sgddt = await get(reports, "/reports/awards", year=2025, unit="SGDDT")
        assert (sgddt["count"], sgddt["cash_total"]) == (2, 10_530_000)

        # The rows: filters by state, award and late flag; what each row says.
        decided = await get(reports, "/reports/dossiers", year=2025, state="decided")
        assert sorted(r["nominee"]["name"] for r in decided) == [
            "Hoàng Văn Minh", "Nông Thị Hoa", "Trường THPT Chuyên Cao Bằng"]
        hoa = next(r for r in decided if r["dossier_id"] == str(d["hoa"].dossier_id))
        assert (hoa["state_label"], hoa["unit_code"], hoa["award_code"], hoa["nominee"]["kind"]) == (
            "đã có quyết định khen thưởng", "SGDDT", "BKT", "ca_nhan")
        assert (hoa["decision_number"], hoa["decided_on"], hoa["cash_amount"], hoa["award_level"]) == (
            "163/QĐ-UBND", "2026-04-02", 3_510_000, "tinh")
        assert (hoa["submitted_on"], hoa["version"], hoa["late"], hoa["revoked"]) == ("2026-02-04", 7, False, False)
        doctors = await get(reports, "/reports/dossiers", award="CSTDT")
        assert [r["nominee"]["name"] for r in doctors] == ["Hoàng Văn Minh"]
        late = await get(reports, "/reports/dossiers", year=2025, late="true")
        assert [(r["nominee"]["name"], r["late_in_state"], r["late_in_state_label"], r["late_due"]) for r in late] \
            == [("Bế Văn Đức", "appraising", "đang thẩm định", "2026-03-31")]
        assert [r["dossier_id"] for r in await get(reports, "/reports/dossiers/late")] == [
            str(d["slow"].dossier_id)]
        assert len(await get(reports, "/reports/dossiers", year=2025, late="false")) == 6
        assert len(await get(reports, "/reports/dossiers", limit=2, offset=8)) == 0


async def test_a_revoked_award_leaves_the_count_and_a_late_flag_clears_on_the_next_step(ns: Namespace) -> None:
    hoa, lan, slow = Dossier("SGDDT", "BKT", "Nông Thị Hoa"), Dossier("SYT", "BKT", "Đàm Thị Lan"), \
        Dossier("SYT", "BKT", "Bế Văn Đức")
    async with serve(reporting(ns)) as reports:
        await publish(ns, [*hoa.to_council(), hoa.decided(**HOA_AWARD), *lan.to_council(),
                           lan.decided(cash_amount=3_510_000),
                           slow.event("NominationCreated", "draft"), slow.event("NominationSubmitted", "submitted"),
                           slow.event("NominationProgressed", "appraising", step="accepted"),
                           slow.event("NominationLate", "appraising", in_state="appraising", due_date="2026-03-31")])

        async def both_awarded_one_late():
            awards = await get(reports, "/reports/awards", year=2025)
            assert (awards["count"], awards["cash_total"]) == (2, 7_020_000)
            assert len(await get(reports, "/reports/dossiers/late")) == 1

        await eventually(both_awarded_one_late)
        # Conferred, then the decision is annulled; the late dossier moves on to the council.
        await publish(ns, [hoa.event("AwardConferred", "awarded"), hoa.event("AwardRevoked", "revoked"),
                           slow.event("NominationAppraised", "council_review")])

        async def revoked_and_on_time():
            awards = await get(reports, "/reports/awards", year=2025)
            assert (awards["count"], awards["cash_total"]) == (1, 3_510_000)
            assert awards["revoked"] == {"count": 1, "cash_total": 3_510_000}
            assert await get(reports, "/reports/dossiers/late") == []

        await eventually(revoked_and_on_time)
        assert await counts(reports, year=2025) == {"decided": 1, "revoked": 1, "council_review": 1}
        [row] = await get(reports, "/reports/dossiers", state="revoked")
        assert (row["revoked"], row["revoked_on"], row["revocation_number"], row["conferred_on"]) == (
            True, "2026-09-01", "201/QĐ-UBND", "2026-04-20")
        [moved] = await get(reports, "/reports/dossiers", state="council_review")
        assert (moved["late"], moved["late_in_state"], moved["late_due"]) == (False, None, None)


async def test_duplicates_and_older_versions_change_no_count(ns: Namespace) -> None:
    d, events = province_story()
    async with serve(reporting(ns)) as reports:
        await publish(ns, events)

        await story_settled(reports)
        awards = await get(reports, "/reports/awards", year=2025)
        # The same events again under new message ids (JetStream keeps them), and an event of an
        # older version under a new event id (only the version guard can drop that one).
        submitted = next(e for e in events if isinstance(e, c.NominationSubmitted)
                         and e.dossier_id == d["hoa"].dossier_id and e.state == "submitted")
        await publish(ns, events, prefix="again")
        await publish(ns, [submitted.model_copy(update={"event_id": uuid4()})])

        async def all_seen_again():
            status = (await get(reports, "/admin/consumer"))["consumers"]["reporting-dossiers"]
            assert (status["processed"], status["duplicates"]) == (len(events) + 1, len(events))

        await eventually(all_seen_again)
        await story_settled(reports)
        assert await get(reports, "/reports/awards", year=2025) == awards
        [hoa] = [r for r in await get(reports, "/reports/dossiers", state="decided", unit="SGDDT")
                 if r["nominee"]["name"] == "Nông Thị Hoa"]
        assert hoa["version"] == 7


def plan_events() -> list[IntegrationEvent]:
    """Two tasks of the plan fixture, one of them completed."""
    assigned = json.loads((FIXTURES / "plan.TaskAssigned.v1.json").read_text(encoding="utf-8"))
    completed = json.loads((FIXTURES / "plan.TaskCompleted.v1.json").read_text(encoding="utf-8"))
    first, second = uuid4(), uuid4()
    return [TaskAssigned.model_validate({**assigned, "event_id": str(uuid4()), "task_id": str(first)}),
            TaskAssigned.model_validate({**assigned, "event_id": str(uuid4()), "task_id": str(second), "number": 8}),
            TaskCompleted.model_validate({**completed, "event_id": str(uuid4()), "task_id": str(first)})]


async def test_rebuild_replays_tasks_and_dossiers_to_the_same_counts(ns: Namespace) -> None:
    _, events = province_story()
    tasks = plan_events()
    async with serve(reporting(ns)) as reports:
        await publish(ns, [*tasks, *events])

        async def settled():
            assert await counts(reports, year=2025) == EXPECTED_2025
            assert await get(reports, "/reports/tasks/by-status", year=2026) == {
                "assigned": 1, "completed": 1, "overdue": 0}

        async def applied():  # every event, those of 2026 too (the counts above are 2025's)
            status = await get(reports, "/admin/consumer")
            assert status["consumers"]["reporting-tasks"]["processed"] == len(tasks)
            assert status["consumers"]["reporting-dossiers"]["processed"] == len(events)

        await eventually(settled)
        await eventually(applied)
        before = [await get(reports, "/reports/awards", year=2025), await get(reports, "/reports/dossiers"),
                  await get(reports, "/reports/tasks", year=2026)]
        assert (await reports.post("/admin/rebuild", headers=READER)).status_code == 403
        assert (await reports.post("/admin/rebuild", headers=auth("admin"))).status_code == 202

        async def replayed():
            status = await get(reports, "/admin/consumer")
            assert status["consumers"]["reporting-tasks"]["processed"] == 2 * len(tasks)
            assert status["consumers"]["reporting-dossiers"]["processed"] == 2 * len(events)
            assert status["processed"] == 2 * (len(tasks) + len(events))
            assert status["duplicates"] == 0

        await eventually(replayed)
        await settled()
        assert [await get(reports, "/reports/awards", year=2025), await get(reports, "/reports/dossiers"),
                await get(reports, "/reports/tasks", year=2026)] == before


async def test_lists_naming_nominees_are_scoped_to_the_clerks_unit_and_bad_filters_are_refused(
    ns: Namespace,
) -> None:
    _, events = province_story()
    clerk = auth("unit_clerk", unit="SYT")
    async with serve(reporting(ns)) as reports:
        await publish(ns, events)

        await story_settled(reports)
        own = await get(reports, "/reports/dossiers", headers=clerk)
        assert {r["unit_code"] for r in own} == {"SYT"} and len(own) == 3
        assert [r["nominee"]["name"] for r in await get(reports, "/reports/dossiers/late", headers=clerk)] == [
            "Bế Văn Đức"]
        assert len(await get(reports, "/reports/dossiers", headers=clerk, unit="SYT")) == 3
        for path in ("/reports/dossiers", "/reports/dossiers/late"):
            other = await reports.get(path, params={"unit": "SGDDT"}, headers=clerk)
            assert other.status_code == 403 and "SYT" in other.json()["error"]["message"]
            unitless = await reports.get(path, headers=auth("unit_clerk"))
            assert unitless.status_code == 403
        assert (await reports.get("/reports/dossiers")).status_code == 401
        for params in ({"state": "nope"}, {"year": 1999}, {"limit": 0}, {"offset": -1}, {"late": "maybe"},
                       {"unit": ""}):
            response = await reports.get("/reports/dossiers", params=params, headers=READER)
            assert response.status_code == 422, params
            assert response.json()["error"]["code"] == "invalid_input"
        assert (await reports.get("/reports/awards", params={"year": 3000}, headers=READER)).status_code == 422
        assert await counts(reports, year=2025) == EXPECTED_2025
