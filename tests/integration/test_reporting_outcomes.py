"""The clusters' results and the exemplary models in the period reports, on a real PostgreSQL and
NATS JetStream: the plan service's API drives a block of eight agencies through its covenant, scores
and vote, records the province's 2025 result in the cluster of 7 northern border provinces, and
follows exemplary models found through the 2026 movement; the reporting service's figures equal
counts made here from the events the plan service published, and each figure's list has as many
rows as it counts."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import date
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import httpx
import nats
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from contracts import IntegrationEvent, unwrap
from contracts import nomination as nc
from contracts import plan_clusters as cl
from contracts import plan_exemplary as ex
from services.reporting.main import create_app
from services.reporting.periods import parse
from services.reporting.settings import ReportingSettings
from tests.integration.nomination_events import FIXTURES, Dossier, publish
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
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
READER = auth("auditor")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PERIODS = ["2025", "2026-Q1", "2026-Q2", "2026-Q4", "2026-H1", "2026", "2026-01-01..2026-04-30"]
CLUSTER_FACTS = {"ClusterSelfAssessed": "self_assessed", "ClusterScored": "scored",
                 "ClusterLeaderElected": "leader_elected", "ClusterVoteInconclusive": "vote_inconclusive",
                 "GovernmentFlagProposed": "government_flag", "ClusterResultRecorded": "own_result"}


async def _vote(plan: httpx.AsyncClient, cluster_id: str) -> None:
    """Round 1 splits the block three to three (no unit has the five votes needed); round 2 names SNV."""
    await ok(await plan.post(f"/clusters/{cluster_id}/votes", headers=PLANNER, json={}))
    for voter, candidate in zip(BLOCK[:6], ["SNV", "STC"] * 3, strict=True):
        await ok(await plan.post(f"/clusters/{cluster_id}/ballots", headers=clerk(voter),
                                 json={"voter": voter, "candidate": candidate}))
    assert (await ok(await plan.post(f"/clusters/{cluster_id}/votes/close", headers=PLANNER)))["elected"] is None
    await ok(await plan.post(f"/clusters/{cluster_id}/votes", headers=PLANNER, json={}))
    for voter in BLOCK[:7]:
        await ok(await plan.post(f"/clusters/{cluster_id}/ballots", headers=clerk(voter),
                                 json={"voter": voter, "candidate": "SNV"}))
    assert (await ok(await plan.post(f"/clusters/{cluster_id}/votes/close", headers=PLANNER)))["elected"] == "SNV"
    await ok(await plan.post(f"/clusters/{cluster_id}/government-flag", headers=PLANNER,
                             json={"basis": "Biên bản họp Hội đồng TĐKT tỉnh ngày 15/12/2026"}))


async def _models(plan: httpx.AsyncClient, clock: Clock, movement_id: str) -> None:
    """Four models: three found through the movement, one outside it; followed through their stages."""
    ids = []
    for name, kind, unit, field, movement, found_on in (
            ("Hợp tác xã Nông nghiệp Quảng Lâm", "tap_the", "X.QUANGLAM", "nông nghiệp", movement_id, "2026-04-02"),
            ("Nông Thị Hoa", "ca_nhan", "SGDDT", "giáo dục", movement_id, "2026-04-10"),
            ("Trạm Y tế xã Quảng Lâm", "tap_the", "SYT", "y tế", movement_id, "2026-05-05"),
            ("Hoàng Văn Tú", "ca_nhan", "CAT", "an ninh trật tự", None, "2026-08-01")):
        created = await ok(await plan.post("/exemplary-models", headers=PLANNER, json={
            "name": name, "subject_kind": kind, "unit": unit, "field": field, "movement_id": movement,
            "found_by_unit": "SNV", "found_on": found_on, "achievement": f"Thành tích của {name}."}), 201)
        ids.append(created["id"])
    cooperative, teacher, station, _ = ids
    for model, stage, on in ((cooperative, "boi_duong", "2026-05-20"), (cooperative, "tong_ket", "2026-10-01"),
                             (cooperative, "nhan_rong", "2026-11-15"), (teacher, "boi_duong", "2026-06-01"),
                             (station, "boi_duong", "2026-09-09")):
        await ok(await plan.post(f"/exemplary-models/{model}/stage", headers=PLANNER, json={"to": stage, "on": on}))
    for model, title, on in ((cooperative, "Thạch đen Quảng Lâm vươn xa", "2026-05-20"),
                             (cooperative, "Nhân rộng mô hình thạch đen", "2026-11-20"),
                             (teacher, "Cô giáo cắm bản", "2026-06-15")):
        await ok(await plan.post(f"/exemplary-models/{model}/coverage", headers=PLANNER, json={
            "outlet": "Báo và Phát thanh, truyền hình Cao Bằng", "title": title, "published_on": on}))
    clock.day = date(2026, 6, 20)
    for model in (cooperative, teacher):
        await ok(await plan.post(f"/exemplary-models/{model}/publication", headers=PLANNER,
                                 json={"public_summary": "Điển hình tiên tiến của tỉnh."}))
    clock.day = date(2026, 12, 1)
    await ok(await plan.post(f"/exemplary-models/{teacher}/withdrawal", headers=PLANNER,
                             json={"reason": "Đơn vị đề nghị cập nhật số liệu"}))


def _awards_for(movement_id: str) -> list[IntegrationEvent]:
    """Dossiers of thematic awards for the movement (one opened for none), decided in two quarters;
    the version 2 of one opening arrives before its version 1."""
    events: list[IntegrationEvent] = []
    for n, (movement, decided_on) in enumerate(((movement_id, date(2026, 5, 4)), (movement_id, date(2026, 5, 4)),
                                                (movement_id, date(2026, 11, 2)), (None, date(2026, 5, 4)))):
        dossier = Dossier("STC", "BKT", f"Tập thể số {n + 1}", kind="tap_the", year=2026)
        story = dossier.to_council()
        created = story[0].model_copy(update={"basis": "chuyen_de"})
        v2 = nc.NominationCreatedV2.model_validate({**created.model_dump(), "version": 2, "event_id": uuid4(),
                                                    "movement_id": movement, "nominee_groups": {}})
        events += [v2, created] if n == 1 else [created, v2]
        events += [*story[1:], dossier.decided(decided_on=decided_on, cash_amount=1_000_000)]
    return events


def _expected_awards(events: list[Any], start: date, end: date) -> dict[str, int]:
    movement = {e.dossier_id: e.movement_id for e in events if isinstance(e, nc.NominationCreatedV2)}
    return dict(Counter(str(movement[e.dossier_id]) for e in events if isinstance(e, nc.AwardDecided)
                        and start <= e.decided_on <= end and movement.get(e.dossier_id)))


def _expected(events: list[Any], start: date, end: date) -> dict[str, Any]:
    """The figures of a period, counted from the events as the plan service published them."""
    clusters: Counter[str] = Counter()
    by_cluster: Counter[str] = Counter()
    for e in events:
        fact = CLUSTER_FACTS.get(e.event_name)
        if fact is None:
            continue
        day = e.recorded_on if fact == "own_result" else e.occurred_at.astimezone(ZONE).date()
        if start <= day <= end:
            rows = len(e.results) if fact == "scored" else 1
            clusters[fact] += rows
            by_cluster[e.code] += rows
    models: Counter[str] = Counter()
    by_field: Counter[str] = Counter()
    by_movement: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    for e in events:
        if not e.event_name.startswith("ExemplaryModel"):
            continue
        what = e.event_name.removeprefix("ExemplaryModel").lower()
        day = {"recognised": getattr(e, "found_on", None), "advanced": getattr(e, "advanced_on", None),
               "covered": getattr(e, "published_on", None)}.get(what) or e.occurred_at.astimezone(ZONE).date()
        if not start <= day <= end:
            continue
        models[what] += 1
        if what in ("recognised", "advanced"):
            stages[e.stage] += 1
        if what == "recognised":
            models[e.subject_kind] += 1
            by_field[e.field] += 1
            by_movement[str(e.movement_id) if e.movement_id else "khong"] += 1
    return {"clusters": clusters, "by_cluster": by_cluster, "models": models, "by_field": by_field,
            "by_movement": by_movement, "stages": stages}


def _nonzero(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["key"]: r["count"] for r in rows if r["count"]}


async def test_cluster_results_and_exemplary_models_equal_counts_from_the_events(ns: Namespace) -> None:
    clock = Clock(date(2026, 1, 20))
    async with serve(plan_app(ns, clock)) as plan, serve(create_app(ns.settings(ReportingSettings))) as reports:
        tasks = await seed_plan(plan)
        await seven_provinces_2025(plan)
        clock.day = date(2026, 2, 10)
        movement_id = await movement_2026(plan, tasks)
        clock.day = date(2026, 3, 20)
        block_id = await block_formed(plan)
        clock.day = date(2026, 3, 30)
        await block_scored(plan, block_id)
        clock.day = date(2026, 12, 10)
        await _vote(plan, block_id)
        await _models(plan, clock, movement_id)
        dossiers = _awards_for(movement_id)
        await publish(ns, dossiers)

        events = [unwrap(m.headers, m.data) for m in await read_stream(ns, f"{ns.subject_root}.plan.>")]
        published = Counter(e.event_name for e in events)
        assert published["ClusterVoteInconclusive"] == 1 and published["ClusterLeaderElected"] == 1
        assert published["ExemplaryModelRecognised"] == 4 and published["ExemplaryModelCovered"] == 3

        async def figures(code: str) -> dict[str, Any]:
            response = await reports.get("/reports/period", params={"period": code}, headers=READER)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        async def settled() -> None:
            body = await figures("2026")
            assert body["position"]["complete_through"] >= len(events), body["position"]
            assert body["position"]["consumers"]["reporting-outcomes"] >= len(events)
            assert body["position"]["complete_through"] >= len(events) + len(dossiers)

        await eventually(settled, timeout=90)
        for code in PERIODS:
            period = parse(code)
            want = _expected(events, period.start, period.end)
            body = await figures(code)
            clusters, models = body["clusters"], body["exemplary"]
            assert _nonzero(clusters["by_fact"]) == dict(want["clusters"]), code
            assert _nonzero(clusters["by_cluster"]) == dict(want["by_cluster"]), code
            assert models["found"]["count"] == want["models"]["recognised"], code
            assert _nonzero(models["by_subject"]) == {k: want["models"][k] for k in ("ca_nhan", "tap_the")
                                                      if want["models"][k]}, code
            assert _nonzero(models["by_field"]) == dict(want["by_field"]), code
            assert _nonzero(models["by_movement"]) == dict(want["by_movement"]), code
            assert _nonzero(models["by_stage"]) == dict(want["stages"]), code
            for fact in ("covered", "published", "unpublished"):
                assert models[fact]["count"] == want["models"][fact], (code, fact)
            assert _nonzero(body["awards"]["by_movement"]) == _expected_awards(dossiers, period.start, period.end)

        # the year as a whole, as the story made it
        year = await figures("2026")
        facts = _nonzero(year["clusters"]["by_fact"])
        assert facts == {"self_assessed": 8, "scored": 8, "vote_inconclusive": 1, "leader_elected": 1,
                         "government_flag": 1, "own_result": 1}
        assert _nonzero((await figures("2025"))["clusters"]["by_fact"]) == {}  # recorded in January 2026
        assert _nonzero((await figures("2026-Q1"))["clusters"]["by_fact"])["own_result"] == 1
        movement = {r["key"]: r for r in year["exemplary"]["by_movement"]}
        assert movement[movement_id]["label"] == "Phong trào thi đua phát triển kinh tế - xã hội năm 2026"
        assert movement[movement_id]["count"] == 3 and movement["khong"]["count"] == 1
        [awards] = year["awards"]["by_movement"]
        assert (awards["key"], awards["label"], awards["count"], awards["cash_total"]) == (
            movement_id, "Phong trào thi đua phát triển kinh tế - xã hội năm 2026", 3, 3_000_000)
        listed = await ok(await reports.get(awards["list_url"], headers=READER))
        assert len(listed) == 3 and {d["movement_id"] for d in listed} == {movement_id}

        # every figure links to the list of what it counts
        for code in ("2026", "2026-Q1"):
            body = await figures(code)
            c, e = body["clusters"], body["exemplary"]
            for figure in (*c["by_fact"], *c["by_cluster"], e["found"], *e["by_subject"], *e["by_field"],
                           *e["by_movement"], *e["by_stage"], e["covered"], e["published"], e["unpublished"]):
                response = await reports.get(figure["list_url"], headers=READER)
                assert response.status_code == 200, (figure, response.text)
                assert len(response.json()) == figure["count"], figure
        elected = (await ok(await reports.get("/reports/cluster-results", headers=READER,
                                              params={"fact": "leader_elected", "year": 2026})))
        assert [(r["cluster_code"], r["unit_code"], r["round"], r["votes"]) for r in elected] == [
            ("KHOI-TH", "SNV", 2, 7)]
        own = await ok(await reports.get("/reports/cluster-results", headers=READER, params={"fact": "own_result"}))
        assert [(r["cluster_code"], r["year"], r["unit_name"], r["total"], r["rank"], r["ranked"], r["award"])
                for r in own] == [("CUM-7T", 2025, "Tỉnh Cao Bằng", 95.0, 1, 7, "Cờ thi đua của Chính phủ")]
        ranking = await ok(await reports.get("/reports/cluster-results", headers=READER,
                                             params={"fact": "scored", "cluster": "KHOI-TH"}))
        assert [r["unit_code"] for r in ranking] == BLOCK and ranking[0]["rank"] == 1

        # bad filters: a clear message naming the field
        for path, name, value in (("/reports/cluster-results", "fact", "nope"),
                                  ("/reports/exemplary-models", "movement", "abc"),
                                  ("/reports/exemplary-models", "reached", "xong")):
            bad = await reports.get(path, params={name: value}, headers=READER)
            assert bad.status_code == 422 and name in bad.json()["error"]["message"], bad.text
        assert (await reports.get("/reports/exemplary-models")).status_code == 401

        # the documents carry the new tables
        xlsx = await reports.get("/reports/period", params={"period": "2026", "format": "xlsx"}, headers=READER)
        book = load_workbook(io.BytesIO(xlsx.content))
        rows = {r[0]: r[1] for r in book["Kết quả cụm, khối"].iter_rows(min_row=5, values_only=True)}
        assert rows == {f["label"]: f["count"] for f in year["clusters"]["by_fact"]}
        by_movement = [r[:3] for r in book["Khen thưởng theo phong trào"].iter_rows(min_row=5, values_only=True)]
        assert by_movement == [(awards["label"], 3, 3_000_000)]
        fields = {r[0]: r[1] for r in book["Điển hình theo lĩnh vực"].iter_rows(min_row=5, values_only=True)}
        assert fields == {f["label"]: f["count"] for f in year["exemplary"]["by_field"]}
        docx = await reports.get("/reports/period", params={"period": "2026", "format": "docx"}, headers=READER)
        assert docx.headers["x-tdkt-template"] == "bao-cao-tdkt.v3.docx"
        doc = Document(io.BytesIO(docx.content))
        text = "\n".join(p.text for p in doc.paragraphs)
        assert f"đã phát hiện {year['exemplary']['found']['count']} điển hình tiên tiến" in text
        assert f"bình bầu {facts['leader_elected']} đơn vị dẫn đầu" in text
        cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
        assert [awards["label"], "3", "3.000.000"] in cells
        assert all([f["label"], str(f["count"])] in cells for f in year["clusters"]["by_fact"])
        assert all([f["label"], str(f["count"])] in cells for f in year["exemplary"]["by_field"])
        pdf = await reports.get("/reports/period", params={"period": "2026", "format": "pdf"}, headers=READER)
        content = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", " ")
        assert f"Điển hình tiên tiến phát hiện trong kỳ: {year['exemplary']['found']['count']};" in content
        assert "Kết quả thi đua của cụm, khối" in content


def _fixture(name: str, **changes: Any) -> IntegrationEvent:
    cls = {c.__name__: c for c in (*cl.EVENTS, *ex.EVENTS)}[name]
    data = json.loads((FIXTURES / f"plan.{name}.v1.json").read_text(encoding="utf-8"))
    return cls.model_validate({**data, "event_id": str(uuid4()), **changes})


def _outcome_events() -> list[IntegrationEvent]:
    """A block scored twice (the second ranking replaces the first), a self-assessment, the leader
    elected, the province's own result, and a model found, advanced and covered."""
    scored = _fixture("ClusterScored")
    first = scored.model_copy(update={"event_id": uuid4(), "cluster_version": 11,
                                      "results": [*scored.results][:1]})  # type: ignore[attr-defined]
    return [first, scored, _fixture("ClusterSelfAssessed"), _fixture("ClusterLeaderElected"),
            _fixture("ClusterVoteInconclusive"), _fixture("ClusterResultRecorded"),
            _fixture("ExemplaryModelRecognised"), _fixture("ExemplaryModelAdvanced"),
            _fixture("ExemplaryModelCovered"), _fixture("ExemplaryModelPublished")]


async def test_redelivered_resent_older_and_bad_events_change_nothing_and_a_rebuild_gives_the_same(
        ns: Namespace) -> None:
    events = _outcome_events()
    years = sorted({e.occurred_at.year for e in events} | {2025, 2026})
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, events)

        async def status() -> dict[str, Any]:
            body: dict[str, Any] = (await reports.get("/admin/consumer", headers=READER)).json()
            return body["consumers"]["reporting-outcomes"]

        async def applied() -> None:
            assert (await status())["processed"] == len(events)

        await eventually(applied)

        async def snapshot() -> list[Any]:
            taken = []
            for year in years:
                body = await ok(await reports.get("/reports/period", params={"period": str(year)}, headers=READER))
                taken.append((body["clusters"], body["exemplary"]))
            taken.append(await ok(await reports.get("/reports/cluster-results", headers=READER)))
            taken.append(await ok(await reports.get("/reports/exemplary-models", headers=READER)))
            return taken

        before = await snapshot()
        scored = [r for r in before[-2] if r["fact"] == "scored"]
        assert len(scored) == len(events[1].results)  # type: ignore[attr-defined]
        assert {r["fact"] for r in before[-2]} == {"scored", "self_assessed", "leader_elected", "vote_inconclusive",
                                                   "own_result"}
        assert sorted(r["fact"] for r in before[-1]) == ["advanced", "covered", "published", "recognised"]

        # the same events redelivered (new message ids, same event ids), the older ranking and an older
        # self-assessment re-sent under new event ids, and messages that are not events
        await publish(ns, events, prefix="again")
        older = [events[0].model_copy(update={"event_id": uuid4()}),
                 events[2].model_copy(update={"event_id": uuid4(), "total": 1.0,
                                              "cluster_version": events[2].cluster_version - 1})]  # type: ignore[attr-defined]
        await publish(ns, older)
        bus = await nats.connect(ns.nats_url)
        js = bus.jetstream()
        subject = f"{ns.subject_root}.plan.ClusterScored.v1"
        await js.publish(subject, b"{not json", headers={"ce-specversion": "1.0", "Nats-Msg-Id": "bad-1",
                                                         "ce-type": "vn.gov.tdkt.plan.ClusterScored.v1",
                                                         "ce-id": "x", "ce-source": "/tdkt/plan"})
        await bus.close()

        async def all_seen() -> None:
            seen = await status()
            assert (seen["processed"], seen["duplicates"], seen["dead_lettered"]) == (
                len(events) + len(older), len(events), 1)

        await eventually(all_seen)
        assert await snapshot() == before

        assert (await reports.post("/admin/rebuild", headers=auth("admin"))).status_code == 202

        async def replayed() -> None:
            seen = await status()
            assert (seen["processed"], seen["duplicates"]) == (2 * (len(events) + len(older)), 2 * len(events))

        await eventually(replayed)
        assert await snapshot() == before
